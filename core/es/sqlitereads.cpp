// SqliteEventStore: reads. Every tenant-scoped query filters by tenant in SQL, so one tenant
// cannot read, or even detect, another tenant's streams.
#include "core/es/sqliteeventstore_p.h"

#include <QFile>
#include <QFileInfo>

#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include <fcntl.h>
#include <unistd.h>

namespace Billstream {

Result<QList<RecordedEvent>> SqliteEventStore::Private::collect(SqliteStatement &stmt, const QString &doing,
                                                                bool storedPayloads)
{
    StatementReset guard(stmt);
    QList<RecordedEvent> events;
    RowStrings strings;
    int rc = SQLITE_ROW;
    while ((rc = stmt.step()) == SQLITE_ROW) {
        RecordedEvent e = eventFromRow(stmt, strings, storedPayloads ? RowParts::Envelope : RowParts::All);
        if (storedPayloads)
            e.payloadJson = stmt.textView(8).toByteArray();
        events.append(std::move(e));
    }
    if (rc != SQLITE_DONE)
        return fail(sqliteError(rc, doing));
    return events;
}

Result<StreamInfo> SqliteEventStore::Private::streamInfo(const QString &tenantId, const QString &streamId)
{
    Error error;
    SqliteStatement *s = statement(Sql::StreamInfo, &error);
    if (!s)
        return fail(error);
    StatementReset guard(*s);
    s->bind(1, tenantId);
    s->bind(2, streamId);
    const int rc = s->step();
    if (rc == SQLITE_ROW)
        return StreamInfo{s->text(0), s->int64(1)};
    if (rc == SQLITE_DONE)
        return StreamInfo{};
    return fail(sqliteError(rc, QStringLiteral("read stream %1").arg(streamId)));
}

Result<qint64> SqliteEventStore::streamVersion(const QString &tenantId, const QString &streamId)
{
    const Result<StreamInfo> info = d->streamInfo(tenantId, streamId);
    if (!info)
        return fail(info.error());
    return info->version;
}

Result<QString> SqliteEventStore::streamType(const QString &tenantId, const QString &streamId)
{
    const Result<StreamInfo> info = d->streamInfo(tenantId, streamId);
    if (!info)
        return fail(info.error());
    return info->type;
}

Result<QList<RecordedEvent>> SqliteEventStore::readStream(const QString &tenantId, const QString &streamId,
                                                          qint64 fromVersion, qint64 toVersion)
{
    Error error;
    SqliteStatement *s = d->statement(Sql::ReadStream, &error);
    if (!s)
        return fail(error);
    s->bind(1, tenantId);
    s->bind(2, streamId);
    s->bind(3, std::max<qint64>(fromVersion, 1));
    s->bind(4, toVersion < 0 ? std::numeric_limits<qint64>::max() : toVersion);
    return d->collect(*s, QStringLiteral("read stream %1").arg(streamId));
}

Result<QList<RecordedEvent>> SqliteEventStore::Private::streamUntil(const QString &tenantId, const QString &streamId,
                                                                    const QDateTime &until, bool storedPayloads)
{
    if (!until.isValid())
        return fail(Error::usage(QStringLiteral("No valid time was given to read stream %1 until.").arg(streamId)));
    Error error;
    SqliteStatement *s = statement(Sql::ReadStreamUntil, &error);
    if (!s)
        return fail(error);
    s->bind(1, tenantId);
    s->bind(2, streamId);
    s->bind(3, until.toMSecsSinceEpoch());
    return collect(*s, QStringLiteral("read stream %1 until %2").arg(streamId, formatTimestamp(until)), storedPayloads);
}

Result<QList<RecordedEvent>> SqliteEventStore::readStreamUntil(const QString &tenantId, const QString &streamId,
                                                               const QDateTime &until)
{
    return d->streamUntil(tenantId, streamId, until, false);
}

Result<QList<RecordedEvent>> SqliteEventStore::readStreamUntilStored(const QString &tenantId, const QString &streamId,
                                                                     const QDateTime &until)
{
    return d->streamUntil(tenantId, streamId, until, true);
}

Result<QList<RecordedEvent>> SqliteEventStore::readAll(const QString &tenantId, qint64 fromPosition, int limit)
{
    Error error;
    SqliteStatement *s = d->statement(Sql::ReadAllTenant, &error);
    if (!s)
        return fail(error);
    s->bind(1, tenantId);
    s->bind(2, fromPosition);
    s->bind(3, limit > 0 ? qint64(limit) : qint64(-1));  // SQLite: a negative LIMIT is no limit
    return d->collect(*s, QStringLiteral("read the log"));
}

Result<QList<RecordedEvent>> SqliteEventStore::readAllTenants(qint64 fromPosition, int limit)
{
    Error error;
    SqliteStatement *s = d->statement(Sql::ReadAllTenants, &error);
    if (!s)
        return fail(error);
    s->bind(1, fromPosition);
    s->bind(2, limit > 0 ? qint64(limit) : qint64(-1));
    return d->collect(*s, QStringLiteral("read the log"));
}

Status SqliteEventStore::scan(const QString &tenantId, qint64 fromPosition, qint64 toPosition,
                              const std::function<bool(const RecordedEvent &)> &visit)
{
    // A statement of its own, not a cached one: the visitor may read from the store meanwhile.
    SqliteStatement s;
    const char *sql = tenantId.isEmpty()
        ? "SELECT " BILLSTREAM_EVENT_COLUMNS " FROM events WHERE position >= ?1 AND position <= ?2 ORDER BY position"
        : "SELECT " BILLSTREAM_EVENT_COLUMNS " FROM events WHERE tenant = ?3 AND position >= ?1 AND position <= ?2"
          " ORDER BY position";
    const QString doing = QStringLiteral("read the log");
    int rc = s.prepare(d->db, sql);
    if (rc != SQLITE_OK)
        return fail(d->sqliteError(rc, doing));
    s.bind(1, fromPosition);
    s.bind(2, toPosition < 0 ? std::numeric_limits<qint64>::max() : toPosition);
    if (!tenantId.isEmpty())
        s.bind(3, tenantId);
    RowStrings strings;
    while ((rc = s.step()) == SQLITE_ROW) {
        if (!visit || !visit(eventFromRow(s, strings)))
            return {};
    }
    if (rc != SQLITE_DONE)
        return fail(d->sqliteError(rc, doing));
    return {};
}

namespace {

// The stored payloads of a replay, copied one after another into blocks of 1 MB: each event's
// payloadJson shares its block (read-only; a change copies it, as any shared QByteArray does),
// which lives while any of them does. A replay of the whole log copies 1.5 million payloads;
// one allocation each, freed by a thread whose cache had long lost them, was a tenth of it.
class PayloadBlocks
{
public:
    QByteArray copy(QByteArrayView text)
    {
        const qsizetype need = text.size() + 1;  // and a '\0', as QByteArray keeps
        if (need > BlockSize / 16)
            return text.toByteArray();
        if (m_block.isNull() || m_used + need > BlockSize) {
            m_block = QByteArray(BlockSize, Qt::Uninitialized);
            m_base = m_block.data();  // written only here, and only past what is handed out
            m_used = 0;
        }
        char *at = m_base + m_used;
        std::copy(text.begin(), text.end(), at);
        at[text.size()] = '\0';
        m_used += need;
        QByteArray::DataPointer slice(m_block.data_ptr());  // a reference to the block
        slice.ptr = at;
        slice.size = text.size();
        return QByteArray(std::move(slice));
    }

private:
    static constexpr qsizetype BlockSize = 1 << 20;
    QByteArray m_block;
    char *m_base = nullptr;
    qsizetype m_used = 0;
};

} // namespace

Result<qint64> SqliteEventStore::replay(qint64 fromPosition, qint64 toPosition, const ReplayOptions &options,
                                        const std::function<bool(RecordedEvent &)> &visit)
{
    SqliteStatement s;
    const QString doing = QStringLiteral("read the log");
    // The columns of BILLSTREAM_EVENT_COLUMNS, the hash left out (NULL in its place), and the
    // metadata when no one reads it.
    const char *sql = options.metadata
        ? "SELECT position, tenant, stream_type, stream_id, version, event_id, type, schema_version,"
          " payload, metadata, recorded_at, NULL"
          " FROM events WHERE position >= ?1 AND position <= ?2 ORDER BY position"
        : "SELECT position, tenant, stream_type, stream_id, version, event_id, type, schema_version,"
          " payload, NULL, recorded_at, NULL"
          " FROM events WHERE position >= ?1 AND position <= ?2 ORDER BY position";
    int rc = s.prepare(d->db, sql);
    if (rc != SQLITE_OK)
        return fail(d->sqliteError(rc, doing));
    s.bind(1, fromPosition);
    s.bind(2, toPosition < 0 ? std::numeric_limits<qint64>::max() : toPosition);
    RowStrings strings;
    PayloadBlocks blocks;
    std::vector<std::optional<Payload>> wanted;  // by RowStrings' type index
    const bool everyId = options.eventIds == EventIds::Every;
    // LastOfRun: an event is handed over once the next one shows whether it ends a run; its
    // id's text waits beside it.
    std::optional<RecordedEvent> held;
    QByteArray heldId;
    const auto handOverHeld = [&](const RecordedEvent *next) {
        if (!next || next->recordedAt != held->recordedAt || next->streamId != held->streamId
            || next->tenantId != held->tenantId)
            held->eventId = QString::fromUtf8(heldId);
        return !visit || visit(*held);
    };
    qint64 last = 0;
    while ((rc = s.step()) == SQLITE_ROW) {
        last = s.int64(0);
        Payload payload = Payload::Parsed;
        if (options.payload) {
            // Asked once per type; the type is read before the rest of the row.
            const QString &type = strings.type(s.textView(6));
            const qsizetype t = strings.lastTypeIndex();
            if (t < 0) {
                payload = options.payload(type);
            } else {
                if (size_t(t) >= wanted.size())
                    wanted.resize(size_t(t) + 1);
                if (!wanted[size_t(t)])
                    wanted[size_t(t)] = options.payload(type);
                payload = *wanted[size_t(t)];
            }
            if (payload == Payload::Skip)
                continue;
        }
        RecordedEvent e = eventFromRow(s, strings, options.metadata ? RowParts::Envelope : RowParts::Bare, everyId);
        if (payload == Payload::Parsed)
            e.payload = parseObject(s.textView(8));
        else if (payload == Payload::Stored)
            e.payloadJson = blocks.copy(s.textView(8));
        if (everyId) {
            if (visit && !visit(e))
                return last;
            continue;
        }
        if (held && !handOverHeld(&e))
            return last;
        const QByteArrayView id = s.textView(5);
        heldId.resize(id.size());
        std::copy(id.begin(), id.end(), heldId.begin());
        held = std::move(e);
    }
    if (rc != SQLITE_DONE)
        return fail(d->sqliteError(rc, doing));
    if (held)
        (void)handOverHeld(nullptr);
    return last;
}

Result<qint64> SqliteEventStore::headPosition()
{
    Result<LogTail> tail = d->readTail();
    if (!tail)
        return fail(tail.error());
    return tail->head;
}

Result<std::optional<AppendResult>> SqliteEventStore::findCommand(const QString &tenantId, const QString &commandId)
{
    return d->commandRun(tenantId, commandId, nullptr);
}

Result<QString> SqliteEventStore::claimHolder(const QString &tenantId, const QString &kind, const QString &value)
{
    Error error;
    SqliteStatement *s = d->statement(Sql::ClaimHolder, &error);
    if (!s)
        return fail(error);
    StatementReset guard(*s);
    s->bind(1, tenantId);
    s->bind(2, kind);
    s->bind(3, value);
    const int rc = s->step();
    if (rc == SQLITE_ROW)
        return s->text(0);
    if (rc == SQLITE_DONE)
        return QString();
    return fail(d->sqliteError(rc, QStringLiteral("look up the %1 claim").arg(kind)));
}

Result<qint64> SqliteEventStore::dataVersion()
{
    SqliteStatement s;
    int rc = s.prepare(d->db, "PRAGMA data_version");
    if (rc == SQLITE_OK)
        rc = s.step();
    if (rc != SQLITE_ROW)
        return fail(d->sqliteError(rc, QStringLiteral("read the data version")));
    return s.int64(0);
}

Status SqliteEventStore::backupTo(const QString &targetPath)
{
    const QString target = QFileInfo(targetPath).absoluteFilePath();
    const QString doing = QStringLiteral("copy it to %1").arg(target);
    if (targetPath.isEmpty())
        return fail(Error::usage(QStringLiteral("No file was given to back the store %1 up to.").arg(d->path)));
    if (QFileInfo(target).exists() || QFileInfo(target).isSymLink())
        return fail(Error::failure(QStringLiteral("The backup file %1 already exists; choose a new file.").arg(target)));
    if (d->inTransaction) {
        return fail(Error::failure(
            QStringLiteral("Could not back the store %1 up inside a write transaction.").arg(d->path)));
    }
    // Owner-only like the store; VACUUM INTO accepts an existing empty file.
    const QByteArray nativeTarget = QFile::encodeName(target);
    const int fd = ::open(nativeTarget.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        return fail(Error::failure(QStringLiteral("Could not create the backup file %1: %2.")
                                       .arg(target, QString::fromLocal8Bit(std::strerror(errno)))));
    }
    ::close(fd);
    SqliteStatement s;
    int rc = s.prepare(d->db, "VACUUM INTO ?1");
    if (rc == SQLITE_OK) {
        s.bind(1, target);
        rc = s.step();
    }
    if (rc != SQLITE_DONE) {
        const Error e = d->sqliteError(rc, doing);
        s = SqliteStatement();
        QFile::remove(target);
        return fail(e);
    }
    return {};
}

} // namespace Billstream
