#pragma once

#include "core/es/event.h"
#include "core/es/result.h"

#include <QObject>
#include <QSqlDatabase>

#include <functional>
#include <memory>
#include <optional>

namespace Billstream {

class Clock;

// What the writer last saw of a stream; checked inside the append's write lock.
class ExpectedVersion
{
public:
    enum class Kind { Any, NoStream, Exact };
    static ExpectedVersion any() { return ExpectedVersion(Kind::Any, -1); }
    static ExpectedVersion noStream() { return ExpectedVersion(Kind::NoStream, 0); }
    static ExpectedVersion exact(qint64 v) { return ExpectedVersion(Kind::Exact, v); }
    Kind kind() const { return m_kind; }
    qint64 version() const { return m_version; }
    bool matches(qint64 actual) const
    {
        switch (m_kind) {
        case Kind::Any: return true;
        case Kind::NoStream: return actual == 0;
        case Kind::Exact: return actual == m_version;
        }
        return false;
    }
    QString toString() const;  // "any", "no stream", "7"

private:
    ExpectedVersion(Kind k, qint64 v) : m_kind(k), m_version(v) {}
    Kind m_kind;
    qint64 m_version;
};

struct StreamAppend
{
    QString streamType;
    QString streamId;
    ExpectedVersion expected = ExpectedVersion::any();
    QList<NewEvent> events;
};

// A (tenant, kind, value) → stream claim, e.g. ("customer-email", "ann@example.com").
struct UniqueClaim
{
    QString kind;
    QString value;
    QString streamId;
};

struct AppendRequest
{
    QString tenantId;
    QList<StreamAppend> streams;    // all or nothing, in one transaction
    EventMetadata metadata;         // copied to every event
    // Idempotency: when metadata.commandId is set, a second append with the same (tenant,
    // commandId) returns the first one's events; with a different fingerprint it is refused.
    QByteArray commandFingerprint;
    QList<UniqueClaim> claims;      // taken; a value claimed by another stream is a violation
    QList<UniqueClaim> releases;    // released when held by the named stream
};

struct AppendResult
{
    qint64 fromPosition = 0;        // 0 when nothing was appended
    qint64 toPosition = 0;
    QList<RecordedEvent> events;
    bool replayed = false;          // an idempotent retry: these events were stored before
};

// Error details of a version conflict (ErrorKind::ConcurrentModification):
//   {"streamId": "...", "expectedVersion": N or "any"/"no stream", "actualVersion": M}

// A read model kept by the store. Inline projections are applied inside the append transaction
// on the writing connection; async ones run in a ProjectionRunner from their checkpoint.
class Projection
{
public:
    virtual ~Projection() = default;
    virtual QString name() const = 0;
    virtual int schemaVersion() const = 0;
    // Creates its tables (IF NOT EXISTS) on the connection; called inside a transaction.
    virtual Status createSchema(QSqlDatabase &db) = 0;
    // Drops its tables; the next createSchema starts it empty.
    virtual Status dropSchema(QSqlDatabase &db) = 0;
    // Applies one event (called for every event in log order; ignore what is not yours).
    virtual Status apply(QSqlDatabase &db, const RecordedEvent &event) = 0;
    // Applies the events one append wrote, in log order, inside its transaction (inline
    // projections). The default applies them one by one; a projection may override it to write
    // each of its rows once per append instead of once per event. An error names the event.
    virtual Status applyAppend(QSqlDatabase &db, const QList<RecordedEvent> &events);
    // The error of applyAppend() for `event`.
    static Error applyError(const RecordedEvent &event, const Error &cause);
};

struct VerifyReport
{
    bool ok = true;
    qint64 eventsChecked = 0;
    qint64 headPosition = 0;
    QByteArray headHash;
    qint64 firstBrokenPosition = 0;  // 0 when ok
    QStringList problems;            // plain sentences naming positions
    QStringList notes;               // facts that are no problem, e.g. no anchor recorded yet
};

// The append-only log. One instance owns one connection and is used from one thread;
// writers in other threads or processes each open their own instance on the same file.
class EventStore : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~EventStore() override = default;

    virtual Result<AppendResult> append(const AppendRequest &request) = 0;
    // Several independent commands in one transaction (the import path): all or nothing.
    virtual Result<QList<AppendResult>> appendBatch(const QList<AppendRequest> &requests) = 0;

    // The current version of a stream (0 when it has no events), its type ("" when none).
    virtual Result<qint64> streamVersion(const QString &tenantId, const QString &streamId) = 0;
    virtual Result<QString> streamType(const QString &tenantId, const QString &streamId) = 0;
    // Versions fromVersion..toVersion inclusive (toVersion < 0: to the end).
    virtual Result<QList<RecordedEvent>> readStream(const QString &tenantId, const QString &streamId,
                                                    qint64 fromVersion = 1, qint64 toVersion = -1) = 0;
    // Events of a stream recorded at or before `until`.
    virtual Result<QList<RecordedEvent>> readStreamUntil(const QString &tenantId, const QString &streamId,
                                                         const QDateTime &until) = 0;
    // A page of the tenant's log from a position (inclusive), in global order.
    virtual Result<QList<RecordedEvent>> readAll(const QString &tenantId, qint64 fromPosition,
                                                 int limit) = 0;
    // The same across tenants, for maintenance (verify, rebuild).
    virtual Result<QList<RecordedEvent>> readAllTenants(qint64 fromPosition, int limit) = 0;
    // Streams every event from a position to a callback without holding the whole log in
    // memory; the callback returns false to stop. Used by rebuilds and as-of replays.
    virtual Status scan(const QString &tenantId /* empty: all tenants */, qint64 fromPosition,
                        qint64 toPosition /* <0: head */,
                        const std::function<bool(const RecordedEvent &)> &visit) = 0;
    virtual Result<qint64> headPosition() = 0;

    // The first run of a command id, if any: what an idempotent retry reports.
    virtual Result<std::optional<AppendResult>> findCommand(const QString &tenantId,
                                                            const QString &commandId) = 0;
    // Who holds a unique claim ("" when free).
    virtual Result<QString> claimHolder(const QString &tenantId, const QString &kind,
                                        const QString &value) = 0;

    virtual Result<VerifyReport> verify(const QString &anchorPath = {}) = 0;

    virtual QString path() const = 0;
    virtual bool isReadOnly() const = 0;

signals:
    // A wake-up hint after each commit from this instance: [fromPosition, toPosition].
    void eventsAppended(const QString &tenantId, qint64 fromPosition, qint64 toPosition);
};

struct StoreOptions
{
    bool readOnly = false;             // open for reading; never creates or migrates
    bool createIfMissing = true;
    const Clock *clock = nullptr;      // nullptr: the system clock
    QString anchorPath;                // where the head is recorded after each commit; "" = default
    bool recordAnchor = true;
    QString appVersion;                // stored in metadata when the request leaves it empty
    int busyTimeoutMs = 10000;         // how long a write waits for another writer's lock
    // PRAGMA quick_check when opening: finds a damaged file before anything is read or written,
    // at the cost of reading the whole file once (about 2 s for two million events). So it runs
    // only on stores up to quickCheckMaxBytes; larger ones get the header and size checks at open,
    // SQLite's own page checks on every read, and the full check in verify().
    bool quickCheckOnOpen = true;
    qint64 quickCheckMaxBytes = 64ll << 20;
};

} // namespace Billstream
