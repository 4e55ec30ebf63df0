#pragma once

#include "core/es/eventstore.h"

namespace Billstream {

// A projection of the read side that replays the whole log faster when it is told where the
// replay starts and ends (ReadSide's rebuild pass, inside one write transaction): between
// beginBulk() and endBulk() it keeps its rows in memory, appends what never changes again
// (history, payments, feed entries) as it goes, and writes the final rows once at the end.
// The kernel's Projection interface has no end-of-batch hook, so appends and catch-ups keep
// using the row-by-row apply(); both paths produce the same tables (verify compares them).
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
    // Whether a replay must parse the payloads of this event type for this projection (the
    // others reach apply() with an empty payload during a rebuild). Called from the thread
    // that reads the log: a function of the type alone.
    virtual bool readsPayloadOf(const QString &eventType) const
    {
        Q_UNUSED(eventType);
        return true;
    }

protected:
    bool m_bulk = false;
};

} // namespace Billstream
