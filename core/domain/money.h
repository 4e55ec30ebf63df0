#pragma once

#include "core/domain/currency.h"
#include "core/domain/decimal.h"
#include "core/es/result.h"

#include <QString>
#include <QStringView>

#include <compare>
#include <concepts>
#include <optional>

namespace Billstream {

// An amount in a currency, held as an integer count of its minor unit (cents, fils, yen).
//
// There is no way in from binary floating point on purpose (STYLE.md 6): amounts come from
// decimal strings or from exact arithmetic, and passing a floating-point count does not compile. The count is 128 bits wide because one line of 10^9 units at
// 10^12 each is already 10^21 (10^23 cents), beyond qint64; it is bounded to 38 digits like
// Decimal, and every operation that could leave that bound reports it instead of wrapping.
class Money final
{
public:
    // Amounts parsed from text are at most 10^30 units: far above any total the line limits allow
    // for a realistic invoice, far below where sums of many of them could overflow.
    static Decimal maxParsedAmount();

    // Zero without a currency (isValid() false); use zero(currency) for a real zero.
    Money() = default;
    static Money zero(const Currency &currency) { return Money(currency, 0); }
    static Money fromMinorUnits(qint64 minorUnits, const Currency &currency)
    {
        return Money(currency, minorUnits);
    }
    template<std::floating_point F>
    static Money fromMinorUnits(F, const Currency &) = delete;
    // nullopt when the count has more than 38 digits or the currency is invalid.
    static std::optional<Money> fromMinorUnits128(Int128 minorUnits, const Currency &currency);
    // The value exactly; nullopt if it has more fractional digits than the currency's minor unit.
    static std::optional<Money> fromDecimal(const Decimal &value, const Currency &currency);
    // The value rounded half away from zero to the currency's minor unit.
    static std::optional<Money> fromDecimalRounded(const Decimal &value, const Currency &currency);

    // A decimal string with at most the currency's minor digits: parse(u"12.345", kwd) is fine,
    // parse(u"12.345", eur) is refused ("has more than 2 fractional digits (the minor unit of
    // EUR)"), and JPY takes whole numbers only. Other refusals as Decimal::parse.
    static Result<Money> parse(QStringView text, const Currency &currency, const QString &field);

    bool isValid() const { return m_currency.isValid(); }
    Currency currency() const { return m_currency; }
    Int128 minorUnits() const { return m_minorUnits; }
    // The count when it fits 64 bits (any amount below 9.2 × 10^18 minor units).
    std::optional<qint64> minorUnits64() const;
    Decimal toDecimal() const;

    // Exactly the currency's minor digits: "0.00", "-12.50", JPY "100", KWD "1.000".
    QString toString() const;

    int signum() const { return m_minorUnits > 0 ? 1 : (m_minorUnits < 0 ? -1 : 0); }
    bool isZero() const { return m_minorUnits == 0; }
    bool isNegative() const { return m_minorUnits < 0; }
    bool isPositive() const { return m_minorUnits > 0; }

    Money negated() const { return Money(m_currency, -m_minorUnits); }
    // Same currency only; a mismatch or an overflow is an Error, never a silent conversion.
    Result<Money> plus(const Money &other) const;
    Result<Money> minus(const Money &other) const;

    friend bool operator==(const Money &a, const Money &b)
    {
        return a.m_currency == b.m_currency && a.m_minorUnits == b.m_minorUnits;
    }
    // Amounts in different currencies are unordered, not silently compared by count.
    friend std::partial_ordering operator<=>(const Money &a, const Money &b)
    {
        if (!(a.m_currency == b.m_currency))
            return std::partial_ordering::unordered;
        return a.m_minorUnits <=> b.m_minorUnits;
    }

private:
    Money(const Currency &currency, Int128 minorUnits)
        : m_currency(currency)
        , m_minorUnits(minorUnits)
    {}

    Currency m_currency;
    Int128 m_minorUnits = 0;
};

} // namespace Billstream
