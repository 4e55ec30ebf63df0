#pragma once

#include "core/es/sqliteeventstore.h"
#include "core/projections/book.h"
#include "core/projections/bulkprojection.h"
#include "core/es/upcasters.h"
#include "core/projections/sqlaccess.h"

#include <array>

namespace Billstream {

// The activity feed (async): the log told as a short list for the UI's Activity view. The
// events one command appended to one stream are one entry ("Invoice INV-2026-0001 issued on
// 2026-03-01"), keyed by their first position. Number-sequence streams are bookkeeping of the
// issue and are left out.
//   activity(tenant, position, last_position)
// An entry's events are contiguous in the log; its stream, time, first event type and actor are
// its first event's, joined from the log when entries are read (Book::activity).
// The one-line summary is rendered when entries are read (summarize()), from the entry's events:
// the table holds which events make an entry, not their text again, so a rebuild writes a
// fraction of what it did and an entry continued by the runner's next batch needs no state.
class ActivityProjection final : public BulkProjection
{
public:
    // 2: without the index by stream, which no query used.
    // 3: without the stored summary and the facts it was rendered from.
    // 4: only the span of positions; the rest is read from the entry's first event.
    static constexpr int SchemaVersion = 4;
    static QString projectionName() { return QStringLiteral("activity"); }

    explicit ActivityProjection(std::shared_ptr<const Upcasters> upcasters);
    ~ActivityProjection() override;

    QString name() const override { return projectionName(); }
    int schemaVersion() const override { return SchemaVersion; }
    Status createSchema(QSqlDatabase &db) override;
    Status dropSchema(QSqlDatabase &db) override;
    Status apply(QSqlDatabase &db, const RecordedEvent &event) override;
    Status beginBulk(QSqlDatabase &db) override;
    Status endBulk(QSqlDatabase &db) override;
    void abortBulk() override;
    SqliteEventStore::Payload payloadOf(const QString &eventType) const override;

    static QStringList tables();

    // What an entry's events said, as far as its summary needs (stored as the `facts` JSON).
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
    // Fills in the summary of each entry (read from this projection's table) from its events.
    static Status summarize(SqliteEventStore &store, const Upcasters &upcasters, const QString &tenantId,
                            QList<ActivityEntry> &entries);

private:
    struct Entry
    {
        qint64 position = 0;
        qint64 lastPosition = 0;
        QString tenant;
        QString streamId;
        qint64 recordedAtMs = 0;
        QString commandId;
    };
    bool continues(const Entry &entry, const RecordedEvent &e) const;
    Status insert(QSqlDatabase &db, const Entry &entry);
    bool m_pending = false;   // bulk: m_last is not written yet

    std::shared_ptr<const Upcasters> m_upcasters;
    ReadSql::StatementCache m_sql;
    // The entry the previous event went to. Valid for the next event only when positions are
    // contiguous: after a rolled-back batch the runner restarts at or before that entry's first
    // position, so a stale entry can never be continued.
    Entry m_last;
};

} // namespace Billstream
