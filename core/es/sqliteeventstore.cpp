#include "core/es/sqliteeventstore.h"

#include "core/es/sqliteeventstore_p.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonDocument>
#include <QMutex>
#include <QMutexLocker>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUuid>
#include <QtEndian>

#include <sqlite3.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <limits>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Billstream {

namespace {

// SQLite's memory statistics are kept under one process-wide mutex taken by every allocation
// of every connection; the rebuild's three threads (and Qt's connections) allocate all the time,
// and Billstream never reads the statistics. Off before SQLite initializes (sqlite3_config()
// refuses afterwards): while the program's static objects are made.
[[maybe_unused]] const bool sqliteConfigured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;

// The first 16 bytes of every SQLite database file.
constexpr char SqliteMagic[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f', 'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};
constexpr int SqliteHeaderSize = 100;

// Each step brings the schema from version N-1 to N; migrate() runs them cumulatively.
// Version 1: the log, its indexes and the tables that decide appends.
constexpr const char *SchemaV1[] = {
    "CREATE TABLE events ("
    " position INTEGER PRIMARY KEY,"
    " tenant TEXT NOT NULL,"
    " stream_type TEXT NOT NULL,"
    " stream_id TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " event_id TEXT NOT NULL UNIQUE,"
    " type TEXT NOT NULL,"
    " schema_version INTEGER NOT NULL,"
    " payload TEXT NOT NULL,"
    " metadata TEXT NOT NULL,"
    " recorded_at INTEGER NOT NULL,"
    " hash BLOB NOT NULL,"
    " UNIQUE (tenant, stream_id, version))",
    // A tenant's page of the log (readAll) without scanning other tenants' events.
    "CREATE INDEX events_by_tenant ON events (tenant, position)",
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
    " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
    " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
    // One row per stream: its current version and type; a stream id is unique in a tenant.
    "CREATE TABLE streams ("
    " tenant TEXT NOT NULL, stream_id TEXT NOT NULL, stream_type TEXT NOT NULL, version INTEGER NOT NULL,"
    " PRIMARY KEY (tenant, stream_id)) WITHOUT ROWID",
    // Idempotency: the first run of a command id and the positions it appended.
    "CREATE TABLE commands ("
    " tenant TEXT NOT NULL, command_id TEXT NOT NULL, fingerprint BLOB NOT NULL,"
    " first_position INTEGER NOT NULL, last_position INTEGER NOT NULL,"
    " PRIMARY KEY (tenant, command_id)) WITHOUT ROWID",
    "CREATE TABLE unique_claims ("
    " tenant TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, stream_id TEXT NOT NULL,"
    " PRIMARY KEY (tenant, kind, value)) WITHOUT ROWID",
    "CREATE TABLE snapshots ("
    " tenant TEXT NOT NULL, stream_id TEXT NOT NULL, aggregate_type TEXT NOT NULL,"
    " schema_version INTEGER NOT NULL, version INTEGER NOT NULL, recorded_at INTEGER NOT NULL,"
    " state TEXT NOT NULL, PRIMARY KEY (tenant, stream_id)) WITHOUT ROWID",
    "CREATE TABLE projection_checkpoints ("
    " name TEXT PRIMARY KEY, schema_version INTEGER NOT NULL, position INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
};

const char *sqlText(Sql which)
{
    switch (which) {
    case Sql::FindCommand:
        return "SELECT fingerprint, first_position, last_position FROM commands WHERE tenant = ?1 AND command_id = ?2";
    case Sql::InsertCommand:
        return "INSERT INTO commands (tenant, command_id, fingerprint, first_position, last_position)"
               " VALUES (?1, ?2, ?3, ?4, ?5)";
    case Sql::StreamInfo:
        return "SELECT stream_type, version FROM streams WHERE tenant = ?1 AND stream_id = ?2";
    case Sql::UpsertStream:
        return "INSERT INTO streams (tenant, stream_id, stream_type, version) VALUES (?1, ?2, ?3, ?4)"
               " ON CONFLICT (tenant, stream_id) DO UPDATE SET version = excluded.version";
    case Sql::Head:
        return "SELECT position, hash, recorded_at FROM events ORDER BY position DESC LIMIT 1";
    case Sql::InsertEvent:
        return "INSERT INTO events (" BILLSTREAM_EVENT_COLUMNS ")"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
    case Sql::ClaimHolder:
        return "SELECT stream_id FROM unique_claims WHERE tenant = ?1 AND kind = ?2 AND value = ?3";
    case Sql::InsertClaim:
        return "INSERT INTO unique_claims (tenant, kind, value, stream_id) VALUES (?1, ?2, ?3, ?4)";
    case Sql::ReleaseClaim:
        return "DELETE FROM unique_claims WHERE tenant = ?1 AND kind = ?2 AND value = ?3 AND stream_id = ?4";
    case Sql::Checkpoint:
        return "SELECT schema_version, position FROM projection_checkpoints WHERE name = ?1";
    case Sql::SetCheckpoint:
        return "INSERT INTO projection_checkpoints (name, schema_version, position) VALUES (?1, ?2, ?3)"
               " ON CONFLICT (name) DO UPDATE SET schema_version = excluded.schema_version,"
               " position = excluded.position";
    case Sql::ReadStream:
        return "SELECT " BILLSTREAM_EVENT_COLUMNS " FROM events"
               " WHERE tenant = ?1 AND stream_id = ?2 AND version >= ?3 AND version <= ?4 ORDER BY version";
    case Sql::ReadStreamUntil:
        return "SELECT " BILLSTREAM_EVENT_COLUMNS " FROM events"
               " WHERE tenant = ?1 AND stream_id = ?2 AND recorded_at <= ?3 ORDER BY version";
    case Sql::ReadAllTenant:
        return "SELECT " BILLSTREAM_EVENT_COLUMNS " FROM events"
               " WHERE tenant = ?1 AND position >= ?2 ORDER BY position LIMIT ?3";
    case Sql::ReadAllTenants:
        return "SELECT " BILLSTREAM_EVENT_COLUMNS " FROM events WHERE position >= ?1 ORDER BY position LIMIT ?2";
    case Sql::ReadCommandEvents:
        return "SELECT " BILLSTREAM_EVENT_COLUMNS " FROM events"
               " WHERE position >= ?1 AND position <= ?2 AND tenant = ?3 ORDER BY position";
    case Sql::HashAt:
        return "SELECT hash FROM events WHERE position = ?1";
    case Sql::LoadSnapshot:
        return "SELECT aggregate_type, schema_version, version, recorded_at, state FROM snapshots"
               " WHERE tenant = ?1 AND stream_id = ?2";
    case Sql::SaveSnapshot:
        return "INSERT INTO snapshots (tenant, stream_id, aggregate_type, schema_version, version, recorded_at, state)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
               " ON CONFLICT (tenant, stream_id) DO UPDATE SET aggregate_type = excluded.aggregate_type,"
               " schema_version = excluded.schema_version, version = excluded.version,"
               " recorded_at = excluded.recorded_at, state = excluded.state";
    case Sql::Count_:
        break;
    }
    return "";
}

void appendLength(QByteArray &buffer, qint64 value)
{
    char bytes[8];
    qToBigEndian(value, bytes);
    buffer.append(bytes, sizeof bytes);
}

void appendField(QByteArray &buffer, QByteArrayView bytes)
{
    appendLength(buffer, bytes.size());
    buffer.append(bytes.data(), bytes.size());
}

quint32 headerWord(const char *header, int offset)
{
    return qFromBigEndian<quint32>(header + offset);
}

QString hexId(quint32 id)
{
    return QStringLiteral("0x%1").arg(id, 8, 16, QLatin1Char('0'));
}

// What the first 100 bytes tell before SQLite reads the file: a file that fails here is
// never handed to SQLite, so nothing can change it.
std::optional<Error> inspectHeader(const QString &path, qint64 size, bool walPresent)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::failure(QStringLiteral("The store file %1 cannot be read: %2.").arg(path, file.errorString()));
    const QByteArray header = file.read(SqliteHeaderSize);
    const auto notSqlite = [&] {
        return Error::failure(
            QStringLiteral("The file %1 is not a Billstream store: it is not an SQLite database.").arg(path));
    };
    if (header.size() < SqliteHeaderSize || std::memcmp(header.constData(), SqliteMagic, sizeof SqliteMagic) != 0)
        return notSqlite();
    const char *h = header.constData();
    qint64 pageSize = qFromBigEndian<quint16>(h + 16);
    if (pageSize == 1)
        pageSize = 65536;
    if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) != 0)
        return notSqlite();

    const quint32 applicationId = headerWord(h, 68);
    if (applicationId != 0 && applicationId != quint32(SqliteEventStore::ApplicationId)) {
        return Error::failure(QStringLiteral("The file %1 is not a Billstream store: it is an SQLite database of "
                                             "another program (application id %2).")
                                  .arg(path, hexId(applicationId)));
    }
    const qint32 userVersion = qint32(headerWord(h, 60));
    if (applicationId != 0 && userVersion > SqliteEventStore::FormatVersion) {
        return Error::failure(QStringLiteral("The store %1 has format version %2, newer than this program's %3: "
                                             "update Billstream to open it.")
                                  .arg(path)
                                  .arg(userVersion)
                                  .arg(SqliteEventStore::FormatVersion));
    }

    // Without a WAL beside it the file alone holds every page, so it must be whole. (With a
    // WAL, a checkpoint interrupted by a crash may leave it shorter; the WAL still has the pages.)
    if (!walPresent) {
        if (size % pageSize != 0) {
            return Error::failure(QStringLiteral("The store %1 is truncated or damaged: its size (%2 bytes) is not "
                                                 "a multiple of its page size (%3 bytes).")
                                      .arg(path)
                                      .arg(size)
                                      .arg(pageSize));
        }
        const quint32 changeCounter = headerWord(h, 24);
        const quint32 validFor = headerWord(h, 92);
        const qint64 pages = headerWord(h, 28);
        if (changeCounter == validFor && pages > 0 && size < pages * pageSize) {
            return Error::failure(QStringLiteral("The store %1 is truncated: it should hold %2 bytes, but has %3.")
                                      .arg(path)
                                      .arg(pages * pageSize)
                                      .arg(size));
        }
    }
    return std::nullopt;
}

// Stores open in this process, by canonical path. POSIX record locks belong to the process,
// and closing ANY descriptor of a file drops all of them: reading a store's header through a
// descriptor of our own while another SqliteEventStore here has the file open would silently
// release that connection's locks, and another process could then take itself for the last
// user, checkpoint and delete the WAL that connection still writes to. So a file already open
// here is never inspected through a descriptor of ours (SQLite shares and defers closing its
// own), and opens are serialised so no inspection overlaps another instance's open.
QMutex openRegistryMutex;
QHash<QString, int> openRegistry;

bool writableByUs(const QString &path)
{
    return ::access(QFile::encodeName(path).constData(), W_OK) == 0;
}

std::atomic<quint64> connectionCounter{0};

} // namespace

QByteArray computeEventHash(const EventHashInput &in, QByteArray &scratch)
{
    scratch.clear();
    // A domain tag: a future canonical form gets another tag instead of colliding with this one.
    scratch.append("billstream.event.v1");
    appendField(scratch, in.previousHash);
    appendLength(scratch, in.position);
    appendField(scratch, in.tenant);
    appendField(scratch, in.streamType);
    appendField(scratch, in.streamId);
    appendLength(scratch, in.version);
    appendField(scratch, in.eventId);
    appendField(scratch, in.type);
    appendLength(scratch, in.schemaVersion);
    appendField(scratch, in.payload);
    appendField(scratch, in.metadata);
    appendLength(scratch, in.recordedAtMs);
    return sha256(scratch);
}

// Metadata is written by the store itself as a flat object of plain strings; reading it by hand
// avoids building a JSON document per event, which was a large part of scanning the log.
// Anything unusual (escapes, other value types, unknown keys) returns false and takes the
// general JSON path, so the result never differs.
static bool parseFlatMetadata(QByteArrayView text, EventMetadata &out)
{
    qsizetype i = 0;
    const qsizetype n = text.size();
    const auto skipSpace = [&] {
        while (i < n && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r'))
            ++i;
    };
    const auto readString = [&](QByteArrayView &value) {
        if (i >= n || text[i] != '"')
            return false;
        const qsizetype start = ++i;
        while (i < n && text[i] != '"') {
            if (text[i] == '\\' || uchar(text[i]) < 0x20)
                return false;
            ++i;
        }
        if (i >= n)
            return false;
        value = text.sliced(start, i - start);
        ++i;
        return true;
    };
    skipSpace();
    if (i >= n || text[i++] != '{')
        return false;
    skipSpace();
    if (i < n && text[i] == '}')
        return ++i, skipSpace(), i == n;
    while (true) {
        QByteArrayView key, value;
        skipSpace();
        if (!readString(key))
            return false;
        skipSpace();
        if (i >= n || text[i++] != ':')
            return false;
        skipSpace();
        if (!readString(value))
            return false;
        QString *field = key == "commandId"       ? &out.commandId
                         : key == "correlationId" ? &out.correlationId
                         : key == "causationId"   ? &out.causationId
                         : key == "actor"         ? &out.actor
                         : key == "appVersion"    ? &out.appVersion
                                                  : nullptr;
        if (!field)
            return false;
        *field = QString::fromUtf8(value);
        skipSpace();
        if (i < n && text[i] == ',') {
            ++i;
            continue;
        }
        if (i < n && text[i] == '}') {
            ++i;
            skipSpace();
            return i == n;
        }
        return false;
    }
}

QJsonObject parseObject(QByteArrayView text)
{
    return QJsonDocument::fromJson(QByteArray::fromRawData(text.data(), text.size())).object();
}

QString internedName(const QByteArray &key)
{
    constexpr qsizetype MaxNames = 4096;
    Q_CONSTINIT static QBasicMutex mutex;
    // Never destroyed: the strings handed out point into it.
    static auto *names = new QHash<QByteArray, QString>;
    const QMutexLocker lock(&mutex);
    auto it = names->constFind(key);
    if (it == names->cend()) {
        if (names->size() >= MaxNames)
            return QString::fromUtf8(key);
        it = names->insert(key, QString::fromUtf8(key));
    }
    return QString::fromRawData(it->constData(), it->size());
}

QString RowStrings::Names::find(QByteArrayView utf8)
{
    const size_t slot = slotOf(utf8);
    size_t free = table.size();
    for (size_t probe = 0; probe < table.size(); ++probe) {
        const size_t at = (slot + probe) % table.size();
        const qint16 i = table[at];
        if (i < 0) {
            free = at;
            break;
        }
        if (utf8 == QByteArrayView(known.at(i).utf8)) {
            last = i;
            return known.at(i).value;
        }
    }
    const QByteArray key = utf8.toByteArray();
    if (known.size() >= MaxKnown || free == table.size()) {  // not a log of a few names: stop looking them up
        last = -1;
        return QString::fromUtf8(key);
    }
    known.append({key, internedName(key)});
    last = known.size() - 1;
    table[free] = qint16(last);
    return known.last().value;
}

EventMetadata RowStrings::metadata(QByteArrayView json)
{
    if (json == QByteArrayView(m_metadataJson) && !m_metadataJson.isNull())
        return m_metadata;
    m_metadataJson = json.toByteArray();
    m_metadata = {};
    if (!parseFlatMetadata(json, m_metadata))
        m_metadata = EventMetadata::fromJson(parseObject(json));
    return m_metadata;
}

RecordedEvent eventFromRow(const SqliteStatement &row, RowStrings &strings, RowParts parts, bool withId)
{
    RecordedEvent e;
    e.position = row.int64(0);
    e.tenantId = strings.tenant(row.textView(1));
    e.streamType = strings.streamType(row.textView(2));
    e.streamId = strings.streamId(row.textView(3));
    e.version = row.int64(4);
    if (withId)
        e.eventId = row.text(5);
    e.type = strings.type(row.textView(6));
    e.schemaVersion = int(row.int64(7));
    if (parts == RowParts::All)
        e.payload = parseObject(row.textView(8));
    if (parts != RowParts::Bare)
        e.metadata = strings.metadata(row.textView(9));
    e.recordedAt = QDateTime::fromMSecsSinceEpoch(row.int64(10), Qt::UTC);
    if (parts == RowParts::All)
        e.hash = row.blob(11);
    return e;
}

// ---------------------------------------------------------------------------------------------
// Errors and statements

Error SqliteEventStore::Private::sqliteError(int rc, const QString &doing) const
{
    const QString detail = db ? QString::fromUtf8(sqlite3_errmsg(db)) : QString::fromUtf8(sqlite3_errstr(rc));
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return Error::failure(QStringLiteral("The store %1 is locked by another program (waited %2 ms); could not %3.")
                                  .arg(path)
                                  .arg(options.busyTimeoutMs)
                                  .arg(doing));
    case SQLITE_READONLY:
        return readOnlyError(doing);
    case SQLITE_FULL:
        return Error::failure(QStringLiteral("The disk holding the store %1 is full; could not %2.").arg(path, doing));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return Error::failure(QStringLiteral("The store %1 is damaged (%2); could not %3.").arg(path, detail, doing));
    default:
        return Error::failure(QStringLiteral("Could not %1 in the store %2: %3.").arg(doing, path, detail));
    }
}

Error SqliteEventStore::Private::readOnlyError(const QString &doing) const
{
    const QString reason = readOnlyReason.isEmpty() ? QStringLiteral("it was opened read-only") : readOnlyReason;
    return Error::failure(QStringLiteral("The store %1 cannot be written (%2); could not %3.").arg(path, reason, doing));
}

Status SqliteEventStore::Private::exec(const char *sql, const QString &doing)
{
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK)
        return fail(sqliteError(rc, doing));
    return {};
}

SqliteStatement *SqliteEventStore::Private::statement(Sql which, Error *error)
{
    SqliteStatement &s = statements[static_cast<size_t>(which)];
    if (!s.isValid()) {
        const int rc = s.prepare(db, sqlText(which), true);
        if (rc != SQLITE_OK) {
            *error = sqliteError(rc, QStringLiteral("prepare a query"));
            return nullptr;
        }
    }
    return &s;
}

QSqlDatabase SqliteEventStore::Private::connection() const
{
    return QSqlDatabase::database(connectionName, false);
}

Status SqliteEventStore::Private::begin(const QString &doing)
{
    if (inTransaction) {
        return fail(Error::failure(
            QStringLiteral("Could not %1 in the store %2: a transaction is already running on this connection.")
                .arg(doing, path)));
    }
    if (Status s = exec("BEGIN IMMEDIATE", doing); !s)
        return s;
    inTransaction = true;
    return {};
}

Status SqliteEventStore::Private::commit(const QString &doing)
{
    const int rc = sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        const Error e = sqliteError(rc, doing);
        rollback();
        return fail(e);
    }
    inTransaction = false;
    return {};
}

void SqliteEventStore::Private::rollback()
{
    // Reset every cached statement first: a pending one would keep the rollback from finishing.
    for (SqliteStatement &s : statements)
        s.reset();
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    inTransaction = false;
}

// ---------------------------------------------------------------------------------------------
// Opening

Status SqliteEventStore::Private::openConnection(bool readOnlyConnection, bool immutable)
{
    connectionName = QStringLiteral("billstream-es-%1").arg(connectionCounter.fetch_add(1) + 1);
    QSqlDatabase qdb = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connectionName);
    // URI file names on every connection, whatever SQLite's build defaults to: the book as of a
    // time attaches a shared in-memory database by one (SharedBookTables). The store's own path
    // is absolute, so it never reads as a URI.
    QStringList connectOptions{QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(options.busyTimeoutMs),
                               QStringLiteral("QSQLITE_OPEN_URI")};
    if (readOnlyConnection)
        connectOptions << QStringLiteral("QSQLITE_OPEN_READONLY");
    if (immutable) {
        // A folder we cannot write to cannot hold the -shm file that WAL readers need; an
        // immutable open reads the file without locks or shared memory.
        qdb.setDatabaseName(QUrl::fromLocalFile(path).toString(QUrl::FullyEncoded) + QStringLiteral("?immutable=1"));
    } else {
        qdb.setDatabaseName(path);
    }
    qdb.setConnectOptions(connectOptions.join(QLatin1Char(';')));
    if (!qdb.open()) {
        const QString why = qdb.lastError().text();
        closeConnection();
        return fail(Error::failure(QStringLiteral("Could not open the store %1: %2.").arg(path, why)));
    }
    const QVariant handle = qdb.driver()->handle();
    if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
        db = *static_cast<sqlite3 *const *>(handle.constData());
    if (!db) {
        closeConnection();
        return fail(Error::failure(
            QStringLiteral("Could not open the store %1: Qt's SQLite driver gave no database handle.").arg(path)));
    }
    return {};
}

void SqliteEventStore::Private::closeConnection()
{
    for (SqliteStatement &s : statements)
        s = SqliteStatement();
    db = nullptr;
    if (connectionName.isEmpty())
        return;
    {
        QSqlDatabase qdb = QSqlDatabase::database(connectionName, false);
        if (qdb.isOpen())
            qdb.close();
    }
    QSqlDatabase::removeDatabase(connectionName);
    connectionName.clear();
}

Status SqliteEventStore::Private::applyConnectionPragmas(bool writable)
{
    const QString doing = QStringLiteral("configure the connection");
    const QByteArray busy = "PRAGMA busy_timeout = " + QByteArray::number(options.busyTimeoutMs);
    if (Status s = exec(busy.constData(), doing); !s)
        return s;
    // 32 MiB of page cache: the import path inserts into indexes keyed by random ids, which
    // thrash SQLite's 2 MiB default (BENCHMARKS.md); the cache only grows as pages are used.
    if (Status s = exec("PRAGMA cache_size = -32768", doing); !s)
        return s;
    if (Status s = exec("PRAGMA foreign_keys = ON", doing); !s)
        return s;
    if (!writable)
        return {};
    SqliteStatement mode;
    int rc = mode.prepare(db, "PRAGMA journal_mode = WAL");
    if (rc == SQLITE_OK)
        rc = mode.step();
    if (rc != SQLITE_ROW)
        return fail(sqliteError(rc, QStringLiteral("switch to write-ahead logging")));
    if (mode.text(0).compare(QStringLiteral("wal"), Qt::CaseInsensitive) != 0) {
        return fail(Error::failure(
            QStringLiteral("The store %1 cannot use write-ahead logging (journal mode is %2).").arg(path, mode.text(0))));
    }
    // Durable when append returns (QUALITY.md): every commit is synced to disk.
    return exec("PRAGMA synchronous = FULL", doing);
}

// Reads the format marks through SQLite (the header may lag behind the WAL) and checks the file.
Status SqliteEventStore::Private::checkFormat(bool forWriting, bool *needsSchema)
{
    *needsSchema = false;
    const auto readInt = [this](const char *sql, qint64 *value) -> int {
        SqliteStatement s;
        int rc = s.prepare(db, sql);
        if (rc != SQLITE_OK)
            return rc;
        rc = s.step();
        if (rc != SQLITE_ROW)
            return rc;
        *value = s.int64(0);
        return SQLITE_OK;
    };
    const auto readError = [this](int rc) {
        if ((rc & 0xff) == SQLITE_NOTADB) {
            return Error::failure(
                QStringLiteral("The file %1 is not a Billstream store: it is not an SQLite database.").arg(path));
        }
        return sqliteError(rc, QStringLiteral("read the store's format"));
    };
    qint64 applicationId = 0;
    qint64 userVersion = 0;
    qint64 objects = 0;
    int rc = readInt("PRAGMA application_id", &applicationId);
    if (rc == SQLITE_OK)
        rc = readInt("PRAGMA user_version", &userVersion);
    if (rc == SQLITE_OK)
        rc = readInt("SELECT count(*) FROM sqlite_schema", &objects);
    if (rc != SQLITE_OK)
        return fail(readError(rc));

    if (applicationId != 0 && applicationId != ApplicationId) {
        return fail(Error::failure(QStringLiteral("The file %1 is not a Billstream store: it is an SQLite database of "
                                                  "another program (application id %2).")
                                       .arg(path, hexId(quint32(applicationId)))));
    }
    if (applicationId == 0 && objects > 0) {
        return fail(Error::failure(
            QStringLiteral("The file %1 is not a Billstream store: it is an SQLite database without Billstream's mark.")
                .arg(path)));
    }
    if (userVersion > FormatVersion) {
        return fail(Error::failure(QStringLiteral("The store %1 has format version %2, newer than this program's %3: "
                                                  "update Billstream to open it.")
                                       .arg(path)
                                       .arg(userVersion)
                                       .arg(FormatVersion)));
    }
    if (applicationId == 0 || userVersion < FormatVersion) {
        if (!forWriting) {
            const QString why = applicationId == 0
                ? QStringLiteral("it is an empty SQLite database, not yet a Billstream store")
                : QStringLiteral("its format version %1 must first be upgraded to %2 by opening it for writing")
                      .arg(userVersion)
                      .arg(FormatVersion);
            return fail(Error::failure(QStringLiteral("The store %1 cannot be read: %2.").arg(path, why)));
        }
        *needsSchema = true;
    }

    if (options.quickCheckOnOpen && objects > 0 && QFileInfo(path).size() <= options.quickCheckMaxBytes) {
        SqliteStatement check;
        rc = check.prepare(db, "PRAGMA quick_check(5)");
        QStringList findings;
        while (rc == SQLITE_OK || rc == SQLITE_ROW) {
            rc = check.step();
            if (rc == SQLITE_ROW)
                findings << check.text(0);
        }
        if (rc != SQLITE_DONE) {
            return fail(Error::failure(QStringLiteral("The store %1 is damaged: %2.")
                                           .arg(path, QString::fromUtf8(sqlite3_errmsg(db)))));
        }
        if (findings != QStringList{QStringLiteral("ok")}) {
            return fail(Error::failure(
                QStringLiteral("The store %1 is damaged: %2.").arg(path, findings.join(QStringLiteral("; ")))));
        }
    }
    return {};
}

Status SqliteEventStore::Private::migrate(int fromVersion)
{
    const QString doing = QStringLiteral("create the store's tables");
    switch (fromVersion) {
    case 0: {
        for (const char *sql : SchemaV1) {
            if (Status s = exec(sql, doing); !s)
                return s;
        }
        SqliteStatement meta;
        int rc = meta.prepare(db, "INSERT INTO meta (key, value) VALUES ('store_id', ?1), ('created_at', ?2)");
        if (rc == SQLITE_OK) {
            meta.bind(1, QUuid::createUuid().toString(QUuid::WithoutBraces));
            meta.bind(2, formatTimestamp(QDateTime::currentDateTimeUtc()));
            rc = meta.step();
        }
        if (rc != SQLITE_DONE)
            return fail(sqliteError(rc, doing));
        [[fallthrough]];
    }
    case FormatVersion:
        // Later formats add their steps above this line, each falling through to the next.
        break;
    default:
        return fail(Error::failure(
            QStringLiteral("The store %1 has format version %2, which this program cannot upgrade.").arg(path).arg(fromVersion)));
    }
    const QByteArray marks = "PRAGMA application_id = " + QByteArray::number(ApplicationId)
        + "; PRAGMA user_version = " + QByteArray::number(FormatVersion);
    return exec(marks.constData(), doing);
}

// Schema creation and upgrades run in one write transaction, re-reading the marks under the
// lock: two programs opening a new store at once must not both create it.
Status SqliteEventStore::Private::initialiseOrMigrate()
{
    const QString doing = QStringLiteral("create or upgrade the store's tables");
    if (Status s = begin(doing); !s)
        return s;
    qint64 applicationId = 0;
    qint64 userVersion = 0;
    {
        SqliteStatement s;
        int rc = s.prepare(db, "SELECT (SELECT application_id FROM pragma_application_id),"
                               " (SELECT user_version FROM pragma_user_version)");
        if (rc == SQLITE_OK)
            rc = s.step();
        if (rc != SQLITE_ROW) {
            const Error e = sqliteError(rc, doing);
            rollback();
            return fail(e);
        }
        applicationId = s.int64(0);
        userVersion = s.int64(1);
    }
    if ((applicationId != 0 && applicationId != ApplicationId) || userVersion > FormatVersion) {
        rollback();
        return fail(Error::failure(
            QStringLiteral("The store %1 was changed by another program while opening; it is not a store of this "
                           "Billstream version.").arg(path)));
    }
    if (applicationId == ApplicationId && userVersion == FormatVersion) {
        rollback();
        return {};
    }
    if (Status s = migrate(applicationId == 0 ? 0 : int(userVersion)); !s) {
        rollback();
        return s;
    }
    return commit(doing);
}

// SQLite gives -wal and -shm the store file's mode; this only repairs companions created by
// an older program under a looser umask.
void SqliteEventStore::Private::tightenCompanionModes() const
{
    struct stat main{};
    if (::stat(QFile::encodeName(path).constData(), &main) != 0 || (main.st_mode & 077) != 0)
        return;
    for (const char *suffix : {"-wal", "-shm"}) {
        const QByteArray companion = QFile::encodeName(path) + suffix;
        struct stat st{};
        if (::stat(companion.constData(), &st) == 0 && (st.st_mode & 077) != 0 && st.st_uid == ::geteuid())
            ::chmod(companion.constData(), 0600);
    }
}

Status SqliteEventStore::Private::open()
{
    const QByteArray nativePath = QFile::encodeName(path);
    QFileInfo info(path);
    if (info.exists() && info.isDir())
        return fail(Error::failure(QStringLiteral("The store path %1 is a folder, not a store file.").arg(path)));
    bool created = false;
    if (!info.exists()) {
        if (options.readOnly || !options.createIfMissing)
            return fail(Error::notFound(QStringLiteral("The store file %1 does not exist.").arg(path)));
        if (!QDir().mkpath(info.absolutePath())) {
            return fail(Error::failure(
                QStringLiteral("Could not create the folder %1 for the store %2.").arg(info.absolutePath(), path)));
        }
        // Owner-only from the first byte (QUALITY.md): Qt cannot pass a mode to SQLite, and
        // SQLite gives the -wal and -shm files the mode of the store file.
        const int fd = ::open(nativePath.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST) {
            return fail(Error::failure(QStringLiteral("Could not create the store file %1: %2.")
                                           .arg(path, QString::fromLocal8Bit(std::strerror(errno)))));
        }
        if (fd >= 0) {
            ::close(fd);
            created = true;
        }
        info.refresh();
    }

    const qint64 size = info.size();
    const bool walPresent = QFileInfo::exists(path + QStringLiteral("-wal"));
    const QString folder = info.absolutePath();
    const bool folderWritable = writableByUs(folder);
    const bool fileWritable = writableByUs(path);
    if (!options.readOnly && (!fileWritable || !folderWritable)) {
        readOnlyReason = !fileWritable ? QStringLiteral("the file is read-only")
                                       : QStringLiteral("its folder %1 is read-only").arg(folder);
    }
    const bool writing = !options.readOnly && readOnlyReason.isEmpty();

    bool needsSchema = true;
    if (size > 0) {
        const bool openHere = openRegistry.contains(QFileInfo(path).canonicalFilePath());
        if (!openHere) {
            if (std::optional<Error> e = inspectHeader(path, size, walPresent))
                return fail(*e);
        }
        // Look first through a read-only connection: a file that is not ours is never opened
        // for writing, so even SQLite's checkpoint-on-close cannot touch it.
        Status opened = openConnection(true, false);
        Status checked = opened ? checkFormat(writing, &needsSchema) : opened;
        if (!checked && !walPresent && !folderWritable) {
            // No -shm can be created in a read-only folder; without a WAL the file is complete.
            closeConnection();
            opened = openConnection(true, true);
            checked = opened ? checkFormat(false, &needsSchema) : opened;
        }
        if (!checked) {
            closeConnection();
            return checked;
        }
        if (!writing) {
            readOnly = true;
            return applyConnectionPragmas(false);
        }
        closeConnection();
    } else if (!writing) {
        return fail(Error::failure(
            QStringLiteral("The store %1 cannot be read: the file is empty, not yet a Billstream store.").arg(path)));
    }

    if (Status s = openConnection(false, false); !s)
        return s;
    if (Status s = applyConnectionPragmas(true); !s) {
        closeConnection();
        return s;
    }
    // A current store needs no write to open, so opening works while another program writes.
    if (needsSchema) {
        if (Status s = initialiseOrMigrate(); !s) {
            closeConnection();
            return s;
        }
    }
    if (created)
        tightenCompanionModes();
    canonicalPath = QFileInfo(path).canonicalFilePath();
    return {};
}

// ---------------------------------------------------------------------------------------------
// SqliteEventStore: lifetime

SqliteEventStore::SqliteEventStore()
    : d(std::make_unique<Private>())
{
    d->q = this;
}

SqliteEventStore::~SqliteEventStore()
{
    if (d->db && d->inTransaction)
        d->rollback();
    d->closeConnection();
    d->closeAnchor();
    if (!d->registeredPath.isEmpty()) {
        const QMutexLocker locker(&openRegistryMutex);
        if (--openRegistry[d->registeredPath] <= 0)
            openRegistry.remove(d->registeredPath);
    }
}

Result<std::unique_ptr<SqliteEventStore>> SqliteEventStore::open(const QString &path, const StoreOptions &options)
{
    if (path.isEmpty())
        return fail(Error::usage(QStringLiteral("No store file was given.")));
    std::unique_ptr<SqliteEventStore> store(new SqliteEventStore());
    store->d->path = QFileInfo(path).absoluteFilePath();
    store->d->options = options;
    if (store->d->options.busyTimeoutMs < 0)
        store->d->options.busyTimeoutMs = 0;
    const QMutexLocker locker(&openRegistryMutex);
    if (Status s = store->d->open(); !s)
        return fail(s.error());
    if (store->d->canonicalPath.isEmpty())
        store->d->canonicalPath = QFileInfo(store->d->path).canonicalFilePath();
    store->d->registeredPath = store->d->canonicalPath;
    ++openRegistry[store->d->registeredPath];
    return store;
}

QString SqliteEventStore::path() const
{
    return d->path;
}

bool SqliteEventStore::isReadOnly() const
{
    return d->readOnly;
}

QSqlDatabase SqliteEventStore::database() const
{
    return d->connection();
}

} // namespace Billstream
