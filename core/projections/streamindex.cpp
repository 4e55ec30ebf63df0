#include "core/projections/streamindex.h"

namespace Billstream {

bool StreamIndex::parseUuid(QStringView text, quint64 &high, quint64 &low)
{
    if (text.size() != 36)
        return false;
    quint64 halves[2] = {0, 0};
    int digits = 0;
    for (qsizetype i = 0; i < 36; ++i) {
        const char16_t c = text[i].unicode();
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != u'-')
                return false;
            continue;
        }
        unsigned digit = 0;
        if (c >= u'0' && c <= u'9')
            digit = unsigned(c - u'0');
        else if (c >= u'a' && c <= u'f')
            digit = unsigned(c - u'a') + 10;
        else
            return false;
        quint64 &half = halves[digits / 16];
        half = (half << 4) | digit;
        ++digits;
    }
    high = halves[0];
    low = halves[1];
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
