// billstream-cli pdf as a real process: the file, standard output, paper sizes, errors.
#include "tests/documents/clisetup.h"
#include "tests/documents/invoicefixture.h"

#include <QFile>
#include <QtTest>

using namespace Billstream::Testing;

class TestCliPdf : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_store;
    QProcessEnvironment m_env;

    CliRun cli(const QStringList &args, const QByteArray &input = {})
    {
        return runCli(QStringList{QStringLiteral("--store"), m_store} + args, input, m_env);
    }

    static QByteArray readFile(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = m_dir.filePath(QStringLiteral("store.sqlite"));
        m_env = cliEnvironment(m_dir.filePath(QStringLiteral("data")));
        const CliRun setup = cli({QStringLiteral("exec")}, setupCommands(QStringLiteral("<b>Anna</b> =1+1 GmbH")));
        QVERIFY2(setup.exitCode == 0, qPrintable(setup.errText()));
        const CliRun draft = cli({QStringLiteral("exec")},
                                 R"({"command":"CreateInvoice","aggregateId":"draft-1","payload":{"customerId":"cust-1","currency":"EUR","lineItems":[{"description":"Draft work","quantity":"1","unitPrice":"5","taxRate":"19"}]}})");
        QVERIFY2(draft.exitCode == 0, qPrintable(draft.errText()));
    }

    void writesThePdf()
    {
        const QString out = m_dir.filePath(QStringLiteral("inv-1.pdf"));
        const CliRun r = cli({QStringLiteral("pdf"), QStringLiteral("inv-1"), QStringLiteral("--out"), out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
        QVERIFY(r.out.isEmpty());
        const QByteArray pdf = readFile(out);
        QVERIFY(pdf.startsWith("%PDF-"));
        const QString text = pdfText(pdf);
        QVERIFY2(text.contains(QStringLiteral("INV-2026-0001")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("<b>Anna</b> =1+1 GmbH")));
        QVERIFY(text.contains(QStringLiteral("Lidan Ltd.")));
        QVERIFY(text.contains(QStringLiteral("1,428.00")));
        // en_US, the default locale: US Letter.
        QCOMPARE(pdfInfo(pdf).value(QStringLiteral("Page size")), QStringLiteral("612 x 792 pts (letter)"));

        // Other processes render the same bytes (each process seeds Qt's hashes at random,
        // which once changed the order of the embedded fonts); standard output too.
        for (int i = 0; i < 4; ++i) {
            const CliRun again = cli({QStringLiteral("pdf"), QStringLiteral("inv-1"), QStringLiteral("--out"), QStringLiteral("-")});
            QCOMPARE(again.exitCode, 0);
            QVERIFY(again.out == pdf);
        }
    }

    void paperOption()
    {
        const QString out = m_dir.filePath(QStringLiteral("a4.pdf"));
        const CliRun r = cli({QStringLiteral("pdf"), QStringLiteral("inv-1"), QStringLiteral("--out"), out,
                              QStringLiteral("--paper"), QStringLiteral("a4")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
        QCOMPARE(pdfInfo(readFile(out)).value(QStringLiteral("Page size")), QStringLiteral("595 x 842 pts (A4)"));
    }

    void draftRenders()
    {
        const CliRun r = cli({QStringLiteral("pdf"), QStringLiteral("draft-1"), QStringLiteral("--out"), QStringLiteral("-")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
        QVERIFY(pdfText(r.out).contains(QStringLiteral("DRAFT \u2013 not a valid invoice")));
    }

    void errors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        const QString out = QStringLiteral("/nonexistent-dir-for-billstream/x.pdf");
        QTest::newRow("unknown invoice") << QStringList{QStringLiteral("pdf"), QStringLiteral("nope"), QStringLiteral("--out"), QStringLiteral("-")}
                                         << 4 << QStringLiteral("error: NotFound:");
        QTest::newRow("no --out") << QStringList{QStringLiteral("pdf"), QStringLiteral("inv-1")} << 64
                                  << QStringLiteral("--out FILE is required");
        QTest::newRow("no invoice") << QStringList{QStringLiteral("pdf"), QStringLiteral("--out"), QStringLiteral("-")} << 64
                                    << QStringLiteral("missing argument");
        QTest::newRow("bad paper") << QStringList{QStringLiteral("pdf"), QStringLiteral("inv-1"), QStringLiteral("--out"),
                                                  QStringLiteral("-"), QStringLiteral("--paper"), QStringLiteral("a5")}
                                   << 64 << QStringLiteral("'a5' is not a paper size");
        QTest::newRow("unwritable") << QStringList{QStringLiteral("pdf"), QStringLiteral("inv-1"), QStringLiteral("--out"), out}
                                    << 1 << QStringLiteral("cannot write");
    }

    void errors()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const CliRun r = cli(args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.errText().contains(message), qPrintable(r.errText()));
        QVERIFY(!r.out.startsWith("%PDF"));
    }

    void missingStoreIsNotFound()
    {
        const CliRun r = runCli({QStringLiteral("--store"), m_dir.filePath(QStringLiteral("none.sqlite")), QStringLiteral("pdf"),
                                 QStringLiteral("inv-1"), QStringLiteral("--out"), QStringLiteral("-")},
                                {}, m_env);
        QCOMPARE(r.exitCode, 4);
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("none.sqlite"))));
    }
};

QTEST_MAIN(TestCliPdf)
#include "tst_cli_pdf.moc"
