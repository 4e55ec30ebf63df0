#pragma once

#include "core/domain/invoicingservice.h"
#include "core/es/clock.h"
#include "core/es/sqliteeventstore.h"
#include "core/projections/book.h"
#include "core/projections/readside.h"

#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>

namespace Billstream {

// One open store as the GUI sees it: the store's connection on the GUI thread with its read
// side and the write service, the book every list shows (live, or as of a past time), and the
// wake-up for changes from this window, another window or billstream-cli.
class Session final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString tenantId = QStringLiteral("default");
        QString actor;                     // "" → the user's login name
        const Clock *clock = nullptr;      // nullptr → the system clock (tests inject a ManualClock)
        int pollIntervalMs = 300;          // dataVersion() poll for other processes' commits; 0: off
    };

    static Result<std::unique_ptr<Session>> open(const QString &path, const Options &options);
    ~Session() override;

    SqliteEventStore &store() const { return m_readSide->store(); }
    ReadSide &readSide() const { return *m_readSide; }
    InvoicingService &service() const { return *m_service; }
    const Clock &clock() const { return *m_clock; }
    QString tenantId() const { return m_options.tenantId; }
    QString actor() const { return m_options.actor; }
    QString path() const { return m_path; }
    QDate today() const { return m_clock->nowUtc().date(); }

    // Runs one command (DOMAIN.md envelope) as this user; the lists refresh right after.
    Result<AppendResult> execute(const QJsonObject &command);

    // The book the lists show: live (asOf() invalid) or as it stood at a recorded time.
    bool isLive() const { return !m_asOf.isValid(); }
    QDateTime asOf() const { return m_asOf; }
    Status setAsOf(const QDateTime &time);
    // Shows a book as of `time` built elsewhere (on a worker, into SharedBookTables of this
    // session's store), as setAsOf() would have.
    void showBook(Book book, const QDateTime &time);
    // Opens the book again (after a rebuild replaced the rows) and tells the lists to reload.
    Status reopenBook();
    const Book &book() const { return *m_book; }
    // The live book even while the lists show the past (editors always write to now).
    Result<Book> liveBook() const;

    // Empty book: no event of this tenant yet (first start).
    bool isEmpty();

    // While the window's own modal worker writes the store (demo data, a rebuild), the poll
    // would only race it for the write lock, catching up after each of its commits on the
    // window's thread: it pauses, and the window catches up once when the work is done.
    void setPolling(bool on);

public slots:
    // Looks for commits of other connections (PRAGMA data_version) and refreshes on one.
    void checkForChanges();

signals:
    // The log grew: lists refresh the rows that changed, open editors check their version.
    void changed();
    // Another connection (a second window, billstream-cli) committed: models that follow only
    // their own connection's appends re-read.
    void externalChange();
    // The async projections (activity, revenue) caught up.
    void reportsChanged();
    // The lists switched between live and as-of.
    void asOfChanged();

private:
    Session(const QString &path, const Options &options);
    // Live (invalid time) or as of `time`, on this session's connection.
    Result<Book> bookAt(const QDateTime &time) const;
    void scheduleChanged();
    void emitChanged();

    QString m_path;
    Options m_options;
    std::unique_ptr<SystemClock> m_systemClock;
    const Clock *m_clock = nullptr;
    std::unique_ptr<ReadSide> m_readSide;
    std::unique_ptr<InvoicingService> m_service;
    std::optional<Book> m_book;
    QDateTime m_asOf;
    qint64 m_dataVersion = -1;
    QTimer m_poll;
    QTimer m_coalesce;
};

} // namespace Billstream
