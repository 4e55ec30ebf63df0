// Aggregate loading: folds at versions and times, upcaster chains, snapshots that never change
// what a fold returns.
#include "core/es/aggregate.h"
#include "core/es/clock.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace Billstream;

namespace {

// A tiny domain: a tally that records every amount added.
struct Tally
{
    qint64 sum = 0;
    QList<qint64> amounts;
    QString unit;
    friend bool operator==(const Tally &, const Tally &) = default;
};

Tally evolveTally(Tally t, const RecordedEvent &e)
{
    if (e.type == QLatin1String("Added")) {
        const qint64 amount = e.payload.value(QStringLiteral("amount")).toInteger();
        t.sum += amount;
        t.amounts << amount;
        t.unit = e.payload.value(QStringLiteral("unit")).toString();
    }
    return t;
}

AggregateType<Tally> tallyType(int snapshotEvery = 0, int snapshotSchema = 1, int *restored = nullptr)
{
    AggregateType<Tally> type;
    type.streamType = QStringLiteral("tally");
    type.evolve = evolveTally;
    type.snapshotEvery = snapshotEvery;
    type.snapshotSchemaVersion = snapshotSchema;
    type.toSnapshot = [](const Tally &t) {
        QJsonArray amounts;
        for (qint64 a : t.amounts)
            amounts.append(a);
        return QJsonObject{{QStringLiteral("sum"), t.sum}, {QStringLiteral("amounts"), amounts},
                           {QStringLiteral("unit"), t.unit}};
    };
    type.fromSnapshot = [restored](const QJsonObject &o) -> std::optional<Tally> {
        if (restored)
            ++*restored;
        Tally t;
        t.sum = o.value(QStringLiteral("sum")).toInteger();
        for (const QJsonValue &v : o.value(QStringLiteral("amounts")).toArray())
            t.amounts << v.toInteger();
        t.unit = o.value(QStringLiteral("unit")).toString();
        return t;
    };
    return type;
}

// The current shape is schema 3: {amount, unit}; older events are brought up to it on read.
Upcasters tallyUpcasters()
{
    Upcasters u;
    u.add(QStringLiteral("Added"), 1, [](const QJsonObject &p) {
        return QJsonObject{{QStringLiteral("amount"), p.value(QStringLiteral("n"))}};
    });
    u.add(QStringLiteral("Added"), 2, [](QJsonObject p) {
        p.insert(QStringLiteral("unit"), QStringLiteral("pcs"));
        return p;
    });
    return u;
}

NewEvent added(qint64 amount)
{
    return NewEvent{QStringLiteral("Added"),
                    QJsonObject{{QStringLiteral("amount"), amount}, {QStringLiteral("unit"), QStringLiteral("pcs")}}, 3};
}

} // namespace

class TestAggregate : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    ManualClock m_clock{QDateTime(QDate(2026, 1, 1), QTime(9, 0), Qt::UTC)};

    std::unique_ptr<SqliteEventStore> openStore(const QString &name)
    {
        StoreOptions options;
        options.clock = &m_clock;
        options.anchorPath = m_dir.filePath(name + QStringLiteral(".anchor"));
        auto store = SqliteEventStore::open(m_dir.filePath(name), options);
        if (!store)
            qFatal("cannot open store: %s", qPrintable(store.error().message));
        return std::move(*store);
    }

    void appendOne(SqliteEventStore &store, const QString &stream, const NewEvent &event)
    {
        AppendRequest r;
        r.tenantId = QStringLiteral("t");
        r.streams = {StreamAppend{QStringLiteral("tally"), stream, ExpectedVersion::any(), {event}}};
        auto res = store.append(r);
        QVERIFY2(res.has_value(), res ? "" : qPrintable(res.error().message));
    }

private slots:
    void foldAtEveryVersionEqualsFoldOfPrefix()
    {
        auto store = openStore(QStringLiteral("fold.sqlite"));
        QList<qint64> amounts;
        for (int i = 1; i <= 60; ++i) {
            amounts << i * 7 % 13;
            appendOne(*store, QStringLiteral("s1"), added(amounts.last()));
            m_clock.advanceMSecs(1000);
        }
        const auto plain = tallyType();
        const auto snapshotting = tallyType(10);
        const Upcasters up = tallyUpcasters();
        // Load at head once with snapshots so that later loads can start from one.
        QVERIFY(loadAggregate(*store, up, snapshotting, QStringLiteral("t"), QStringLiteral("s1")).has_value());
        for (qint64 v = 1; v <= 60; ++v) {
            Tally expected;
            for (qint64 i = 0; i < v; ++i) {
                expected.sum += amounts[i];
                expected.amounts << amounts[i];
            }
            expected.unit = QStringLiteral("pcs");
            for (const auto &type : {plain, snapshotting}) {
                auto loaded = loadAggregate(*store, up, type, QStringLiteral("t"), QStringLiteral("s1"), LoadPoint::version(v));
                QVERIFY(loaded.has_value());
                QCOMPARE(loaded->version, v);
                QCOMPARE(loaded->state, expected);
            }
        }
    }

    void loadAsOfTime()
    {
        auto store = openStore(QStringLiteral("time.sqlite"));
        const QDateTime start = m_clock.nowUtc();
        for (int i = 1; i <= 5; ++i) {
            appendOne(*store, QStringLiteral("s"), added(i));
            m_clock.advanceMSecs(60'000);
        }
        const auto type = tallyType();
        // As of T includes the events recorded at T.
        auto atSecond = loadAggregate(*store, {}, type, QStringLiteral("t"), QStringLiteral("s"),
                                      LoadPoint::asOf(start.addSecs(60)));
        QVERIFY(atSecond.has_value());
        QCOMPARE(atSecond->version, 2);
        QCOMPARE(atSecond->state.sum, 3);
        auto before = loadAggregate(*store, {}, type, QStringLiteral("t"), QStringLiteral("s"),
                                    LoadPoint::asOf(start.addMSecs(-1)));
        QVERIFY(!before.has_value());
        QCOMPARE(before.error().kind, ErrorKind::NotFound);
        auto noSuchVersion = loadAggregate(*store, {}, type, QStringLiteral("t"), QStringLiteral("s"), LoadPoint::version(6));
        QVERIFY(!noSuchVersion.has_value());
        QCOMPARE(noSuchVersion.error().kind, ErrorKind::NotFound);
        auto otherTenant = loadAggregate(*store, {}, type, QStringLiteral("u"), QStringLiteral("s"));
        QVERIFY(!otherTenant.has_value());
        QCOMPARE(otherTenant.error().kind, ErrorKind::NotFound);
    }

    void upcasterChainAppliesOnReadOnly()
    {
        auto store = openStore(QStringLiteral("upcast.sqlite"));
        appendOne(*store, QStringLiteral("s"), NewEvent{QStringLiteral("Added"), QJsonObject{{QStringLiteral("n"), 5}}, 1});
        appendOne(*store, QStringLiteral("s"),
                  NewEvent{QStringLiteral("Added"), QJsonObject{{QStringLiteral("amount"), 7}}, 2});
        appendOne(*store, QStringLiteral("s"), added(11));
        auto loaded = loadAggregate(*store, tallyUpcasters(), tallyType(), QStringLiteral("t"), QStringLiteral("s"));
        QVERIFY(loaded.has_value());
        QCOMPARE(loaded->state.amounts, (QList<qint64>{5, 7, 11}));
        QCOMPARE(loaded->state.unit, QStringLiteral("pcs"));
        // The stored events keep the shape they were written in.
        auto raw = store->readStream(QStringLiteral("t"), QStringLiteral("s"));
        QVERIFY(raw.has_value());
        QCOMPARE(raw->at(0).schemaVersion, 1);
        QCOMPARE(raw->at(0).payload, (QJsonObject{{QStringLiteral("n"), 5}}));
        const RecordedEvent up = tallyUpcasters().upcast(raw->at(0));
        QCOMPARE(up.schemaVersion, 3);
        QCOMPARE(up.payload.value(QStringLiteral("unit")).toString(), QStringLiteral("pcs"));
    }

    void snapshotsAreUsedAndDiscardedOnSchemaChange()
    {
        auto store = openStore(QStringLiteral("snap.sqlite"));
        for (int i = 1; i <= 25; ++i)
            appendOne(*store, QStringLiteral("s"), added(i));
        int restored = 0;
        QVERIFY(loadAggregate(*store, {}, tallyType(10, 1, &restored), QStringLiteral("t"), QStringLiteral("s")).has_value());
        QCOMPARE(restored, 0);  // no snapshot yet; this load wrote one
        auto snap = store->loadSnapshot(QStringLiteral("t"), QStringLiteral("s"));
        QVERIFY(snap.has_value() && snap->has_value());
        QCOMPARE((*snap)->version, 25);

        auto again = loadAggregate(*store, {}, tallyType(10, 1, &restored), QStringLiteral("t"), QStringLiteral("s"));
        QCOMPARE(restored, 1);
        QCOMPARE(again->state.sum, 325);

        // A new snapshot shape: the stored one is ignored, the fold is unchanged.
        int restoredV2 = 0;
        auto v2 = loadAggregate(*store, {}, tallyType(10, 2, &restoredV2), QStringLiteral("t"), QStringLiteral("s"));
        QCOMPARE(restoredV2, 0);
        QCOMPARE(v2->state.sum, 325);
        QCOMPARE(v2->state, again->state);

        // A snapshot that is newer than the requested version is not used.
        int restoredOld = 0;
        auto old = loadAggregate(*store, {}, tallyType(10, 1, &restoredOld), QStringLiteral("t"), QStringLiteral("s"),
                                 LoadPoint::version(5));
        QCOMPARE(restoredOld, 0);
        QCOMPARE(old->state.sum, 15);
    }
};

QTEST_GUILESS_MAIN(TestAggregate)
#include "tst_aggregate.moc"
