// The invoice PDF, checked through what poppler's pdftotext and pdfinfo read back from it.
#include "core/documents/invoicedocument.h"
#include "core/documents/invoicerenderer.h"
#include "core/documents/localeformat.h"
#include "tests/documents/invoicefixture.h"

#include <QBuffer>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QRegularExpression>

using namespace Billstream;
using namespace Billstream::Testing;

namespace {

QByteArray pdfOf(InvoiceFixture &f, const QString &invoiceId, std::optional<PaperSize> paper = std::nullopt)
{
    const Result<InvoiceDocument> doc = loadInvoiceDocument(*f.service, f.tenant, invoiceId);
    if (!doc) {
        qWarning("loadInvoiceDocument: %s", qPrintable(doc.error().toLine()));
        return {};
    }
    const Result<QByteArray> pdf = renderInvoicePdf(*doc, paper.value_or(defaultPaperSize(*doc)));
    if (!pdf) {
        qWarning("renderInvoicePdf: %s", qPrintable(pdf.error().toLine()));
        return {};
    }
    return *pdf;
}

// pdftotext keeps the layout with runs of spaces; one space is enough for comparing words.
QString simplified(const QString &text)
{
    return QString(text).replace(QRegularExpression(QStringLiteral("[ \\t]+")), QStringLiteral(" "));
}

int pageCount(const QByteArray &pdf)
{
    return pdfInfo(pdf).value(QStringLiteral("Pages")).toInt();
}

QString pngLogoBase64()
{
    QImage logo(120, 40, QImage::Format_ARGB32);
    logo.fill(QColor(20, 90, 160));
    QPainter p(&logo);
    p.fillRect(10, 10, 30, 20, Qt::white);
    p.end();
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    logo.save(&buffer, "PNG");
    return QString::fromLatin1(png.toBase64());
}

} // namespace

class TestInvoicePdf : public QObject
{
    Q_OBJECT

private slots:
    void issuedInvoiceShowsNumberPartiesAndTotals()
    {
        InvoiceFixture f;
        f.setCompany();
        const QString customer = f.createCustomer(QStringLiteral("Anna Schmidt GmbH"));
        const QString invoice = f.createInvoice(customer,
                                                {{QStringLiteral("Consulting, March"), QStringLiteral("12.5"),
                                                  QStringLiteral("98.40"), QStringLiteral("19"), {}},
                                                 {QStringLiteral("Travel costs"), QStringLiteral("1"),
                                                  QStringLiteral("1234.56"), QStringLiteral("7"), {}}},
                                                QStringLiteral("EUR"), QStringLiteral("Thank you for your business."));
        const QString number = f.issue(invoice);
        QCOMPARE(number, QStringLiteral("INV-2026-0001"));

        const QByteArray pdf = pdfOf(f, invoice);
        QVERIFY(pdf.startsWith("%PDF-"));
        const QString text = simplified(pdfText(pdf));
        QVERIFY2(text.contains(number), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Lidan Ltd.")));
        QVERIFY(text.contains(QStringLiteral("Anna Schmidt GmbH")));
        QVERIFY(text.contains(QStringLiteral("5 Market Street")));
        QVERIFY(text.contains(QStringLiteral("Germany")));
        QVERIFY(text.contains(QStringLiteral("Tax ID: DE123456789")));
        QVERIFY(text.contains(QStringLiteral("Consulting, March")));
        QVERIFY(text.contains(QStringLiteral("Thank you for your business.")));
        // The domain's totals, exactly: 12.5 × 98.40 = 1,230.00 at 19 % (233.70), 1,234.56 at 7 % (86.42).
        const QJsonObject state = *f.service->invoiceState(f.tenant, invoice);
        const QJsonObject totals = state.value(QStringLiteral("totals")).toObject();
        QCOMPARE(totals.value(QStringLiteral("total")).toString(), QStringLiteral("2784.68"));
        QVERIFY2(text.contains(QStringLiteral("Total (EUR) 2,784.68")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Net total 2,464.56")));
        QVERIFY(text.contains(QStringLiteral("Tax total 320.12")));
        QVERIFY(text.contains(QStringLiteral("19% 1,230.00 233.70")));
        QVERIFY(text.contains(QStringLiteral("7% 1,234.56 86.42")));
        // Dates in the tenant's locale (en_US), payment terms and bank details.
        QVERIFY(text.contains(QStringLiteral("Issue date 3/4/2026")));
        QVERIFY(text.contains(QStringLiteral("Due date 4/3/2026")));
        QVERIFY(text.contains(QStringLiteral("Please pay EUR 2,784.68 by 4/3/2026 (30 days net).")));
        QVERIFY(text.contains(QStringLiteral("IBAN: DE89 3704 0044 0532 0130 00")));
        QVERIFY(text.contains(QStringLiteral("BIC: COBADEFFXXX")));
        QVERIFY(text.contains(QStringLiteral("Page 1 of 1")));
        QVERIFY(!text.contains(QStringLiteral("DRAFT")));

        // The ledger anchor: the position and hash of the event that issued the invoice.
        const QList<RecordedEvent> status = f.eventsOf(invoice, QStringLiteral("InvoiceStatusSet"));
        QCOMPARE(status.size(), 2);
        const RecordedEvent &issued = status.last();
        const QString anchor = QStringLiteral("Ledger anchor at issue: position %1, hash %2")
                                   .arg(issued.position)
                                   .arg(QString::fromLatin1(issued.hash.toHex().left(12)));
        QVERIFY2(text.contains(anchor), qPrintable(anchor + QStringLiteral("\n") + text));
    }

    void totalsInOtherCurrencies_data()
    {
        QTest::addColumn<QString>("currency");
        QTest::addColumn<QString>("quantity");
        QTest::addColumn<QString>("unitPrice");
        QTest::addColumn<QString>("taxRate");
        QTest::addColumn<QString>("discount");
        QTest::addColumn<QString>("expectedTotal");
        // JPY has no minor unit, KWD three digits; half away from zero at every rounding step.
        QTest::newRow("JPY") << QStringLiteral("JPY") << QStringLiteral("3") << QStringLiteral("1999")
                             << QStringLiteral("10") << QString() << QStringLiteral("6,597");
        QTest::newRow("KWD") << QStringLiteral("KWD") << QStringLiteral("2") << QStringLiteral("10.1235")
                             << QStringLiteral("5") << QString() << QStringLiteral("21.259");
        QTest::newRow("discount") << QStringLiteral("USD") << QStringLiteral("3") << QStringLiteral("33.33")
                                  << QStringLiteral("7.7") << QStringLiteral("12.5") << QStringLiteral("94.23");
        QTest::newRow("large") << QStringLiteral("EUR") << QStringLiteral("1000000") << QStringLiteral("1234567.891")
                               << QStringLiteral("19") << QString() << QStringLiteral("1,469,135,790,290.00");
    }

    void totalsInOtherCurrencies()
    {
        QFETCH(QString, currency);
        QFETCH(QString, quantity);
        QFETCH(QString, unitPrice);
        QFETCH(QString, taxRate);
        QFETCH(QString, discount);
        QFETCH(QString, expectedTotal);
        InvoiceFixture f;
        f.setCompany();
        const QString customer = f.createCustomer(QStringLiteral("Tanaka KK"));
        const QString invoice =
            f.createInvoice(customer, {{QStringLiteral("Widgets"), quantity, unitPrice, taxRate, discount}}, currency);
        f.issue(invoice);
        const QJsonObject state = *f.service->invoiceState(f.tenant, invoice);
        const QString domainTotal = state.value(QStringLiteral("totals")).toObject().value(QStringLiteral("total")).toString();
        // The document formats the domain's exact figure; the expectation is written out by hand.
        QCOMPARE(DocumentLocale(QStringLiteral("en_US")).decimalText(domainTotal), expectedTotal);
        const QString text = simplified(pdfText(pdfOf(f, invoice)));
        QVERIFY2(text.contains(QStringLiteral("Total (%1) %2").arg(currency, expectedTotal)), qPrintable(text));
    }

    void markupAndFormulasAppearLiterally()
    {
        InvoiceFixture f;
        f.setCompany(QStringLiteral("<i>Lidan</i> & Co"));
        const QString name = QStringLiteral("<b>Evil</b> =1+1 &amp; <script>alert(1)</script>");
        const QString customer = f.createCustomer(name);
        const QString invoice = f.createInvoice(
            customer, {{QStringLiteral("=HYPERLINK(\"http://x.example\") <u>under</u>"), QStringLiteral("1"),
                        QStringLiteral("10"), QStringLiteral("0"), {}}},
            QStringLiteral("EUR"), QStringLiteral("<h1>Notes</h1> @SUM(A1) \\n %1 %2"));
        f.issue(invoice);
        const QString text = pdfText(pdfOf(f, invoice));
        QVERIFY2(text.contains(name), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("<b>Evil</b> =1+1")));
        QVERIFY(text.contains(QStringLiteral("<i>Lidan</i> & Co")));
        QVERIFY(text.contains(QStringLiteral("=HYPERLINK(\"http://x.example\") <u>under</u>")));
        QVERIFY(text.contains(QStringLiteral("<h1>Notes</h1> @SUM(A1) \\n %1 %2")));
    }

    void longInvoicePaginatesWithHeadersOnEveryPage()
    {
        InvoiceFixture f;
        f.setCompany();
        const QString customer = f.createCustomer(QStringLiteral("Big Buyer Inc."));
        QList<LineSpec> lines;
        for (int i = 1; i <= 200; ++i) {
            // Every seventh line is long enough to wrap.
            QString description = QStringLiteral("Item %1").arg(i, 3, 10, QLatin1Char('0'));
            if (i % 7 == 0)
                description += QStringLiteral(" with a description long enough to wrap onto a second and maybe a "
                                              "third line of the table, as real descriptions sometimes do");
            lines << LineSpec{description, QStringLiteral("1"), QStringLiteral("10.00"), QStringLiteral("19"), {}};
        }
        const QString invoice = f.createInvoice(customer, lines);
        const QString number = f.issue(invoice);
        const QByteArray pdf = pdfOf(f, invoice);
        const int pages = pageCount(pdf);
        QVERIFY2(pages >= 4, qPrintable(QString::number(pages)));

        QString all;
        for (int page = 1; page <= pages; ++page) {
            const QString text = simplified(pdfText(pdf, page));
            // Every page with rows of the table repeats its header above them.
            const qsizetype header = text.indexOf(QStringLiteral("# Description Quantity Unit price Tax Amount"));
            const qsizetype firstRow = text.indexOf(QStringLiteral("Item "));
            if (firstRow >= 0)
                QVERIFY2(header >= 0 && header < firstRow, qPrintable(QStringLiteral("page %1:\n%2").arg(page).arg(text)));
            else
                QCOMPARE(page, pages);  // only the last page may hold no rows (totals, payment)
            QVERIFY(text.contains(QStringLiteral("Page %1 of %2").arg(page).arg(pages)));
            if (page > 1)
                QVERIFY(text.contains(QStringLiteral("Invoice %1 (continued)").arg(number)));
            all += text;
        }
        // Every line exactly once, in order; the totals after the last line.
        qsizetype at = 0;
        for (int i = 1; i <= 200; ++i) {
            const QString item = QStringLiteral("Item %1").arg(i, 3, 10, QLatin1Char('0'));
            QCOMPARE(all.count(item), 1);
            const qsizetype next = all.indexOf(item, at);
            QVERIFY2(next > at, qPrintable(item));
            at = next;
        }
        QVERIFY(all.indexOf(QStringLiteral("Total (EUR) 2,380.00")) > at);
    }

    void paperSizes_data()
    {
        QTest::addColumn<QString>("locale");
        QTest::addColumn<QString>("paper");
        QTest::addColumn<QString>("pageSize");
        QTest::newRow("en_US default") << QStringLiteral("en_US") << QString() << QStringLiteral("612 x 792 pts (letter)");
        QTest::newRow("de_DE default") << QStringLiteral("de_DE") << QString() << QStringLiteral("595 x 842 pts (A4)");
        QTest::newRow("en_US on A4") << QStringLiteral("en_US") << QStringLiteral("a4") << QStringLiteral("595 x 842 pts (A4)");
        QTest::newRow("de_DE on Letter") << QStringLiteral("de_DE") << QStringLiteral("letter")
                                         << QStringLiteral("612 x 792 pts (letter)");
    }

    void paperSizes()
    {
        QFETCH(QString, locale);
        QFETCH(QString, paper);
        QFETCH(QString, pageSize);
        InvoiceFixture f;
        f.setCompany(QStringLiteral("Lidan Ltd."), locale);
        const QString invoice = f.createInvoice(f.createCustomer(QStringLiteral("Anna")),
                                                {{QStringLiteral("Work"), QStringLiteral("1"), QStringLiteral("5"),
                                                  QStringLiteral("19"), {}}});
        f.issue(invoice);
        const QByteArray pdf = pdfOf(f, invoice, paperSizeFromName(paper));
        QCOMPARE(pdfInfo(pdf).value(QStringLiteral("Page size")), pageSize);
    }

    void localeFormatsNumbersAndDates()
    {
        InvoiceFixture f;
        f.setCompany(QStringLiteral("Lidan GmbH"), QStringLiteral("de_DE"));
        const QString invoice = f.createInvoice(f.createCustomer(QStringLiteral("Anna")),
                                                {{QStringLiteral("Beratung"), QStringLiteral("1.5"),
                                                  QStringLiteral("1000"), QStringLiteral("7.7"), {}}});
        f.issue(invoice);
        const QString text = simplified(pdfText(pdfOf(f, invoice)));
        QVERIFY2(text.contains(QStringLiteral("Total (EUR) 1.615,50")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("7,7% 1.500,00 115,50")));
        QVERIFY(text.contains(QStringLiteral("1,5 1.000,00 7,7% 1.500,00")));
        QVERIFY(text.contains(QStringLiteral("Issue date 04.03.2026")));
    }

    void draftHasWatermarkAndNoNumber()
    {
        InvoiceFixture f;
        f.setCompany();
        const QString invoice = f.createInvoice(f.createCustomer(QStringLiteral("Draft Customer")),
                                                {{QStringLiteral("Work"), QStringLiteral("2"), QStringLiteral("50"),
                                                  QStringLiteral("19"), {}}});
        const Result<InvoiceDocument> doc = loadInvoiceDocument(*f.service, f.tenant, invoice);
        QVERIFY(doc);
        QVERIFY(doc->isDraft());
        QCOMPARE(doc->watermark(), QStringLiteral("DRAFT"));
        QVERIFY(!doc->anchor);
        const QString text = simplified(pdfText(pdfOf(f, invoice)));
        QVERIFY2(text.contains(QStringLiteral("DRAFT")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Invoice number none yet (draft)")));
        QVERIFY(text.contains(QStringLiteral("Draft Customer")));
        QVERIFY(text.contains(QStringLiteral("Total (EUR) 119.00")));
        QVERIFY(!text.contains(QStringLiteral("Ledger anchor")));

        // The watermark is painted: a page image has reddish pixels where a clean page has none.
        InvoiceRenderer draft(*doc, PaperSize::A4);
        InvoiceDocument clean = *doc;
        clean.currentStatus = InvoiceStatus::Issued;
        InvoiceRenderer issued(clean, PaperSize::A4);
        const auto reddish = [](const QImage &image) {
            int count = 0;
            for (int y = 0; y < image.height(); y += 2) {
                for (int x = 0; x < image.width(); x += 2) {
                    const QColor c = image.pixelColor(x, y);
                    count += (c.red() > c.green() + 20 && c.red() > c.blue() + 20) ? 1 : 0;
                }
            }
            return count;
        };
        QVERIFY(reddish(draft.pageImage(0, 50)) > 100);
        QCOMPARE(reddish(issued.pageImage(0, 50)), 0);
    }

    void voidedInvoiceIsMarked()
    {
        InvoiceFixture f;
        f.setCompany();
        const QString invoice = f.createInvoice(f.createCustomer(QStringLiteral("Anna")),
                                                {{QStringLiteral("Work"), QStringLiteral("1"), QStringLiteral("50"),
                                                  QStringLiteral("19"), {}}});
        f.issue(invoice);
        f.mustExec({{QStringLiteral("command"), QStringLiteral("VoidInvoice")},
                    {QStringLiteral("aggregateId"), invoice},
                    {QStringLiteral("payload"), QJsonObject{{QStringLiteral("reason"), QStringLiteral("wrong customer")}}}});
        const QString text = pdfText(pdfOf(f, invoice));
        QVERIFY2(text.contains(QStringLiteral("VOID")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("INV-2026-0001")));
    }

    void reprintIsIdenticalAfterChanges()
    {
        InvoiceFixture f;
        f.setCompany(QStringLiteral("Lidan Ltd."), QStringLiteral("en_US"), pngLogoBase64());
        const QString customer = f.createCustomer(QStringLiteral("Anna Original"));
        const QString invoice = f.createInvoice(customer, {{QStringLiteral("Work"), QStringLiteral("3"),
                                                            QStringLiteral("33.33"), QStringLiteral("19"), {}}});
        f.issue(invoice);
        const QByteArray original = pdfOf(f, invoice);
        QVERIFY(!original.isEmpty());
        QCOMPARE(pdfOf(f, invoice), original);

        // Years later: another company name, address, logo and locale; the customer renamed;
        // a payment recorded. None of it may change the document that was sent.
        f.clock().set(QDateTime(QDate(2029, 7, 1), QTime(9, 0), Qt::UTC));
        f.setCompany(QStringLiteral("Lidan Holding plc"), QStringLiteral("de_DE"));
        f.mustExec({{QStringLiteral("command"), QStringLiteral("RenameCustomer")},
                    {QStringLiteral("aggregateId"), customer},
                    {QStringLiteral("payload"), QJsonObject{{QStringLiteral("name"), QStringLiteral("Anna Renamed")}}}});
        f.mustExec({{QStringLiteral("command"), QStringLiteral("RecordPayment")},
                    {QStringLiteral("aggregateId"), invoice},
                    {QStringLiteral("payload"), QJsonObject{{QStringLiteral("amount"), QStringLiteral("50.00")},
                                                            {QStringLiteral("date"), QStringLiteral("2029-07-01")}}}});
        const QByteArray reprint = pdfOf(f, invoice);
        QCOMPARE(reprint.size(), original.size());
        QVERIFY(reprint == original);
        const QString text = pdfText(reprint);
        QVERIFY(text.contains(QStringLiteral("Anna Original")));
        QVERIFY(!text.contains(QStringLiteral("Renamed")));

        // A new invoice does use the new profile.
        const QString second = f.createInvoice(customer, {{QStringLiteral("More work"), QStringLiteral("1"),
                                                           QStringLiteral("10"), QStringLiteral("19"), {}}});
        f.issue(second);
        const QString secondText = pdfText(pdfOf(f, second));
        QVERIFY(secondText.contains(QStringLiteral("Lidan Holding plc")));
        QVERIFY(secondText.contains(QStringLiteral("Anna Renamed")));
    }

    void pdfIsDeterministicWithTheDocumentsTime()
    {
        InvoiceFixture f;
        f.setCompany();
        const QString invoice = f.createInvoice(f.createCustomer(QStringLiteral("Anna")),
                                                {{QStringLiteral("Work"), QStringLiteral("1"), QStringLiteral("5"),
                                                  QStringLiteral("19"), {}}});
        f.issue(invoice);
        const QByteArray a = pdfOf(f, invoice);
        const QByteArray b = pdfOf(f, invoice);
        QVERIFY(!a.isEmpty());
        QVERIFY(a == b);
        // The creation date is the moment the invoice was issued, not the clock's.
        QCOMPARE(pdfInfo(a).value(QStringLiteral("CreationDate")).contains(QStringLiteral("2026")), true);
        QVERIFY(a.contains("/CreationDate (D:20260304100000"));
        QCOMPARE(pdfInfo(a).value(QStringLiteral("Title")), QStringLiteral("Invoice INV-2026-0001"));
    }

    void logoIsEmbedded()
    {
        InvoiceFixture f;
        f.setCompany(QStringLiteral("Lidan Ltd."), QStringLiteral("en_US"), pngLogoBase64());
        const QString invoice = f.createInvoice(f.createCustomer(QStringLiteral("Anna")),
                                                {{QStringLiteral("Work"), QStringLiteral("1"), QStringLiteral("5"),
                                                  QStringLiteral("19"), {}}});
        f.issue(invoice);
        const QByteArray pdf = pdfOf(f, invoice);
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("logo.pdf")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(pdf);
        file.close();
        QProcess p;
        p.start(QStringLiteral("pdfimages"), {QStringLiteral("-list"), file.fileName()});
        QVERIFY(p.waitForFinished(60000));
        const QStringList lines = QString::fromUtf8(p.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        // Two header lines, then one line per image: the logo.
        QCOMPARE(lines.size(), 3);
        QVERIFY2(lines.at(2).contains(QStringLiteral(" image ")), qPrintable(lines.at(2)));
    }

    // The anchor's hash is read back as written: hex digits are never drawn as ligatures
    // ("ff" as one glyph would copy and search as U+FB00).
    void ledgerAnchorHashReadsBackAsWritten()
    {
        InvoiceFixture f;
        f.setCompany();
        const QString customer = f.createCustomer(QStringLiteral("Anna Schmidt GmbH"));
        const QString invoice = f.createInvoice(customer,
                                                {{QStringLiteral("Consulting"), QStringLiteral("1"),
                                                  QStringLiteral("100.00"), QStringLiteral("19"), {}}},
                                                QStringLiteral("EUR"), {});
        f.issue(invoice);
        Result<InvoiceDocument> doc = loadInvoiceDocument(*f.service, f.tenant, invoice);
        QVERIFY(doc && doc->anchor);
        for (const QByteArray &hex : {QByteArray("affbf2338b6a"), QByteArray("ff00fffffff1"), QByteArray("0ff1ff1ff100")}) {
            doc->anchor->hash = QByteArray::fromHex(hex);
            const Result<QByteArray> pdf = renderInvoicePdf(*doc, PaperSize::A4);
            QVERIFY(pdf);
            const QString text = simplified(pdfText(*pdf));
            QVERIFY2(text.contains(QStringLiteral("hash ") + doc->anchor->shortHash()), qPrintable(text));
        }
    }

    void unknownInvoiceIsNotFound()
    {
        InvoiceFixture f;
        const Result<InvoiceDocument> doc = loadInvoiceDocument(*f.service, f.tenant, QStringLiteral("no-such-invoice"));
        QVERIFY(!doc);
        QCOMPARE(doc.error().kind, ErrorKind::NotFound);
    }

    void fileNameIsSafe()
    {
        InvoiceDocument doc;
        doc.invoiceId = QStringLiteral("abc");
        QCOMPARE(doc.fileName(), QStringLiteral("draft-abc.pdf"));
        doc.number = QStringLiteral("RE/2026/07:1");
        QCOMPARE(doc.fileName(), QStringLiteral("RE-2026-07-1.pdf"));
    }
};

QTEST_MAIN(TestInvoicePdf)
#include "tst_invoicepdf.moc"
