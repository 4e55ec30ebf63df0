#include "core/es/event.h"

namespace Billstream {

namespace {
void putIfSet(QJsonObject &o, const QString &key, const QString &value)
{
    if (!value.isEmpty())
        o.insert(key, value);
}
} // namespace

QJsonObject EventMetadata::toJson() const
{
    QJsonObject o;
    putIfSet(o, QStringLiteral("commandId"), commandId);
    putIfSet(o, QStringLiteral("correlationId"), correlationId);
    putIfSet(o, QStringLiteral("causationId"), causationId);
    putIfSet(o, QStringLiteral("actor"), actor);
    putIfSet(o, QStringLiteral("appVersion"), appVersion);
    return o;
}

EventMetadata EventMetadata::fromJson(const QJsonObject &o)
{
    EventMetadata m;
    m.commandId = o.value(QStringLiteral("commandId")).toString();
    m.correlationId = o.value(QStringLiteral("correlationId")).toString();
    m.causationId = o.value(QStringLiteral("causationId")).toString();
    m.actor = o.value(QStringLiteral("actor")).toString();
    m.appVersion = o.value(QStringLiteral("appVersion")).toString();
    return m;
}

QString formatTimestamp(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

QJsonObject RecordedEvent::toJson() const
{
    return QJsonObject{
        {QStringLiteral("position"), position},
        {QStringLiteral("tenantId"), tenantId},
        {QStringLiteral("streamType"), streamType},
        {QStringLiteral("streamId"), streamId},
        {QStringLiteral("version"), version},
        {QStringLiteral("eventId"), eventId},
        {QStringLiteral("type"), type},
        {QStringLiteral("schemaVersion"), schemaVersion},
        {QStringLiteral("payload"), payload},
        {QStringLiteral("recordedAt"), formatTimestamp(recordedAt)},
        {QStringLiteral("metadata"), metadata.toJson()},
    };
}

} // namespace Billstream
