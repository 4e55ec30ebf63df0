#pragma once

#include "core/es/eventstore.h"

#include <memory>

namespace Billstream {

struct Snapshot
{
    QString aggregateType;
    int schemaVersion = 0;
    qint64 version = 0;
    QDateTime recordedAt;    // of the event at `version`
    QJsonObject state;
};

// The embedded event store: one SQLite file (WAL, synchronous=FULL), table `events`,
// append-only by triggers, hash-chained, with the head recorded outside the file.
class SqliteEventStore final : public EventStore
{
    Q_OBJECT
public:
    // Current file format (PRAGMA user_version) and the application id marking a Billstream store.
    static constexpr int FormatVersion = 1;
    static constexpr int ApplicationId = 0x42534c31; // "BSL1"

    static Result<std::unique_ptr<SqliteEventStore>> open(const QString &path,
                                                          const StoreOptions &options = {});
    ~SqliteEventStore() override;

    // One BEGIN IMMEDIATE transaction decides, in this order: idempotency (a known commandId
    // with the same fingerprint returns the first run with replayed=true, another fingerprint is
    // ValidationFailed on "commandId"), stream types (an id used by another type is
    // ValidationFailed on "streamId"), expected versions (ConcurrentModification), then releases
    // and claims (a value held by another stream is ValidationFailed on "claim:<kind>" with
    // "'<value>' is already used by <streamId>"). A request without events is a no-op that still
    // checks the expected versions; claims or releases without events are ValidationFailed.
    // All events of one transaction share one recorded time, clamped to the log's last.
    Result<AppendResult> append(const AppendRequest &request) override;
    Result<QList<AppendResult>> appendBatch(const QList<AppendRequest> &requests) override;
    Result<qint64> streamVersion(const QString &tenantId, const QString &streamId) override;
    Result<QString> streamType(const QString &tenantId, const QString &streamId) override;
    Result<QList<RecordedEvent>> readStream(const QString &tenantId, const QString &streamId,
                                            qint64 fromVersion = 1, qint64 toVersion = -1) override;
    Result<QList<RecordedEvent>> readStreamUntil(const QString &tenantId, const QString &streamId,
                                                 const QDateTime &until) override;
    Result<QList<RecordedEvent>> readAll(const QString &tenantId, qint64 fromPosition, int limit) override;
    Result<QList<RecordedEvent>> readAllTenants(qint64 fromPosition, int limit) override;
    Status scan(const QString &tenantId, qint64 fromPosition, qint64 toPosition,
                const std::function<bool(const RecordedEvent &)> &visit) override;
    // A replay of [fromPosition, toPosition] (a rebuild of projections): every event in order,
    // without the hash, its payload as `payload(type)` says (asked once per event type; empty
    // function: every payload parsed): parsed into RecordedEvent::payload, handed over as stored
    // in RecordedEvent::payloadJson (for a reader of its own, see PayloadJson) or left out
    // (both empty); the metadata unless `metadata` is false. An event whose type `payload` says
    // Skip for is not handed over at all. The visitor may move the event away. Returns the last
    // position read (handed over or skipped).
    // In order of what a reader needs most: a parsed payload serves a reader of the text too.
    enum class Payload { Skip, None, Stored, Parsed };
    // Which events carry their id (RecordedEvent::eventId). LastOfRun: only the last of each run
    // of events handed over one after another with one tenant, stream and recorded time (as one
    // command appends them), the others none; for projections that keep a row per stream and
    // write it once per command, which read only that id, and for which making a string of
    // every id was an eighth of the replay.
    enum class EventIds { Every, LastOfRun };
    struct ReplayOptions
    {
        std::function<Payload(const QString &eventType)> payload;
        bool metadata = true;  // false: RecordedEvent::metadata stays empty
        EventIds eventIds = EventIds::Every;
    };
    Result<qint64> replay(qint64 fromPosition, qint64 toPosition, const ReplayOptions &options,
                          const std::function<bool(RecordedEvent &)> &visit);
    // readStreamUntil() with the payloads as stored (RecordedEvent::payloadJson) and without the
    // hash: for folds that read the text (PayloadJson), such as the book as of a time.
    Result<QList<RecordedEvent>> readStreamUntilStored(const QString &tenantId, const QString &streamId,
                                                       const QDateTime &until);
    Result<qint64> headPosition() override;
    Result<std::optional<AppendResult>> findCommand(const QString &tenantId, const QString &commandId) override;
    Result<QString> claimHolder(const QString &tenantId, const QString &kind, const QString &value) override;
    Result<VerifyReport> verify(const QString &anchorPath = {}) override;
    QString path() const override;
    bool isReadOnly() const override;

    // Inline projections: applied to every appended event inside the append transaction.
    // Registering one whose stored schema version differs (or that has never run) rebuilds it
    // from the log first; `progress(done, total)` is called during that rebuild.
    Status registerInlineProjection(std::shared_ptr<Projection> projection,
                                    const std::function<void(qint64, qint64)> &progress = {});
    QList<std::shared_ptr<Projection>> inlineProjections() const;
    // Drops and rebuilds projections (all registered inline ones when `names` is empty) from
    // the log in one transaction; progress(done, total); `cancel` returning true rolls back.
    Status rebuildProjections(const QStringList &names = {},
                              const std::function<void(qint64, qint64)> &progress = {},
                              const std::function<bool()> &cancel = {});

    // Checkpoints of projections (inline and async): the last applied position.
    Result<qint64> checkpoint(const QString &projectionName);
    // Runs `work` inside one BEGIN IMMEDIATE transaction on this connection (async projections
    // store their rows and checkpoint this way). Rolls back when work fails.
    Status writeTransaction(const std::function<Status(QSqlDatabase &)> &work);
    Status setCheckpoint(QSqlDatabase &db, const QString &projectionName, int schemaVersion, qint64 position);
    Result<int> storedProjectionSchema(const QString &projectionName); // 0 when unknown

    // Snapshots, one per (tenant, stream); never the source of truth.
    Result<std::optional<Snapshot>> loadSnapshot(const QString &tenantId, const QString &streamId,
                                                 qint64 maxVersion = -1);
    Status saveSnapshot(const QString &tenantId, const QString &streamId, const Snapshot &snapshot);

    // The connection, for read-side queries on this thread.
    QSqlDatabase database() const;
    // SQLite's data_version: changes when another connection commits (live refresh).
    Result<qint64> dataVersion();
    // A consistent copy of the store while it may be in use (VACUUM INTO).
    Status backupTo(const QString &targetPath);

    // The default place of the head anchor for a store path (in the user's data folder).
    static QString defaultAnchorPath(const QString &storePath);

private:
    SqliteEventStore();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace Billstream
