// Exact decimals, ISO 4217 currencies, Money and the EN 16931 totals (DOMAIN.md, Money).
// Every expected value below is worked out by hand; the comment on a row shows the arithmetic
// where it is not obvious.

#include "core/domain/currency.h"
#include "core/domain/decimal.h"
#include "core/domain/money.h"
#include "core/domain/totals.h"

#include <QtTest>

#include <initializer_list>

namespace Billstream {

// QCOMPARE prints values through toString() found by argument-dependent lookup.
char *toString(const Decimal &value);
char *toString(const Money &value);

char *toString(const Decimal &value)
{
    return qstrdup(value.toString().toUtf8().constData());
}

char *toString(const Money &value)
{
    return qstrdup((value.toString() + u' ' + value.currency().code()).toUtf8().constData());
}

} // namespace Billstream

using namespace Billstream;

namespace {

QString str(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

QStringList strs(std::initializer_list<const char *> items)
{
    QStringList result;
    for (const char *item : items)
        result.append(str(item));
    return result;
}

// Test data is well-formed by construction; a typo in it should fail loudly, not silently.
Decimal dec(const QString &text)
{
    const Result<Decimal> value = Decimal::parse(text, QStringLiteral("test"), Decimal::MaxScale);
    if (!value)
        qFatal("bad decimal in test data: %s", qPrintable(value.error().toLine()));
    return *value;
}

Currency cur(const QString &code)
{
    const std::optional<Currency> currency = Currency::find(code);
    if (!currency)
        qFatal("bad currency in test data: %s", qPrintable(code));
    return *currency;
}

Money money(const QString &text, const Currency &currency)
{
    const Result<Money> value = Money::parse(text, currency, QStringLiteral("test"));
    if (!value)
        qFatal("bad amount in test data: %s", qPrintable(value.error().toLine()));
    return *value;
}

// One violation of exactly `field` with exactly `message`.
bool isViolation(const Error &error, const QString &field, const QString &message)
{
    return error.kind == ErrorKind::ValidationFailed
           && error.violations == QList<Violation>{{field, message}};
}

QString describe(const Error &error)
{
    return error.violations.isEmpty() ? error.toLine()
                                      : error.violations.first().field + QStringLiteral(" | ")
                                            + error.violations.first().message;
}

const QString notDecimal = QStringLiteral("must be a decimal string such as \"12.50\"");
const QString spaces = QStringLiteral("must not contain spaces or line breaks");
const QString exponent = QStringLiteral("must not use exponent notation such as \"1e3\"; write the digits out");
const QString comma =
    QStringLiteral("must use '.' as the decimal separator and no thousands separators, such as \"1234.5\"");
const QString bothSides = QStringLiteral("must have digits on both sides of the decimal point, such as \"0.5\"");
const QString negativeZero = QStringLiteral("is negative zero; write \"0\"");
const QString empty = QStringLiteral("must not be empty; write a decimal string such as \"12.50\"");

// A totals row: lines as "quantity unitPrice taxRate [discountPercent]", taxes as
// "rate taxableAmount taxAmount" in the expected (ascending) order.
void addTotalsRow(const char *name, const char *currency, std::initializer_list<const char *> lines,
                  std::initializer_list<const char *> payments, std::initializer_list<const char *> lineNets,
                  std::initializer_list<const char *> taxes, const char *net, const char *tax, const char *total,
                  const char *paid, const char *due)
{
    QTest::newRow(name) << str(currency) << strs(lines) << strs(payments) << strs(lineNets) << strs(taxes)
                        << str(net) << str(tax) << str(total) << str(paid) << str(due);
}

} // namespace

class TestMoney : public QObject
{
    Q_OBJECT

private slots:
    // ---- Decimal ---------------------------------------------------------------------------

    void decimalParses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("maxFractionDigits");
        QTest::addColumn<QString>("canonical");
        QTest::addColumn<int>("scale");

        QTest::newRow("amount") << str("1234.50") << 2 << str("1234.5") << 2;
        QTest::newRow("negative integer") << str("-3") << 0 << str("-3") << 0;
        QTest::newRow("one millionth") << str("0.000001") << 6 << str("0.000001") << 6;
        QTest::newRow("zero") << str("0") << 0 << str("0") << 0;
        QTest::newRow("zero with digits") << str("0.00") << 2 << str("0") << 2;
        QTest::newRow("leading zeros") << str("007") << 0 << str("7") << 0;
        QTest::newRow("trailing zeros kept as scale") << str("19.0000") << 4 << str("19") << 4;
        QTest::newRow("rate") << str("7.70") << 4 << str("7.7") << 2;
        QTest::newRow("negative fraction") << str("-0.5") << 6 << str("-0.5") << 1;
        QTest::newRow("38 digits") << str("99999999999999999999999999999999999999") << 0
                                   << str("99999999999999999999999999999999999999") << 0;
        QTest::newRow("36 fractional digits")
            << str("0.000000000000000000000000000000000001") << 36
            << str("0.000000000000000000000000000000000001") << 36;
    }

    void decimalParses()
    {
        QFETCH(QString, text);
        QFETCH(int, maxFractionDigits);
        QFETCH(QString, canonical);
        QFETCH(int, scale);

        const Result<Decimal> value = Decimal::parse(text, QStringLiteral("x"), maxFractionDigits);
        QVERIFY2(value.has_value(), qPrintable(value ? QString() : value.error().toLine()));
        QCOMPARE(value->toString(), canonical);
        QCOMPARE(value->scale(), scale);
        // Written digits survive a round trip, so "1234.50" prints back as "1234.50".
        if (!text.startsWith(u'0') || text.size() == 1 || text.at(1) == u'.')
            QCOMPARE(value->toString(scale), text);
    }

    void decimalRejects_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("maxFractionDigits");
        QTest::addColumn<QString>("message");

        QTest::newRow("empty") << str("") << 6 << empty;
        QTest::newRow("leading space") << str(" 1") << 6 << spaces;
        QTest::newRow("trailing space") << str("1 ") << 6 << spaces;
        QTest::newRow("inner space") << str("1 000") << 6 << spaces;
        QTest::newRow("tab") << str("1\t") << 6 << spaces;
        QTest::newRow("no-break space") << str("1\u00a0000") << 6 << spaces;
        QTest::newRow("1e3") << str("1e3") << 6 << exponent;
        QTest::newRow("1E-2") << str("1E-2") << 6 << exponent;
        QTest::newRow("1e400") << str("1e400") << 6 << exponent;
        QTest::newRow("1.5e3") << str("1.5e3") << 6 << exponent;
        QTest::newRow("e5 alone") << str("e5") << 6 << notDecimal;
        QTest::newRow("NaN") << str("NaN") << 6 << str("must be a finite decimal number, not \"NaN\"");
        QTest::newRow("nan") << str("nan") << 6 << str("must be a finite decimal number, not \"nan\"");
        QTest::newRow("-inf") << str("-inf") << 6 << str("must be a finite decimal number, not \"-inf\"");
        QTest::newRow("Infinity") << str("Infinity") << 6
                                  << str("must be a finite decimal number, not \"Infinity\"");
        QTest::newRow("leading plus") << str("+5") << 6
                                      << str("must not start with '+'; write \"5\" rather than \"+5\"");
        QTest::newRow("-0") << str("-0") << 6 << negativeZero;
        QTest::newRow("-0.00") << str("-0.00") << 6 << negativeZero;
        QTest::newRow("-000") << str("-000") << 6 << negativeZero;
        QTest::newRow("lone point") << str(".") << 6 << bothSides;
        QTest::newRow(".5") << str(".5") << 6 << bothSides;
        QTest::newRow("1.") << str("1.") << 6 << bothSides;
        QTest::newRow("-.5") << str("-.5") << 6 << bothSides;
        QTest::newRow("1,5") << str("1,5") << 6 << comma;
        QTest::newRow("1,000.50") << str("1,000.50") << 6 << comma;
        QTest::newRow("0x10") << str("0x10") << 6 << notDecimal;
        QTest::newRow("letters") << str("12abc") << 6 << notDecimal;
        QTest::newRow("two minus signs") << str("--5") << 6 << notDecimal;
        QTest::newRow("minus alone") << str("-") << 6 << notDecimal;
        QTest::newRow("two points") << str("1.2.3") << 6 << notDecimal;
        QTest::newRow("percent sign") << str("19%") << 6 << notDecimal;
        QTest::newRow("arabic-indic digits") << str("\u0661\u0662") << 6 << notDecimal;
        QTest::newRow("fullwidth digit") << str("\uff11") << 6 << notDecimal;
        QTest::newRow("7 digits, 6 allowed") << str("1.1234567") << 6 << str("has more than 6 fractional digits");
        QTest::newRow("trailing zeros count") << str("1.0000000") << 6 << str("has more than 6 fractional digits");
        QTest::newRow("fraction, none allowed") << str("1.5") << 0 << str("must be a whole number");
        QTest::newRow("39 digits") << str("100000000000000000000000000000000000000") << 0
                                   << str("is out of range (at most 99999999999999999999999999999999999999)");
        QTest::newRow("-39 digits") << str("-100000000000000000000000000000000000000") << 0
                                    << str("is out of range (at least -99999999999999999999999999999999999999)");
        QTest::newRow("1 and 400 zeros") << (str("1") + QString(400, u'0')) << 0
                                         << str("is out of range (at most 99999999999999999999999999999999999999)");
    }

    void decimalRejects()
    {
        QFETCH(QString, text);
        QFETCH(int, maxFractionDigits);
        QFETCH(QString, message);

        const QString field = QStringLiteral("payload.lineItems[1].quantity");
        const Result<Decimal> value = Decimal::parse(text, field, maxFractionDigits);
        QVERIFY(!value.has_value());
        QVERIFY2(isViolation(value.error(), field, message), qPrintable(describe(value.error())));
        QCOMPARE(value.error().message, field + QStringLiteral(": ") + message);
    }

    void decimalBounds_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("maxAbs");
        QTest::addColumn<QString>("message"); // empty: accepted

        QTest::newRow("at the bound") << str("1000000000") << str("1000000000") << QString();
        QTest::newRow("at the negative bound") << str("-1000000000") << str("1000000000") << QString();
        QTest::newRow("a millionth above")
            << str("1000000000.000001") << str("1000000000") << str("is out of range (at most 1000000000)");
        QTest::newRow("below the negative bound")
            << str("-1000000001") << str("1000000000") << str("is out of range (at least -1000000000)");
        QTest::newRow("fractional bound") << str("0.51") << str("0.5") << str("is out of range (at most 0.5)");
    }

    void decimalBounds()
    {
        QFETCH(QString, text);
        QFETCH(QString, maxAbs);
        QFETCH(QString, message);

        const Result<Decimal> value = Decimal::parse(text, QStringLiteral("f"), 6, dec(maxAbs));
        if (message.isEmpty()) {
            QVERIFY(value.has_value());
            QCOMPARE(*value, dec(text));
        } else {
            QVERIFY(!value.has_value());
            QVERIFY2(isViolation(value.error(), QStringLiteral("f"), message), qPrintable(describe(value.error())));
        }
    }

    void decimalRounding_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("scale");
        QTest::addColumn<QString>("expected");

        QTest::newRow("half up") << str("0.005") << 2 << str("0.01");
        QTest::newRow("negative half away from zero") << str("-0.005") << 2 << str("-0.01");
        QTest::newRow("below half") << str("0.0049") << 2 << str("0.00");
        QTest::newRow("negative below half is plain zero") << str("-0.0049") << 2 << str("0.00");
        QTest::newRow("2.5 to 3, not to even") << str("2.5") << 0 << str("3");
        QTest::newRow("-2.5 to -3") << str("-2.5") << 0 << str("-3");
        QTest::newRow("0.045 to 0.05, not to even") << str("0.045") << 2 << str("0.05");
        QTest::newRow("0.5") << str("0.5") << 0 << str("1");
        QTest::newRow("-0.5") << str("-0.5") << 0 << str("-1");
        QTest::newRow("1.4999999") << str("1.4999999") << 0 << str("1");
        QTest::newRow("carry into the units") << str("99.995") << 2 << str("100.00");
        QTest::newRow("negative carry") << str("-99.995") << 2 << str("-100.00");
        QTest::newRow("padding") << str("1") << 2 << str("1.00");
        QTest::newRow("negative padding") << str("-7.7") << 4 << str("-7.7000");
        QTest::newRow("36 digits to none") << str("0.999999999999999999999999999999999999") << 0 << str("1");
        QTest::newRow("38 digits padded") << str("99999999999999999999999999999999999999") << 3
                                          << str("99999999999999999999999999999999999999.000");
    }

    void decimalRounding()
    {
        QFETCH(QString, value);
        QFETCH(int, scale);
        QFETCH(QString, expected);

        QCOMPARE(dec(value).toString(scale), expected);
        QCOMPARE(dec(value).rounded(scale).toString(scale), expected);
        QVERIFY(dec(value).rounded(scale).scale() <= scale);
    }

    void decimalArithmetic_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("op");
        QTest::addColumn<QString>("b");
        QTest::addColumn<QString>("expected"); // empty: out of range

        QTest::newRow("0.1 + 0.2 is exactly 0.3") << str("0.1") << str("+") << str("0.2") << str("0.3");
        QTest::newRow("mixed scales") << str("1.50") << str("+") << str("2.5") << str("4");
        QTest::newRow("crossing zero") << str("-1") << str("+") << str("0.999999") << str("-0.000001");
        QTest::newRow("minus") << str("0") << str("-") << str("0.000001") << str("-0.000001");
        QTest::newRow("product of limits") << str("1000000000") << str("*") << str("1000000000000")
                                           << str("1000000000000000000000");
        // (10^9 - 10^-6)(10^12 - 10^-6) = 10^21 - 10^3 - 10^6 + 10^-12
        QTest::newRow("six digits each") << str("999999999.999999") << str("*") << str("999999999999.999999")
                                         << str("999999999999998999000.000000000001");
        QTest::newRow("negative product") << str("-1.5") << str("*") << str("2") << str("-3");
        QTest::newRow("sum past 38 digits") << str("99999999999999999999999999999999999999") << str("+")
                                            << str("1") << QString();
        QTest::newRow("product past 38 digits") << str("9999999999999999999") << str("*")
                                                << str("100000000000000000000") << QString();
        QTest::newRow("aligning scales past 38 digits")
            << str("99999999999999999999999999999") << str("+") << str("0.0000000001") << QString();
        QTest::newRow("scale past 36") << str("0.0000000000000000001") << str("*")
                                       << str("0.0000000000000000001") << QString();
    }

    void decimalArithmetic()
    {
        QFETCH(QString, a);
        QFETCH(QString, op);
        QFETCH(QString, b);
        QFETCH(QString, expected);

        std::optional<Decimal> result;
        if (op == u"+")
            result = dec(a).plus(dec(b));
        else if (op == u"-")
            result = dec(a).minus(dec(b));
        else
            result = dec(a).times(dec(b));
        if (expected.isEmpty()) {
            QVERIFY(!result.has_value());
        } else {
            QVERIFY(result.has_value());
            QCOMPARE(result->toString(), expected);
        }
    }

    void decimalTimesRounded_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<int>("scale");
        QTest::addColumn<QString>("expected"); // empty: out of range

        // 10^33 × 999999 as mantissas passes 2^127: only a 256-bit intermediate gets it right.
        // q = 10^21 - 1001000 + 10^-12; q × (1 - 10^-6) = q - 10^15 + 1.001 - 10^-18
        //   = 999998999999998999001.001000000000999999
        QTest::newRow("line product × discount factor")
            << str("999999999999998999000.000000000001") << str("0.999999") << 2
            << str("999998999999998999001.00");
        // (10 - 10^-36)^2 = 100 - 2·10^-35 + 10^-72: the product has 74 digits at scale 72.
        QTest::newRow("74-digit product rounds back")
            << str("9.999999999999999999999999999999999999") << str("9.999999999999999999999999999999999999") << 2
            << str("100.00");
        QTest::newRow("negative half away") << str("-0.90") << str("0.05") << 2 << str("-0.05");
        QTest::newRow("exact widening") << str("1.5") << str("2") << 4 << str("3.0000");
        QTest::newRow("result past 38 digits") << str("99999999999999999999999999999999999999")
                                               << str("99999999999999999999999999999999999999") << 0 << QString();
    }

    void decimalTimesRounded()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(int, scale);
        QFETCH(QString, expected);

        const std::optional<Decimal> result = dec(a).timesRounded(dec(b), scale);
        if (expected.isEmpty()) {
            QVERIFY(!result.has_value());
        } else {
            QVERIFY(result.has_value());
            QCOMPARE(result->toString(scale), expected);
            QCOMPARE(result->scale(), scale);
        }
    }

    void decimalComparison_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<int>("order");

        QTest::newRow("19 == 19.00") << str("19") << str("19.00") << 0;
        QTest::newRow("7.7 == 7.7000") << str("7.7") << str("7.7000") << 0;
        QTest::newRow("0 == 0.000") << str("0") << str("0.000") << 0;
        QTest::newRow("-1 < 0.5") << str("-1") << str("0.5") << -1;
        QTest::newRow("0.000001 > 0") << str("0.000001") << str("0") << 1;
        QTest::newRow("-0.5 < -0.25") << str("-0.5") << str("-0.25") << -1;
        QTest::newRow("7 < 7.7 < 19") << str("7") << str("7.7") << -1;
        QTest::newRow("38 digits vs 36 fractional digits")
            << str("99999999999999999999999999999999999999") << str("0.999999999999999999999999999999999999") << 1;
        QTest::newRow("close at full precision") << str("1.000000000000000000000000000000000001")
                                                 << str("1.000000000000000000000000000000000000") << 1;
    }

    void decimalComparison()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(int, order);

        QCOMPARE(dec(a) == dec(b), order == 0);
        QCOMPARE(dec(a) < dec(b), order < 0);
        QCOMPARE(dec(b) < dec(a), order > 0);
        if (order == 0)
            QCOMPARE(qHash(dec(a)), qHash(dec(b)));
    }

    // ---- Currency --------------------------------------------------------------------------

    void currencyLookup_data()
    {
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("digits");

        const std::initializer_list<std::pair<const char *, int>> codes = {
            {"EUR", 2}, {"USD", 2}, {"GBP", 2}, {"CHF", 2}, {"JPY", 0}, {"KWD", 3}, {"BHD", 3}, {"JOD", 3},
            {"OMR", 3}, {"TND", 3}, {"IQD", 3}, {"LYD", 3}, {"SEK", 2}, {"NOK", 2}, {"DKK", 2}, {"PLN", 2},
            {"CZK", 2}, {"HUF", 2}, {"CAD", 2}, {"AUD", 2}, {"NZD", 2}, {"CNY", 2}, {"INR", 2}, {"BRL", 2},
            {"MXN", 2}, {"ZAR", 2}, {"SGD", 2}, {"HKD", 2}, {"KRW", 0}, {"ISK", 0}, {"CLP", 0}, {"TRY", 2},
            {"RUB", 2}, {"AED", 2}, {"SAR", 2}, {"ILS", 2}, {"THB", 2}, {"VND", 0}, {"XOF", 0}, {"XAF", 0},
            {"XPF", 0}, {"UGX", 0}, {"PYG", 0}, {"CLF", 4}, {"UYW", 4}, {"XCG", 2}, {"ZWG", 2}, {"SLE", 2}};
        for (const auto &[code, digits] : codes)
            QTest::newRow(code) << str(code) << digits;
    }

    void currencyLookup()
    {
        QFETCH(QString, code);
        QFETCH(int, digits);

        const Result<Currency> currency = Currency::parse(code, QStringLiteral("payload.currency"));
        QVERIFY(currency.has_value());
        QCOMPARE(currency->code(), code);
        QCOMPARE(currency->minorDigits(), digits);
        QVERIFY(currency->isActive());
        QVERIFY(!currency->name().isEmpty());
        QCOMPARE(*Currency::find(code), *currency);
    }

    void currencyRejects_data()
    {
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");

        const QString shape = str("must be an ISO 4217 code of three uppercase letters such as \"EUR\"");
        QTest::newRow("unknown") << str("XYZ") << str("unknown currency 'XYZ'");
        QTest::newRow("gold has no minor unit") << str("XAU") << str("unknown currency 'XAU'");
        QTest::newRow("no currency") << str("XXX") << str("unknown currency 'XXX'");
        QTest::newRow("withdrawn long ago") << str("DEM") << str("unknown currency 'DEM'");
        QTest::newRow("lowercase") << str("eur") << shape;
        QTest::newRow("two letters") << str("EU") << shape;
        QTest::newRow("four letters") << str("EURO") << shape;
        QTest::newRow("empty") << str("") << shape;
        QTest::newRow("digit") << str("E1R") << shape;
        QTest::newRow("space") << str(" EUR") << shape;
        QTest::newRow("numeric code") << str("978") << shape;
    }

    void currencyRejects()
    {
        QFETCH(QString, code);
        QFETCH(QString, message);

        QVERIFY(!Currency::find(code).has_value());
        const Result<Currency> currency = Currency::parse(code, QStringLiteral("payload.currency"));
        QVERIFY(!currency.has_value());
        QVERIFY2(isViolation(currency.error(), QStringLiteral("payload.currency"), message),
                 qPrintable(describe(currency.error())));
    }

    void currencyTable()
    {
        const QList<Currency> all = Currency::all();
        QVERIFY(all.size() >= 160);
        for (qsizetype i = 1; i < all.size(); ++i)
            QVERIFY2(all[i - 1].code() < all[i].code(), qPrintable(all[i].code()));
        for (const Currency &currency : all) {
            QCOMPARE(currency.code().size(), 3);
            QVERIFY(currency.minorDigits() >= 0 && currency.minorDigits() <= 4);
            QCOMPARE(*Currency::find(currency.code()), currency);
        }
        // Withdrawn codes stay readable for old events but are marked.
        const std::optional<Currency> lev = Currency::find(u"BGN");
        QVERIFY(lev.has_value());
        QVERIFY(!lev->isActive());
        QCOMPARE(lev->minorDigits(), 2);
        QVERIFY(!Currency().isValid());
        QVERIFY(!(Currency() == cur(QStringLiteral("EUR"))));
    }

    // ---- Money -----------------------------------------------------------------------------

    void moneyParsesAndFormats_data()
    {
        QTest::addColumn<QString>("currency");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("formatted");
        QTest::addColumn<qint64>("minorUnits");

        QTest::newRow("EUR padded") << str("EUR") << str("12.5") << str("12.50") << qint64(1250);
        QTest::newRow("EUR zero") << str("EUR") << str("0") << str("0.00") << qint64(0);
        QTest::newRow("EUR negative") << str("EUR") << str("-3") << str("-3.00") << qint64(-300);
        QTest::newRow("EUR cent") << str("EUR") << str("0.01") << str("0.01") << qint64(1);
        QTest::newRow("JPY") << str("JPY") << str("100") << str("100") << qint64(100);
        QTest::newRow("KWD three digits") << str("KWD") << str("12.345") << str("12.345") << qint64(12345);
        QTest::newRow("KWD padded") << str("KWD") << str("1") << str("1.000") << qint64(1000);
        QTest::newRow("CLF four digits") << str("CLF") << str("1.2345") << str("1.2345") << qint64(12345);
        QTest::newRow("EUR 10^15") << str("EUR") << str("1000000000000000.00") << str("1000000000000000.00")
                                   << qint64(100000000000000000);
    }

    void moneyParsesAndFormats()
    {
        QFETCH(QString, currency);
        QFETCH(QString, text);
        QFETCH(QString, formatted);
        QFETCH(qint64, minorUnits);

        const Result<Money> amount = Money::parse(text, cur(currency), QStringLiteral("payload.amount"));
        QVERIFY2(amount.has_value(), qPrintable(amount ? QString() : amount.error().toLine()));
        QCOMPARE(amount->toString(), formatted);
        QVERIFY(amount->minorUnits64().has_value());
        QCOMPARE(*amount->minorUnits64(), minorUnits);
        QCOMPARE(*amount, Money::fromMinorUnits(minorUnits, cur(currency)));
        QCOMPARE(amount->currency().code(), currency);
    }

    void moneyRejects_data()
    {
        QTest::addColumn<QString>("currency");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");

        QTest::newRow("EUR three digits") << str("EUR") << str("12.345")
                                          << str("has more than 2 fractional digits (the minor unit of EUR)");
        QTest::newRow("EUR trailing zero") << str("EUR") << str("12.500")
                                           << str("has more than 2 fractional digits (the minor unit of EUR)");
        QTest::newRow("JPY fraction") << str("JPY") << str("1.5") << str("must be a whole number (JPY has no minor unit)");
        QTest::newRow("KWD four digits") << str("KWD") << str("1.2345")
                                         << str("has more than 3 fractional digits (the minor unit of KWD)");
        QTest::newRow("-0") << str("EUR") << str("-0") << negativeZero;
        QTest::newRow("1e400") << str("EUR") << str("1e400") << exponent;
        QTest::newRow("NaN") << str("EUR") << str("NaN") << str("must be a finite decimal number, not \"NaN\"");
        QTest::newRow("above 10^30") << str("EUR") << str("1000000000000000000000000000000.01")
                                     << str("is out of range (at most 1000000000000000000000000000000)");
        QTest::newRow("comma") << str("EUR") << str("12,50") << comma;
    }

    void moneyRejects()
    {
        QFETCH(QString, currency);
        QFETCH(QString, text);
        QFETCH(QString, message);

        const Result<Money> amount = Money::parse(text, cur(currency), QStringLiteral("payload.amount"));
        QVERIFY(!amount.has_value());
        QVERIFY2(isViolation(amount.error(), QStringLiteral("payload.amount"), message),
                 qPrintable(describe(amount.error())));
    }

    void moneyArithmetic()
    {
        const Currency eur = cur(QStringLiteral("EUR"));
        const Currency usd = cur(QStringLiteral("USD"));
        const Money a = money(QStringLiteral("10.05"), eur);
        const Money b = money(QStringLiteral("0.95"), eur);

        QCOMPARE(a.plus(b)->toString(), QStringLiteral("11.00"));
        QCOMPARE(b.minus(a)->toString(), QStringLiteral("-9.10"));
        QCOMPARE(a.negated().toString(), QStringLiteral("-10.05"));
        QVERIFY(b < a);
        QVERIFY(a > b);

        // Different currencies never mix, and are not ordered.
        const Money dollars = money(QStringLiteral("10.05"), usd);
        const Result<Money> mixed = a.plus(dollars);
        QVERIFY(!mixed.has_value());
        QVERIFY(mixed.error().message.contains(QStringLiteral("currencies differ")));
        QVERIFY(!a.minus(dollars).has_value());
        QVERIFY(!(a == dollars));
        QVERIFY((a <=> dollars) == std::partial_ordering::unordered);

        // 10^21 units (one maximal line) is beyond qint64 in cents, and still exact.
        const Money huge = money(QStringLiteral("1000000000000000000000.00"), eur);
        QVERIFY(!huge.minorUnits64().has_value());
        QCOMPARE(huge.plus(b)->toString(), QStringLiteral("1000000000000000000000.95"));

        // At the 38-digit edge sums fail instead of wrapping around.
        const Int128 edge = Decimal::largest().mantissa();
        const std::optional<Money> top = Money::fromMinorUnits128(edge, eur);
        QVERIFY(top.has_value());
        QVERIFY(!Money::fromMinorUnits128(edge + 1, eur).has_value());
        QVERIFY(!top->plus(Money::fromMinorUnits(1, eur)).has_value());
        QVERIFY(top->minus(Money::fromMinorUnits(1, eur)).has_value());

        QCOMPARE(Money::fromDecimalRounded(dec(QStringLiteral("-2.345")), eur)->toString(), QStringLiteral("-2.35"));
        QVERIFY(!Money::fromDecimal(dec(QStringLiteral("2.345")), eur).has_value());
        QCOMPARE(Money::fromDecimal(dec(QStringLiteral("2.3")), eur)->toString(), QStringLiteral("2.30"));
        QCOMPARE(Money::zero(cur(QStringLiteral("JPY"))).toString(), QStringLiteral("0"));
        QVERIFY(!Money().isValid());
    }

    // ---- Field parsers (input-level validation) ----------------------------------------------

    void fieldParsersReject_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("message");

        const QString qty = str("payload.lineItems[1].quantity");
        const QString price = str("payload.lineItems[0].unitPrice");
        const QString rate = str("payload.lineItems[2].taxRate");
        const QString discount = str("payload.lineItems[0].discountPercent");
        const QString amount = str("payload.amount");
        const QString currency = str("payload.currency");

        QTest::newRow("quantity 1e400") << str("quantity") << str("1e400") << qty << exponent;
        QTest::newRow("quantity -0") << str("quantity") << str("-0") << qty << negativeZero;
        QTest::newRow("quantity NaN") << str("quantity") << str("NaN") << qty
                                      << str("must be a finite decimal number, not \"NaN\"");
        QTest::newRow("quantity empty") << str("quantity") << str("") << qty << empty;
        QTest::newRow("quantity ' 1'") << str("quantity") << str(" 1") << qty << spaces;
        QTest::newRow("quantity 1,5") << str("quantity") << str("1,5") << qty << comma;
        QTest::newRow("quantity 0x10") << str("quantity") << str("0x10") << qty << notDecimal;
        QTest::newRow("quantity 7 digits") << str("quantity") << str("1.1234567") << qty
                                           << str("has more than 6 fractional digits");
        QTest::newRow("quantity above 10^9") << str("quantity") << str("1000000000.000001") << qty
                                             << str("is out of range (at most 1000000000)");
        QTest::newRow("quantity far above") << str("quantity") << (str("1") + QString(60, u'0')) << qty
                                            << str("is out of range (at most 1000000000)");
        QTest::newRow("quantity zero") << str("quantity") << str("0") << qty << str("must be positive");
        QTest::newRow("quantity 0.000000") << str("quantity") << str("0.000000") << qty << str("must be positive");
        QTest::newRow("quantity negative") << str("quantity") << str("-1") << qty << str("must be positive");
        QTest::newRow("quantity hugely negative") << str("quantity") << str("-99999999999999") << qty
                                                  << str("must be positive");
        QTest::newRow("price above 10^12") << str("unitPrice") << str("1000000000000.01") << price
                                           << str("is out of range (at most 1000000000000)");
        QTest::newRow("price below -10^12") << str("unitPrice") << str("-1000000000000.000001") << price
                                            << str("is out of range (at least -1000000000000)");
        QTest::newRow("price 7 digits") << str("unitPrice") << str("1.0000001") << price
                                        << str("has more than 6 fractional digits");
        QTest::newRow("price with currency") << str("unitPrice") << str("12.50 EUR") << price << spaces;
        QTest::newRow("price 1E-2") << str("unitPrice") << str("1E-2") << price << exponent;
        QTest::newRow("rate above 100") << str("taxRate") << str("100.0001") << rate
                                        << str("is out of range (at most 100)");
        QTest::newRow("rate negative") << str("taxRate") << str("-7") << rate << str("must not be negative");
        QTest::newRow("rate 5 digits") << str("taxRate") << str("7.12345") << rate
                                       << str("has more than 4 fractional digits");
        QTest::newRow("rate with percent sign") << str("taxRate") << str("19%") << rate << notDecimal;
        QTest::newRow("rate inf") << str("taxRate") << str("inf") << rate
                                  << str("must be a finite decimal number, not \"inf\"");
        QTest::newRow("discount above 100") << str("discount") << str("101") << discount
                                            << str("is out of range (at most 100)");
        QTest::newRow("discount negative") << str("discount") << str("-1") << discount << str("must not be negative");
        QTest::newRow("discount 5 digits") << str("discount") << str("10.00001") << discount
                                           << str("has more than 4 fractional digits");
        QTest::newRow("payment zero") << str("payment") << str("0.00") << amount << str("must be positive");
        QTest::newRow("payment negative") << str("payment") << str("-5.00") << amount << str("must be positive");
        QTest::newRow("payment sub-cent") << str("payment") << str("5.001") << amount
                                          << str("has more than 2 fractional digits (the minor unit of EUR)");
        QTest::newRow("payment -0") << str("payment") << str("-0") << amount << negativeZero;
        QTest::newRow("currency unknown") << str("currency") << str("XYZ") << currency << str("unknown currency 'XYZ'");
        QTest::newRow("currency lowercase") << str("currency") << str("usd") << currency
                                            << str("must be an ISO 4217 code of three uppercase letters such as \"EUR\"");
    }

    void fieldParsersReject()
    {
        QFETCH(QString, kind);
        QFETCH(QString, text);
        QFETCH(QString, field);
        QFETCH(QString, message);

        Error error;
        const auto take = [&error](const auto &result) {
            if (!result.has_value())
                error = result.error();
        };
        if (kind == u"quantity")
            take(parseQuantity(text, field));
        else if (kind == u"unitPrice")
            take(parseUnitPrice(text, field));
        else if (kind == u"taxRate")
            take(parseTaxRate(text, field));
        else if (kind == u"discount")
            take(parseDiscountPercent(text, field));
        else if (kind == u"payment")
            take(parsePaymentAmount(text, cur(QStringLiteral("EUR")), field));
        else
            take(Currency::parse(text, field));
        QVERIFY2(isViolation(error, field, message), qPrintable(describe(error)));
        // The one-line form names the field, as the CLI prints it.
        QCOMPARE(error.toLine(), QStringLiteral("ValidationFailed: ") + field + QStringLiteral(": ") + message);
    }

    void fieldParsersAccept_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("text");

        QTest::newRow("largest quantity") << str("quantity") << str("1000000000");
        QTest::newRow("smallest quantity") << str("quantity") << str("0.000001");
        QTest::newRow("largest price") << str("unitPrice") << str("1000000000000");
        QTest::newRow("most negative price") << str("unitPrice") << str("-1000000000000.000000");
        QTest::newRow("free item") << str("unitPrice") << str("0");
        QTest::newRow("rate 0") << str("taxRate") << str("0");
        QTest::newRow("rate 100") << str("taxRate") << str("100.0000");
        QTest::newRow("rate 7.7") << str("taxRate") << str("7.7");
        QTest::newRow("discount 0") << str("discount") << str("0");
        QTest::newRow("discount 100") << str("discount") << str("100");
        QTest::newRow("discount 12.3456") << str("discount") << str("12.3456");
    }

    void fieldParsersAccept()
    {
        QFETCH(QString, kind);
        QFETCH(QString, text);

        const QString field = QStringLiteral("payload.x");
        Result<Decimal> value = fail(Error::failure(QStringLiteral("unknown kind")));
        if (kind == u"quantity")
            value = parseQuantity(text, field);
        else if (kind == u"unitPrice")
            value = parseUnitPrice(text, field);
        else if (kind == u"taxRate")
            value = parseTaxRate(text, field);
        else if (kind == u"discount")
            value = parseDiscountPercent(text, field);
        QVERIFY2(value.has_value(), qPrintable(value ? QString() : value.error().toLine()));
        QCOMPARE(*value, dec(text));
    }

    // ---- EN 16931 totals ---------------------------------------------------------------------

    void totals_data()
    {
        QTest::addColumn<QString>("currency");
        QTest::addColumn<QStringList>("lines");
        QTest::addColumn<QStringList>("payments");
        QTest::addColumn<QStringList>("lineNets");
        QTest::addColumn<QStringList>("taxes");
        QTest::addColumn<QString>("net");
        QTest::addColumn<QString>("tax");
        QTest::addColumn<QString>("total");
        QTest::addColumn<QString>("paid");
        QTest::addColumn<QString>("due");

        // clang-format off
        addTotalsRow("EUR one line at 19%", "EUR", {"2 100.00 19"}, {},
                     {"200.00"}, {"19 200.00 38.00"}, "200.00", "38.00", "238.00", "0.00", "238.00");
        addTotalsRow("EUR without lines", "EUR", {}, {},
                     {}, {}, "0.00", "0.00", "0.00", "0.00", "0.00");
        // 999 × 10% = 99.9 → 100
        addTotalsRow("JPY whole yen, tax rounds up", "JPY", {"3 333 10"}, {},
                     {"999"}, {"10 999 100"}, "999", "100", "1099", "0", "1099");
        // 1.5 × 101 = 151.5 → 152; 152 × 8% = 12.16 → 12
        addTotalsRow("JPY half yen line net rounds up", "JPY", {"1.5 101 8"}, {},
                     {"152"}, {"8 152 12"}, "152", "12", "164", "0", "164");
        // per rate: 15 × 10% = 1.5 → 2; per line would be 3 × (0.5 → 1) = 3
        addTotalsRow("JPY tax rounded per rate, not per line", "JPY", {"1 5 10", "1 5 10", "1 5 10"}, {},
                     {"5", "5", "5"}, {"10 15 2"}, "15", "2", "17", "0", "17");
        // 12.345 × 5% = 0.61725 → 0.617
        addTotalsRow("KWD three digits", "KWD", {"1 12.345 5"}, {},
                     {"12.345"}, {"5 12.345 0.617"}, "12.345", "0.617", "12.962", "0.000", "12.962");
        // 0.5 × 0.001 = 0.0005 → 0.001
        addTotalsRow("KWD half fils rounds away from zero", "KWD", {"0.5 0.001 0"}, {},
                     {"0.001"}, {"0 0.001 0.000"}, "0.001", "0.000", "0.001", "0.000", "0.001");
        // 1.2345 → 1.235; 2 × 0.3333 = 0.6666 → 0.667; 1.235 × 5% = 0.06175 → 0.062
        addTotalsRow("KWD mixed rates", "KWD", {"1 1.2345 5", "2 0.3333 0"}, {},
                     {"1.235", "0.667"}, {"0 0.667 0.000", "5 1.235 0.062"}, "1.902", "0.062", "1.964", "0.000", "1.964");
        // 3.50 + 0.77 + 19.00 = 23.27
        addTotalsRow("rates 0, 7, 7.7 and 19 in ascending order", "EUR",
                     {"1 100.00 19", "1 50.00 7", "1 20.00 0", "1 10.00 7.7"}, {},
                     {"100.00", "50.00", "20.00", "10.00"},
                     {"0 20.00 0.00", "7 50.00 3.50", "7.7 10.00 0.77", "19 100.00 19.00"},
                     "180.00", "23.27", "203.27", "0.00", "203.27");
        // 16.00 × 19% = 3.04
        addTotalsRow("19, 19.00 and 19.0000 are one group", "EUR", {"1 10.00 19", "1 5.00 19.00", "1 1.00 19.0000"}, {},
                     {"10.00", "5.00", "1.00"}, {"19 16.00 3.04"}, "16.00", "3.04", "19.04", "0.00", "19.04");
        addTotalsRow("7.70 is reported as 7.7", "EUR", {"1 100 7.70"}, {},
                     {"100.00"}, {"7.7 100.00 7.70"}, "100.00", "7.70", "107.70", "0.00", "107.70");
        // per rate: 0.15 × 10% = 0.015 → 0.02; per line: 3 × (0.005 → 0.01) = 0.03
        addTotalsRow("per-rate rounding: 3 × 0.05 at 10%", "EUR", {"1 0.05 10", "1 0.05 10", "1 0.05 10"}, {},
                     {"0.05", "0.05", "0.05"}, {"10 0.15 0.02"}, "0.15", "0.02", "0.17", "0.00", "0.17");
        // per rate: 0.39 × 19% = 0.0741 → 0.07; per line: 3 × (0.0247 → 0.02) = 0.06
        addTotalsRow("per-rate rounding: 3 × 0.13 at 19%", "EUR", {"1 0.13 19", "1 0.13 19", "1 0.13 19"}, {},
                     {"0.13", "0.13", "0.13"}, {"19 0.39 0.07"}, "0.39", "0.07", "0.46", "0.00", "0.46");
        // per rate: 0.28 × 7% = 0.0196 → 0.02; per line: 4 × (0.0049 → 0.00) = 0.00
        addTotalsRow("per-rate rounding: 4 × 0.07 at 7%", "EUR", {"1 0.07 7", "1 0.07 7", "1 0.07 7", "1 0.07 7"}, {},
                     {"0.07", "0.07", "0.07", "0.07"}, {"7 0.28 0.02"}, "0.28", "0.02", "0.30", "0.00", "0.30");
        // per rate: 0.015 × 10% = 0.0015 → 0.002; per line: 3 × (0.0005 → 0.001) = 0.003
        addTotalsRow("per-rate rounding in BHD", "BHD", {"1 0.005 10", "1 0.005 10", "1 0.005 10"}, {},
                     {"0.005", "0.005", "0.005"}, {"10 0.015 0.002"}, "0.015", "0.002", "0.017", "0.000", "0.017");
        // 0.50 × 1% = 0.005 → 0.01
        addTotalsRow("half-cent tax rounds up", "EUR", {"1 0.50 1"}, {},
                     {"0.50"}, {"1 0.50 0.01"}, "0.50", "0.01", "0.51", "0.00", "0.51");
        // 0.49 × 1% = 0.0049 → 0.00
        addTotalsRow("just below half a cent rounds down", "EUR", {"1 0.49 1"}, {},
                     {"0.49"}, {"1 0.49 0.00"}, "0.49", "0.00", "0.49", "0.00", "0.49");
        // 0.90 × 5% = 0.045 → 0.05 (banker's rounding would give 0.04)
        addTotalsRow("half cent rounds away from zero, not to even", "EUR", {"1 0.90 5"}, {},
                     {"0.90"}, {"5 0.90 0.05"}, "0.90", "0.05", "0.95", "0.00", "0.95");
        // 3 × 0.333333 = 0.999999 → 1.00 (rounding the price first would give 0.99)
        addTotalsRow("line net rounded once from the exact product", "EUR", {"3 0.333333 0"}, {},
                     {"1.00"}, {"0 1.00 0.00"}, "1.00", "0.00", "1.00", "0.00", "1.00");
        // 0.125 → 0.13 on each line (EN 16931 rounds each line net)
        addTotalsRow("each line net rounds half up", "EUR", {"1 0.125 0", "1 0.125 0"}, {},
                     {"0.13", "0.13"}, {"0 0.26 0.00"}, "0.26", "0.00", "0.26", "0.00", "0.26");
        // 2 × 50 × 90% = 90.00; 90 × 19% = 17.10
        addTotalsRow("discount 10%", "EUR", {"2 50.00 19 10"}, {},
                     {"90.00"}, {"19 90.00 17.10"}, "90.00", "17.10", "107.10", "0.00", "107.10");
        // 0.15 × 50% = 0.075 → 0.08
        addTotalsRow("discounted line rounds once", "EUR", {"1 0.15 0 50"}, {},
                     {"0.08"}, {"0 0.08 0.00"}, "0.08", "0.00", "0.08", "0.00", "0.08");
        addTotalsRow("discount 100% leaves zero", "EUR", {"5 20.00 19 100"}, {},
                     {"0.00"}, {"19 0.00 0.00"}, "0.00", "0.00", "0.00", "0.00", "0.00");
        // 1000 × 87.6544% = 876.544 → 876.54; 876.54 × 19% = 166.5426 → 166.54
        addTotalsRow("four-digit discount", "EUR", {"1 1000.00 19 12.3456"}, {},
                     {"876.54"}, {"19 876.54 166.54"}, "876.54", "166.54", "1043.08", "0.00", "1043.08");
        // 1.234567 × 8.765432 = 10.821513087944 → 10.82
        addTotalsRow("six-digit quantity and price", "EUR", {"1.234567 8.765432 0"}, {},
                     {"10.82"}, {"0 10.82 0.00"}, "10.82", "0.00", "10.82", "0.00", "10.82");
        // 10^9 × 10^12 = 10^21 (10^23 cents: past qint64); tax 1.9 × 10^20
        addTotalsRow("10^9 × 10^12 in 128 bits", "EUR", {"1000000000 1000000000000 19"}, {},
                     {"1000000000000000000000.00"}, {"19 1000000000000000000000.00 190000000000000000000.00"},
                     "1000000000000000000000.00", "190000000000000000000.00", "1190000000000000000000.00",
                     "0.00", "1190000000000000000000.00");
        // (10^21 - 1001000 + 10^-12) × 0.999999 = 999998999999998999001.001… → …001.00;
        // × 7.7% = 76999922999999922923.077 → …923.08
        addTotalsRow("largest figures with a discount in 256 bits", "EUR",
                     {"999999999.999999 999999999999.999999 7.7 0.0001"}, {},
                     {"999998999999998999001.00"}, {"7.7 999998999999998999001.00 76999922999999922923.08"},
                     "999998999999998999001.00", "76999922999999922923.08", "1076998922999998921924.08",
                     "0.00", "1076998922999998921924.08");
        addTotalsRow("two maximal lines in KWD", "KWD",
                     {"1000000000 1000000000000 5", "1000000000 1000000000000 5"}, {},
                     {"1000000000000000000000.000", "1000000000000000000000.000"},
                     {"5 2000000000000000000000.000 100000000000000000000.000"},
                     "2000000000000000000000.000", "100000000000000000000.000", "2100000000000000000000.000",
                     "0.000", "2100000000000000000000.000");
        addTotalsRow("smallest quantity at the largest price", "EUR", {"0.000001 1000000000000 19"}, {},
                     {"1000000.00"}, {"19 1000000.00 190000.00"}, "1000000.00", "190000.00", "1190000.00",
                     "0.00", "1190000.00");
        // -0.005 → -0.01
        addTotalsRow("negative price rounds half away from zero", "EUR", {"1 -0.005 0"}, {},
                     {"-0.01"}, {"0 -0.01 0.00"}, "-0.01", "0.00", "-0.01", "0.00", "-0.01");
        // 3 × -0.335 = -1.005 → -1.01
        addTotalsRow("negative line net rounds half away from zero", "EUR", {"3 -0.335 0"}, {},
                     {"-1.01"}, {"0 -1.01 0.00"}, "-1.01", "0.00", "-1.01", "0.00", "-1.01");
        // -0.50 × 1% = -0.005 → -0.01
        addTotalsRow("negative tax rounds half away from zero", "EUR", {"1 -0.50 1"}, {},
                     {"-0.50"}, {"1 -0.50 -0.01"}, "-0.50", "-0.01", "-0.51", "0.00", "-0.51");
        // -0.90 × 5% = -0.045 → -0.05
        addTotalsRow("negative half cent, not to even", "EUR", {"1 -0.90 5"}, {},
                     {"-0.90"}, {"5 -0.90 -0.05"}, "-0.90", "-0.05", "-0.95", "0.00", "-0.95");
        // -0.5 yen → -1
        addTotalsRow("JPY negative half yen", "JPY", {"1 -0.5 0"}, {},
                     {"-1"}, {"0 -1 0"}, "-1", "0", "-1", "0", "-1");
        addTotalsRow("credit line cancels a line", "EUR", {"1 100.00 19", "1 -100.00 19"}, {},
                     {"100.00", "-100.00"}, {"19 0.00 0.00"}, "0.00", "0.00", "0.00", "0.00", "0.00");
        // 119.00 - (50.00 + 38.00) = 31.00
        addTotalsRow("payments reduce the amount due", "EUR", {"1 100 19"}, {"50.00", "38.00"},
                     {"100.00"}, {"19 100.00 19.00"}, "100.00", "19.00", "119.00", "88.00", "31.00");
        addTotalsRow("paid in full", "EUR", {"1 100 19"}, {"119"},
                     {"100.00"}, {"19 100.00 19.00"}, "100.00", "19.00", "119.00", "119.00", "0.00");
        addTotalsRow("overpayment leaves a negative due", "EUR", {"1 100 19"}, {"120.00"},
                     {"100.00"}, {"19 100.00 19.00"}, "100.00", "19.00", "119.00", "120.00", "-1.00");
        // 1.23456 → 1.2346; × 19% = 0.234574 → 0.2346
        addTotalsRow("CLF four digits", "CLF", {"1 1.23456 19"}, {},
                     {"1.2346"}, {"19 1.2346 0.2346"}, "1.2346", "0.2346", "1.4692", "0.0000", "1.4692");
        // 99.95 × 7.7% = 7.69615 → 7.70
        addTotalsRow("CHF 7.7%", "CHF", {"1 99.95 7.7"}, {},
                     {"99.95"}, {"7.7 99.95 7.70"}, "99.95", "7.70", "107.65", "0.00", "107.65");
        addTotalsRow("rate 100%", "EUR", {"1 10.00 100"}, {},
                     {"10.00"}, {"100 10.00 10.00"}, "10.00", "10.00", "20.00", "0.00", "20.00");
        // 1 000 000 × 0.0001% = 1.00
        addTotalsRow("smallest rate 0.0001%", "EUR", {"1 1000000.00 0.0001"}, {},
                     {"1000000.00"}, {"0.0001 1000000.00 1.00"}, "1000000.00", "1.00", "1000001.00", "0.00", "1000001.00");
        addTotalsRow("group order does not follow line order", "EUR", {"1 1 19", "1 1 0", "1 1 7"}, {},
                     {"1.00", "1.00", "1.00"}, {"0 1.00 0.00", "7 1.00 0.07", "19 1.00 0.19"},
                     "3.00", "0.26", "3.26", "0.00", "3.26");
        // 3 × 0.333 × 90% = 0.8991 → 0.899; + 1.000 = 1.899; × 19% = 0.36081 → 0.361
        addTotalsRow("KWD discount and 19.00 grouped with 19", "KWD", {"3 0.333 19.00 10", "1 1 19"}, {},
                     {"0.899", "1.000"}, {"19 1.899 0.361"}, "1.899", "0.361", "2.260", "0.000", "2.260");
        // clang-format on
    }

    void totals()
    {
        QFETCH(QString, currency);
        QFETCH(QStringList, lines);
        QFETCH(QStringList, payments);
        QFETCH(QStringList, lineNets);
        QFETCH(QStringList, taxes);
        QFETCH(QString, net);
        QFETCH(QString, tax);
        QFETCH(QString, total);
        QFETCH(QString, paid);
        QFETCH(QString, due);

        const Currency c = cur(currency);
        QList<LineAmounts> input;
        for (const QString &line : lines) {
            const QStringList f = line.split(u' ');
            input.append({dec(f[0]), dec(f[1]), dec(f[2]), f.size() > 3 ? dec(f[3]) : Decimal()});
        }
        QList<Money> paymentAmounts;
        for (const QString &p : payments)
            paymentAmounts.append(money(p, c));

        const Result<InvoiceTotals> result = computeTotals(c, input, paymentAmounts);
        QVERIFY2(result.has_value(), qPrintable(result ? QString() : result.error().toLine()));

        QStringList actualNets;
        for (const Money &m : result->lineNetAmounts) {
            QCOMPARE(m.currency(), c);
            actualNets.append(m.toString());
        }
        QCOMPARE(actualNets, lineNets);
        QStringList actualTaxes;
        for (const TaxSubtotal &s : result->taxes)
            actualTaxes.append(s.rate.toString() + u' ' + s.taxableAmount.toString() + u' ' + s.taxAmount.toString());
        QCOMPARE(actualTaxes, taxes);
        QCOMPARE(result->net.toString(), net);
        QCOMPARE(result->tax.toString(), tax);
        QCOMPARE(result->total.toString(), total);
        QCOMPARE(result->paid.toString(), paid);
        QCOMPARE(result->due.toString(), due);
        for (const Money *m : {&result->net, &result->tax, &result->total, &result->paid, &result->due})
            QCOMPARE(m->currency(), c);
        // The per-line helper agrees with the totals, line by line.
        for (qsizetype i = 0; i < input.size(); ++i)
            QCOMPARE(lineNetAmount(input[i], c)->toString(), lineNets[i]);
        // So do the sums without the detail (the list rows' figures), the lines in any order.
        std::reverse(input.begin(), input.end());
        const Result<TotalsSums> sums = computeSums(c, input, paymentAmounts);
        QVERIFY2(sums.has_value(), qPrintable(sums ? QString() : sums.error().toLine()));
        QCOMPARE(sums->net, result->net);
        QCOMPARE(sums->tax, result->tax);
        QCOMPARE(sums->total, result->total);
        QCOMPARE(sums->paid, result->paid);
        QCOMPARE(sums->due, result->due);
    }

    // EN 16931 BT-117 asks for the tax per rate; summing per-line roundings gives another result.
    void perRateRoundingDiffersFromPerLine()
    {
        const Currency eur = cur(QStringLiteral("EUR"));
        const LineAmounts line{dec(QStringLiteral("1")), dec(QStringLiteral("0.05")), dec(QStringLiteral("10")),
                               Decimal()};
        const QList<LineAmounts> lines{line, line, line};

        Money perLine = Money::zero(eur);
        for (const LineAmounts &l : lines) {
            const Decimal lineTax = *lineNetAmount(l, eur)->toDecimal().timesRounded(dec(QStringLiteral("0.1")), 2);
            perLine = *perLine.plus(*Money::fromDecimal(lineTax, eur));
        }
        const Result<InvoiceTotals> totals = computeTotals(eur, lines);
        QVERIFY(totals.has_value());
        QCOMPARE(perLine.toString(), QStringLiteral("0.03"));
        QCOMPARE(totals->tax.toString(), QStringLiteral("0.02"));
    }

    void totalsJsonMatchesCli()
    {
        const Currency eur = cur(QStringLiteral("EUR"));
        const Result<InvoiceTotals> totals =
            computeTotals(eur, {{dec(QStringLiteral("2")), dec(QStringLiteral("100.00")), dec(QStringLiteral("19.00")), Decimal()}},
                          {money(QStringLiteral("38"), eur)});
        QVERIFY(totals.has_value());
        const QJsonArray expectedTaxes{QJsonObject{{QStringLiteral("rate"), QStringLiteral("19")},
                                                   {QStringLiteral("taxableAmount"), QStringLiteral("200.00")},
                                                   {QStringLiteral("taxAmount"), QStringLiteral("38.00")}}};
        QCOMPARE(totals->taxesJson(), expectedTaxes);
        const QJsonObject expectedTotals{{QStringLiteral("net"), QStringLiteral("200.00")},
                                         {QStringLiteral("tax"), QStringLiteral("38.00")},
                                         {QStringLiteral("total"), QStringLiteral("238.00")},
                                         {QStringLiteral("paid"), QStringLiteral("38.00")},
                                         {QStringLiteral("due"), QStringLiteral("200.00")}};
        QCOMPARE(totals->totalsJson(), expectedTotals);
    }

    void totalsRefuseWhatTheyCannotCompute()
    {
        const Currency eur = cur(QStringLiteral("EUR"));
        const LineAmounts ordinary{dec(QStringLiteral("1")), dec(QStringLiteral("1")), dec(QStringLiteral("19")), Decimal()};

        // A payment in another currency is never added in.
        const Result<InvoiceTotals> mixed =
            computeTotals(eur, {ordinary}, {money(QStringLiteral("1.00"), cur(QStringLiteral("USD")))});
        QVERIFY(!mixed.has_value());
        QVERIFY(mixed.error().message.contains(QStringLiteral("currencies differ")));
        const QList<Money> dollars{money(QStringLiteral("1.00"), cur(QStringLiteral("USD")))};
        const QList<LineAmounts> one{ordinary};
        QCOMPARE(computeSums(eur, one, dollars).error().message, mixed.error().message);

        // Figures far beyond the input limits (which the parsers refuse) fail cleanly, not wrapped.
        const Decimal huge = dec(QStringLiteral("10000000000000000000000000"));
        const Result<InvoiceTotals> overflow =
            computeTotals(eur, {ordinary, {huge, huge, dec(QStringLiteral("19")), Decimal()}});
        QVERIFY(!overflow.has_value());
        QCOMPARE(overflow.error().kind, ErrorKind::Failure);
        QVERIFY2(overflow.error().message.startsWith(QStringLiteral("line 2: ")), qPrintable(overflow.error().message));
        const QList<LineAmounts> two{ordinary, {huge, huge, dec(QStringLiteral("19")), Decimal()}};
        QCOMPARE(computeSums(eur, two).error().message, overflow.error().message);
        // Many rates (more than the sums keep without allocating) add up as the totals do.
        QList<LineAmounts> rates;
        for (int r = 0; r < 20; ++r)
            rates.append({dec(QStringLiteral("3")), dec(QStringLiteral("0.35")), dec(QString::number(r) + u".5"), Decimal()});
        QCOMPARE(computeSums(eur, rates)->tax, computeTotals(eur, rates)->tax);
        QCOMPARE(computeTotals(eur, rates)->taxes.size(), 20);

        QVERIFY(!computeTotals(Currency(), {ordinary}).has_value());
        QVERIFY(!computeSums(Currency(), one).has_value());
    }
};

QTEST_GUILESS_MAIN(TestMoney)
#include "tst_money.moc"
