// CSV export of the invoice list: formula neutralisation, quoting, and the same bytes as
// `billstream-cli list invoices --format csv` for the same store.
#include "core/documents/csvexport.h"
#include "core/projections/book.h"
#include "tests/documents/clisetup.h"
#include "tests/documents/invoicefixture.h"

using namespace Billstream;
using namespace Billstream::Testing;

class TestCsvExport : public QObject
{
    Q_OBJECT

private slots:
    void fields_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("number");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << "Anna" << false << "Anna";
        QTest::newRow("empty") << "" << false << "";
        QTest::newRow("formula") << "=1+1" << false << "'=1+1";
        QTest::newRow("hyperlink") << "=HYPERLINK(\"http://x.example\",\"y\")" << false
                                   << "\"'=HYPERLINK(\"\"http://x.example\"\",\"\"y\"\")\"";
        QTest::newRow("plus") << "+49 30 1234" << false << "'+49 30 1234";
        QTest::newRow("minus text") << "-cmd" << false << "'-cmd";
        QTest::newRow("at") << "@SUM(A1)" << false << "'@SUM(A1)";
        QTest::newRow("tab") << "\tx" << false << "'\tx";
        QTest::newRow("carriage return") << "\rx" << false << "\"'\rx\"";
        QTest::newRow("comma") << "Lidan, Ltd." << false << "\"Lidan, Ltd.\"";
        QTest::newRow("quote") << "the \"best\"" << false << "\"the \"\"best\"\"\"";
        QTest::newRow("newline") << "two\nlines" << false << "\"two\nlines\"";
        QTest::newRow("negative number") << "-12.50" << true << "-12.50";
        QTest::newRow("formula inside") << "a=1" << false << "a=1";
    }

    void fields()
    {
        QFETCH(QString, text);
        QFETCH(bool, number);
        QFETCH(QString, expected);
        QCOMPARE(csvField(text, number), expected);
    }

    void sameAsTheCli()
    {
        InvoiceFixture f;
        f.setCompany();
        const QString evil = f.createCustomer(QStringLiteral("=HYPERLINK(\"http://evil.example\")"),
                                              QStringLiteral("evil@customer.example"));
        const QString plain = f.createCustomer(QStringLiteral("Müller, \"Söhne\" & Co"), QStringLiteral("m@customer.example"));
        const QString a = f.createInvoice(evil, {{QStringLiteral("Work"), QStringLiteral("3"), QStringLiteral("33.33"),
                                                  QStringLiteral("19"), {}}});
        f.issue(a);
        f.createInvoice(plain, {{QStringLiteral("Rebate"), QStringLiteral("1"), QStringLiteral("-10.00"),
                                 QStringLiteral("19"), {}}}, QStringLiteral("JPY"));

        const Result<Book> book = Book::live(f.store(), f.tenant, QDateTime::currentDateTimeUtc().date());
        QVERIFY(book);
        const Result<QList<InvoiceListEntry>> entries = book->invoices({}, InvoiceSort::Created, Qt::AscendingOrder);
        QVERIFY(entries);
        QCOMPARE(entries->size(), 2);
        const QByteArray csv = invoiceListCsv(*entries);
        const QList<QByteArray> lines = csv.split('\n');
        QCOMPARE(lines.first(), QByteArray("id,number,status,customerId,customerName,currency,issueDate,dueDate,total,paid,"
                                           "due,overdue,version\r"));
        QVERIFY(csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\""));
        QVERIFY(csv.contains("\"Müller, \"\"Söhne\"\" & Co\""));
        QVERIFY(csv.contains(",-12,"));   // a negative JPY total stays a number
        QVERIFY(csv.contains(",118.99,"));

        QTemporaryDir data;
        const CliRun cli = runCli({QStringLiteral("--store"), f.storePath, QStringLiteral("list"), QStringLiteral("invoices"),
                                   QStringLiteral("--format"), QStringLiteral("csv")},
                                  {}, cliEnvironment(data.path()));
        QCOMPARE(cli.exitCode, 0);
        QCOMPARE(QString::fromUtf8(csv), cli.outText());

        // Written atomically; with a byte order mark when asked.
        const QString path = data.filePath(QStringLiteral("invoices.csv"));
        QVERIFY(writeInvoiceListCsv(path, *entries, CsvOptions{true}));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("\xEF\xBB\xBF") + csv);
        QVERIFY(!writeInvoiceListCsv(QStringLiteral("/nonexistent-dir-for-billstream/x.csv"), *entries));
    }
};

QTEST_MAIN(TestCsvExport)
#include "tst_csvexport.moc"
