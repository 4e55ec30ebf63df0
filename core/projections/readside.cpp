#include "core/projections/readside.h"

#include "core/es/projectionrunner.h"
#include "core/projections/customerlistprojection.h"
#include "core/projections/invoicelistprojection.h"
#include "core/projections/revenueprojection.h"
#include "core/projections/sqlaccess.h"

#include <QCoreApplication>
#include <QFile>
#include <QHash>
#include <QScopeGuard>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <QSet>

#include <sqlite3.h>

namespace Billstream {

ReadSide::ReadSide(SqliteEventStore &store)
    : m_store(store)
    , m_upcasters(std::make_shared<const Upcasters>())
{
    m_catchUpTimer.setSingleShot(true);
    connect(&m_catchUpTimer, &QTimer::timeout, this, [this] { (void)catchUp(); });
}

ReadSide::~ReadSide()
{
    m_catchUpTimer.stop();
    qDeleteAll(m_runners);
    m_runners.clear();
    if (m_owned) {
        // The store closes with its projections registered; they are released after it.
        m_invoices.reset();
        m_customers.reset();
        m_owned.reset();
    }
}

QStringList ReadSide::inlineProjectionNames()
{
    return {InvoiceListProjection::projectionName(), CustomerListProjection::projectionName()};
}

QStringList ReadSide::projectionNames()
{
    return inlineProjectionNames() + QStringList{RevenueProjection::projectionName()};
}

QStringList ReadSide::tablesOf(const QString &projection)
{
    if (projection == InvoiceListProjection::projectionName())
        return InvoiceListProjection::tables();
    if (projection == CustomerListProjection::projectionName())
        return CustomerListProjection::tables();
    if (projection == RevenueProjection::projectionName())
        return RevenueProjection::tables();
    return {};
}

Result<std::unique_ptr<ReadSide>> ReadSide::attach(SqliteEventStore &store, const Progress &progress,
                                                   const Options &options)
{
    std::unique_ptr<ReadSide> rs(new ReadSide(store));
    if (Status s = rs->attachAll(progress, options); !s)
        return fail(s.error());
    return rs;
}

Result<std::unique_ptr<ReadSide>> ReadSide::open(const QString &path, const StoreOptions &storeOptions,
                                                 const Progress &progress, const Options &options)
{
    Result<std::unique_ptr<SqliteEventStore>> store = SqliteEventStore::open(path, storeOptions);
    if (!store)
        return fail(store.error());
    SqliteEventStore &ref = **store;
    std::unique_ptr<ReadSide> rs(new ReadSide(ref));
    rs->m_owned = std::move(*store);
    if (Status s = rs->attachAll(progress, options); !s)
        return fail(s.error());
    return rs;
}

Result<bool> ReadSide::tablesPresent(const QString &projection)
{
    sqlite3 *h = ReadSql::handleOf(m_store.database());
    for (const QString &table : tablesOf(projection)) {
        sqlite3_stmt *raw = nullptr;
        int rc = sqlite3_prepare_v2(h, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1", -1, &raw, nullptr);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(raw);
            return fail(ReadSql::sqlError(h, rc, QStringLiteral("read the store's tables")));
        }
        const QByteArray name = table.toUtf8();
        sqlite3_bind_text(raw, 1, name.constData(), int(name.size()), SQLITE_TRANSIENT);
        rc = sqlite3_step(raw);
        sqlite3_finalize(raw);
        if (rc == SQLITE_DONE)
            return false;
        if (rc != SQLITE_ROW)
            return fail(ReadSql::sqlError(h, rc, QStringLiteral("read the store's tables")));
    }
    return true;
}

// Projections Billstream kept once and keeps no longer, with their tables: gone on the first
// open that may write. `activity` (schema 1-4) held the activity feed's entries, which are now
// read from the log itself (ActivityFeed).
Status ReadSide::dropRetired()
{
    static const QList<std::pair<const char *, const char *>> retired{
        {"activity", "DROP TABLE IF EXISTS activity; DELETE FROM projection_checkpoints WHERE name = 'activity';"}};
    for (const auto &[name, drop] : retired) {
        const Result<int> stored = m_store.storedProjectionSchema(QString::fromLatin1(name));
        if (!stored)
            return fail(stored.error());
        if (*stored == 0)
            continue;
        const QString doing = QStringLiteral("remove the retired projection %1").arg(QString::fromLatin1(name));
        Status s = m_store.writeTransaction(
            [&, drop = drop](QSqlDatabase &db) { return ReadSql::exec(ReadSql::handleOf(db), drop, doing); });
        if (!s)
            return s;
    }
    return {};
}

BulkProjection *ReadSide::projection(const QString &name) const
{
    if (name == InvoiceListProjection::projectionName())
        return m_invoices.get();
    if (name == CustomerListProjection::projectionName())
        return m_customers.get();
    if (name == RevenueProjection::projectionName())
        return m_revenue.get();
    return nullptr;
}

Status ReadSide::attachAll(const Progress &progress, const Options &options)
{
    // Statement journals (SQLite's per-statement undo, written for every UPDATE with triggers
    // inside a transaction) and as-of snapshots in memory: as temporary files they cost one
    // write per changed page per statement, which dominated rebuilds ten to one.
    if (Status s = ReadSql::exec(ReadSql::handleOf(m_store.database()), "PRAGMA temp_store = MEMORY",
                                 QStringLiteral("configure the read side's connection"));
        !s)
        return s;
    m_invoices = std::make_shared<InvoiceListProjection>(m_store, m_upcasters);
    m_customers = std::make_shared<CustomerListProjection>(m_store, m_upcasters);
    m_revenue = std::make_shared<RevenueProjection>(m_upcasters);
    const bool writable = !m_store.isReadOnly();

    // Never built, built by another schema version, or tables removed by hand: rebuilt here in
    // one pass, before the kernel or a runner would replay them event by event.
    if (writable) {
        if (Status s = dropRetired(); !s)
            return s;
        QStringList stale;
        for (const QString &name : projectionNames()) {
            const Result<int> stored = m_store.storedProjectionSchema(name);
            if (!stored)
                return fail(stored.error());
            const Result<bool> present = tablesPresent(name);
            if (!present)
                return fail(present.error());
            if (*stored != projection(name)->schemaVersion() || !*present)
                stale << name;
        }
        if (!stale.isEmpty()) {
            if (Status s = rebuildPass(stale, progress); !s)
                return s;
        }
    }

    for (const std::shared_ptr<Projection> &p : {std::shared_ptr<Projection>(m_invoices), std::shared_ptr<Projection>(m_customers)}) {
        const QString name = p->name();
        const auto report = [&](qint64 done, qint64 total) {
            if (progress)
                progress(name, done, total);
        };
        if (Status s = m_store.registerInlineProjection(p, report); !s)
            return s;
    }
    for (const std::shared_ptr<Projection> &p : {std::shared_ptr<Projection>(m_revenue)}) {
        auto *runner = new ProjectionRunner(m_store, p, this);
        // The runner would catch up synchronously after every append; the read side batches
        // that instead (scheduleCatchUp), so a command costs one durable commit, not three.
        disconnect(&m_store, &EventStore::eventsAppended, runner, nullptr);
        m_runners << runner;
        if (writable) {
            if (Status s = runner->open(); !s)
                return s;
        }
    }
    if (writable) {
        // A search index left stale (a crash between a rebuild and its index) is built now.
        Result<bool> stale = InvoiceListProjection::searchIndexStale(m_store.database());
        if (stale && *stale) {
            if (Status s = m_store.writeTransaction([](QSqlDatabase &db) { return InvoiceListProjection::rebuildSearchIndex(db); }); !s)
                return s;
        }
    }
    if (writable && options.catchUpAsync) {
        for (ProjectionRunner *runner : std::as_const(m_runners)) {
            const QString name = runner->projection().name();
            const Result<qint64> lag = runner->lag();
            if (!lag)
                return fail(lag.error());
            if (*lag == 0)
                continue;
            if (progress)
                progress(name, 0, *lag);
            const Result<qint64> reached = runner->catchUp();
            if (!reached)
                return fail(reached.error());
            if (progress)
                progress(name, *lag, *lag);
        }
    }
    if (writable && options.autoCatchUp) {
        m_catchUpTimer.setInterval(options.catchUpDelayMs);
        connect(&m_store, &EventStore::eventsAppended, this, &ReadSide::scheduleCatchUp);
    }
    return {};
}

void ReadSide::scheduleCatchUp()
{
    if (QCoreApplication::instance())
        m_catchUpTimer.start();
}

Status ReadSide::rebuild(const QStringList &names, const Progress &progress, const std::function<bool()> &cancelled)
{
    const QStringList all = projectionNames();
    QStringList unknown;
    for (const QString &n : names) {
        if (!all.contains(n))
            unknown << n;
    }
    if (!unknown.isEmpty()) {
        return fail(Error::usage(QStringLiteral("unknown projection%1 %2; the projections are %3")
                                     .arg(unknown.size() == 1 ? QString() : QStringLiteral("s"),
                                          unknown.join(QStringLiteral(", ")), all.join(QStringLiteral(", ")))));
    }
    if (m_store.isReadOnly())
        return fail(Error::failure(QStringLiteral("The store %1 is read-only; its projections cannot be rebuilt.")
                                       .arg(m_store.path())));
    if (Status s = rebuildPass(names.isEmpty() ? all : names, progress, cancelled); !s)
        return s;
    emit rebuilt(names.isEmpty() ? all : names);
    return {};
}

namespace {

// A batch of events read from the log, with what each projection prepared for it on the
// preparing thread (in the order of the projections; null where one prepared nothing).
struct ReplayBatch
{
    QList<RecordedEvent> events;
    std::vector<std::unique_ptr<ReplayPrepared>> prepared;
};

// Batches from one stage of a replay to the next, bounded so no stage runs far ahead of the
// writer's memory. Applied batches go back the same way, so each stage frees what it allocated:
// memory freed by a thread other than the one that allocated it makes both wait on the
// allocator's lock (glibc's arenas), which cost more than a third of a rebuild.
class EventPipe
{
public:
    // Batches handed back since the last push are freed here, outside the lock, or moved to
    // `spent` for the caller to pass further back.
    bool push(ReplayBatch &&batch, std::deque<ReplayBatch> *spent = nullptr)
    {
        std::deque<ReplayBatch> done;
        {
            std::unique_lock lock(m_mutex);
            m_space.wait(lock, [this] { return m_cancelled || m_queue.size() < MaxBatches; });
            if (m_cancelled)
                return false;
            m_queue.push_back(std::move(batch));
            m_ready.notify_one();
            done.swap(m_spent);
        }
        if (spent) {
            for (ReplayBatch &b : done)
                spent->push_back(std::move(b));
        }
        return true;
    }
    // Hands a batch back to the stage that pushed it (it gets it with its next push()).
    void recycle(ReplayBatch &&batch)
    {
        std::lock_guard lock(m_mutex);
        m_spent.push_back(std::move(batch));
    }
    // False at the end of the log (or after cancel()).
    bool pop(ReplayBatch &batch)
    {
        std::unique_lock lock(m_mutex);
        m_ready.wait(lock, [this] { return m_done || m_cancelled || !m_queue.empty(); });
        if (m_cancelled || m_queue.empty())
            return false;
        batch = std::move(m_queue.front());
        m_queue.pop_front();
        m_space.notify_one();
        return true;
    }
    // `last`: the last position of the log read (handed on, or skipped as no stage reads it).
    void finish(std::optional<Error> error, qint64 last)
    {
        std::lock_guard lock(m_mutex);
        m_done = true;
        m_error = std::move(error);
        m_last = last;
        m_ready.notify_all();
    }
    void cancel()
    {
        std::lock_guard lock(m_mutex);
        m_cancelled = true;
        m_space.notify_all();
        m_ready.notify_all();
    }
    std::optional<Error> error()
    {
        std::lock_guard lock(m_mutex);
        return m_error;
    }
    qint64 last()
    {
        std::lock_guard lock(m_mutex);
        return m_last;
    }

private:
    static constexpr size_t MaxBatches = 32;
    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::condition_variable m_space;
    std::deque<ReplayBatch> m_queue;
    std::deque<ReplayBatch> m_spent;
    bool m_done = false;
    bool m_cancelled = false;
    std::optional<Error> m_error;
    qint64 m_last = 0;
};

// A read-only instance of the store for one thread of a replay (one connection per thread,
// as the kernel requires).
Result<std::unique_ptr<SqliteEventStore>> openForReplay(const QString &path)
{
    StoreOptions options;
    options.readOnly = true;
    options.createIfMissing = false;
    options.recordAnchor = false;
    options.quickCheckOnOpen = false;
    return SqliteEventStore::open(path, options);
}

// Stage one of a replay: reads [1, head], with the payloads and metadata `options` asks for.
void readLog(const QString &path, qint64 head, const SqliteEventStore::ReplayOptions &options, EventPipe &out)
{
    std::optional<Error> error;
    qint64 last = 0;
    {
        Result<std::unique_ptr<SqliteEventStore>> reader = openForReplay(path);
        if (!reader) {
            error = reader.error();
        } else {
            // The whole log is read once, front to back: mapped, its pages are not copied out of
            // the page cache one read(2) at a time (a tenth of this thread's time).
            (void)ReadSql::exec(ReadSql::handleOf((*reader)->database()), "PRAGMA mmap_size = 4294967296", QString());
            constexpr int BatchSize = 512;
            // Lists of events come back emptied and are filled again: a new list per batch is
            // a large allocation, which makes glibc consolidate every small chunk freed since.
            std::deque<ReplayBatch> spent;
            std::vector<QList<RecordedEvent>> lists;
            const auto nextList = [&] {
                for (ReplayBatch &b : spent) {
                    b.events.clear();  // keeps its capacity
                    lists.push_back(std::move(b.events));
                }
                spent.clear();
                if (lists.empty()) {
                    QList<RecordedEvent> fresh;
                    fresh.reserve(BatchSize);
                    return fresh;
                }
                QList<RecordedEvent> reused = std::move(lists.back());
                lists.pop_back();
                return reused;
            };
            ReplayBatch batch;
            batch.events = nextList();
            bool stopped = false;
            Result<qint64> s = (*reader)->replay(1, head, options, [&](RecordedEvent &e) {
                batch.events.append(std::move(e));
                if (batch.events.size() < BatchSize)
                    return true;
                stopped = !out.push(std::move(batch), &spent);
                batch = {};
                batch.events = nextList();
                return !stopped;
            });
            if (!s)
                error = s.error();
            else
                last = *s;
            if (s && !stopped && !batch.events.isEmpty())
                out.push(std::move(batch));
        }
    }
    out.finish(std::move(error), last);
}

// Stage two: each projection prepares every batch (BulkProjection::prepare()) before it goes
// to the writing thread. Applied batches come back through here: what this thread prepared is
// freed here, the events go on back to the reading thread, which allocated them.
void prepareLog(const QString &path, const QList<BulkProjection *> &targets, EventPipe &in, EventPipe &out)
{
    std::optional<Error> error;
    {
        Result<std::unique_ptr<SqliteEventStore>> log = openForReplay(path);
        if (!log) {
            error = log.error();
            in.cancel();
        } else {
            ReplayBatch batch;
            std::deque<ReplayBatch> spent;
            while (in.pop(batch)) {
                for (BulkProjection *p : targets)
                    batch.prepared.push_back(p->prepare(batch.events, **log));
                const bool pushed = out.push(std::move(batch), &spent);
                batch = {};
                for (ReplayBatch &b : spent) {
                    b.prepared.clear();
                    in.recycle(std::move(b));
                }
                spent.clear();
                if (!pushed) {
                    in.cancel();
                    break;
                }
            }
            for (BulkProjection *p : targets)
                p->finishPrepare();
            error = in.error();
        }
    }
    out.finish(std::move(error), in.last());
    for (BulkProjection *p : targets)
        p->releasePrepared();
}

// The integer a PRAGMA reads on `db`, or `fallback` when it cannot be read.
int pragmaValue(sqlite3 *db, const char *pragma, int fallback)
{
    sqlite3_stmt *q = nullptr;
    int value = fallback;
    if (sqlite3_prepare_v2(db, pragma, -1, &q, nullptr) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
        value = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    return value;
}

// Copies what the WAL holds into the store file (a passive checkpoint: it waits for nobody), on
// a connection of its own.
void checkpointStore(const QString &path)
{
    sqlite3 *db = nullptr;
    // A connection knows the store is in WAL mode once it has read it.
    if (sqlite3_open_v2(QFile::encodeName(path).constData(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK
        && sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr) == SQLITE_OK)
        sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    sqlite3_close(db);
}

// Drops the secondary indexes and the triggers of the projections' (new, empty) tables and
// returns the SQL that creates them again. (The search index's triggers would run their WHEN
// query for every row written while the index is stale and does nothing with it.)
Result<QList<QByteArray>> deferIndexesAndTriggers(sqlite3 *db, const QStringList &projections)
{
    const QString doing = QStringLiteral("prepare the projection tables for a rebuild");
    QList<QByteArray> creates;
    QList<QByteArray> drops;
    for (const QString &projection : projections) {
        for (const QString &table : ReadSide::tablesOf(projection)) {
            sqlite3_stmt *q = nullptr;
            int rc = sqlite3_prepare_v2(db, "SELECT type, name, sql FROM sqlite_schema"
                                            " WHERE type IN ('index', 'trigger') AND sql IS NOT NULL AND tbl_name = ?1"
                                            " ORDER BY type = 'trigger'", -1, &q, nullptr);
            const QByteArray tableUtf8 = table.toUtf8();
            if (rc == SQLITE_OK)
                rc = sqlite3_bind_text(q, 1, tableUtf8.constData(), int(tableUtf8.size()), SQLITE_TRANSIENT);
            while (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
                const QByteArray type = reinterpret_cast<const char *>(sqlite3_column_text(q, 0));
                const QByteArray name = reinterpret_cast<const char *>(sqlite3_column_text(q, 1));
                drops << "DROP " + type.toUpper() + " \"" + QByteArray(name).replace('"', "\"\"") + '"';
                creates << QByteArray(reinterpret_cast<const char *>(sqlite3_column_text(q, 2)));
                rc = SQLITE_OK;
            }
            sqlite3_finalize(q);
            if (rc != SQLITE_DONE)
                return fail(ReadSql::sqlError(db, rc, doing));
        }
    }
    for (const QByteArray &drop : std::as_const(drops)) {
        if (Status s = ReadSql::exec(db, drop.constData(), doing); !s)
            return fail(s.error());
    }
    return creates;
}

} // namespace

Status ReadSide::rebuildPass(const QStringList &names, const Progress &progress, const std::function<bool()> &cancelled)
{
    // Dependency order: revenue reads the invoice list's figures.
    QStringList ordered;
    for (const QString &n : projectionNames()) {
        if (names.contains(n))
            ordered << n;
    }
    // Revenue without the invoice list needs the list's rows to be at the head.
    if (ordered.contains(RevenueProjection::projectionName()) && !ordered.contains(InvoiceListProjection::projectionName())) {
        const Result<qint64> cp = m_store.checkpoint(InvoiceListProjection::projectionName());
        const Result<qint64> head = m_store.headPosition();
        if (!cp || !head)
            return fail((!cp ? cp : head).error());
        if (*cp < *head)
            ordered.prepend(InvoiceListProjection::projectionName());
    }
    QList<BulkProjection *> targets;
    for (const QString &n : std::as_const(ordered))
        targets << projection(n);
    const bool withInvoices = ordered.contains(InvoiceListProjection::projectionName());
    const bool withRevenue = ordered.contains(RevenueProjection::projectionName());
    const QString label = ordered.join(QStringLiteral(", "));

    const auto abortAll = [&] {
        for (BulkProjection *p : std::as_const(targets))
            p->abortBulk();
        m_revenue->setFigureSource({});
    };
    // Dropping the old tables with Debian's default secure_delete would first overwrite every
    // page of them with zeros; FAST leaves that to pages written anyway, for this pass only.
    sqlite3 *handle = ReadSql::handleOf(m_store.database());
    const int secureDelete = pragmaValue(handle, "PRAGMA secure_delete", -1);
    if (secureDelete == 1)
        (void)ReadSql::exec(handle, "PRAGMA secure_delete = FAST", QString());
    const auto restoreSecureDelete = qScopeGuard([handle, secureDelete] {
        if (secureDelete == 1)
            sqlite3_exec(handle, "PRAGMA secure_delete = ON", nullptr, nullptr, nullptr);
    });
    // The rebuild's commit leaves its pages in the WAL (a checkpoint follows, below).
    const int autoCheckpoint = pragmaValue(handle, "PRAGMA wal_autocheckpoint", 1000);  // SQLite's default
    if (withInvoices)
        sqlite3_wal_autocheckpoint(handle, 0);
    const auto restoreAutoCheckpoint =
        qScopeGuard([handle, autoCheckpoint] { sqlite3_wal_autocheckpoint(handle, autoCheckpoint); });
    Status result = m_store.writeTransaction([&](QSqlDatabase &db) -> Status {
        const Result<qint64> head = m_store.headPosition();  // under the write lock
        if (!head)
            return fail(head.error());
        for (BulkProjection *p : std::as_const(targets)) {
            if (Status s = p->dropSchema(db); !s)
                return s;
            if (Status s = p->createSchema(db); !s)
                return s;
            if (Status s = p->beginBulk(db); !s)
                return s;
        }
        // Secondary indexes are built once over the finished tables: inserting each row into
        // them as it comes (random stream ids) costs several times more than sorting once. The
        // triggers come back with them, before the search index is built.
        Result<QList<QByteArray>> indexes = deferIndexesAndTriggers(handle, ordered);
        if (!indexes)
            return fail(indexes.error());
        if (withInvoices && withRevenue) {
            InvoiceListProjection *invoices = m_invoices.get();
            m_revenue->setFigureSource([invoices](qint64 position) { return invoices->revenueFactAt(position); });
        }

        // A payload is read when one of the projections reads it: as stored when all of those
        // read it so, else parsed; with upcasters, always parsed (an upcaster reads the parsed
        // payload and may give an event another type). An event type none of them reads is
        // skipped (the number sequences, the company's settings), and so is the metadata. Event
        // ids go only with the last event of each run when no projection reads more.
        SqliteEventStore::ReplayOptions replay;
        replay.metadata = !m_upcasters->isEmpty();  // an upcaster may read them
        bool everyId = !m_upcasters->isEmpty();
        for (const BulkProjection *p : std::as_const(targets)) {
            replay.metadata = replay.metadata || p->readsMetadata();
            everyId = everyId || p->readsEveryEventId();
        }
        replay.eventIds = everyId ? SqliteEventStore::EventIds::Every : SqliteEventStore::EventIds::LastOfRun;
        if (m_upcasters->isEmpty()) {
            replay.payload = [targets](const QString &type) {
                SqliteEventStore::Payload most = SqliteEventStore::Payload::Skip;
                for (const BulkProjection *p : targets)
                    most = std::max(most, p->payloadOf(type));
                return most;
            };
        }
        // Three threads: one reads the log, one prepares it (folds invoices), this one writes.
        EventPipe read;
        EventPipe pipe;
        std::thread reader(readLog, m_store.path(), *head, replay, std::ref(read));
        std::thread preparer(prepareLog, m_store.path(), targets, std::ref(read), std::ref(pipe));
        // Joined when the rows are written (the preparing thread frees the fold's memory
        // meanwhile, BulkProjection::releasePrepared()), or at once on a failure.
        bool joined = false;
        const auto join = [&] {
            if (std::exchange(joined, true))
                return;
            pipe.cancel();
            read.cancel();
            preparer.join();
            reader.join();
        };
        const auto joinOnExit = qScopeGuard(join);
        Status applied;
        qint64 reported = -1;  // the last step of progress reported
        qint64 reportedAt = -1;
        const qint64 step = std::max<qint64>(1, *head / 100);
        ReplayBatch batch;
        while (applied && pipe.pop(batch)) {
            if (cancelled && cancelled()) {
                applied = fail(Error::failure(QStringLiteral("The rebuild of %1 was cancelled; the lists are as they were.")
                                                  .arg(label)));
                break;
            }
            for (qsizetype i = 0; applied && i < targets.size(); ++i) {
                if (ReplayPrepared *prepared = batch.prepared.at(size_t(i)).get()) {
                    if (Status s = targets.at(i)->applyPrepared(db, *prepared); !s)
                        applied = fail(s.error());
                }
            }
            for (const RecordedEvent &e : std::as_const(batch.events)) {
                if (!applied)
                    break;
                for (BulkProjection *p : std::as_const(targets)) {
                    if (Status s = p->apply(db, e); !s) {
                        applied = fail(Error::failure(QStringLiteral("The projection %1 could not apply the event at "
                                                                     "position %2 (%3): %4")
                                                          .arg(p->name())
                                                          .arg(e.position)
                                                          .arg(e.type, s.error().message)));
                        break;
                    }
                }
                if (!applied)
                    break;
                // Events no projection reads are not handed over: progress goes by position.
                if (progress && e.position / step != reported) {
                    reported = e.position / step;
                    reportedAt = e.position;
                    progress(label, e.position, *head);
                }
            }
            pipe.recycle(std::move(batch));
            batch = {};
        }
        if (!applied)
            return applied;
        if (std::optional<Error> e = pipe.error())
            return fail(*e);
        if (const qint64 last = pipe.last(); last != *head) {
            return fail(Error::inconsistent(QStringLiteral("Reading the log of %1 stopped at position %2, before its "
                                                           "head at %3.")
                                                .arg(m_store.path())
                                                .arg(last)
                                                .arg(*head)));
        }
        if (progress && reportedAt != *head)
            progress(label, *head, *head);
        for (BulkProjection *p : std::as_const(targets)) {
            if (Status s = p->endBulk(db); !s)
                return s;
            if (Status s = m_store.setCheckpoint(db, p->name(), p->schemaVersion(), *head); !s)
                return s;
        }
        join();
        for (const QByteArray &sql : std::as_const(*indexes)) {
            const QString doing = QStringLiteral("index the rebuilt projections and restore their triggers");
            if (Status s = ReadSql::exec(handle, sql.constData(), doing); !s)
                return s;
        }
        m_revenue->setFigureSource({});
        return {};
    });
    if (!result) {
        abortAll();
        return result;
    }
    if (withInvoices) {
        // Another connection copies the rebuilt tables from the WAL into the store while this
        // one builds the search index: the checkpoint (half a second for the full demo, most of
        // it the disk) and the index (a third of one) each take a core. Until the index is
        // built, it is marked stale and searches scan (docs/read-side.md, Search).
        std::thread checkpointer(checkpointStore, m_store.path());
        result = m_store.writeTransaction([](QSqlDatabase &db) { return InvoiceListProjection::rebuildSearchIndex(db); });
        checkpointer.join();
        // The index's own pages, as the automatic checkpoint would have after its commit.
        sqlite3_wal_checkpoint_v2(handle, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    }
    return result;
}

ReadSide::Progress ReadSide::printProgress(QTextStream &stream, const QString &verb)
{
    auto lastTenth = std::make_shared<QHash<QString, qint64>>();
    return [&stream, verb, lastTenth](const QString &name, qint64 done, qint64 total) {
        const qint64 tenth = total > 0 ? done * 10 / total : 10;
        if (lastTenth->value(name, -1) == tenth)
            return;
        lastTenth->insert(name, tenth);
        stream << QStringLiteral("%1 %2: %3 of %4 (%5%)")
                      .arg(verb, name)
                      .arg(done)
                      .arg(total)
                      .arg(total > 0 ? done * 100 / total : 100)
               << '\n';
        stream.flush();
    };
}

Result<QList<ProjectionStatus>> ReadSide::status()
{
    const Result<qint64> head = m_store.headPosition();
    if (!head)
        return fail(head.error());
    QList<ProjectionStatus> result;
    const auto add = [&](const QString &name, bool isInline, int schema) -> Status {
        ProjectionStatus st;
        st.name = name;
        st.isInline = isInline;
        st.schemaVersion = schema;
        const Result<int> stored = m_store.storedProjectionSchema(name);
        if (!stored)
            return fail(stored.error());
        st.storedSchemaVersion = *stored;
        const Result<qint64> cp = m_store.checkpoint(name);
        if (!cp)
            return fail(cp.error());
        st.position = *cp;
        st.lag = std::max<qint64>(0, *head - *cp);
        result << st;
        return {};
    };
    if (Status s = add(m_invoices->name(), true, m_invoices->schemaVersion()); !s)
        return fail(s.error());
    if (Status s = add(m_customers->name(), true, m_customers->schemaVersion()); !s)
        return fail(s.error());
    for (ProjectionRunner *runner : std::as_const(m_runners)) {
        if (Status s = add(runner->projection().name(), false, runner->projection().schemaVersion()); !s)
            return fail(s.error());
    }
    return result;
}

Result<qint64> ReadSide::catchUp()
{
    if (m_store.isReadOnly())
        return m_store.headPosition();
    // Inline projections lag only after appends by a writer without them; the kernel applies
    // those before its next append, and this applies them now, the same way.
    for (const std::shared_ptr<Projection> &p : {std::shared_ptr<Projection>(m_invoices), std::shared_ptr<Projection>(m_customers)}) {
        Status s = m_store.writeTransaction([&](QSqlDatabase &db) -> Status {
            const Result<int> schema = m_store.storedProjectionSchema(p->name());
            if (!schema)
                return fail(schema.error());
            if (*schema != p->schemaVersion())
                return {};  // maintained by another version of the program
            const Result<qint64> from = m_store.checkpoint(p->name());
            if (!from)
                return fail(from.error());
            const Result<qint64> head = m_store.headPosition();
            if (!head)
                return fail(head.error());
            if (*from >= *head)
                return {};
            Status applied;
            Status scanned = m_store.scan({}, *from + 1, *head, [&](const RecordedEvent &e) {
                applied = p->apply(db, e);
                return bool(applied);
            });
            if (!scanned)
                return scanned;
            if (!applied)
                return applied;
            return m_store.setCheckpoint(db, p->name(), p->schemaVersion(), *head);
        });
        if (!s)
            return fail(s.error());
    }
    qint64 reached = 0;
    for (ProjectionRunner *runner : std::as_const(m_runners)) {
        const Result<qint64> r = runner->catchUp();
        if (!r)
            return fail(r.error());
        reached = *r;
    }
    emit asyncCaughtUp(reached);
    return reached;
}

} // namespace Billstream
