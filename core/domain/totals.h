#pragma once

#include "core/domain/currency.h"
#include "core/domain/decimal.h"
#include "core/domain/money.h"
#include "core/es/result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringView>

#include <span>

namespace Billstream {

// The precision and range of line-item figures (DOMAIN.md, Money). Quantity × unit price reaches
// 10^21 with 12 fractional digits, which is why Decimal and Money are 128 bits wide.
namespace AmountLimits {
inline constexpr int QuantityFractionDigits = 6;
inline constexpr int UnitPriceFractionDigits = 6;
inline constexpr int PercentFractionDigits = 4; // tax rate and discount percent
inline constexpr qint64 MaxQuantity = 1'000'000'000;
inline constexpr qint64 MaxUnitPrice = 1'000'000'000'000; // in absolute value
inline constexpr qint64 MaxPercent = 100;
} // namespace AmountLimits

// Input-level parsers for the figures of a command; each names `field` in its violation
// ("payload.lineItems[1].quantity: must be positive").
// A quantity: positive, at most 10^9, up to 6 fractional digits.
Result<Decimal> parseQuantity(QStringView text, const QString &field);
// A unit price: |price| at most 10^12, up to 6 fractional digits. Negative prices are allowed
// (a rebate line, later credit notes); zero is allowed (a free item).
Result<Decimal> parseUnitPrice(QStringView text, const QString &field);
// A tax rate in percent: 0 to 100, up to 4 fractional digits ("19", "7.7").
Result<Decimal> parseTaxRate(QStringView text, const QString &field);
// A discount in percent: 0 to 100, up to 4 fractional digits.
Result<Decimal> parseDiscountPercent(QStringView text, const QString &field);
// A payment: positive, with at most the currency's minor digits.
Result<Money> parsePaymentAmount(QStringView text, const Currency &currency, const QString &field);

// The figures of one line item that its amounts depend on.
struct LineAmounts
{
    Decimal quantity;
    Decimal unitPrice;
    Decimal taxRate;         // percent
    Decimal discountPercent; // 0 when the line has none
};

// EN 16931 BG-23 (VAT breakdown): one entry per tax rate.
struct TaxSubtotal
{
    Decimal rate;          // normalized, so rate.toString() is canonical: "19", "7.7", "0"
    Money taxableAmount;   // BT-116: sum of the line nets at this rate
    Money taxAmount;       // BT-117: taxable × rate / 100, rounded once per rate

    // {"rate":"19","taxableAmount":"200.00","taxAmount":"38.00"} as in CLI.md.
    QJsonObject toJson() const;
};

// An invoice's amounts, every Money in the invoice's currency.
struct InvoiceTotals
{
    Currency currency;
    QList<Money> lineNetAmounts; // one per input line, same order
    QList<TaxSubtotal> taxes;    // ordered by rate ascending, so documents list them stably
    Money net;                   // BT-109: sum of line nets
    Money tax;                   // BT-110: sum of the per-rate taxes
    Money total;                 // BT-112: net + tax
    Money paid;                  // sum of payments
    Money due;                   // BT-115: total - paid

    QJsonArray taxesJson() const;
    // {"net","tax","total","paid","due"} as decimal strings with the currency's digits.
    QJsonObject totalsJson() const;
};

// EN 16931 BT-131: quantity × unit price × (1 − discount/100), formed exactly and rounded once,
// half away from zero, to the currency's minor unit.
Result<Money> lineNetAmount(const LineAmounts &line, const Currency &currency);

// The EN 16931 totals of the lines (DOMAIN.md, Money). Numerically equal rates ("19", "19.00")
// form one group. The lines are not validated here (the command parsers above do that), so
// negative quantities for later credit notes compute the same way; a result beyond the 38-digit
// range of Money or a payment in another currency is an Error, never a wrapped number.
Result<InvoiceTotals> computeTotals(const Currency &currency, const QList<LineAmounts> &lines,
                                    const QList<Money> &payments = {});

// What computeTotals() sums, computed the same way (the same steps, the same errors) without
// the per-line amounts and the per-rate subtotals, and without allocating for up to eight
// rates: a list row needs only these, and a rebuild computes them a third of a million times.
struct TotalsSums
{
    Money net;
    Money tax;
    Money total;
    Money paid;
    Money due;
};
Result<TotalsSums> computeSums(const Currency &currency, std::span<const LineAmounts> lines,
                               std::span<const Money> payments = {});

} // namespace Billstream
