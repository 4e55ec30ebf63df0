#pragma once

#include "core/es/sqliteeventstore.h"
#include "core/es/upcasters.h"

#include <QObject>
#include <QTextStream>
#include <QTimer>

#include <functional>
#include <memory>

namespace Billstream {

class ProjectionRunner;
class BulkProjection;
class InvoiceListProjection;
class CustomerListProjection;
class RevenueProjection;

// Where one projection stands.
struct ProjectionStatus
{
    QString name;
    bool isInline = false;       // updated in the append transaction; else async behind a checkpoint
    int schemaVersion = 0;       // of this program
    int storedSchemaVersion = 0; // of the rows in the store (0: never built)
    qint64 position = 0;         // last event applied
    qint64 lag = 0;              // events of the log not applied yet
};

struct ReadSideOptions
{
    // Bring the async projections up to the head while attaching (they may be far behind
    // after an import); the GUI may leave it to catchUp() on a worker.
    bool catchUpAsync = true;
    // After each append from this instance, catch the async projections up once the event
    // loop is idle for `catchUpDelayMs` (needs a running event loop).
    bool autoCatchUp = true;
    int catchUpDelayMs = 250;
};

// The read side of one store: registers the inline projections (invoice list, customer list),
// runs the async one (revenue), and maintains them all. The CLI and the GUI open
// every store through here, so no writer ever appends without the inline projections.
//
// One instance per store connection and thread, like the store. Item models and queries take
// the store's connection; destroy them before the store.
class ReadSide final : public QObject
{
    Q_OBJECT
public:
    // projection, events done, events to do
    using Progress = std::function<void(const QString &projection, qint64 done, qint64 total)>;

    using Options = ReadSideOptions;

    // Registers the read side on an open store. A projection never built, built by another
    // schema version or whose tables were removed is rebuilt here, reporting progress.
    static Result<std::unique_ptr<ReadSide>> attach(SqliteEventStore &store, const Progress &progress = {},
                                                    const Options &options = {});
    static Result<std::unique_ptr<ReadSide>> attach(SqliteEventStore &store, const Options &options)
    {
        return attach(store, {}, options);
    }
    // Opens the store file and attaches; the ReadSide owns the store and closes it last.
    static Result<std::unique_ptr<ReadSide>> open(const QString &path, const StoreOptions &storeOptions,
                                                  const Progress &progress = {}, const Options &options = {});
    ~ReadSide() override;

    SqliteEventStore &store() const { return m_store; }
    const Upcasters &upcasters() const { return *m_upcasters; }

    // Every projection, in the order rebuilds run them (inline first: revenue reads the
    // invoice list).
    static QStringList projectionNames();
    static QStringList inlineProjectionNames();
    // The tables each projection owns (verify compares them with a fresh rebuild).
    static QStringList tablesOf(const QString &projection);

    // Progress as lines on a stream (stderr of the CLI): one per tenth of each projection's work.
    static Progress printProgress(QTextStream &stream, const QString &verb);

    // Drops and rebuilds the named projections (all when empty) from the log. An unknown name
    // is a UsageError naming the known ones. `cancelled` is asked now and then; when it says
    // yes, the rebuild rolls back and fails, and the projections are as they were.
    Status rebuild(const QStringList &names = {}, const Progress &progress = {},
                   const std::function<bool()> &cancelled = {});
    // Position, lag and schema of each projection.
    Result<QList<ProjectionStatus>> status();
    // Applies what the projections have not seen yet (inline ones lag only after appends by a
    // writer without the read side); returns the head the async ones reached.
    Result<qint64> catchUp();

signals:
    void asyncCaughtUp(qint64 position);
    void rebuilt(const QStringList &names);

private:
    explicit ReadSide(SqliteEventStore &store);
    Status attachAll(const Progress &progress, const Options &options);
    Result<bool> tablesPresent(const QString &projection);
    Status dropRetired();
    BulkProjection *projection(const QString &name) const;
    // One pass over the log for every named projection, in one write transaction: one thread
    // reads the log and another prepares it (each with its own read-only connection) while this
    // one applies the events in bulk mode; checkpoints, indexes and the search index are written
    // at the end.
    Status rebuildPass(const QStringList &names, const Progress &progress, const std::function<bool()> &cancelled = {});
    void scheduleCatchUp();

    std::unique_ptr<SqliteEventStore> m_owned;  // set by open(); declared first, closed last
    SqliteEventStore &m_store;
    std::shared_ptr<const Upcasters> m_upcasters;
    std::shared_ptr<InvoiceListProjection> m_invoices;
    std::shared_ptr<CustomerListProjection> m_customers;
    std::shared_ptr<RevenueProjection> m_revenue;
    QList<ProjectionRunner *> m_runners;
    QTimer m_catchUpTimer;
};

// Checks that every projection equals a fresh rebuild from the log: copies the store
// (backupTo), rebuilds everything in the copy, attaches the copy and compares each table with
// EXCEPT in both directions. One sentence per difference (a few per table, then a count).
struct ProjectionCheck
{
    QStringList problems;
    QStringList notes;       // e.g. an async projection behind the log, left out of the check
};
Result<ProjectionCheck> verifyProjections(SqliteEventStore &store, const ReadSide::Progress &progress = {});

} // namespace Billstream
