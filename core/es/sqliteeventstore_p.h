#pragma once

#include <QHash>

// Internals of SqliteEventStore shared by its implementation files; not part of the API.

#include "core/es/clock.h"
#include "core/es/identity.h"
#include "core/es/sqliteeventstore.h"
#include "core/es/sqlitestatement.h"

#include <algorithm>
#include <array>

struct sqlite3;

namespace Billstream {

// The SHA-256 link of the hash chain. Every field is length-prefixed (8 bytes, big-endian) so
// no two different events serialise alike; text is hashed as the UTF-8 stored in the row, so
// verify recomputes it from the row without re-encoding JSON.
struct EventHashInput
{
    QByteArrayView previousHash;
    qint64 position = 0;
    QByteArrayView tenant;
    QByteArrayView streamType;
    QByteArrayView streamId;
    qint64 version = 0;
    QByteArrayView eventId;
    QByteArrayView type;
    qint64 schemaVersion = 0;
    QByteArrayView payload;
    QByteArrayView metadata;
    qint64 recordedAtMs = 0;
};
QByteArray computeEventHash(const EventHashInput &in, QByteArray &scratch);

// The columns every event read selects, in this order (see eventFromRow).
#define BILLSTREAM_EVENT_COLUMNS \
    "position, tenant, stream_type, stream_id, version, event_id, type, schema_version, payload, metadata, recorded_at, hash"

// A statement the store prepares once per connection and reuses.
enum class Sql {
    FindCommand,
    InsertCommand,
    StreamInfo,
    UpsertStream,
    Head,
    InsertEvent,
    ClaimHolder,
    InsertClaim,
    ReleaseClaim,
    Checkpoint,
    SetCheckpoint,
    ReadStream,
    ReadStreamUntil,
    ReadAllTenant,
    ReadAllTenants,
    ReadCommandEvents,
    HashAt,
    LoadSnapshot,
    SaveSnapshot,
    Count_
};

// What one write transaction knows of the log's end; read inside the write lock.
struct LogTail
{
    qint64 head = 0;
    QByteArray headHash;
    qint64 recordedAtMs = 0;  // the time given to every event of this transaction
};

// A stream's type and current version; a stream without events has neither.
struct StreamInfo
{
    QString type;
    qint64 version = 0;
};

struct SqliteEventStore::Private
{
    SqliteEventStore *q = nullptr;
    QString path;            // absolute
    QString canonicalPath;   // symlinks resolved, for the anchor
    QString registeredPath;  // this instance's entry in the registry of stores open here
    StoreOptions options;
    SystemClock systemClock;
    QString connectionName;
    sqlite3 *db = nullptr;
    bool readOnly = false;
    QString readOnlyReason;
    bool inTransaction = false;
    std::array<SqliteStatement, static_cast<size_t>(Sql::Count_)> statements;
    QList<std::shared_ptr<Projection>> projections;

    const Clock &clock() const { return options.clock ? *options.clock : systemClock; }
    QSqlDatabase connection() const;

    // Opening and the file format (sqliteeventstore.cpp).
    Status open();
    Status openConnection(bool readOnlyConnection, bool immutable);
    void closeConnection();
    Status applyConnectionPragmas(bool writable);
    Status checkFormat(bool forWriting, bool *needsSchema);
    Status initialiseOrMigrate();
    Status migrate(int fromVersion);
    void tightenCompanionModes() const;

    // Errors in plain sentences naming the store.
    Error sqliteError(int rc, const QString &doing) const;
    Error readOnlyError(const QString &doing) const;
    Status exec(const char *sql, const QString &doing);
    SqliteStatement *statement(Sql which, Error *error);
    Result<StreamInfo> streamInfo(const QString &tenantId, const QString &streamId);

    // Transactions, taken as SQL so the write lock is held from the first read (BEGIN IMMEDIATE).
    Status begin(const QString &doing);
    Status commit(const QString &doing);
    void rollback();

    // Appending.
    Result<LogTail> readTail();
    Result<AppendResult> appendOne(const AppendRequest &request, LogTail &tail, QList<RecordedEvent> &appended);
    Result<QList<AppendResult>> appendRequests(const QList<AppendRequest> &requests);
    Result<std::optional<AppendResult>> commandRun(const QString &tenantId, const QString &commandId,
                                                   QByteArray *fingerprint);
    Status applyInline(qint64 headBefore, const QList<RecordedEvent> &appended, qint64 headAfter);
    Status applyRange(const QList<Projection *> &targets, qint64 from, qint64 to,
                      const std::function<void(qint64, qint64)> &progress, const std::function<bool()> &cancel,
                      bool *cancelled);
    Result<std::optional<std::pair<int, qint64>>> storedCheckpoint(const QString &name);
    Status writeCheckpoint(const QString &name, int schemaVersion, qint64 position);

    // Reads.
    // Every row of `stmt`; with `storedPayloads`, the payload as stored and no hash.
    Result<QList<RecordedEvent>> collect(SqliteStatement &stmt, const QString &doing, bool storedPayloads = false);
    Result<QList<RecordedEvent>> streamUntil(const QString &tenantId, const QString &streamId, const QDateTime &until,
                                             bool storedPayloads);

    // The head recorded outside the store (sqliteverify.cpp).
    QString anchorFile() const;
    void recordAnchor(qint64 position, const QByteArray &hash);
    void closeAnchor();
    // The anchor file stays open and mapped while the store is (see recordAnchor()).
    int anchorFd = -1;
    char *anchorMap = nullptr;
    qsizetype anchorMapSize = 0;
};

// Names (tenants, stream types, event types) are few and on every row. Each is converted once
// for the life of the process and handed out as a QString over that copy
// (QString::fromRawData), whose copies count no references: a replay's three threads copy and
// drop these strings for every event, and the atomic reference counts of strings shared between
// them kept the cores waiting on each other (5 % of a rebuild). At most 4,096 names are kept;
// others come as ordinary strings.
QString internedName(const QByteArray &utf8);

// Strings that repeat from row to row of one read (tenant, stream type, event type, stream
// id): converted from UTF-8 once and shared, which makes reading the log markedly cheaper.
class RowStrings
{
public:
    QString tenant(QByteArrayView utf8) { return m_tenants.get(utf8); }
    QString streamType(QByteArrayView utf8) { return m_streamTypes.get(utf8); }
    QString streamId(QByteArrayView utf8) { return m_streamId.get(utf8); }
    QString type(QByteArrayView utf8) { return m_types.get(utf8); }
    // The index of the type type() returned last in the list of types seen, or -1.
    qsizetype lastTypeIndex() const { return m_types.last; }
    // The events of one command share their metadata: parsed once per run of equal bytes.
    EventMetadata metadata(QByteArrayView json);

private:
    struct Last
    {
        QByteArray utf8;
        QString value;
        QString get(QByteArrayView bytes)
        {
            if (bytes != QByteArrayView(utf8)) {
                // Into the bytes' own buffer (never shared): no allocation when a stream id
                // follows another of its length.
                utf8.resize(bytes.size());
                std::copy(bytes.begin(), bytes.end(), utf8.begin());
                value = QString::fromUtf8(utf8);
            }
            return value;
        }
    };
    // A log has a few tenants, stream types and a few dozen event types: a short list, found
    // through a small table by length and three of their bytes (the event types alternate from
    // row to row; comparing with each in turn was a twentieth of a replay), and what it hands
    // out is interned (internedName()).
    struct Names
    {
        static constexpr qsizetype MaxKnown = 128;
        QList<Last> known;
        std::array<qint16, 256> table = filledTable();  // indexes into `known`, -1: free
        qsizetype last = -1;
        static constexpr std::array<qint16, 256> filledTable()
        {
            std::array<qint16, 256> a{};
            a.fill(-1);
            return a;
        }
        static size_t slotOf(QByteArrayView utf8)
        {
            const qsizetype n = utf8.size();
            if (n == 0)
                return 0;
            return size_t(n) * 131 + uchar(utf8[0]) + uchar(utf8[n / 2]) * 31 + uchar(utf8[n - 1]) * 7;
        }
        QString get(QByteArrayView utf8)
        {
            // Runs of one name are common (line items, a command's events).
            if (last >= 0 && utf8 == QByteArrayView(known.at(last).utf8))
                return known.at(last).value;
            return find(utf8);
        }
        QString find(QByteArrayView utf8);
    };
    Names m_tenants, m_streamTypes, m_types;
    Last m_streamId;
    QByteArray m_metadataJson;
    EventMetadata m_metadata;
};

// A stored JSON object (payload or metadata); anything else reads as an empty object.
QJsonObject parseObject(QByteArrayView text);

// Builds an event from a row selected with BILLSTREAM_EVENT_COLUMNS; without its payload and
// hash for a replay, which parses the payloads it needs itself.
// Envelope: without payload and hash; Bare: without the metadata too.
enum class RowParts { All, Envelope, Bare };
// Without `withId`, RecordedEvent::eventId stays empty.
RecordedEvent eventFromRow(const SqliteStatement &row, RowStrings &strings, RowParts parts = RowParts::All,
                           bool withId = true);

} // namespace Billstream
