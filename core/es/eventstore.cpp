#include "core/es/eventstore.h"

namespace Billstream {

QString ExpectedVersion::toString() const
{
    switch (m_kind) {
    case Kind::Any: return QStringLiteral("any");
    case Kind::NoStream: return QStringLiteral("no stream");
    case Kind::Exact: return QString::number(m_version);
    }
    return QStringLiteral("any");
}

} // namespace Billstream
