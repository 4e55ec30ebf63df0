#pragma once

#include "core/documents/localeformat.h"
#include "core/domain/invoicingservice.h"
#include "core/mail/smtppassword.h"

#include <QDateTime>
#include <QObject>

#include <functional>
#include <optional>

namespace Billstream {

// Where one delivery stands in the mailer's outbox (a table of the store file).
enum class OutboxState {
    Pending,     // requested, not tried yet
    Attempting,  // committed before the SMTP call: the message may be on its way
    Retry,       // the last attempt failed for a passing reason; tried again at nextTry
    Sent,        // the server accepted it
    Failed,      // failed for good: permanent error, attempts used up, or interrupted
};
QString outboxStateName(OutboxState state);

struct OutboxEntry
{
    QString tenantId;
    QString deliveryId;
    QString invoiceId;
    qint64 requestPosition = 0;   // the InvoiceSendRequested event
    OutboxState state = OutboxState::Pending;
    int attempts = 0;
    QDateTime nextTry;            // Retry: when the next attempt is due
    QString reason;               // of the last failure, or the server's acceptance
    bool outcomeRecorded = false; // InvoiceSent / InvoiceSendFailed is in the log
    bool isSettled() const { return state == OutboxState::Sent || state == OutboxState::Failed; }
};

struct MailerOptions
{
    // Overrides the tenant's mail settings for this mailer (billstream-cli send --smtp).
    QString smtpUrl;
    // One more trusted CA (PEM) for a self-hosted server; certificates are always verified.
    QString caFile;
    // smtp:// to a host that is not loopback may send without STARTTLS (trusted networks only).
    bool allowPlaintext = false;
    int timeoutSeconds = 30;
    // Connect to this IP instead of resolving the server's name (tests, split-horizon setups).
    QString resolveTo;

    // Attempts per delivery. A passing failure (connection refused, timeout, 4xx) is retried
    // after firstRetryDelayMs, then four times as long each time, at most maxRetryDelayMs.
    int maxAttempts = 5;
    qint64 firstRetryDelayMs = 30'000;
    qint64 maxRetryDelayMs = 30 * 60'000;

    // Where passwords come from; default SmtpPasswordStore::read (keychain, then
    // $BILLSTREAM_SMTP_PASSWORD).
    std::function<Result<QString>(const SmtpAccount &)> password;
    // Paper of the attached PDF; default: the tenant's locale's usual paper.
    std::optional<PaperSize> paper;
    QString actor = QStringLiteral("mailer");
    const Clock *clock = nullptr;  // nullptr: the system clock (next tries, leases)
};

// The mailer: the side-effect handler behind SendInvoiceToCustomer (talk slides 11–19). It
// follows the tenant's log from its own checkpoint, turns each new InvoiceSendRequested into an
// outbox row, sends the invoice PDF by SMTP and records InvoiceSent or InvoiceSendFailed
// through InvoicingService. It is not a projection: a replay or rebuild never reaches it, and
// nothing it did is ever done again because the log is read again.
//
// Exactly once, as far as SMTP allows (docs/sending.md):
// - each attempt is committed as Attempting before the SMTP call; an Attempting row whose
//   process has died is never sent again: it becomes a failure "interrupted, may or may not
//   have been delivered", and the user decides whether to send again;
// - a failure after the server began receiving the message is not retried either;
// - every message of one delivery carries the same Message-ID (makeMessageId);
// - the outcome is stored in the outbox before it is appended to the log, so a crash between
//   the two records it on the next start instead of sending again.
//
// Blocking; one instance per store connection and thread (BackgroundMailer runs one on a
// worker thread for the GUI). Several mailers, also in several processes, may share a store:
// claiming a delivery is one conditional UPDATE in a write transaction.
class Mailer final : public QObject
{
    Q_OBJECT
public:
    Mailer(InvoicingService &service, const QString &tenantId, MailerOptions options = {}, QObject *parent = nullptr);
    ~Mailer() override;

    const QString &tenantId() const { return m_tenantId; }
    const MailerOptions &options() const { return m_options; }

    // Creates the outbox and, on the first start in a store, sets the checkpoint at the head of
    // the log: requests made before the mailer ever ran are not sent, they are recorded as
    // failed ("not sent: requested before sending was set up") so that nothing is left
    // pending silently. Then settles what a crash left behind (see recover()).
    Status open();
    // Attempts of processes that are gone become failures; outcomes stored in the outbox but
    // not yet in the log are appended. Returns how many deliveries it settled.
    Result<int> recover();
    // Enqueues every InvoiceSendRequested after the checkpoint; returns the new delivery ids.
    Result<QStringList> catchUp();

    // One attempt at a delivery when it is due (Pending, or Retry whose time has come);
    // returns the entry afterwards. A delivery another mailer is attempting is left alone.
    Result<OutboxEntry> attempt(const QString &deliveryId);
    // recover(), catchUp() and one attempt at every due delivery of the tenant.
    Result<int> attemptDue();
    // Attempts one delivery until it is sent or has failed for good, calling wait(ms) between
    // attempts (default: sleep). billstream-cli send runs this.
    Result<OutboxEntry> deliver(const QString &deliveryId, const std::function<void(qint64 ms)> &wait = {});

    Result<OutboxEntry> entry(const QString &deliveryId);
    Result<QList<OutboxEntry>> entries();
    // When the earliest waiting delivery is due; nullopt when none waits.
    Result<std::optional<QDateTime>> nextDue();
    // This process's mark on the Attempting rows it owns.
    static QString processOwner();

signals:
    void deliveryQueued(const QString &invoiceId, const QString &deliveryId);
    void deliveryAttempting(const QString &invoiceId, const QString &deliveryId, int attempt);
    void deliveryRetryScheduled(const QString &invoiceId, const QString &deliveryId, int attempt,
                                const QDateTime &nextTry, const QString &reason);
    void deliverySent(const QString &invoiceId, const QString &deliveryId);
    void deliveryFailed(const QString &invoiceId, const QString &deliveryId, const QString &reason);

private:
    struct Prepared;
    Result<Prepared> prepare(const InvoiceState &invoice, const Delivery &delivery);
    Status recordOutcome(const OutboxEntry &entry);
    QDateTime now() const;
    qint64 retryDelayMs(int attempts) const;

    InvoicingService &m_service;
    QString m_tenantId;
    MailerOptions m_options;
    std::unique_ptr<SystemClock> m_systemClock;
    const Clock *m_clock = nullptr;
};

// The command that sends a failed (or any earlier) delivery again: SendInvoiceToCustomer with
// its recipient, subject and message. It is a new delivery with a new Message-ID: the user
// asked for it, knowing the first may have arrived.
Result<QJsonObject> retrySendCommand(const InvoiceState &invoice, const QString &deliveryId);

} // namespace Billstream
