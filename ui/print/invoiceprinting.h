#pragma once

#include "core/documents/invoicerenderer.h"
#include "core/domain/invoicingservice.h"

class QPrinter;
class QPrintDialog;
class QPrintPreviewDialog;
class QWidget;

namespace Billstream {

// Printing an invoice: the PDF's layout (InvoiceRenderer) painted on a QPrinter, so paper and
// screen preview show exactly what the PDF shows.
//
// For the GUI: from the editor or the list,
//     InvoicePrinting::openPreview(session.service(), session.tenantId(), invoiceId, this);
// opens a QPrintPreviewDialog (object name "invoicePrintPreview") whose Print button prints;
//     InvoicePrinting::openPrintDialog(...) asks for a printer and prints.
// Both dialogs are opened with open() and delete themselves when closed.
class InvoicePrinting final
{
public:
    // The invoice's document laid out on `paper` (default: the tenant's locale's paper).
    static Result<InvoiceRenderer> rendererFor(InvoicingService &service, const QString &tenantId,
                                               const QString &invoiceId, std::optional<PaperSize> paper = {});
    // Paints every page on the printer: its page size set to the document's, full page.
    static Status print(const InvoiceRenderer &renderer, QPrinter &printer);
    static Result<QPrintPreviewDialog *> openPreview(InvoicingService &service, const QString &tenantId,
                                                     const QString &invoiceId, QWidget *parent);
    static Result<QPrintDialog *> openPrintDialog(InvoicingService &service, const QString &tenantId,
                                                  const QString &invoiceId, QWidget *parent);
};

} // namespace Billstream
