#pragma once

#include <QHash>
#include <QString>
#include <QStringView>

#include <utility>

namespace Billstream {

// Where a bulk replay keeps each stream's row: a position in its list of rows, by tenant and
// stream id. Looked up once per run of a stream's events, a million times in a rebuild of the
// demo store; keyed by the strings, each lookup hashed 36 characters and compared them with
// a key read back from memory long cold (a tenth of the folding thread). Stream ids as
// Billstream makes them (newUuid(): a UUID in lower-case text) are held as their 128 bits
// beside a number per tenant; any other id by its text. Not thread-safe; one per projection.
class StreamIndex
{
public:
    // The row of the stream, or -1.
    qsizetype value(const QString &tenant, const QString &streamId);
    void insert(const QString &tenant, const QString &streamId, qsizetype row);
    void clear();
    qsizetype size() const { return m_byUuid.size() + m_byText.size(); }
    void swap(StreamIndex &other) noexcept;

    // The 128 bits of a UUID written as 8-4-4-4-12 lower-case hex digits; false for any other
    // text (upper-case digits too: ids are compared as written).
    static bool parseUuid(QStringView text, quint64 &high, quint64 &low);

private:
    struct UuidKey
    {
        int tenant = 0;
        quint64 high = 0;
        quint64 low = 0;
        friend bool operator==(const UuidKey &, const UuidKey &) = default;
        friend size_t qHash(const UuidKey &k, size_t seed) { return qHashMulti(seed, k.tenant, k.high, k.low); }
    };
    // The tenant's number (-1 when it has none and `add` is false).
    int tenantNumber(const QString &tenant, bool add);

    QHash<UuidKey, qsizetype> m_byUuid;
    QHash<std::pair<QString, QString>, qsizetype> m_byText;
    QHash<QString, int> m_tenants;
    QString m_lastTenant;  // held, so that its characters stay where they are
    int m_lastNumber = -1;
};

} // namespace Billstream
