#pragma once

#include "core/es/sqliteeventstore.h"
#include "core/es/upcasters.h"
#include "core/projections/sqlaccess.h"

#include <QJsonObject>

namespace Billstream {

// The activity feed (async): the log told as a short list for the UI's Activity view. The
// events one command appended to one stream are one entry ("Invoice INV-2026-0001 issued on
// 2026-03-01"), keyed by their first position, with the stream, the actor and a one-line
// summary. Number-sequence streams are bookkeeping of the issue and are left out.
//   activity(position, last_position, tenant, recorded_at, stream_type, stream_id, event_type,
//            event_count, summary, actor, command_id, facts)
// `facts` is what the summary is rendered from, so an entry continued by the next batch of the
// runner renders the same as one written in one go.
class ActivityProjection final : public Projection
{
public:
    static constexpr int SchemaVersion = 1;
    static QString projectionName() { return QStringLiteral("activity"); }

    explicit ActivityProjection(std::shared_ptr<const Upcasters> upcasters);
    ~ActivityProjection() override;

    QString name() const override { return projectionName(); }
    int schemaVersion() const override { return SchemaVersion; }
    Status createSchema(QSqlDatabase &db) override;
    Status dropSchema(QSqlDatabase &db) override;
    Status apply(QSqlDatabase &db, const RecordedEvent &event) override;

    static QStringList tables();

    // Folds one event into the facts of its entry; renders the entry's summary (exposed for tests).
    static QJsonObject accumulate(QJsonObject facts, const RecordedEvent &event);
    static QString render(const QString &streamType, const QJsonObject &facts);

private:
    struct Entry
    {
        qint64 position = 0;
        qint64 lastPosition = 0;
        QString tenant;
        QString streamId;
        qint64 recordedAtMs = 0;
        QString commandId;
        int eventCount = 0;
        QJsonObject facts;
        QString streamType;
    };
    bool continues(const Entry &entry, const RecordedEvent &e) const;

    std::shared_ptr<const Upcasters> m_upcasters;
    ReadSql::StatementCache m_sql;
    // The entry the previous event went to. Valid for the next event only when positions are
    // contiguous: after a rolled-back batch the runner restarts at or before that entry's first
    // position, so a stale entry can never be continued.
    Entry m_last;
};

} // namespace Billstream
