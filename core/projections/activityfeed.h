#pragma once

#include "core/es/sqliteeventstore.h"
#include "core/projections/book.h"
#include "core/es/upcasters.h"

#include <array>

namespace Billstream {

// The activity feed: the log told as a short list for the UI's Activity view. The events one
// command appended to one stream are one entry ("Invoice INV-2026-0001 issued on 2026-03-01"),
// keyed by their first position: an entry continues while the next event is the next position,
// in the same stream, tenant, recorded time and command. Number-sequence streams are bookkeeping
// of the issue and are left out.
//
// The feed is read from the log itself (Book::activity: the tenant's events newest first, by the
// log's index on tenant and position), not from a projection of its own: entries are runs of
// contiguous events, so a page of them is a range of the log, always as far as the log is (as of
// a time, as far as the book is), and a rebuild has nothing to write for it. Its one-line summary
// is rendered from the entry's events when a page is read (summarize()).
class ActivityFeed final
{
public:
    ActivityFeed() = delete;

    // Whether events of this stream type make entries (the number sequences do not).
    static bool isTold(const QString &streamType);
    // Whether the event at `position` (of `streamId`, recorded at `timeMs` by `commandId`) and the
    // entry that starts right after it are one entry; the tenant is the same by the query.
    static bool continues(qint64 position, const QString &streamId, qint64 timeMs, const QString &commandId,
                          qint64 entryPosition, const QString &entryStreamId, qint64 entryTimeMs,
                          const QString &entryCommandId);

    // What an entry's events said, as far as its summary needs.
    struct Facts
    {
        enum Key {
            Created, Notes, Parties, Sent, Address, TaxId, Archived, Defaults, Mail,  // flags
            LinesAdded, LinesChanged, LinesRemoved,                                  // counts
            Customer, Currency, Status, DueDate, Number, IssueDate, Payment, PaymentDate, VoidReason,
            SendTo, SendFailed, Name, Email, Profile, Pattern,                        // texts
            KeyCount
        };
        quint32 present = 0;
        std::array<int, 3> counts{};
        std::array<QString, KeyCount> texts;

        bool has(Key k) const { return present & (1u << k); }
        void set(Key k) { present |= 1u << k; }
        void set(Key k, const QString &text) { set(k); texts[size_t(k)] = text; }
        void add(Key k) { set(k); ++counts[size_t(k - LinesAdded)]; }
        int count(Key k) const { return counts[size_t(k - LinesAdded)]; }
        const QString &text(Key k) const { return texts[size_t(k)]; }
    };
    // Folds one event into the facts of its entry; renders the entry's one-line summary.
    static void accumulate(Facts &facts, const RecordedEvent &event);
    static QString render(const QString &streamType, const Facts &facts);
    // Fills in the summary of each entry (from Book::activity) from its events.
    static Status summarize(SqliteEventStore &store, const Upcasters &upcasters, const QString &tenantId,
                            QList<ActivityEntry> &entries);
};

} // namespace Billstream
