#include "core/projections/sqlaccess.h"

#include "core/es/sqlitestatement.h"

#include <QSqlDriver>
#include <QSqlError>

#include <sqlite3.h>

#include <limits>

namespace Billstream::ReadSql {

sqlite3 *handleOf(const QSqlDatabase &db)
{
    if (!db.isValid() || !db.driver())
        return nullptr;
    const QVariant handle = db.driver()->handle();
    if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
        return *static_cast<sqlite3 *const *>(handle.constData());
    return nullptr;
}

Error sqlError(sqlite3 *db, int rc, const QString &doing)
{
    const QString detail = db ? QString::fromUtf8(sqlite3_errmsg(db)) : QString::fromUtf8(sqlite3_errstr(rc));
    return Error::failure(QStringLiteral("Could not %1: %2.").arg(doing, detail));
}

Status exec(sqlite3 *db, const char *sql, const QString &doing)
{
    if (!db)
        return fail(Error::failure(QStringLiteral("Could not %1: no database connection.").arg(doing)));
    char *message = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        const QString detail = message ? QString::fromUtf8(message) : QString::fromUtf8(sqlite3_errstr(rc));
        sqlite3_free(message);
        return fail(Error::failure(QStringLiteral("Could not %1: %2.").arg(doing, detail)));
    }
    return {};
}

void Stmt::bind(int index, qint64 value)
{
    sqlite3_bind_int64(m_s, index, value);
}

void Stmt::bind(int index, const QString &value)
{
    bindUtf16AsUtf8(m_s, index, value);
}

void Stmt::bindUtf8(int index, QByteArrayView utf8)
{
    sqlite3_bind_text64(m_s, index, utf8.data() ? utf8.data() : "", sqlite3_uint64(utf8.size()), SQLITE_TRANSIENT,
                        SQLITE_UTF8);
}

void Stmt::bindNull(int index)
{
    sqlite3_bind_null(m_s, index);
}

void Stmt::bindDate(int index, const QDate &date)
{
    const int y = date.year();
    if (!date.isValid() || y < 0 || y > 9999) {
        if (date.isValid())
            bind(index, date.toString(Qt::ISODate));
        else
            bindNull(index);
        return;
    }
    // ISO 8601 by hand: QDate::toString formats through a locale-aware printf.
    const int m = date.month();
    const int d = date.day();
    const char text[10] = {char('0' + y / 1000),     char('0' + y / 100 % 10), char('0' + y / 10 % 10),
                           char('0' + y % 10),       '-',                      char('0' + m / 10),
                           char('0' + m % 10),       '-',                      char('0' + d / 10),
                           char('0' + d % 10)};
    sqlite3_bind_text(m_s, index, text, 10, SQLITE_TRANSIENT);
}

void Stmt::bindAmount(int index, Int128 minorUnits)
{
    if (minorUnits >= std::numeric_limits<qint64>::min() && minorUnits <= std::numeric_limits<qint64>::max()) {
        bind(index, qint64(minorUnits));
        return;
    }
    // Beyond 64 bits: exact decimal text (Decimal prints any 38-digit mantissa).
    const std::optional<Decimal> d = Decimal::fromMantissa(minorUnits, 0);
    bind(index, d ? d->toString() : QStringLiteral("0"));
}

int Stmt::step()
{
    return sqlite3_step(m_s);
}

void Stmt::reset()
{
    if (m_s) {
        sqlite3_reset(m_s);
        sqlite3_clear_bindings(m_s);
    }
}

bool Stmt::isNull(int column) const
{
    return sqlite3_column_type(m_s, column) == SQLITE_NULL;
}

qint64 Stmt::int64(int column) const
{
    return sqlite3_column_int64(m_s, column);
}

QString Stmt::text(int column) const
{
    const QByteArrayView v = textView(column);
    return QString::fromUtf8(v.data(), v.size());
}

QByteArrayView Stmt::textView(int column) const
{
    const auto *data = reinterpret_cast<const char *>(sqlite3_column_text(m_s, column));
    const int size = sqlite3_column_bytes(m_s, column);
    return data ? QByteArrayView(data, size) : QByteArrayView();
}

QDate Stmt::date(int column) const
{
    if (isNull(column))
        return {};
    return QDate::fromString(text(column), Qt::ISODate);
}

Int128 Stmt::amount(int column) const
{
    switch (sqlite3_column_type(m_s, column)) {
    case SQLITE_INTEGER:
        return sqlite3_column_int64(m_s, column);
    case SQLITE_TEXT: {
        const Result<Decimal> d = Decimal::parse(text(column), QString(), 0);
        return d ? d->mantissa() : Int128(0);
    }
    default:
        return 0;
    }
}

int Stmt::columnCount() const
{
    return sqlite3_column_count(m_s);
}

StatementCache::StatementCache() = default;

StatementCache::~StatementCache()
{
    clear();
}

void StatementCache::clear()
{
    for (const Entry &e : m_entries)
        sqlite3_finalize(e.stmt);
    const bool hadStatements = !m_entries.empty();
    m_entries.clear();
    if (hadStatements && m_db && !m_connection.isEmpty()
        && (!QSqlDatabase::contains(m_connection) || !QSqlDatabase::database(m_connection, false).isOpen())) {
        // Qt's sqlite3_close() failed on our statements (SQLITE_BUSY leaves the connection
        // open and Qt forgot it): close it now that they are gone.
        sqlite3_close(m_db);
    }
    m_connection.clear();
    m_db = nullptr;
}

Result<Stmt> StatementCache::get(const QSqlDatabase &db, const char *sql)
{
    sqlite3 *handle = handleOf(db);
    if (!handle)
        return fail(Error::failure(QStringLiteral("The read side needs an open SQLite connection.")));
    if (handle != m_db || db.connectionName() != m_connection) {
        clear();
        m_db = handle;
        m_connection = db.connectionName();
    }
    for (const Entry &e : m_entries) {
        if (e.sql == sql)
            return Stmt(e.stmt);
    }
    sqlite3_stmt *stmt = nullptr;
    const int rc = sqlite3_prepare_v3(handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return fail(sqlError(handle, rc, QStringLiteral("prepare a read-side query")));
    }
    m_entries.push_back(Entry{sql, stmt});
    return Stmt(stmt);
}

Result<int> run(Stmt &s, sqlite3 *db, const char *doing)
{
    ResetGuard guard(s);
    int rc = s.step();
    while (rc == SQLITE_ROW)
        rc = s.step();
    if (rc != SQLITE_DONE)
        return fail(sqlError(db, rc, QString::fromUtf8(doing)));
    return sqlite3_changes(db);
}

Result<int> run(Stmt &s, sqlite3 *db, const QString &doing)
{
    ResetGuard guard(s);
    int rc = s.step();
    while (rc == SQLITE_ROW)
        rc = s.step();
    if (rc != SQLITE_DONE)
        return fail(sqlError(db, rc, doing));
    return sqlite3_changes(db);
}

} // namespace Billstream::ReadSql
