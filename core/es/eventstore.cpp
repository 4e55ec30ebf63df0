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

Status Projection::applyAppend(QSqlDatabase &db, const QList<RecordedEvent> &events)
{
    for (const RecordedEvent &e : events) {
        if (Status s = apply(db, e); !s)
            return fail(applyError(e, s.error()));
    }
    return {};
}

Error Projection::applyError(const RecordedEvent &event, const Error &cause)
{
    Error e = cause;
    e.message = QStringLiteral("the event at position %1 (%2): %3").arg(event.position).arg(event.type, cause.message);
    return e;
}

} // namespace Billstream
