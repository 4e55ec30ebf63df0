// Kernel scenarios: durable append, bulk append, reading the log, loading a stream.
#include "baseline.h"
#include "bench.h"

#include "core/es/aggregate.h"
#include "core/es/sqliteeventstore.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QUuid>

#include <cstdio>
#include <cstdlib>

using namespace Billstream;

namespace Bench {
namespace {

std::unique_ptr<SqliteEventStore> openStore(const QString &path)
{
    StoreOptions o;
    o.anchorPath = path + QStringLiteral(".anchor.json");
    o.appVersion = QStringLiteral("0.1.0");
    auto s = SqliteEventStore::open(path, o);
    if (!s) {
        std::fprintf(stderr, "cannot open %s: %s\n", qPrintable(path), qPrintable(s.error().message));
        std::exit(1);
    }
    return std::move(*s);
}

QByteArray uuid() { return QUuid::createUuid().toByteArray(QUuid::WithoutBraces); }

NewEvent lineItem(qint64 i)
{
    return NewEvent{QStringLiteral("LineItemAdded"), QJsonDocument::fromJson(samplePayload(i)).object(), 1};
}

// append-durable: one command of 3 events per transaction, durable, p50/p99 latency.
QList<Figure> appendDurable(const Options &opt, const QString &dir)
{
    const int ops = opt.quick ? 300 : 2000;
    const int chunk = 50;  // alternate Billstream and bare SQLite every `chunk` commands
    QList<double> ours, bare;
    for (int run = 0; run < opt.runs; ++run) {
        auto store = openStore(dir + QStringLiteral("/durable-%1.sqlite").arg(run));
        BareStore baseline(dir + QStringLiteral("/durable-bare-%1.sqlite").arg(run));
        qint64 barePosition = 0;
        for (int done = 0; done < ops; done += chunk) {
            for (int i = done; i < done + chunk; ++i) {
                AppendRequest r;
                r.tenantId = QStringLiteral("default");
                r.metadata.commandId = QString::fromLatin1(uuid());
                r.metadata.actor = QStringLiteral("bench");
                r.streams = {StreamAppend{QStringLiteral("invoice"), QString::fromLatin1(uuid()), ExpectedVersion::noStream(),
                                          {lineItem(i), lineItem(i + 1), lineItem(i + 2)}}};
                QElapsedTimer t;
                t.start();
                auto res = store->append(r);
                const double us = elapsedUs(t);
                if (!res) {
                    std::fprintf(stderr, "append failed: %s\n", qPrintable(res.error().message));
                    std::exit(1);
                }
                if (i > 5 || run > 0)  // warm-up
                    ours << us;
            }
            for (int i = done; i < done + chunk; ++i) {
                const QByteArray stream = uuid();
                const QByteArray p0 = samplePayload(i), p1 = samplePayload(i + 1), p2 = samplePayload(i + 2);
                const QByteArray e0 = uuid(), e1 = uuid(), e2 = uuid();
                const qint64 now = QDateTime::currentMSecsSinceEpoch();
                QElapsedTimer t;
                t.start();
                baseline.exec("BEGIN IMMEDIATE");
                baseline.insert(++barePosition, stream, 1, e0, p0, now);
                baseline.insert(++barePosition, stream, 2, e1, p1, now);
                baseline.insert(++barePosition, stream, 3, e2, p2, now);
                baseline.exec("COMMIT");
                const double us = elapsedUs(t);
                if (i > 5 || run > 0)
                    bare << us;
            }
        }
    }
    return {Figure{QStringLiteral("append-durable"), QStringLiteral("p50_us"), median(ours), median(bare), 1.5, true},
            Figure{QStringLiteral("append-durable"), QStringLiteral("p99_us"), percentile(ours, 0.99),
                   percentile(bare, 0.99), 0, true}};
}

// The bulk store every read scenario works on: `events` events over `streams` streams.
struct BulkSizes
{
    qint64 events;
    qint64 streams;
};
BulkSizes bulkSizes(const Options &opt) { return opt.quick ? BulkSizes{100'000, 5'000} : BulkSizes{1'000'000, 50'000}; }

double bulkAppendOurs(const QString &path, BulkSizes sizes)
{
    auto store = openStore(path);
    const qint64 perStream = sizes.events / sizes.streams;
    const int streamsPerBatch = int(10'000 / perStream);
    QElapsedTimer t;
    t.start();
    qint64 i = 0;
    for (qint64 s = 0; s < sizes.streams; s += streamsPerBatch) {
        QList<AppendRequest> batch;
        for (qint64 k = s; k < std::min(sizes.streams, s + streamsPerBatch); ++k) {
            AppendRequest r;
            r.tenantId = QStringLiteral("default");
            r.metadata.actor = QStringLiteral("bench");
            StreamAppend a{QStringLiteral("invoice"), QString::fromLatin1(uuid()), ExpectedVersion::noStream(), {}};
            for (qint64 v = 0; v < perStream; ++v)
                a.events << lineItem(i++);
            r.streams = {a};
            batch << r;
        }
        auto res = store->appendBatch(batch);
        if (!res) {
            std::fprintf(stderr, "bulk append failed: %s\n", qPrintable(res.error().message));
            std::exit(1);
        }
    }
    return double(sizes.events) / (double(t.nsecsElapsed()) / 1e9);
}

double bulkAppendBare(const QString &path, BulkSizes sizes)
{
    BareStore bare(path);
    const qint64 perStream = sizes.events / sizes.streams;
    QElapsedTimer t;
    t.start();
    qint64 position = 0;
    bare.exec("BEGIN IMMEDIATE");
    for (qint64 s = 0; s < sizes.streams; ++s) {
        const QByteArray stream = uuid();
        for (qint64 v = 1; v <= perStream; ++v) {
            const QByteArray payload = samplePayload(position);
            bare.insert(++position, stream, v, uuid(), payload, QDateTime::currentMSecsSinceEpoch());
        }
        if (position % 10'000 == 0) {
            bare.exec("COMMIT");
            bare.exec("BEGIN IMMEDIATE");
        }
    }
    bare.exec("COMMIT");
    return double(sizes.events) / (double(t.nsecsElapsed()) / 1e9);
}

QList<Figure> appendBulk(const Options &opt, const QString &dir)
{
    const BulkSizes sizes = bulkSizes(opt);
    QList<double> ours, bare;
    const int runs = opt.quick ? opt.runs : std::min(opt.runs, 3);
    for (int run = 0; run < runs; ++run) {
        ours << bulkAppendOurs(dir + QStringLiteral("/bulk-%1.sqlite").arg(run), sizes);
        bare << bulkAppendBare(dir + QStringLiteral("/bulk-bare-%1.sqlite").arg(run), sizes);
        removeStore(dir + QStringLiteral("/bulk-%1.sqlite").arg(run));
        removeStore(dir + QStringLiteral("/bulk-bare-%1.sqlite").arg(run));
    }
    return {Figure{QStringLiteral("append-bulk"), QStringLiteral("events_per_s"), median(ours), median(bare), 2.0, false}};
}

// read-all: the whole log with payloads parsed, against SELECT + QJsonDocument::fromJson.
QList<Figure> readAll(const Options &opt, const QString &dir)
{
    const BulkSizes sizes = bulkSizes(opt);
    const QString path = dir + QStringLiteral("/read.sqlite");
    bulkAppendOurs(path, sizes);
    QList<double> ours, bare;
    auto store = openStore(path);
    sqlite3 *db = nullptr;
    sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    for (int run = 0; run < opt.runs + 1; ++run) {
        QElapsedTimer t;
        t.start();
        qint64 n = 0, sum = 0;
        auto s = store->scan({}, 1, -1, [&](const RecordedEvent &e) {
            ++n;
            sum += e.payload.size();
            return true;
        });
        if (!s || n != sizes.events) {
            std::fprintf(stderr, "scan failed\n");
            std::exit(1);
        }
        const double oursRate = double(n) / (double(t.nsecsElapsed()) / 1e9);

        t.restart();
        sqlite3_stmt *stmt = nullptr;
        sqlite3_prepare_v2(db,
                           "SELECT position, tenant, stream_type, stream_id, version, event_id, type, schema_version, "
                           "payload, metadata, recorded_at, hash FROM events ORDER BY position",
                           -1, &stmt, nullptr);
        qint64 m = 0;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(stmt, 8));
            const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromRawData(text, sqlite3_column_bytes(stmt, 8))).object();
            sum += o.size();
            ++m;
        }
        sqlite3_finalize(stmt);
        const double bareRate = double(m) / (double(t.nsecsElapsed()) / 1e9);
        if (run > 0) {  // the first run warms the page cache
            ours << oursRate;
            bare << bareRate;
        }
    }
    sqlite3_close(db);
    return {Figure{QStringLiteral("read-all"), QStringLiteral("events_per_s"), median(ours), median(bare), 1.4, false}};
}

// load-stream: a 1,000-event stream folded at a random version.
QList<Figure> loadStream(const Options &opt, const QString &dir)
{
    const QString path = dir + QStringLiteral("/stream.sqlite");
    auto store = openStore(path);
    const QString streamId = QStringLiteral("invoice-1000");
    {
        AppendRequest r;
        r.tenantId = QStringLiteral("default");
        StreamAppend a{QStringLiteral("invoice"), streamId, ExpectedVersion::noStream(), {}};
        for (int i = 0; i < 1000; ++i)
            a.events << lineItem(i);
        r.streams = {a};
        // Other streams around it, so the index is not trivially small.
        QList<AppendRequest> batch{r};
        for (int s = 0; s < 2000; ++s) {
            AppendRequest o;
            o.tenantId = QStringLiteral("default");
            o.streams = {StreamAppend{QStringLiteral("invoice"), QString::fromLatin1(uuid()), ExpectedVersion::noStream(),
                                      {lineItem(s), lineItem(s + 1), lineItem(s + 2), lineItem(s + 3), lineItem(s + 4)}}};
            batch << o;
        }
        if (!store->appendBatch(batch)) {
            std::fprintf(stderr, "setup failed\n");
            std::exit(1);
        }
    }
    AggregateType<qint64> counter;
    counter.streamType = QStringLiteral("invoice");
    counter.initial = 0;
    counter.evolve = [](qint64 n, const RecordedEvent &e) { return n + e.payload.size(); };
    const Upcasters none;

    sqlite3 *db = nullptr;
    sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt *stmt = nullptr;
    sqlite3_prepare_v3(db,
                       "SELECT position, version, event_id, type, schema_version, payload, metadata, recorded_at, hash "
                       "FROM events WHERE tenant = ? AND stream_id = ? AND version <= ? ORDER BY version",
                       -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    const QByteArray sid = streamId.toUtf8();

    QList<double> ours, bare;
    QRandomGenerator rng(42);
    const int loads = opt.quick ? 200 : 1000;
    for (int i = 0; i < loads; ++i) {
        const qint64 version = rng.bounded(1, 1001);
        QElapsedTimer t;
        t.start();
        auto loaded = loadAggregate(*store, none, counter, QStringLiteral("default"), streamId, LoadPoint::version(version));
        ours << elapsedUs(t);
        if (!loaded || loaded->version != version) {
            std::fprintf(stderr, "load failed\n");
            std::exit(1);
        }
        t.restart();
        sqlite3_bind_text(stmt, 1, "default", -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, sid.constData(), int(sid.size()), SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 3, version);
        qint64 n = 0;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(stmt, 5));
            n += QJsonDocument::fromJson(QByteArray::fromRawData(text, sqlite3_column_bytes(stmt, 5))).object().size();
        }
        sqlite3_reset(stmt);
        bare << elapsedUs(t);
        if (n <= 0)
            std::exit(1);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return {Figure{QStringLiteral("load-stream"), QStringLiteral("p50_us"), median(ours), median(bare), 0, true}};
}

const Register r1{{QStringLiteral("append-durable"), QStringLiteral("one command of 3 events, durable"), appendDurable}};
const Register r2{{QStringLiteral("append-bulk"), QStringLiteral("bulk import in batches"), appendBulk}};
const Register r3{{QStringLiteral("read-all"), QStringLiteral("whole log, payloads parsed"), readAll}};
const Register r4{{QStringLiteral("load-stream"), QStringLiteral("1,000-event stream at a random version"), loadStream}};

} // namespace
} // namespace Bench
