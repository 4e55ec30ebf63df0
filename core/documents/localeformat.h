#pragma once

#include "core/domain/decimal.h"
#include "core/domain/money.h"

#include <QDate>
#include <QLocale>
#include <QString>

namespace Billstream {

// Paper the invoice is laid out on.
enum class PaperSize { A4, Letter };

// "a4" / "letter" (any case); nullopt for anything else.
std::optional<PaperSize> paperSizeFromName(const QString &name);
QString paperSizeName(PaperSize size);
// US Letter where it is the usual office paper (the Americas that never adopted A4, the
// Philippines), A4 everywhere else.
PaperSize defaultPaperSize(const QLocale &locale);

// Numbers and dates as a locale writes them, for documents. Amounts come from their exact
// decimal text and are never converted to binary floating point (DOMAIN.md, Money): the digits
// are grouped here, with the group sizes, separators and digits the locale uses.
class DocumentLocale final
{
public:
    // A tenant's locale name (`en_US`, `de_DE`); an empty or unknown name is en_US, the default
    // of DOMAIN.md.
    explicit DocumentLocale(const QString &name = QString());

    const QLocale &locale() const { return m_locale; }
    QString name() const { return m_locale.name(); }

    // A canonical decimal text (`-?[0-9]+(\.[0-9]+)?`, as Decimal and Money print) in the
    // locale's form: "-1234567.5" → "-1,234,567.5" (en_US), "-1.234.567,5" (de_DE). Text that is
    // not of that form is returned unchanged.
    QString decimalText(QStringView canonical) const;
    // A decimal with at least `minFractionDigits` fractional digits (more when it has them).
    QString decimal(const Decimal &value, int minFractionDigits = 0) const;
    // An amount with exactly its currency's minor digits, without the currency.
    QString money(const Money &amount) const;
    // A rate in percent: "19%", "7.7%".
    QString percent(const Decimal &rate) const;
    // The locale's short date with a four-digit year: "3/4/2026" (en_US), "04.03.2026" (de_DE).
    QString date(const QDate &date) const;
    // The English name of an ISO 3166-1 alpha-2 code ("DE" → "Germany"); the code when unknown.
    static QString countryName(const QString &code);

private:
    QString localDigits(QStringView asciiDigits) const;

    QLocale m_locale;
    QString m_groupSeparator;
    QString m_decimalPoint;
    QString m_negativeSign;
    char32_t m_zeroDigit = U'0';
    int m_primaryGroup = 3;      // digits in the group next to the decimal point
    int m_secondaryGroup = 3;    // digits in every further group (2 in en_IN)
    int m_minimumGrouping = 1;   // the fewest digits the leftmost group may have
};

// An IBAN in groups of four, as printed on paper: "DE89 3704 0044 0532 0130 00".
QString formatIban(const QString &iban);

} // namespace Billstream
