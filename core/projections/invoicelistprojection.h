#pragma once

#include <list>
#include <optional>
#include <utility>
#include <vector>

#include "core/es/payloadjson.h"
#include "core/es/sqliteeventstore.h"
#include "core/projections/bulkprojection.h"
#include "core/es/upcasters.h"
#include "core/projections/invoicerow.h"
#include "core/projections/sqlaccess.h"
#include "core/projections/streamindex.h"

namespace Billstream {

// The invoice list (inline): one row per invoice of each tenant, updated by delta in the append
// transaction, plus what the list needs around it:
//   invoice_list           the rows (amounts as minor units with the currency's digits)
//   invoice_list_fts       FTS5 trigram index over number, customer name and notes
//   invoice_list_customers customer names (for the rows) and invoice counts per customer
//   invoice_list_balances  open balance per customer and currency
// It folds invoice events with the domain's evolveInvoice and reads customer names from the
// customer events itself, so it never depends on another projection's rows.
class InvoiceListProjection final : public BulkProjection
{
public:
    // 3: (tenant, id) unique through an index of its own instead of a table constraint, so
    //    that a rebuild appends the rows and builds the index once, sorted, at the end.
    // 4: no table of superseded versions (invoice_list_history): a row's valid_from says since
    //    when it holds, and the book as of an earlier time folds the few invoices changed since
    //    from the log (Book::asOfPosition).
    // 5: the search index without the column sizes (FTS5 columnsize=0).
    static constexpr int SchemaVersion = 5;
    static QString projectionName() { return QStringLiteral("invoice_list"); }

    InvoiceListProjection(SqliteEventStore &store, std::shared_ptr<const Upcasters> upcasters);
    ~InvoiceListProjection() override;

    QString name() const override { return projectionName(); }
    int schemaVersion() const override { return SchemaVersion; }
    Status createSchema(QSqlDatabase &db) override;
    Status dropSchema(QSqlDatabase &db) override;
    Status apply(QSqlDatabase &db, const RecordedEvent &event) override;
    // An append's events of one invoice are folded together and its row written once.
    Status applyAppend(QSqlDatabase &db, const QList<RecordedEvent> &events) override;
    Status beginBulk(QSqlDatabase &db) override;
    Status endBulk(QSqlDatabase &db) override;
    void abortBulk() override;
    SqliteEventStore::Payload payloadOf(const QString &eventType) const override;
    // A row keeps the id of its invoice's last event (its guard): the last of a run.
    bool readsEveryEventId() const override { return false; }

    // A replay folds the invoices on a thread of its own (prepare()); the writing thread takes
    // the revenue's facts from each batch (applyPrepared()) and writes the rows at the end.
    std::unique_ptr<ReplayPrepared> prepare(const QList<RecordedEvent> &batch, EventStore &log) override;
    Status applyPrepared(QSqlDatabase &db, ReplayPrepared &prepared) override;
    void finishPrepare() override;
    void releasePrepared() override;
    // During a replay, on the writing thread: what the revenue takes from the invoice event at
    // `position` (an ISSUED or VOID status, a payment), or null for any other event.
    const RevenueFact *revenueFactAt(qint64 position);

    // The search index is filled in one pass after a rebuild (maintaining it row by row during
    // a replay of millions of events would cost more than the rebuild itself). Searches fall
    // back to a plain scan while it is marked stale.
    static Result<bool> searchIndexStale(const QSqlDatabase &db);
    static Status rebuildSearchIndex(QSqlDatabase &db);

    // The tables this projection owns, for verify and maintenance.
    static QStringList tables();

    // Binds a row's values as ?first.. in the order of the list's columns from `number` to
    // `updated_at` (?first + 15 is last_event_id), for this list's statements and the book's.
    static void bindRow(ReadSql::Stmt &s, const InvoiceRow &row, int first);

private:
    // [begin, end): one invoice's consecutive versions with one recorded time.
    Status applyInvoice(QSqlDatabase &db, sqlite3 *h, const RecordedEvent *begin, const RecordedEvent *end);
    Status applyCustomer(QSqlDatabase &db, sqlite3 *h, const RecordedEvent &e);
    Status applySlow(QSqlDatabase &db, sqlite3 *h, const RecordedEvent &e);
    // Inserts the first row of an invoice (unless one exists: 0 rows changed).
    Result<int> insertRow(QSqlDatabase &db, sqlite3 *h, const RecordedEvent &e, const InvoiceRow &row);
    // Inserts a row visible from `validFrom` (0 rows changed when it exists).
    Result<int> writeRow(QSqlDatabase &db, sqlite3 *h, const QString &tenant, const InvoiceRow &row, qint64 validFrom,
                         const QString &customerName);
    // Writes the row of e's invoice; with a guard, only over the row at the guard's version and
    // last event (0 rows changed otherwise).
    Result<int> updateRow(QSqlDatabase &db, sqlite3 *h, const RecordedEvent &e, const InvoiceRow &row, qint64 validFrom,
                          const InvoiceRow *guard);
    Status adjustCustomer(QSqlDatabase &db, sqlite3 *h, const QString &tenant, const CustomerContribution &before,
                          const CustomerContribution &after);
    Result<QString> customerName(QSqlDatabase &db, const QString &tenant, const QString &customerId);
    Status setCustomerName(QSqlDatabase &db, sqlite3 *h, const QString &tenant, const QString &id,
                           const QString &customerId);
    Result<InvoiceState> refold(EventStore &log, const RecordedEvent &e, qint64 *createdAt);

    // Bulk replay, folded on the preparing thread (prepare()) and handed to the writing thread
    // with the end of the log (endBulk()): every row in memory (in order of first event),
    // customer names, and the stream whose row waits for the end of its command's events
    // (a row is built once per command, not per event).
    struct BulkRow
    {
        QString tenant;
        QString streamId;
        InvoiceRow row;
        qint64 validFrom = 0;
        qint64 createdAtMs = 0;
        qint64 folded = 0;                   // the version the state is at
        // Folded, while among the recently used (at most BulkStates of the rows). Held out of
        // line: in the row, a state made every row four times as large (1.1 KB), so the list
        // of 100,000 rows took 115 MB, and growing it moved and newly mapped twice that.
        std::unique_ptr<InvoiceState> state;
        std::list<qsizetype>::iterator recent;
    };
    // A customer of the list: named by its events, or counted by an invoice at some point
    // (either gives it a row in invoice_list_customers).
    struct BulkCustomer
    {
        QString tenant;
        QString id;
        QString name;
        qint64 version = 0;
    };
    struct Prepared;
    // `inBatch`: e is an event of the batch prepare() folds (not a copy made for it), which
    // lives until prepare() returns.
    Status applyBulkInvoice(EventStore &log, const RecordedEvent &e, bool inBatch);
    void applyBulkCustomer(const RecordedEvent &e);
    // The customer's place in m_bulkCustomers, added when new.
    qsizetype bulkCustomer(const QString &tenant, const QString &id);
    void finishPending();
    std::vector<BulkRow> m_bulkRows;
    StreamIndex m_bulkIndex;
    std::vector<BulkCustomer> m_bulkCustomers;
    StreamIndex m_bulkCustomerIndex;
    qsizetype m_pending = -1;      // the row waiting for the end of its command's events
    qint64 m_pendingTimeMs = 0;
    bool m_pendingAmounts = false; // whether the run changed the amounts
    // The run's last event so far: in the batch being folded, else (across batches) a copy.
    const RecordedEvent *m_pendingLast = nullptr;
    RecordedEvent m_pendingCopy;
    qsizetype m_lastAt = -1;       // the stream looked up last
    Prepared *m_preparing = nullptr;      // the batch prepare() fills (preparing thread)
    const Prepared *m_applying = nullptr; // the batch being applied (writing thread)
    size_t m_figureAt = 0;
    bool m_foldFailed = false;            // (preparing thread) a fold failed: fold no more
    PayloadJson m_payload;                // (preparing thread) reads stored payloads
    std::list<qsizetype> m_recent; // rows holding a folded state, most recent first
    // What only the fold needed, set aside by finishPrepare() and freed by releasePrepared()
    // (preparing thread) while the writing thread writes the rows.
    struct Retired
    {
        std::vector<std::unique_ptr<InvoiceState>> states;
        StreamIndex index;
        std::list<qsizetype> recent;
    };
    Retired m_retired;
    static constexpr qsizetype BulkStates = 32768;

    SqliteEventStore &m_store;
    std::shared_ptr<const Upcasters> m_upcasters;
    ReadSql::StatementCache m_sql;
    InvoiceFoldCache m_cache;
};

} // namespace Billstream
