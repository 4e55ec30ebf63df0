#pragma once

#include "core/documents/invoicerenderer.h"

#include <QScrollArea>

class QVBoxLayout;

namespace Billstream {

// The pages of an invoice document as images, one under the other: what the attached PDF
// (or the printout) will look like. Each page is a QLabel named "previewPage<n>".
class InvoicePreview final : public QScrollArea
{
    Q_OBJECT
public:
    explicit InvoicePreview(QWidget *parent = nullptr);

    // Renders every page at `dpi` (the default fits a dialog).
    void setRenderer(const InvoiceRenderer &renderer, int dpi = 56);
    // Shows a line of text instead of pages (the invoice could not be rendered).
    void setMessage(const QString &text);
    int pageCount() const { return m_pages; }

private:
    void clear();

    QWidget *m_content = nullptr;
    QVBoxLayout *m_layout = nullptr;
    int m_pages = 0;
};

} // namespace Billstream
