#pragma once

// Helpers shared by the event store tests and their worker process.

#include "core/es/sqliteeventstore.h"

#include <QJsonObject>
#include <QMap>
#include <QSqlError>
#include <QSqlQuery>

namespace EsTest {

using namespace Billstream;

inline NewEvent newEvent(const QString &type, const QJsonObject &payload = {})
{
    return NewEvent{type, payload, 1};
}

inline AppendRequest request(const QString &tenant, const QString &streamType, const QString &streamId,
                             ExpectedVersion expected, const QList<NewEvent> &events, const QString &commandId = {},
                             const QByteArray &fingerprint = {})
{
    AppendRequest r;
    r.tenantId = tenant;
    r.streams.append(StreamAppend{streamType, streamId, expected, events});
    r.metadata.commandId = commandId;
    r.metadata.actor = QStringLiteral("test");
    r.commandFingerprint = fingerprint;
    return r;
}

// Counts the events of each stream: a tiny inline projection whose rows can be compared with
// a rebuild. `failOnType` makes apply() fail, to prove a failing projection rolls the append back.
class CountProjection final : public Projection
{
public:
    explicit CountProjection(int schemaVersion = 1, QString failOnType = {})
        : m_schemaVersion(schemaVersion)
        , m_failOnType(std::move(failOnType))
    {
    }
    QString name() const override { return QStringLiteral("event_counts"); }
    int schemaVersion() const override { return m_schemaVersion; }
    Status createSchema(QSqlDatabase &db) override
    {
        return run(db, QStringLiteral("CREATE TABLE IF NOT EXISTS proj_event_counts (tenant TEXT NOT NULL, "
                                      "stream_id TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (tenant, stream_id))"));
    }
    Status dropSchema(QSqlDatabase &db) override
    {
        return run(db, QStringLiteral("DROP TABLE IF EXISTS proj_event_counts"));
    }
    Status apply(QSqlDatabase &db, const RecordedEvent &e) override
    {
        ++applied;
        if (!m_failOnType.isEmpty() && e.type == m_failOnType)
            return fail(Error::failure(QStringLiteral("refusing %1").arg(e.type)));
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO proj_event_counts (tenant, stream_id, n) VALUES (?, ?, 1) "
                                 "ON CONFLICT (tenant, stream_id) DO UPDATE SET n = n + 1"));
        q.addBindValue(e.tenantId);
        q.addBindValue(e.streamId);
        if (!q.exec())
            return fail(Error::failure(q.lastError().text()));
        return {};
    }
    qint64 applied = 0;

private:
    static Status run(QSqlDatabase &db, const QString &sql)
    {
        QSqlQuery q(db);
        if (!q.exec(sql))
            return fail(Error::failure(q.lastError().text()));
        return {};
    }
    int m_schemaVersion;
    QString m_failOnType;
};

// "tenant/stream" → count, as the projection table holds it.
inline QMap<QString, qint64> projectedCounts(const QSqlDatabase &db)
{
    QMap<QString, qint64> counts;
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT tenant, stream_id, n FROM proj_event_counts")))
        return counts;
    while (q.next())
        counts.insert(q.value(0).toString() + QLatin1Char('/') + q.value(1).toString(), q.value(2).toLongLong());
    return counts;
}

// The same counts computed from the log itself.
inline QMap<QString, qint64> loggedCounts(SqliteEventStore &store)
{
    QMap<QString, qint64> counts;
    (void)store.scan({}, 1, -1, [&](const RecordedEvent &e) {
        ++counts[e.tenantId + QLatin1Char('/') + e.streamId];
        return true;
    });
    return counts;
}

} // namespace EsTest
