#pragma once

// The real SMTP server of smtp_server.py (aiosmtpd on 127.0.0.1) in a child process, test
// certificates made with openssl, and what the server received, for the mailer's tests.
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Billstream::Testing {

constexpr int kProcessWaitMs = 60000;

inline bool runTool(const QString &program, const QStringList &args, const QString &workDir, QString *output = nullptr)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setWorkingDirectory(workDir);
    p.start(program, args);
    if (!p.waitForStarted(kProcessWaitMs) || !p.waitForFinished(kProcessWaitMs))
        return false;
    if (output)
        *output = QString::fromLocal8Bit(p.readAll());
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

// python3 with aiosmtpd (Debian's python3-aiosmtpd is not on a pyenv python's path).
inline QString pythonWithAiosmtpd()
{
    QStringList candidates{QStringLiteral("/usr/bin/python3"), QStringLiteral("python3")};
    if (qEnvironmentVariableIsSet("BILLSTREAM_TEST_PYTHON"))
        candidates.prepend(qEnvironmentVariable("BILLSTREAM_TEST_PYTHON"));
    for (const QString &c : candidates) {
        if (runTool(c, {QStringLiteral("-c"), QStringLiteral("import aiosmtpd")}, QDir::tempPath()))
            return c;
    }
    return QString();
}

// A CA and a server certificate for 127.0.0.1 and localhost, made fresh in `dir`.
struct TestCertificates
{
    QString caFile;
    QString otherCaFile;
    QString certFile;
    QString keyFile;

    bool make(const QString &dir)
    {
        const auto ca = [&](const QString &name) {
            return runTool(QStringLiteral("openssl"),
                           {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                            QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                            QStringLiteral("-keyout"), name + QStringLiteral(".key"), QStringLiteral("-out"),
                            name + QStringLiteral(".pem"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                            QStringLiteral("/CN=Billstream Mailer Test CA ") + name, QStringLiteral("-addext"),
                            QStringLiteral("basicConstraints=critical,CA:TRUE"), QStringLiteral("-addext"),
                            QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")},
                           dir);
        };
        if (!ca(QStringLiteral("ca")) || !ca(QStringLiteral("other-ca")))
            return false;
        QFile ext(dir + QStringLiteral("/server.ext"));
        if (!ext.open(QIODevice::WriteOnly))
            return false;
        ext.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                  "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n");
        ext.close();
        if (!runTool(QStringLiteral("openssl"),
                     {QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                      QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                      QStringLiteral("server.key"), QStringLiteral("-out"), QStringLiteral("server.csr"),
                      QStringLiteral("-subj"), QStringLiteral("/CN=localhost")},
                     dir))
            return false;
        if (!runTool(QStringLiteral("openssl"),
                     {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), QStringLiteral("server.csr"),
                      QStringLiteral("-CA"), QStringLiteral("ca.pem"), QStringLiteral("-CAkey"), QStringLiteral("ca.key"),
                      QStringLiteral("-set_serial"), QStringLiteral("7"), QStringLiteral("-days"), QStringLiteral("2"),
                      QStringLiteral("-extfile"), QStringLiteral("server.ext"), QStringLiteral("-out"),
                      QStringLiteral("server.pem")},
                     dir))
            return false;
        caFile = dir + QStringLiteral("/ca.pem");
        otherCaFile = dir + QStringLiteral("/other-ca.pem");
        certFile = dir + QStringLiteral("/server.pem");
        keyFile = dir + QStringLiteral("/server.key");
        return true;
    }

    QStringList serverOptions(const char *mode) const
    {
        return {QStringLiteral("--mode"), QLatin1String(mode), QStringLiteral("--cert"), certFile,
                QStringLiteral("--key"), keyFile};
    }
};

// One message as smtp_server.py stored it.
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
    QByteArray partPayload(int i) const
    {
        return QByteArray::fromBase64(parts().at(i).toObject().value(QStringLiteral("payloadBase64")).toString().toLatin1());
    }
};

inline QList<ReceivedMail> receivedIn(const QString &outDir)
{
    QList<ReceivedMail> mails;
    for (int n = 1;; ++n) {
        QFile eml(QStringLiteral("%1/msg-%2.eml").arg(outDir).arg(n));
        QFile json(QStringLiteral("%1/msg-%2.json").arg(outDir).arg(n));
        if (!eml.open(QIODevice::ReadOnly) || !json.open(QIODevice::ReadOnly))
            break;
        mails << ReceivedMail{eml.readAll(), QJsonDocument::fromJson(json.readAll()).object()};
    }
    return mails;
}

// smtp_server.py in a child process; stopped (stdin closed, then killed) with this object.
class SmtpServer
{
public:
    ~SmtpServer() { stop(); }

    bool start(const QString &python, const QStringList &options, const QString &outDir)
    {
        m_outDir = outDir;
        QStringList args{QStringLiteral(SRCDIR "smtp_server.py"), QStringLiteral("--out-dir"), outDir,
                         QStringLiteral("--lifetime"), QStringLiteral("180"), QStringLiteral("--exit-on-stdin-eof")};
        m_process.start(python, args + options);
        if (!m_process.waitForStarted(kProcessWaitMs)) {
            qWarning("smtp_server.py did not start: %s", qPrintable(m_process.errorString()));
            return false;
        }
        const QDeadlineTimer deadline(kProcessWaitMs);
        while (!m_process.canReadLine() && !deadline.hasExpired()) {
            if (!m_process.waitForReadyRead(int(deadline.remainingTime())))
                break;
        }
        const QByteArray line = m_process.readLine().trimmed();
        if (!line.startsWith("READY ")) {
            qWarning("smtp_server.py: no READY line: %s %s", line.constData(), m_process.readAllStandardError().constData());
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
        if (!m_process.waitForFinished(5000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    int port() const { return m_port; }
    QString url(const QString &host = QStringLiteral("127.0.0.1"), const QString &user = {}) const
    {
        return QStringLiteral("smtp://%1%2:%3").arg(user.isEmpty() ? QString() : user + QLatin1Char('@'), host).arg(m_port);
    }
    QList<ReceivedMail> received() const { return receivedIn(m_outDir); }
    QString outDir() const { return m_outDir; }

private:
    QProcess m_process;
    QString m_outDir;
    int m_port = 0;
};

// A TCP port on 127.0.0.1 that refuses connections: bound, never listening.
class RefusingPort
{
public:
    RefusingPort()
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof(address);
        if (m_fd >= 0 && ::bind(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) == 0
            && ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&address), &length) == 0)
            m_port = ntohs(address.sin_port);
    }
    ~RefusingPort()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    RefusingPort(const RefusingPort &) = delete;
    RefusingPort &operator=(const RefusingPort &) = delete;
    int port() const { return m_port; }

private:
    int m_fd = -1;
    int m_port = 0;
};

// How many received messages carry each Message-ID.
inline QMap<QString, int> messageIdCounts(const QList<ReceivedMail> &mails)
{
    QMap<QString, int> counts;
    for (const ReceivedMail &m : mails)
        ++counts[m.header("Message-ID")];
    return counts;
}

// The whole store file and its WAL, for checking that a secret never reached them.
inline QByteArray storeBytes(const QString &storePath)
{
    QByteArray all;
    for (const QString &suffix : {QString(), QStringLiteral("-wal")}) {
        QFile f(storePath + suffix);
        if (f.open(QIODevice::ReadOnly))
            all += f.readAll();
    }
    return all;
}

} // namespace Billstream::Testing
