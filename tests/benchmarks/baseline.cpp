#include "baseline.h"

#include <QByteArray>

#include <cstdio>
#include <cstdlib>

namespace Bench {

namespace {
void check(int rc, sqlite3 *db, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        std::fprintf(stderr, "bare sqlite: %s: %s\n", what, sqlite3_errmsg(db));
        std::abort();
    }
}
} // namespace

BareStore::BareStore(const QString &path)
{
    check(sqlite3_open(path.toUtf8().constData(), &m_db), m_db, "open");
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    exec("PRAGMA cache_size=-65536");
    exec("CREATE TABLE IF NOT EXISTS events(position INTEGER PRIMARY KEY, tenant TEXT NOT NULL, "
         "stream_type TEXT NOT NULL, stream_id TEXT NOT NULL, version INTEGER NOT NULL, event_id TEXT NOT NULL UNIQUE, "
         "type TEXT NOT NULL, schema_version INTEGER NOT NULL, payload TEXT NOT NULL, metadata TEXT NOT NULL, "
         "recorded_at INTEGER NOT NULL, hash BLOB NOT NULL, UNIQUE(tenant, stream_id, version))");
    check(sqlite3_prepare_v3(m_db,
                             "INSERT INTO events(position, tenant, stream_type, stream_id, version, event_id, type, "
                             "schema_version, payload, metadata, recorded_at, hash) "
                             "VALUES(?, 'default', 'invoice', ?, ?, ?, 'LineItemAdded', 1, ?, ?, ?, ?)",
                             -1, SQLITE_PREPARE_PERSISTENT, &m_insert, nullptr),
          m_db, "prepare");
}

BareStore::~BareStore()
{
    sqlite3_finalize(m_insert);
    sqlite3_close(m_db);
}

void BareStore::exec(const char *sql)
{
    check(sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr), m_db, sql);
}

void BareStore::insert(qint64 position, const QByteArray &streamId, qint64 version, const QByteArray &eventId,
                       const QByteArray &payload, qint64 recordedAt)
{
    static const QByteArray metadata = QByteArrayLiteral(R"({"commandId":"c","actor":"bench","appVersion":"0.1.0"})");
    static const QByteArray hash(32, '\x5a');
    sqlite3_bind_int64(m_insert, 1, position);
    sqlite3_bind_text(m_insert, 2, streamId.constData(), int(streamId.size()), SQLITE_STATIC);
    sqlite3_bind_int64(m_insert, 3, version);
    sqlite3_bind_text(m_insert, 4, eventId.constData(), int(eventId.size()), SQLITE_STATIC);
    sqlite3_bind_text(m_insert, 5, payload.constData(), int(payload.size()), SQLITE_STATIC);
    sqlite3_bind_text(m_insert, 6, metadata.constData(), int(metadata.size()), SQLITE_STATIC);
    sqlite3_bind_int64(m_insert, 7, recordedAt);
    sqlite3_bind_blob(m_insert, 8, hash.constData(), int(hash.size()), SQLITE_STATIC);
    check(sqlite3_step(m_insert), m_db, "insert");
    sqlite3_reset(m_insert);
}

} // namespace Bench
