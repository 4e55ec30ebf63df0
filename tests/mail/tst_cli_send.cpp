// billstream-cli send as a real process against a real SMTP server, including SIGKILL mid-send.
#include "tests/documents/clisetup.h"
#include "tests/documents/invoicefixture.h"
#include "tests/mail/mailtestsupport.h"

#include <QSqlDatabase>
#include <QSqlQuery>

#include <csignal>

using namespace Billstream::Testing;

namespace {

const QString kUser = QStringLiteral("billing");
const QString kPassword = QStringLiteral("pw-correct-4411");

// The events of one type, as `events --type T` prints them.
QList<QJsonObject> eventsOfType(const QString &store, const QProcessEnvironment &env, const QString &type)
{
    const CliRun r = runCli({QStringLiteral("--store"), store, QStringLiteral("events"), QStringLiteral("--type"), type}, {}, env);
    return jsonLines(r.out);
}

QString outboxState(const QString &store, const QString &deliveryId)
{
    QString state;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("probe"));
        db.setDatabaseName(store);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (db.open()) {
            QSqlQuery q(db);
            q.prepare(QStringLiteral("SELECT state FROM mailer_outbox WHERE delivery_id = ?"));
            q.addBindValue(deliveryId);
            if (q.exec() && q.next())
                state = q.value(0).toString();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("probe"));
    return state;
}

} // namespace

class TestCliSend : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_python;
    TestCertificates m_certs;
    int m_count = 0;

    struct Store
    {
        QString path;
        QProcessEnvironment env;
    };

    Store newStore(const QString &smtpUrl, bool issue = true)
    {
        const QString base = m_dir.filePath(QStringLiteral("case-%1").arg(++m_count));
        QDir().mkpath(base);
        Store s{base + QStringLiteral("/store.sqlite"), cliEnvironment(base + QStringLiteral("/data"))};
        const CliRun r = runCli({QStringLiteral("--store"), s.path, QStringLiteral("exec")},
                                setupCommands(QStringLiteral("Anna Schmidt GmbH"), smtpUrl, issue), s.env);
        if (r.exitCode != 0)
            qWarning("setup failed: %s", qPrintable(r.errText()));
        return s;
    }

    bool startServer(SmtpServer &server, const QStringList &options = {})
    {
        return server.start(m_python, options, m_dir.filePath(QStringLiteral("received-%1").arg(++m_count)));
    }

    static CliRun send(const Store &s, const QStringList &args)
    {
        return runCli(QStringList{QStringLiteral("--store"), s.path, QStringLiteral("send"), QStringLiteral("inv-1")} + args, {},
                      s.env);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_python = pythonWithAiosmtpd();
        QVERIFY2(!m_python.isEmpty(), "no python3 with aiosmtpd (apt install python3-aiosmtpd)");
        QVERIFY(m_certs.make(m_dir.path()));
    }

    void sendsWithTheTenantsSettings()
    {
        SmtpServer server;
        QVERIFY(startServer(server));
        const Store s = newStore(server.url());
        const CliRun r = send(s, {});
        QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
        const QList<QJsonObject> events = jsonLines(r.out);
        QCOMPARE(events.size(), 3);
        QCOMPARE(events.at(0).value(QStringLiteral("type")).toString(), QStringLiteral("InvoiceSendRequested"));
        QCOMPARE(events.at(1).value(QStringLiteral("type")).toString(), QStringLiteral("InvoiceSent"));
        QCOMPARE(events.at(2).value(QStringLiteral("payload")).toObject().value(QStringLiteral("status")).toString(),
                 QStringLiteral("SENT"));
        const QString deliveryId =
            events.at(0).value(QStringLiteral("payload")).toObject().value(QStringLiteral("deliveryId")).toString();

        const QList<ReceivedMail> mails = server.received();
        QCOMPARE(mails.size(), 1);
        QCOMPARE(mails.first().header("Subject"), QStringLiteral("Invoice INV-2026-0001 from Lidan Ltd."));
        QCOMPARE(mails.first().header("Message-ID"), QStringLiteral("<billstream.%1@lidan.example>").arg(deliveryId));
        QCOMPARE(mails.first().header("To"), QStringLiteral("anna@customer.example"));
        QVERIFY(QString::fromUtf8(mails.first().partPayload(0)).contains(QStringLiteral("please find attached invoice INV-2026-0001")));
        QVERIFY(pdfText(mails.first().partPayload(1)).contains(QStringLiteral("INV-2026-0001")));
    }

    void optionsOverrideRecipientSubjectAndServer()
    {
        SmtpServer server;
        QVERIFY(startServer(server, m_certs.serverOptions("starttls")));
        const Store s = newStore(QStringLiteral("smtp://mail.lidan.example:587"));
        const CliRun r = send(s, {QStringLiteral("--to"), QStringLiteral("accounts@customer.example"), QStringLiteral("--subject"),
                                  QStringLiteral("Your invoice, Grüße"), QStringLiteral("--message"), QStringLiteral("See attachment."),
                                  QStringLiteral("--smtp"), server.url(QStringLiteral("localhost")), QStringLiteral("--ca-file"),
                                  m_certs.caFile});
        QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
        const QList<ReceivedMail> mails = server.received();
        QCOMPARE(mails.size(), 1);
        QCOMPARE(mails.first().info.value(QStringLiteral("tls")).toBool(), true);
        QCOMPARE(mails.first().header("To"), QStringLiteral("accounts@customer.example"));
        QCOMPARE(mails.first().header("Subject"), QStringLiteral("Your invoice, Grüße"));
        QCOMPARE(QString::fromUtf8(mails.first().partPayload(0)).trimmed(), QStringLiteral("See attachment."));
    }

    void failuresAreRecorded_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("reason");
        QTest::newRow("wrong password") << QStringLiteral("password") << QStringLiteral("The mail server rejected the user name or password");
        QTest::newRow("refused") << QStringLiteral("refused") << QStringLiteral("refused the connection");
        QTest::newRow("untrusted") << QStringLiteral("untrusted") << QStringLiteral("The mail server's certificate is not trusted");
    }

    void failuresAreRecorded()
    {
        QFETCH(QString, kind);
        QFETCH(QString, reason);
        SmtpServer server;
        RefusingPort closed;
        QStringList serverOptions = m_certs.serverOptions("starttls");
        if (kind == QLatin1String("password"))
            serverOptions << QStringLiteral("--user") << kUser << QStringLiteral("--password") << kPassword;
        QVERIFY(startServer(server, serverOptions));
        QString url = server.url(QStringLiteral("127.0.0.1"), kind == QLatin1String("password") ? kUser : QString());
        if (kind == QLatin1String("refused"))
            url = QStringLiteral("smtp://127.0.0.1:%1").arg(closed.port());
        Store s = newStore(url);
        const QString wrong = QStringLiteral("wrong-pw-90210");
        s.env.insert(QStringLiteral("BILLSTREAM_SMTP_PASSWORD"), wrong);
        QStringList args{QStringLiteral("--attempts"), QStringLiteral("1")};
        if (kind != QLatin1String("untrusted"))
            args << QStringLiteral("--ca-file") << m_certs.caFile;
        const CliRun r = send(s, args);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.errText().startsWith(QStringLiteral("error: Failure: the invoice was not sent: ")), qPrintable(r.errText()));
        QVERIFY2(r.errText().contains(reason), qPrintable(r.errText()));
        const QList<QJsonObject> events = jsonLines(r.out);
        QCOMPARE(events.last().value(QStringLiteral("type")).toString(), QStringLiteral("InvoiceSendFailed"));
        QVERIFY(events.last().value(QStringLiteral("payload")).toObject().value(QStringLiteral("reason")).toString().contains(reason));
        const QList<QJsonObject> logged = eventsOfType(s.path, s.env, QStringLiteral("InvoiceSendFailed"));
        QCOMPARE(logged.size(), 1);
        QVERIFY(server.received().isEmpty());
        QVERIFY(!storeBytes(s.path).contains(wrong.toUtf8()));
    }

    void rightPasswordFromTheEnvironment()
    {
        SmtpServer server;
        QVERIFY(startServer(server, m_certs.serverOptions("starttls")
                                        + QStringList{QStringLiteral("--user"), kUser, QStringLiteral("--password"), kPassword}));
        Store s = newStore(server.url(QStringLiteral("localhost"), kUser));
        s.env.insert(QStringLiteral("BILLSTREAM_SMTP_PASSWORD"), kPassword);
        const CliRun r = send(s, {QStringLiteral("--ca-file"), m_certs.caFile});
        QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
        QCOMPARE(server.received().size(), 1);
        QCOMPARE(server.received().first().info.value(QStringLiteral("authLogin")).toString(), kUser);
        QVERIFY(!storeBytes(s.path).contains(kPassword.toUtf8()));
    }

    void killedMidSendNeverSendsTwice()
    {
        // The server stores the first message and then holds back its reply for a minute.
        SmtpServer server;
        QVERIFY(startServer(server, {QStringLiteral("--data-reply-delay"), QStringLiteral("60"), QStringLiteral("--delay-count"),
                                     QStringLiteral("1")}));
        const Store s = newStore(server.url());
        QProcess first;
        first.setProcessEnvironment(s.env);
        first.start(QStringLiteral(BILLSTREAM_CLI_PATH),
                    {QStringLiteral("--store"), s.path, QStringLiteral("send"), QStringLiteral("inv-1")});
        QVERIFY(first.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(server.received().size() == 1, 60000);
        // The attempt was committed before the message went out.
        const QList<QJsonObject> requested = eventsOfType(s.path, s.env, QStringLiteral("InvoiceSendRequested"));
        QCOMPARE(requested.size(), 1);
        const QString firstDelivery =
            requested.first().value(QStringLiteral("payload")).toObject().value(QStringLiteral("deliveryId")).toString();
        QCOMPARE(outboxState(s.path, firstDelivery), QStringLiteral("attempting"));
        ::kill(pid_t(first.processId()), SIGKILL);
        QVERIFY(first.waitForFinished(30000));
        QCOMPARE(first.exitStatus(), QProcess::CrashExit);
        QVERIFY(eventsOfType(s.path, s.env, QStringLiteral("InvoiceSent")).isEmpty());

        // Restarted: the interrupted delivery is recorded as failed, never resent; the new
        // request of this run is sent.
        const CliRun second = send(s, {});
        QVERIFY2(second.exitCode == 0, qPrintable(second.errText()));
        const QList<ReceivedMail> mails = server.received();
        QCOMPARE(mails.size(), 2);
        const QMap<QString, int> counts = messageIdCounts(mails);
        QCOMPARE(counts.size(), 2);
        for (auto it = counts.cbegin(); it != counts.cend(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(it.key()));
        QCOMPARE(counts.value(QStringLiteral("<billstream.%1@lidan.example>").arg(firstDelivery)), 1);

        const QList<QJsonObject> failed = eventsOfType(s.path, s.env, QStringLiteral("InvoiceSendFailed"));
        QCOMPARE(failed.size(), 1);
        const QJsonObject payload = failed.first().value(QStringLiteral("payload")).toObject();
        QCOMPARE(payload.value(QStringLiteral("deliveryId")).toString(), firstDelivery);
        QVERIFY(payload.value(QStringLiteral("reason")).toString().startsWith(QStringLiteral("Sending was interrupted")));
        const QList<QJsonObject> sent = eventsOfType(s.path, s.env, QStringLiteral("InvoiceSent"));
        QCOMPARE(sent.size(), 1);
        QVERIFY(sent.first().value(QStringLiteral("payload")).toObject().value(QStringLiteral("deliveryId")).toString() != firstDelivery);

        // A third run sends its own request only.
        QCOMPARE(send(s, {}).exitCode, 0);
        QCOMPARE(server.received().size(), 3);
        QCOMPARE(messageIdCounts(server.received()).size(), 3);
    }

    void oldRequestsAreNotSentOnFirstStart()
    {
        SmtpServer server;
        QVERIFY(startServer(server));
        const Store s = newStore(server.url());
        // Requested through exec while no mailer had run on this store.
        const CliRun old = runCli({QStringLiteral("--store"), s.path, QStringLiteral("exec")},
                                  R"({"command":"SendInvoiceToCustomer","aggregateId":"inv-1","payload":{}})", s.env);
        QCOMPARE(old.exitCode, 0);
        const CliRun r = send(s, {});
        QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
        QCOMPARE(server.received().size(), 1);
        const QList<QJsonObject> failed = eventsOfType(s.path, s.env, QStringLiteral("InvoiceSendFailed"));
        QCOMPARE(failed.size(), 1);
        QVERIFY(failed.first().value(QStringLiteral("payload")).toObject().value(QStringLiteral("reason")).toString()
                    .startsWith(QStringLiteral("Not sent: this request was made before")));
    }

    void usageAndDomainErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<bool>("issued");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("bad url") << QStringList{QStringLiteral("--smtp"), QStringLiteral("http://x.example")} << true << 64
                                 << QStringLiteral("--smtp: ");
        QTest::newRow("password in url") << QStringList{QStringLiteral("--smtp"), QStringLiteral("smtp://u:secret@x.example")}
                                         << true << 64 << QStringLiteral("must not contain a password");
        QTest::newRow("missing CA file") << QStringList{QStringLiteral("--ca-file"), QStringLiteral("/nonexistent/ca.pem")} << true
                                         << 64 << QStringLiteral("--ca-file");
        QTest::newRow("attempts 0") << QStringList{QStringLiteral("--attempts"), QStringLiteral("0")} << true << 64
                                    << QStringLiteral("--attempts");
        QTest::newRow("bad recipient") << QStringList{QStringLiteral("--to"), QStringLiteral("not an address")} << true << 2
                                       << QStringLiteral("payload.to");
        QTest::newRow("draft") << QStringList{} << false << 2 << QStringLiteral("only an issued invoice can be sent");
    }

    void usageAndDomainErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(bool, issued);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const Store s = newStore(QStringLiteral("smtp://127.0.0.1:9"), issued);
        const CliRun r = send(s, args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.errText().contains(message), qPrintable(r.errText()));
        QVERIFY(!r.errText().contains(QStringLiteral("secret")));
        QVERIFY(eventsOfType(s.path, s.env, QStringLiteral("InvoiceSendRequested")).isEmpty());
    }

    void unknownInvoiceIsNotFound()
    {
        const Store s = newStore(QStringLiteral("smtp://127.0.0.1:9"));
        const CliRun r = runCli({QStringLiteral("--store"), s.path, QStringLiteral("send"), QStringLiteral("nope")}, {}, s.env);
        QCOMPARE(r.exitCode, 4);
    }
};

QTEST_MAIN(TestCliSend)
#include "tst_cli_send.moc"
