#include "core/projections/streamindex.h"

#include <array>

namespace Billstream {

namespace {

// A hex digit's value, or 0x80 for any other character below 128.
constexpr std::array<quint8, 128> HexDigits = [] {
    std::array<quint8, 128> t{};
    t.fill(0x80);
    for (int c = '0'; c <= '9'; ++c)
        t[size_t(c)] = quint8(c - '0');
    for (int c = 'a'; c <= 'f'; ++c)
        t[size_t(c)] = quint8(c - 'a' + 10);
    return t;
}();

} // namespace

bool StreamIndex::parseUuid(QStringView text, quint64 &high, quint64 &low)
{
    if (text.size() != 36)
        return false;
    const char16_t *c = text.utf16();
    if (c[8] != u'-' || c[13] != u'-' || c[18] != u'-' || c[23] != u'-')
        return false;
    // Without a branch per character: a bad one sets the flag.
    quint8 bad = 0;
    const auto digits = [&](qsizetype from, qsizetype to, quint64 &into) {
        for (qsizetype i = from; i < to; ++i) {
            const quint8 v = c[i] < 128 ? HexDigits[c[i]] : quint8(0x80);
            bad |= v;
            into = (into << 4) | (v & 0xf);
        }
    };
    quint64 h = 0;
    quint64 l = 0;
    digits(0, 8, h);
    digits(9, 13, h);
    digits(14, 18, h);
    digits(19, 23, l);
    digits(24, 36, l);
    if (bad & 0x80)
        return false;
    high = h;
    low = l;
    return true;
}

int StreamIndex::tenantNumber(const QString &tenant, bool add)
{
    // The events of a replay share their tenant's characters (RowStrings interns them).
    if (m_lastNumber >= 0
        && ((tenant.constData() == m_lastTenant.constData() && tenant.size() == m_lastTenant.size())
            || tenant == m_lastTenant))
        return m_lastNumber;
    auto it = m_tenants.constFind(tenant);
    if (it == m_tenants.cend()) {
        if (!add)
            return -1;
        it = m_tenants.insert(tenant, int(m_tenants.size()));
    }
    m_lastTenant = tenant;
    m_lastNumber = *it;
    return m_lastNumber;
}

qsizetype StreamIndex::value(const QString &tenant, const QString &streamId)
{
    UuidKey key;
    if (parseUuid(streamId, key.high, key.low)) {
        key.tenant = tenantNumber(tenant, false);
        return key.tenant < 0 ? -1 : m_byUuid.value(key, -1);
    }
    return m_byText.value({tenant, streamId}, -1);
}

void StreamIndex::insert(const QString &tenant, const QString &streamId, qsizetype row)
{
    UuidKey key;
    if (parseUuid(streamId, key.high, key.low)) {
        key.tenant = tenantNumber(tenant, true);
        m_byUuid.insert(key, row);
    } else {
        m_byText.insert({tenant, streamId}, row);
    }
}

void StreamIndex::clear()
{
    m_byUuid.clear();
    m_byText.clear();
    m_tenants.clear();
    m_lastTenant.clear();
    m_lastNumber = -1;
}

void StreamIndex::swap(StreamIndex &other) noexcept
{
    m_byUuid.swap(other.m_byUuid);
    m_byText.swap(other.m_byText);
    m_tenants.swap(other.m_tenants);
    m_lastTenant.swap(other.m_lastTenant);
    std::swap(m_lastNumber, other.m_lastNumber);
}

} // namespace Billstream
