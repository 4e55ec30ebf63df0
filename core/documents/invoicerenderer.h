#pragma once

#include "core/documents/invoicedocument.h"
#include "core/documents/localeformat.h"

#include <QImage>
#include <QPageSize>
#include <QSizeF>

#include <memory>

class QPainter;

namespace Billstream {

// Lays an invoice out on pages once and paints any page on any device: the PDF writer, a
// printer, a preview image. Layout happens in device-independent units of 1/720 inch with
// pixel-sized DejaVu fonts, so line breaks and page breaks are the same on every device and
// every machine with the same fonts, and the PDF of an invoice is the same bytes every time.
//
// Text from the store is drawn as plain text with QPainter::drawText and QTextLayout: nothing
// is ever interpreted as markup.
class InvoiceRenderer final
{
public:
    static constexpr int UnitsPerInch = 720;

    InvoiceRenderer(InvoiceDocument document, PaperSize paper);

    const InvoiceDocument &document() const;
    PaperSize paperSize() const;
    QPageSize pageSize() const;
    QSizeF pageSizeUnits() const;
    int pageCount() const;

    // Paints page `pageIndex` (0-based) with the painter's coordinates in layout units and the
    // page's top-left corner at the origin; a caller painting on a device of D dots per inch
    // scales by D / 720 first. The painter's state is restored afterwards.
    void paintPage(QPainter &painter, int pageIndex) const;
    // One page as an image at `dpi` (previews), white background.
    QImage pageImage(int pageIndex, int dpi) const;

private:
    struct Layout;
    std::shared_ptr<const Layout> m_layout;
};

// The invoice as a PDF. The same document gives the same bytes: DejaVu fonts, a fixed layout,
// and the creation date taken from the document's recorded time instead of the clock.
Result<QByteArray> renderInvoicePdf(const InvoiceDocument &document, PaperSize paper);
// The paper the tenant's locale usually prints on.
PaperSize defaultPaperSize(const InvoiceDocument &document);
// Registers the DejaVu fonts the documents use. Renderers do it on first use; a program that
// renders on worker threads calls it once on the GUI thread first.
void prepareDocumentFonts();

} // namespace Billstream
