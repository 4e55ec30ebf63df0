// SqliteEventStore: appends, optimistic concurrency, idempotency, claims, tenants, reads,
// projections and snapshots, against real store files.
#include "estestsupport.h"

#include "core/es/clock.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace Billstream;
using namespace EsTest;

Q_DECLARE_METATYPE(Billstream::ExpectedVersion)

namespace {

const QString T = QStringLiteral("acme");

ExpectedVersion parseExpected(const QString &s)
{
    if (s == QLatin1String("any"))
        return ExpectedVersion::any();
    if (s == QLatin1String("none"))
        return ExpectedVersion::noStream();
    return ExpectedVersion::exact(s.toLongLong());
}

} // namespace

class TestEventStoreAppend : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    ManualClock m_clock{QDateTime(QDate(2026, 11, 27), QTime(10, 0), Qt::UTC)};

    QString storePath() const { return m_dir->filePath(QStringLiteral("store.sqlite")); }
    StoreOptions options() const
    {
        StoreOptions o;
        o.clock = &m_clock;
        o.anchorPath = m_dir->filePath(QStringLiteral("anchor.json"));
        o.appVersion = QStringLiteral("9.9.9-test");
        return o;
    }
    std::unique_ptr<SqliteEventStore> openStore(StoreOptions o)
    {
        auto store = SqliteEventStore::open(storePath(), o);
        if (!store)
            qWarning("%s", qPrintable(store.error().toLine()));
        return store ? std::move(*store) : nullptr;
    }
    std::unique_ptr<SqliteEventStore> openStore() { return openStore(options()); }

    static QList<NewEvent> events(int n, const QString &type = QStringLiteral("Happened"))
    {
        QList<NewEvent> list;
        for (int i = 0; i < n; ++i)
            list.append(newEvent(type, {{QStringLiteral("n"), i}}));
        return list;
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void expectedVersionToString()
    {
        QCOMPARE(ExpectedVersion::any().toString(), QStringLiteral("any"));
        QCOMPARE(ExpectedVersion::noStream().toString(), QStringLiteral("no stream"));
        QCOMPARE(ExpectedVersion::exact(7).toString(), QStringLiteral("7"));
    }

    void expectedVersionMatrix_data()
    {
        QTest::addColumn<int>("existing");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<QJsonValue>("detailExpected");

        QTest::newRow("empty, any") << 0 << "any" << true << QJsonValue();
        QTest::newRow("empty, no stream") << 0 << "none" << true << QJsonValue();
        QTest::newRow("empty, exact 0") << 0 << "0" << true << QJsonValue();
        QTest::newRow("empty, exact 1") << 0 << "1" << false << QJsonValue(1);
        QTest::newRow("empty, exact 5") << 0 << "5" << false << QJsonValue(5);
        QTest::newRow("existing, any") << 2 << "any" << true << QJsonValue();
        QTest::newRow("existing, no stream") << 2 << "none" << false << QJsonValue(QStringLiteral("no stream"));
        QTest::newRow("existing, exact current") << 2 << "2" << true << QJsonValue();
        QTest::newRow("existing, exact older") << 2 << "1" << false << QJsonValue(1);
        QTest::newRow("existing, exact 0") << 2 << "0" << false << QJsonValue(0);
        QTest::newRow("existing, exact newer") << 2 << "3" << false << QJsonValue(3);
    }

    void expectedVersionMatrix()
    {
        QFETCH(int, existing);
        QFETCH(QString, expected);
        QFETCH(bool, accepted);
        QFETCH(QJsonValue, detailExpected);

        auto store = openStore();
        QVERIFY(store);
        if (existing > 0)
            QVERIFY(store->append(request(T, QStringLiteral("invoice"), QStringLiteral("inv-1"),
                                          ExpectedVersion::noStream(), events(existing))));
        const Result<AppendResult> r = store->append(request(T, QStringLiteral("invoice"), QStringLiteral("inv-1"),
                                                             parseExpected(expected), events(2)));
        if (accepted) {
            QVERIFY2(r, r ? "" : qPrintable(r.error().toLine()));
            QCOMPARE(r->events.size(), 2);
            QCOMPARE(r->events.at(0).version, existing + 1);
            QCOMPARE(r->events.at(1).version, existing + 2);
            QCOMPARE(r->fromPosition, existing + 1);
            QCOMPARE(r->toPosition, existing + 2);
            QCOMPARE(*store->streamVersion(T, QStringLiteral("inv-1")), existing + 2);
        } else {
            QVERIFY(!r);
            QCOMPARE(r.error().kind, ErrorKind::ConcurrentModification);
            QCOMPARE(r.error().details.value(QStringLiteral("streamId")).toString(), QStringLiteral("inv-1"));
            QCOMPARE(r.error().details.value(QStringLiteral("expectedVersion")), detailExpected);
            QCOMPARE(r.error().details.value(QStringLiteral("actualVersion")).toInteger(), existing);
            QVERIFY2(r.error().message.contains(QStringLiteral("inv-1")), qPrintable(r.error().message));
            QCOMPARE(*store->streamVersion(T, QStringLiteral("inv-1")), qint64(existing));
            QCOMPARE(*store->headPosition(), qint64(existing));
        }
    }

    void appendRecordsTheEnvelope()
    {
        auto store = openStore();
        QVERIFY(store);
        AppendRequest r = request(T, QStringLiteral("invoice"), QStringLiteral("inv-1"), ExpectedVersion::noStream(),
                                  events(2), QStringLiteral("cmd-1"), "fp");
        r.metadata.correlationId = QStringLiteral("corr");
        r.streams.append(StreamAppend{QStringLiteral("sequence"), QStringLiteral("invoice-number-2026"),
                                      ExpectedVersion::noStream(), events(1, QStringLiteral("Reserved"))});
        const Result<AppendResult> res = store->append(r);
        QVERIFY(res);
        QCOMPARE(res->fromPosition, 1);
        QCOMPARE(res->toPosition, 3);
        QVERIFY(!res->replayed);
        const QRegularExpression uuid(QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"));
        const QList<RecordedEvent> stored = *store->readAllTenants(1, 0);
        QCOMPARE(stored.size(), 3);
        for (int i = 0; i < 3; ++i) {
            const RecordedEvent &e = stored.at(i);
            QCOMPARE(e.position, i + 1);
            QCOMPARE(e.tenantId, T);
            QVERIFY2(uuid.match(e.eventId).hasMatch(), qPrintable(e.eventId));
            QCOMPARE(e.hash.size(), 32);
            QCOMPARE(e.recordedAt, m_clock.nowUtc());
            QCOMPARE(e.metadata.commandId, QStringLiteral("cmd-1"));
            QCOMPARE(e.metadata.correlationId, QStringLiteral("corr"));
            QCOMPARE(e.metadata.appVersion, QStringLiteral("9.9.9-test"));  // defaulted from the options
            // What append returned is what was stored.
            QCOMPARE(e.eventId, res->events.at(i).eventId);
            QCOMPARE(e.hash, res->events.at(i).hash);
            QCOMPARE(e.payload, res->events.at(i).payload);
        }
        QCOMPARE(stored.at(2).streamType, QStringLiteral("sequence"));
        QCOMPARE(stored.at(2).version, 1);
        QCOMPARE(stored.at(0).payload, QJsonObject({{QStringLiteral("n"), 0}}));
        QVERIFY(stored.at(0).hash != stored.at(1).hash);
        QCOMPARE(*store->streamType(T, QStringLiteral("inv-1")), QStringLiteral("invoice"));
        QCOMPARE(*store->streamType(T, QStringLiteral("nope")), QString());

        // The metadata a request sets itself is kept.
        AppendRequest own = request(T, QStringLiteral("invoice"), QStringLiteral("inv-1"), ExpectedVersion::exact(2),
                                    events(1));
        own.metadata.appVersion = QStringLiteral("1.0");
        QCOMPARE(store->append(own)->events.first().metadata.appVersion, QStringLiteral("1.0"));

        // The CLI's JSON line.
        const QJsonObject json = stored.at(0).toJson();
        QCOMPARE(json.value(QStringLiteral("position")).toInteger(), 1);
        QCOMPARE(json.value(QStringLiteral("recordedAt")).toString(), QStringLiteral("2026-11-27T10:00:00.000Z"));
    }

    void eventsSurviveReopen()
    {
        QByteArray hash;
        {
            auto store = openStore();
            QVERIFY(store);
            hash = store->append(request(T, QStringLiteral("c"), QStringLiteral("s"), ExpectedVersion::any(), events(3)))
                       ->events.last()
                       .hash;
        }
        auto store = openStore();
        QVERIFY(store);
        QCOMPARE(*store->headPosition(), 3);
        QCOMPARE(store->readStream(T, QStringLiteral("s"))->last().hash, hash);
        QCOMPARE(*store->streamVersion(T, QStringLiteral("s")), 3);
    }

    void multiStreamConflictLeavesFirstUntouched()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(store->append(request(T, QStringLiteral("customer"), QStringLiteral("b"), ExpectedVersion::any(), events(2))));
        AppendRequest r = request(T, QStringLiteral("invoice"), QStringLiteral("a"), ExpectedVersion::noStream(), events(3));
        r.streams.append(StreamAppend{QStringLiteral("customer"), QStringLiteral("b"), ExpectedVersion::exact(1), events(1)});
        const Result<AppendResult> res = store->append(r);
        QVERIFY(!res);
        QCOMPARE(res.error().kind, ErrorKind::ConcurrentModification);
        QCOMPARE(res.error().details.value(QStringLiteral("streamId")).toString(), QStringLiteral("b"));
        QCOMPARE(*store->streamVersion(T, QStringLiteral("a")), 0);
        QCOMPARE(store->readStream(T, QStringLiteral("a"))->size(), 0);
        QCOMPARE(*store->streamVersion(T, QStringLiteral("b")), 2);
        QCOMPARE(*store->headPosition(), 2);
    }

    void multiStreamClaimViolationLeavesAllUntouched()
    {
        auto store = openStore();
        QVERIFY(store);
        AppendRequest first = request(T, QStringLiteral("customer"), QStringLiteral("c1"), ExpectedVersion::noStream(), events(1));
        first.claims.append({QStringLiteral("customer-email"), QStringLiteral("ann@example.com"), QStringLiteral("c1")});
        QVERIFY(store->append(first));

        AppendRequest r = request(T, QStringLiteral("invoice"), QStringLiteral("i1"), ExpectedVersion::noStream(), events(2));
        r.streams.append(StreamAppend{QStringLiteral("customer"), QStringLiteral("c2"), ExpectedVersion::noStream(), events(1)});
        r.claims.append({QStringLiteral("customer-email"), QStringLiteral("ann@example.com"), QStringLiteral("c2")});
        const Result<AppendResult> res = store->append(r);
        QVERIFY(!res);
        QCOMPARE(res.error().kind, ErrorKind::ValidationFailed);
        QCOMPARE(res.error().violations.size(), 1);
        QCOMPARE(res.error().violations.first().field, QStringLiteral("claim:customer-email"));
        QCOMPARE(res.error().violations.first().message, QStringLiteral("'ann@example.com' is already used by c1"));
        QCOMPARE(*store->streamVersion(T, QStringLiteral("i1")), 0);
        QCOMPARE(*store->streamVersion(T, QStringLiteral("c2")), 0);
        QCOMPARE(*store->headPosition(), 1);
    }

    void failingInlineProjectionRollsBackTheAppend()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(store->append(request(T, QStringLiteral("c"), QStringLiteral("a"), ExpectedVersion::any(), events(1))));
        auto projection = std::make_shared<CountProjection>(1, QStringLiteral("Poison"));
        QVERIFY(store->registerInlineProjection(projection));
        AppendRequest r = request(T, QStringLiteral("c"), QStringLiteral("a"), ExpectedVersion::exact(1), events(2));
        r.streams.append(StreamAppend{QStringLiteral("c"), QStringLiteral("b"), ExpectedVersion::any(),
                                      {newEvent(QStringLiteral("Poison"))}});
        const Result<AppendResult> res = store->append(r);
        QVERIFY(!res);
        QCOMPARE(res.error().kind, ErrorKind::Failure);
        QVERIFY2(res.error().message.contains(QStringLiteral("event_counts")), qPrintable(res.error().message));
        QVERIFY2(res.error().message.contains(QStringLiteral("position 4")), qPrintable(res.error().message));
        QCOMPARE(*store->headPosition(), 1);
        QCOMPARE(*store->streamVersion(T, QStringLiteral("a")), 1);
        QCOMPARE(*store->checkpoint(QStringLiteral("event_counts")), 1);
        QCOMPARE(projectedCounts(store->database()), (QMap<QString, qint64>{{T + QStringLiteral("/a"), 1}}));
        // And the store still works afterwards.
        QVERIFY(store->append(request(T, QStringLiteral("c"), QStringLiteral("a"), ExpectedVersion::exact(1), events(1))));
        QCOMPARE(*store->headPosition(), 2);
    }

    void idempotentCommand()
    {
        auto store = openStore();
        QVERIFY(store);
        const AppendRequest r = request(T, QStringLiteral("invoice"), QStringLiteral("i1"), ExpectedVersion::noStream(),
                                        events(3), QStringLiteral("cmd-42"), "fingerprint-a");
        const Result<AppendResult> first = store->append(r);
        QVERIFY(first);
        QSignalSpy spy(store.get(), &EventStore::eventsAppended);

        const Result<AppendResult> again = store->append(r);
        QVERIFY2(again, again ? "" : qPrintable(again.error().toLine()));  // noStream would fail if it were re-run
        QVERIFY(again->replayed);
        QCOMPARE(again->fromPosition, first->fromPosition);
        QCOMPARE(again->toPosition, first->toPosition);
        QCOMPARE(again->events.size(), 3);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(again->events.at(i).eventId, first->events.at(i).eventId);
        QCOMPARE(*store->headPosition(), 3);
        QCOMPARE(spy.count(), 0);

        // What the command bus sends to short-cut a retry: no streams, only the command.
        AppendRequest probe;
        probe.tenantId = T;
        probe.metadata.commandId = QStringLiteral("cmd-42");
        probe.commandFingerprint = "fingerprint-a";
        const Result<AppendResult> probed = store->append(probe);
        QVERIFY(probed);
        QVERIFY(probed->replayed);
        QCOMPARE(probed->events.size(), 3);

        const Result<std::optional<AppendResult>> found = store->findCommand(T, QStringLiteral("cmd-42"));
        QVERIFY(found && *found);
        QCOMPARE((*found)->fromPosition, 1);
        QCOMPARE((*found)->toPosition, 3);
        QVERIFY(!*store->findCommand(T, QStringLiteral("cmd-43")));

        // The same id for another command is refused and changes nothing.
        AppendRequest other = r;
        other.commandFingerprint = "fingerprint-b";
        other.streams.first().expected = ExpectedVersion::any();
        const Result<AppendResult> refused = store->append(other);
        QVERIFY(!refused);
        QCOMPARE(refused.error().kind, ErrorKind::ValidationFailed);
        QVERIFY(refused.error().message.contains(QStringLiteral("cmd-42")));
        QCOMPARE(refused.error().violations.first().field, QStringLiteral("commandId"));
        QCOMPARE(*store->headPosition(), 3);

        // Command ids are scoped to the tenant.
        AppendRequest elsewhere = r;
        elsewhere.tenantId = QStringLiteral("other");
        const Result<AppendResult> fresh = store->append(elsewhere);
        QVERIFY(fresh);
        QVERIFY(!fresh->replayed);
        QCOMPARE(fresh->fromPosition, 4);
    }

    void uniqueClaimsTakeAndRelease()
    {
        auto store = openStore();
        QVERIFY(store);
        const QString kind = QStringLiteral("customer-email");
        AppendRequest c1 = request(T, QStringLiteral("customer"), QStringLiteral("c1"), ExpectedVersion::noStream(), events(1));
        c1.claims.append({kind, QStringLiteral("ann@example.com"), QStringLiteral("c1")});
        QVERIFY(store->append(c1));
        QCOMPARE(*store->claimHolder(T, kind, QStringLiteral("ann@example.com")), QStringLiteral("c1"));
        QCOMPARE(*store->claimHolder(T, kind, QStringLiteral("bob@example.com")), QString());

        // Claiming again by its holder is fine.
        AppendRequest same = request(T, QStringLiteral("customer"), QStringLiteral("c1"), ExpectedVersion::exact(1), events(1));
        same.claims.append({kind, QStringLiteral("ann@example.com"), QStringLiteral("c1")});
        QVERIFY(store->append(same));

        AppendRequest c2 = request(T, QStringLiteral("customer"), QStringLiteral("c2"), ExpectedVersion::noStream(), events(1));
        c2.claims.append({kind, QStringLiteral("ann@example.com"), QStringLiteral("c2")});
        const Result<AppendResult> refused = store->append(c2);
        QVERIFY(!refused);
        QCOMPARE(refused.error().kind, ErrorKind::ValidationFailed);
        QCOMPARE(refused.error().violations.first().field, QStringLiteral("claim:customer-email"));
        QCOMPARE(refused.error().message, QStringLiteral("'ann@example.com' is already used by c1"));

        // A release by someone else does nothing.
        AppendRequest bogus = request(T, QStringLiteral("customer"), QStringLiteral("c3"), ExpectedVersion::noStream(), events(1));
        bogus.releases.append({kind, QStringLiteral("ann@example.com"), QStringLiteral("c3")});
        QVERIFY(store->append(bogus));
        QCOMPARE(*store->claimHolder(T, kind, QStringLiteral("ann@example.com")), QStringLiteral("c1"));

        // c1 changes its address: release and claim in one append.
        AppendRequest change = request(T, QStringLiteral("customer"), QStringLiteral("c1"), ExpectedVersion::exact(2), events(1));
        change.releases.append({kind, QStringLiteral("ann@example.com"), QStringLiteral("c1")});
        change.claims.append({kind, QStringLiteral("ann@new.example.com"), QStringLiteral("c1")});
        QVERIFY(store->append(change));
        QCOMPARE(*store->claimHolder(T, kind, QStringLiteral("ann@example.com")), QString());
        QCOMPARE(*store->claimHolder(T, kind, QStringLiteral("ann@new.example.com")), QStringLiteral("c1"));
        QVERIFY(store->append(c2));
        QCOMPARE(*store->claimHolder(T, kind, QStringLiteral("ann@example.com")), QStringLiteral("c2"));

        // Claims are per tenant.
        AppendRequest otherTenant = c1;
        otherTenant.tenantId = QStringLiteral("other");
        QVERIFY(store->append(otherTenant));
        QCOMPARE(*store->claimHolder(QStringLiteral("other"), kind, QStringLiteral("ann@example.com")), QStringLiteral("c1"));
    }

    void streamIdUniqueAcrossTypes()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(store->append(request(T, QStringLiteral("customer"), QStringLiteral("x1"), ExpectedVersion::noStream(), events(1))));
        for (const ExpectedVersion &ev : {ExpectedVersion::any(), ExpectedVersion::exact(1), ExpectedVersion::noStream()}) {
            const Result<AppendResult> res
                = store->append(request(T, QStringLiteral("invoice"), QStringLiteral("x1"), ev, events(1)));
            QVERIFY(!res);
            QCOMPARE(res.error().kind, ErrorKind::ValidationFailed);
            QVERIFY2(res.error().message.contains(QStringLiteral("customer")), qPrintable(res.error().message));
        }
        QCOMPARE(*store->streamType(T, QStringLiteral("x1")), QStringLiteral("customer"));
        QCOMPARE(*store->headPosition(), 1);
    }

    void tenantIsolation()
    {
        auto store = openStore();
        QVERIFY(store);
        const QString a = QStringLiteral("tenant-a");
        const QString b = QStringLiteral("tenant-b");
        AppendRequest ra = request(a, QStringLiteral("invoice"), QStringLiteral("secret"), ExpectedVersion::noStream(),
                                   events(2), QStringLiteral("cmd-a"), "fp");
        ra.claims.append({QStringLiteral("customer-email"), QStringLiteral("a@example.com"), QStringLiteral("secret")});
        QVERIFY(store->append(ra));
        QVERIFY(store->append(request(b, QStringLiteral("invoice"), QStringLiteral("mine"), ExpectedVersion::noStream(), events(1))));

        QCOMPARE(store->readStream(b, QStringLiteral("secret"))->size(), 0);
        QCOMPARE(store->readStreamUntil(b, QStringLiteral("secret"), m_clock.nowUtc())->size(), 0);
        QCOMPARE(*store->streamVersion(b, QStringLiteral("secret")), 0);
        QCOMPARE(*store->streamType(b, QStringLiteral("secret")), QString());
        QVERIFY(!*store->findCommand(b, QStringLiteral("cmd-a")));
        QCOMPARE(*store->claimHolder(b, QStringLiteral("customer-email"), QStringLiteral("a@example.com")), QString());
        QCOMPARE(*store->loadSnapshot(b, QStringLiteral("secret")), std::nullopt);
        const QList<RecordedEvent> pageB = *store->readAll(b, 1, 100);
        QCOMPARE(pageB.size(), 1);
        QCOMPARE(pageB.first().streamId, QStringLiteral("mine"));
        QCOMPARE(pageB.first().position, 3);
        int scanned = 0;
        QVERIFY(store->scan(b, 1, -1, [&](const RecordedEvent &e) {
            ++scanned;
            return e.tenantId == b;
        }));
        QCOMPARE(scanned, 1);

        // B can use the same id without noticing A's stream.
        const Result<AppendResult> same = store->append(
            request(b, QStringLiteral("customer"), QStringLiteral("secret"), ExpectedVersion::noStream(), events(1)));
        QVERIFY(same);
        QCOMPARE(same->events.first().version, 1);
        QCOMPARE(*store->streamVersion(a, QStringLiteral("secret")), 2);
        QCOMPARE(store->readAll(a, 1, 100)->size(), 2);
        QCOMPARE(store->readAllTenants(1, 100)->size(), 4);
    }

    void emptyAndMalformedRequests()
    {
        auto store = openStore();
        QVERIFY(store);
        QSignalSpy spy(store.get(), &EventStore::eventsAppended);

        // No events: a no-op that still checks expected versions.
        AppendRequest nothing = request(T, QStringLiteral("c"), QStringLiteral("s"), ExpectedVersion::noStream(), {});
        const Result<AppendResult> noop = store->append(nothing);
        QVERIFY(noop);
        QCOMPARE(noop->fromPosition, 0);
        QCOMPARE(noop->events.size(), 0);
        nothing.streams.first().expected = ExpectedVersion::exact(4);
        QCOMPARE(store->append(nothing).error().kind, ErrorKind::ConcurrentModification);
        AppendRequest bare;
        bare.tenantId = T;
        QVERIFY(store->append(bare));
        QCOMPARE(*store->headPosition(), 0);
        QCOMPARE(spy.count(), 0);

        AppendRequest claimOnly = request(T, QStringLiteral("c"), QStringLiteral("s"), ExpectedVersion::any(), {});
        claimOnly.claims.append({QStringLiteral("k"), QStringLiteral("v"), QStringLiteral("s")});
        QCOMPARE(store->append(claimOnly).error().kind, ErrorKind::ValidationFailed);

        AppendRequest noTenant = request(QString(), QStringLiteral("c"), QStringLiteral("s"), ExpectedVersion::any(), events(1));
        Result<AppendResult> res = store->append(noTenant);
        QCOMPARE(res.error().kind, ErrorKind::ValidationFailed);
        QCOMPARE(res.error().violations.first().field, QStringLiteral("tenantId"));

        AppendRequest twice = request(T, QStringLiteral("c"), QStringLiteral("s"), ExpectedVersion::any(), events(1));
        twice.streams.append(twice.streams.first());
        res = store->append(twice);
        QCOMPARE(res.error().kind, ErrorKind::ValidationFailed);
        QCOMPARE(res.error().violations.first().field, QStringLiteral("streams[1].streamId"));

        AppendRequest untyped = request(T, QString(), QString(), ExpectedVersion::any(), {newEvent(QString())});
        res = store->append(untyped);
        QCOMPARE(res.error().violations.size(), 3);  // all problems at once

        QCOMPARE(*store->headPosition(), 0);
        QCOMPARE(store->appendBatch({})->size(), 0);
    }

    void recordedTimeNeverGoesBack()
    {
        auto store = openStore();
        QVERIFY(store);
        const QDateTime t0 = m_clock.nowUtc();
        QCOMPARE(store->append(request(T, QStringLiteral("c"), QStringLiteral("s"), ExpectedVersion::any(), events(1)))
                     ->events.first()
                     .recordedAt,
                 t0);
        m_clock.set(t0.addSecs(-3600));  // the clock steps back an hour
        const RecordedEvent clamped
            = store->append(request(T, QStringLiteral("c"), QStringLiteral("s"), ExpectedVersion::any(), events(1)))
                  ->events.first();
        QCOMPARE(clamped.recordedAt, t0);
        QCOMPARE(store->readStream(T, QStringLiteral("s"))->last().recordedAt, t0);
        m_clock.set(t0.addMSecs(1500));
        QCOMPARE(store->append(request(T, QStringLiteral("c"), QStringLiteral("s"), ExpectedVersion::any(), events(1)))
                     ->events.first()
                     .recordedAt,
                 t0.addMSecs(1500));
        // Also across instances: the clamp reads the log, not memory.
        store.reset();
        m_clock.set(t0.addDays(-1));
        store = openStore();
        QCOMPARE(store->append(request(T, QStringLiteral("c"), QStringLiteral("s"), ExpectedVersion::any(), events(1)))
                     ->events.first()
                     .recordedAt,
                 t0.addMSecs(1500));
        QVERIFY(store->verify()->ok);
        m_clock.set(QDateTime(QDate(2026, 11, 27), QTime(10, 0), Qt::UTC));
    }

    void readStreamRangesAndTimes()
    {
        auto store = openStore();
        QVERIFY(store);
        const QDateTime t0 = m_clock.nowUtc();
        for (int i = 0; i < 5; ++i) {
            m_clock.set(t0.addSecs(i * 60));
            QVERIFY(store->append(request(T, QStringLiteral("c"), QStringLiteral("s"), ExpectedVersion::exact(i), events(1))));
            QVERIFY(store->append(request(T, QStringLiteral("c"), QStringLiteral("other"), ExpectedVersion::any(), events(1))));
        }
        m_clock.set(t0);
        const auto versions = [](const QList<RecordedEvent> &list) {
            QList<qint64> v;
            for (const RecordedEvent &e : list)
                v << e.version;
            return v;
        };
        QCOMPARE(versions(*store->readStream(T, QStringLiteral("s"))), (QList<qint64>{1, 2, 3, 4, 5}));
        QCOMPARE(versions(*store->readStream(T, QStringLiteral("s"), 2, 4)), (QList<qint64>{2, 3, 4}));
        QCOMPARE(versions(*store->readStream(T, QStringLiteral("s"), 4)), (QList<qint64>{4, 5}));
        QCOMPARE(versions(*store->readStream(T, QStringLiteral("s"), 0, 1)), (QList<qint64>{1}));
        QCOMPARE(store->readStream(T, QStringLiteral("s"), 6)->size(), 0);
        // As of T includes events recorded at T.
        QCOMPARE(versions(*store->readStreamUntil(T, QStringLiteral("s"), t0.addSecs(120))), (QList<qint64>{1, 2, 3}));
        QCOMPARE(versions(*store->readStreamUntil(T, QStringLiteral("s"), t0.addSecs(119))), (QList<qint64>{1, 2}));
        QCOMPARE(store->readStreamUntil(T, QStringLiteral("s"), t0.addMSecs(-1))->size(), 0);
        QCOMPARE(store->readStreamUntil(T, QStringLiteral("s"), QDateTime()).error().kind, ErrorKind::UsageError);
        // The same with the payloads as stored: the text, no parsed object, no hash.
        const QList<RecordedEvent> parsed = *store->readStreamUntil(T, QStringLiteral("s"), t0.addSecs(120));
        const QList<RecordedEvent> stored = *store->readStreamUntilStored(T, QStringLiteral("s"), t0.addSecs(120));
        QCOMPARE(versions(stored), (QList<qint64>{1, 2, 3}));
        for (qsizetype i = 0; i < stored.size(); ++i) {
            QVERIFY(stored.at(i).payload.isEmpty());
            QVERIFY(stored.at(i).hash.isEmpty());
            QCOMPARE(QJsonDocument::fromJson(stored.at(i).payloadJson).object(), parsed.at(i).payload);
            QCOMPARE(stored.at(i).eventId, parsed.at(i).eventId);
            QCOMPARE(stored.at(i).recordedAt, parsed.at(i).recordedAt);
        }
        QCOMPARE(store->readStreamUntilStored(T, QStringLiteral("s"), QDateTime()).error().kind, ErrorKind::UsageError);

        // Pages of the log.
        const QList<RecordedEvent> page = *store->readAll(T, 4, 3);
        QCOMPARE(page.size(), 3);
        QCOMPARE(page.first().position, 4);
        QCOMPARE(page.last().position, 6);
        QCOMPARE(store->readAll(T, 1, 0)->size(), 10);
        QCOMPARE(store->readAllTenants(10, 5)->size(), 1);
    }

    void scanStreamsAndStops()
    {
        auto store = openStore();
        QVERIFY(store);
        for (int i = 0; i < 50; ++i)
            QVERIFY(store->append(request(i % 2 ? T : QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("s%1").arg(i % 5),
                                          ExpectedVersion::any(), events(2))));
        QList<qint64> seen;
        QVERIFY(store->scan({}, 1, -1, [&](const RecordedEvent &e) {
            seen << e.position;
            // The visitor may read the store while the scan is running.
            return store->streamVersion(e.tenantId, e.streamId).has_value();
        }));
        QCOMPARE(seen.size(), 100);
        for (int i = 0; i < 100; ++i)
            QCOMPARE(seen.at(i), i + 1);

        seen.clear();
        QVERIFY(store->scan({}, 10, 19, [&](const RecordedEvent &e) {
            seen << e.position;
            return true;
        }));
        QCOMPARE(seen.size(), 10);
        QCOMPARE(seen.first(), 10);

        int visited = 0;
        QVERIFY(store->scan(T, 1, -1, [&](const RecordedEvent &) { return ++visited < 7; }));
        QCOMPARE(visited, 7);

        visited = 0;
        QVERIFY(store->scan(T, 1, -1, [&](const RecordedEvent &e) {
            ++visited;
            return e.tenantId == T;
        }));
        QCOMPARE(visited, 50);
    }

    void eventsAppendedSignal()
    {
        auto store = openStore();
        QVERIFY(store);
        QSignalSpy spy(store.get(), &EventStore::eventsAppended);
        QVERIFY(store->append(request(T, QStringLiteral("c"), QStringLiteral("s"), ExpectedVersion::any(), events(3))));
        QVERIFY(store->append(request(QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("s"), ExpectedVersion::any(), events(1))));
        QVERIFY(!store->append(request(T, QStringLiteral("c"), QStringLiteral("s"), ExpectedVersion::noStream(), events(1))));
        QCOMPARE(spy.count(), 2);
        QCOMPARE(spy.at(0), (QList<QVariant>{T, qint64(1), qint64(3)}));
        QCOMPARE(spy.at(1), (QList<QVariant>{QStringLiteral("b"), qint64(4), qint64(4)}));
    }

    void appendBatchIsAllOrNothing()
    {
        auto store = openStore();
        QVERIFY(store);
        QList<AppendRequest> batch;
        for (int i = 0; i < 20; ++i)
            batch << request(T, QStringLiteral("c"), QStringLiteral("s%1").arg(i % 4), ExpectedVersion::any(), events(3),
                             QStringLiteral("import-%1").arg(i), "fp");
        const Result<QList<AppendResult>> done = store->appendBatch(batch);
        QVERIFY(done);
        QCOMPARE(done->size(), 20);
        QCOMPARE(done->last().toPosition, 60);
        QCOMPARE(*store->streamVersion(T, QStringLiteral("s0")), 15);

        // A retried import replays; a broken one appends nothing at all.
        QList<AppendRequest> second = batch.mid(18);
        second << request(T, QStringLiteral("c"), QStringLiteral("new"), ExpectedVersion::any(), events(2));
        second << request(T, QStringLiteral("c"), QStringLiteral("s1"), ExpectedVersion::exact(1), events(1));
        const Result<QList<AppendResult>> broken = store->appendBatch(second);
        QVERIFY(!broken);
        QCOMPARE(broken.error().kind, ErrorKind::ConcurrentModification);
        QCOMPARE(*store->headPosition(), 60);
        QCOMPARE(*store->streamVersion(T, QStringLiteral("new")), 0);
        second.removeLast();
        const Result<QList<AppendResult>> fine = store->appendBatch(second);
        QVERIFY(fine);
        QVERIFY(fine->at(0).replayed);
        QVERIFY(fine->at(1).replayed);
        QVERIFY(!fine->at(2).replayed);
        QCOMPARE(fine->at(2).fromPosition, 61);
        QVERIFY(store->verify()->ok);
    }

    void inlineProjectionsFollowTheLog()
    {
        auto store = openStore();
        QVERIFY(store);
        for (int i = 0; i < 30; ++i)
            QVERIFY(store->append(request(T, QStringLiteral("c"), QStringLiteral("s%1").arg(i % 3), ExpectedVersion::any(), events(1))));

        // Registered late on a non-empty log: built from the log, with progress.
        auto projection = std::make_shared<CountProjection>();
        QList<std::pair<qint64, qint64>> progress;
        QVERIFY(store->registerInlineProjection(projection, [&](qint64 done, qint64 total) { progress.append({done, total}); }));
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last(), (std::pair<qint64, qint64>(30, 30)));
        QCOMPARE(*store->storedProjectionSchema(QStringLiteral("event_counts")), 1);
        QCOMPARE(*store->checkpoint(QStringLiteral("event_counts")), 30);
        QCOMPARE(projectedCounts(store->database()), loggedCounts(*store));
        QCOMPARE(store->inlineProjections().size(), 1);
        QVERIFY(!store->registerInlineProjection(std::make_shared<CountProjection>()));  // same name twice

        QVERIFY(store->append(request(T, QStringLiteral("c"), QStringLiteral("s9"), ExpectedVersion::any(), events(4))));
        QCOMPARE(*store->checkpoint(QStringLiteral("event_counts")), 34);
        QCOMPARE(projectedCounts(store->database()), loggedCounts(*store));

        // Another writer without the projection appends; the next append here catches up.
        {
            StoreOptions plain = options();
            auto other = openStore(plain);
            QVERIFY(other);
            QVERIFY(other->append(request(T, QStringLiteral("c"), QStringLiteral("s0"), ExpectedVersion::any(), events(2))));
        }
        QCOMPARE(*store->checkpoint(QStringLiteral("event_counts")), 34);
        QVERIFY(store->append(request(T, QStringLiteral("c"), QStringLiteral("s1"), ExpectedVersion::any(), events(1))));
        QCOMPARE(*store->checkpoint(QStringLiteral("event_counts")), 37);
        QCOMPARE(projectedCounts(store->database()), loggedCounts(*store));

        // A rebuild gives the same rows; a cancelled rebuild changes nothing.
        const QMap<QString, qint64> before = projectedCounts(store->database());
        QVERIFY(store->rebuildProjections());
        QCOMPARE(projectedCounts(store->database()), before);
        int asked = 0;
        const Status cancelled = store->rebuildProjections({QStringLiteral("event_counts")}, {}, [&] { return ++asked > 0; });
        QVERIFY(!cancelled);
        QVERIFY(cancelled.error().message.contains(QStringLiteral("cancelled")));
        QCOMPARE(projectedCounts(store->database()), before);
        QCOMPARE(*store->checkpoint(QStringLiteral("event_counts")), 37);
        QCOMPARE(store->rebuildProjections({QStringLiteral("nope")}).error().kind, ErrorKind::NotFound);

        // Reopened with the same schema version: no rebuild; with a new one: rebuilt.
        store.reset();
        store = openStore();
        auto same = std::make_shared<CountProjection>(1);
        QVERIFY(store->registerInlineProjection(same));
        QCOMPARE(same->applied, 0);
        store.reset();
        store = openStore();
        auto newer = std::make_shared<CountProjection>(2);
        QVERIFY(store->registerInlineProjection(newer));
        QCOMPARE(newer->applied, 37);
        QCOMPARE(*store->storedProjectionSchema(QStringLiteral("event_counts")), 2);
        QCOMPARE(projectedCounts(store->database()), before);
    }

    void writeTransactionAndCheckpoints()
    {
        auto store = openStore();
        QVERIFY(store);
        QCOMPARE(*store->checkpoint(QStringLiteral("async")), 0);
        QCOMPARE(*store->storedProjectionSchema(QStringLiteral("async")), 0);
        QVERIFY(store->writeTransaction([&](QSqlDatabase &db) -> Status {
            QSqlQuery q(db);
            if (!q.exec(QStringLiteral("CREATE TABLE async_rows (x INTEGER)")))
                return fail(Error::failure(q.lastError().text()));
            return store->setCheckpoint(db, QStringLiteral("async"), 3, 12);
        }));
        QCOMPARE(*store->checkpoint(QStringLiteral("async")), 12);
        QCOMPARE(*store->storedProjectionSchema(QStringLiteral("async")), 3);

        // A failing transaction rolls back rows and checkpoint alike.
        const Status failed = store->writeTransaction([&](QSqlDatabase &db) -> Status {
            QSqlQuery q(db);
            q.exec(QStringLiteral("INSERT INTO async_rows VALUES (1)"));
            (void)store->setCheckpoint(db, QStringLiteral("async"), 3, 13);
            return fail(Error::failure(QStringLiteral("boom")));
        });
        QVERIFY(!failed);
        QCOMPARE(failed.error().message, QStringLiteral("boom"));
        QCOMPARE(*store->checkpoint(QStringLiteral("async")), 12);
        QSqlQuery count(store->database());
        QVERIFY(count.exec(QStringLiteral("SELECT count(*) FROM async_rows")) && count.next());
        QCOMPARE(count.value(0).toInt(), 0);

        // No nesting: an append inside a write transaction is refused, not deadlocked.
        const Status nested = store->writeTransaction([&](QSqlDatabase &) -> Status {
            const Result<AppendResult> r
                = store->append(request(T, QStringLiteral("c"), QStringLiteral("s"), ExpectedVersion::any(), events(1)));
            return r ? Status() : fail(r.error());
        });
        QVERIFY(!nested);
        QCOMPARE(*store->headPosition(), 0);
    }

    void snapshotsRoundTrip()
    {
        auto store = openStore();
        QVERIFY(store);
        QCOMPARE(*store->loadSnapshot(T, QStringLiteral("inv")), std::nullopt);
        const Snapshot snap{QStringLiteral("invoice"), 2, 10, m_clock.nowUtc(),
                            QJsonObject{{QStringLiteral("status"), QStringLiteral("DRAFT")}, {QStringLiteral("lines"), 3}}};
        QVERIFY(store->saveSnapshot(T, QStringLiteral("inv"), snap));
        std::optional<Snapshot> loaded = *store->loadSnapshot(T, QStringLiteral("inv"));
        QVERIFY(loaded);
        QCOMPARE(loaded->aggregateType, snap.aggregateType);
        QCOMPARE(loaded->schemaVersion, 2);
        QCOMPARE(loaded->version, 10);
        QCOMPARE(loaded->recordedAt, snap.recordedAt);
        QCOMPARE(loaded->state, snap.state);
        QVERIFY(*store->loadSnapshot(T, QStringLiteral("inv"), 10));
        QVERIFY(*store->loadSnapshot(T, QStringLiteral("inv"), 11));
        QCOMPARE(*store->loadSnapshot(T, QStringLiteral("inv"), 9), std::nullopt);
        QCOMPARE(*store->loadSnapshot(QStringLiteral("other"), QStringLiteral("inv")), std::nullopt);

        Snapshot newer = snap;
        newer.version = 20;
        newer.state.insert(QStringLiteral("status"), QStringLiteral("ISSUED"));
        QVERIFY(store->saveSnapshot(T, QStringLiteral("inv"), newer));
        loaded = *store->loadSnapshot(T, QStringLiteral("inv"));
        QCOMPARE(loaded->version, 20);
        QCOMPARE(loaded->state.value(QStringLiteral("status")).toString(), QStringLiteral("ISSUED"));
        store.reset();
        store = openStore();
        QCOMPARE((*store->loadSnapshot(T, QStringLiteral("inv")))->version, 20);
    }

    void dataVersionSeesOtherConnections()
    {
        auto reader = openStore();
        auto writer = openStore();
        QVERIFY(reader && writer);
        const qint64 before = *reader->dataVersion();
        QCOMPARE(*reader->dataVersion(), before);
        QVERIFY(writer->append(request(T, QStringLiteral("c"), QStringLiteral("s"), ExpectedVersion::any(), events(1))));
        QVERIFY(*reader->dataVersion() != before);
        QCOMPARE(*reader->headPosition(), 1);
    }

    void backupCopiesTheStore()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(store->append(request(T, QStringLiteral("c"), QStringLiteral("s"), ExpectedVersion::any(), events(5))));
        const QString target = m_dir->filePath(QStringLiteral("backup.sqlite"));
        QVERIFY(store->backupTo(target));
        QCOMPARE(QFileInfo(target).permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());

        const Status again = store->backupTo(target);
        QVERIFY(!again);
        QVERIFY(again.error().message.contains(target));

        StoreOptions ro = options();
        ro.readOnly = true;
        ro.anchorPath.clear();
        auto copy = SqliteEventStore::open(target, ro);
        QVERIFY2(copy, copy ? "" : qPrintable(copy.error().toLine()));
        QCOMPARE(*(*copy)->headPosition(), 5);
        QCOMPARE((*copy)->readStream(T, QStringLiteral("s"))->last().hash, store->readStream(T, QStringLiteral("s"))->last().hash);
        const VerifyReport report = *(*copy)->verify(options().anchorPath);
        QVERIFY2(report.ok, qPrintable(report.problems.join(QLatin1Char('\n'))));
    }

    void triggersKeepTheLogAppendOnly()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(store->append(request(T, QStringLiteral("c"), QStringLiteral("s"), ExpectedVersion::any(), events(2))));
        QSqlQuery q(store->database());
        QVERIFY(!q.exec(QStringLiteral("UPDATE events SET payload = '{}' WHERE position = 1")));
        QVERIFY2(q.lastError().text().contains(QStringLiteral("append-only")), qPrintable(q.lastError().text()));
        QVERIFY(!q.exec(QStringLiteral("DELETE FROM events WHERE position = 2")));
        QVERIFY(q.lastError().text().contains(QStringLiteral("append-only")));
        QCOMPARE(*store->headPosition(), 2);
        QVERIFY(store->verify()->ok);
    }

    void verifyAcceptsAnIntactStore()
    {
        auto store = openStore();
        QVERIFY(store);
        // Before any commit there is no anchor: only a note.
        VerifyReport report = *store->verify();
        QVERIFY(report.ok);
        QCOMPARE(report.eventsChecked, 0);
        QCOMPARE(report.notes.size(), 1);
        for (int i = 0; i < 10; ++i)
            QVERIFY(store->append(request(T, QStringLiteral("c"), QStringLiteral("s%1").arg(i % 3), ExpectedVersion::any(), events(2))));
        report = *store->verify();
        QVERIFY2(report.ok, qPrintable(report.problems.join(QLatin1Char('\n'))));
        QCOMPARE(report.eventsChecked, 20);
        QCOMPARE(report.headPosition, 20);
        QCOMPARE(report.headHash, store->readAllTenants(20, 1)->first().hash);
        QCOMPARE(report.firstBrokenPosition, 0);
        QVERIFY(report.notes.isEmpty());

        // The anchor file holds the head.
        QFile anchor(options().anchorPath);
        QVERIFY(anchor.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(anchor.readAll()).object();
        QCOMPARE(o.value(QStringLiteral("position")).toInteger(), 20);
        QCOMPARE(o.value(QStringLiteral("hash")).toString(), QString::fromLatin1(report.headHash.toHex()));
        QCOMPARE(o.value(QStringLiteral("store")).toString(), QFileInfo(storePath()).canonicalFilePath());
        // Rewritten in place as one fixed-size record, whatever was there before.
        QCOMPARE(anchor.size(), 512);
        anchor.close();
        QVERIFY(anchor.open(QIODevice::WriteOnly | QIODevice::Truncate));
        anchor.write(QByteArray(2000, 'x'));
        anchor.close();
        // Unusable: a note when verify was not given the anchor, an error when it was.
        QVERIFY(store->verify()->notes.first().contains(QStringLiteral("cannot be used")));
        QCOMPARE(store->verify(options().anchorPath).error().kind, ErrorKind::Failure);
        QVERIFY(store->append(request(T, QStringLiteral("c"), QStringLiteral("s0"), ExpectedVersion::any(), events(1))));
        QCOMPARE(QFileInfo(options().anchorPath).size(), 512);
        QVERIFY(store->verify()->ok);
        // The store keeps the anchor open between commits; another program truncating, removing
        // or replacing the file meanwhile changes nothing of that.
        QVERIFY(anchor.open(QIODevice::WriteOnly | QIODevice::Truncate));
        anchor.close();
        QVERIFY(store->append(request(T, QStringLiteral("c"), QStringLiteral("s0"), ExpectedVersion::any(), events(1))));
        QCOMPARE(QFileInfo(options().anchorPath).size(), 512);
        QVERIFY(store->verify(options().anchorPath)->ok);
        QVERIFY(QFile::remove(options().anchorPath));
        QVERIFY(store->append(request(T, QStringLiteral("c"), QStringLiteral("s1"), ExpectedVersion::any(), events(1))));
        QVERIFY(store->verify(options().anchorPath)->ok);
        QCOMPARE(store->verify(options().anchorPath)->headPosition, 23);
        {
            QSaveFile replacement(options().anchorPath);
            QVERIFY(replacement.open(QIODevice::WriteOnly));
            replacement.write("{}");
            QVERIFY(replacement.commit());
        }
        QVERIFY(store->append(request(T, QStringLiteral("c"), QStringLiteral("s2"), ExpectedVersion::any(), events(1))));
        const VerifyReport afterReplace = *store->verify(options().anchorPath);
        QVERIFY2(afterReplace.ok && afterReplace.notes.isEmpty(), qPrintable(afterReplace.notes.join(QLatin1Char(' '))));
        QFile again(options().anchorPath);
        QVERIFY(again.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(again.readAll()).object().value(QStringLiteral("position")).toInteger(), 24);

        // An explicitly named anchor must exist.
        const Result<VerifyReport> missing = store->verify(m_dir->filePath(QStringLiteral("nope.json")));
        QVERIFY(!missing);
        QCOMPARE(missing.error().kind, ErrorKind::Failure);
        QVERIFY(missing.error().message.contains(QStringLiteral("nope.json")));
    }

    void defaultAnchorLivesInTheDataFolder()
    {
        StoreOptions o = options();
        o.anchorPath.clear();
        const QString expected = SqliteEventStore::defaultAnchorPath(storePath());
        QVERIFY(expected.startsWith(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/anchors/")));
        QVERIFY(expected.endsWith(QStringLiteral(".json")));
        QFile::remove(expected);
        {
            auto store = openStore(o);
            QVERIFY(store);
            QVERIFY(store->append(request(T, QStringLiteral("c"), QStringLiteral("s"), ExpectedVersion::any(), events(1))));
            QVERIFY(QFileInfo::exists(expected));
            QVERIFY(store->verify()->notes.isEmpty());
        }
        o.recordAnchor = false;
        QFile::remove(expected);
        auto store = openStore(o);
        QVERIFY(store->append(request(T, QStringLiteral("c"), QStringLiteral("s"), ExpectedVersion::any(), events(1))));
        QVERIFY(!QFileInfo::exists(expected));
        QFile::remove(expected);
    }
};

QTEST_GUILESS_MAIN(TestEventStoreAppend)
#include "tst_eventstore_append.moc"
