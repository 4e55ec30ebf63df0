// billstream-cli exec/state/events/verify as scripts use them: the real binary on real store
// files, every command's round trip, and every class of bad input of QUALITY.md.
#include "clirunner.h"

#include "core/es/sqliteeventstore.h"

#include <QDate>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace Billstream;

namespace {

QByteArray json(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

QList<QJsonObject> jsonLines(const QByteArray &out)
{
    QList<QJsonObject> lines;
    for (const QByteArray &l : out.split('\n')) {
        if (!l.trimmed().isEmpty())
            lines << QJsonDocument::fromJson(l).object();
    }
    return lines;
}

QStringList types(const QList<QJsonObject> &events)
{
    QStringList t;
    for (const QJsonObject &e : events)
        t << e.value(QStringLiteral("type")).toString();
    return t;
}

const QJsonObject Address{{QStringLiteral("street"), QStringLiteral("1 Main St")},
                          {QStringLiteral("postalCode"), QStringLiteral("10115")},
                          {QStringLiteral("city"), QStringLiteral("Berlin")},
                          {QStringLiteral("country"), QStringLiteral("DE")}};

QJsonObject command(const QString &name, const QJsonObject &payload, const QString &id = {})
{
    QJsonObject c{{QStringLiteral("command"), name}, {QStringLiteral("payload"), payload}};
    if (!id.isEmpty())
        c.insert(QStringLiteral("aggregateId"), id);
    return c;
}

QJsonObject line(const QString &description, const QString &qty, const QString &price, const QString &rate)
{
    return {{QStringLiteral("description"), description}, {QStringLiteral("quantity"), qty},
            {QStringLiteral("unitPrice"), price}, {QStringLiteral("taxRate"), rate}};
}

} // namespace

class TestCliExec : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_store;

    QStringList base(const QStringList &args, const QString &tenant = {}) const
    {
        QStringList all{QStringLiteral("--store"), m_store};
        if (!tenant.isEmpty())
            all << QStringLiteral("--tenant") << tenant;
        return all + args;
    }
    CliRun exec(const QByteArray &input, const QString &tenant = {}, QStringList extra = {}) const
    {
        return runCli(base(extra + QStringList{QStringLiteral("exec")}, tenant), input);
    }
    CliRun execOk(const QJsonObject &cmd, const QString &tenant = {}) const
    {
        CliRun r = exec(json(cmd), tenant);
        if (r.exitCode != 0)
            qWarning("exec failed: %s", r.err.constData());
        return r;
    }
    qint64 head() const
    {
        StoreOptions o;
        o.readOnly = true;
        o.quickCheckOnOpen = false;
        auto s = SqliteEventStore::open(m_store, o);
        return s ? *(*s)->headPosition() : -1;
    }
    QJsonObject state(const QString &kind, const QString &id, const QStringList &extra = {}, const QString &tenant = {}) const
    {
        const CliRun r = runCli(base(QStringList{QStringLiteral("state"), kind, id} + extra, tenant));
        if (r.exitCode != 0)
            qWarning("state failed: %s", r.err.constData());
        return QJsonDocument::fromJson(r.out).object();
    }
    QString createCustomer(const QString &name, const QString &email)
    {
        const CliRun r = execOk(command(QStringLiteral("CreateCustomer"),
                                        {{QStringLiteral("name"), name}, {QStringLiteral("email"), email},
                                         {QStringLiteral("address"), Address}}));
        return jsonLines(r.out).value(0).value(QStringLiteral("streamId")).toString();
    }

private slots:
    void init()
    {
        static int n = 0;
        m_store = m_dir.filePath(QStringLiteral("s-%1-%2.sqlite").arg(QString::fromLatin1(QTest::currentTestFunction())).arg(++n));
    }

    void wholeInvoiceLifeRoundTrip()
    {
        // The tenant's profile first: issuing needs a name and an address.
        CliRun r = execOk(command(QStringLiteral("SetCompanyProfile"),
                                  {{QStringLiteral("name"), QStringLiteral("Lidan Ltd.")}, {QStringLiteral("address"), Address},
                                   {QStringLiteral("taxId"), QStringLiteral("DE123456789")}}));
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(types(jsonLines(r.out)), QStringList{QStringLiteral("CompanyProfileSet")});

        const QString customer = createCustomer(QStringLiteral("ACME GmbH"), QStringLiteral(" Billing@Acme.example "));
        QVERIFY(!customer.isEmpty());
        QJsonObject c = state(QStringLiteral("customer"), customer);
        QCOMPARE(c.value(QStringLiteral("email")).toString(), QStringLiteral("Billing@Acme.example"));
        QCOMPARE(c.value(QStringLiteral("archived")).toBool(), false);

        // Talk slide 3: CreateInvoice yields its events in this order.
        r = execOk(command(QStringLiteral("CreateInvoice"),
                           {{QStringLiteral("customerId"), customer}, {QStringLiteral("currency"), QStringLiteral("EUR")},
                            {QStringLiteral("lineItems"), QJsonArray{line(QStringLiteral("Consulting"), QStringLiteral("2"), QStringLiteral("100.00"), QStringLiteral("19")),
                                                                     line(QStringLiteral("Books"), QStringLiteral("3"), QStringLiteral("9.99"), QStringLiteral("7"))}}}));
        QCOMPARE(r.exitCode, 0);
        const QList<QJsonObject> created = jsonLines(r.out);
        QCOMPARE(types(created), (QStringList{QStringLiteral("InvoiceCreated"), QStringLiteral("InvoiceCustomerSet"),
                                              QStringLiteral("InvoiceCurrencySet"), QStringLiteral("InvoiceStatusSet"),
                                              QStringLiteral("LineItemAdded"), QStringLiteral("LineItemAdded")}));
        const QString invoice = created.first().value(QStringLiteral("streamId")).toString();
        for (int i = 0; i < created.size(); ++i)
            QCOMPARE(created[i].value(QStringLiteral("version")).toInteger(), i + 1);

        QJsonObject inv = state(QStringLiteral("invoice"), invoice);
        QCOMPARE(inv.value(QStringLiteral("status")).toString(), QStringLiteral("DRAFT"));
        QCOMPARE(inv.value(QStringLiteral("version")).toInteger(), 6);
        // 2 × 100.00 @19 % = 200.00 + 38.00; 3 × 9.99 @7 % = 29.97 + 2.10 (2.0979)
        QCOMPARE(inv.value(QStringLiteral("totals")).toObject().value(QStringLiteral("net")).toString(), QStringLiteral("229.97"));
        QCOMPARE(inv.value(QStringLiteral("totals")).toObject().value(QStringLiteral("tax")).toString(), QStringLiteral("40.10"));
        QCOMPARE(inv.value(QStringLiteral("totals")).toObject().value(QStringLiteral("total")).toString(), QStringLiteral("270.07"));
        const QString firstLine = inv.value(QStringLiteral("lineItems")).toArray().at(0).toObject().value(QStringLiteral("lineItemId")).toString();
        const QString secondLine = inv.value(QStringLiteral("lineItems")).toArray().at(1).toObject().value(QStringLiteral("lineItemId")).toString();

        // Every editing command, each yielding its one event.
        const QList<std::pair<QJsonObject, QString>> edits = {
            {command(QStringLiteral("AddLineItem"), line(QStringLiteral("Travel"), QStringLiteral("1"), QStringLiteral("50"), QStringLiteral("19")), invoice), QStringLiteral("LineItemAdded")},
            {command(QStringLiteral("UpdateLineItem"), {{QStringLiteral("lineItemId"), firstLine}, {QStringLiteral("quantity"), QStringLiteral("3")}}, invoice), QStringLiteral("LineItemUpdated")},
            {command(QStringLiteral("RemoveLineItem"), {{QStringLiteral("lineItemId"), secondLine}}, invoice), QStringLiteral("LineItemRemoved")},
            {command(QStringLiteral("SetInvoiceNotes"), {{QStringLiteral("notes"), QStringLiteral("Thanks <b>a lot</b> =1+1")}}, invoice), QStringLiteral("InvoiceNotesSet")},
            {command(QStringLiteral("SetInvoiceDueDate"), {{QStringLiteral("dueDate"), QStringLiteral("2099-01-31")}}, invoice), QStringLiteral("InvoiceDueDateSet")},
            {command(QStringLiteral("SetInvoiceCurrency"), {{QStringLiteral("currency"), QStringLiteral("USD")}}, invoice), QStringLiteral("InvoiceCurrencySet")},
        };
        for (const auto &[cmd, expectedType] : edits) {
            r = execOk(cmd);
            QCOMPARE(r.exitCode, 0);
            QCOMPARE(types(jsonLines(r.out)), QStringList{expectedType});
        }
        const QString other = createCustomer(QStringLiteral("Other Co"), QStringLiteral("ap@other.example"));
        r = execOk(command(QStringLiteral("SetInvoiceCustomer"), {{QStringLiteral("customerId"), other}}, invoice));
        QCOMPARE(types(jsonLines(r.out)), QStringList{QStringLiteral("InvoiceCustomerSet")});

        inv = state(QStringLiteral("invoice"), invoice);
        QCOMPARE(inv.value(QStringLiteral("notes")).toString(), QStringLiteral("Thanks <b>a lot</b> =1+1"));
        QCOMPARE(inv.value(QStringLiteral("currency")).toString(), QStringLiteral("USD"));
        // 3 × 100 + 50 = 350.00 net @19 % → 66.50 tax
        QCOMPARE(inv.value(QStringLiteral("totals")).toObject().value(QStringLiteral("total")).toString(), QStringLiteral("416.50"));

        // Issue: a number from the default pattern, parties frozen.
        r = execOk(command(QStringLiteral("IssueInvoice"), {{QStringLiteral("issueDate"), QStringLiteral("2026-11-27")}}, invoice));
        QCOMPARE(r.exitCode, 0);
        // The sequence's reservation lands in the same transaction and is printed with them.
        QCOMPARE(types(jsonLines(r.out)), (QStringList{QStringLiteral("InvoiceNumberAssigned"), QStringLiteral("InvoicePartiesRecorded"),
                                                       QStringLiteral("InvoiceStatusSet"), QStringLiteral("InvoiceNumberReserved")}));
        inv = state(QStringLiteral("invoice"), invoice);
        QCOMPARE(inv.value(QStringLiteral("number")).toString(), QStringLiteral("INV-2026-0001"));
        QCOMPARE(inv.value(QStringLiteral("status")).toString(), QStringLiteral("ISSUED"));
        QCOMPARE(inv.value(QStringLiteral("seller")).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("Lidan Ltd."));
        QCOMPARE(inv.value(QStringLiteral("buyer")).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("Other Co"));

        // Issued content is frozen.
        r = exec(json(command(QStringLiteral("SetInvoiceNotes"), {{QStringLiteral("notes"), QStringLiteral("late")}}, invoice)));
        QCOMPARE(r.exitCode, 2);

        // A later rename does not change the issued invoice's buyer.
        execOk(command(QStringLiteral("RenameCustomer"), {{QStringLiteral("name"), QStringLiteral("Other Company")}}, other));
        QCOMPARE(state(QStringLiteral("invoice"), invoice).value(QStringLiteral("buyer")).toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("Other Co"));

        r = execOk(command(QStringLiteral("SendInvoiceToCustomer"), {}, invoice));
        QCOMPARE(types(jsonLines(r.out)), QStringList{QStringLiteral("InvoiceSendRequested")});
        QCOMPARE(jsonLines(r.out).first().value(QStringLiteral("payload")).toObject().value(QStringLiteral("to")).toString(),
                 QStringLiteral("ap@other.example"));

        // Payments: partial, too much, the rest.
        r = execOk(command(QStringLiteral("RecordPayment"), {{QStringLiteral("amount"), QStringLiteral("100.00")}, {QStringLiteral("date"), QStringLiteral("2026-11-28")}}, invoice));
        QCOMPARE(types(jsonLines(r.out)), (QStringList{QStringLiteral("PaymentRecorded"), QStringLiteral("InvoiceStatusSet")}));
        QCOMPARE(state(QStringLiteral("invoice"), invoice).value(QStringLiteral("status")).toString(), QStringLiteral("PARTIALLY_PAID"));
        const qint64 before = head();
        r = exec(json(command(QStringLiteral("RecordPayment"), {{QStringLiteral("amount"), QStringLiteral("316.51")}, {QStringLiteral("date"), QStringLiteral("2026-11-28")}}, invoice)));
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(head(), before);
        r = execOk(command(QStringLiteral("RecordPayment"), {{QStringLiteral("amount"), QStringLiteral("316.50")}, {QStringLiteral("date"), QStringLiteral("2026-11-29")}}, invoice));
        QCOMPARE(r.exitCode, 0);
        inv = state(QStringLiteral("invoice"), invoice);
        QCOMPARE(inv.value(QStringLiteral("status")).toString(), QStringLiteral("PAID"));
        QCOMPARE(inv.value(QStringLiteral("totals")).toObject().value(QStringLiteral("due")).toString(), QStringLiteral("0.00"));

        // Time travel: version 6 is the freshly created draft.
        const QJsonObject v6 = state(QStringLiteral("invoice"), invoice, {QStringLiteral("--version"), QStringLiteral("6")});
        QCOMPARE(v6.value(QStringLiteral("status")).toString(), QStringLiteral("DRAFT"));
        QCOMPARE(v6.value(QStringLiteral("currency")).toString(), QStringLiteral("EUR"));
        QCOMPARE(runCli(base({QStringLiteral("state"), QStringLiteral("invoice"), invoice, QStringLiteral("--version"), QStringLiteral("999")})).exitCode, 4);
        QCOMPARE(runCli(base({QStringLiteral("state"), QStringLiteral("invoice"), invoice, QStringLiteral("--as-of"), QStringLiteral("2000-01-01")})).exitCode, 4);
        QCOMPARE(state(QStringLiteral("invoice"), invoice, {QStringLiteral("--as-of"), QStringLiteral("2999-01-01T00:00:00+02:00")}).value(QStringLiteral("status")).toString(),
                 QStringLiteral("PAID"));

        // A second invoice voided, a third deleted as a draft.
        r = execOk(command(QStringLiteral("CreateInvoice"), {{QStringLiteral("customerId"), customer}, {QStringLiteral("currency"), QStringLiteral("EUR")},
                                                             {QStringLiteral("lineItems"), QJsonArray{line(QStringLiteral("X"), QStringLiteral("1"), QStringLiteral("10"), QStringLiteral("0"))}}}));
        const QString second = jsonLines(r.out).first().value(QStringLiteral("streamId")).toString();
        execOk(command(QStringLiteral("IssueInvoice"), {{QStringLiteral("issueDate"), QStringLiteral("2026-11-27")}}, second));
        QCOMPARE(state(QStringLiteral("invoice"), second).value(QStringLiteral("number")).toString(), QStringLiteral("INV-2026-0002"));
        r = execOk(command(QStringLiteral("VoidInvoice"), {{QStringLiteral("reason"), QStringLiteral("duplicate")}}, second));
        QCOMPARE(state(QStringLiteral("invoice"), second).value(QStringLiteral("status")).toString(), QStringLiteral("VOID"));
        r = execOk(command(QStringLiteral("CreateInvoice"), {{QStringLiteral("customerId"), customer}, {QStringLiteral("currency"), QStringLiteral("JPY")},
                                                             {QStringLiteral("lineItems"), QJsonArray{line(QStringLiteral("Y"), QStringLiteral("1"), QStringLiteral("1000"), QStringLiteral("10"))}}}));
        const QString third = jsonLines(r.out).first().value(QStringLiteral("streamId")).toString();
        QCOMPARE(state(QStringLiteral("invoice"), third).value(QStringLiteral("totals")).toObject().value(QStringLiteral("total")).toString(), QStringLiteral("1100"));
        r = execOk(command(QStringLiteral("DeleteInvoice"), {}, third));
        QCOMPARE(state(QStringLiteral("invoice"), third).value(QStringLiteral("status")).toString(), QStringLiteral("DELETED"));

        // Customer commands and tenant settings.
        for (const auto &[cmd, expectedType] : QList<std::pair<QJsonObject, QString>>{
                 {command(QStringLiteral("ChangeCustomerEmail"), {{QStringLiteral("email"), QStringLiteral("new@acme.example")}}, customer), QStringLiteral("CustomerEmailChanged")},
                 {command(QStringLiteral("ChangeCustomerAddress"), {{QStringLiteral("address"), Address}}, customer), QStringLiteral("CustomerAddressChanged")},
                 {command(QStringLiteral("ChangeCustomerTaxId"), {{QStringLiteral("taxId"), QStringLiteral("ATU1234")}}, customer), QStringLiteral("CustomerTaxIdChanged")},
                 {command(QStringLiteral("SetNumberingPattern"), {{QStringLiteral("pattern"), QStringLiteral("R{YY}-{SEQ:5}")}}), QStringLiteral("NumberingPatternSet")},
                 {command(QStringLiteral("SetInvoiceDefaults"), {{QStringLiteral("currency"), QStringLiteral("CHF")}, {QStringLiteral("paymentTermsDays"), 14}}), QStringLiteral("InvoiceDefaultsSet")},
                 {command(QStringLiteral("SetMailSettings"), {{QStringLiteral("smtpUrl"), QStringLiteral("smtp://mail.example.org:587")}, {QStringLiteral("fromAddress"), QStringLiteral("billing@lidan.example")}}), QStringLiteral("MailSettingsSet")},
                 {command(QStringLiteral("ArchiveCustomer"), {}, customer), QStringLiteral("CustomerArchived")},
             }) {
            r = execOk(cmd);
            QCOMPARE(r.exitCode, 0);
            QCOMPARE(types(jsonLines(r.out)), QStringList{expectedType});
        }
        QCOMPARE(state(QStringLiteral("customer"), customer).value(QStringLiteral("archived")).toBool(), true);
        // The archived customer's address was released: another customer may take it.
        QVERIFY(!createCustomer(QStringLiteral("Successor"), QStringLiteral("NEW@acme.example")).isEmpty());

        // The log as the CLI shows it.
        const CliRun events = runCli(base({QStringLiteral("events"), QStringLiteral("--stream"), invoice}));
        QCOMPARE(events.exitCode, 0);
        const QList<QJsonObject> log = jsonLines(events.out);
        QVERIFY(log.size() > 15);
        for (const QJsonObject &e : log) {
            for (const char *key : {"position", "tenantId", "streamType", "streamId", "version", "type", "schemaVersion", "payload", "recordedAt", "metadata"})
                QVERIFY2(e.contains(QLatin1String(key)), key);
            QVERIFY(e.value(QStringLiteral("recordedAt")).toString().endsWith(QLatin1Char('Z')));
        }
        const CliRun limited = runCli(base({QStringLiteral("events"), QStringLiteral("--type"), QStringLiteral("PaymentRecorded"), QStringLiteral("--limit"), QStringLiteral("1")}));
        QCOMPARE(jsonLines(limited.out).size(), 1);
        QCOMPARE(runCli(base({QStringLiteral("verify")})).exitCode, 0);
    }

    void badInputChangesNothing_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("mentions");
        const QByteArray okCustomer = json(command(QStringLiteral("CreateCustomer"),
                                                   {{QStringLiteral("name"), QStringLiteral("A")}, {QStringLiteral("email"), QStringLiteral("a@example.org")}, {QStringLiteral("address"), Address}}));
        QTest::newRow("empty") << QByteArray() << 64 << QStringLiteral("no command");
        QTest::newRow("blank lines") << QByteArray("\n\n  \n") << 64 << QStringLiteral("no command");
        QTest::newRow("malformed") << QByteArray("{\"command\": ") << 64 << QStringLiteral("malformed");
        QTest::newRow("malformed later line") << (okCustomer + "\n{oops}\n") << 64 << QStringLiteral("line 2");
        QTest::newRow("not utf-8") << QByteArray("{\"command\":\"CreateCustomer\",\"payload\":{\"name\":\"\xff\xfe\"}}") << 64 << QStringLiteral("UTF-8");
        QTest::newRow("array") << QByteArray("[1,2]") << 64 << QStringLiteral("object");
        QTest::newRow("unknown command") << json({{QStringLiteral("command"), QStringLiteral("EraseEverything")}, {QStringLiteral("payload"), QJsonObject{}}}) << 2 << QStringLiteral("command");
        QTest::newRow("unknown field") << json(command(QStringLiteral("CreateCustomer"), {{QStringLiteral("name"), QStringLiteral("A")}, {QStringLiteral("email"), QStringLiteral("a@example.org")}, {QStringLiteral("address"), Address}, {QStringLiteral("nmae"), QStringLiteral("typo")}}))
                                       << 2 << QStringLiteral("payload.nmae");
        QTest::newRow("bad email") << json(command(QStringLiteral("CreateCustomer"), {{QStringLiteral("name"), QStringLiteral("A")}, {QStringLiteral("email"), QStringLiteral("not-an-email")}, {QStringLiteral("address"), Address}}))
                                   << 2 << QStringLiteral("payload.email");
        const auto invoiceWith = [](const QJsonValue &qty, const QString &price, const QString &currency) {
            return json(command(QStringLiteral("CreateInvoice"), {{QStringLiteral("customerId"), QStringLiteral("c1")}, {QStringLiteral("currency"), currency},
                                                                  {QStringLiteral("lineItems"), QJsonArray{QJsonObject{{QStringLiteral("description"), QStringLiteral("x")}, {QStringLiteral("quantity"), qty},
                                                                                                                     {QStringLiteral("unitPrice"), price}, {QStringLiteral("taxRate"), QStringLiteral("19")}}}}}));
        };
        QTest::newRow("number not string") << invoiceWith(2, QStringLiteral("1.00"), QStringLiteral("EUR")) << 2 << QStringLiteral("payload.lineItems[0].quantity");
        QTest::newRow("1e400") << invoiceWith(QStringLiteral("1e400"), QStringLiteral("1.00"), QStringLiteral("EUR")) << 2 << QStringLiteral("payload.lineItems[0].quantity");
        QTest::newRow("-0") << invoiceWith(QStringLiteral("-0"), QStringLiteral("1.00"), QStringLiteral("EUR")) << 2 << QStringLiteral("payload.lineItems[0].quantity");
        QTest::newRow("NaN") << invoiceWith(QStringLiteral("1"), QStringLiteral("NaN"), QStringLiteral("EUR")) << 2 << QStringLiteral("payload.lineItems[0].unitPrice");
        QTest::newRow("absurd price") << invoiceWith(QStringLiteral("1"), QStringLiteral("99999999999999999999"), QStringLiteral("EUR")) << 2 << QStringLiteral("payload.lineItems[0].unitPrice");
        QTest::newRow("unknown currency") << invoiceWith(QStringLiteral("1"), QStringLiteral("1.00"), QStringLiteral("XYZ")) << 2 << QStringLiteral("payload.currency");
        QTest::newRow("missing customer") << invoiceWith(QStringLiteral("1"), QStringLiteral("1.00"), QStringLiteral("EUR")) << 2 << QStringLiteral("payload.customerId");
        QTest::newRow("invalid date") << json(command(QStringLiteral("SetInvoiceDueDate"), {{QStringLiteral("dueDate"), QStringLiteral("2026-02-30")}}, QStringLiteral("inv-1")))
                                      << 2 << QStringLiteral("payload.dueDate");
        QTest::newRow("bad aggregate id") << json(command(QStringLiteral("RenameCustomer"), {{QStringLiteral("name"), QStringLiteral("B")}}, QStringLiteral("a b/c")))
                                          << 2 << QStringLiteral("aggregateId");
        QTest::newRow("no such aggregate") << json(command(QStringLiteral("RenameCustomer"), {{QStringLiteral("name"), QStringLiteral("B")}}, QStringLiteral("nobody")))
                                           << 4 << QStringLiteral("nobody");
        QTest::newRow("huge") << json(command(QStringLiteral("CreateCustomer"), {{QStringLiteral("name"), QString(4 * 1024 * 1024, QLatin1Char('x'))}, {QStringLiteral("email"), QStringLiteral("h@example.org")}, {QStringLiteral("address"), Address}}))
                              << 2 << QStringLiteral("payload.name");
        QTest::newRow("password in mail settings") << json(command(QStringLiteral("SetMailSettings"), {{QStringLiteral("smtpUrl"), QStringLiteral("smtp://m.example.org")}, {QStringLiteral("fromAddress"), QStringLiteral("a@example.org")}, {QStringLiteral("password"), QStringLiteral("hunter2")}}))
                                                   << 2 << QStringLiteral("payload.password");
    }

    void badInputChangesNothing()
    {
        QFETCH(QByteArray, input);
        QFETCH(int, exitCode);
        QFETCH(QString, mentions);
        // A store with some history, so "nothing written" is measured against something.
        createCustomer(QStringLiteral("Existing"), QStringLiteral("existing@example.org"));
        const qint64 before = head();
        QVERIFY(before > 0);
        const CliRun r = exec(input);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY(r.out.isEmpty());
        const QString err = r.errText();
        QCOMPARE(err.count(QLatin1Char('\n')), 1);
        QVERIFY2(err.startsWith(QStringLiteral("error: ")), qPrintable(err.left(300)));
        QVERIFY2(err.contains(mentions), qPrintable(err.left(300)));
        QCOMPARE(head(), before);
        QVERIFY(!r.errText().contains(QStringLiteral("hunter2")));
    }

    void jsonErrorsListViolations()
    {
        const CliRun r = exec(json(command(QStringLiteral("CreateCustomer"), {{QStringLiteral("email"), QStringLiteral("bad")}, {QStringLiteral("address"), QJsonObject{}}})),
                              {}, {QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 2);
        const QJsonObject e = QJsonDocument::fromJson(r.err).object();
        QCOMPARE(e.value(QStringLiteral("error")).toString(), QStringLiteral("ValidationFailed"));
        QStringList fields;
        for (const QJsonValue &v : e.value(QStringLiteral("violations")).toArray())
            fields << v.toObject().value(QStringLiteral("field")).toString();
        // Every violation at once.
        QVERIFY2(fields.contains(QStringLiteral("payload.name")), qPrintable(fields.join(u',')));
        QVERIFY2(fields.contains(QStringLiteral("payload.email")), qPrintable(fields.join(u',')));
        QVERIFY2(fields.size() >= 3, qPrintable(fields.join(u',')));
    }

    void firstFailureStopsTheRunEarlierCommandsStay()
    {
        const QByteArray input = json(command(QStringLiteral("CreateCustomer"), {{QStringLiteral("name"), QStringLiteral("One")}, {QStringLiteral("email"), QStringLiteral("one@example.org")}, {QStringLiteral("address"), Address}}))
            + "\n\n" + json(command(QStringLiteral("CreateCustomer"), {{QStringLiteral("name"), QStringLiteral("Two")}, {QStringLiteral("email"), QStringLiteral("ONE@example.org")}, {QStringLiteral("address"), Address}}))
            + "\n" + json(command(QStringLiteral("CreateCustomer"), {{QStringLiteral("name"), QStringLiteral("Three")}, {QStringLiteral("email"), QStringLiteral("three@example.org")}, {QStringLiteral("address"), Address}}));
        const CliRun r = exec(input);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.errText().contains(QStringLiteral("payload.email")), r.err.constData());  // unique per tenant
        const QList<QJsonObject> printed = jsonLines(r.out);
        QVERIFY(!printed.isEmpty());
        QCOMPARE(printed.first().value(QStringLiteral("type")).toString(), QStringLiteral("CustomerCreated"));
        QCOMPARE(head(), printed.size());
    }

    void commandIdIsIdempotent()
    {
        QJsonObject cmd = command(QStringLiteral("CreateCustomer"), {{QStringLiteral("name"), QStringLiteral("Once")}, {QStringLiteral("email"), QStringLiteral("once@example.org")}, {QStringLiteral("address"), Address}});
        cmd.insert(QStringLiteral("commandId"), QStringLiteral("import-42"));
        const CliRun first = exec(json(cmd));
        QCOMPARE(first.exitCode, 0);
        const qint64 afterFirst = head();
        const CliRun again = exec(json(cmd));
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(again.out, first.out);
        QCOMPARE(head(), afterFirst);
        cmd.insert(QStringLiteral("payload"), QJsonObject{{QStringLiteral("name"), QStringLiteral("Other")}, {QStringLiteral("email"), QStringLiteral("other@example.org")}, {QStringLiteral("address"), Address}});
        QCOMPARE(exec(json(cmd)).exitCode, 2);
        QCOMPARE(head(), afterFirst);
    }

    void staleExpectedVersionConflicts()
    {
        const QString customer = createCustomer(QStringLiteral("Conflicted"), QStringLiteral("c@example.org"));
        const qint64 version = state(QStringLiteral("customer"), customer).value(QStringLiteral("version")).toInteger();
        QJsonObject rename = command(QStringLiteral("RenameCustomer"), {{QStringLiteral("name"), QStringLiteral("First")}}, customer);
        rename.insert(QStringLiteral("expectedVersion"), version);
        QCOMPARE(exec(json(rename)).exitCode, 0);
        // The same field changed by someone who had not seen the first rename.
        rename.insert(QStringLiteral("payload"), QJsonObject{{QStringLiteral("name"), QStringLiteral("Second")}});
        const CliRun r = exec(json(rename));
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.errText().startsWith(QStringLiteral("error: ConcurrentModification: ")));
        // A disjoint change rebases.
        QJsonObject email = command(QStringLiteral("ChangeCustomerEmail"), {{QStringLiteral("email"), QStringLiteral("d@example.org")}}, customer);
        email.insert(QStringLiteral("expectedVersion"), version);
        QCOMPARE(exec(json(email)).exitCode, 0);
    }

    void tenantsAreIsolated()
    {
        const QString customer = createCustomer(QStringLiteral("Tenant A's"), QStringLiteral("a@tenant.example"));
        // Tenant B sees nothing of A: not the customer, not the events, cannot change it.
        const CliRun state = runCli(base({QStringLiteral("state"), QStringLiteral("customer"), customer}, QStringLiteral("tenant-b")));
        const CliRun nobody = runCli(base({QStringLiteral("state"), QStringLiteral("customer"), QStringLiteral("no-such-id")}, QStringLiteral("tenant-b")));
        QCOMPARE(state.exitCode, 4);
        QCOMPARE(state.errText(), nobody.errText().replace(QStringLiteral("no-such-id"), customer));
        QVERIFY(runCli(base({QStringLiteral("events")}, QStringLiteral("tenant-b"))).out.isEmpty());
        QCOMPARE(exec(json(command(QStringLiteral("RenameCustomer"), {{QStringLiteral("name"), QStringLiteral("Hijacked")}}, customer)), QStringLiteral("tenant-b")).exitCode, 4);
        // The same e-mail address is free in another tenant.
        QCOMPARE(exec(json(command(QStringLiteral("CreateCustomer"), {{QStringLiteral("name"), QStringLiteral("B's")}, {QStringLiteral("email"), QStringLiteral("a@tenant.example")}, {QStringLiteral("address"), Address}})),
                      QStringLiteral("tenant-b")).exitCode, 0);
        QCOMPARE(this->state(QStringLiteral("customer"), customer).value(QStringLiteral("name")).toString(), QStringLiteral("Tenant A's"));
    }

    void badStores_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("text file") << QByteArray("these are my notes, not a store\n");
        QTest::newRow("random bytes") << QByteArray::fromHex("deadbeef00112233445566778899aabbccddeeff").repeated(300);
        QTest::newRow("sqlite header then garbage") << (QByteArray("SQLite format 3\0", 16) + QByteArray(4080, '\x07'));
    }

    void badStores()
    {
        QFETCH(QByteArray, content);
        QFile f(m_store);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        for (const QStringList &args : {QStringList{QStringLiteral("events")}, QStringList{QStringLiteral("verify")},
                                        QStringList{QStringLiteral("state"), QStringLiteral("customer"), QStringLiteral("x")}}) {
            const CliRun r = runCli(base(args));
            QVERIFY2(r.exitCode == 1 || r.exitCode == 5, r.err.constData());
            QVERIFY2(r.errText().contains(m_store), r.err.constData());
        }
        const CliRun w = exec(json(command(QStringLiteral("SetCompanyProfile"), {{QStringLiteral("name"), QStringLiteral("X")}, {QStringLiteral("address"), Address}})));
        QCOMPARE(w.exitCode, 1);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), content);  // nothing changed
    }

    void missingStoreForReadIsNotFound()
    {
        const CliRun r = runCli(base({QStringLiteral("events")}));
        QCOMPARE(r.exitCode, 4);
        QVERIFY(!QFile::exists(m_store));
    }

    void newerFormatRefused()
    {
        createCustomer(QStringLiteral("X"), QStringLiteral("x@example.org"));
        QProcess sqlite;
        sqlite.start(QStringLiteral("sqlite3"), {m_store, QStringLiteral("PRAGMA user_version = 99;")});
        QVERIFY(sqlite.waitForFinished());
        QCOMPARE(sqlite.exitCode(), 0);
        const CliRun r = exec(json(command(QStringLiteral("SetCompanyProfile"), {{QStringLiteral("name"), QStringLiteral("X")}, {QStringLiteral("address"), Address}})));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.errText().contains(QStringLiteral("newer")), r.err.constData());
    }

    void verifyDetectsTampering()
    {
        createCustomer(QStringLiteral("Honest"), QStringLiteral("h@example.org"));
        createCustomer(QStringLiteral("Also honest"), QStringLiteral("a@example.org"));
        QCOMPARE(runCli(base({QStringLiteral("verify")})).exitCode, 0);
        QProcess sqlite;
        sqlite.start(QStringLiteral("sqlite3"), {m_store, QStringLiteral(
            "DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;"
            "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='events';")});
        QVERIFY(sqlite.waitForFinished());
        // Whatever the triggers are called: drop them all, then rewrite history.
        const QStringList triggers = QString::fromUtf8(sqlite.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QString sql;
        for (const QString &t : triggers)
            sql += QStringLiteral("DROP TRIGGER \"%1\";").arg(t);
        sql += QStringLiteral("UPDATE events SET payload = replace(payload, 'Honest', 'Crook') WHERE position = 2;");
        sqlite.start(QStringLiteral("sqlite3"), {m_store, sql});
        QVERIFY(sqlite.waitForFinished());
        QCOMPARE(sqlite.exitCode(), 0);
        const CliRun r = runCli(base({QStringLiteral("verify")}));
        QCOMPARE(r.exitCode, 5);
        QVERIFY2(r.errText().contains(QStringLiteral("StoreInconsistent")), r.err.constData());
        const QString all = r.outText() + r.errText();
        QVERIFY2(all.contains(QStringLiteral("position 2")), qPrintable(all));
    }
};

QTEST_GUILESS_MAIN(TestCliExec)
#include "tst_cli_exec.moc"
