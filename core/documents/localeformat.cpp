#include "core/documents/localeformat.h"

#include <QRegularExpression>

namespace Billstream {

namespace {

// Sizes of the digit groups in a number the locale formatted, right to left.
QList<int> groupSizes(const QString &formatted, const QString &separator)
{
    QList<int> sizes;
    if (separator.isEmpty())
        return sizes;
    int run = 0;
    const QList<uint> codePoints = formatted.toUcs4();
    const QList<uint> sep = separator.toUcs4();
    for (qsizetype i = codePoints.size() - 1; i >= 0; --i) {
        const bool isSeparator = sep.size() == 1 && codePoints.at(i) == sep.first();
        if (isSeparator) {
            sizes << run;
            run = 0;
        } else if (QChar::isDigit(char32_t(codePoints.at(i)))) {
            ++run;
        }
    }
    sizes << run;
    return sizes;
}

bool isCanonicalDecimal(QStringView text)
{
    static const QRegularExpression re(QStringLiteral("^-?[0-9]+(\\.[0-9]+)?$"));
    return re.match(text.toString()).hasMatch();
}

} // namespace

std::optional<PaperSize> paperSizeFromName(const QString &name)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("a4"))
        return PaperSize::A4;
    if (n == QLatin1String("letter") || n == QLatin1String("us-letter"))
        return PaperSize::Letter;
    return std::nullopt;
}

QString paperSizeName(PaperSize size)
{
    return size == PaperSize::Letter ? QStringLiteral("letter") : QStringLiteral("a4");
}

PaperSize defaultPaperSize(const QLocale &locale)
{
    switch (locale.territory()) {
    case QLocale::UnitedStates:
    case QLocale::Canada:
    case QLocale::Mexico:
    case QLocale::Philippines:
    case QLocale::Chile:
    case QLocale::Colombia:
    case QLocale::Venezuela:
    case QLocale::PuertoRico:
        return PaperSize::Letter;
    default:
        return PaperSize::A4;
    }
}

DocumentLocale::DocumentLocale(const QString &name)
    : m_locale(QLocale::c())
{
    const QLocale requested(name.isEmpty() ? QStringLiteral("en_US") : name);
    // QLocale falls back to C for names it does not know; C is no language for documents.
    m_locale = requested.language() == QLocale::C ? QLocale(QLocale::English, QLocale::UnitedStates) : requested;
    m_locale.setNumberOptions(QLocale::DefaultNumberOptions);
    m_groupSeparator = m_locale.groupSeparator();
    m_decimalPoint = m_locale.decimalPoint();
    m_negativeSign = m_locale.negativeSign();
    const QList<uint> zero = m_locale.zeroDigit().toUcs4();
    m_zeroDigit = zero.isEmpty() ? U'0' : char32_t(zero.first());

    // Probe the grouping with integers, which QLocale formats exactly (no floating point).
    const QList<int> sizes = groupSizes(m_locale.toString(Q_INT64_C(1234567890123456)), m_groupSeparator);
    if (sizes.size() >= 2) {
        m_primaryGroup = sizes.at(0);
        m_secondaryGroup = sizes.at(1);
    } else {
        m_primaryGroup = 0;  // the locale does not group digits
    }
    if (m_primaryGroup > 0) {
        // The fewest digits the leftmost group may have (CLDR's minimum grouping digits, as
        // QLocale applies it: "1234.567" in es_ES): the smallest number of digits above the
        // primary group with which QLocale puts a separator.
        m_minimumGrouping = 1;
        while (m_minimumGrouping < 4) {
            qint64 probe = 1;
            for (int i = 0; i < m_primaryGroup + m_minimumGrouping - 1; ++i)
                probe *= 10;
            if (groupSizes(m_locale.toString(probe), m_groupSeparator).size() >= 2)
                break;
            ++m_minimumGrouping;
        }
    }
}

QString DocumentLocale::localDigits(QStringView asciiDigits) const
{
    if (m_zeroDigit == U'0')
        return asciiDigits.toString();
    QString out;
    for (QChar c : asciiDigits) {
        const char32_t digit = m_zeroDigit + char32_t(c.unicode() - u'0');
        out += QString::fromUcs4(&digit, 1);
    }
    return out;
}

QString DocumentLocale::decimalText(QStringView canonical) const
{
    if (!isCanonicalDecimal(canonical))
        return canonical.toString();
    const bool negative = canonical.startsWith(u'-');
    const QStringView unsignedText = negative ? canonical.mid(1) : canonical;
    const qsizetype point = unsignedText.indexOf(u'.');
    const QStringView integer = point < 0 ? unsignedText : unsignedText.left(point);
    const QStringView fraction = point < 0 ? QStringView() : unsignedText.mid(point + 1);

    // Groups from the right: the primary group next to the point, then secondary groups; a
    // leftmost group shorter than the locale's minimum joins the group after it.
    QList<QStringView> groups;
    if (m_primaryGroup > 0) {
        qsizetype end = integer.size();
        int size = m_primaryGroup;
        while (end > 0) {
            const qsizetype start = std::max<qsizetype>(0, end - size);
            groups.prepend(integer.mid(start, end - start));
            end = start;
            size = m_secondaryGroup > 0 ? m_secondaryGroup : m_primaryGroup;
        }
        if (groups.size() >= 2 && groups.first().size() < m_minimumGrouping) {
            const QStringView top = groups.takeFirst();
            groups.first() = integer.mid(0, top.size() + groups.first().size());
        }
    } else {
        groups << integer;
    }
    QStringList localized;
    for (QStringView g : std::as_const(groups))
        localized << localDigits(g);
    QString out = negative ? m_negativeSign : QString();
    out += localized.join(m_groupSeparator);
    if (!fraction.isEmpty())
        out += m_decimalPoint + localDigits(fraction);
    return out;
}

QString DocumentLocale::decimal(const Decimal &value, int minFractionDigits) const
{
    const Decimal normal = value.normalized();
    const int digits = std::max(normal.scale(), minFractionDigits);
    return decimalText(value.toString(digits));
}

QString DocumentLocale::money(const Money &amount) const
{
    return decimalText(amount.toString());
}

QString DocumentLocale::percent(const Decimal &rate) const
{
    return decimal(rate) + m_locale.percent();
}

QString DocumentLocale::date(const QDate &date) const
{
    if (!date.isValid())
        return QString();
    QString format = m_locale.dateFormat(QLocale::ShortFormat);
    if (!format.contains(QLatin1String("yyyy")))
        format.replace(QLatin1String("yy"), QLatin1String("yyyy"));
    return m_locale.toString(date, format);
}

QString DocumentLocale::countryName(const QString &code)
{
    const QString trimmed = code.trimmed();
    if (trimmed.size() != 2)
        return trimmed;
    const QLocale::Territory territory = QLocale::codeToTerritory(trimmed.toUpper());
    if (territory == QLocale::AnyTerritory)
        return trimmed;
    return QLocale::territoryToString(territory);
}

QString formatIban(const QString &iban)
{
    QString compact = iban;
    compact.remove(QLatin1Char(' '));
    QStringList groups;
    for (qsizetype i = 0; i < compact.size(); i += 4)
        groups << compact.mid(i, 4);
    return groups.join(QLatin1Char(' '));
}

} // namespace Billstream
