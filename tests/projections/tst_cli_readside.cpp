// billstream-cli list, rebuild, demo and the projection part of verify, run as a process.
#include "../cli/clirunner.h"
#include "projectiontesthelpers.h"

#include "core/projections/sqlaccess.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <sqlite3.h>

using namespace Billstream;
using namespace Billstream::Testing;

class TestCliReadSide : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;   // anchors and settings of the CLI runs stay in here
    QTemporaryDir m_dir;
    QString m_store;        // a small history with known times, written in-process

    QProcessEnvironment env() const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("XDG_DATA_HOME"), m_home.path());
        e.insert(QStringLiteral("HOME"), m_home.path());
        return e;
    }
    CliRun cli(const QString &store, const QStringList &args) const
    {
        return runCli(QStringList{QStringLiteral("--store"), store} + args, {}, env());
    }
    static void dropTables(const QString &path, const char *sql)
    {
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
        char *message = nullptr;
        const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
        const QString why = message ? QString::fromUtf8(message) : QString();
        sqlite3_free(message);
        sqlite3_close(db);
        QVERIFY2(rc == SQLITE_OK, qPrintable(why));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid() && m_dir.isValid());
        TestStore t;
        QVERIFY(t.open());
        t.at("2026-01-05T09:00:00.000Z");
        t.exec(companyProfile());
        t.exec(command(s("SetInvoiceDefaults"), {}, {{s("currency"), s("EUR")}, {s("paymentTermsDays"), 14}}));
        // Text that a spreadsheet would run as a formula, and a plain one.
        t.exec(createCustomer(s("c1"), s("=HYPERLINK(\"http://evil.example\",\"x\")"), s("eve@example.com")));
        t.exec(createCustomer(s("c2"), s("+Plus, Minus & \"Quotes\""), s("plus@example.com")));
        t.exec(createCustomer(s("c3"), s("@Home Ltd"), s("home@example.com")));
        t.exec(createCustomer(s("c4"), s("Dora Plain"), s("dora@example.com")));
        t.at("2026-01-06T10:00:00.000Z");
        t.exec(createInvoice(s("i1"), s("c1"), s("EUR"), {line(s("L1"), s("1"), s("100.00"), s("19"))}));
        t.exec(issue(s("i1"), s("2026-01-06")));  // due 2026-01-20
        t.at("2026-01-07T10:00:00.000Z");
        // A rebate invoice: negative amounts stay numbers in CSV.
        t.exec(createInvoice(s("i2"), s("c2"), s("EUR"), {line(s("L1"), s("1"), s("-50.00"), s("19"))}));
        t.exec(createInvoice(s("i3"), s("c3"), s("KWD"), {line(s("L1"), s("2"), s("1.250"), s("0"))}));
        t.exec(issue(s("i3"), s("2026-01-07")));
        t.at("2026-01-08T10:00:00.000Z");
        t.exec(createInvoice(s("i4"), s("c4"), s("EUR"), {line(s("L1"), s("1"), s("10.00"), s("19"))}));
        t.exec(command(s("DeleteInvoice"), s("i4"), {}));
        t.at("2026-02-10T10:00:00.000Z");
        t.exec(pay(s("i1"), s("p1"), s("19.00"), s("2026-02-10")));
        QVERIFY(t.readSide->catchUp());
        t.close();
        m_store = m_dir.filePath(QStringLiteral("known.sqlite"));
        QVERIFY(QFile::copy(t.path(), m_store));
    }

    void jsonKeysAndValues()
    {
        const CliRun r = cli(m_store, {s("list"), s("invoices"), s("--format"), s("json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray rows = QJsonDocument::fromJson(r.out).array();
        QCOMPARE(rows.size(), 3);  // the deleted draft is left out
        const QJsonObject i1 = rows.at(0).toObject();
        QCOMPARE(i1.keys(), (QStringList{s("currency"), s("customerId"), s("customerName"), s("due"), s("dueDate"), s("id"),
                                         s("issueDate"), s("number"), s("overdue"), s("paid"), s("status"), s("total"),
                                         s("version")}));
        QCOMPARE(i1.value(s("id")).toString(), s("i1"));
        QCOMPARE(i1.value(s("number")).toString(), s("INV-2026-0001"));
        QCOMPARE(i1.value(s("status")).toString(), s("PARTIALLY_PAID"));
        QCOMPARE(i1.value(s("total")).toString(), s("119.00"));
        QCOMPARE(i1.value(s("paid")).toString(), s("19.00"));
        QCOMPARE(i1.value(s("due")).toString(), s("100.00"));
        QCOMPARE(i1.value(s("dueDate")).toString(), s("2026-01-20"));
        QCOMPARE(i1.value(s("overdue")).toBool(), true);  // judged now
        const QJsonObject i3 = rows.at(2).toObject();
        QCOMPARE(i3.value(s("total")).toString(), s("2.500"));  // KWD: three digits
        QVERIFY(rows.at(1).toObject().value(s("issueDate")).isNull());  // a draft

        const CliRun customers = cli(m_store, {s("list"), s("customers"), s("--format"), s("json")});
        QCOMPARE(customers.exitCode, 0);
        const QJsonArray cs = QJsonDocument::fromJson(customers.out).array();
        QCOMPARE(cs.size(), 4);
        QHash<QString, QJsonObject> byId;
        for (const QJsonValue &v : cs)
            byId.insert(v.toObject().value(s("id")).toString(), v.toObject());
        QCOMPARE(byId[s("c1")].keys(), (QStringList{s("email"), s("id"), s("invoiceCount"), s("name"), s("openBalance"),
                                                    s("openBalances"), s("version")}));
        QCOMPARE(byId[s("c1")].value(s("openBalance")).toString(), s("100.00"));
        QCOMPARE(byId[s("c1")].value(s("openBalances")).toObject(), (QJsonObject{{s("EUR"), s("100.00")}}));
        QCOMPARE(byId[s("c3")].value(s("openBalance")).toString(), s("2.500"));
        QCOMPARE(byId[s("c2")].value(s("openBalance")).toString(), s("0.00"));  // a draft owes nothing
        QCOMPARE(byId[s("c4")].value(s("invoiceCount")).toInt(), 0);  // its only invoice was deleted
        QCOMPARE(byId[s("c2")].value(s("invoiceCount")).toInt(), 1);
    }

    void csvNeutralisesFormulas()
    {
        const CliRun r = cli(m_store, {s("list"), s("invoices"), s("--format"), s("csv")});
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = r.outText().split(s("\r\n"), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 4);
        QCOMPARE(lines.at(0), s("id,number,status,customerId,customerName,currency,issueDate,dueDate,total,paid,due,overdue,version"));
        // A text cell starting with = gets a quote, and CSV quoting doubles the inner quotes.
        QVERIFY2(lines.at(1).contains(s(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",")), qPrintable(lines.at(1)));
        // + as well; a negative amount is a number and stays as it is.
        QVERIFY2(lines.at(2).contains(s(",\"'+Plus, Minus & \"\"Quotes\"\"\",")), qPrintable(lines.at(2)));
        QVERIFY2(lines.at(2).contains(s(",-59.50,0.00,-59.50,")), qPrintable(lines.at(2)));
        QVERIFY2(lines.at(3).contains(s(",'@Home Ltd,")), qPrintable(lines.at(3)));

        const CliRun customers = cli(m_store, {s("list"), s("customers"), s("--format"), s("csv")});
        QCOMPARE(customers.exitCode, 0);
        QVERIFY(customers.outText().startsWith(s("id,name,email,openBalance,openBalances,invoiceCount,version\r\n")));
        QVERIFY(!customers.outText().contains(s(",=HYPERLINK")));
    }

    void tableAndFilters()
    {
        CliRun r = cli(m_store, {s("list"), s("invoices")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.outText().startsWith(s("ID ")));
        QVERIFY(r.outText().contains(s("INV-2026-0001")));
        QCOMPARE(r.outText().count(QLatin1Char('\n')), 4);

        r = cli(m_store, {s("list"), s("invoices"), s("--status"), s("DELETED"), s("--format"), s("json")});
        QCOMPARE(r.exitCode, 0);
        QJsonArray rows = QJsonDocument::fromJson(r.out).array();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.at(0).toObject().value(s("id")).toString(), s("i4"));

        r = cli(m_store, {s("list"), s("invoices"), s("--status"), s("overdue"), s("--format"), s("json")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out).array().size(), 2);

        r = cli(m_store, {s("list"), s("invoices"), s("--search"), s("hyperlink"), s("--format"), s("json")});
        QCOMPARE(r.exitCode, 0);
        rows = QJsonDocument::fromJson(r.out).array();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.at(0).toObject().value(s("id")).toString(), s("i1"));

        r = cli(m_store, {s("list"), s("customers"), s("--search"), s("dora"), s("--format"), s("json")});
        QCOMPARE(QJsonDocument::fromJson(r.out).array().size(), 1);

        QCOMPARE(cli(m_store, {s("list"), s("invoices"), s("--status"), s("LOST")}).exitCode, 64);
        QCOMPARE(cli(m_store, {s("list"), s("invoices"), s("--format"), s("xml")}).exitCode, 64);
        QCOMPARE(cli(m_store, {s("list"), s("orders")}).exitCode, 64);
        QCOMPARE(cli(m_store, {s("list")}).exitCode, 64);
        QCOMPARE(cli(m_store, {s("list"), s("invoices"), s("--as-of"), s("yesterday")}).exitCode, 64);
        QCOMPARE(cli(m_dir.filePath(s("none.sqlite")), {s("list"), s("invoices")}).exitCode, 4);
    }

    void asOf()
    {
        // On 2026-01-06 only i1 existed, issued and not yet overdue.
        CliRun r = cli(m_store, {s("list"), s("invoices"), s("--as-of"), s("2026-01-06"), s("--format"), s("json")});
        QCOMPARE(r.exitCode, 0);
        QJsonArray rows = QJsonDocument::fromJson(r.out).array();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.at(0).toObject().value(s("status")).toString(), s("ISSUED"));
        QCOMPARE(rows.at(0).toObject().value(s("due")).toString(), s("119.00"));
        QCOMPARE(rows.at(0).toObject().value(s("overdue")).toBool(), false);
        // On 2026-02-01 it was overdue and still unpaid.
        r = cli(m_store, {s("list"), s("invoices"), s("--as-of"), s("2026-02-01T00:00:00+01:00"), s("--format"), s("json")});
        QCOMPARE(r.exitCode, 0);
        rows = QJsonDocument::fromJson(r.out).array();
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows.at(0).toObject().value(s("overdue")).toBool(), true);
        QCOMPARE(rows.at(0).toObject().value(s("paid")).toString(), s("0.00"));
        r = cli(m_store, {s("list"), s("customers"), s("--as-of"), s("2026-02-01"), s("--format"), s("json")});
        QCOMPARE(r.exitCode, 0);
        bool found = false;
        for (const QJsonValue &v : QJsonDocument::fromJson(r.out).array()) {
            if (v.toObject().value(s("id")).toString() == s("c1")) {
                QCOMPARE(v.toObject().value(s("openBalance")).toString(), s("119.00"));
                found = true;
            }
        }
        QVERIFY(found);
        // Before the first event: empty, not an error.
        r = cli(m_store, {s("list"), s("invoices"), s("--as-of"), s("2020-01-01"), s("--format"), s("json")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out).array().size(), 0);
    }

    void rebuildRestoresDroppedTables()
    {
        const QString path = m_dir.filePath(s("rebuild.sqlite"));
        QVERIFY(QFile::copy(m_store, path));
        const QByteArray before = cli(path, {s("list"), s("invoices"), s("--format"), s("json")}).out;
        const QByteArray customersBefore = cli(path, {s("list"), s("customers"), s("--format"), s("csv")}).out;
        dropTables(path, "DROP TABLE invoice_list; DROP TABLE customer_list;"
                         " DROP TABLE invoice_list_balances; DROP TABLE revenue_payments");
        CliRun r = cli(path, {s("rebuild")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.errText().contains(s("rebuild invoice_list, customer_list, revenue: ")), qPrintable(r.errText()));
        QVERIFY(r.outText().contains(s("invoice_list")));
        QCOMPARE(cli(path, {s("list"), s("invoices"), s("--format"), s("json")}).out, before);
        QCOMPARE(cli(path, {s("list"), s("customers"), s("--format"), s("csv")}).out, customersBefore);
        QCOMPARE(cli(path, {s("verify")}).exitCode, 0);

        r = cli(path, {s("rebuild"), s("invoice_list"), s("nonsense")});
        QCOMPARE(r.exitCode, 64);
        QVERIFY(r.errText().contains(s("nonsense")));
        QCOMPARE(cli(m_dir.filePath(s("absent.sqlite")), {s("rebuild")}).exitCode, 4);
    }

    void verifyFindsAnEditedRow()
    {
        const QString path = m_dir.filePath(s("edited.sqlite"));
        QVERIFY(QFile::copy(m_store, path));
        QCOMPARE(cli(path, {s("verify")}).exitCode, 0);
        dropTables(path, "UPDATE invoice_list SET due = 1 WHERE id = 'i3'");
        const CliRun r = cli(path, {s("verify")});
        QCOMPARE(r.exitCode, 5);
        QVERIFY2(r.outText().contains(s("problem: Projection invoice_list differs from a fresh rebuild: in table "
                                        "invoice_list, the row (tenant default, id i3) has due is 1 where a rebuild gives 2500.")),
                 qPrintable(r.outText()));
        QVERIFY(r.errText().contains(s("StoreInconsistent")));
    }

    void demoIsDeterministic()
    {
        const QString a = m_dir.filePath(s("demo-a.sqlite"));
        const QString b = m_dir.filePath(s("demo-b.sqlite"));
        const QString c = m_dir.filePath(s("demo-c.sqlite"));
        const QStringList demo{s("demo"), s("--invoices"), s("120"), s("--customers"), s("15"), s("--until"), s("2026-06-30")};
        CliRun r = cli(a, demo + QStringList{s("--seed"), s("5")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.outText().startsWith(s("demo: 15 customers, ")), qPrintable(r.outText()));
        QVERIFY(r.errText().contains(s("demo commands: ")));
        QCOMPARE(cli(b, demo + QStringList{s("--seed"), s("5")}).exitCode, 0);
        QCOMPARE(cli(c, demo + QStringList{s("--seed"), s("6")}).exitCode, 0);
        for (const QStringList &list : {QStringList{s("list"), s("invoices"), s("--format"), s("json")},
                                        QStringList{s("list"), s("customers"), s("--format"), s("csv")},
                                        QStringList{s("list"), s("invoices"), s("--as-of"), s("2025-01-01"), s("--format"), s("csv")}}) {
            const CliRun ra = cli(a, list);
            const CliRun rb = cli(b, list);
            QCOMPARE(ra.exitCode, 0);
            QVERIFY(ra.out.size() > 200);
            QCOMPARE(ra.out, rb.out);
            QVERIFY(cli(c, list).out != ra.out);
        }
        // Times spread over three years: the first invoice is from 2023, the last from 2026.
        const QJsonArray rows = QJsonDocument::fromJson(cli(a, {s("list"), s("invoices"), s("--format"), s("json")}).out).array();
        QSet<QString> years;
        for (const QJsonValue &v : rows)
            years.insert(v.toObject().value(s("number")).toString().mid(4, 4));
        QVERIFY(years.contains(s("2023")) && years.contains(s("2024")) && years.contains(s("2025")) && years.contains(s("2026")));
        QCOMPARE(rows.last().toObject().value(s("id")).toString().size(), 36);
        QCOMPARE(cli(a, {s("verify")}).exitCode, 0);
        // A second demo into the same tenant is refused, nothing written.
        QCOMPARE(cli(a, demo).exitCode, 2);
        QCOMPARE(cli(a, {s("demo"), s("--invoices"), s("x")}).exitCode, 64);
    }
};

QTEST_GUILESS_MAIN(TestCliReadSide)
#include "tst_cli_readside.moc"
