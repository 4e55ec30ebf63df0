#include "ui/send/invoicepreview.h"

#include <QLabel>
#include <QPixmap>
#include <QVBoxLayout>

namespace Billstream {

InvoicePreview::InvoicePreview(QWidget *parent)
    : QScrollArea(parent)
    , m_content(new QWidget(this))
    , m_layout(new QVBoxLayout(m_content))
{
    setObjectName(QStringLiteral("invoicePreview"));
    setWidgetResizable(true);
    setBackgroundRole(QPalette::Dark);
    m_layout->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
    m_layout->setSpacing(12);
    setWidget(m_content);
}

void InvoicePreview::clear()
{
    while (QLayoutItem *item = m_layout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_pages = 0;
}

void InvoicePreview::setRenderer(const InvoiceRenderer &renderer, int dpi)
{
    clear();
    for (int i = 0; i < renderer.pageCount(); ++i) {
        auto *page = new QLabel(m_content);
        page->setObjectName(QStringLiteral("previewPage%1").arg(i + 1));
        page->setPixmap(QPixmap::fromImage(renderer.pageImage(i, dpi)));
        page->setFrameShape(QFrame::Box);
        page->setAccessibleName(tr("Page %1 of %2").arg(i + 1).arg(renderer.pageCount()));
        m_layout->addWidget(page);
    }
    m_pages = renderer.pageCount();
}

void InvoicePreview::setMessage(const QString &text)
{
    clear();
    auto *label = new QLabel(m_content);
    label->setObjectName(QStringLiteral("previewMessage"));
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setText(text);
    m_layout->addWidget(label);
}

} // namespace Billstream
