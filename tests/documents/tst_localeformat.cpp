// Document number formatting: exact decimal text grouped as the locale does, checked against
// QLocale's own formatting of integers (exact for qint64) and against hand-written examples.
#include "core/documents/localeformat.h"

#include <QtTest>

using namespace Billstream;

class TestLocaleFormat : public QObject
{
    Q_OBJECT

private slots:
    void integersMatchQLocale_data()
    {
        QTest::addColumn<QString>("locale");
        const char *locales[] = {"en_US", "de_DE", "fr_FR", "de_CH", "en_IN", "hi_IN", "ar_EG", "es_ES",
                                 "ja_JP", "pt_BR", "sv_SE", "fa_IR", "it_IT", "pl_PL", "ru_RU", "zh_CN"};
        for (const char *l : locales)
            QTest::newRow(l) << QString::fromLatin1(l);
    }

    void integersMatchQLocale()
    {
        QFETCH(QString, locale);
        const DocumentLocale doc(locale);
        const QLocale q(locale);
        const qint64 values[] = {0, 7, 42, 999, 1000, 9999, 10000, 12345, 123456, 1234567, 12345678,
                                 123456789012LL, 9223372036854775807LL, -1, -1000, -1234567, -9223372036854775807LL};
        for (qint64 v : values)
            QCOMPARE(doc.decimalText(QString::number(v)), q.toString(v));
    }

    void fractionsAndHugeAmounts_data()
    {
        QTest::addColumn<QString>("locale");
        QTest::addColumn<QString>("canonical");
        QTest::addColumn<QString>("expected");
        QTest::newRow("en_US") << "en_US" << "-1234567.50" << "-1,234,567.50";
        QTest::newRow("de_DE") << "de_DE" << "1234567.5" << "1.234.567,5";
        QTest::newRow("fr_FR") << "fr_FR" << "1234.05" << QStringLiteral("1\u202f234,05");
        QTest::newRow("de_CH") << "de_CH" << "1234.05" << QStringLiteral("1\u2019234.05");
        QTest::newRow("en_IN") << "en_IN" << "123456789.25" << "12,34,56,789.25";
        QTest::newRow("beyond 64 bits") << "en_US" << "123456789012345678901234567890.123456"
                                        << "123,456,789,012,345,678,901,234,567,890.123456";
        QTest::newRow("beyond 64 bits, de") << "de_DE" << "-98765432109876543210.00"
                                            << "-98.765.432.109.876.543.210,00";
        QTest::newRow("zero") << "en_US" << "0.00" << "0.00";
        QTest::newRow("not a decimal") << "en_US" << "1e5" << "1e5";
        QTest::newRow("unknown locale") << "xx_YY" << "1234.5" << "1,234.5";
        QTest::newRow("empty locale") << "" << "1234.5" << "1,234.5";
    }

    void fractionsAndHugeAmounts()
    {
        QFETCH(QString, locale);
        QFETCH(QString, canonical);
        QFETCH(QString, expected);
        QCOMPARE(DocumentLocale(locale).decimalText(canonical), expected);
    }

    void nativeDigits()
    {
        // Arabic-Indic digits, from the locale's zero digit.
        const DocumentLocale doc(QStringLiteral("ar_EG"));
        const QString text = doc.decimalText(u"1234.5");
        QCOMPARE(text, QLocale(QStringLiteral("ar_EG")).toString(qint64(1234)) + QLocale(QStringLiteral("ar_EG")).decimalPoint()
                           + QLocale(QStringLiteral("ar_EG")).toString(qint64(5)));
        QVERIFY(!text.contains(QLatin1Char('1')));
    }

    void moneyAndDecimals()
    {
        const DocumentLocale us(QStringLiteral("en_US"));
        const Currency eur = *Currency::find(u"EUR");
        const Currency jpy = *Currency::find(u"JPY");
        const Currency kwd = *Currency::find(u"KWD");
        QCOMPARE(us.money(*Money::parse(u"1234.5", eur, QString())), QStringLiteral("1,234.50"));
        QCOMPARE(us.money(*Money::parse(u"1234567", jpy, QString())), QStringLiteral("1,234,567"));
        QCOMPARE(us.money(*Money::parse(u"-0.125", kwd, QString())), QStringLiteral("-0.125"));
        const Decimal price = *Decimal::parse(u"12.345600", QString(), 6);
        QCOMPARE(us.decimal(price, 2), QStringLiteral("12.3456"));
        QCOMPARE(us.decimal(*Decimal::parse(u"12", QString(), 6), 2), QStringLiteral("12.00"));
        QCOMPARE(us.decimal(*Decimal::parse(u"1.50", QString(), 6)), QStringLiteral("1.5"));
        QCOMPARE(us.percent(*Decimal::parse(u"7.70", QString(), 4)), QStringLiteral("7.7%"));
        QCOMPARE(DocumentLocale(QStringLiteral("de_DE")).percent(*Decimal::parse(u"19", QString(), 4)), QStringLiteral("19%"));
    }

    void dates_data()
    {
        QTest::addColumn<QString>("locale");
        QTest::addColumn<QString>("expected");
        QTest::newRow("en_US") << "en_US" << "3/4/2026";
        QTest::newRow("en_GB") << "en_GB" << "04/03/2026";
        QTest::newRow("de_DE") << "de_DE" << "04.03.2026";
        QTest::newRow("ja_JP") << "ja_JP" << "2026/03/04";
    }

    void dates()
    {
        QFETCH(QString, locale);
        QFETCH(QString, expected);
        QCOMPARE(DocumentLocale(locale).date(QDate(2026, 3, 4)), expected);
        QCOMPARE(DocumentLocale(locale).date(QDate()), QString());
    }

    void paper()
    {
        QCOMPARE(defaultPaperSize(QLocale(QStringLiteral("en_US"))), PaperSize::Letter);
        QCOMPARE(defaultPaperSize(QLocale(QStringLiteral("en_CA"))), PaperSize::Letter);
        QCOMPARE(defaultPaperSize(QLocale(QStringLiteral("en_GB"))), PaperSize::A4);
        QCOMPARE(defaultPaperSize(QLocale(QStringLiteral("de_DE"))), PaperSize::A4);
        QCOMPARE(paperSizeFromName(QStringLiteral(" Letter ")), PaperSize::Letter);
        QCOMPARE(paperSizeFromName(QStringLiteral("A4")), PaperSize::A4);
        QVERIFY(!paperSizeFromName(QStringLiteral("a5")));
    }

    void ibanAndCountries()
    {
        QCOMPARE(formatIban(QStringLiteral("DE89370400440532013000")), QStringLiteral("DE89 3704 0044 0532 0130 00"));
        QCOMPARE(formatIban(QStringLiteral("GB29 NWBK 6016 1331 9268 19")), QStringLiteral("GB29 NWBK 6016 1331 9268 19"));
        QCOMPARE(DocumentLocale::countryName(QStringLiteral("DE")), QStringLiteral("Germany"));
        QCOMPARE(DocumentLocale::countryName(QStringLiteral("us")), QStringLiteral("United States"));
        QCOMPARE(DocumentLocale::countryName(QStringLiteral("Q9")), QStringLiteral("Q9"));
    }
};

QTEST_GUILESS_MAIN(TestLocaleFormat)
#include "tst_localeformat.moc"
