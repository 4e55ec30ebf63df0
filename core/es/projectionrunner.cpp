#include "core/es/projectionrunner.h"

#include <algorithm>

namespace Billstream {

ProjectionRunner::ProjectionRunner(SqliteEventStore &store, std::shared_ptr<Projection> projection, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_projection(std::move(projection))
{
    connect(&m_store, &EventStore::eventsAppended, this, [this] { (void)catchUp(); });
}

Status ProjectionRunner::open()
{
    const Result<int> stored = m_store.storedProjectionSchema(m_projection->name());
    if (!stored)
        return fail(stored.error());
    if (*stored == m_projection->schemaVersion()) {
        return m_store.writeTransaction([this](QSqlDatabase &db) { return m_projection->createSchema(db); });
    }
    // Never ran, or its shape changed: start over from the beginning of the log.
    return m_store.writeTransaction([this](QSqlDatabase &db) -> Status {
        if (Status s = m_projection->dropSchema(db); !s)
            return s;
        if (Status s = m_projection->createSchema(db); !s)
            return s;
        return m_store.setCheckpoint(db, m_projection->name(), m_projection->schemaVersion(), 0);
    });
}

Status ProjectionRunner::applyRange(qint64 fromPosition, qint64 toPosition, int batchSize,
                                    const std::function<void(qint64, qint64)> &progress,
                                    const std::function<bool()> &cancel)
{
    qint64 next = fromPosition;
    const qint64 total = toPosition - fromPosition + 1;
    while (next <= toPosition) {
        if (cancel && cancel())
            return {};
        const qint64 last = std::min(toPosition, next + batchSize - 1);
        Status s = m_store.writeTransaction([&](QSqlDatabase &db) -> Status {
            // Another connection's runner (a second window, the CLI, a worker) may have applied
            // some of these since this one read the checkpoint: under the write lock, start
            // after the checkpoint as it is now, so that no event is applied twice.
            const Result<qint64> done = m_store.checkpoint(m_projection->name());
            if (!done)
                return fail(done.error());
            const qint64 first = std::max(next, *done + 1);
            if (first > last)
                return {};
            Status applied;
            Status scanned = m_store.scan({}, first, last, [&](const RecordedEvent &e) {
                applied = m_projection->apply(db, e);
                return bool(applied);
            });
            if (!scanned)
                return scanned;
            if (!applied)
                return applied;
            return m_store.setCheckpoint(db, m_projection->name(), m_projection->schemaVersion(), last);
        });
        if (!s)
            return s;
        next = last + 1;
        if (progress)
            progress(next - fromPosition, total);
    }
    return {};
}

Result<qint64> ProjectionRunner::catchUp(int batchSize)
{
    const Result<qint64> checkpoint = m_store.checkpoint(m_projection->name());
    if (!checkpoint)
        return fail(checkpoint.error());
    const Result<qint64> head = m_store.headPosition();
    if (!head)
        return fail(head.error());
    if (*checkpoint >= *head)
        return *checkpoint;
    if (Status s = applyRange(*checkpoint + 1, *head, batchSize, {}, {}); !s)
        return fail(s.error());
    emit caughtUp(*head);
    return *head;
}

Status ProjectionRunner::rebuild(const std::function<void(qint64, qint64)> &progress, const std::function<bool()> &cancel)
{
    Status reset = m_store.writeTransaction([this](QSqlDatabase &db) -> Status {
        if (Status s = m_projection->dropSchema(db); !s)
            return s;
        if (Status s = m_projection->createSchema(db); !s)
            return s;
        return m_store.setCheckpoint(db, m_projection->name(), m_projection->schemaVersion(), 0);
    });
    if (!reset)
        return reset;
    const Result<qint64> head = m_store.headPosition();
    if (!head)
        return fail(head.error());
    return applyRange(1, *head, 5000, progress, cancel);
}

Result<qint64> ProjectionRunner::lag()
{
    const Result<qint64> checkpoint = m_store.checkpoint(m_projection->name());
    if (!checkpoint)
        return fail(checkpoint.error());
    const Result<qint64> head = m_store.headPosition();
    if (!head)
        return fail(head.error());
    return *head - *checkpoint;
}

} // namespace Billstream
