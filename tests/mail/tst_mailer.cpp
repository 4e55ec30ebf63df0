// The mailer against a real SMTP server (aiosmtpd on loopback) and a real store on disk.
#include "core/documents/invoicerenderer.h"
#include "core/mail/mailer.h"
#include "core/mail/smtpclient.h"
#include "tests/documents/invoicefixture.h"
#include "tests/mail/mailtestsupport.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QSysInfo>
#include <QThread>

using namespace Billstream;
using namespace Billstream::Testing;

namespace {

const QString kUser = QStringLiteral("billing");
const QString kPassword = QStringLiteral("s3cret-horse-battery");

struct Scenario
{
    InvoiceFixture f;
    QString invoiceId;
    QString number;

    explicit Scenario(const QString &smtpUrl, const QString &customerName = QStringLiteral("Anna Schmidt GmbH"))
    {
        f.setCompany();
        if (!smtpUrl.isEmpty())
            f.setMailSettings(smtpUrl);
        const QString customer = f.createCustomer(customerName);
        invoiceId = f.createInvoice(customer, {{QStringLiteral("Consulting"), QStringLiteral("10"), QStringLiteral("120.00"),
                                                QStringLiteral("19"), {}}});
        number = f.issue(invoiceId);
    }

    MailerOptions options()
    {
        MailerOptions o;
        o.clock = &f.clock();
        o.maxAttempts = 3;
        o.firstRetryDelayMs = 60'000;
        o.timeoutSeconds = 15;
        o.password = [](const SmtpAccount &) -> Result<QString> { return kPassword; };
        return o;
    }

    // Waiting between attempts moves the test's clock instead of sleeping.
    std::function<void(qint64)> waitOnClock()
    {
        return [this](qint64 ms) { f.clock().advanceMSecs(ms); };
    }

    QString reasonOfFailure(const QString &deliveryId)
    {
        for (const RecordedEvent &e : f.eventsOf(invoiceId, QStringLiteral("InvoiceSendFailed"))) {
            if (e.payload.value(QStringLiteral("deliveryId")).toString() == deliveryId)
                return e.payload.value(QStringLiteral("reason")).toString();
        }
        return QString();
    }

    int outcomesFor(const QString &deliveryId, const QString &type)
    {
        int n = 0;
        for (const RecordedEvent &e : f.eventsOf(invoiceId, type))
            n += e.payload.value(QStringLiteral("deliveryId")).toString() == deliveryId ? 1 : 0;
        return n;
    }

    // Sets an outbox row by hand, as a crash would have left it.
    void setOutboxRow(const QString &deliveryId, const QString &state, const QString &owner, int recorded = 0)
    {
        QSqlQuery q(f.store().database());
        q.prepare(QStringLiteral("UPDATE mailer_outbox SET state = ?, owner = ?, attempts = 1, lease_until_ms = ?,"
                                 " recorded = ? WHERE delivery_id = ?"));
        q.addBindValue(state);
        q.addBindValue(owner);
        q.addBindValue(f.clock().nowUtc().addSecs(3600).toMSecsSinceEpoch());
        q.addBindValue(recorded);
        q.addBindValue(deliveryId);
        QVERIFY2(q.exec() && q.numRowsAffected() == 1, qPrintable(q.lastError().text()));
    }
};

// A process that ran and is gone, so its pid names no process (or another one, started later).
qint64 deadPid()
{
    QProcess p;
    p.start(QStringLiteral("sleep"), {QStringLiteral("30")});
    p.waitForStarted();
    const qint64 pid = p.processId();
    p.kill();
    p.waitForFinished();
    return pid;
}

} // namespace

class TestMailer : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_python;
    TestCertificates m_certs;
    int m_servers = 0;

    bool startServer(SmtpServer &server, const QStringList &options = {})
    {
        return server.start(m_python, options, m_dir.filePath(QStringLiteral("received-%1").arg(++m_servers)));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // The keychain is reached over D-Bus; these tests use the environment fallback.
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        qunsetenv("BILLSTREAM_SMTP_PASSWORD");
        m_python = pythonWithAiosmtpd();
        QVERIFY2(!m_python.isEmpty(), "no python3 with aiosmtpd (apt install python3-aiosmtpd)");
        QVERIFY(m_certs.make(m_dir.path()));
        prepareDocumentFonts();
    }

    void sendsTheInvoiceWithItsPdf()
    {
        SmtpServer server;
        QVERIFY(startServer(server));
        Scenario s(server.url());
        Mailer mailer(*s.f.service, s.f.tenant, s.options());
        QVERIFY(mailer.open());
        const QString deliveryId = s.f.requestSend(s.invoiceId, {{QStringLiteral("message"),
                                                                  QStringLiteral("Dear Anna,\nhere is your invoice.\n")}});
        QSignalSpy queued(&mailer, &Mailer::deliveryQueued);
        QSignalSpy sent(&mailer, &Mailer::deliverySent);
        const Result<QStringList> added = mailer.catchUp();
        QVERIFY(added);
        QCOMPARE(*added, QStringList{deliveryId});
        QCOMPARE(queued.size(), 1);
        const Result<OutboxEntry> e = mailer.attempt(deliveryId);
        QVERIFY2(e, e ? "" : qPrintable(e.error().message));
        QCOMPARE(e->state, OutboxState::Sent);
        QVERIFY(e->outcomeRecorded);
        QCOMPARE(e->attempts, 1);
        QCOMPARE(sent.size(), 1);
        QCOMPARE(sent.first().at(1).toString(), deliveryId);

        const QList<ReceivedMail> mails = server.received();
        QCOMPARE(mails.size(), 1);
        const ReceivedMail &m = mails.first();
        QCOMPARE(m.header("From"), QStringLiteral("Lidan Billing <billing@lidan.example>"));
        QCOMPARE(m.header("To"), QStringLiteral("anna@customer.example"));
        QCOMPARE(m.header("Subject"), QStringLiteral("Invoice %1 from Lidan Ltd.").arg(s.number));
        QCOMPARE(m.header("Message-ID"), makeMessageId(deliveryId, QStringLiteral("lidan.example")));
        QCOMPARE(m.message().value(QStringLiteral("defects")).toArray(), QJsonArray());
        QCOMPARE(m.parts().size(), 2);
        QCOMPARE(m.parts().at(0).toObject().value(QStringLiteral("contentType")).toString(), QStringLiteral("text/plain"));
        const RecordedEvent request = s.f.eventsOf(s.invoiceId, QStringLiteral("InvoiceSendRequested")).first();
        QCOMPARE(QString::fromUtf8(m.partPayload(0)).replace(QStringLiteral("\r\n"), QStringLiteral("\n")),
                 request.payload.value(QStringLiteral("message")).toString());
        QVERIFY(request.payload.value(QStringLiteral("message")).toString().startsWith(QStringLiteral("Dear Anna,\nhere is")));
        const QJsonObject pdfPart = m.parts().at(1).toObject();
        QCOMPARE(pdfPart.value(QStringLiteral("contentType")).toString(), QStringLiteral("application/pdf"));
        QCOMPARE(pdfPart.value(QStringLiteral("filename")).toString(), s.number + QStringLiteral(".pdf"));
        // The attachment is a PDF that parses, with the invoice in it.
        const QString text = pdfText(m.partPayload(1));
        QVERIFY2(text.contains(s.number), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Anna Schmidt GmbH")));
        QVERIFY(text.contains(QStringLiteral("1,428.00")));

        QCOMPARE(s.outcomesFor(deliveryId, QStringLiteral("InvoiceSent")), 1);
        const QJsonObject state = *s.f.service->invoiceState(s.f.tenant, s.invoiceId);
        QCOMPARE(state.value(QStringLiteral("status")).toString(), QStringLiteral("SENT"));
        // The outcome names what caused it.
        const RecordedEvent outcome = s.f.eventsOf(s.invoiceId, QStringLiteral("InvoiceSent")).first();
        QCOMPARE(outcome.metadata.correlationId, deliveryId);
        QCOMPARE(outcome.metadata.actor, QStringLiteral("mailer"));
        QCOMPARE(outcome.metadata.causationId,
                 s.f.eventsOf(s.invoiceId, QStringLiteral("InvoiceSendRequested")).first().eventId);
    }

    void startTlsWithTrustedCaAndLogin()
    {
        SmtpServer server;
        QVERIFY(startServer(server, m_certs.serverOptions("starttls")
                                        + QStringList{QStringLiteral("--user"), kUser, QStringLiteral("--password"), kPassword}));
        Scenario s(server.url(QStringLiteral("localhost"), kUser));
        MailerOptions o = s.options();
        o.caFile = m_certs.caFile;
        Mailer mailer(*s.f.service, s.f.tenant, o);
        QVERIFY(mailer.open());
        const QString deliveryId = s.f.requestSend(s.invoiceId);
        const Result<OutboxEntry> e = mailer.deliver(deliveryId, s.waitOnClock());
        QVERIFY(e);
        QCOMPARE(e->state, OutboxState::Sent);
        const QList<ReceivedMail> mails = server.received();
        QCOMPARE(mails.size(), 1);
        QCOMPARE(mails.first().info.value(QStringLiteral("tls")).toBool(), true);
        QCOMPARE(mails.first().info.value(QStringLiteral("authLogin")).toString(), kUser);
        QVERIFY(pdfText(mails.first().partPayload(1)).contains(s.number));
    }

    void wrongPasswordFailsAtOnce()
    {
        SmtpServer server;
        QVERIFY(startServer(server, m_certs.serverOptions("starttls")
                                        + QStringList{QStringLiteral("--user"), kUser, QStringLiteral("--password"), kPassword}));
        Scenario s(server.url(QStringLiteral("127.0.0.1"), kUser));
        MailerOptions o = s.options();
        o.caFile = m_certs.caFile;
        o.password = {};  // the real lookup: no keychain here, so $BILLSTREAM_SMTP_PASSWORD
        const QString wrong = QStringLiteral("wrong-password-7781");
        qputenv("BILLSTREAM_SMTP_PASSWORD", wrong.toUtf8());
        Mailer mailer(*s.f.service, s.f.tenant, o);
        QVERIFY(mailer.open());
        QSignalSpy failed(&mailer, &Mailer::deliveryFailed);
        const QString deliveryId = s.f.requestSend(s.invoiceId);
        const Result<OutboxEntry> e = mailer.deliver(deliveryId, s.waitOnClock());
        qunsetenv("BILLSTREAM_SMTP_PASSWORD");
        QVERIFY(e);
        QCOMPARE(e->state, OutboxState::Failed);
        QCOMPARE(e->attempts, 1);  // permanent: not retried
        QCOMPARE(failed.size(), 1);
        const QString reason = s.reasonOfFailure(deliveryId);
        QVERIFY2(reason.startsWith(QStringLiteral("The mail server rejected the user name or password")), qPrintable(reason));
        QVERIFY(server.received().isEmpty());
        // The password reached neither the log nor any table of the store.
        s.f.close();
        QVERIFY(!storeBytes(s.f.storePath).contains(wrong.toUtf8()));
        QVERIFY(!storeBytes(s.f.storePath).contains(wrong.toUtf8().toBase64()));
    }

    void missingPasswordIsExplained()
    {
        Scenario s(QStringLiteral("smtp://billing@127.0.0.1:2525"));
        MailerOptions o = s.options();
        o.password = {};
        Mailer mailer(*s.f.service, s.f.tenant, o);
        QVERIFY(mailer.open());
        const QString deliveryId = s.f.requestSend(s.invoiceId);
        const Result<OutboxEntry> e = mailer.deliver(deliveryId, s.waitOnClock());
        QVERIFY(e);
        QCOMPARE(e->state, OutboxState::Failed);
        const QString reason = s.reasonOfFailure(deliveryId);
        QVERIFY2(reason.contains(QStringLiteral("No password for billing@127.0.0.1")), qPrintable(reason));
        QVERIFY(reason.contains(QStringLiteral("$BILLSTREAM_SMTP_PASSWORD")));
    }

    void refusedConnectionIsRetriedThenFails()
    {
        RefusingPort port;
        QVERIFY(port.port() > 0);
        Scenario s(QStringLiteral("smtp://127.0.0.1:%1").arg(port.port()));
        Mailer mailer(*s.f.service, s.f.tenant, s.options());
        QVERIFY(mailer.open());
        QSignalSpy retries(&mailer, &Mailer::deliveryRetryScheduled);
        const QString deliveryId = s.f.requestSend(s.invoiceId);
        QVERIFY(mailer.catchUp());

        Result<OutboxEntry> e = mailer.attempt(deliveryId);
        QVERIFY(e);
        QCOMPARE(e->state, OutboxState::Retry);
        QCOMPARE(e->attempts, 1);
        QCOMPARE(e->nextTry, s.f.clock().nowUtc().addMSecs(60'000));
        QCOMPARE(retries.size(), 1);
        // Not due yet: nothing happens.
        e = mailer.attempt(deliveryId);
        QCOMPARE(e->attempts, 1);
        QCOMPARE(*mailer.nextDue(), std::optional<QDateTime>(s.f.clock().nowUtc().addMSecs(60'000)));
        // Backoff: 60 s, then four times as long.
        s.f.clock().advanceMSecs(60'000);
        e = mailer.attempt(deliveryId);
        QCOMPARE(e->state, OutboxState::Retry);
        QCOMPARE(e->attempts, 2);
        QCOMPARE(e->nextTry, s.f.clock().nowUtc().addMSecs(240'000));
        s.f.clock().advanceMSecs(240'000);
        e = mailer.attempt(deliveryId);
        QCOMPARE(e->state, OutboxState::Failed);
        QCOMPARE(e->attempts, 3);
        QCOMPARE(s.reasonOfFailure(deliveryId),
                 QStringLiteral("The mail server at 127.0.0.1:%1 refused the connection (gave up after 3 attempts)")
                     .arg(port.port()));
        QCOMPARE(s.outcomesFor(deliveryId, QStringLiteral("InvoiceSendFailed")), 1);
        QVERIFY(!*mailer.nextDue());
    }

    void untrustedCertificateFailsAtOnce()
    {
        SmtpServer server;
        QVERIFY(startServer(server, m_certs.serverOptions("starttls")));
        Scenario s(server.url());
        MailerOptions o = s.options();
        o.caFile = m_certs.otherCaFile;
        Mailer mailer(*s.f.service, s.f.tenant, o);
        QVERIFY(mailer.open());
        const QString deliveryId = s.f.requestSend(s.invoiceId);
        const Result<OutboxEntry> e = mailer.deliver(deliveryId, s.waitOnClock());
        QVERIFY(e);
        QCOMPARE(e->state, OutboxState::Failed);
        QCOMPARE(e->attempts, 1);
        QVERIFY2(s.reasonOfFailure(deliveryId).startsWith(QStringLiteral("The mail server's certificate is not trusted")),
                 qPrintable(s.reasonOfFailure(deliveryId)));
        QVERIFY(server.received().isEmpty());
    }

    void passingFailureIsRetriedWithTheSameMessageId()
    {
        SmtpServer server;
        QVERIFY(startServer(server, {QStringLiteral("--tempfail-data"), QStringLiteral("1")}));
        Scenario s(server.url());
        Mailer mailer(*s.f.service, s.f.tenant, s.options());
        QVERIFY(mailer.open());
        QSignalSpy retries(&mailer, &Mailer::deliveryRetryScheduled);
        const QString deliveryId = s.f.requestSend(s.invoiceId);
        const Result<OutboxEntry> e = mailer.deliver(deliveryId, s.waitOnClock());
        QVERIFY(e);
        QCOMPARE(e->state, OutboxState::Sent);
        QCOMPARE(e->attempts, 2);
        QCOMPARE(retries.size(), 1);
        QVERIFY(retries.first().at(4).toString().contains(QStringLiteral("451")));
        QCOMPARE(server.received().size(), 1);
        QCOMPARE(server.received().first().header("Message-ID"), makeMessageId(deliveryId, QStringLiteral("lidan.example")));
        QCOMPARE(s.outcomesFor(deliveryId, QStringLiteral("InvoiceSendFailed")), 0);
        QCOMPARE(s.outcomesFor(deliveryId, QStringLiteral("InvoiceSent")), 1);
    }

    void failureAfterTheDataIsNotRetried()
    {
        // The server stores the message, then answers later than the client waits.
        SmtpServer server;
        QVERIFY(startServer(server, {QStringLiteral("--data-reply-delay"), QStringLiteral("6")}));
        Scenario s(server.url());
        MailerOptions o = s.options();
        o.timeoutSeconds = 1;
        Mailer mailer(*s.f.service, s.f.tenant, o);
        QVERIFY(mailer.open());
        const QString deliveryId = s.f.requestSend(s.invoiceId);
        const Result<OutboxEntry> e = mailer.deliver(deliveryId, s.waitOnClock());
        QVERIFY(e);
        QCOMPARE(e->state, OutboxState::Failed);
        QCOMPARE(e->attempts, 1);
        const QString reason = s.reasonOfFailure(deliveryId);
        QVERIFY2(reason.contains(QStringLiteral("did not answer")), qPrintable(reason));
        QVERIFY(reason.contains(QStringLiteral("may have received the message")));
        QCOMPARE(server.received().size(), 1);
        QVERIFY(mailer.attemptDue());
        QCOMPARE(server.received().size(), 1);
    }

    void firstStartDoesNotSendOldRequests()
    {
        SmtpServer server;
        QVERIFY(startServer(server));
        Scenario s(server.url());
        // Requested while no mailer had ever run on this store.
        const QString old = s.f.requestSend(s.invoiceId);
        Mailer mailer(*s.f.service, s.f.tenant, s.options());
        QVERIFY(mailer.open());
        Result<OutboxEntry> e = mailer.entry(old);
        QVERIFY(e);
        QCOMPARE(e->state, OutboxState::Failed);
        QVERIFY(e->outcomeRecorded);
        QVERIFY(s.reasonOfFailure(old).startsWith(QStringLiteral("Not sent: this request was made before")));
        QCOMPARE(*mailer.attemptDue(), 0);
        QVERIFY(server.received().isEmpty());

        // A request after the first start is sent; opening again changes nothing.
        const QString fresh = s.f.requestSend(s.invoiceId);
        QCOMPARE(*mailer.attemptDue(), 1);
        QCOMPARE(mailer.entry(fresh)->state, OutboxState::Sent);
        Mailer again(*s.f.service, s.f.tenant, s.options());
        QVERIFY(again.open());
        QCOMPARE(*again.attemptDue(), 0);
        QCOMPARE(server.received().size(), 1);
        QCOMPARE(s.outcomesFor(old, QStringLiteral("InvoiceSendFailed")), 1);
    }

    void neverSendsTwiceAcrossRestartsAndRebuilds()
    {
        SmtpServer server;
        QVERIFY(startServer(server));
        Scenario s(server.url());
        {
            Mailer mailer(*s.f.service, s.f.tenant, s.options());
            QVERIFY(mailer.open());
            s.f.requestSend(s.invoiceId);
            QCOMPARE(*mailer.attemptDue(), 1);
        }
        QCOMPARE(server.received().size(), 1);
        // A restart on a fresh connection, a rebuild of every projection, another catch-up.
        s.f.close();
        s.f.open();
        QVERIFY(s.f.readSide->rebuild());
        Mailer restarted(*s.f.service, s.f.tenant, s.options());
        QVERIFY(restarted.open());
        QCOMPARE(*restarted.attemptDue(), 0);
        QCOMPARE(restarted.catchUp()->size(), 0);
        QCOMPARE(server.received().size(), 1);
        QCOMPARE(s.f.eventsOf(s.invoiceId, QStringLiteral("InvoiceSent")).size(), 1);
    }

    void interruptedAttemptIsRecordedNotResent()
    {
        SmtpServer server;
        QVERIFY(startServer(server));
        Scenario s(server.url());
        Mailer mailer(*s.f.service, s.f.tenant, s.options());
        QVERIFY(mailer.open());
        const QString deliveryId = s.f.requestSend(s.invoiceId);
        QVERIFY(mailer.catchUp());

        // Claimed by a process that is still running: left alone.
        QProcess alive;
        alive.start(QStringLiteral("sleep"), {QStringLiteral("60")});
        QVERIFY(alive.waitForStarted());
        const QString host = QSysInfo::machineHostName();
        s.setOutboxRow(deliveryId, QStringLiteral("attempting"), QStringLiteral("%1|%2||other").arg(host).arg(alive.processId()));
        QCOMPARE(*mailer.recover(), 0);
        QCOMPARE(mailer.entry(deliveryId)->state, OutboxState::Attempting);
        QCOMPARE(*mailer.attemptDue(), 0);

        // ... until that process dies mid-send: then it is a failure, and nothing is sent.
        alive.kill();
        alive.waitForFinished();
        QSignalSpy failed(&mailer, &Mailer::deliveryFailed);
        QCOMPARE(*mailer.recover(), 1);
        const Result<OutboxEntry> e = mailer.entry(deliveryId);
        QCOMPARE(e->state, OutboxState::Failed);
        QVERIFY(e->outcomeRecorded);
        QCOMPARE(failed.size(), 1);
        const QString reason = s.reasonOfFailure(deliveryId);
        QVERIFY2(reason.startsWith(QStringLiteral("Sending was interrupted")), qPrintable(reason));
        QVERIFY(reason.contains(QStringLiteral("may or may not have been delivered")));
        QCOMPARE(*mailer.attemptDue(), 0);
        QVERIFY(server.received().isEmpty());

        // Retrying is the user's decision: a new delivery with the same text.
        const Result<Loaded<InvoiceState>> invoice = s.f.service->loadInvoice(s.f.tenant, s.invoiceId);
        const Result<QJsonObject> retry = retrySendCommand(invoice->state, deliveryId);
        QVERIFY(retry);
        const AppendResult appended = s.f.mustExec(*retry);
        QCOMPARE(appended.events.size(), 1);
        const QString second = appended.events.first().payload.value(QStringLiteral("deliveryId")).toString();
        QVERIFY(second != deliveryId);
        QCOMPARE(*mailer.attemptDue(), 1);
        QCOMPARE(server.received().size(), 1);
        QCOMPARE(server.received().first().header("Message-ID"), makeMessageId(second, QStringLiteral("lidan.example")));
        QCOMPARE(server.received().first().header("Subject"),
                 appended.events.first().payload.value(QStringLiteral("subject")).toString());
    }

    void attemptOfADeadPidIsInterrupted()
    {
        Scenario s(QStringLiteral("smtp://127.0.0.1:9"));
        Mailer mailer(*s.f.service, s.f.tenant, s.options());
        QVERIFY(mailer.open());
        const QString deliveryId = s.f.requestSend(s.invoiceId);
        QVERIFY(mailer.catchUp());
        s.setOutboxRow(deliveryId, QStringLiteral("attempting"),
                       QStringLiteral("%1|%2||gone").arg(QSysInfo::machineHostName()).arg(deadPid()));
        Mailer restarted(*s.f.service, s.f.tenant, s.options());
        QVERIFY(restarted.open());
        QCOMPARE(restarted.entry(deliveryId)->state, OutboxState::Failed);
        QVERIFY(s.reasonOfFailure(deliveryId).startsWith(QStringLiteral("Sending was interrupted")));
    }

    void outcomeStoredButNotLoggedIsRecordedOnRestart()
    {
        SmtpServer server;
        QVERIFY(startServer(server));
        Scenario s(server.url());
        Mailer mailer(*s.f.service, s.f.tenant, s.options());
        QVERIFY(mailer.open());
        const QString deliveryId = s.f.requestSend(s.invoiceId);
        QVERIFY(mailer.catchUp());
        // A crash after the outbox noted "sent" and before InvoiceSent was appended.
        s.setOutboxRow(deliveryId, QStringLiteral("sent"), QStringLiteral(""));
        QCOMPARE(s.outcomesFor(deliveryId, QStringLiteral("InvoiceSent")), 0);
        Mailer restarted(*s.f.service, s.f.tenant, s.options());
        QVERIFY(restarted.open());
        QCOMPARE(s.outcomesFor(deliveryId, QStringLiteral("InvoiceSent")), 1);
        QVERIFY(restarted.entry(deliveryId)->outcomeRecorded);
        QCOMPARE(*restarted.attemptDue(), 0);
        QVERIFY(server.received().isEmpty());
        // Recording is idempotent: a second restart appends nothing.
        QVERIFY(Mailer(*s.f.service, s.f.tenant, s.options()).open());
        QCOMPARE(s.outcomesFor(deliveryId, QStringLiteral("InvoiceSent")), 1);
    }

    void settingsProblemsFailAtOnce_data()
    {
        QTest::addColumn<QString>("smtpUrl");
        QTest::addColumn<bool>("voidFirst");
        QTest::addColumn<QString>("reason");
        QTest::newRow("no mail settings") << QString() << false << QStringLiteral("No mail server is set up");
        QTest::newRow("port 0") << QStringLiteral("smtp://127.0.0.1:0") << false << QStringLiteral("The mail settings are not valid");
        QTest::newRow("voided") << QStringLiteral("smtp://127.0.0.1:9") << true << QStringLiteral("was voided before it could be sent");
    }

    void settingsProblemsFailAtOnce()
    {
        QFETCH(QString, smtpUrl);
        QFETCH(bool, voidFirst);
        QFETCH(QString, reason);
        Scenario s(QString{});
        if (!smtpUrl.isEmpty()) {
            // Stored as the domain accepts it; the mailer judges the URL when it sends.
            s.f.mustExec({{QStringLiteral("command"), QStringLiteral("SetMailSettings")},
                      {QStringLiteral("payload"), QJsonObject{{QStringLiteral("smtpUrl"), smtpUrl},
                                                              {QStringLiteral("fromAddress"), QStringLiteral("billing@lidan.example")}}}});
        }
        Mailer mailer(*s.f.service, s.f.tenant, s.options());
        QVERIFY(mailer.open());
        const QString deliveryId = s.f.requestSend(s.invoiceId);
        if (voidFirst)
            s.f.mustExec({{QStringLiteral("command"), QStringLiteral("VoidInvoice")},
                          {QStringLiteral("aggregateId"), s.invoiceId},
                          {QStringLiteral("payload"), QJsonObject{{QStringLiteral("reason"), QStringLiteral("duplicate")}}}});
        const Result<OutboxEntry> e = mailer.deliver(deliveryId, s.waitOnClock());
        QVERIFY(e);
        QCOMPARE(e->state, OutboxState::Failed);
        QCOMPARE(e->attempts, 0);  // nothing was attempted
        QVERIFY2(s.reasonOfFailure(deliveryId).contains(reason), qPrintable(s.reasonOfFailure(deliveryId)));
    }

    void tenantsAreSeparate()
    {
        SmtpServer server;
        QVERIFY(startServer(server));
        Scenario s(server.url());
        Mailer mine(*s.f.service, s.f.tenant, s.options());
        QVERIFY(mine.open());
        Mailer other(*s.f.service, QStringLiteral("other-tenant"), s.options());
        QVERIFY(other.open());
        const QString deliveryId = s.f.requestSend(s.invoiceId);
        QCOMPARE(other.catchUp()->size(), 0);
        QCOMPARE(*other.attemptDue(), 0);
        QVERIFY(!other.entry(deliveryId));
        QCOMPARE(*mine.attemptDue(), 1);
        QCOMPARE(server.received().size(), 1);
    }

    void concurrentMailersSendOnce()
    {
        SmtpServer server;
        QVERIFY(startServer(server));
        Scenario s(server.url());
        {
            Mailer first(*s.f.service, s.f.tenant, s.options());
            QVERIFY(first.open());
        }
        const QString deliveryId = s.f.requestSend(s.invoiceId);
        // Four mailers on four connections race for the same delivery.
        QList<QThread *> threads;
        QAtomicInt errors = 0;
        for (int i = 0; i < 4; ++i) {
            threads << QThread::create([&s, &errors, deliveryId] {
                StoreOptions options;
                options.anchorPath = s.f.dir.filePath(QStringLiteral("anchor"));
                auto rs = ReadSide::open(s.f.storePath, options, {}, ReadSideOptions{false, false, 0});
                if (!rs) {
                    errors.ref();
                    return;
                }
                SystemClock clock;
                InvoicingService service((*rs)->store(), clock);
                MailerOptions o;
                o.maxAttempts = 1;
                Mailer mailer(service, QStringLiteral("default"), o);
                if (!mailer.open() || !mailer.catchUp() || !mailer.attempt(deliveryId))
                    errors.ref();
            });
        }
        for (QThread *t : std::as_const(threads))
            t->start();
        for (QThread *t : std::as_const(threads)) {
            QVERIFY(t->wait(120000));
            delete t;
        }
        QCOMPARE(errors.loadRelaxed(), 0);
        QCOMPARE(server.received().size(), 1);
        QCOMPARE(s.outcomesFor(deliveryId, QStringLiteral("InvoiceSent")), 1);
    }

    void passwordStoreUsesTheEnvironmentWithoutAKeychain()
    {
        QVERIFY(!SmtpPasswordStore::keychainAvailable());
        const SmtpAccount account{QStringLiteral("mail.example.com"), 587, QStringLiteral("billing")};
        QCOMPARE(account.key(), QStringLiteral("smtp://billing@mail.example.com:587"));
        qunsetenv("BILLSTREAM_SMTP_PASSWORD");
        const Result<QString> none = SmtpPasswordStore::read(account);
        QVERIFY(!none);
        QCOMPARE(none.error().kind, ErrorKind::NotFound);
        QVERIFY(none.error().message.contains(QStringLiteral("$BILLSTREAM_SMTP_PASSWORD")));
        qputenv("BILLSTREAM_SMTP_PASSWORD", "from-the-environment");
        QCOMPARE(*SmtpPasswordStore::read(account), QStringLiteral("from-the-environment"));
        qunsetenv("BILLSTREAM_SMTP_PASSWORD");
        QVERIFY(!SmtpPasswordStore::write(account, QStringLiteral("x")));
    }
};

QTEST_MAIN(TestMailer)
#include "tst_mailer.moc"
