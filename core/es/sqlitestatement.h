#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

struct sqlite3;
struct sqlite3_stmt;

namespace Billstream {

// Binds text as UTF-8 (what the stores are encoded in). Short ASCII text, which is most of what
// is bound (ids, dates, codes, statuses), is handed over without a temporary QByteArray.
int bindUtf16AsUtf8(sqlite3_stmt *stmt, int index, QStringView text);

// A prepared statement of the sqlite3 C API, finalized on destruction. The store uses it where
// Qt SQL's per-cell QVariant cost dominates (stream reads, log scans, appends); values are
// always bound, never spliced into SQL text.
class SqliteStatement final
{
public:
    SqliteStatement() = default;
    ~SqliteStatement();
    SqliteStatement(SqliteStatement &&other) noexcept;
    SqliteStatement &operator=(SqliteStatement &&other) noexcept;
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;

    // Returns an SQLite result code; `persistent` hints that the statement is reused many times.
    int prepare(sqlite3 *db, const char *sql, bool persistent = false);
    bool isValid() const { return m_stmt != nullptr; }
    sqlite3_stmt *handle() const { return m_stmt; }

    // Parameters are 1-based, as in SQLite.
    void bind(int index, qint64 value);
    void bind(int index, const QString &value);
    void bindText(int index, const QByteArray &utf8);
    void bindBlob(int index, const QByteArray &bytes);
    void bindNull(int index);

    // SQLITE_ROW, SQLITE_DONE or an error code.
    int step();
    // Ready for the next use: bindings cleared, read transaction released.
    void reset();

    // Columns are 0-based.
    bool isNull(int column) const;
    qint64 int64(int column) const;
    QString text(int column) const;
    // Valid until the next step or reset.
    QByteArrayView textView(int column) const;
    QByteArray blob(int column) const;

private:
    sqlite3_stmt *m_stmt = nullptr;
};

// Resets a (cached) statement when leaving a scope, so no read transaction stays open by accident:
// a statement left mid-result would pin an old WAL snapshot and break the next BEGIN IMMEDIATE.
class StatementReset final
{
public:
    explicit StatementReset(SqliteStatement &statement) : m_statement(statement) {}
    ~StatementReset() { m_statement.reset(); }
    StatementReset(const StatementReset &) = delete;
    StatementReset &operator=(const StatementReset &) = delete;

private:
    SqliteStatement &m_statement;
};

} // namespace Billstream
