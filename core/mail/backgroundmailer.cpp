#include "core/mail/backgroundmailer.h"

#include "core/documents/invoicerenderer.h"
#include "core/projections/readside.h"

#include <QThread>
#include <QTimer>

namespace Billstream {

// Lives on the worker thread: the store connection, the service and the mailer are created
// and destroyed there.
class MailerWorker final : public QObject
{
    Q_OBJECT
public:
    explicit MailerWorker(BackgroundMailer::Options options)
        : m_options(std::move(options))
    {
    }

    void open()
    {
        ReadSideOptions readSideOptions;
        readSideOptions.catchUpAsync = false;
        readSideOptions.autoCatchUp = false;
        auto readSide = ReadSide::open(m_options.storePath, m_options.store, {}, readSideOptions);
        if (!readSide) {
            emit openFailed(readSide.error().message);
            return;
        }
        m_readSide = std::move(*readSide);
        m_systemClock = std::make_unique<SystemClock>();
        const Clock &clock = m_options.mailer.clock ? *m_options.mailer.clock : *m_systemClock;
        m_service = std::make_unique<InvoicingService>(m_readSide->store(), clock);
        m_mailer = std::make_unique<Mailer>(*m_service, m_options.tenantId, m_options.mailer);
        connect(m_mailer.get(), &Mailer::deliveryQueued, this, &MailerWorker::deliveryQueued);
        connect(m_mailer.get(), &Mailer::deliveryAttempting, this, &MailerWorker::deliveryAttempting);
        connect(m_mailer.get(), &Mailer::deliveryRetryScheduled, this, &MailerWorker::deliveryRetryScheduled);
        connect(m_mailer.get(), &Mailer::deliverySent, this, &MailerWorker::deliverySent);
        connect(m_mailer.get(), &Mailer::deliveryFailed, this, &MailerWorker::deliveryFailed);
        if (Status s = m_mailer->open(); !s) {
            emit openFailed(s.error().message);
            return;
        }
        m_poll.setInterval(std::max(50, m_options.pollIntervalMs));
        connect(&m_poll, &QTimer::timeout, this, &MailerWorker::poll);
        m_due.setSingleShot(true);
        connect(&m_due, &QTimer::timeout, this, &MailerWorker::work);
        m_poll.start();
        emit opened();
        work();
    }

    // Attempts what is due, then sets the timer for the next retry.
    void work()
    {
        if (!m_mailer || QThread::currentThread()->isInterruptionRequested())
            return;
        if (Result<qint64> v = m_readSide->store().dataVersion())
            m_dataVersion = *v;
        if (Result<int> r = m_mailer->attemptDue(); !r)
            emit errorOccurred(r.error().message);
        if (Result<std::optional<QDateTime>> next = m_mailer->nextDue(); next && *next) {
            const QDateTime now = m_options.mailer.clock ? m_options.mailer.clock->nowUtc() : QDateTime::currentDateTimeUtc();
            m_due.start(int(std::clamp<qint64>(now.msecsTo(**next), 0, 24 * 3600 * 1000)));
        }
        emit idle();
    }

    // Another connection committed (the GUI's own, another window, billstream-cli): look.
    void poll()
    {
        if (!m_readSide)
            return;
        Result<qint64> v = m_readSide->store().dataVersion();
        if (v && *v != m_dataVersion)
            work();
    }

signals:
    void opened();
    void openFailed(const QString &message);
    void errorOccurred(const QString &message);
    void deliveryQueued(const QString &invoiceId, const QString &deliveryId);
    void deliveryAttempting(const QString &invoiceId, const QString &deliveryId, int attempt);
    void deliveryRetryScheduled(const QString &invoiceId, const QString &deliveryId, int attempt,
                                const QDateTime &nextTry, const QString &reason);
    void deliverySent(const QString &invoiceId, const QString &deliveryId);
    void deliveryFailed(const QString &invoiceId, const QString &deliveryId, const QString &reason);
    void idle();

private:
    BackgroundMailer::Options m_options;
    // Destroyed in reverse: the mailer and service before the store they use.
    std::unique_ptr<ReadSide> m_readSide;
    std::unique_ptr<SystemClock> m_systemClock;
    std::unique_ptr<InvoicingService> m_service;
    std::unique_ptr<Mailer> m_mailer;
    QTimer m_poll;
    QTimer m_due;
    qint64 m_dataVersion = -1;
};

BackgroundMailer::BackgroundMailer(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
}

BackgroundMailer::~BackgroundMailer()
{
    if (!m_thread)
        return;
    m_thread->requestInterruption();
    m_thread->quit();
    if (m_thread->wait(15000)) {
        delete m_thread;
        return;
    }
    // A send is still in progress: let it run while the program ends (see the header).
    m_thread->setParent(nullptr);
}

void BackgroundMailer::start()
{
    if (m_thread)
        return;
    prepareDocumentFonts();  // on this (the GUI) thread, before the worker renders
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("mailer"));
    m_worker = new MailerWorker(m_options);
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &MailerWorker::opened, this, [this] {
        m_running = true;
        emit started();
    });
    connect(m_worker, &MailerWorker::openFailed, this, &BackgroundMailer::startFailed);
    connect(m_worker, &MailerWorker::errorOccurred, this, &BackgroundMailer::errorOccurred);
    connect(m_worker, &MailerWorker::deliveryQueued, this, &BackgroundMailer::deliveryQueued);
    connect(m_worker, &MailerWorker::deliveryAttempting, this, &BackgroundMailer::deliveryAttempting);
    connect(m_worker, &MailerWorker::deliveryRetryScheduled, this, &BackgroundMailer::deliveryRetryScheduled);
    connect(m_worker, &MailerWorker::deliverySent, this, &BackgroundMailer::deliverySent);
    connect(m_worker, &MailerWorker::deliveryFailed, this, &BackgroundMailer::deliveryFailed);
    connect(m_worker, &MailerWorker::idle, this, &BackgroundMailer::idle);
    m_thread->start();
    QMetaObject::invokeMethod(m_worker, &MailerWorker::open, Qt::QueuedConnection);
}

void BackgroundMailer::wake()
{
    if (m_worker)
        QMetaObject::invokeMethod(m_worker, &MailerWorker::work, Qt::QueuedConnection);
}

} // namespace Billstream

#include "backgroundmailer.moc"
