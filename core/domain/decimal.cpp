#include "core/domain/decimal.h"

#include <QHashFunctions>

#include <algorithm>
#include <array>

namespace Billstream {

namespace {

constexpr std::array<UInt128, Decimal::MaxDigits + 1> makePowersOfTen()
{
    std::array<UInt128, Decimal::MaxDigits + 1> powers{};
    UInt128 p = 1;
    for (auto &power : powers) {
        power = p;
        p *= 10;
    }
    return powers;
}

constexpr std::array<UInt128, Decimal::MaxDigits + 1> powersOfTen = makePowersOfTen();
constexpr UInt128 mantissaLimit = powersOfTen[Decimal::MaxDigits]; // exclusive bound of |mantissa|

UInt128 pow10(int n)
{
    return powersOfTen[static_cast<size_t>(n)];
}

UInt128 magnitude(Int128 value)
{
    // Safe: every mantissa stays below 10^38, far from the most negative Int128.
    return value < 0 ? static_cast<UInt128>(-value) : static_cast<UInt128>(value);
}

// A 256-bit unsigned integer, just enough for the product of two mantissas (< 10^76) and the
// divisions that round it back: four 64-bit limbs, least significant first.
struct UInt256
{
    std::array<quint64, 4> limbs{};

    bool fitsIn128() const { return limbs[2] == 0 && limbs[3] == 0; }
    UInt128 low128() const { return (static_cast<UInt128>(limbs[1]) << 64) | limbs[0]; }
};

UInt256 multiply(UInt128 a, UInt128 b)
{
    const std::array<quint64, 2> x{static_cast<quint64>(a), static_cast<quint64>(a >> 64)};
    const std::array<quint64, 2> y{static_cast<quint64>(b), static_cast<quint64>(b >> 64)};
    UInt256 r;
    for (size_t i = 0; i < 2; ++i) {
        UInt128 carry = 0;
        for (size_t j = 0; j < 2; ++j) {
            // At most (2^64-1)^2 + 2 (2^64-1) = 2^128 - 1: no overflow.
            const UInt128 cur = static_cast<UInt128>(x[i]) * y[j] + r.limbs[i + j] + carry;
            r.limbs[i + j] = static_cast<quint64>(cur);
            carry = cur >> 64;
        }
        r.limbs[i + 2] = static_cast<quint64>(carry);
    }
    return r;
}

// Divides in place, truncating; returns the remainder.
quint64 divideInPlace(UInt256 &x, quint64 divisor)
{
    UInt128 remainder = 0;
    for (size_t i = x.limbs.size(); i-- > 0;) {
        const UInt128 cur = (remainder << 64) | x.limbs[i];
        x.limbs[i] = static_cast<quint64>(cur / divisor);
        remainder = cur % divisor;
    }
    return static_cast<quint64>(remainder);
}

void increment(UInt256 &x)
{
    for (quint64 &limb : x.limbs) {
        if (++limb != 0)
            return;
    }
}

// x / 10^k rounded half away from zero (x is a magnitude, so "away" means up).
// Truncating in steps composes (trunc(trunc(x / a) / b) == trunc(x / ab)), and the last digit
// dropped decides the rounding: remainder >= half of 10^k exactly when that digit is >= 5.
UInt256 divideByPowerOfTenRounded(UInt256 x, int k)
{
    if (k <= 0)
        return x;
    int toTruncate = k - 1;
    while (toTruncate > 0) {
        const int step = std::min(toTruncate, 19); // 10^19 < 2^64
        divideInPlace(x, static_cast<quint64>(pow10(step)));
        toTruncate -= step;
    }
    if (divideInPlace(x, 10) >= 5)
        increment(x);
    return x;
}

int compareMagnitudes(const UInt256 &a, const UInt256 &b)
{
    for (size_t i = a.limbs.size(); i-- > 0;) {
        if (a.limbs[i] != b.limbs[i])
            return a.limbs[i] < b.limbs[i] ? -1 : 1;
    }
    return 0;
}

QString digitsOf(UInt128 value)
{
    QString digits;
    do {
        digits.prepend(QChar(u'0' + static_cast<char16_t>(value % 10)));
        value /= 10;
    } while (value != 0);
    return digits;
}

// mantissa × 10^-scale written with `fractionDigits` >= scale digits after the point; the padding
// is textual so even a 38-digit mantissa prints with any number of trailing zeros.
QString format(Int128 mantissa, int scale, int fractionDigits)
{
    QString digits = digitsOf(magnitude(mantissa));
    if (scale > 0) {
        if (digits.size() <= scale)
            digits.prepend(QString(scale - digits.size() + 1, u'0'));
        digits.insert(digits.size() - scale, u'.');
    }
    if (fractionDigits > scale) {
        if (scale == 0)
            digits.append(u'.');
        digits.append(QString(fractionDigits - scale, u'0'));
    }
    if (mantissa < 0)
        digits.prepend(u'-');
    return digits;
}

bool isAsciiDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

bool isNonFinite(QStringView text)
{
    QStringView rest = text;
    if (rest.startsWith(u'-') || rest.startsWith(u'+'))
        rest = rest.mid(1);
    for (const char16_t *word : {u"nan", u"inf", u"infinity"}) {
        if (rest.compare(QStringView(word), Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

std::optional<Decimal> Decimal::fromMantissa(Int128 mantissa, int scale)
{
    if (scale < 0 || scale > MaxScale || magnitude(mantissa) >= mantissaLimit)
        return std::nullopt;
    return Decimal(mantissa, scale);
}

Decimal Decimal::largest()
{
    return Decimal(static_cast<Int128>(mantissaLimit - 1), 0);
}

Result<Decimal> Decimal::parse(QStringView text, const QString &field, int maxFractionDigits,
                               const Decimal &maxAbs, SignRule sign)
{
    const auto refuse = [&field](const QString &message) { return fail(Error::invalidField(field, message)); };
    const QString example = QStringLiteral("must be a decimal string such as \"12.50\"");
    maxFractionDigits = std::clamp(maxFractionDigits, 0, MaxScale);

    if (text.isEmpty())
        return refuse(QStringLiteral("must not be empty; write a decimal string such as \"12.50\""));
    if (std::any_of(text.begin(), text.end(), [](QChar c) { return c.isSpace(); }))
        return refuse(QStringLiteral("must not contain spaces or line breaks"));
    if (isNonFinite(text))
        return refuse(QStringLiteral("must be a finite decimal number, not \"") + text.toString()
                      + QStringLiteral("\""));
    if (text.startsWith(u'+'))
        return refuse(QStringLiteral("must not start with '+'; write \"5\" rather than \"+5\""));

    const bool negative = text.startsWith(u'-');
    const QStringView body = negative ? text.mid(1) : text;
    qsizetype integerDigits = 0;
    qsizetype fractionDigits = 0;
    qsizetype dot = -1;
    for (qsizetype i = 0; i < body.size(); ++i) {
        const QChar c = body[i];
        if (isAsciiDigit(c)) {
            ++(dot < 0 ? integerDigits : fractionDigits);
        } else if (c == u'.' && dot < 0) {
            dot = i;
        } else if ((c == u'e' || c == u'E') && integerDigits + fractionDigits > 0) {
            return refuse(QStringLiteral("must not use exponent notation such as \"1e3\"; "
                                         "write the digits out"));
        } else if (c == u',') {
            return refuse(QStringLiteral("must use '.' as the decimal separator and no thousands "
                                         "separators, such as \"1234.5\""));
        } else {
            return refuse(example);
        }
    }
    if (dot >= 0 && (integerDigits == 0 || fractionDigits == 0))
        return refuse(QStringLiteral("must have digits on both sides of the decimal point, such as \"0.5\""));
    if (integerDigits == 0)
        return refuse(example);

    const bool allZero = std::all_of(body.begin(), body.end(), [](QChar c) { return c == u'0' || c == u'.'; });
    if (negative && allZero)
        return refuse(QStringLiteral("is negative zero; write \"0\""));
    if (sign == SignRule::Positive && (negative || allZero))
        return refuse(QStringLiteral("must be positive"));
    if (sign == SignRule::NonNegative && negative)
        return refuse(QStringLiteral("must not be negative"));
    if (fractionDigits > maxFractionDigits) {
        if (maxFractionDigits == 0)
            return refuse(QStringLiteral("must be a whole number"));
        return refuse(QStringLiteral("has more than %1 fractional digits").arg(maxFractionDigits));
    }

    const auto refuseOutOfRange = [&] {
        return refuse((negative ? QStringLiteral("is out of range (at least -%1)")
                                : QStringLiteral("is out of range (at most %1)"))
                          .arg(maxAbs.abs().toString()));
    };
    UInt128 value = 0;
    int significant = 0;
    for (const QChar c : body) {
        if (!isAsciiDigit(c))
            continue;
        if (value != 0 || c != u'0')
            ++significant;
        if (significant > MaxDigits)
            return refuseOutOfRange();
        value = value * 10 + static_cast<UInt128>(c.unicode() - u'0');
    }
    const Int128 mantissa = negative ? -static_cast<Int128>(value) : static_cast<Int128>(value);
    const Decimal result(mantissa, static_cast<int>(fractionDigits));
    if (result.abs() > maxAbs.abs())
        return refuseOutOfRange();
    return result;
}

Decimal Decimal::normalized() const
{
    if (m_mantissa == 0)
        return Decimal();
    Int128 m = m_mantissa;
    int s = m_scale;
    while (s > 0 && m % 10 == 0) {
        m /= 10;
        --s;
    }
    return Decimal(m, s);
}

Decimal Decimal::rounded(int scale) const
{
    scale = std::clamp(scale, 0, MaxScale);
    if (scale >= m_scale)
        return *this;
    const UInt128 divisor = pow10(m_scale - scale);
    const UInt128 abs = magnitude(m_mantissa);
    UInt128 q = abs / divisor;
    // Half away from zero: compare the dropped part on the magnitude, then restore the sign.
    if ((abs % divisor) * 2 >= divisor)
        ++q;
    const Int128 m = static_cast<Int128>(q);
    return Decimal(m_mantissa < 0 ? -m : m, scale);
}

std::optional<Decimal> Decimal::rescaled(int scale) const
{
    if (scale < 0 || scale > MaxScale)
        return std::nullopt;
    if (scale >= m_scale) {
        Int128 m = 0;
        if (__builtin_mul_overflow(m_mantissa, static_cast<Int128>(pow10(scale - m_scale)), &m))
            return std::nullopt;
        return fromMantissa(m, scale);
    }
    const Int128 divisor = static_cast<Int128>(pow10(m_scale - scale));
    if (m_mantissa % divisor != 0)
        return std::nullopt;
    return Decimal(m_mantissa / divisor, scale);
}

std::optional<Decimal> Decimal::plus(const Decimal &other) const
{
    const int scale = std::max(m_scale, other.m_scale);
    const std::optional<Decimal> a = rescaled(scale);
    const std::optional<Decimal> b = other.rescaled(scale);
    if (!a || !b)
        return std::nullopt;
    Int128 sum = 0;
    if (__builtin_add_overflow(a->m_mantissa, b->m_mantissa, &sum))
        return std::nullopt;
    return fromMantissa(sum, scale);
}

std::optional<Decimal> Decimal::minus(const Decimal &other) const
{
    return plus(other.negated());
}

std::optional<Decimal> Decimal::times(const Decimal &other) const
{
    const int scale = m_scale + other.m_scale;
    if (scale > MaxScale)
        return std::nullopt;
    return timesRounded(other, scale); // exact: nothing to round at the full scale
}

std::optional<Decimal> Decimal::timesRounded(const Decimal &other, int scale) const
{
    if (scale < 0 || scale > MaxScale)
        return std::nullopt;
    const bool negative = (m_mantissa < 0) != (other.m_mantissa < 0);
    const int productScale = m_scale + other.m_scale;
    UInt256 product = multiply(magnitude(m_mantissa), magnitude(other.m_mantissa));
    UInt128 result = 0;
    if (scale >= productScale) {
        if (!product.fitsIn128())
            return std::nullopt;
        if (__builtin_mul_overflow(product.low128(), pow10(scale - productScale), &result))
            return std::nullopt;
    } else {
        product = divideByPowerOfTenRounded(product, productScale - scale);
        if (!product.fitsIn128())
            return std::nullopt;
        result = product.low128();
    }
    if (result >= mantissaLimit)
        return std::nullopt;
    const Int128 m = static_cast<Int128>(result);
    return Decimal(negative ? -m : m, scale);
}

QString Decimal::toString() const
{
    const Decimal n = normalized();
    return format(n.m_mantissa, n.m_scale, n.m_scale);
}

QString Decimal::toString(int fractionDigits) const
{
    fractionDigits = std::clamp(fractionDigits, 0, MaxScale);
    const Decimal r = rounded(fractionDigits);
    return format(r.m_mantissa, r.m_scale, fractionDigits);
}

int Decimal::compare(const Decimal &a, const Decimal &b)
{
    if (a.signum() != b.signum())
        return a.signum() < b.signum() ? -1 : 1;
    if (a.signum() == 0)
        return 0;
    // Bring both to the larger scale in 256 bits: 10^38 × 10^36 cannot overflow there.
    const int scale = std::max(a.m_scale, b.m_scale);
    const UInt256 x = multiply(magnitude(a.m_mantissa), pow10(scale - a.m_scale));
    const UInt256 y = multiply(magnitude(b.m_mantissa), pow10(scale - b.m_scale));
    const int byMagnitude = compareMagnitudes(x, y);
    return a.signum() < 0 ? -byMagnitude : byMagnitude;
}

size_t qHash(const Decimal &value, size_t seed) noexcept
{
    const Decimal n = value.normalized();
    const auto bits = static_cast<UInt128>(n.mantissa());
    return qHashMulti(seed, static_cast<quint64>(bits), static_cast<quint64>(bits >> 64), n.scale());
}

} // namespace Billstream
