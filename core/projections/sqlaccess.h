#pragma once

#include "core/domain/decimal.h"
#include "core/es/result.h"

#include <QByteArrayView>
#include <QDate>
#include <QSqlDatabase>
#include <QString>

#include <memory>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace Billstream::ReadSql {

// The read side talks to SQLite through the C API on the store's own connection: Qt SQL's
// per-cell QVariant cost would dominate rebuilds of millions of events (the kernel does the same).

// The sqlite3 handle behind a Qt SQL connection (QSQLITE), or nullptr.
sqlite3 *handleOf(const QSqlDatabase &db);

// An error naming what we were doing and SQLite's message.
Error sqlError(sqlite3 *db, int rc, const QString &doing);
// Runs SQL text without results (DDL, pragmas); may hold several statements.
Status exec(sqlite3 *db, const char *sql, const QString &doing);

// A non-owning view of a prepared statement: bind, step, read. Parameters are 1-based and
// columns 0-based, as in SQLite.
class Stmt final
{
public:
    Stmt() = default;
    explicit Stmt(sqlite3_stmt *s) : m_s(s) {}
    bool isValid() const { return m_s != nullptr; }
    sqlite3_stmt *handle() const { return m_s; }

    void bind(int index, qint64 value);
    void bind(int index, int value) { bind(index, qint64(value)); }
    void bind(int index, const QString &value);      // a null QString binds ''
    void bindUtf8(int index, QByteArrayView utf8);
    void bindNull(int index);
    void bindDate(int index, const QDate &date);     // ISO text or NULL
    // Amounts are exact: 64-bit integers when they fit (always, short of 9.2e18 minor units),
    // else decimal text, in columns declared without affinity so SQLite keeps either as given.
    void bindAmount(int index, Int128 minorUnits);

    int step();                    // SQLITE_ROW, SQLITE_DONE or an error
    void reset();                  // bindings cleared, ready for the next use

    bool isNull(int column) const;
    qint64 int64(int column) const;
    QString text(int column) const;
    QByteArrayView textView(int column) const;
    QDate date(int column) const;
    Int128 amount(int column) const;
    int columnCount() const;

private:
    sqlite3_stmt *m_s = nullptr;
};

// Resets a statement when leaving a scope, so no read stays open by accident (an unfinished
// statement pins a WAL snapshot and keeps a rollback from finishing).
class ResetGuard final
{
public:
    explicit ResetGuard(Stmt &s) : m_s(s) {}
    ~ResetGuard() { m_s.reset(); }
    ResetGuard(const ResetGuard &) = delete;
    ResetGuard &operator=(const ResetGuard &) = delete;

private:
    Stmt &m_s;
};

// Prepared statements kept for one connection (the store's), prepared and stepped through the
// C API. Qt closes the connection with sqlite3_close(), which leaves a connection that still has
// statements open (SQLITE_BUSY) and forgets it: so when the cache finds, on clearing, that Qt has
// let go of the connection meanwhile, it finalizes its statements and closes the file itself.
class StatementCache final
{
public:
    StatementCache();
    ~StatementCache();
    StatementCache(const StatementCache &) = delete;
    StatementCache &operator=(const StatementCache &) = delete;

    // The statement for `sql` (a string literal: its address is the key) on `db`; a cache used
    // with another connection starts over.
    Result<Stmt> get(const QSqlDatabase &db, const char *sql);
    void clear();

private:
    struct Entry
    {
        const char *sql;
        sqlite3_stmt *stmt;
    };
    QString m_connection;
    sqlite3 *m_db = nullptr;
    std::vector<Entry> m_entries;
};

// Runs one statement with bound values to completion (an INSERT/UPDATE/DELETE); returns the
// number of rows it changed. `doing` (a literal) names the work in the error message only.
Result<int> run(Stmt &s, sqlite3 *db, const char *doing);
Result<int> run(Stmt &s, sqlite3 *db, const QString &doing);

} // namespace Billstream::ReadSql
