#pragma once

#include "core/es/sqliteeventstore.h"
#include "core/es/upcasters.h"

#include <optional>
#include <variant>

namespace Billstream {

// Where to stop folding a stream: its head, a version, or a recorded time (talk slide 35).
struct LoadPoint
{
    std::variant<std::monostate, qint64, QDateTime> at;
    static LoadPoint head() { return {}; }
    static LoadPoint version(qint64 v) { return {v}; }
    static LoadPoint asOf(const QDateTime &t) { return {t}; }
    bool isHead() const { return std::holds_alternative<std::monostate>(at); }
};

// An aggregate type for the loader: how to fold its events and, optionally, snapshot its state.
template<typename State>
struct AggregateType
{
    QString streamType;
    State initial;
    std::function<State(State, const RecordedEvent &)> evolve;
    // Snapshots are an optimisation only: a fold from a snapshot must equal the full fold.
    int snapshotEvery = 0;               // 0: no snapshots
    int snapshotSchemaVersion = 1;       // a changed version discards stored snapshots
    std::function<QJsonObject(const State &)> toSnapshot;
    std::function<std::optional<State>(const QJsonObject &)> fromSnapshot;
};

template<typename State>
struct Loaded
{
    State state;
    qint64 version = 0;          // the version the state is at (0: no events)
    QDateTime createdAt;         // recorded time of version 1 (when loaded from events)
    QDateTime updatedAt;         // recorded time of `version`
};

// Folds a stream with evolve up to the load point, starting from a usable snapshot when there
// is one. A stream with no events at that point is NotFound (DOMAIN.md, Time travel).
template<typename State>
Result<Loaded<State>> loadAggregate(SqliteEventStore &store, const Upcasters &upcasters,
                                    const AggregateType<State> &type, const QString &tenantId,
                                    const QString &streamId, const LoadPoint &point = LoadPoint::head())
{
    Loaded<State> loaded{type.initial, 0, {}, {}};
    qint64 from = 1;
    const qint64 *targetVersion = std::get_if<qint64>(&point.at);
    const QDateTime *targetTime = std::get_if<QDateTime>(&point.at);

    if (targetVersion && *targetVersion < 1)
        return fail(Error::notFound(QStringLiteral("%1 %2 has no version %3").arg(type.streamType, streamId).arg(*targetVersion)));

    if (type.snapshotEvery > 0 && type.fromSnapshot) {
        auto snap = store.loadSnapshot(tenantId, streamId, targetVersion ? *targetVersion : -1);
        if (!snap)
            return fail(snap.error());
        if (*snap && (*snap)->aggregateType == type.streamType
            && (*snap)->schemaVersion == type.snapshotSchemaVersion
            && (!targetTime || (*snap)->recordedAt <= *targetTime)) {
            if (std::optional<State> s = type.fromSnapshot((*snap)->state)) {
                loaded.state = std::move(*s);
                loaded.version = (*snap)->version;
                loaded.updatedAt = (*snap)->recordedAt;
                from = loaded.version + 1;
            }
        }
    }

    Result<QList<RecordedEvent>> events = targetTime
        ? store.readStreamUntil(tenantId, streamId, *targetTime)
        : store.readStream(tenantId, streamId, from, targetVersion ? *targetVersion : -1);
    if (!events)
        return fail(events.error());

    qint64 folded = 0;
    for (const RecordedEvent &stored : *events) {
        if (stored.version < from)
            continue;  // readStreamUntil starts at 1; the snapshot already covers these
        if (stored.streamType != type.streamType)
            return fail(Error::notFound(QStringLiteral("%1 is not a %2").arg(streamId, type.streamType)));
        if (stored.version == 1)
            loaded.createdAt = stored.recordedAt;
        loaded.state = type.evolve(std::move(loaded.state), upcasters.upcast(stored));
        loaded.version = stored.version;
        loaded.updatedAt = stored.recordedAt;
        ++folded;
    }
    if (loaded.version == 0)
        return fail(Error::notFound(QStringLiteral("no %1 with id '%2'").arg(type.streamType, streamId)));
    if (targetVersion && loaded.version != *targetVersion)
        return fail(Error::notFound(QStringLiteral("%1 %2 has no version %3 (its latest is %4)")
                                        .arg(type.streamType, streamId)
                                        .arg(*targetVersion)
                                        .arg(loaded.version)));

    // Snapshot the head state every `snapshotEvery` events; reads of a read-only store skip it.
    if (point.isHead() && type.snapshotEvery > 0 && type.toSnapshot && folded >= type.snapshotEvery
        && !store.isReadOnly()) {
        const Snapshot snap{type.streamType, type.snapshotSchemaVersion, loaded.version, loaded.updatedAt,
                            type.toSnapshot(loaded.state)};
        (void)store.saveSnapshot(tenantId, streamId, snap);  // an optimisation: failure changes nothing
    }
    return loaded;
}

} // namespace Billstream
