#pragma once

#include "core/mail/mailer.h"

#include <QObject>

class QThread;

namespace Billstream {

class MailerWorker;

// A Mailer for one tenant on a worker thread with its own store connection, so the GUI never
// waits for a mail server. It works when woken (after this program appended a request), when
// another process committed to the store (polled), and when a retry falls due; its signals
// arrive on the thread that created it.
//
// The GUI wires it up once per open store:
//     auto *mailer = new BackgroundMailer({session.path(), session.tenantId()}, window);
//     connect(&session, &Session::changed, mailer, &BackgroundMailer::wake);
//     mailer->start();
class BackgroundMailer final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString storePath;
        QString tenantId = QStringLiteral("default");
        MailerOptions mailer;   // its clock, if any, must be thread-safe (SystemClock, ManualClock are)
        StoreOptions store;     // how the worker opens the store (anchor path, clock)
        int pollIntervalMs = 2000;
    };

    explicit BackgroundMailer(Options options, QObject *parent = nullptr);
    // Stops the worker. A send in progress is waited for up to 15 s; after that the process
    // may exit under it, and the next start records that attempt as interrupted.
    ~BackgroundMailer() override;

    // Opens the store on the worker and starts working: started() or startFailed().
    void start();
    bool isRunning() const { return m_running; }
    const Options &options() const { return m_options; }

public slots:
    // Look for new requests and due retries now.
    void wake();

signals:
    void started();
    void startFailed(const QString &message);
    // The mailer could not read or write the store; it tries again on the next wake-up.
    void errorOccurred(const QString &message);
    void deliveryQueued(const QString &invoiceId, const QString &deliveryId);
    void deliveryAttempting(const QString &invoiceId, const QString &deliveryId, int attempt);
    void deliveryRetryScheduled(const QString &invoiceId, const QString &deliveryId, int attempt,
                                const QDateTime &nextTry, const QString &reason);
    void deliverySent(const QString &invoiceId, const QString &deliveryId);
    void deliveryFailed(const QString &invoiceId, const QString &deliveryId, const QString &reason);
    // One round of work is done (what was due has been attempted).
    void idle();

private:
    Options m_options;
    QThread *m_thread = nullptr;
    MailerWorker *m_worker = nullptr;
    bool m_running = false;
};

} // namespace Billstream
