#include "core/es/sqlitestatement.h"

#include <sqlite3.h>

#include <utility>

namespace Billstream {

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_stmt);
}

SqliteStatement::SqliteStatement(SqliteStatement &&other) noexcept
    : m_stmt(std::exchange(other.m_stmt, nullptr))
{
}

SqliteStatement &SqliteStatement::operator=(SqliteStatement &&other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_stmt = std::exchange(other.m_stmt, nullptr);
    }
    return *this;
}

int SqliteStatement::prepare(sqlite3 *db, const char *sql, bool persistent)
{
    sqlite3_finalize(m_stmt);
    m_stmt = nullptr;
    return sqlite3_prepare_v3(db, sql, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0, &m_stmt, nullptr);
}

void SqliteStatement::bind(int index, qint64 value)
{
    sqlite3_bind_int64(m_stmt, index, value);
}

int bindUtf16AsUtf8(sqlite3_stmt *stmt, int index, QStringView text)
{
    constexpr qsizetype Short = 256;
    if (text.size() <= Short) {
        char ascii[Short];
        const char16_t *units = text.utf16();
        qsizetype n = 0;
        while (n < text.size() && units[n] < 0x80) {
            ascii[n] = char(units[n]);
            ++n;
        }
        if (n == text.size())
            return sqlite3_bind_text64(stmt, index, ascii, sqlite3_uint64(n), SQLITE_TRANSIENT, SQLITE_UTF8);
    }
    const QByteArray utf8 = text.toUtf8();
    // A null QByteArray would bind SQL NULL; text binds '' at least.
    return sqlite3_bind_text64(stmt, index, utf8.constData() ? utf8.constData() : "", sqlite3_uint64(utf8.size()),
                               SQLITE_TRANSIENT, SQLITE_UTF8);
}

void SqliteStatement::bind(int index, const QString &value)
{
    bindUtf16AsUtf8(m_stmt, index, value);
}

void SqliteStatement::bindText(int index, const QByteArray &utf8)
{
    // A null QByteArray would bind SQL NULL; the columns we bind text to are NOT NULL.
    sqlite3_bind_text64(m_stmt, index, utf8.constData() ? utf8.constData() : "", sqlite3_uint64(utf8.size()),
                        SQLITE_TRANSIENT, SQLITE_UTF8);
}

void SqliteStatement::bindBlob(int index, const QByteArray &bytes)
{
    sqlite3_bind_blob64(m_stmt, index, bytes.constData() ? bytes.constData() : "", sqlite3_uint64(bytes.size()),
                        SQLITE_TRANSIENT);
}

void SqliteStatement::bindNull(int index)
{
    sqlite3_bind_null(m_stmt, index);
}

int SqliteStatement::step()
{
    return sqlite3_step(m_stmt);
}

void SqliteStatement::reset()
{
    if (m_stmt) {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
}

bool SqliteStatement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

qint64 SqliteStatement::int64(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

QString SqliteStatement::text(int column) const
{
    const QByteArrayView v = textView(column);
    return QString::fromUtf8(v.data(), v.size());
}

QByteArrayView SqliteStatement::textView(int column) const
{
    const auto *data = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    const int size = sqlite3_column_bytes(m_stmt, column);
    return data ? QByteArrayView(data, size) : QByteArrayView();
}

QByteArray SqliteStatement::blob(int column) const
{
    const auto *data = static_cast<const char *>(sqlite3_column_blob(m_stmt, column));
    const int size = sqlite3_column_bytes(m_stmt, column);
    return data ? QByteArray(data, size) : QByteArray();
}

} // namespace Billstream
