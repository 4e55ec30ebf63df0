#include "core/projections/readside.h"

#include "core/es/projectionrunner.h"
#include "core/projections/activityprojection.h"
#include "core/projections/customerlistprojection.h"
#include "core/projections/invoicelistprojection.h"
#include "core/projections/revenueprojection.h"
#include "core/projections/sqlaccess.h"

#include <QCoreApplication>
#include <QFile>
#include <QHash>
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
    return inlineProjectionNames() + QStringList{RevenueProjection::projectionName(), ActivityProjection::projectionName()};
}

QStringList ReadSide::tablesOf(const QString &projection)
{
    if (projection == InvoiceListProjection::projectionName())
        return InvoiceListProjection::tables();
    if (projection == CustomerListProjection::projectionName())
        return CustomerListProjection::tables();
    if (projection == RevenueProjection::projectionName())
        return RevenueProjection::tables();
    if (projection == ActivityProjection::projectionName())
        return ActivityProjection::tables();
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

Status ReadSide::attachAll(const Progress &progress, const Options &options)
{
    m_invoices = std::make_shared<InvoiceListProjection>(m_store, m_upcasters);
    m_customers = std::make_shared<CustomerListProjection>(m_store, m_upcasters);
    const bool writable = !m_store.isReadOnly();

    QStringList damaged;  // checkpoint says built, but its tables are gone (removed by hand)
    const auto check = [&](const QString &name, int schemaVersion) -> Status {
        if (!writable)
            return {};
        const Result<int> stored = m_store.storedProjectionSchema(name);
        if (!stored)
            return fail(stored.error());
        if (*stored != schemaVersion)
            return {};  // the kernel or the runner rebuilds it anyway
        const Result<bool> present = tablesPresent(name);
        if (!present)
            return fail(present.error());
        if (!*present)
            damaged << name;
        return {};
    };
    if (Status s = check(m_invoices->name(), m_invoices->schemaVersion()); !s)
        return s;
    if (Status s = check(m_customers->name(), m_customers->schemaVersion()); !s)
        return s;
    if (Status s = check(RevenueProjection::projectionName(), RevenueProjection::SchemaVersion); !s)
        return s;
    if (Status s = check(ActivityProjection::projectionName(), ActivityProjection::SchemaVersion); !s)
        return s;

    for (const std::shared_ptr<Projection> &p : {std::shared_ptr<Projection>(m_invoices), std::shared_ptr<Projection>(m_customers)}) {
        const QString name = p->name();
        const auto report = [&](qint64 done, qint64 total) {
            if (progress)
                progress(name, done, total);
        };
        if (Status s = m_store.registerInlineProjection(p, report); !s)
            return s;
    }
    if (writable) {
        Result<bool> stale = InvoiceListProjection::searchIndexStale(m_store.database());
        if (stale && *stale && !damaged.contains(m_invoices->name())) {
            if (Status s = finishInlineRebuild({m_invoices->name()}); !s)
                return s;
        }
    }

    for (const std::shared_ptr<Projection> &p :
         {std::shared_ptr<Projection>(std::make_shared<RevenueProjection>(m_upcasters)),
          std::shared_ptr<Projection>(std::make_shared<ActivityProjection>(m_upcasters))}) {
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

    if (!damaged.isEmpty()) {
        if (Status s = rebuild(damaged, progress); !s)
            return s;
    }
    if (writable && options.catchUpAsync) {
        for (ProjectionRunner *runner : std::as_const(m_runners)) {
            const QString name = runner->projection().name();
            const Result<qint64> lag = runner->lag();
            if (!lag)
                return fail(lag.error());
            if (*lag == 0)
                continue;
            if (progress) {
                // ProjectionRunner::catchUp has no progress; a large lag is a rebuild in effect.
                progress(name, 0, *lag);
            }
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

Status ReadSide::finishInlineRebuild(const QStringList &names)
{
    if (!names.contains(InvoiceListProjection::projectionName()))
        return {};
    return m_store.writeTransaction([](QSqlDatabase &db) { return InvoiceListProjection::rebuildSearchIndex(db); });
}

Status ReadSide::rebuild(const QStringList &names, const Progress &progress)
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
    const QSet<QString> wanted(names.cbegin(), names.cend());
    const auto selected = [&](const QString &n) { return wanted.isEmpty() || wanted.contains(n); };

    QStringList inlineNames;
    for (const QString &n : inlineProjectionNames()) {
        if (selected(n))
            inlineNames << n;
    }
    if (!inlineNames.isEmpty()) {
        const QString label = inlineNames.join(QStringLiteral(", "));
        const auto report = [&](qint64 done, qint64 total) {
            if (progress)
                progress(label, done, total);
        };
        if (Status s = m_store.rebuildProjections(inlineNames, report); !s)
            return s;
        if (Status s = finishInlineRebuild(inlineNames); !s)
            return s;
    }
    for (ProjectionRunner *runner : std::as_const(m_runners)) {
        const QString name = runner->projection().name();
        if (!selected(name))
            continue;
        const auto report = [&](qint64 done, qint64 total) {
            if (progress)
                progress(name, done, total);
        };
        if (Status s = runner->rebuild(report); !s)
            return s;
    }
    emit rebuilt(names.isEmpty() ? all : names);
    return {};
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
