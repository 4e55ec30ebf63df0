#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace Billstream {

// Who and what caused an event; stored as the `metadata` JSON column.
struct EventMetadata
{
    QString commandId;
    QString correlationId;
    QString causationId;
    QString actor;
    QString appVersion;

    QJsonObject toJson() const;          // empty fields are left out
    static EventMetadata fromJson(const QJsonObject &o);
    friend bool operator==(const EventMetadata &, const EventMetadata &) = default;
};

// An event as the domain proposes it, before the store gives it a place in the log.
struct NewEvent
{
    QString type;              // stable wire name, e.g. "LineItemAdded"
    QJsonObject payload;
    int schemaVersion = 1;
    friend bool operator==(const NewEvent &, const NewEvent &) = default;
};

// An event as stored: the envelope of the log.
struct RecordedEvent
{
    qint64 position = 0;       // global, gap-free in commit order, across tenants
    QString tenantId;
    QString streamType;
    QString streamId;
    qint64 version = 0;        // 1-based, contiguous per stream
    QString eventId;           // UUID without braces
    QString type;
    int schemaVersion = 1;
    QJsonObject payload;
    QByteArray payloadJson;    // only from SqliteEventStore::replay() and readStreamUntilStored(): as stored
    EventMetadata metadata;
    QDateTime recordedAt;      // UTC, millisecond precision
    QByteArray hash;           // SHA-256 over content and the previous event's hash

    // The event JSON line of CLI.md.
    QJsonObject toJson() const;
};

// ISO 8601 with milliseconds and Z: "2026-11-27T10:00:00.123Z".
QString formatTimestamp(const QDateTime &t);

} // namespace Billstream
