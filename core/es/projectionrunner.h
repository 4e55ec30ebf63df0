#pragma once

#include "core/es/sqliteeventstore.h"

#include <memory>

namespace Billstream {

// Runs an async projection behind the log: catches up from its checkpoint, storing its rows
// and the new checkpoint in one transaction, so a crash can neither skip nor repeat an event.
// eventsAppended is only a wake-up hint; catchUp() also runs at start.
class ProjectionRunner final : public QObject
{
    Q_OBJECT
public:
    ProjectionRunner(SqliteEventStore &store, std::shared_ptr<Projection> projection, QObject *parent = nullptr);

    // Prepares the tables; a changed schema version drops them and starts from position 0.
    Status open();
    // Applies everything after the checkpoint, in batches of `batchSize` events per transaction.
    Result<qint64> catchUp(int batchSize = 5000);
    // Drops the rows and replays the whole log; progress(done, total); cancel() stops between
    // batches, leaving a consistent (partial) projection that later catch-ups complete.
    Status rebuild(const std::function<void(qint64, qint64)> &progress = {},
                   const std::function<bool()> &cancel = {});
    // How far behind the log the projection is, in events.
    Result<qint64> lag();
    Projection &projection() const { return *m_projection; }

signals:
    void caughtUp(qint64 position);

private:
    Status applyRange(qint64 fromPosition, qint64 toPosition, int batchSize,
                      const std::function<void(qint64, qint64)> &progress, const std::function<bool()> &cancel);

    SqliteEventStore &m_store;
    std::shared_ptr<Projection> m_projection;
};

} // namespace Billstream
