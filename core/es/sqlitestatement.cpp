#include "core/es/sqlitestatement.h"

#include <sqlite3.h>

#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

namespace {

// Copies UTF-16 code units to bytes as long as they are ASCII: false at the first that is not.
// Ids, codes and dates are ASCII, and half a million rows of them are bound in a rebuild.
bool narrowAscii(const char16_t *in, qsizetype n, char *out)
{
    qsizetype i = 0;
#if defined(__SSE2__)
    const __m128i high = _mm_set1_epi16(short(0xff80));
    const __m128i zero = _mm_setzero_si128();
    for (; i + 16 <= n; i += 16) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i *>(in + i));
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i *>(in + i + 8));
        const __m128i outside = _mm_and_si128(_mm_or_si128(a, b), high);
        if (_mm_movemask_epi8(_mm_cmpeq_epi16(outside, zero)) != 0xffff)
            return false;
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out + i), _mm_packus_epi16(a, b));
    }
#endif
    for (; i < n; ++i) {
        if (in[i] >= 0x80)
            return false;
        out[i] = char(in[i]);
    }
    return true;
}

} // namespace

int bindUtf16AsUtf8(sqlite3_stmt *stmt, int index, QStringView text)
{
    constexpr qsizetype Short = 256;
    if (text.size() <= Short) {
        char ascii[Short];
        if (narrowAscii(text.utf16(), text.size(), ascii))
            return sqlite3_bind_text64(stmt, index, ascii, sqlite3_uint64(text.size()), SQLITE_TRANSIENT,
                                       SQLITE_UTF8);
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
