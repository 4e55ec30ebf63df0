// Async projections: catch up from a checkpoint stored with their rows, rebuild on a schema
// change, rebuild with progress and cancel, lag.
#include "core/es/projectionrunner.h"

#include <QMutex>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <thread>

using namespace Billstream;

namespace {

// Counts events per type.
class TypeCounts final : public Projection
{
public:
    explicit TypeCounts(int schema = 1) : m_schema(schema) {}
    QString name() const override { return QStringLiteral("type_counts"); }
    int schemaVersion() const override { return m_schema; }
    Status createSchema(QSqlDatabase &db) override
    {
        return exec(db, QStringLiteral("CREATE TABLE IF NOT EXISTS type_counts(type TEXT PRIMARY KEY, n INTEGER NOT NULL)"));
    }
    Status dropSchema(QSqlDatabase &db) override { return exec(db, QStringLiteral("DROP TABLE IF EXISTS type_counts")); }
    Status apply(QSqlDatabase &db, const RecordedEvent &e) override
    {
        ++applied;
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO type_counts(type, n) VALUES(?, 1) ON CONFLICT(type) DO UPDATE SET n = n + 1"));
        q.addBindValue(e.type);
        if (!q.exec())
            return fail(Error::failure(q.lastError().text()));
        return {};
    }
    int applied = 0;

private:
    static Status exec(QSqlDatabase &db, const QString &sql)
    {
        QSqlQuery q(db);
        if (!q.exec(sql))
            return fail(Error::failure(q.lastError().text()));
        return {};
    }
    int m_schema;
};

QMap<QString, qint64> counts(SqliteEventStore &store)
{
    QMap<QString, qint64> out;
    QSqlQuery q(store.database());
    q.exec(QStringLiteral("SELECT type, n FROM type_counts"));
    while (q.next())
        out.insert(q.value(0).toString(), q.value(1).toLongLong());
    return out;
}

} // namespace

class TestProjectionRunner : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    std::unique_ptr<SqliteEventStore> open(const QString &name)
    {
        StoreOptions o;
        o.anchorPath = m_dir.filePath(name + QStringLiteral(".anchor"));
        auto s = SqliteEventStore::open(m_dir.filePath(name), o);
        if (!s)
            qFatal("%s", qPrintable(s.error().message));
        return std::move(*s);
    }

    // Small counts go through append (so eventsAppended fires once per command); large ones
    // through one batch, which is the import path and keeps the test quick.
    static void appendEvents(SqliteEventStore &store, int n, const QString &type = QStringLiteral("A"))
    {
        QList<AppendRequest> batch;
        for (int i = 0; i < n; ++i) {
            AppendRequest r;
            r.tenantId = QStringLiteral("t");
            r.streams = {StreamAppend{QStringLiteral("s"), QStringLiteral("s%1").arg(i % 7), ExpectedVersion::any(),
                                      {NewEvent{type, {}, 1}}}};
            if (n <= 100)
                QVERIFY(store.append(r).has_value());
            else
                batch << r;
        }
        if (!batch.isEmpty())
            QVERIFY(store.appendBatch(batch).has_value());
    }

private slots:
    void catchesUpFromCheckpointOnce()
    {
        auto store = open(QStringLiteral("catchup.sqlite"));
        appendEvents(*store, 30);
        auto projection = std::make_shared<TypeCounts>();
        ProjectionRunner runner(*store, projection);
        QVERIFY(runner.open().has_value());
        QCOMPARE(*runner.lag(), 30);
        QCOMPARE(*runner.catchUp(7), 30);
        QCOMPARE(counts(*store).value(QStringLiteral("A")), 30);
        QCOMPARE(*runner.lag(), 0);
        // Nothing new: nothing applied again.
        QCOMPARE(*runner.catchUp(), 30);
        QCOMPARE(projection->applied, 30);

        // eventsAppended wakes it up.
        appendEvents(*store, 5, QStringLiteral("B"));
        QCOMPARE(counts(*store).value(QStringLiteral("B")), 5);
        QCOMPARE(*store->checkpoint(QStringLiteral("type_counts")), 35);
    }

    void restartContinuesFromCheckpoint()
    {
        const QString name = QStringLiteral("restart.sqlite");
        {
            auto store = open(name);
            appendEvents(*store, 10);
            ProjectionRunner runner(*store, std::make_shared<TypeCounts>());
            QVERIFY(runner.open().has_value());
            QVERIFY(runner.catchUp().has_value());
        }
        auto store = open(name);
        appendEvents(*store, 4);  // written while no runner listened
        auto projection = std::make_shared<TypeCounts>();
        ProjectionRunner runner(*store, projection);
        QVERIFY(runner.open().has_value());
        QVERIFY(runner.catchUp().has_value());
        QCOMPARE(projection->applied, 4);
        QCOMPARE(counts(*store).value(QStringLiteral("A")), 14);
    }

    void changedSchemaRebuildsFromScratch()
    {
        const QString name = QStringLiteral("schema.sqlite");
        auto store = open(name);
        appendEvents(*store, 12);
        {
            ProjectionRunner runner(*store, std::make_shared<TypeCounts>(1));
            QVERIFY(runner.open().has_value());
            QVERIFY(runner.catchUp().has_value());
        }
        auto v2 = std::make_shared<TypeCounts>(2);
        ProjectionRunner runner(*store, v2);
        QVERIFY(runner.open().has_value());
        QCOMPARE(*store->checkpoint(QStringLiteral("type_counts")), 0);
        QVERIFY(runner.catchUp().has_value());
        QCOMPARE(v2->applied, 12);
        QCOMPARE(counts(*store).value(QStringLiteral("A")), 12);
        QCOMPARE(*store->storedProjectionSchema(QStringLiteral("type_counts")), 2);
    }

    // Runners of one projection on several connections (two windows, a worker, the CLI) catch
    // up at the same time while events are appended: each event is applied exactly once, as
    // the projection's counts (not idempotent) show. A runner that read the checkpoint before
    // another one committed must not apply that one's events again.
    void concurrentRunnersApplyEachEventOnce()
    {
        const QString name = QStringLiteral("concurrent.sqlite");
        auto writer = open(name);
        {
            ProjectionRunner setup(*writer, std::make_shared<TypeCounts>());
            QVERIFY(setup.open().has_value());
        }
        constexpr int Events = 400;
        std::atomic<bool> written{false};
        std::atomic<int> failures{0};
        QString firstFailure;
        QMutex failureLock;
        const auto runLoop = [&](const QString &anchor) {
            StoreOptions o;
            o.anchorPath = m_dir.filePath(anchor);
            auto store = SqliteEventStore::open(m_dir.filePath(name), o);
            if (!store) {
                ++failures;
                return;
            }
            ProjectionRunner runner(**store, std::make_shared<TypeCounts>());
            for (;;) {
                const bool last = written.load();
                const Result<qint64> r = runner.catchUp(3);
                if (!r) {
                    QMutexLocker lock(&failureLock);
                    if (failures++ == 0)
                        firstFailure = r.error().message;
                    return;
                }
                if (last)
                    return;
            }
        };
        std::thread a(runLoop, QStringLiteral("a.anchor"));
        std::thread b(runLoop, QStringLiteral("b.anchor"));
        for (int i = 0; i < Events; ++i) {
            AppendRequest r;
            r.tenantId = QStringLiteral("t");
            r.streams = {StreamAppend{QStringLiteral("s"), QStringLiteral("s%1").arg(i % 7), ExpectedVersion::any(),
                                      {NewEvent{QStringLiteral("A"), {}, 1}}}};
            QVERIFY(writer->append(r).has_value());
        }
        written = true;
        a.join();
        b.join();
        QVERIFY2(failures == 0, qPrintable(firstFailure));
        QCOMPARE(*writer->checkpoint(QStringLiteral("type_counts")), qint64(Events));
        QCOMPARE(counts(*writer).value(QStringLiteral("A")), qint64(Events));
    }

    void rebuildReportsProgressAndCanBeCancelled()
    {
        auto store = open(QStringLiteral("rebuild.sqlite"));
        appendEvents(*store, 12'000);
        auto projection = std::make_shared<TypeCounts>();
        ProjectionRunner runner(*store, projection);
        QVERIFY(runner.open().has_value());
        QVERIFY(runner.catchUp().has_value());
        const auto before = counts(*store);

        QList<qint64> progress;
        QVERIFY(runner.rebuild([&](qint64 done, qint64 total) {
            QCOMPARE(total, 12'000);
            progress << done;
        }).has_value());
        QCOMPARE(progress.last(), 12'000);
        QVERIFY(progress.size() >= 2);
        QCOMPARE(counts(*store), before);

        // Cancelled after the first batch: consistent rows up to the checkpoint, and a later
        // catch-up completes it to the same result.
        int batches = 0;
        QVERIFY(runner.rebuild({}, [&] { return batches++ >= 1; }).has_value());
        const qint64 cp = *store->checkpoint(QStringLiteral("type_counts"));
        QVERIFY(cp > 0 && cp < 12'000);
        QCOMPARE(counts(*store).value(QStringLiteral("A")), cp);
        QVERIFY(runner.catchUp().has_value());
        QCOMPARE(counts(*store), before);
    }
};

QTEST_GUILESS_MAIN(TestProjectionRunner)
#include "tst_projectionrunner.moc"
