#pragma once

#include "core/es/sqliteeventstore.h"

#include <memory>

namespace Billstream {

// What a projection prepared for one batch of a replay (BulkProjection::prepare()).
struct ReplayPrepared
{
    virtual ~ReplayPrepared() = default;
};

// A projection of the read side that replays the whole log faster when it is told where the
// replay starts and ends (ReadSide's rebuild pass, inside one write transaction): between
// beginBulk() and endBulk() it keeps its rows in memory, appends what never changes again
// (history, payments, feed entries) as it goes, and writes the final rows once at the end.
// Appends (applyAppend()) and catch-ups (apply()) keep the row-by-row path; both paths produce
// the same tables (verify compares them).
class BulkProjection : public Projection
{
public:
    // Called after createSchema() on empty tables.
    virtual Status beginBulk(QSqlDatabase &db) = 0;
    // Writes what was kept in memory; called before the checkpoint, in the same transaction.
    virtual Status endBulk(QSqlDatabase &db) = 0;
    // Forgets the bulk state after a failure (the transaction rolls back).
    virtual void abortBulk() = 0;
    bool inBulk() const { return m_bulk; }
    // A replay can split a projection's work over two threads. prepare() runs on a thread of
    // its own, for each batch of events in log order, before the batch reaches the writing
    // thread; it may read the log through `log` (that thread's connection) but never the
    // projection's tables. What it returns reaches applyPrepared() on the writing thread,
    // before apply() sees the batch's events. Whatever prepare() kept is the writing thread's
    // again once the log is through (endBulk()).
    virtual std::unique_ptr<ReplayPrepared> prepare(const QList<RecordedEvent> &batch, EventStore &log)
    {
        Q_UNUSED(batch);
        Q_UNUSED(log);
        return nullptr;
    }
    virtual Status applyPrepared(QSqlDatabase &db, ReplayPrepared &prepared)
    {
        Q_UNUSED(db);
        Q_UNUSED(prepared);
        return {};
    }
    // Called on the preparing thread after its last prepare() (also after a cancel), while the
    // writing thread may still apply earlier batches: the place to finish what prepare() kept
    // and to free what only it needed, on the thread that allocated it.
    virtual void finishPrepare() {}
    // Called on the preparing thread after finishPrepare(), once the writing thread has been
    // told the log is through and works on its end (endBulk()): frees what only prepare()
    // needed (finishPrepare() set it aside), beside that end instead of before it. Touches
    // nothing endBulk() or abortBulk() reads; the writing thread joins the preparing thread
    // before its transaction ends.
    virtual void releasePrepared() {}
    // Whether this projection reads RecordedEvent::metadata during a replay (the actor, the
    // command): without one that does, a replay leaves it empty, and the reading thread neither
    // decodes it nor shares its strings with the other threads.
    virtual bool readsMetadata() const { return false; }
    // Whether this projection reads the id (RecordedEvent::eventId) of every event of a replay;
    // false: only of the last event of each run of one stream's events with one recorded time
    // (a row's guard, written once per command), so a replay may leave the others without
    // (SqliteEventStore::EventIds::LastOfRun).
    virtual bool readsEveryEventId() const { return true; }
    // What this projection reads of the payloads of an event type during a replay: not even
    // the event (Skip: events of that type never change it), nothing (the event reaches it with
    // both payload fields empty), the stored text (read from RecordedEvent::payloadJson with
    // PayloadJson when set, else from RecordedEvent::payload) or the parsed object. A replay
    // hands each type over as the most any projection needs; an event every projection skips
    // is not read past its type. Called from the thread that reads the log: a function of the
    // type alone.
    virtual SqliteEventStore::Payload payloadOf(const QString &eventType) const
    {
        Q_UNUSED(eventType);
        return SqliteEventStore::Payload::Parsed;
    }

protected:
    bool m_bulk = false;
};

} // namespace Billstream
