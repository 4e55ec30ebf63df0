#include "core/domain/totals.h"

#include <QVarLengthArray>

#include <algorithm>

namespace Billstream {

namespace {

Result<Decimal> parseFigure(QStringView text, const QString &field, int fractionDigits, qint64 maxAbs,
                            SignRule sign)
{
    return Decimal::parse(text, field, fractionDigits, Decimal::fromInt(maxAbs), sign);
}

// x / 100 is exact: the same mantissa two places further right.
std::optional<Decimal> percentToFraction(const Decimal &percent)
{
    return Decimal::fromMantissa(percent.mantissa(), percent.scale() + 2);
}

Error outOfRange(const QString &what)
{
    return Error::failure(what + QStringLiteral(" is out of range"));
}

} // namespace

Result<Decimal> parseQuantity(QStringView text, const QString &field)
{
    return parseFigure(text, field, AmountLimits::QuantityFractionDigits, AmountLimits::MaxQuantity,
                       SignRule::Positive);
}

Result<Decimal> parseUnitPrice(QStringView text, const QString &field)
{
    return parseFigure(text, field, AmountLimits::UnitPriceFractionDigits, AmountLimits::MaxUnitPrice,
                       SignRule::Any);
}

Result<Decimal> parseTaxRate(QStringView text, const QString &field)
{
    return parseFigure(text, field, AmountLimits::PercentFractionDigits, AmountLimits::MaxPercent,
                       SignRule::NonNegative);
}

Result<Decimal> parseDiscountPercent(QStringView text, const QString &field)
{
    return parseFigure(text, field, AmountLimits::PercentFractionDigits, AmountLimits::MaxPercent,
                       SignRule::NonNegative);
}

Result<Money> parsePaymentAmount(QStringView text, const Currency &currency, const QString &field)
{
    Result<Money> amount = Money::parse(text, currency, field);
    if (amount && !amount->isPositive())
        return fail(Error::invalidField(field, QStringLiteral("must be positive")));
    return amount;
}

QJsonObject TaxSubtotal::toJson() const
{
    return {{QStringLiteral("rate"), rate.toString()},
            {QStringLiteral("taxableAmount"), taxableAmount.toString()},
            {QStringLiteral("taxAmount"), taxAmount.toString()}};
}

QJsonArray InvoiceTotals::taxesJson() const
{
    QJsonArray result;
    for (const TaxSubtotal &subtotal : taxes)
        result.append(subtotal.toJson());
    return result;
}

QJsonObject InvoiceTotals::totalsJson() const
{
    return {{QStringLiteral("net"), net.toString()},
            {QStringLiteral("tax"), tax.toString()},
            {QStringLiteral("total"), total.toString()},
            {QStringLiteral("paid"), paid.toString()},
            {QStringLiteral("due"), due.toString()}};
}

Result<Money> lineNetAmount(const LineAmounts &line, const Currency &currency)
{
    if (!currency.isValid())
        return fail(Error::failure(QStringLiteral("a line amount needs a currency")));
    const int digits = currency.minorDigits();
    // Exact in 128 bits: at most 10^15 × 10^18 = 10^33 as mantissas, 12 fractional digits.
    const std::optional<Decimal> gross = line.quantity.times(line.unitPrice);
    if (!gross)
        return fail(outOfRange(QStringLiteral("quantity × unit price")));
    std::optional<Decimal> net;
    if (line.discountPercent.isZero()) {
        net = gross->rounded(digits);
    } else {
        const std::optional<Decimal> remaining = Decimal::fromInt(100).minus(line.discountPercent);
        const std::optional<Decimal> factor = remaining ? percentToFraction(*remaining) : std::nullopt;
        // The product with the discount factor can pass 2^127 (10^33 × 10^6): timesRounded forms
        // it in 256 bits, so the line is still rounded only once.
        net = factor ? gross->timesRounded(*factor, digits) : std::nullopt;
    }
    const std::optional<Money> amount = net ? Money::fromDecimal(*net, currency) : std::nullopt;
    if (!amount)
        return fail(outOfRange(QStringLiteral("the line's net amount")));
    return *amount;
}

namespace {

// The one computation behind computeTotals() and computeSums(): `lineNets` and `taxes`, when
// given, receive the per-line nets and the per-rate subtotals (ordered by rate).
Result<TotalsSums> accumulate(const Currency &currency, std::span<const LineAmounts> lines,
                              std::span<const Money> payments, QList<Money> *lineNets, QList<TaxSubtotal> *taxes)
{
    if (!currency.isValid())
        return fail(Error::failure(QStringLiteral("invoice totals need a currency")));
    TotalsSums sums{Money::zero(currency), Money::zero(currency), Money::zero(currency), Money::zero(currency),
                    Money::zero(currency)};
    QVarLengthArray<TaxSubtotal, 8> groups;
    for (size_t i = 0; i < lines.size(); ++i) {
        const LineAmounts &line = lines[i];
        const Result<Money> lineNet = lineNetAmount(line, currency);
        if (!lineNet) {
            Error error = lineNet.error();
            error.message = QStringLiteral("line %1: ").arg(i + 1) + error.message;
            return fail(error);
        }
        if (lineNets)
            lineNets->append(*lineNet);
        Result<Money> net = sums.net.plus(*lineNet);
        if (!net)
            return fail(net.error());
        sums.net = *net;

        // Numerically equal rates are one group ("19" and "19.00"): Decimal compares by value.
        const Decimal rate = line.taxRate.normalized();
        auto group = std::find_if(groups.begin(), groups.end(), [&rate](const TaxSubtotal &s) { return s.rate == rate; });
        if (group == groups.end()) {
            groups.append({rate, Money::zero(currency), Money::zero(currency)});
            group = groups.end() - 1;
        }
        Result<Money> taxable = group->taxableAmount.plus(*lineNet);
        if (!taxable)
            return fail(taxable.error());
        group->taxableAmount = *taxable;
    }

    std::sort(groups.begin(), groups.end(), [](const TaxSubtotal &a, const TaxSubtotal &b) { return a.rate < b.rate; });
    for (TaxSubtotal &subtotal : groups) {
        // EN 16931 BT-117: the tax of a rate is computed on the rate's taxable sum and rounded
        // once, not summed from per-line roundings.
        const std::optional<Decimal> fraction = percentToFraction(subtotal.rate);
        const std::optional<Decimal> tax =
            fraction ? subtotal.taxableAmount.toDecimal().timesRounded(*fraction, currency.minorDigits())
                     : std::nullopt;
        const std::optional<Money> taxAmount = tax ? Money::fromDecimal(*tax, currency) : std::nullopt;
        if (!taxAmount)
            return fail(outOfRange(QStringLiteral("the tax at %1%").arg(subtotal.rate.toString())));
        subtotal.taxAmount = *taxAmount;
        Result<Money> sum = sums.tax.plus(*taxAmount);
        if (!sum)
            return fail(sum.error());
        sums.tax = *sum;
    }

    Result<Money> total = sums.net.plus(sums.tax);
    if (!total)
        return fail(total.error());
    sums.total = *total;
    for (const Money &payment : payments) {
        Result<Money> paid = sums.paid.plus(payment);
        if (!paid)
            return fail(paid.error());
        sums.paid = *paid;
    }
    Result<Money> due = sums.total.minus(sums.paid);
    if (!due)
        return fail(due.error());
    sums.due = *due;
    if (taxes)
        *taxes = QList<TaxSubtotal>(groups.begin(), groups.end());
    return sums;
}

} // namespace

Result<InvoiceTotals> computeTotals(const Currency &currency, const QList<LineAmounts> &lines,
                                    const QList<Money> &payments)
{
    InvoiceTotals totals;
    totals.lineNetAmounts.reserve(lines.size());
    const Result<TotalsSums> sums =
        accumulate(currency, std::span(lines.constData(), size_t(lines.size())),
                   std::span(payments.constData(), size_t(payments.size())), &totals.lineNetAmounts, &totals.taxes);
    if (!sums)
        return fail(sums.error());
    totals.currency = currency;
    totals.net = sums->net;
    totals.tax = sums->tax;
    totals.total = sums->total;
    totals.paid = sums->paid;
    totals.due = sums->due;
    return totals;
}

Result<TotalsSums> computeSums(const Currency &currency, std::span<const LineAmounts> lines,
                               std::span<const Money> payments)
{
    return accumulate(currency, lines, payments, nullptr, nullptr);
}

} // namespace Billstream
