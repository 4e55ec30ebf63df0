#pragma once

#include "core/es/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace Billstream {

// Where and how to deliver: parsed from the tenant's smtpUrl plus what never goes into the
// event log (the password) and the run's own options. Never print or store a password.
struct SmtpSettings
{
    // smtp://[user@]host:port (STARTTLS) or smtps://[user@]host:port (implicit TLS), no password.
    QUrl url;
    // Overrides the user in the URL when not empty.
    QString username;
    QString password;
    // One more trusted CA (PEM) on top of the system's; certificates are always verified.
    QString caFile;
    // smtp:// to a host that is not loopback still sends, password included, when the server
    // offers no STARTTLS. Only for servers on a trusted network.
    bool allowPlaintext = false;
    // Bounds connecting and each wait for a server reply; the whole send takes at most 20 times this.
    int timeoutSeconds = 30;
    // Connect to this IP address instead of resolving the URL's host (split-horizon setups and
    // tests); the certificate is still checked against the URL's host, and the TLS rule follows
    // this address, so it cannot turn a remote server into a "loopback" one.
    QString resolveTo;
};

struct MailAttachment
{
    QString fileName;
    QString mimeType; // `application/pdf`; empty means application/octet-stream
    QByteArray data;
};

struct MailMessage
{
    QString fromAddress;
    QString fromName;
    QStringList to;
    QString subject;
    QString textBody;
    QList<MailAttachment> attachments;
    // Given by the caller and stable for one delivery (makeMessageId), so that a retried send is
    // recognisable as the same message; with or without the angle brackets.
    QString messageId;
    // The Date header; an invalid date means the time of sending.
    QDateTime date;
};

// What came of one attempt, in words fit for an InvoiceSendFailed event or a status line.
struct SendOutcome
{
    bool sent = false;
    QString reason;
    // Retrying the same request cannot help (bad settings or message, rejected sign-in, untrusted
    // certificate, missing STARTTLS, a 5xx reply); otherwise a later retry may succeed.
    bool permanent = false;
    // The last SMTP reply code seen (e.g. 250, 535, 550), 0 when the server never answered.
    int responseCode = 0;
    // The failure came after the server had started receiving the message (354) and before it
    // answered for it (a timeout or a dropped connection then): it may have accepted the
    // message, so sending again could deliver it twice.
    bool mayHaveBeenDelivered = false;
};

enum class SmtpTlsMode {
    Implicit,          // smtps://: TLS from the first byte
    StartTlsRequired,  // smtp://: STARTTLS or nothing is sent
    StartTlsIfOffered, // smtp:// to loopback or with allowPlaintext: STARTTLS when the server offers it
};

// Validates scheme (smtp, smtps), host, port (1-65535; default 587 for smtp, 465 for smtps) and
// refuses a password, path, query or fragment in the URL. The result's url has no user part;
// the user, if any, is in username.
Result<SmtpSettings> parseSmtpUrl(const QString &url);

// Everything send() checks before it connects: the URL as above, the timeout, a readable CA file.
Status validateSmtpSettings(const SmtpSettings &settings);

// Refuses any header value with a line break or control character (header injection), invalid
// addresses, a missing Message-ID and malformed attachment names or types.
Status validateMailMessage(const MailMessage &message);

// 127.0.0.0/8, ::1, ::ffff:127.x.x.x and `localhost` (the ASCII host form QUrl gives).
bool isLoopbackHost(const QString &host);

// smtps:// is implicit TLS. smtp:// requires STARTTLS except to a loopback server (a local relay
// or test server, whose traffic never leaves the machine) or when allowPlaintext is set; there
// STARTTLS is still used when offered. In every mode, TLS means a verified certificate.
SmtpTlsMode smtpTlsMode(const SmtpSettings &settings);

// `<billstream.{deliveryId}@{domain}>`, the same for the same delivery id; an id with characters a
// Message-ID cannot hold is replaced by its SHA-256, an unusable domain by billstream.invalid.
QString makeMessageId(const QString &deliveryId, const QString &domain);

// Sends mail through one SMTP server with libcurl. Each send() is one connection; the object
// holds no connection between calls, and separate objects may send from separate threads.
class SmtpClient final
{
public:
    explicit SmtpClient(SmtpSettings settings);

    // Blocks until the server accepted or refused the message, or a timeout passed.
    SendOutcome send(const MailMessage &message) const;

private:
    SmtpSettings m_settings;
};

} // namespace Billstream
