#include "core/domain/money.h"

#include <limits>

namespace Billstream {

Decimal Money::maxParsedAmount()
{
    static const Decimal bound = *Decimal::fromMantissa(Int128(1'000'000'000'000'000) * 1'000'000'000'000'000, 0);
    return bound;
}

std::optional<Money> Money::fromMinorUnits128(Int128 minorUnits, const Currency &currency)
{
    // Decimal holds the bound of 38 digits; reuse it rather than restate it.
    if (!currency.isValid() || !Decimal::fromMantissa(minorUnits, 0))
        return std::nullopt;
    return Money(currency, minorUnits);
}

std::optional<Money> Money::fromDecimal(const Decimal &value, const Currency &currency)
{
    if (!currency.isValid())
        return std::nullopt;
    const std::optional<Decimal> exact = value.rescaled(currency.minorDigits());
    if (!exact)
        return std::nullopt;
    return Money(currency, exact->mantissa());
}

std::optional<Money> Money::fromDecimalRounded(const Decimal &value, const Currency &currency)
{
    return fromDecimal(value.rounded(currency.minorDigits()), currency);
}

Result<Money> Money::parse(QStringView text, const Currency &currency, const QString &field)
{
    if (!currency.isValid())
        return fail(Error::invalidField(field, QStringLiteral("has no valid currency to be read in")));
    // Parse with room for any digits first, so the refusal can name the currency's minor unit.
    const Result<Decimal> value = Decimal::parse(text, field, Decimal::MaxScale, maxParsedAmount());
    if (!value)
        return fail(value.error());
    const int digits = currency.minorDigits();
    if (value->scale() > digits) {
        if (digits == 0) {
            return fail(Error::invalidField(field, QStringLiteral("must be a whole number (%1 has no minor unit)")
                                                       .arg(currency.code())));
        }
        return fail(Error::invalidField(field, QStringLiteral("has more than %1 fractional digits (the minor unit of %2)")
                                                   .arg(digits)
                                                   .arg(currency.code())));
    }
    return *fromDecimal(*value, currency); // cannot fail: digits checked, 10^30 × 10^4 < 10^38
}

std::optional<qint64> Money::minorUnits64() const
{
    if (m_minorUnits < std::numeric_limits<qint64>::min() || m_minorUnits > std::numeric_limits<qint64>::max())
        return std::nullopt;
    return static_cast<qint64>(m_minorUnits);
}

Decimal Money::toDecimal() const
{
    return *Decimal::fromMantissa(m_minorUnits, m_currency.minorDigits());
}

QString Money::toString() const
{
    return toDecimal().toString(m_currency.minorDigits());
}

Result<Money> Money::plus(const Money &other) const
{
    if (!(m_currency == other.m_currency)) {
        return fail(Error::failure(QStringLiteral("cannot combine %1 %2 with %3 %4: the currencies differ")
                                       .arg(toString(), m_currency.code(), other.toString(), other.m_currency.code())));
    }
    Int128 sum = 0;
    if (__builtin_add_overflow(m_minorUnits, other.m_minorUnits, &sum) || !Decimal::fromMantissa(sum, 0))
        return fail(Error::failure(QStringLiteral("amount out of range: %1 + %2").arg(toString(), other.toString())));
    return Money(m_currency, sum);
}

Result<Money> Money::minus(const Money &other) const
{
    return plus(other.negated());
}

} // namespace Billstream
