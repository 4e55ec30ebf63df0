#include "core/mail/smtpclient.h"

#include "core/mail/mailheaders.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <curl/curl.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <mutex>
#include <optional>

// CURLOPT_PROTOCOLS_STR (7.85), CURLINFO_CAINFO (7.84), CURLOPT_CAINFO_BLOB (7.77).
static_assert(LIBCURL_VERSION_NUM >= 0x075500, "Billstream's SMTP client needs libcurl 7.85 or newer");

namespace Billstream {

namespace {

constexpr int kDefaultSmtpPort = 587;  // RFC 6409 message submission, STARTTLS
constexpr int kDefaultSmtpsPort = 465; // RFC 8314 submission over implicit TLS
constexpr int kMaxTimeoutSeconds = 3600;
// A stalled server is caught by the per-reply timeouts; this only bounds a slow trickle.
constexpr int kWholeSendTimeoutFactor = 20;
constexpr qint64 kMaxCaFileSize = 4 * 1024 * 1024;

constexpr QLatin1String kSmtp("smtp");
constexpr QLatin1String kSmtps("smtps");

// libcurl's global state is set up once per process, from whichever thread sends first.
CURLcode initCurlOnce()
{
    static std::once_flag once;
    static CURLcode result = CURLE_FAILED_INIT;
    std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
    return result;
}

struct CurlEasyDeleter
{
    void operator()(CURL *handle) const { curl_easy_cleanup(handle); }
};
struct CurlSlistDeleter
{
    void operator()(curl_slist *list) const { curl_slist_free_all(list); }
};
struct CurlMimeDeleter
{
    void operator()(curl_mime *mime) const { curl_mime_free(mime); }
};

// A curl_slist that stays valid while the transfer runs; append() reports allocation failure.
class StringList
{
public:
    bool append(const QByteArray &line)
    {
        curl_slist *head = curl_slist_append(m_list.get(), line.constData());
        if (!head)
            return false;
        m_list.release();
        m_list.reset(head);
        return true;
    }
    curl_slist *get() const { return m_list.get(); }

private:
    std::unique_ptr<curl_slist, CurlSlistDeleter> m_list;
};

Error urlError(const QString &message)
{
    return Error::invalidField(QStringLiteral("smtpUrl"), message);
}

bool isDottedQuad(const QString &text)
{
    // No leading zeros: resolvers differ on whether `010` is octal.
    static const QRegularExpression quad(QStringLiteral("^(0|[1-9]\\d{0,2})(\\.(0|[1-9]\\d{0,2})){3}$"));
    if (!quad.match(text).hasMatch())
        return false;
    const QStringList parts = text.split(QLatin1Char('.'));
    return std::all_of(parts.begin(), parts.end(), [](const QString &p) { return p.toInt() <= 255; });
}

// The address in the form QUrl and curl agree on, or nothing when it is not an IP literal.
std::optional<QString> normalizedIpAddress(const QString &text)
{
    if (isDottedQuad(text))
        return text;
    if (!text.contains(QLatin1Char(':')))
        return std::nullopt;
    QString bare = text;
    if (bare.startsWith(QLatin1Char('[')) && bare.endsWith(QLatin1Char(']')))
        bare = bare.mid(1, bare.size() - 2);
    const QUrl probe(QStringLiteral("smtp://[") + bare + QStringLiteral("]"), QUrl::StrictMode);
    if (!probe.isValid() || probe.host().isEmpty())
        return std::nullopt;
    return probe.host();
}

QString endpointText(const QString &host, int port)
{
    const QString shownHost = host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    return shownHost + QLatin1Char(':') + QString::number(port);
}

// Everything send() needs from the settings, checked once.
struct Endpoint
{
    QString scheme;
    QString host; // ASCII (punycode) form
    int port = 0;
    QString username;
};

Result<Endpoint> checkedEndpoint(const SmtpSettings &settings)
{
    const Result<SmtpSettings> parsed = parseSmtpUrl(settings.url.toString(QUrl::FullyEncoded));
    if (!parsed)
        return fail(parsed.error());
    QList<Violation> violations;
    if (settings.timeoutSeconds < 1 || settings.timeoutSeconds > kMaxTimeoutSeconds)
        violations.append({QStringLiteral("timeoutSeconds"), QStringLiteral("must be between 1 and 3600")});
    if (hasControlCharacters(settings.username))
        violations.append({QStringLiteral("username"), QStringLiteral("contains a line break or control character")});
    if (settings.password.contains(QChar(0)))
        violations.append({QStringLiteral("password"), QStringLiteral("contains a NUL character")});
    if (!settings.caFile.isEmpty()) {
        const QFileInfo info(settings.caFile);
        if (!info.isFile() || !info.isReadable())
            violations.append({QStringLiteral("caFile"), QStringLiteral("'%1' is not a readable file").arg(settings.caFile)});
    }
    if (!settings.resolveTo.isEmpty() && !normalizedIpAddress(settings.resolveTo))
        violations.append({QStringLiteral("resolveTo"), QStringLiteral("is not an IP address")});
    if (!violations.isEmpty()) {
        QStringList parts;
        for (const Violation &v : violations)
            parts << v.field + QStringLiteral(": ") + v.message;
        return fail(Error::validation(parts.join(QStringLiteral("; ")), violations));
    }
    const QUrl &url = parsed->url;
    return Endpoint{url.scheme(), url.host(QUrl::FullyEncoded), url.port(),
                    settings.username.isEmpty() ? parsed->username : settings.username};
}

bool isValidMessageId(const QString &id)
{
    // RFC 5322 §3.6.4 msg-id: `<` id-left `@` id-right `>`, printable ASCII without white space.
    static const QRegularExpression msgId(QStringLiteral("^<?([!-;=?-~]+)@([!-;=?-~]+)>?$"));
    const bool bracketsBalanced = id.startsWith(QLatin1Char('<')) == id.endsWith(QLatin1Char('>'));
    return id.size() <= 250 && bracketsBalanced && msgId.match(id).hasMatch() && id.count(QLatin1Char('@')) == 1;
}

bool isValidMimeType(const QString &type)
{
    static const QRegularExpression mimeType(
        QStringLiteral("^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$"));
    return type.size() <= 127 && mimeType.match(type).hasMatch();
}

QString angleBracketed(const QString &id)
{
    return id.startsWith(QLatin1Char('<')) ? id : QLatin1Char('<') + id + QLatin1Char('>');
}

// RFC 2231 `filename*=UTF-8''…` for names that are not plain ASCII; curl would put raw UTF-8 in
// the header.
QByteArray contentDispositionFor(const QString &fileName)
{
    const QByteArray encoded = fileName.toUtf8().toPercentEncoding("!#$&+-.^_`|~");
    return "Content-Disposition: attachment; filename*=UTF-8''" + encoded;
}

bool isPlainAsciiName(const QString &name)
{
    return std::all_of(name.begin(), name.end(), [](QChar c) { return c.unicode() >= 0x20 && c.unicode() < 0x7F; });
}

QByteArray toCrlf(const QString &text)
{
    QString normalized = text;
    normalized.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    normalized.replace(QLatin1Char('\r'), QLatin1Char('\n'));
    normalized.replace(QLatin1Char('\n'), QStringLiteral("\r\n"));
    return normalized.toUtf8();
}

QByteArray addressList(const QStringList &addresses, int prefixLength)
{
    QByteArray out;
    qsizetype lineLength = prefixLength;
    for (const QString &address : addresses) {
        const QByteArray a = address.toLatin1();
        if (!out.isEmpty()) {
            const bool fold = lineLength + 2 + a.size() > 78;
            out += fold ? QByteArray(",\r\n ") : QByteArray(", ");
            lineLength = fold ? 1 : lineLength + 2;
        }
        out += a;
        lineLength += a.size();
    }
    return out;
}

// What the server said, collected from curl's protocol trace. Only server replies and the RCPT
// commands are kept: the other lines we send include the AUTH exchange. The last error reply
// is kept apart, as curl still says QUIT (and hears `221 Bye`) after a refusal.
struct Trace
{
    QByteArray pending;
    QList<QByteArray> replyLines;
    QByteArray lastErrorReply;
    QByteArray lastRecipient;
    // The server said 354 (go ahead with the message), and what it replied after the message.
    bool dataStarted = false;
    int replyAfterData = 0;
};

int onCurlDebug(CURL *, curl_infotype type, char *data, size_t size, void *userp)
{
    auto *trace = static_cast<Trace *>(userp);
    if (type == CURLINFO_HEADER_OUT) {
        const QByteArray line(data, static_cast<qsizetype>(size));
        if (line.startsWith("RCPT TO:"))
            trace->lastRecipient = line.mid(8).trimmed();
        return 0;
    }
    if (type != CURLINFO_HEADER_IN)
        return 0;
    trace->pending.append(data, static_cast<qsizetype>(size));
    qsizetype newline = -1;
    while ((newline = trace->pending.indexOf('\n')) >= 0) {
        QByteArray line = trace->pending.left(newline).trimmed();
        trace->pending.remove(0, newline + 1);
        const bool last = line.size() < 4 || line.at(3) != '-';
        // Continuation lines lose their `NNN-` prefix: `550 first line second line`.
        trace->replyLines.append(trace->replyLines.isEmpty() ? line : line.mid(4));
        if (last) {
            const QByteArray reply = trace->replyLines.join(' ');
            trace->replyLines.clear();
            if (reply.size() >= 3 && reply.at(0) >= '4' && reply.at(0) <= '5')
                trace->lastErrorReply = reply;
            const int code = reply.left(3).toInt();
            if (code == 354)
                trace->dataStarted = true;
            else if (trace->dataStarted && trace->replyAfterData == 0)
                trace->replyAfterData = code;
        }
    }
    return 0;
}

// Server text and curl's messages end up in events and on screen: printable ASCII only, bounded.
QString printable(const QByteArray &text)
{
    QString out;
    for (char c : text) {
        if (out.size() >= 300)
            break;
        out += (c >= 0x20 && c < 0x7F) ? QLatin1Char(c) : QLatin1Char(' ');
    }
    return out.simplified();
}

// A server could echo what it was sent; no form of the password may reach a reason.
QString scrubbed(QString text, const QByteArray &user, const QByteArray &password)
{
    if (password.isEmpty())
        return text;
    const QByteArray forms[] = {
        password,
        password.toBase64(),
        QByteArray('\0' + user + '\0' + password).toBase64(),
        QByteArray(user + '\0' + user + '\0' + password).toBase64(),
    };
    for (const QByteArray &form : forms)
        text.replace(QString::fromUtf8(form), QStringLiteral("[hidden]"));
    return text;
}

struct FailureContext
{
    QString endpoint;
    QString host;
    int timeoutSeconds = 0;
    long responseCode = 0;
    long osErrno = 0;
    QString curlMessage; // the error buffer, or curl_easy_strerror() when it is empty
    QString serverReply;
    QString lastRecipient;
};

SendOutcome failure(CURLcode code, const FailureContext &c)
{
    SendOutcome out;
    out.responseCode = static_cast<int>(c.responseCode);
    const QString replySuffix = c.serverReply.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(c.serverReply);
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
        out.reason = QStringLiteral("The mail server's name %1 could not be found").arg(c.host);
        return out;
    case CURLE_COULDNT_CONNECT:
        out.reason = c.osErrno == ECONNREFUSED
            ? QStringLiteral("The mail server at %1 refused the connection").arg(c.endpoint)
            : QStringLiteral("Could not connect to the mail server at %1: %2").arg(c.endpoint, c.curlMessage);
        return out;
    case CURLE_OPERATION_TIMEDOUT:
        out.reason = QStringLiteral("The mail server at %1 did not answer within %2 %3")
                         .arg(c.endpoint)
                         .arg(c.timeoutSeconds)
                         .arg(c.timeoutSeconds == 1 ? QStringLiteral("second") : QStringLiteral("seconds"));
        return out;
    case CURLE_LOGIN_DENIED:
        out.permanent = true;
        if (c.curlMessage.contains(QLatin1String("No known authentication mechanisms")))
            out.reason = QStringLiteral("The mail server at %1 offers no sign-in method Billstream supports%2")
                             .arg(c.endpoint, replySuffix);
        else if (c.responseCode == 538)
            out.reason = QStringLiteral("The mail server at %1 accepts a sign-in only over an encrypted connection%2")
                             .arg(c.endpoint, replySuffix);
        else
            out.reason = QStringLiteral("The mail server rejected the user name or password%1").arg(replySuffix);
        return out;
    case CURLE_PEER_FAILED_VERIFICATION:
        out.permanent = true;
        out.reason = QStringLiteral("The mail server's certificate is not trusted: %1").arg(c.curlMessage);
        return out;
    case CURLE_SSL_CACERT_BADFILE:
        out.permanent = true;
        out.reason = QStringLiteral("The trusted certificates could not be loaded: %1").arg(c.curlMessage);
        return out;
    case CURLE_USE_SSL_FAILED:
        out.permanent = true;
        out.reason = QStringLiteral("The mail server at %1 does not offer STARTTLS (%2); the message is not sent "
                                    "unencrypted. Use smtps://, a server with STARTTLS, or allow plain text")
                         .arg(c.endpoint, c.curlMessage);
        return out;
    case CURLE_SSL_CONNECT_ERROR:
        out.reason = QStringLiteral("No encrypted connection could be set up with the mail server at %1: %2")
                         .arg(c.endpoint, c.curlMessage);
        return out;
    default:
        break;
    }
    if (c.responseCode >= 400) {
        QString what = QStringLiteral("refused the message");
        if (c.curlMessage.startsWith(QLatin1String("MAIL failed")))
            what = QStringLiteral("refused the sender address");
        else if (c.curlMessage.startsWith(QLatin1String("RCPT failed")))
            what = QStringLiteral("refused the recipient %1").arg(c.lastRecipient);
        out.permanent = c.responseCode >= 500;
        out.reason = QStringLiteral("The mail server %1: %2")
                         .arg(what, c.serverReply.isEmpty() ? QString::number(c.responseCode) : c.serverReply);
        return out;
    }
    out.reason = QStringLiteral("Sending through the mail server at %1 failed: %2").arg(c.endpoint, c.curlMessage);
    return out;
}

SendOutcome refused(const QString &reason)
{
    return SendOutcome{false, reason, true, 0};
}

// The extra CA joins the system's trusted certificates rather than replacing them: CAINFO_BLOB
// overrides CURLOPT_CAINFO, so the blob holds the caller's CA plus libcurl's default bundle;
// the default CAPATH (Debian: /etc/ssl/certs) stays in use as well.
Result<QByteArray> trustedCertificates(CURL *handle, const QString &caFile)
{
    QFile file(caFile);
    if (!file.open(QIODevice::ReadOnly) || file.size() > kMaxCaFileSize)
        return fail(Error::invalidField(QStringLiteral("caFile"), QStringLiteral("'%1' cannot be read").arg(caFile)));
    QByteArray pem = file.readAll();
    if (!pem.contains("-----BEGIN CERTIFICATE-----"))
        return fail(Error::invalidField(QStringLiteral("caFile"),
                                        QStringLiteral("'%1' holds no PEM certificate").arg(caFile)));
    char *defaultBundle = nullptr;
    if (curl_easy_getinfo(handle, CURLINFO_CAINFO, &defaultBundle) == CURLE_OK && defaultBundle) {
        QFile system(QFile::decodeName(defaultBundle));
        if (system.open(QIODevice::ReadOnly))
            pem += '\n' + system.readAll();
    }
    return pem;
}

} // namespace

Result<SmtpSettings> parseSmtpUrl(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return fail(urlError(QStringLiteral("is empty; expected smtp://[user@]host:port or smtps://[user@]host:port")));
    if (hasControlCharacters(trimmed))
        return fail(urlError(QStringLiteral("contains a line break or control character")));
    const QUrl url(trimmed, QUrl::StrictMode);
    // QUrl's own messages quote the input, which may hold a password: only our words go out.
    if (!url.isValid()) {
        const QString qtReason = url.errorString();
        if (qtReason.startsWith(QLatin1String("Invalid port")))
            return fail(urlError(QStringLiteral("has an invalid port; use a number from 1 to 65535")));
        if (qtReason.startsWith(QLatin1String("Invalid hostname")) || qtReason.startsWith(QLatin1String("Invalid IPv")))
            return fail(urlError(QStringLiteral("has an invalid host name")));
        return fail(urlError(QStringLiteral("is not a valid URL; expected smtp://[user@]host:port")));
    }
    const QString scheme = url.scheme().toLower();
    if (scheme.isEmpty())
        return fail(urlError(QStringLiteral("has no scheme; expected smtp:// (STARTTLS) or smtps:// (implicit TLS)")));
    if (scheme != kSmtp && scheme != kSmtps)
        return fail(urlError(
            QStringLiteral("uses %1://; expected smtp:// (STARTTLS) or smtps:// (implicit TLS)").arg(scheme)));
    if (!url.password().isEmpty())
        return fail(urlError(QStringLiteral("must not contain a password; it comes from the keychain or "
                                            "$BILLSTREAM_SMTP_PASSWORD")));
    const QString host = url.host(QUrl::FullyEncoded);
    if (host.isEmpty())
        return fail(urlError(QStringLiteral("has no host name")));
    if (url.port() == 0)
        return fail(urlError(QStringLiteral("has port 0; use a number from 1 to 65535")));
    if (!url.path().isEmpty() && url.path() != QLatin1String("/"))
        return fail(urlError(QStringLiteral("must not have a path")));
    if (url.hasQuery() || url.hasFragment())
        return fail(urlError(QStringLiteral("must not have a query or fragment")));
    const QString user = url.userName(QUrl::FullyDecoded);
    if (hasControlCharacters(user))
        return fail(urlError(QStringLiteral("has a user name with a line break or control character")));

    SmtpSettings settings;
    QUrl clean;
    clean.setScheme(scheme);
    clean.setHost(host);
    clean.setPort(url.port() > 0 ? url.port() : (scheme == kSmtps ? kDefaultSmtpsPort : kDefaultSmtpPort));
    settings.url = clean;
    settings.username = user;
    return settings;
}

Status validateSmtpSettings(const SmtpSettings &settings)
{
    const Result<Endpoint> endpoint = checkedEndpoint(settings);
    if (!endpoint)
        return fail(endpoint.error());
    return {};
}

Status validateMailMessage(const MailMessage &message)
{
    QList<Violation> violations;
    auto refuse = [&violations](const QString &field, const QString &text) { violations.append({field, text}); };
    const QString lineBreak = QStringLiteral("contains a line break or control character");

    if (!isValidMailAddress(message.fromAddress))
        refuse(QStringLiteral("fromAddress"), QStringLiteral("is not a valid e-mail address"));
    if (hasControlCharacters(message.fromName))
        refuse(QStringLiteral("fromName"), lineBreak);
    if (message.to.isEmpty())
        refuse(QStringLiteral("to"), QStringLiteral("names no recipient"));
    for (qsizetype i = 0; i < message.to.size(); ++i) {
        if (!isValidMailAddress(message.to.at(i)))
            refuse(QStringLiteral("to[%1]").arg(i), QStringLiteral("is not a valid e-mail address"));
    }
    if (hasControlCharacters(message.subject))
        refuse(QStringLiteral("subject"), lineBreak);
    if (message.messageId.isEmpty())
        refuse(QStringLiteral("messageId"), QStringLiteral("is missing"));
    else if (!isValidMessageId(message.messageId))
        refuse(QStringLiteral("messageId"), QStringLiteral("is not of the form <id@domain>"));
    for (qsizetype i = 0; i < message.attachments.size(); ++i) {
        const MailAttachment &a = message.attachments.at(i);
        const QString field = QStringLiteral("attachments[%1]").arg(i);
        if (a.fileName.isEmpty())
            refuse(field + QStringLiteral(".fileName"), QStringLiteral("is empty"));
        else if (hasControlCharacters(a.fileName))
            refuse(field + QStringLiteral(".fileName"), lineBreak);
        else if (a.fileName.size() > 255 || a.fileName.contains(QLatin1Char('/')) || a.fileName.contains(QLatin1Char('\\')))
            refuse(field + QStringLiteral(".fileName"), QStringLiteral("must be a plain file name of at most 255 characters"));
        if (!a.mimeType.isEmpty() && !isValidMimeType(a.mimeType))
            refuse(field + QStringLiteral(".mimeType"), QStringLiteral("is not a MIME type such as application/pdf"));
    }
    if (violations.isEmpty())
        return {};
    QStringList parts;
    for (const Violation &v : violations)
        parts << v.field + QStringLiteral(": ") + v.message;
    return fail(Error::validation(QStringLiteral("The message cannot be sent: ") + parts.join(QStringLiteral("; ")),
                                  violations));
}

bool isLoopbackHost(const QString &host)
{
    QString h = host.toLower();
    if (h == QLatin1String("localhost"))
        return true;
    if (const std::optional<QString> ip = normalizedIpAddress(h))
        h = *ip;
    else
        return false;
    if (h == QLatin1String("::1"))
        return true;
    if (h.startsWith(QLatin1String("::ffff:")))
        h = h.mid(7);
    return isDottedQuad(h) && h.startsWith(QLatin1String("127."));
}

SmtpTlsMode smtpTlsMode(const SmtpSettings &settings)
{
    if (settings.url.scheme().toLower() == kSmtps)
        return SmtpTlsMode::Implicit;
    const bool loopback = isLoopbackHost(settings.url.host(QUrl::FullyEncoded))
        && (settings.resolveTo.isEmpty() || isLoopbackHost(settings.resolveTo));
    return loopback || settings.allowPlaintext ? SmtpTlsMode::StartTlsIfOffered : SmtpTlsMode::StartTlsRequired;
}

QString makeMessageId(const QString &deliveryId, const QString &domain)
{
    static const QRegularExpression dotAtom(QStringLiteral("^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$"));
    const QString left = deliveryId.size() <= 64 && dotAtom.match(deliveryId).hasMatch()
        ? deliveryId
        : QString::fromLatin1(QCryptographicHash::hash(deliveryId.toUtf8(), QCryptographicHash::Sha256).toHex());
    QString right = QString::fromLatin1(QUrl::toAce(domain.trimmed())).toLower();
    if (!isValidDomainName(right))
        right = QStringLiteral("billstream.invalid");
    return QStringLiteral("<billstream.") + left + QLatin1Char('@') + right + QLatin1Char('>');
}

SmtpClient::SmtpClient(SmtpSettings settings)
    : m_settings(std::move(settings))
{
}

SendOutcome SmtpClient::send(const MailMessage &message) const
{
    const Result<Endpoint> endpoint = checkedEndpoint(m_settings);
    if (!endpoint)
        return refused(QStringLiteral("The mail settings are not valid: ") + endpoint.error().message);
    if (const Status valid = validateMailMessage(message); !valid)
        return refused(valid.error().message);
    if (initCurlOnce() != CURLE_OK)
        return SendOutcome{false, QStringLiteral("The mail library (libcurl) could not be initialised"), false, 0};

    const QString endpointName = endpointText(endpoint->host, endpoint->port);
    const SmtpTlsMode tlsMode = smtpTlsMode(m_settings);
    const QByteArray user = endpoint->username.toUtf8();
    QByteArray password = user.isEmpty() ? QByteArray() : m_settings.password.toUtf8();
    const int timeout = m_settings.timeoutSeconds;

    // The EHLO name (the URL's path for curl): the sender's domain, a real name that servers
    // checking it accept, rather than curl's default `localhost`.
    const QString senderDomain = message.fromAddress.mid(message.fromAddress.lastIndexOf(QLatin1Char('@')) + 1);
    QUrl curlUrl;
    curlUrl.setScheme(endpoint->scheme);
    curlUrl.setHost(endpoint->host);
    curlUrl.setPort(endpoint->port);
    curlUrl.setPath(QLatin1Char('/') + senderDomain);
    const QByteArray curlUrlText = curlUrl.toEncoded();

    StringList headers;
    StringList recipients;
    StringList resolve;
    bool listsOk = true;
    const QDateTime date = message.date.isValid() ? message.date : QDateTime::currentDateTime();
    listsOk &= headers.append("Date: " + formatMailDate(date));
    listsOk &= headers.append("From: " + formatMailbox(message.fromName, message.fromAddress, 6));
    listsOk &= headers.append("To: " + addressList(message.to, 4));
    listsOk &= headers.append("Subject: " + encodeUnstructuredHeader(message.subject, 9));
    listsOk &= headers.append("Message-ID: " + angleBracketed(message.messageId).toLatin1());
    listsOk &= headers.append("MIME-Version: 1.0");
    for (const QString &to : message.to)
        listsOk &= recipients.append('<' + to.toLatin1() + '>');
    if (!m_settings.resolveTo.isEmpty()) {
        const QString ip = *normalizedIpAddress(m_settings.resolveTo);
        const QString address = ip.contains(QLatin1Char(':')) ? QLatin1Char('[') + ip + QLatin1Char(']') : ip;
        listsOk &= resolve.append(
            QStringLiteral("%1:%2:%3").arg(endpoint->host).arg(endpoint->port).arg(address).toLatin1());
    }
    if (!listsOk)
        return SendOutcome{false, QStringLiteral("Out of memory while preparing the message"), false, 0};

    const std::unique_ptr<CURL, CurlEasyDeleter> handle(curl_easy_init());
    if (!handle)
        return SendOutcome{false, QStringLiteral("The mail library (libcurl) could not start a transfer"), false, 0};
    CURL *h = handle.get();

    // The message: multipart/mixed (libcurl's default for a mail's top level) with the text and
    // the attachments; the top-level headers come from CURLOPT_HTTPHEADER.
    const std::unique_ptr<curl_mime, CurlMimeDeleter> mime(curl_mime_init(h));
    if (!mime)
        return SendOutcome{false, QStringLiteral("Out of memory while preparing the message"), false, 0};
    CURLcode rc = CURLE_OK;
    auto check = [&rc](CURLcode result) {
        if (rc == CURLE_OK)
            rc = result;
    };
    const QByteArray body = toCrlf(message.textBody);
    curl_mimepart *textPart = curl_mime_addpart(mime.get());
    check(textPart ? CURLE_OK : CURLE_OUT_OF_MEMORY);
    if (textPart) {
        check(curl_mime_data(textPart, body.constData(), static_cast<size_t>(body.size())));
        check(curl_mime_type(textPart, "text/plain; charset=utf-8"));
        check(curl_mime_encoder(textPart, "quoted-printable"));
    }
    // curl_mime_headers() takes ownership of these lists, so they are plain pointers here.
    for (const MailAttachment &attachment : message.attachments) {
        curl_mimepart *part = curl_mime_addpart(mime.get());
        check(part ? CURLE_OK : CURLE_OUT_OF_MEMORY);
        if (!part)
            break;
        const QByteArray type = attachment.mimeType.isEmpty() ? QByteArray("application/octet-stream")
                                                              : attachment.mimeType.toLatin1();
        check(curl_mime_data(part, attachment.data.constData(), static_cast<size_t>(attachment.data.size())));
        check(curl_mime_type(part, type.constData()));
        check(curl_mime_encoder(part, "base64"));
        if (isPlainAsciiName(attachment.fileName)) {
            check(curl_mime_filename(part, attachment.fileName.toLatin1().constData()));
        } else {
            curl_slist *partHeaders = curl_slist_append(nullptr, contentDispositionFor(attachment.fileName).constData());
            check(partHeaders ? curl_mime_headers(part, partHeaders, 1) : CURLE_OUT_OF_MEMORY);
        }
    }

    char errorBuffer[CURL_ERROR_SIZE] = {};
    Trace trace;
    check(curl_easy_setopt(h, CURLOPT_URL, curlUrlText.constData()));
    check(curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps"));
    check(curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L));
    check(curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errorBuffer));
    check(curl_easy_setopt(h, CURLOPT_VERBOSE, 1L));
    check(curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, &onCurlDebug));
    check(curl_easy_setopt(h, CURLOPT_DEBUGDATA, &trace));
    check(curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(timeout)));
    check(curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, static_cast<long>(timeout)));
    check(curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L));
    check(curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(timeout)));
    check(curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(timeout) * kWholeSendTimeoutFactor));

    // TLS: see smtpTlsMode(). With CURLUSESSL_TRY, a server that offers STARTTLS still gets its
    // certificate verified; only a server without STARTTLS is talked to in plain text.
    check(curl_easy_setopt(h, CURLOPT_USE_SSL,
                           static_cast<long>(tlsMode == SmtpTlsMode::StartTlsIfOffered ? CURLUSESSL_TRY : CURLUSESSL_ALL)));
    check(curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L));
    check(curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L));
    check(curl_easy_setopt(h, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2)));
    if (!m_settings.caFile.isEmpty()) {
        Result<QByteArray> pem = trustedCertificates(h, m_settings.caFile);
        if (!pem)
            return refused(pem.error().message);
        curl_blob blob{pem->data(), static_cast<size_t>(pem->size()), CURL_BLOB_COPY};
        check(curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob));
    }
    if (resolve.get())
        check(curl_easy_setopt(h, CURLOPT_RESOLVE, resolve.get()));

    if (!user.isEmpty()) {
        check(curl_easy_setopt(h, CURLOPT_USERNAME, user.constData()));
        check(curl_easy_setopt(h, CURLOPT_PASSWORD, password.constData()));
        check(curl_easy_setopt(h, CURLOPT_LOGIN_OPTIONS, "AUTH=*"));
    }
    const QByteArray from = '<' + message.fromAddress.toLatin1() + '>';
    check(curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.constData()));
    check(curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get()));
    check(curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get()));
    check(curl_easy_setopt(h, CURLOPT_MIMEPOST, mime.get()));

    if (rc != CURLE_OK) {
        password.fill('\0');
        return SendOutcome{false,
                           QStringLiteral("The mail library (libcurl) refused the settings: %1")
                               .arg(QString::fromUtf8(curl_easy_strerror(rc))),
                           rc != CURLE_OUT_OF_MEMORY, 0};
    }

    const CURLcode result = curl_easy_perform(h);
    // Our copy only; libcurl keeps its own until the handle is cleaned up.
    password.fill('\0');

    long responseCode = 0;
    long osErrno = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &responseCode);
    curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &osErrno);
    if (result == CURLE_OK)
        return SendOutcome{true, QStringLiteral("Accepted by the mail server at %1").arg(endpointName), false,
                           static_cast<int>(responseCode)};

    const QByteArray passwordForScrub = m_settings.password.toUtf8();
    auto clean = [&](const QByteArray &text) { return scrubbed(printable(text), user, passwordForScrub); };
    FailureContext context;
    context.endpoint = endpointName;
    context.host = endpoint->host;
    context.timeoutSeconds = timeout;
    context.responseCode = responseCode;
    context.osErrno = osErrno;
    context.curlMessage = clean(errorBuffer[0] ? QByteArray(errorBuffer) : QByteArray(curl_easy_strerror(result)));
    context.serverReply = clean(trace.lastErrorReply);
    context.lastRecipient = clean(trace.lastRecipient);
    // The server accepted the message and the connection failed afterwards (on QUIT): sent.
    if (trace.replyAfterData >= 200 && trace.replyAfterData < 300)
        return SendOutcome{true,
                           QStringLiteral("Accepted by the mail server at %1 (the connection failed afterwards: %2)")
                               .arg(endpointName, context.curlMessage),
                           false, trace.replyAfterData};
    SendOutcome outcome = failure(result, context);
    // Failed after the server started receiving the message and before it answered for it:
    // the server may have accepted it.
    outcome.mayHaveBeenDelivered = trace.dataStarted && trace.replyAfterData == 0;
    return outcome;
}

} // namespace Billstream
