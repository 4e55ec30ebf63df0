#include "core/documents/invoicerenderer.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QFile>
#include <QFontDatabase>
#include <QFontMetricsF>
#include <QGuiApplication>
#include <QImageReader>
#include <QPainter>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QTextLayout>

#include <mutex>
#include <variant>

namespace Billstream {

namespace {

constexpr qreal kPt = InvoiceRenderer::UnitsPerInch / 72.0;   // layout units per point
constexpr qreal kMm = InvoiceRenderer::UnitsPerInch / 25.4;    // layout units per millimetre

// --- fonts ------------------------------------------------------------------------------------

const QString kFontFamily = QStringLiteral("DejaVu Sans");

// DejaVu from fonts-dejavu-core, registered by file so the document never depends on which
// font fontconfig would pick for a family name.
void registerFonts()
{
    static std::once_flag once;
    std::call_once(once, [] {
        const char *files[] = {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf"};
        for (const char *file : files) {
            const QString path = QStringLiteral("/usr/share/fonts/truetype/dejavu/") + QLatin1String(file);
            if (QFile::exists(path))
                QFontDatabase::addApplicationFont(path);
        }
    });
}

enum class FontRole { Body, Bold, Small, SmallBold, Label, SellerName, Title, Tiny, Watermark };

QFont fontFor(FontRole role)
{
    QFont f(kFontFamily);
    f.setStyleHint(QFont::SansSerif);
    f.setHintingPreference(QFont::PreferNoHinting);
    f.setStyleStrategy(QFont::PreferOutline);
    // Pixel sizes in layout units: independent of the device's resolution.
    auto px = [](qreal points) { return int(points * kPt + 0.5); };
    switch (role) {
    case FontRole::Body: f.setPixelSize(px(9)); break;
    case FontRole::Bold: f.setPixelSize(px(9)); f.setBold(true); break;
    case FontRole::Small: f.setPixelSize(px(8)); break;
    case FontRole::SmallBold: f.setPixelSize(px(8)); f.setBold(true); break;
    case FontRole::Label: f.setPixelSize(px(7.5)); break;
    case FontRole::SellerName: f.setPixelSize(px(12)); f.setBold(true); break;
    case FontRole::Title: f.setPixelSize(px(20)); f.setBold(true); break;
    case FontRole::Tiny: f.setPixelSize(px(6)); break;
    case FontRole::Watermark: f.setPixelSize(px(110)); f.setBold(true); break;
    }
    return f;
}

const QColor kText(0x1a, 0x1a, 0x1a);
const QColor kMuted(0x5f, 0x63, 0x68);
const QColor kRule(0xc8, 0xcc, 0xd0);
const QColor kHeaderFill(0xee, 0xf0, 0xf3);
const QColor kWatermark(0xd0, 0x30, 0x30, 60);
const QColor kAlert(0xb0, 0x20, 0x20);

// --- the display list -------------------------------------------------------------------------

struct TextOp
{
    QPointF baseline;
    QString text;
    FontRole role;
    QColor color;
};
struct LineOp
{
    QLineF line;
    qreal width;
    QColor color;
};
struct RectOp
{
    QRectF rect;
    QColor fill;
};
struct ImageOp
{
    QRectF rect;
    QImage image;
};
using Op = std::variant<TextOp, LineOp, RectOp, ImageOp>;

struct Page
{
    QList<Op> ops;
};

// Control characters would draw as boxes or break lines where the layout does not expect it.
QString printableLine(QString text)
{
    for (QChar &c : text) {
        if (c.category() == QChar::Other_Control || c == QChar::LineSeparator || c == QChar::ParagraphSeparator)
            c = QLatin1Char(' ');
    }
    return text;
}

QString addressBlockLine(const Address &a)
{
    return QStringList{a.postalCode, a.city}.filter(QRegularExpression(QStringLiteral("\\S"))).join(QLatin1Char(' '));
}

} // namespace

// --- layout -----------------------------------------------------------------------------------

struct InvoiceRenderer::Layout
{
    InvoiceDocument doc;
    PaperSize paper = PaperSize::A4;
    QSizeF size;
    QList<Page> pages;
    QString footerLeft;
};

namespace {

QSizeF pageUnits(PaperSize paper)
{
    const QSizeF points = QPageSize(paper == PaperSize::Letter ? QPageSize::Letter : QPageSize::A4)
                              .definitionSize();   // millimetres for A4, inches for Letter
    if (paper == PaperSize::Letter)
        return QSizeF(points.width() * InvoiceRenderer::UnitsPerInch, points.height() * InvoiceRenderer::UnitsPerInch);
    return QSizeF(points.width() * kMm, points.height() * kMm);
}

struct Column
{
    QString header;
    qreal width = 0;
    bool right = false;
};

class Layouter
{
public:
    Layouter(const InvoiceDocument &doc, QSizeF size)
        : m_doc(doc)
        , m_locale(doc.localeName)
        , m_size(size)
    {
        m_left = 20 * kMm;
        m_right = size.width() - 20 * kMm;
        m_top = 18 * kMm;
        m_bottom = size.height() - 28 * kMm;
    }

    QList<Page> run()
    {
        newPage(false);
        header();
        parties();
        table();
        totals();
        payment();
        notes();
        return m_pages;
    }

    static qreal footerRuleY(QSizeF size) { return size.height() - 24 * kMm; }

private:
    Page &page() { return m_pages.last(); }
    qreal width() const { return m_right - m_left; }

    static qreal lineHeight(FontRole role) { return QFontMetricsF(fontFor(role)).lineSpacing(); }
    static qreal ascent(FontRole role) { return QFontMetricsF(fontFor(role)).ascent(); }
    static qreal advance(FontRole role, const QString &text)
    {
        return QFontMetricsF(fontFor(role)).horizontalAdvance(text);
    }

    // Plain text broken into lines of at most `maxWidth`: at word boundaries, inside a word
    // only when it is longer than a line. '\n' starts a new paragraph.
    static QStringList wrap(const QString &text, FontRole role, qreal maxWidth)
    {
        QStringList lines;
        const QFont font = fontFor(role);
        QString normalized = text;
        normalized.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
        normalized.replace(QLatin1Char('\r'), QLatin1Char('\n'));
        const QStringList paragraphs = normalized.split(QLatin1Char('\n'));
        for (const QString &paragraph : paragraphs) {
            const QString clean = printableLine(paragraph);
            if (clean.trimmed().isEmpty()) {
                lines << QString();
                continue;
            }
            QTextLayout layout(clean, font);
            QTextOption option;
            option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
            layout.setTextOption(option);
            layout.beginLayout();
            for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
                line.setLineWidth(maxWidth);
                lines << clean.mid(line.textStart(), line.textLength()).trimmed();
            }
            layout.endLayout();
        }
        return lines;
    }

    void addText(qreal x, qreal top, const QString &text, FontRole role, const QColor &color = kText)
    {
        page().ops << TextOp{QPointF(x, top + ascent(role)), printableLine(text), role, color};
    }
    void addTextRight(qreal rightEdge, qreal top, const QString &text, FontRole role, const QColor &color = kText)
    {
        addText(rightEdge - advance(role, printableLine(text)), top, text, role, color);
    }
    void addRule(qreal x1, qreal x2, qreal y, qreal lineWidth = 0.5 * kPt, const QColor &color = kRule)
    {
        page().ops << LineOp{QLineF(x1, y, x2, y), lineWidth, color};
    }

    void newPage(bool continuation)
    {
        m_pages << Page{};
        m_y = m_top;
        if (!continuation)
            return;
        // A page after the first says whose invoice it continues.
        const QString what = m_doc.number.isEmpty()
            ? QCoreApplication::translate("InvoicePdf", "Draft invoice")
            : QCoreApplication::translate("InvoicePdf", "Invoice %1").arg(m_doc.number);
        const QString left = m_doc.seller.name.isEmpty() ? what : m_doc.seller.name + QStringLiteral(" \u2013 ") + what;
        const qreal continuedWidth = advance(FontRole::Small, QCoreApplication::translate("InvoicePdf", "(continued)"));
        const QStringList shown = wrap(left, FontRole::Small, width() - continuedWidth - 6 * kMm);
        addText(m_left, m_y, shown.value(0), FontRole::Small, kMuted);
        addTextRight(m_right, m_y, QCoreApplication::translate("InvoicePdf", "(continued)"), FontRole::Small, kMuted);
        m_y += lineHeight(FontRole::Small) + 2 * kMm;
        addRule(m_left, m_right, m_y);
        m_y += 4 * kMm;
    }

    // Starts a new page when `height` does not fit below the cursor; the line table repeats
    // its header on the new page.
    void ensure(qreal height, bool inTable = false)
    {
        if (m_y + height <= m_bottom)
            return;
        newPage(true);
        if (inTable)
            tableHeader();
    }

    // --- first page: seller, title, meta, buyer ----------------------------------------------

    QStringList sellerLines() const
    {
        const Party &s = m_doc.seller;
        QStringList lines;
        if (!s.address.street.isEmpty())
            lines << s.address.street;
        if (const QString l = addressBlockLine(s.address); !l.isEmpty())
            lines << l;
        if (!s.address.country.isEmpty())
            lines << DocumentLocale::countryName(s.address.country);
        if (!s.taxId.isEmpty())
            lines << QCoreApplication::translate("InvoicePdf", "Tax ID: %1").arg(s.taxId);
        if (!s.email.isEmpty())
            lines << s.email;
        if (!s.phone.isEmpty())
            lines << s.phone;
        return lines;
    }

    QImage logoImage(QSizeF box) const
    {
        if (m_doc.logo.isEmpty())
            return QImage();
        QByteArray bytes = m_doc.logo;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::ReadOnly);
        QImageReader reader(&buffer, m_doc.logoMimeType == QLatin1String("image/svg+xml") ? QByteArray("svg")
                                                                                            : QByteArray());
        reader.setAutoTransform(true);
        const QSize natural = reader.size();
        if (natural.isValid() && !natural.isEmpty()) {
            // 300 dots per inch in the box: sharp on paper, small in the file.
            const QSizeF target = QSizeF(natural).scaled(box * (300.0 / InvoiceRenderer::UnitsPerInch), Qt::KeepAspectRatio);
            if (m_doc.logoMimeType == QLatin1String("image/svg+xml") || target.width() < natural.width())
                reader.setScaledSize(target.toSize().expandedTo(QSize(1, 1)));
        }
        QImage image = reader.read();
        return image.isNull() ? QImage() : image.convertToFormat(QImage::Format_ARGB32);
    }

    void header()
    {
        const qreal top = m_y;
        // Logo at the top left, at most 55 × 24 mm.
        qreal leftBottom = top;
        const QSizeF logoBox(55 * kMm, 24 * kMm);
        if (const QImage logo = logoImage(logoBox); !logo.isNull()) {
            const QSizeF shown = QSizeF(logo.size()).scaled(logoBox, Qt::KeepAspectRatio);
            page().ops << ImageOp{QRectF(QPointF(m_left, top), shown), logo};
            leftBottom = top + shown.height();
        }
        // The seller at the top right, right-aligned.
        const qreal sellerWidth = width() * 0.5;
        qreal y = top;
        for (const QString &line : wrap(m_doc.seller.name, FontRole::SellerName, sellerWidth)) {
            addTextRight(m_right, y, line, FontRole::SellerName);
            y += lineHeight(FontRole::SellerName);
        }
        y += 1 * kMm;
        for (const QString &entry : sellerLines()) {
            for (const QString &line : wrap(entry, FontRole::Small, sellerWidth)) {
                addTextRight(m_right, y, line, FontRole::Small, kMuted);
                y += lineHeight(FontRole::Small);
            }
        }
        m_y = std::max(leftBottom, y) + 10 * kMm;

        // Title on the left, number and dates on the right.
        const qreal titleTop = m_y;
        addText(m_left, titleTop, QCoreApplication::translate("InvoicePdf", "INVOICE"), FontRole::Title);
        QList<QPair<QString, QString>> meta;
        meta << qMakePair(QCoreApplication::translate("InvoicePdf", "Invoice number"),
                          m_doc.number.isEmpty() ? QCoreApplication::translate("InvoicePdf", "none yet (draft)")
                                                 : m_doc.number);
        meta << qMakePair(QCoreApplication::translate("InvoicePdf", "Issue date"),
                          m_doc.issueDate.isValid() ? m_locale.date(m_doc.issueDate)
                                                    : QCoreApplication::translate("InvoicePdf", "not issued"));
        if (m_doc.dueDate.isValid())
            meta << qMakePair(QCoreApplication::translate("InvoicePdf", "Due date"), m_locale.date(m_doc.dueDate));
        meta << qMakePair(QCoreApplication::translate("InvoicePdf", "Currency"), m_doc.currency.code());
        qreal labelWidth = 0;
        qreal valueWidth = 0;
        for (const auto &[label, value] : std::as_const(meta)) {
            labelWidth = std::max(labelWidth, advance(FontRole::Small, label));
            valueWidth = std::max(valueWidth, advance(FontRole::Bold, printableLine(value)));
        }
        valueWidth = std::min(valueWidth, width() * 0.35);
        const qreal labelX = m_right - valueWidth - 5 * kMm - labelWidth;
        qreal my = titleTop;
        for (const auto &[label, value] : std::as_const(meta)) {
            addText(labelX, my + (lineHeight(FontRole::Bold) - lineHeight(FontRole::Small)), label, FontRole::Small, kMuted);
            const QStringList lines = wrap(value, FontRole::Bold, valueWidth + 1);
            for (const QString &line : lines) {
                addTextRight(m_right, my, line, FontRole::Bold);
                my += lineHeight(FontRole::Bold);
            }
            my += 0.8 * kMm;
        }
        qreal titleBottom = titleTop + lineHeight(FontRole::Title);
        if (const QString note = statusNote(); !note.isEmpty()) {
            addText(m_left, titleBottom, note, FontRole::Bold, kAlert);
            titleBottom += lineHeight(FontRole::Bold);
        }
        m_y = std::max(titleBottom, my) + 6 * kMm;
    }

    // Under the title, in words, what the watermark says in one.
    QString statusNote() const
    {
        switch (m_doc.currentStatus) {
        case InvoiceStatus::Draft: return QCoreApplication::translate("InvoicePdf", "DRAFT \u2013 not a valid invoice");
        case InvoiceStatus::Void: return QCoreApplication::translate("InvoicePdf", "VOID \u2013 cancelled, not payable");
        case InvoiceStatus::Deleted: return QCoreApplication::translate("InvoicePdf", "DELETED draft \u2013 not a valid invoice");
        default: return QString();
        }
    }

    void parties()
    {
        const Party &b = m_doc.buyer;
        const qreal blockWidth = width() * 0.55;
        addText(m_left, m_y, QCoreApplication::translate("InvoicePdf", "Bill to"), FontRole::Label, kMuted);
        m_y += lineHeight(FontRole::Label) + 0.5 * kMm;
        for (const QString &line : wrap(b.name, FontRole::Bold, blockWidth)) {
            addText(m_left, m_y, line, FontRole::Bold);
            m_y += lineHeight(FontRole::Bold);
        }
        QStringList entries;
        if (!b.address.street.isEmpty())
            entries << b.address.street;
        if (const QString l = addressBlockLine(b.address); !l.isEmpty())
            entries << l;
        if (!b.address.country.isEmpty())
            entries << DocumentLocale::countryName(b.address.country);
        if (!b.taxId.isEmpty())
            entries << QCoreApplication::translate("InvoicePdf", "Tax ID: %1").arg(b.taxId);
        for (const QString &entry : std::as_const(entries)) {
            for (const QString &line : wrap(entry, FontRole::Body, blockWidth)) {
                addText(m_left, m_y, line, FontRole::Body);
                m_y += lineHeight(FontRole::Body);
            }
        }
        m_y += 8 * kMm;
    }

    // --- the line table -----------------------------------------------------------------------

    struct Row
    {
        QStringList cells;   // one per column; the description is cells[1]
    };

    void prepareTable()
    {
        const bool anyDiscount = std::any_of(m_doc.lines.begin(), m_doc.lines.end(),
                                             [](const DocumentLine &l) { return !l.discountPercent.isZero(); });
        const int digits = m_doc.currency.minorDigits();
        m_columns = {{QStringLiteral("#"), 0, true},
                     {QCoreApplication::translate("InvoicePdf", "Description"), 0, false},
                     {QCoreApplication::translate("InvoicePdf", "Quantity"), 0, true},
                     {QCoreApplication::translate("InvoicePdf", "Unit price"), 0, true},
                     {QCoreApplication::translate("InvoicePdf", "Tax"), 0, true}};
        if (anyDiscount)
            m_columns << Column{QCoreApplication::translate("InvoicePdf", "Discount"), 0, true};
        m_columns << Column{QCoreApplication::translate("InvoicePdf", "Amount"), 0, true};

        m_rows.clear();
        for (qsizetype i = 0; i < m_doc.lines.size(); ++i) {
            const DocumentLine &l = m_doc.lines.at(i);
            Row r;
            r.cells << m_locale.decimalText(QString::number(i + 1)) << l.description << m_locale.decimal(l.quantity)
                    << m_locale.decimal(l.unitPrice, digits) << m_locale.percent(l.taxRate);
            if (anyDiscount)
                r.cells << (l.discountPercent.isZero() ? QString() : m_locale.percent(l.discountPercent));
            r.cells << m_locale.money(l.netAmount);
            m_rows << r;
        }

        // Number columns as wide as their widest cell; the description takes the rest.
        m_tableFont = FontRole::Body;
        for (int attempt = 0; attempt < 2; ++attempt) {
            qreal fixed = 0;
            for (qsizetype c = 0; c < m_columns.size(); ++c) {
                if (c == 1)
                    continue;
                qreal w = advance(FontRole::SmallBold, m_columns.at(c).header);
                for (const Row &r : std::as_const(m_rows))
                    w = std::max(w, advance(m_tableFont, r.cells.at(c)));
                m_columns[c].width = w + 2 * m_cellPad;
                fixed += m_columns.at(c).width;
            }
            m_columns[1].width = width() - fixed;
            // Absurdly long figures: a smaller type before the description gets too narrow.
            if (m_columns.at(1).width >= width() * 0.25 || m_tableFont == FontRole::Small)
                break;
            m_tableFont = FontRole::Small;
        }
        m_columns[1].width = std::max(m_columns.at(1).width, 20 * kMm);
    }

    qreal tableHeaderHeight() const { return lineHeight(FontRole::SmallBold) + 2 * m_cellPad; }

    void tableHeader()
    {
        const qreal h = tableHeaderHeight();
        page().ops << RectOp{QRectF(m_left, m_y, width(), h), kHeaderFill};
        qreal x = m_left;
        for (const Column &c : std::as_const(m_columns)) {
            if (c.right)
                addTextRight(x + c.width - m_cellPad, m_y + m_cellPad, c.header, FontRole::SmallBold);
            else
                addText(x + m_cellPad, m_y + m_cellPad, c.header, FontRole::SmallBold);
            x += c.width;
        }
        m_y += h;
        addRule(m_left, m_right, m_y, 0.8 * kPt, kMuted);
    }

    void table()
    {
        prepareTable();
        ensure(tableHeaderHeight() + 3 * lineHeight(m_tableFont));
        tableHeader();
        const qreal lh = lineHeight(m_tableFont);
        const qreal fullPage = m_bottom - m_top - 20 * kMm - tableHeaderHeight();
        for (const Row &row : std::as_const(m_rows)) {
            const QStringList description = wrap(row.cells.at(1), m_tableFont, m_columns.at(1).width - 2 * m_cellPad);
            const qreal rowHeight = description.size() * lh + 2 * m_cellPad;
            // A row stays on one page unless it is longer than a whole page.
            if (rowHeight <= fullPage)
                ensure(rowHeight, true);
            else
                ensure(lh + 2 * m_cellPad, true);
            const qreal rowTop = m_y;
            qreal x = m_left;
            for (qsizetype c = 0; c < m_columns.size(); ++c) {
                const Column &col = m_columns.at(c);
                if (c != 1) {
                    if (col.right)
                        addTextRight(x + col.width - m_cellPad, rowTop + m_cellPad, row.cells.at(c), m_tableFont);
                    else
                        addText(x + m_cellPad, rowTop + m_cellPad, row.cells.at(c), m_tableFont);
                }
                x += col.width;
            }
            m_y = rowTop + m_cellPad;
            const qreal descriptionX = m_left + m_columns.at(0).width + m_cellPad;
            for (const QString &line : description) {
                if (m_y + lh > m_bottom) {
                    newPage(true);
                    tableHeader();
                    m_y += m_cellPad;
                }
                addText(descriptionX, m_y, line, m_tableFont);
                m_y += lh;
            }
            m_y += m_cellPad;
            addRule(m_left, m_right, m_y);
        }
        m_y += 5 * kMm;
    }

    // --- tax summary and totals ---------------------------------------------------------------

    void totals()
    {
        const InvoiceTotals &t = m_doc.totals;
        const QString code = m_doc.currency.code();
        // EN 16931 BG-23: one row per rate with its taxable amount and its tax.
        const QStringList taxHeaders{QCoreApplication::translate("InvoicePdf", "Tax rate"),
                                     QCoreApplication::translate("InvoicePdf", "Taxable amount"),
                                     QCoreApplication::translate("InvoicePdf", "Tax")};
        QList<QStringList> taxRows;
        for (const TaxSubtotal &s : t.taxes)
            taxRows << QStringList{m_locale.percent(s.rate), m_locale.money(s.taxableAmount), m_locale.money(s.taxAmount)};
        QList<QPair<QString, QString>> sums{
            {QCoreApplication::translate("InvoicePdf", "Net total"), m_locale.money(t.net)},
            {QCoreApplication::translate("InvoicePdf", "Tax total"), m_locale.money(t.tax)},
        };
        const QString totalLabel = QCoreApplication::translate("InvoicePdf", "Total (%1)").arg(code);
        const QString totalValue = m_locale.money(t.total);

        QList<qreal> taxWidths;
        for (qsizetype c = 0; c < taxHeaders.size(); ++c) {
            qreal w = advance(FontRole::SmallBold, taxHeaders.at(c));
            for (const QStringList &r : std::as_const(taxRows))
                w = std::max(w, advance(FontRole::Body, r.at(c)));
            taxWidths << w + 2 * m_cellPad;
        }
        qreal valueWidth = advance(FontRole::Bold, totalValue);
        qreal labelWidth = advance(FontRole::Bold, totalLabel);
        for (const auto &[label, value] : std::as_const(sums)) {
            valueWidth = std::max(valueWidth, advance(FontRole::Body, value));
            labelWidth = std::max(labelWidth, advance(FontRole::Body, label));
        }
        const qreal taxTableWidth = taxWidths.at(0) + taxWidths.at(1) + taxWidths.at(2);
        const qreal blockWidth = std::min(width(), std::max(taxTableWidth, labelWidth + valueWidth + 8 * kMm));
        const qreal x0 = m_right - blockWidth;

        const qreal lh = lineHeight(FontRole::Body);
        const qreal height = tableHeaderHeight() + taxRows.size() * (lh + m_cellPad) + 4 * kMm
            + sums.size() * (lh + m_cellPad) + 2 * kMm + lineHeight(FontRole::Bold) + 2 * m_cellPad;
        ensure(height);

        // Tax summary, right-aligned columns at the block's right edge.
        const qreal h = tableHeaderHeight();
        page().ops << RectOp{QRectF(x0, m_y, blockWidth, h), kHeaderFill};
        const QList<qreal> rightEdges{m_right - taxWidths.at(2) - taxWidths.at(1), m_right - taxWidths.at(2), m_right};
        for (qsizetype c = 0; c < 3; ++c)
            addTextRight(rightEdges.at(c) - m_cellPad, m_y + m_cellPad, taxHeaders.at(c), FontRole::SmallBold);
        m_y += h + m_cellPad / 2;
        for (const QStringList &r : std::as_const(taxRows)) {
            for (qsizetype c = 0; c < 3; ++c)
                addTextRight(rightEdges.at(c) - m_cellPad, m_y, r.at(c), FontRole::Body);
            m_y += lh + m_cellPad;
        }
        m_y += 4 * kMm;
        for (const auto &[label, value] : std::as_const(sums)) {
            addText(x0 + m_cellPad, m_y, label, FontRole::Body);
            addTextRight(m_right - m_cellPad, m_y, value, FontRole::Body);
            m_y += lh + m_cellPad;
        }
        addRule(x0, m_right, m_y, 0.8 * kPt, kMuted);
        m_y += 2 * kMm;
        addText(x0 + m_cellPad, m_y, totalLabel, FontRole::Bold);
        addTextRight(m_right - m_cellPad, m_y, totalValue, FontRole::Bold);
        m_y += lineHeight(FontRole::Bold) + 2 * m_cellPad;
        m_y += 6 * kMm;
    }

    // --- payment terms, bank details, notes ---------------------------------------------------

    void paragraphBlock(const QString &heading, const QStringList &entries, FontRole role = FontRole::Body)
    {
        if (entries.isEmpty())
            return;
        const qreal lh = lineHeight(role);
        ensure(lineHeight(FontRole::SmallBold) + 2 * lh);
        addText(m_left, m_y, heading, FontRole::SmallBold);
        m_y += lineHeight(FontRole::SmallBold) + 1 * kMm;
        for (const QString &entry : entries) {
            for (const QString &line : wrap(entry, role, width())) {
                ensure(lh);
                addText(m_left, m_y, line, role);
                m_y += lh;
            }
        }
        m_y += 5 * kMm;
    }

    void payment()
    {
        QStringList entries;
        const QString code = m_doc.currency.code();
        const QString amount = code + QLatin1Char(' ') + m_locale.money(m_doc.totals.total);
        if (m_doc.dueDate.isValid()) {
            QString terms = QCoreApplication::translate("InvoicePdf", "Please pay %1 by %2").arg(amount, m_locale.date(m_doc.dueDate));
            if (m_doc.issueDate.isValid()) {
                const qint64 days = m_doc.issueDate.daysTo(m_doc.dueDate);
                terms += days == 0 ? QCoreApplication::translate("InvoicePdf", " (due on receipt)")
                                   : QCoreApplication::translate("InvoicePdf", " (%1 days net)").arg(days);
            }
            entries << terms + QLatin1Char('.');
        }
        if (!m_doc.number.isEmpty())
            entries << QCoreApplication::translate("InvoicePdf", "Payment reference: %1").arg(m_doc.number);
        const Party &s = m_doc.seller;
        QStringList bank;
        if (!s.iban.isEmpty())
            bank << QCoreApplication::translate("InvoicePdf", "IBAN: %1").arg(formatIban(s.iban));
        if (!s.bic.isEmpty())
            bank << QCoreApplication::translate("InvoicePdf", "BIC: %1").arg(s.bic);
        if (!bank.isEmpty()) {
            entries << bank.join(QStringLiteral("    "));
            if (!s.name.isEmpty())
                entries << QCoreApplication::translate("InvoicePdf", "Account holder: %1").arg(s.name);
        }
        paragraphBlock(QCoreApplication::translate("InvoicePdf", "Payment"), entries);
    }

    void notes()
    {
        if (m_doc.notes.trimmed().isEmpty())
            return;
        paragraphBlock(QCoreApplication::translate("InvoicePdf", "Notes"), {m_doc.notes});
    }

    const InvoiceDocument &m_doc;
    DocumentLocale m_locale;
    QSizeF m_size;
    qreal m_left = 0;
    qreal m_right = 0;
    qreal m_top = 0;
    qreal m_bottom = 0;
    qreal m_y = 0;
    QList<Page> m_pages;
    QList<Column> m_columns;
    QList<Row> m_rows;
    FontRole m_tableFont = FontRole::Body;
    const qreal m_cellPad = 1.3 * kMm;
};

QString footerLeftText(const InvoiceDocument &doc)
{
    QStringList parts;
    if (!doc.seller.name.isEmpty())
        parts << doc.seller.name;
    if (!doc.number.isEmpty())
        parts << QCoreApplication::translate("InvoicePdf", "Invoice %1").arg(doc.number);
    if (!doc.seller.taxId.isEmpty())
        parts << QCoreApplication::translate("InvoicePdf", "Tax ID %1").arg(doc.seller.taxId);
    return printableLine(parts.join(QStringLiteral(" \u00b7 ")));
}

QString elided(const QString &text, FontRole role, qreal maxWidth)
{
    return QFontMetricsF(fontFor(role)).elidedText(text, Qt::ElideRight, maxWidth);
}

} // namespace

// --- InvoiceRenderer --------------------------------------------------------------------------

InvoiceRenderer::InvoiceRenderer(InvoiceDocument document, PaperSize paper)
{
    registerFonts();
    auto layout = std::make_shared<Layout>();
    layout->doc = std::move(document);
    layout->paper = paper;
    layout->size = pageUnits(paper);
    layout->pages = Layouter(layout->doc, layout->size).run();
    layout->footerLeft = footerLeftText(layout->doc);
    m_layout = std::move(layout);
}

const InvoiceDocument &InvoiceRenderer::document() const
{
    return m_layout->doc;
}

PaperSize InvoiceRenderer::paperSize() const
{
    return m_layout->paper;
}

QPageSize InvoiceRenderer::pageSize() const
{
    return QPageSize(m_layout->paper == PaperSize::Letter ? QPageSize::Letter : QPageSize::A4);
}

QSizeF InvoiceRenderer::pageSizeUnits() const
{
    return m_layout->size;
}

int InvoiceRenderer::pageCount() const
{
    return int(m_layout->pages.size());
}

void InvoiceRenderer::paintPage(QPainter &painter, int pageIndex) const
{
    if (pageIndex < 0 || pageIndex >= pageCount())
        return;
    const Layout &l = *m_layout;
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);

    // The watermark goes under everything else.
    if (const QString mark = l.doc.watermark(); !mark.isEmpty()) {
        painter.save();
        painter.translate(l.size.width() / 2, l.size.height() / 2);
        painter.rotate(-35);
        const QFont font = fontFor(FontRole::Watermark);
        painter.setFont(font);
        painter.setPen(kWatermark);
        const QFontMetricsF fm(font);
        painter.drawText(QPointF(-fm.horizontalAdvance(mark) / 2, fm.ascent() / 2 - fm.descent()), mark);
        painter.restore();
    }

    for (const Op &op : l.pages.at(pageIndex).ops) {
        std::visit(
            [&painter](const auto &o) {
                using T = std::decay_t<decltype(o)>;
                if constexpr (std::is_same_v<T, TextOp>) {
                    painter.setFont(fontFor(o.role));
                    painter.setPen(o.color);
                    painter.drawText(o.baseline, o.text);
                } else if constexpr (std::is_same_v<T, LineOp>) {
                    painter.setPen(QPen(o.color, o.width));
                    painter.drawLine(o.line);
                } else if constexpr (std::is_same_v<T, RectOp>) {
                    painter.fillRect(o.rect, o.fill);
                } else {
                    painter.drawImage(o.rect, o.image);
                }
            },
            op);
    }

    // Footer: who and which invoice, the page number, and the ledger anchor in small type.
    const qreal left = 20 * kMm;
    const qreal right = l.size.width() - 20 * kMm;
    const qreal ruleY = Layouter::footerRuleY(l.size);
    painter.setPen(QPen(kRule, 0.5 * kPt));
    painter.drawLine(QLineF(left, ruleY, right, ruleY));
    const QFont small = fontFor(FontRole::Small);
    const QFontMetricsF fm(small);
    const QString pageText = QCoreApplication::translate("InvoicePdf", "Page %1 of %2").arg(pageIndex + 1).arg(pageCount());
    const qreal pageTextWidth = fm.horizontalAdvance(pageText);
    const qreal textY = ruleY + 2 * kMm + fm.ascent();
    painter.setFont(small);
    painter.setPen(kMuted);
    painter.drawText(QPointF(left, textY), elided(l.footerLeft, FontRole::Small, right - left - pageTextWidth - 8 * kMm));
    painter.drawText(QPointF(right - pageTextWidth, textY), pageText);
    if (l.doc.anchor) {
        // Unshaped: hex digits drawn as ligatures ("ff") would not read back as the hash.
        QFont tiny = fontFor(FontRole::Tiny);
        tiny.setStyleStrategy(QFont::PreferNoShaping);
        painter.setFont(tiny);
        const QString anchor = QCoreApplication::translate("InvoicePdf", "Ledger anchor at issue: position %1, hash %2")
                                   .arg(l.doc.anchor->position)
                                   .arg(l.doc.anchor->shortHash());
        painter.drawText(QPointF(left, textY + fm.descent() + 1.5 * kMm + QFontMetricsF(tiny).ascent()), anchor);
    }
    painter.restore();
}

QImage InvoiceRenderer::pageImage(int pageIndex, int dpi) const
{
    const QSizeF size = m_layout->size * (qreal(dpi) / UnitsPerInch);
    QImage image(size.toSize().expandedTo(QSize(1, 1)), QImage::Format_ARGB32_Premultiplied);
    image.setDotsPerMeterX(int(dpi / 0.0254 + 0.5));
    image.setDotsPerMeterY(int(dpi / 0.0254 + 0.5));
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.scale(qreal(dpi) / UnitsPerInch, qreal(dpi) / UnitsPerInch);
    paintPage(painter, pageIndex);
    painter.end();
    return image;
}

// --- PDF ----------------------------------------------------------------------------------------

namespace {

// QPdfWriter stamps /CreationDate with the clock; the document's own time makes the bytes
// reproducible. The replacement has the same length, so the cross-reference offsets stay valid.
void stampCreationDate(QByteArray &pdf, const QDateTime &time)
{
    static const QByteArray key("/CreationDate (D:");
    const qsizetype start = pdf.indexOf(key);
    if (start < 0)
        return;
    const qsizetype valueStart = start + key.size();
    const qsizetype end = pdf.indexOf(')', valueStart);
    if (end < 0)
        return;
    const QDateTime utc = (time.isValid() ? time : QDateTime(QDate(2000, 1, 1), QTime(0, 0), Qt::UTC)).toUTC();
    QByteArray value = utc.toString(QStringLiteral("yyyyMMddHHmmss")).toLatin1();
    const qsizetype oldLength = end - valueStart;
    if (oldLength == value.size() + 1)
        value += 'Z';
    else if (oldLength == value.size() + 7)
        value += "+00'00'";
    else
        return;
    pdf.replace(valueStart, oldLength, value);
}

// QPdfEngine writes its embedded fonts in the order of a QHash, and Qt seeds every process's
// hashes at random: without a fixed seed, two processes order the font objects differently.
// The seed is fixed while a writer exists; rendering is serialised so that no other render
// resets it midway. (Hashes other threads create meanwhile only lose their random seed.)
class FixedHashSeed
{
public:
    FixedHashSeed()
        : m_lock(mutex())
        , m_reset(!qEnvironmentVariableIsSet("QT_HASH_SEED"))
    {
        QHashSeed::setDeterministicGlobalSeed();
    }
    ~FixedHashSeed()
    {
        if (m_reset)
            QHashSeed::resetRandomGlobalSeed();
    }
    FixedHashSeed(const FixedHashSeed &) = delete;
    FixedHashSeed &operator=(const FixedHashSeed &) = delete;

private:
    static std::mutex &mutex()
    {
        static std::mutex m;
        return m;
    }
    std::lock_guard<std::mutex> m_lock;
    bool m_reset;
};

} // namespace

Result<QByteArray> renderInvoicePdf(const InvoiceDocument &document, PaperSize paper)
{
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        return fail(Error::failure(QStringLiteral("Rendering a PDF needs a QGuiApplication (fonts); none is running")));
    const InvoiceRenderer renderer(document, paper);
    QByteArray bytes;
    {
        const FixedHashSeed fixedSeed;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        QPdfWriter writer(&buffer);
        writer.setResolution(InvoiceRenderer::UnitsPerInch);
        writer.setPageSize(renderer.pageSize());
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        writer.setCreator(QStringLiteral("Billstream"));
        writer.setTitle(document.number.isEmpty()
                            ? QCoreApplication::translate("InvoicePdf", "Draft invoice")
                            : QCoreApplication::translate("InvoicePdf", "Invoice %1").arg(document.number));
        QPainter painter;
        if (!painter.begin(&writer))
            return fail(Error::failure(QStringLiteral("The PDF writer could not start a page")));
        for (int i = 0; i < renderer.pageCount(); ++i) {
            if (i > 0 && !writer.newPage())
                return fail(Error::failure(QStringLiteral("The PDF writer could not add page %1").arg(i + 1)));
            renderer.paintPage(painter, i);
        }
        painter.end();
    }
    if (!bytes.startsWith("%PDF-"))
        return fail(Error::failure(QStringLiteral("The PDF writer produced no document")));
    stampCreationDate(bytes, document.recordedAt);
    return bytes;
}

void prepareDocumentFonts()
{
    registerFonts();
}

PaperSize defaultPaperSize(const InvoiceDocument &document)
{
    return defaultPaperSize(DocumentLocale(document.localeName).locale());
}

} // namespace Billstream
