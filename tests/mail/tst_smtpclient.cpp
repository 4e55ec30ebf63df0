#include "core/mail/mailheaders.h"
#include "core/mail/smtpclient.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimeZone>
#include <QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Billstream;

Q_DECLARE_METATYPE(Billstream::SmtpTlsMode)

namespace {

constexpr int kProcessWaitMs = 30000;

// A one-page PDF (checked with pdfinfo), with the binary comment line real PDFs carry, so the
// base64 round trip covers bytes above 0x7F.
const QByteArray kPdf(
    "%PDF-1.4\n"
    "%\xE2\xE3\xCF\xD3\n"
    "1 0 obj\n"
    "<< /Type /Catalog /Pages 2 0 R >>\n"
    "endobj\n"
    "2 0 obj\n"
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>\n"
    "endobj\n"
    "3 0 obj\n"
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>\n"
    "endobj\n"
    "4 0 obj\n"
    "<< /Length 51 >>\n"
    "stream\n"
    "BT /F1 12 Tf 20 50 Td (Invoice INV-2026-0001) Tj ET\n"
    "endstream\n"
    "endobj\n"
    "5 0 obj\n"
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\n"
    "endobj\n"
    "xref\n"
    "0 6\n"
    "0000000000 65535 f \n"
    "0000000015 00000 n \n"
    "0000000064 00000 n \n"
    "0000000121 00000 n \n"
    "0000000247 00000 n \n"
    "0000000348 00000 n \n"
    "trailer\n"
    "<< /Size 6 /Root 1 0 R >>\n"
    "startxref\n"
    "418\n"
    "%%EOF\n");

const QString kUser = QStringLiteral("billing");
const QString kPassword = QStringLiteral("correct horse battery");
// A name that is not loopback, pointed at 127.0.0.1 with SmtpSettings::resolveTo; the test
// certificate names it, so it stands in for a remote server without leaving the machine.
const QString kRemoteName = QStringLiteral("mail.billstream.test");

struct RunResult
{
    bool ok = false;
    QString output;
};

RunResult run(const QString &program, const QStringList &args, const QString &workDir = {})
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    if (!workDir.isEmpty())
        p.setWorkingDirectory(workDir);
    p.start(program, args);
    if (!p.waitForStarted(kProcessWaitMs))
        return {false, program + QStringLiteral(" did not start: ") + p.errorString()};
    if (!p.waitForFinished(kProcessWaitMs)) {
        p.kill();
        p.waitForFinished(kProcessWaitMs);
        return {false, program + QStringLiteral(" did not finish")};
    }
    const QString out = QString::fromLocal8Bit(p.readAll());
    return {p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0, out};
}

// A TCP socket on 127.0.0.1 that holds its port: bound only, connections to it are refused;
// listening, the kernel accepts connections that nobody ever answers.
class LoopbackSocket
{
public:
    explicit LoopbackSocket(bool listening)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (m_fd < 0)
            return;
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;
        socklen_t length = sizeof(address);
        if (::bind(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) != 0
            || (listening && ::listen(m_fd, 8) != 0)
            || ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&address), &length) != 0)
            return;
        m_port = ntohs(address.sin_port);
    }
    ~LoopbackSocket()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    LoopbackSocket(const LoopbackSocket &) = delete;
    LoopbackSocket &operator=(const LoopbackSocket &) = delete;

    int port() const { return m_port; }

private:
    int m_fd = -1;
    int m_port = 0;
};

struct ReceivedMail
{
    QByteArray raw;
    QJsonObject info;
    QJsonObject message() const { return info.value(QStringLiteral("message")).toObject(); }
    QString header(const char *name) const
    {
        const QJsonArray values =
            message().value(QStringLiteral("headers")).toObject().value(QLatin1String(name)).toArray();
        return values.size() == 1 ? values.first().toString() : QStringLiteral("<%1 values>").arg(values.size());
    }
    QJsonArray parts() const { return message().value(QStringLiteral("parts")).toArray(); }
    // The raw header block, unfolded lines kept as they were sent.
    QList<QByteArray> rawHeaderLines() const
    {
        const qsizetype end = raw.indexOf("\r\n\r\n");
        return raw.left(end).split('\n');
    }
    QByteArray rawHeader(const QByteArray &name) const
    {
        QByteArray value;
        bool inside = false;
        for (QByteArray line : rawHeaderLines()) {
            line.chop(line.endsWith('\r') ? 1 : 0);
            if (line.startsWith(' ') || line.startsWith('\t')) {
                if (inside)
                    value += "\r\n" + line;
                continue;
            }
            inside = line.toLower().startsWith(QByteArray(name.toLower() + ':'));
            if (inside)
                value = line.mid(name.size() + 1).trimmed();
        }
        return value;
    }
};

// smtp_server.py in a child process, stopped when this object goes.
class SmtpServer
{
public:
    ~SmtpServer() { stop(); }

    bool start(const QString &python, const QStringList &options, const QString &outDir, QString *error)
    {
        m_outDir = outDir;
        QStringList args{QStringLiteral(SRCDIR "smtp_server.py"), QStringLiteral("--out-dir"), outDir,
                         QStringLiteral("--lifetime"), QStringLiteral("120"), QStringLiteral("--exit-on-stdin-eof")};
        args += options;
        m_process.start(python, args);
        if (!m_process.waitForStarted(kProcessWaitMs)) {
            *error = QStringLiteral("could not start %1: %2").arg(python, m_process.errorString());
            return false;
        }
        const QDeadlineTimer deadline(kProcessWaitMs);
        while (!m_process.canReadLine() && !deadline.hasExpired()) {
            if (!m_process.waitForReadyRead(static_cast<int>(deadline.remainingTime())))
                break;
        }
        const QByteArray line = m_process.readLine().trimmed();
        if (!line.startsWith("READY ")) {
            m_process.waitForFinished(1000);
            *error = QStringLiteral("no READY line (got '%1'); stderr: %2")
                         .arg(QString::fromUtf8(line), QString::fromUtf8(m_process.readAllStandardError()));
            return false;
        }
        m_port = line.mid(6).toInt();
        return m_port > 0;
    }

    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.closeWriteChannel();
        m_process.terminate();
        if (!m_process.waitForFinished(kProcessWaitMs)) {
            m_process.kill();
            m_process.waitForFinished(kProcessWaitMs);
        }
    }

    int port() const { return m_port; }

    QList<ReceivedMail> received() const
    {
        QList<ReceivedMail> mails;
        const QDir dir(m_outDir);
        const QStringList names = dir.entryList({QStringLiteral("msg-*.eml")}, QDir::Files, QDir::Name);
        for (const QString &name : names) {
            ReceivedMail mail;
            QFile raw(dir.filePath(name));
            QFile json(dir.filePath(QString(name).replace(QStringLiteral(".eml"), QStringLiteral(".json"))));
            if (raw.open(QIODevice::ReadOnly))
                mail.raw = raw.readAll();
            if (json.open(QIODevice::ReadOnly))
                mail.info = QJsonDocument::fromJson(json.readAll()).object();
            mails.append(mail);
        }
        return mails;
    }

private:
    QProcess m_process;
    QString m_outDir;
    int m_port = 0;
};

// RFC 5322's 78 characters for the headers we write; libcurl's own Content-Type line with its
// boundary runs to 80, within the hard limit of 998 that the tests check for every line.
bool ourHeaderLinesFit(const ReceivedMail &mail)
{
    bool fits = true;
    for (const QByteArray &line : mail.rawHeaderLines()) {
        if (line.startsWith("Content-Type:"))
            continue;
        if (line.size() > 79) {
            qWarning("header line too long: %s", line.constData());
            fits = false;
        }
    }
    return fits;
}

QString unfoldCrlf(QString text)
{
    return text.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
}

MailMessage sampleMessage()
{
    MailMessage m;
    m.fromAddress = QStringLiteral("billing@lidan.example");
    m.fromName = QStringLiteral("Lidan Ltd.");
    m.to = {QStringLiteral("anna@customer.example"), QStringLiteral("accounts@customer.example")};
    m.subject = QStringLiteral("Invoice INV-2026-0001 from Lidan Ltd.");
    m.textBody = QStringLiteral("Dear Anna,\n\nplease find invoice INV-2026-0001 attached.\n"
                                ".a line that starts with a dot\n"
                                "From here on, a line that mboxes would mangle.\n"
                                "Trailing space here \n"
                                "Grüße aus Köln, 100 € net.\n")
        + QString(120, QLatin1Char('x')) + QStringLiteral("\n.\n");
    m.attachments = {{QStringLiteral("INV-2026-0001.pdf"), QStringLiteral("application/pdf"), kPdf}};
    m.messageId = makeMessageId(QStringLiteral("5f0c2c1e-delivery-1"), QStringLiteral("lidan.example"));
    m.date = QDateTime(QDate(2026, 3, 4), QTime(10, 15, 0), QTimeZone(3600));
    return m;
}

SmtpSettings settingsFor(const QString &url)
{
    const Result<SmtpSettings> parsed = parseSmtpUrl(url);
    return parsed ? *parsed : SmtpSettings{};
}

} // namespace

class TestSmtpClient : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_python;
    QString m_caFile;
    QString m_otherCaFile;
    QString m_certFile;
    QString m_keyFile;
    int m_serverCount = 0;

    // Starts a fresh server with its own folder for received messages.
    bool startServer(SmtpServer &server, const QStringList &options)
    {
        const QString outDir = m_dir.filePath(QStringLiteral("received-%1").arg(++m_serverCount));
        QString error;
        if (!server.start(m_python, options, outDir, &error)) {
            qWarning("smtp_server.py: %s", qPrintable(error));
            return false;
        }
        return true;
    }

    QStringList tlsOptions(const char *mode) const
    {
        return {QStringLiteral("--mode"), QLatin1String(mode), QStringLiteral("--cert"), m_certFile,
                QStringLiteral("--key"), m_keyFile};
    }

    static QStringList authOptions()
    {
        return {QStringLiteral("--user"), kUser, QStringLiteral("--password"), kPassword};
    }

    bool makeCa(const QString &name)
    {
        const RunResult r = run(QStringLiteral("openssl"),
                                {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                                 QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                                 QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                                 QStringLiteral("-keyout"), name + QStringLiteral(".key"), QStringLiteral("-out"),
                                 name + QStringLiteral(".pem"), QStringLiteral("-days"), QStringLiteral("2"),
                                 QStringLiteral("-subj"), QStringLiteral("/CN=Billstream Test CA ") + name,
                                 QStringLiteral("-addext"), QStringLiteral("basicConstraints=critical,CA:TRUE"),
                                 QStringLiteral("-addext"), QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")},
                                m_dir.path());
        if (!r.ok)
            qWarning("openssl (CA %s): %s", qPrintable(name), qPrintable(r.output));
        return r.ok;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());

        // aiosmtpd comes from Debian's python3-aiosmtpd, which a python3 earlier on PATH
        // (pyenv, a venv) may not see.
        QStringList candidates{QStringLiteral("/usr/bin/python3"), QStringLiteral("python3")};
        if (qEnvironmentVariableIsSet("BILLSTREAM_TEST_PYTHON"))
            candidates.prepend(qEnvironmentVariable("BILLSTREAM_TEST_PYTHON"));
        for (const QString &candidate : candidates) {
            if (run(candidate, {QStringLiteral("-c"), QStringLiteral("import aiosmtpd")}).ok) {
                m_python = candidate;
                break;
            }
        }
        QVERIFY2(!m_python.isEmpty(), "no python3 with aiosmtpd (apt install python3-aiosmtpd, "
                                      "or set BILLSTREAM_TEST_PYTHON)");

        QVERIFY(makeCa(QStringLiteral("ca")));
        QVERIFY(makeCa(QStringLiteral("other-ca")));
        QFile ext(m_dir.filePath(QStringLiteral("server.ext")));
        QVERIFY(ext.open(QIODevice::WriteOnly));
        ext.write("subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:" + kRemoteName.toLatin1()
                  + "\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                    "extendedKeyUsage=serverAuth\n");
        ext.close();
        RunResult r = run(QStringLiteral("openssl"),
                          {QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                           QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"),
                           QStringLiteral("-nodes"), QStringLiteral("-keyout"), QStringLiteral("server.key"),
                           QStringLiteral("-out"), QStringLiteral("server.csr"), QStringLiteral("-subj"),
                           QStringLiteral("/CN=localhost")},
                          m_dir.path());
        QVERIFY2(r.ok, qPrintable(r.output));
        r = run(QStringLiteral("openssl"),
                {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), QStringLiteral("server.csr"),
                 QStringLiteral("-CA"), QStringLiteral("ca.pem"), QStringLiteral("-CAkey"), QStringLiteral("ca.key"),
                 QStringLiteral("-set_serial"), QStringLiteral("2"), QStringLiteral("-days"), QStringLiteral("2"),
                 QStringLiteral("-extfile"), QStringLiteral("server.ext"), QStringLiteral("-out"),
                 QStringLiteral("server.pem")},
                m_dir.path());
        QVERIFY2(r.ok, qPrintable(r.output));
        m_caFile = m_dir.filePath(QStringLiteral("ca.pem"));
        m_otherCaFile = m_dir.filePath(QStringLiteral("other-ca.pem"));
        m_certFile = m_dir.filePath(QStringLiteral("server.pem"));
        m_keyFile = m_dir.filePath(QStringLiteral("server.key"));
    }

    // --- settings -------------------------------------------------------------------------

    void parseSmtpUrlAccepts_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("user");
        QTest::newRow("smtp with port") << QStringLiteral("smtp://mail.example.com:25") << QStringLiteral("smtp")
                                        << QStringLiteral("mail.example.com") << 25 << QString();
        QTest::newRow("smtp default port") << QStringLiteral("smtp://mail.example.com") << QStringLiteral("smtp")
                                           << QStringLiteral("mail.example.com") << 587 << QString();
        QTest::newRow("smtps default port, user") << QStringLiteral("smtps://billing%40lidan.example@mail.example.com")
                                                  << QStringLiteral("smtps") << QStringLiteral("mail.example.com")
                                                  << 465 << QStringLiteral("billing@lidan.example");
        QTest::newRow("case and slash") << QStringLiteral(" SMTP://Mail.Example.COM:2525/ ") << QStringLiteral("smtp")
                                        << QStringLiteral("mail.example.com") << 2525 << QString();
        QTest::newRow("ipv6") << QStringLiteral("smtp://[::1]:2525") << QStringLiteral("smtp") << QStringLiteral("::1")
                              << 2525 << QString();
    }

    void parseSmtpUrlAccepts()
    {
        QFETCH(QString, url);
        QFETCH(QString, scheme);
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QString, user);
        const Result<SmtpSettings> s = parseSmtpUrl(url);
        QVERIFY2(s.has_value(), s ? "" : qPrintable(s.error().message));
        QCOMPARE(s->url.scheme(), scheme);
        QCOMPARE(s->url.host(), host);
        QCOMPARE(s->url.port(), port);
        QCOMPARE(s->username, user);
        QVERIFY(s->url.userInfo().isEmpty());
        QVERIFY(validateSmtpSettings(*s).has_value());
    }

    void parseSmtpUrlRefuses_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("empty") << QString() << QStringLiteral("empty");
        QTest::newRow("http") << QStringLiteral("http://mail.example.com") << QStringLiteral("http://");
        QTest::newRow("no scheme") << QStringLiteral("mail.example.com:25") << QStringLiteral("smtp://");
        QTest::newRow("missing host") << QStringLiteral("smtp://:25") << QStringLiteral("no host");
        QTest::newRow("only scheme") << QStringLiteral("smtp://") << QStringLiteral("no host");
        QTest::newRow("port 0") << QStringLiteral("smtp://mail.example.com:0") << QStringLiteral("port");
        QTest::newRow("port too big") << QStringLiteral("smtp://mail.example.com:65536") << QStringLiteral("port");
        QTest::newRow("port not a number") << QStringLiteral("smtp://mail.example.com:smtp") << QStringLiteral("port");
        QTest::newRow("bad host") << QStringLiteral("smtp://mail example.com") << QStringLiteral("host");
        QTest::newRow("password") << QStringLiteral("smtp://billing:s3cr3t-pw@mail.example.com")
                                  << QStringLiteral("password");
        QTest::newRow("bad password char") << QStringLiteral("smtp://billing:s3cr3t-pw\"@mail.example.com")
                                           << QStringLiteral("smtpUrl");
        QTest::newRow("path") << QStringLiteral("smtp://mail.example.com/inbox") << QStringLiteral("path");
        QTest::newRow("query") << QStringLiteral("smtp://mail.example.com?tls=no") << QStringLiteral("query");
        QTest::newRow("line break") << QStringLiteral("smtp://mail.example.com\r\n:25") << QStringLiteral("line break");
    }

    void parseSmtpUrlRefuses()
    {
        QFETCH(QString, url);
        QFETCH(QString, mentions);
        const Result<SmtpSettings> s = parseSmtpUrl(url);
        QVERIFY(!s.has_value());
        QCOMPARE(s.error().kind, ErrorKind::ValidationFailed);
        QCOMPARE(s.error().violations.size(), 1);
        QCOMPARE(s.error().violations.first().field, QStringLiteral("smtpUrl"));
        QVERIFY2(s.error().message.contains(mentions), qPrintable(s.error().message));
        QVERIFY2(!s.error().message.contains(QLatin1String("s3cr3t")), qPrintable(s.error().message));
    }

    void validateSettingsRefuses()
    {
        SmtpSettings s = settingsFor(QStringLiteral("smtp://mail.example.com"));
        QVERIFY(validateSmtpSettings(s).has_value());

        SmtpSettings badTimeout = s;
        badTimeout.timeoutSeconds = 0;
        QVERIFY(!validateSmtpSettings(badTimeout).has_value());
        QCOMPARE(validateSmtpSettings(badTimeout).error().violations.first().field, QStringLiteral("timeoutSeconds"));

        SmtpSettings missingCa = s;
        missingCa.caFile = m_dir.filePath(QStringLiteral("no-such-ca.pem"));
        QVERIFY(!validateSmtpSettings(missingCa).has_value());
        QVERIFY(validateSmtpSettings(missingCa).error().message.contains(QLatin1String("no-such-ca.pem")));

        SmtpSettings badResolve = s;
        badResolve.resolveTo = QStringLiteral("mail.example.com");
        QVERIFY(!validateSmtpSettings(badResolve).has_value());
        badResolve.resolveTo = QStringLiteral("127.0.0.010");
        QVERIFY(!validateSmtpSettings(badResolve).has_value());
        badResolve.resolveTo = QStringLiteral("::1");
        QVERIFY(validateSmtpSettings(badResolve).has_value());

        SmtpSettings withPassword = s;
        withPassword.url = QUrl(QStringLiteral("smtp://u:p@mail.example.com"));
        QVERIFY(!validateSmtpSettings(withPassword).has_value());

        // send() checks the same before connecting anywhere.
        const SendOutcome out = SmtpClient(badTimeout).send(sampleMessage());
        QVERIFY(!out.sent);
        QVERIFY(out.permanent);
        QVERIFY2(out.reason.startsWith(QLatin1String("The mail settings are not valid: timeoutSeconds: ")),
                 qPrintable(out.reason));
    }

    void caFileWithoutCertificate()
    {
        const LoopbackSocket closed(false);
        SmtpSettings s = settingsFor(QStringLiteral("smtp://127.0.0.1:%1").arg(closed.port()));
        s.caFile = m_keyFile;
        const SendOutcome out = SmtpClient(s).send(sampleMessage());
        QVERIFY(!out.sent);
        QVERIFY(out.permanent);
        QVERIFY2(out.reason.contains(QLatin1String("holds no PEM certificate")), qPrintable(out.reason));
    }

    void tlsMode_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("allowPlaintext");
        QTest::addColumn<QString>("resolveTo");
        QTest::addColumn<SmtpTlsMode>("mode");
        const SmtpTlsMode required = SmtpTlsMode::StartTlsRequired;
        const SmtpTlsMode ifOffered = SmtpTlsMode::StartTlsIfOffered;
        QTest::newRow("smtps") << QStringLiteral("smtps://mail.example.com") << false << QString()
                               << SmtpTlsMode::Implicit;
        QTest::newRow("smtps loopback") << QStringLiteral("smtps://127.0.0.1") << true << QString()
                                        << SmtpTlsMode::Implicit;
        QTest::newRow("remote") << QStringLiteral("smtp://mail.example.com") << false << QString() << required;
        QTest::newRow("remote, plain allowed") << QStringLiteral("smtp://mail.example.com") << true << QString()
                                               << ifOffered;
        QTest::newRow("127.0.0.1") << QStringLiteral("smtp://127.0.0.1:2525") << false << QString() << ifOffered;
        QTest::newRow("127.8.9.10") << QStringLiteral("smtp://127.8.9.10") << false << QString() << ifOffered;
        QTest::newRow("localhost") << QStringLiteral("smtp://LOCALHOST") << false << QString() << ifOffered;
        QTest::newRow("::1") << QStringLiteral("smtp://[0:0::1]") << false << QString() << ifOffered;
        QTest::newRow("128.0.0.1") << QStringLiteral("smtp://128.0.0.1") << false << QString() << required;
        QTest::newRow("localhost lookalike") << QStringLiteral("smtp://localhost.example.com") << false << QString()
                                             << required;
        QTest::newRow("127 lookalike name") << QStringLiteral("smtp://127.0.0.1.example.com") << false << QString()
                                            << required;
        QTest::newRow("localhost sent elsewhere") << QStringLiteral("smtp://localhost") << false
                                                  << QStringLiteral("203.0.113.7") << required;
        QTest::newRow("remote name sent to loopback") << QStringLiteral("smtp://mail.example.com") << false
                                                      << QStringLiteral("127.0.0.1") << required;
    }

    void tlsMode()
    {
        QFETCH(QString, url);
        QFETCH(bool, allowPlaintext);
        QFETCH(QString, resolveTo);
        QFETCH(SmtpTlsMode, mode);
        SmtpSettings s = settingsFor(url);
        QVERIFY(!s.url.isEmpty());
        s.allowPlaintext = allowPlaintext;
        s.resolveTo = resolveTo;
        QCOMPARE(smtpTlsMode(s), mode);
    }

    void messageIdIsStable()
    {
        const QString id = makeMessageId(QStringLiteral("5f0c2c1e-delivery-1"), QStringLiteral("Lidan.Example"));
        QCOMPARE(id, QStringLiteral("<billstream.5f0c2c1e-delivery-1@lidan.example>"));
        QCOMPARE(makeMessageId(QStringLiteral("5f0c2c1e-delivery-1"), QStringLiteral("Lidan.Example")), id);
        QVERIFY(makeMessageId(QStringLiteral("5f0c2c1e-delivery-2"), QStringLiteral("lidan.example")) != id);

        // Characters a Message-ID cannot carry: hashed, still stable and still accepted.
        const QString odd = makeMessageId(QStringLiteral("a b\r\n<c>"), QString());
        QCOMPARE(odd, makeMessageId(QStringLiteral("a b\r\n<c>"), QString()));
        QVERIFY2(odd.endsWith(QLatin1String("@billstream.invalid>")), qPrintable(odd));
        QVERIFY(!odd.contains(QLatin1Char(' ')));
        MailMessage m = sampleMessage();
        m.messageId = odd;
        QVERIFY(validateMailMessage(m).has_value());

        QCOMPARE(makeMessageId(QStringLiteral("d1"), QStringLiteral("bücher.example")),
                 QStringLiteral("<billstream.d1@xn--bcher-kva.example>"));
    }

    void mailDate_data()
    {
        QTest::addColumn<QDateTime>("date");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("+0100") << QDateTime(QDate(2026, 3, 4), QTime(10, 15, 0), QTimeZone(3600))
                               << QByteArray("Wed, 04 Mar 2026 10:15:00 +0100");
        QTest::newRow("-0330") << QDateTime(QDate(2025, 12, 31), QTime(23, 59, 59, 999), QTimeZone(-12600))
                               << QByteArray("Wed, 31 Dec 2025 23:59:59 -0330");
        QTest::newRow("UTC") << QDateTime(QDate(2024, 2, 29), QTime(0, 0), QTimeZone::utc())
                             << QByteArray("Thu, 29 Feb 2024 00:00:00 +0000");
    }

    void mailDate()
    {
        QFETCH(QDateTime, date);
        QFETCH(QByteArray, expected);
        QCOMPARE(formatMailDate(date), expected);
    }

    void headerEncoding()
    {
        // Plain ASCII stays readable, folded at spaces within 78 characters.
        const QString longAscii = QStringLiteral("Invoice INV-2026-0001") + QStringLiteral(" word").repeated(20);
        const QByteArray folded = encodeUnstructuredHeader(longAscii, 9);
        const QList<QByteArray> foldedLines = folded.split('\n');
        QVERIFY(foldedLines.size() > 1);
        for (qsizetype i = 0; i < foldedLines.size(); ++i)
            QVERIFY2((i == 0 ? 9 : 0) + foldedLines.at(i).size() <= 79, foldedLines.at(i).constData());
        QCOMPARE(QByteArray(folded).replace("\r\n", ""), longAscii.toLatin1());
        QCOMPARE(encodeUnstructuredHeader(QStringLiteral("Hello"), 9), QByteArray("Hello"));

        // Anything else becomes encoded-words of whole characters, lines within 76.
        const QString text = QStringLiteral("Grüße 🎉 ") + QString(40, QChar(0x00E9));
        const QByteArray encoded = encodeUnstructuredHeader(text, 9);
        QVERIFY(encoded.startsWith("=?UTF-8?B?"));
        QByteArray decoded;
        const QList<QByteArray> lines = encoded.split('\n');
        QVERIFY(lines.size() > 1);
        for (qsizetype i = 0; i < lines.size(); ++i) {
            const QByteArray word = lines.at(i).trimmed();
            QVERIFY2((i == 0 ? 9 : 1) + word.size() <= 76, word.constData());
            QVERIFY(word.startsWith("=?UTF-8?B?") && word.endsWith("?="));
            const QByteArray bytes = QByteArray::fromBase64(word.mid(10, word.size() - 12));
            // Each word decodes to valid UTF-8 on its own.
            QVERIFY(QString::fromUtf8(bytes).toUtf8() == bytes);
            decoded += bytes;
        }
        QCOMPARE(QString::fromUtf8(decoded), text);
        // `=?` in plain text would be read as an encoded-word: encoded instead.
        QVERIFY(encodeUnstructuredHeader(QStringLiteral("a =?x?= b"), 9).startsWith("=?UTF-8?B?"));

        QCOMPARE(formatMailbox(QStringLiteral("Lidan \"Ltd.\""), QStringLiteral("a@b.example"), 6),
                 QByteArray("\"Lidan \\\"Ltd.\\\"\" <a@b.example>"));
        QCOMPARE(formatMailbox(QString(), QStringLiteral("a@b.example"), 6), QByteArray("a@b.example"));
    }

    void addressValidation_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<bool>("valid");
        QTest::newRow("plain") << QStringLiteral("anna@customer.example") << true;
        QTest::newRow("plus and dots") << QStringLiteral("anna.b+invoices@mail.customer.example") << true;
        QTest::newRow("no at") << QStringLiteral("anna.customer.example") << false;
        QTest::newRow("two at") << QStringLiteral("anna@b@customer.example") << false;
        QTest::newRow("space") << QStringLiteral("anna @customer.example") << false;
        QTest::newRow("display name") << QStringLiteral("Anna <anna@customer.example>") << false;
        QTest::newRow("comma list") << QStringLiteral("a@x.example,b@y.example") << false;
        QTest::newRow("line break") << QStringLiteral("a@x.example\r\nBcc: b@y.example") << false;
        QTest::newRow("non-ascii") << QStringLiteral("jürgen@customer.example") << false;
        QTest::newRow("double dot") << QStringLiteral("a..b@customer.example") << false;
        QTest::newRow("bad domain") << QStringLiteral("a@-customer.example") << false;
        QTest::newRow("empty local") << QStringLiteral("@customer.example") << false;
    }

    void addressValidation()
    {
        QFETCH(QString, address);
        QFETCH(bool, valid);
        QCOMPARE(isValidMailAddress(address), valid);
    }

    // --- real servers ----------------------------------------------------------------------

    void plainSendToLoopback()
    {
        SmtpServer server;
        QVERIFY(startServer(server, {}));
        const MailMessage m = sampleMessage();
        const SendOutcome out = SmtpClient(settingsFor(QStringLiteral("smtp://127.0.0.1:%1").arg(server.port()))).send(m);
        QVERIFY2(out.sent, qPrintable(out.reason));
        QCOMPARE(out.responseCode, 250);

        const QList<ReceivedMail> mails = server.received();
        QCOMPARE(mails.size(), 1);
        const ReceivedMail &mail = mails.first();
        QCOMPARE(mail.info.value(QStringLiteral("mailFrom")).toString(), m.fromAddress);
        QCOMPARE(mail.info.value(QStringLiteral("rcptTos")).toArray(),
                 QJsonArray({m.to.at(0), m.to.at(1)}));
        QCOMPARE(mail.info.value(QStringLiteral("tls")).toBool(), false);

        const QJsonObject msg = mail.message();
        QCOMPARE(msg.value(QStringLiteral("defects")).toArray(), QJsonArray());
        QCOMPARE(msg.value(QStringLiteral("contentType")).toString(), QStringLiteral("multipart/mixed"));
        const QJsonArray from = msg.value(QStringLiteral("fromAddresses")).toArray();
        QCOMPARE(from.size(), 1);
        QCOMPARE(from.first()[QStringLiteral("name")].toString(), m.fromName);
        QCOMPARE(from.first()[QStringLiteral("address")].toString(), m.fromAddress);
        QCOMPARE(msg.value(QStringLiteral("toAddresses")).toArray(), QJsonArray({m.to.at(0), m.to.at(1)}));
        QCOMPARE(mail.header("Subject"), m.subject);
        QCOMPARE(mail.header("Message-ID"), m.messageId);
        QCOMPARE(mail.header("MIME-Version"), QStringLiteral("1.0"));
        QCOMPARE(mail.rawHeader("Date"), QByteArray("Wed, 04 Mar 2026 10:15:00 +0100"));
        QCOMPARE(msg.value(QStringLiteral("dateEpoch")).toInteger(), m.date.toSecsSinceEpoch());

        const QJsonArray parts = mail.parts();
        QCOMPARE(parts.size(), 2);
        const QJsonObject text = parts.at(0).toObject();
        QCOMPARE(text.value(QStringLiteral("contentType")).toString(), QStringLiteral("text/plain"));
        QCOMPARE(text.value(QStringLiteral("charset")).toString(), QStringLiteral("utf-8"));
        const QByteArray body = QByteArray::fromBase64(text.value(QStringLiteral("payloadBase64")).toString().toLatin1());
        QCOMPARE(unfoldCrlf(QString::fromUtf8(body)), m.textBody);
        const QJsonObject pdf = parts.at(1).toObject();
        QCOMPARE(pdf.value(QStringLiteral("contentType")).toString(), QStringLiteral("application/pdf"));
        QCOMPARE(pdf.value(QStringLiteral("disposition")).toString(), QStringLiteral("attachment"));
        QCOMPARE(pdf.value(QStringLiteral("filename")).toString(), QStringLiteral("INV-2026-0001.pdf"));
        QCOMPARE(pdf.value(QStringLiteral("transferEncoding")).toString().toLower(), QStringLiteral("base64"));
        QCOMPARE(QByteArray::fromBase64(pdf.value(QStringLiteral("payloadBase64")).toString().toLatin1()), kPdf);

        // On the wire: 7-bit clean, CRLF lines within 998 characters, our headers within 78.
        QVERIFY(std::all_of(mail.raw.begin(), mail.raw.end(), [](char c) { return (c & 0x80) == 0; }));
        QVERIFY(mail.raw.endsWith("\r\n"));
        const QList<QByteArray> rawLines = mail.raw.chopped(1).split('\n');
        for (const QByteArray &line : rawLines)
            QVERIFY(line.endsWith('\r') && line.size() <= 999);
        QVERIFY(ourHeaderLinesFit(mail));
    }

    void nonAsciiHeadersRoundTrip()
    {
        SmtpServer server;
        QVERIFY(startServer(server, {}));
        MailMessage m = sampleMessage();
        m.subject = QStringLiteral("Rechnung RE-2026-0001 von Müller & Söhne – Grüße aus Köln 🎉 "
                                   "(ein recht langer Betreff, der mehrere Wörter braucht)");
        m.fromName = QStringLiteral("Müller & Söhne GmbH, Köln");
        m.attachments.first().fileName = QStringLiteral("Rechnung Müller.pdf");
        const SendOutcome out = SmtpClient(settingsFor(QStringLiteral("smtp://127.0.0.1:%1").arg(server.port()))).send(m);
        QVERIFY2(out.sent, qPrintable(out.reason));

        const QList<ReceivedMail> mails = server.received();
        QCOMPARE(mails.size(), 1);
        const ReceivedMail &mail = mails.first();
        QCOMPARE(mail.message().value(QStringLiteral("defects")).toArray(), QJsonArray());
        // Python's email package decodes the encoded-words back to the original text.
        QCOMPARE(mail.header("Subject"), m.subject);
        QCOMPARE(mail.message()[QStringLiteral("fromAddresses")][0][QStringLiteral("name")].toString(), m.fromName);
        QCOMPARE(mail.parts().at(1)[QStringLiteral("filename")].toString(), m.attachments.first().fileName);
        QCOMPARE(QByteArray::fromBase64(mail.parts().at(1)[QStringLiteral("payloadBase64")].toString().toLatin1()), kPdf);
        // ... from RFC 2047 encoded-words on 7-bit lines.
        const QByteArray subject = mail.rawHeader("Subject");
        QVERIFY2(subject.startsWith("=?UTF-8?B?"), subject.constData());
        QVERIFY(subject.contains("\r\n "));
        QVERIFY(std::all_of(mail.raw.begin(), mail.raw.end(), [](char c) { return (c & 0x80) == 0; }));
        QVERIFY(ourHeaderLinesFit(mail));
    }

    void longAsciiSubjectIsFolded()
    {
        SmtpServer server;
        QVERIFY(startServer(server, {}));
        MailMessage m = sampleMessage();
        m.subject = QStringLiteral("Invoice INV-2026-0001 from Lidan Ltd. for consulting services rendered "
                                   "in February 2026, due on 3 April 2026, total 12,345.67 EUR");
        const SendOutcome out = SmtpClient(settingsFor(QStringLiteral("smtp://127.0.0.1:%1").arg(server.port()))).send(m);
        QVERIFY2(out.sent, qPrintable(out.reason));
        const QList<ReceivedMail> mails = server.received();
        QCOMPARE(mails.size(), 1);
        QCOMPARE(mails.first().header("Subject"), m.subject);
        QVERIFY(mails.first().rawHeader("Subject").contains("\r\n "));
        QVERIFY(!mails.first().rawHeader("Subject").contains("=?"));
    }

    void startTlsWithTrustedCa()
    {
        SmtpServer server;
        QVERIFY(startServer(server, tlsOptions("starttls")));
        SmtpSettings s = settingsFor(QStringLiteral("smtp://127.0.0.1:%1").arg(server.port()));
        s.caFile = m_caFile;
        const SendOutcome out = SmtpClient(s).send(sampleMessage());
        QVERIFY2(out.sent, qPrintable(out.reason));
        const QList<ReceivedMail> mails = server.received();
        QCOMPARE(mails.size(), 1);
        // Loopback only tries STARTTLS; offered, it was used.
        QCOMPARE(mails.first().info.value(QStringLiteral("tls")).toBool(), true);
        QCOMPARE(QByteArray::fromBase64(mails.first().parts().at(1)[QStringLiteral("payloadBase64")].toString().toLatin1()),
                 kPdf);
    }

    void certificateNotTrusted_data()
    {
        QTest::addColumn<QString>("caFile");
        QTest::addColumn<QString>("url");
        QTest::newRow("system CAs only") << QString() << QStringLiteral("smtp://127.0.0.1:%1");
        QTest::newRow("another CA") << QStringLiteral("other") << QStringLiteral("smtp://127.0.0.1:%1");
        QTest::newRow("name not in certificate") << QStringLiteral("ca") << QStringLiteral("smtp://other.billstream.test:%1");
    }

    void certificateNotTrusted()
    {
        QFETCH(QString, caFile);
        QFETCH(QString, url);
        SmtpServer server;
        QVERIFY(startServer(server, tlsOptions("starttls")));
        SmtpSettings s = settingsFor(url.arg(server.port()));
        s.resolveTo = QStringLiteral("127.0.0.1");
        if (caFile == QLatin1String("ca"))
            s.caFile = m_caFile;
        else if (caFile == QLatin1String("other"))
            s.caFile = m_otherCaFile;
        const SendOutcome out = SmtpClient(s).send(sampleMessage());
        QVERIFY(!out.sent);
        QVERIFY(out.permanent);
        QVERIFY2(out.reason.startsWith(QLatin1String("The mail server's certificate is not trusted: ")),
                 qPrintable(out.reason));
        QVERIFY(server.received().isEmpty());
    }

    void startTlsRequiredForRemoteHost()
    {
        // A server without STARTTLS behind a name that is not loopback: nothing goes out...
        SmtpServer server;
        QVERIFY(startServer(server, {}));
        SmtpSettings s = settingsFor(QStringLiteral("smtp://%1:%2").arg(kRemoteName).arg(server.port()));
        s.resolveTo = QStringLiteral("127.0.0.1");
        QCOMPARE(smtpTlsMode(s), SmtpTlsMode::StartTlsRequired);
        const SendOutcome out = SmtpClient(s).send(sampleMessage());
        QVERIFY(!out.sent);
        QVERIFY(out.permanent);
        QVERIFY2(out.reason.contains(QLatin1String("does not offer STARTTLS")), qPrintable(out.reason));
        QVERIFY2(out.reason.contains(kRemoteName + QStringLiteral(":%1").arg(server.port())), qPrintable(out.reason));
        QVERIFY(server.received().isEmpty());

        // ... unless plain text is allowed explicitly.
        s.allowPlaintext = true;
        const SendOutcome allowed = SmtpClient(s).send(sampleMessage());
        QVERIFY2(allowed.sent, qPrintable(allowed.reason));
        QCOMPARE(server.received().size(), 1);
        QCOMPARE(server.received().first().info.value(QStringLiteral("tls")).toBool(), false);
    }

    void startTlsToRemoteHostWithTrustedCa()
    {
        SmtpServer server;
        QVERIFY(startServer(server, tlsOptions("starttls")));
        SmtpSettings s = settingsFor(QStringLiteral("smtp://%1:%2").arg(kRemoteName).arg(server.port()));
        s.resolveTo = QStringLiteral("127.0.0.1");
        s.caFile = m_caFile;
        const SendOutcome out = SmtpClient(s).send(sampleMessage());
        QVERIFY2(out.sent, qPrintable(out.reason));
        QCOMPARE(server.received().size(), 1);
        QCOMPARE(server.received().first().info.value(QStringLiteral("tls")).toBool(), true);
    }

    void implicitTlsWithLogin()
    {
        SmtpServer server;
        QVERIFY(startServer(server, tlsOptions("tls") + authOptions()));
        SmtpSettings s = settingsFor(QStringLiteral("smtps://%1@localhost:%2").arg(kUser).arg(server.port()));
        QCOMPARE(s.username, kUser);
        s.password = kPassword;
        s.caFile = m_caFile;
        const SendOutcome out = SmtpClient(s).send(sampleMessage());
        QVERIFY2(out.sent, qPrintable(out.reason));
        const QList<ReceivedMail> mails = server.received();
        QCOMPARE(mails.size(), 1);
        QCOMPARE(mails.first().info.value(QStringLiteral("tls")).toBool(), true);
        QCOMPARE(mails.first().info.value(QStringLiteral("authLogin")).toString(), kUser);
    }

    void implicitTlsUntrusted()
    {
        SmtpServer server;
        QVERIFY(startServer(server, tlsOptions("tls")));
        const SendOutcome out =
            SmtpClient(settingsFor(QStringLiteral("smtps://127.0.0.1:%1").arg(server.port()))).send(sampleMessage());
        QVERIFY(!out.sent);
        QVERIFY(out.permanent);
        QVERIFY2(out.reason.contains(QLatin1String("certificate")), qPrintable(out.reason));
        QVERIFY(server.received().isEmpty());
    }

    void login_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("right password") << kPassword << true;
        QTest::newRow("wrong password") << QStringLiteral("wrong-password-42") << false;
    }

    void login()
    {
        QFETCH(QString, password);
        QFETCH(bool, accepted);
        SmtpServer server;
        QVERIFY(startServer(server, tlsOptions("starttls") + authOptions()));
        SmtpSettings s = settingsFor(QStringLiteral("smtp://127.0.0.1:%1").arg(server.port()));
        s.username = kUser;
        s.password = password;
        s.caFile = m_caFile;
        const SendOutcome out = SmtpClient(s).send(sampleMessage());
        QCOMPARE(out.sent, accepted);
        if (accepted) {
            QCOMPARE(server.received().size(), 1);
            QCOMPARE(server.received().first().info.value(QStringLiteral("authLogin")).toString(), kUser);
            return;
        }
        QVERIFY(out.permanent);
        QVERIFY2(out.reason.startsWith(QLatin1String("The mail server rejected the user name or password")),
                 qPrintable(out.reason));
        QCOMPARE(out.responseCode, 535);
        QVERIFY(!out.reason.contains(password));
        QVERIFY(!out.reason.contains(QString::fromLatin1(password.toUtf8().toBase64())));
        QVERIFY(server.received().isEmpty());
    }

    void refusedConnection()
    {
        const LoopbackSocket closed(false);
        QVERIFY(closed.port() > 0);
        const SendOutcome out =
            SmtpClient(settingsFor(QStringLiteral("smtp://127.0.0.1:%1").arg(closed.port()))).send(sampleMessage());
        QVERIFY(!out.sent);
        QVERIFY(!out.permanent);
        QCOMPARE(out.reason,
                 QStringLiteral("The mail server at 127.0.0.1:%1 refused the connection").arg(closed.port()));
    }

    void silentServerTimesOut()
    {
        const LoopbackSocket silent(true);
        QVERIFY(silent.port() > 0);
        SmtpSettings s = settingsFor(QStringLiteral("smtp://127.0.0.1:%1").arg(silent.port()));
        s.timeoutSeconds = 1;
        const SendOutcome out = SmtpClient(s).send(sampleMessage());
        QVERIFY(!out.sent);
        QVERIFY(!out.permanent);
        QVERIFY2(out.reason.contains(QLatin1String("did not answer within 1 second")), qPrintable(out.reason));
    }

    void recipientRefused_data()
    {
        QTest::addColumn<QString>("recipient");
        QTest::addColumn<int>("code");
        QTest::addColumn<bool>("permanent");
        QTest::addColumn<QString>("serverText");
        QTest::newRow("550") << QStringLiteral("rejected@customer.example") << 550 << true
                             << QStringLiteral("No such user here");
        QTest::newRow("451") << QStringLiteral("tempfail@customer.example") << 451 << false
                             << QStringLiteral("temporarily unavailable");
    }

    void recipientRefused()
    {
        QFETCH(QString, recipient);
        QFETCH(int, code);
        QFETCH(bool, permanent);
        QFETCH(QString, serverText);
        SmtpServer server;
        QVERIFY(startServer(server, {}));
        MailMessage m = sampleMessage();
        m.to = {QStringLiteral("anna@customer.example"), recipient};
        const SendOutcome out = SmtpClient(settingsFor(QStringLiteral("smtp://127.0.0.1:%1").arg(server.port()))).send(m);
        QVERIFY(!out.sent);
        QCOMPARE(out.permanent, permanent);
        QCOMPARE(out.responseCode, code);
        QVERIFY2(out.reason.contains(QStringLiteral("refused the recipient <%1>").arg(recipient)), qPrintable(out.reason));
        QVERIFY2(out.reason.contains(serverText), qPrintable(out.reason));
        QVERIFY(server.received().isEmpty());
    }

    void headerInjectionRefused_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        const QString bcc = QStringLiteral("\r\nBcc: victim@elsewhere.example");
        QTest::newRow("subject CRLF") << QStringLiteral("subject") << QStringLiteral("Invoice") + bcc;
        QTest::newRow("subject LF") << QStringLiteral("subject") << QStringLiteral("Invoice\nBcc: v@x.example");
        QTest::newRow("subject CR") << QStringLiteral("subject") << QStringLiteral("Invoice\rBcc: v@x.example");
        QTest::newRow("fromName") << QStringLiteral("fromName") << QStringLiteral("Lidan") + bcc;
        QTest::newRow("fromAddress") << QStringLiteral("fromAddress") << QStringLiteral("billing@lidan.example") + bcc;
        QTest::newRow("to") << QStringLiteral("to[0]") << QStringLiteral("anna@customer.example") + bcc;
        QTest::newRow("messageId") << QStringLiteral("messageId") << QStringLiteral("<a@b.example>") + bcc;
        QTest::newRow("fileName") << QStringLiteral("attachments[0].fileName") << QStringLiteral("a.pdf") + bcc;
        QTest::newRow("mimeType") << QStringLiteral("attachments[0].mimeType") << QStringLiteral("application/pdf") + bcc;
    }

    void headerInjectionRefused()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        SmtpServer server;
        QVERIFY(startServer(server, {}));
        MailMessage m = sampleMessage();
        if (field == QLatin1String("subject"))
            m.subject = value;
        else if (field == QLatin1String("fromName"))
            m.fromName = value;
        else if (field == QLatin1String("fromAddress"))
            m.fromAddress = value;
        else if (field == QLatin1String("to[0]"))
            m.to = {value};
        else if (field == QLatin1String("messageId"))
            m.messageId = value;
        else if (field == QLatin1String("attachments[0].fileName"))
            m.attachments.first().fileName = value;
        else
            m.attachments.first().mimeType = value;

        const Status valid = validateMailMessage(m);
        QVERIFY(!valid.has_value());
        QCOMPARE(valid.error().violations.size(), 1);
        QCOMPARE(valid.error().violations.first().field, field);

        const SendOutcome out = SmtpClient(settingsFor(QStringLiteral("smtp://127.0.0.1:%1").arg(server.port()))).send(m);
        QVERIFY(!out.sent);
        QVERIFY(out.permanent);
        QVERIFY2(out.reason.contains(field + QStringLiteral(": ")), qPrintable(out.reason));
        QVERIFY(!out.reason.contains(QLatin1Char('\n')));
        QVERIFY(server.received().isEmpty());
    }

    void messageChecks()
    {
        MailMessage m = sampleMessage();
        QVERIFY(validateMailMessage(m).has_value());
        m.to.clear();
        m.messageId.clear();
        const Status valid = validateMailMessage(m);
        QVERIFY(!valid.has_value());
        // Every problem at once.
        QCOMPARE(valid.error().violations.size(), 2);
        QVERIFY(valid.error().message.contains(QLatin1String("to: names no recipient")));
        QVERIFY(valid.error().message.contains(QLatin1String("messageId: is missing")));
    }
};

QTEST_GUILESS_MAIN(TestSmtpClient)
#include "tst_smtpclient.moc"
