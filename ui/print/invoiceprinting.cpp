#include "ui/print/invoiceprinting.h"

#include <QPainter>
#include <QPrintDialog>
#include <QPrintPreviewDialog>
#include <QPrinter>

#include <memory>

namespace Billstream {

Result<InvoiceRenderer> InvoicePrinting::rendererFor(InvoicingService &service, const QString &tenantId,
                                                     const QString &invoiceId, std::optional<PaperSize> paper)
{
    Result<InvoiceDocument> document = loadInvoiceDocument(service, tenantId, invoiceId);
    if (!document)
        return fail(document.error());
    const PaperSize size = paper.value_or(defaultPaperSize(*document));
    return InvoiceRenderer(std::move(*document), size);
}

Status InvoicePrinting::print(const InvoiceRenderer &renderer, QPrinter &printer)
{
    printer.setFullPage(true);
    printer.setPageSize(renderer.pageSize());
    printer.setPageOrientation(QPageLayout::Portrait);
    const InvoiceDocument &doc = renderer.document();
    printer.setDocName(doc.number.isEmpty() ? QStringLiteral("Draft invoice") : QStringLiteral("Invoice ") + doc.number);
    QPainter painter;
    if (!painter.begin(&printer))
        return fail(Error::failure(QStringLiteral("The printer %1 could not start printing").arg(printer.printerName())));
    // Layout units are 1/720 inch; the page's top-left corner is the painter's origin.
    const qreal sx = qreal(printer.logicalDpiX()) / InvoiceRenderer::UnitsPerInch;
    const qreal sy = qreal(printer.logicalDpiY()) / InvoiceRenderer::UnitsPerInch;
    const QRectF paper = printer.paperRect(QPrinter::DevicePixel);
    for (int i = 0; i < renderer.pageCount(); ++i) {
        if (i > 0 && !printer.newPage()) {
            painter.end();
            return fail(Error::failure(QStringLiteral("The printer could not start page %1").arg(i + 1)));
        }
        painter.save();
        painter.translate(paper.topLeft());
        painter.scale(sx, sy);
        renderer.paintPage(painter, i);
        painter.restore();
    }
    painter.end();
    return {};
}

Result<QPrintPreviewDialog *> InvoicePrinting::openPreview(InvoicingService &service, const QString &tenantId,
                                                           const QString &invoiceId, QWidget *parent)
{
    Result<InvoiceRenderer> renderer = rendererFor(service, tenantId, invoiceId);
    if (!renderer)
        return fail(renderer.error());
    auto *dialog = new QPrintPreviewDialog(parent);
    dialog->setObjectName(QStringLiteral("invoicePrintPreview"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const InvoiceDocument &doc = renderer->document();
    dialog->setWindowTitle(doc.number.isEmpty() ? QObject::tr("Print preview: draft invoice")
                                                : QObject::tr("Print preview: invoice %1").arg(doc.number));
    auto shared = std::make_shared<InvoiceRenderer>(std::move(*renderer));
    QObject::connect(dialog, &QPrintPreviewDialog::paintRequested, dialog,
                     [shared](QPrinter *printer) { (void)print(*shared, *printer); });
    dialog->open();
    return dialog;
}

Result<QPrintDialog *> InvoicePrinting::openPrintDialog(InvoicingService &service, const QString &tenantId,
                                                        const QString &invoiceId, QWidget *parent)
{
    Result<InvoiceRenderer> renderer = rendererFor(service, tenantId, invoiceId);
    if (!renderer)
        return fail(renderer.error());
    auto printer = std::make_shared<QPrinter>(QPrinter::HighResolution);
    auto *dialog = new QPrintDialog(printer.get(), parent);
    dialog->setObjectName(QStringLiteral("invoicePrintDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    auto shared = std::make_shared<InvoiceRenderer>(std::move(*renderer));
    QObject::connect(dialog, &QDialog::accepted, dialog, [shared, printer] { (void)print(*shared, *printer); });
    dialog->open();
    return dialog;
}

} // namespace Billstream
