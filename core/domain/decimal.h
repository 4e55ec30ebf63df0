#pragma once

#include "core/es/result.h"

#include <QString>
#include <QStringView>

#include <compare>
#include <concepts>
#include <cstddef>
#include <optional>

namespace Billstream {

// GCC's 128-bit integers. Quantity (10^9, 6 digits) times unit price (10^12, 6 digits) needs
// about 110 bits; __extension__ keeps -Wpedantic quiet about the non-standard type.
__extension__ using Int128 = __int128;
__extension__ using UInt128 = unsigned __int128;

// Which signs a parsed value may have; checked before digits and range so "-5" as a quantity is
// reported as not positive rather than as some other problem.
enum class SignRule { Any, NonNegative, Positive };

// An exact decimal number: mantissa × 10^-scale, with at most 38 significant digits.
//
// Values come from strings only (JSON carries amounts, quantities and rates as strings, DOMAIN.md
// Money), never from binary floating point. Every operation is exact or rounds explicitly, half
// away from zero; an operation whose exact result does not fit returns std::nullopt instead of
// wrapping around. Equality and ordering are numeric ("19" == "19.00"), while the scale is kept as
// written so "1.50" prints back as "1.50" until normalized().
class Decimal final
{
public:
    // |mantissa| < 10^38 keeps every value negatable and far from the Int128 limits.
    static constexpr int MaxDigits = 38;
    static constexpr int MaxScale = 36;

    constexpr Decimal() = default;
    static constexpr Decimal fromInt(qint64 value) { return Decimal(value, 0); }
    // Binary floating point cannot hold 0.1 exactly; refuse it at compile time.
    template<std::floating_point F>
    static Decimal fromInt(F) = delete;
    // The exact value mantissa × 10^-scale; nullopt when the mantissa or the scale is out of bounds.
    static std::optional<Decimal> fromMantissa(Int128 mantissa, int scale);
    // The largest value this type holds (38 nines); the default bound of parse().
    static Decimal largest();

    // Parses `-?[0-9]+(\.[0-9]+)?` exactly as written. Refused, each with its own message naming
    // `field`: empty text, whitespace anywhere, a leading '+', exponent notation ("1e3"), NaN and
    // infinities, ',' as a separator, a bare or dangling point (".5", "1.", "."), non-ASCII digits,
    // negative zero ("-0", "-0.00": QUALITY.md lists it among absurd inputs), more than
    // a sign that `sign` forbids ("must be positive", "must not be negative"), more than
    // maxFractionDigits digits after the point (written digits count, trailing zeros included),
    // and a magnitude above maxAbs. Leading zeros are accepted ("007" is 7).
    static Result<Decimal> parse(QStringView text, const QString &field, int maxFractionDigits,
                                 const Decimal &maxAbs = largest(), SignRule sign = SignRule::Any);

    constexpr Int128 mantissa() const { return m_mantissa; }
    constexpr int scale() const { return m_scale; }
    constexpr int signum() const { return m_mantissa > 0 ? 1 : (m_mantissa < 0 ? -1 : 0); }
    constexpr bool isZero() const { return m_mantissa == 0; }
    constexpr bool isNegative() const { return m_mantissa < 0; }
    constexpr bool isPositive() const { return m_mantissa > 0; }

    Decimal negated() const { return Decimal(-m_mantissa, m_scale); }
    Decimal abs() const { return isNegative() ? negated() : *this; }
    // The same value with trailing fractional zeros removed: "19.00" → "19", "7.70" → "7.7".
    Decimal normalized() const;
    // Rounds half away from zero to `scale` fractional digits (also for negatives: -0.005 → -0.01).
    // A value that already has no more digits is returned unchanged.
    Decimal rounded(int scale) const;
    // The same value written with exactly `scale` digits; nullopt if that would drop a nonzero
    // digit or overflow.
    std::optional<Decimal> rescaled(int scale) const;

    std::optional<Decimal> plus(const Decimal &other) const;
    std::optional<Decimal> minus(const Decimal &other) const;
    // The exact product (scale = sum of scales); nullopt when it has more than 38 digits or 36
    // fractional digits.
    std::optional<Decimal> times(const Decimal &other) const;
    // The exact product, formed in 256 bits, rounded once half away from zero to `scale`.
    // Only the rounded result has to fit: 10^33 × 10^6 is fine when the result is small enough.
    std::optional<Decimal> timesRounded(const Decimal &other, int scale) const;

    // Canonical form, minimal digits: "19", "7.7", "-0.5", "0".
    QString toString() const;
    // Exactly `fractionDigits` digits after the point, rounding half away from zero if needed.
    QString toString(int fractionDigits) const;

    friend bool operator==(const Decimal &a, const Decimal &b) { return compare(a, b) == 0; }
    friend std::strong_ordering operator<=>(const Decimal &a, const Decimal &b)
    {
        return compare(a, b) <=> 0;
    }

private:
    constexpr Decimal(Int128 mantissa, int scale)
        : m_mantissa(mantissa)
        , m_scale(scale)
    {}
    static int compare(const Decimal &a, const Decimal &b);

    Int128 m_mantissa = 0;
    int m_scale = 0;
};

// Numerically equal values hash alike, so "19" and "19.00" land in one QHash bucket.
size_t qHash(const Decimal &value, size_t seed = 0) noexcept;

} // namespace Billstream
