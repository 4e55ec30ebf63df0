#include "core/projections/invoicelistprojection.h"

#include "core/domain/customer.h"
#include "core/domain/domainevents.h"

#include <QMap>

#include <sqlite3.h>

#include <algorithm>
#include <tuple>

namespace Billstream {

using ReadSql::ResetGuard;
using ReadSql::Stmt;

namespace {

// Amount columns carry no type affinity (see Stmt::bindAmount).
constexpr const char *Schema =
    "CREATE TABLE IF NOT EXISTS invoice_list ("
    " tenant TEXT NOT NULL, id TEXT NOT NULL, number TEXT NOT NULL, customer_id TEXT NOT NULL,"
    " customer_name TEXT NOT NULL, status TEXT NOT NULL, issue_date TEXT, due_date TEXT,"
    " currency TEXT NOT NULL, digits INTEGER NOT NULL,"
    " net NOT NULL, tax NOT NULL, total NOT NULL, paid NOT NULL, due NOT NULL,"
    " notes TEXT NOT NULL, line_count INTEGER NOT NULL, version INTEGER NOT NULL, last_event_id TEXT NOT NULL,"
    " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, valid_from INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX IF NOT EXISTS invoice_list_by_id ON invoice_list (tenant, id);"
    // Newest first is the list's default order; with the status in it, the index alone lists
    // the rows that are not DELETED, so the first page of 100k invoices reads no table row.
    "CREATE INDEX IF NOT EXISTS invoice_list_by_created ON invoice_list (tenant, created_at, status);"
    "CREATE INDEX IF NOT EXISTS invoice_list_by_customer ON invoice_list (tenant, customer_id);"
    "CREATE TABLE IF NOT EXISTS invoice_list_customers ("
    " tenant TEXT NOT NULL, customer_id TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL,"
    " invoice_count INTEGER NOT NULL, PRIMARY KEY (tenant, customer_id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS invoice_list_balances ("
    " tenant TEXT NOT NULL, customer_id TEXT NOT NULL, currency TEXT NOT NULL, digits INTEGER NOT NULL,"
    " open_due NOT NULL, open_count INTEGER NOT NULL,"
    " PRIMARY KEY (tenant, customer_id, currency)) WITHOUT ROWID;"
    // Without the size of each row's columns (columnsize=0): they serve only ranking (bm25),
    // which no search uses, and a rebuild wrote one more row for each invoice.
    "CREATE VIRTUAL TABLE IF NOT EXISTS invoice_list_fts USING fts5("
    " number, customer_name, notes, content='invoice_list', content_rowid='rowid', tokenize='trigram',"
    " columnsize=0);"
    "CREATE TABLE IF NOT EXISTS invoice_list_search_state (id INTEGER PRIMARY KEY CHECK (id = 1),"
    " stale INTEGER NOT NULL);"
    // A fresh projection starts stale: a rebuild fills the index in one pass at its end.
    "INSERT OR IGNORE INTO invoice_list_search_state (id, stale) VALUES (1, 1);"
    "CREATE TRIGGER IF NOT EXISTS invoice_list_fts_insert AFTER INSERT ON invoice_list"
    " WHEN (SELECT stale FROM invoice_list_search_state) = 0 BEGIN"
    " INSERT INTO invoice_list_fts (rowid, number, customer_name, notes)"
    " VALUES (new.rowid, new.number, new.customer_name, new.notes); END;"
    "CREATE TRIGGER IF NOT EXISTS invoice_list_fts_update AFTER UPDATE OF number, customer_name, notes ON invoice_list"
    " WHEN (old.number IS NOT new.number OR old.customer_name IS NOT new.customer_name OR old.notes IS NOT new.notes)"
    " AND (SELECT stale FROM invoice_list_search_state) = 0 BEGIN"
    " INSERT INTO invoice_list_fts (invoice_list_fts, rowid, number, customer_name, notes)"
    " VALUES ('delete', old.rowid, old.number, old.customer_name, old.notes);"
    " INSERT INTO invoice_list_fts (rowid, number, customer_name, notes)"
    " VALUES (new.rowid, new.number, new.customer_name, new.notes); END;"
    "CREATE TRIGGER IF NOT EXISTS invoice_list_fts_delete AFTER DELETE ON invoice_list"
    " WHEN (SELECT stale FROM invoice_list_search_state) = 0 BEGIN"
    " INSERT INTO invoice_list_fts (invoice_list_fts, rowid, number, customer_name, notes)"
    " VALUES ('delete', old.rowid, old.number, old.customer_name, old.notes); END;";

constexpr const char *DropSchema =
    "DROP TRIGGER IF EXISTS invoice_list_fts_insert;"
    "DROP TRIGGER IF EXISTS invoice_list_fts_update;"
    "DROP TRIGGER IF EXISTS invoice_list_fts_delete;"
    "DROP TABLE IF EXISTS invoice_list_fts;"
    "DROP TABLE IF EXISTS invoice_list_search_state;"
    "DROP TABLE IF EXISTS invoice_list;"
    // Schema 3 and older kept every superseded version (schema 4 folds them from the log).
    "DROP TABLE IF EXISTS invoice_list_history;"
    "DROP TABLE IF EXISTS invoice_list_customers;"
    "DROP TABLE IF EXISTS invoice_list_balances;";

constexpr const char *SqlFindRow =
    "SELECT version, last_event_id, updated_at, valid_from, customer_id, status, currency, digits, due"
    " FROM invoice_list WHERE tenant = ?1 AND id = ?2";

#define BILLSTREAM_INSERT_ROW \
    "INSERT INTO invoice_list (tenant, id, number, customer_id, customer_name, status, issue_date, due_date," \
    " currency, digits, net, tax, total, paid, due, notes, line_count, version, last_event_id, created_at," \
    " updated_at, valid_from)" \
    " VALUES (?1, ?2, ?3, ?4, ?21, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?22, ?19, ?20)"

constexpr const char *SqlInsertRow = BILLSTREAM_INSERT_ROW " ON CONFLICT (tenant, id) DO NOTHING";
// A replay writes each row once, while the unique index is dropped (ReadSide::rebuildPass).
constexpr const char *SqlInsertRowBulk = BILLSTREAM_INSERT_ROW;

// ?3..?19: the row's values (bindRow), ?20: valid_from. The guard (?21, ?22) proves the
// row is at the version and event the cached state was folded from. The customer (?4) is
// set by its own statement when it changes, so its index is not rewritten on every event.
#define BILLSTREAM_ROW_SET \
    "number = ?3, status = ?5, issue_date = ?6, due_date = ?7, currency = ?8, digits = ?9, net = ?10," \
    " tax = ?11, total = ?12, paid = ?13, due = ?14, notes = ?15, line_count = ?16, version = ?17," \
    " last_event_id = ?18, updated_at = ?19, valid_from = ?20"

constexpr const char *SqlUpdateGuarded =
    "UPDATE invoice_list SET " BILLSTREAM_ROW_SET
    " WHERE tenant = ?1 AND id = ?2 AND version = ?21 AND last_event_id = ?22";
constexpr const char *SqlUpdate = "UPDATE invoice_list SET " BILLSTREAM_ROW_SET " WHERE tenant = ?1 AND id = ?2";

constexpr const char *SqlSetCustomer =
    "UPDATE invoice_list SET customer_id = ?3, customer_name = ?4 WHERE tenant = ?1 AND id = ?2";

constexpr const char *SqlCustomerName =
    "SELECT name, version FROM invoice_list_customers WHERE tenant = ?1 AND customer_id = ?2";
constexpr const char *SqlUpsertCustomerName =
    "INSERT INTO invoice_list_customers (tenant, customer_id, name, version, invoice_count)"
    " VALUES (?1, ?2, ?3, ?4, 0) ON CONFLICT (tenant, customer_id)"
    " DO UPDATE SET name = excluded.name, version = excluded.version";
constexpr const char *SqlRenameRows =
    "UPDATE invoice_list SET customer_name = ?3 WHERE tenant = ?1 AND customer_id = ?2 AND customer_name IS NOT ?3";
constexpr const char *SqlAddCount =
    "INSERT INTO invoice_list_customers (tenant, customer_id, name, version, invoice_count)"
    " VALUES (?1, ?2, '', 0, ?3) ON CONFLICT (tenant, customer_id)"
    " DO UPDATE SET invoice_count = invoice_count + excluded.invoice_count";
constexpr const char *SqlBalanceGet =
    "SELECT open_due, open_count FROM invoice_list_balances WHERE tenant = ?1 AND customer_id = ?2 AND currency = ?3";
constexpr const char *SqlBalancePut =
    "INSERT INTO invoice_list_balances (tenant, customer_id, currency, digits, open_due, open_count)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (tenant, customer_id, currency)"
    " DO UPDATE SET digits = excluded.digits, open_due = excluded.open_due, open_count = excluded.open_count";
constexpr const char *SqlBalanceDelete =
    "DELETE FROM invoice_list_balances WHERE tenant = ?1 AND customer_id = ?2 AND currency = ?3";

constexpr const char *Doing = "update the invoice list";


} // namespace

InvoiceListProjection::InvoiceListProjection(SqliteEventStore &store, std::shared_ptr<const Upcasters> upcasters)
    : m_store(store)
    , m_upcasters(std::move(upcasters))
{
}

InvoiceListProjection::~InvoiceListProjection() = default;

QStringList InvoiceListProjection::tables()
{
    return {QStringLiteral("invoice_list"), QStringLiteral("invoice_list_customers"),
            QStringLiteral("invoice_list_balances")};
}

Status InvoiceListProjection::createSchema(QSqlDatabase &db)
{
    m_cache.clear();
    return ReadSql::exec(ReadSql::handleOf(db), Schema, QStringLiteral("create the invoice list tables"));
}

Status InvoiceListProjection::dropSchema(QSqlDatabase &db)
{
    m_cache.clear();
    m_sql.clear();  // statements on dropped tables would have to be prepared again anyway
    return ReadSql::exec(ReadSql::handleOf(db), DropSchema, QStringLiteral("drop the invoice list tables"));
}

Result<bool> InvoiceListProjection::searchIndexStale(const QSqlDatabase &db)
{
    sqlite3 *h = ReadSql::handleOf(db);
    sqlite3_stmt *raw = nullptr;
    if (sqlite3_prepare_v2(h, "SELECT stale FROM invoice_list_search_state WHERE id = 1", -1, &raw, nullptr) != SQLITE_OK) {
        sqlite3_finalize(raw);
        return true;  // no table: nothing to search with
    }
    const int rc = sqlite3_step(raw);
    const bool stale = rc != SQLITE_ROW || sqlite3_column_int64(raw, 0) != 0;
    sqlite3_finalize(raw);
    return stale;
}

Status InvoiceListProjection::rebuildSearchIndex(QSqlDatabase &db)
{
    // FTS5 writes what it has gathered as a new segment whenever 1 MB of it is pending, and
    // merges the segments as they pile up: with 16 MB the index of 100,000 invoices (16 MB)
    // is built a fifth faster (0.45 -> 0.36 s). Appends pend a few rows at a time.
    return ReadSql::exec(ReadSql::handleOf(db),
                         "INSERT INTO invoice_list_fts (invoice_list_fts, rank) VALUES ('hashsize', 16777216);"
                         "INSERT INTO invoice_list_fts (invoice_list_fts) VALUES ('rebuild');"
                         "UPDATE invoice_list_search_state SET stale = 0 WHERE id = 1;",
                         QStringLiteral("build the invoice search index"));
}

void InvoiceListProjection::bindRow(Stmt &s, const InvoiceRow &row, int first)
{
    // ?3..?19 relative to first == 3
    const int o = first - 3;
    s.bind(o + 3, row.number);
    s.bind(o + 4, row.customerId);
    s.bind(o + 5, row.status);
    s.bindDate(o + 6, row.issueDate);
    s.bindDate(o + 7, row.dueDate);
    s.bind(o + 8, row.currency);
    s.bind(o + 9, row.digits);
    s.bindAmount(o + 10, row.net);
    s.bindAmount(o + 11, row.tax);
    s.bindAmount(o + 12, row.total);
    s.bindAmount(o + 13, row.paid);
    s.bindAmount(o + 14, row.due);
    s.bind(o + 15, row.notes);
    s.bind(o + 16, row.lineCount);
    s.bind(o + 17, row.version);
    s.bind(o + 18, row.lastEventId);
    s.bind(o + 19, row.updatedAtMs);
}

Status InvoiceListProjection::apply(QSqlDatabase &db, const RecordedEvent &event)
{
    if (m_bulk)
        return {};  // folded by prepare() on the preparing thread; written by applyPrepared()
    if (event.streamType != Wire::StreamType::Invoice && event.streamType != Wire::StreamType::Customer)
        return {};
    sqlite3 *h = ReadSql::handleOf(db);
    if (!h)
        return fail(Error::failure(QStringLiteral("The invoice list needs an SQLite connection.")));
    std::optional<RecordedEvent> upcast;
    if (!m_upcasters->isEmpty())
        upcast = m_upcasters->upcast(event);
    const RecordedEvent &e = upcast ? *upcast : event;
    if (e.streamType == Wire::StreamType::Customer)
        return applyCustomer(db, h, e);
    return applyInvoice(db, h, &e, &e + 1);
}

Status InvoiceListProjection::applyAppend(QSqlDatabase &db, const QList<RecordedEvent> &events)
{
    sqlite3 *h = ReadSql::handleOf(db);
    if (!h)
        return fail(Error::failure(QStringLiteral("The invoice list needs an SQLite connection.")));
    qsizetype i = 0;
    while (i < events.size()) {
        const RecordedEvent &first = events.at(i);
        qsizetype end = i + 1;
        // An append writes each stream's events together; with upcasters every event goes the
        // one-by-one way (an upcast copy per event).
        if (first.streamType == Wire::StreamType::Invoice && !m_bulk && m_upcasters->isEmpty()) {
            while (end < events.size() && events.at(end).streamId == first.streamId
                   && events.at(end).tenantId == first.tenantId && events.at(end).streamType == first.streamType
                   && events.at(end).version == events.at(end - 1).version + 1
                   && events.at(end).recordedAt == first.recordedAt)
                ++end;
        }
        const Status s = end - i == 1 ? apply(db, first) : applyInvoice(db, h, events.constData() + i, events.constData() + end);
        if (!s)
            return fail(applyError(first, s.error()));
        i = end;
    }
    return {};
}

// Events of one invoice, consecutive versions with one recorded time (one event, or an append's
// run of them), folded onto the cached state in one go and the row written once: the row is what
// applying them one by one would leave (history is kept per recorded time, and they have one; the
// customer figures change by the difference between the row before and after).
Status InvoiceListProjection::applyInvoice(QSqlDatabase &db, sqlite3 *h, const RecordedEvent *begin,
                                           const RecordedEvent *end)
{
    const RecordedEvent &e1 = *begin;
    const RecordedEvent &last = *(end - 1);
    const qint64 timeMs = last.recordedAt.toMSecsSinceEpoch();
    // Whenever the cached state or the row is not what it must be: one event is folded from the
    // log (applySlow, which finds its way from any state), a run goes event by event.
    const auto otherwise = [&]() -> Status {
        if (end - begin == 1)
            return applySlow(db, h, e1);
        for (const RecordedEvent *e = begin; e != end; ++e) {
            if (Status s = applyInvoice(db, h, e, e + 1); !s)
                return s;
        }
        return {};
    };
    bool amountsChange = false;
    for (const RecordedEvent *e = begin; e != end && !amountsChange; ++e)
        amountsChange = changesAmounts(*e);

    if (e1.version == 1) {
        // A new invoice: nothing to fold from.
        FoldedInvoice folded;
        for (const RecordedEvent *e = begin; e != end; ++e)
            applyInvoiceEvent(folded.state, *e);
        folded.row = invoiceRowFromState(folded.state, last, timeMs);
        folded.validFrom = e1.position;
        auto changed = insertRow(db, h, e1, folded.row);
        if (!changed)
            return fail(changed.error());
        if (*changed == 0)
            return otherwise();  // the row exists: already applied, or a stale copy
        if (Status s = adjustCustomer(db, h, e1.tenantId, {}, contributionOf(folded.row)); !s)
            return s;
        m_cache.put(e1.tenantId, e1.streamId, std::move(folded));
        return {};
    }

    const FoldedInvoice *cached = m_cache.find(e1.tenantId, e1.streamId);
    if (!cached || cached->row.version != e1.version - 1)
        return otherwise();
    FoldedInvoice folded;
    folded.state = cached->state;
    for (const RecordedEvent *e = begin; e != end; ++e)
        applyInvoiceEvent(folded.state, *e);
    folded.row = invoiceRowFromState(folded.state, last, cached->row.createdAtMs, amountsChange ? nullptr : &cached->row);
    const InvoiceRow before = cached->row;
    folded.validFrom = cached->validFrom;

    // A change at a later recorded time starts a new version (as of an earlier time, the book
    // folds the invoice from the log); changes within one recorded millisecond are one version.
    if (before.updatedAtMs != timeMs)
        folded.validFrom = e1.position;
    auto changed = updateRow(db, h, e1, folded.row, folded.validFrom, &before);
    if (!changed)
        return fail(changed.error());
    if (*changed == 0) {
        m_cache.remove(e1.tenantId, e1.streamId);
        return otherwise();
    }
    if (folded.row.customerId != before.customerId) {
        if (Status s = setCustomerName(db, h, e1.tenantId, e1.streamId, folded.row.customerId); !s)
            return s;
    }
    if (Status s = adjustCustomer(db, h, e1.tenantId, contributionOf(before), contributionOf(folded.row)); !s)
        return s;
    m_cache.put(e1.tenantId, e1.streamId, std::move(folded));
    return {};
}

Result<int> InvoiceListProjection::insertRow(QSqlDatabase &db, sqlite3 *h, const RecordedEvent &e, const InvoiceRow &row)
{
    auto name = customerName(db, e.tenantId, row.customerId);
    if (!name)
        return fail(name.error());
    return writeRow(db, h, e.tenantId, row, e.position, *name);
}

Result<int> InvoiceListProjection::writeRow(QSqlDatabase &db, sqlite3 *h, const QString &tenant, const InvoiceRow &row,
                                            qint64 validFrom, const QString &customerName)
{
    auto ins = m_sql.get(db, m_bulk ? SqlInsertRowBulk : SqlInsertRow);
    if (!ins)
        return fail(ins.error());
    bindRow(*ins, row, 3);
    ins->bind(1, tenant);
    ins->bind(2, row.id);
    ins->bind(20, validFrom);
    ins->bind(21, customerName);
    ins->bind(22, row.createdAtMs);
    return ReadSql::run(*ins, h, Doing);
}

Result<int> InvoiceListProjection::updateRow(QSqlDatabase &db, sqlite3 *h, const RecordedEvent &e, const InvoiceRow &row,
                                             qint64 validFrom, const InvoiceRow *guard)
{
    auto upd = m_sql.get(db, guard ? SqlUpdateGuarded : SqlUpdate);
    if (!upd)
        return fail(upd.error());
    bindRow(*upd, row, 3);
    upd->bind(1, e.tenantId);
    upd->bind(2, e.streamId);
    upd->bind(20, validFrom);
    if (guard) {
        upd->bind(21, guard->version);
        upd->bind(22, guard->lastEventId);
    }
    return ReadSql::run(*upd, h, Doing);
}

// The stream folded from the log up to (and including) `e`.
Result<InvoiceState> InvoiceListProjection::refold(EventStore &log, const RecordedEvent &e, qint64 *createdAt)
{
    Result<QList<RecordedEvent>> events = log.readStream(e.tenantId, e.streamId, 1, e.version);
    if (!events)
        return fail(events.error());
    // (By position: a replay may hand events over without their ids, ReplayOptions::eventIds.)
    if (events->size() != e.version || events->constLast().position != e.position) {
        return fail(Error::inconsistent(QStringLiteral("The log of invoice %1 does not hold the event at position %2 "
                                                       "as version %3.")
                                            .arg(e.streamId)
                                            .arg(e.position)
                                            .arg(e.version)));
    }
    InvoiceState state;
    for (const RecordedEvent &stored : std::as_const(*events)) {
        if (stored.version == 1)
            *createdAt = stored.recordedAt.toMSecsSinceEpoch();
        applyInvoiceEvent(state, m_upcasters->isEmpty() ? stored : m_upcasters->upcast(stored));
    }
    return state;
}

// No usable cached state: read the row, skip an event it already reflects, else fold the
// stream from the log up to this event and write the row in full.
Status InvoiceListProjection::applySlow(QSqlDatabase &db, sqlite3 *h, const RecordedEvent &e)
{
    m_cache.remove(e.tenantId, e.streamId);
    const qint64 timeMs = e.recordedAt.toMSecsSinceEpoch();
    bool exists = false;
    qint64 rowVersion = 0;
    qint64 rowUpdatedAt = 0;
    qint64 rowValidFrom = 0;
    InvoiceRow beforeRow;
    {
        auto find = m_sql.get(db, SqlFindRow);
        if (!find)
            return fail(find.error());
        ResetGuard guard(*find);
        find->bind(1, e.tenantId);
        find->bind(2, e.streamId);
        const int rc = find->step();
        if (rc == SQLITE_ROW) {
            exists = true;
            rowVersion = find->int64(0);
            rowUpdatedAt = find->int64(2);
            rowValidFrom = find->int64(3);
            beforeRow.customerId = find->text(4);
            beforeRow.status = find->text(5);
            beforeRow.currency = find->text(6);
            beforeRow.digits = int(find->int64(7));
            beforeRow.due = find->amount(8);
        } else if (rc != SQLITE_DONE) {
            return fail(ReadSql::sqlError(h, rc, QString::fromUtf8(Doing)));
        }
    }
    if (exists && rowVersion >= e.version)
        return {};  // applied before: idempotent

    qint64 createdAt = timeMs;
    Result<InvoiceState> state = refold(m_store, e, &createdAt);
    if (!state)
        return fail(state.error());
    FoldedInvoice folded;
    folded.state = std::move(*state);
    folded.row = invoiceRowFromState(folded.state, e, createdAt);

    if (!exists) {
        folded.validFrom = e.position;
        if (auto r = insertRow(db, h, e, folded.row); !r)
            return fail(r.error());
        if (Status s = adjustCustomer(db, h, e.tenantId, {}, contributionOf(folded.row)); !s)
            return s;
    } else {
        folded.validFrom = rowUpdatedAt != timeMs ? e.position : rowValidFrom;
        if (auto r = updateRow(db, h, e, folded.row, folded.validFrom, nullptr); !r)
            return fail(r.error());
        if (folded.row.customerId != beforeRow.customerId) {
            if (Status s = setCustomerName(db, h, e.tenantId, e.streamId, folded.row.customerId); !s)
                return s;
        }
        if (Status s = adjustCustomer(db, h, e.tenantId, contributionOf(beforeRow), contributionOf(folded.row)); !s)
            return s;
    }
    m_cache.put(e.tenantId, e.streamId, std::move(folded));
    return {};
}

Result<QString> InvoiceListProjection::customerName(QSqlDatabase &db, const QString &tenant, const QString &customerId)
{
    if (customerId.isEmpty())
        return QString();
    auto s = m_sql.get(db, SqlCustomerName);
    if (!s)
        return fail(s.error());
    ResetGuard guard(*s);
    s->bind(1, tenant);
    s->bind(2, customerId);
    const int rc = s->step();
    if (rc == SQLITE_ROW)
        return s->text(0);
    if (rc != SQLITE_DONE)
        return fail(ReadSql::sqlError(ReadSql::handleOf(db), rc, QStringLiteral("read a customer name")));
    return QString();
}

Status InvoiceListProjection::setCustomerName(QSqlDatabase &db, sqlite3 *h, const QString &tenant, const QString &id,
                                              const QString &customerId)
{
    auto name = customerName(db, tenant, customerId);
    if (!name)
        return fail(name.error());
    auto s = m_sql.get(db, SqlSetCustomer);
    if (!s)
        return fail(s.error());
    s->bind(1, tenant);
    s->bind(2, id);
    s->bind(3, customerId);
    s->bind(4, *name);
    if (auto r = ReadSql::run(*s, h, "set the customer of an invoice"); !r)
        return fail(r.error());
    return {};
}

Status InvoiceListProjection::adjustCustomer(QSqlDatabase &db, sqlite3 *h, const QString &tenant,
                                             const CustomerContribution &before, const CustomerContribution &after)
{
    if (before == after)
        return {};
    const char *doing = "update the customer figures of the invoice list";
    const auto addCount = [&](const QString &customerId, qint64 delta) -> Status {
        if (customerId.isEmpty() || delta == 0)
            return {};
        auto s = m_sql.get(db, SqlAddCount);
        if (!s)
            return fail(s.error());
        s->bind(1, tenant);
        s->bind(2, customerId);
        s->bind(3, delta);
        if (auto r = ReadSql::run(*s, h, doing); !r)
            return fail(r.error());
        return {};
    };
    const auto addBalance = [&](const CustomerContribution &c, int sign) -> Status {
        if (!c.open || c.customerId.isEmpty())
            return {};
        Int128 due = 0;
        qint64 count = 0;
        {
            auto get = m_sql.get(db, SqlBalanceGet);
            if (!get)
                return fail(get.error());
            ResetGuard guard(*get);
            get->bind(1, tenant);
            get->bind(2, c.customerId);
            get->bind(3, c.currency);
            const int rc = get->step();
            if (rc == SQLITE_ROW) {
                due = get->amount(0);
                count = get->int64(1);
            } else if (rc != SQLITE_DONE) {
                return fail(ReadSql::sqlError(h, rc, QString::fromUtf8(doing)));
            }
        }
        due += sign * c.due;
        count += sign;
        if (count <= 0 && due == 0) {
            auto del = m_sql.get(db, SqlBalanceDelete);
            if (!del)
                return fail(del.error());
            del->bind(1, tenant);
            del->bind(2, c.customerId);
            del->bind(3, c.currency);
            if (auto r = ReadSql::run(*del, h, doing); !r)
                return fail(r.error());
            return {};
        }
        auto put = m_sql.get(db, SqlBalancePut);
        if (!put)
            return fail(put.error());
        put->bind(1, tenant);
        put->bind(2, c.customerId);
        put->bind(3, c.currency);
        put->bind(4, c.digits);
        put->bindAmount(5, due);
        put->bind(6, count);
        if (auto r = ReadSql::run(*put, h, doing); !r)
            return fail(r.error());
        return {};
    };

    if (before.counted != after.counted || before.customerId != after.customerId) {
        if (Status s = addCount(before.counted ? before.customerId : QString(), -1); !s)
            return s;
        if (Status s = addCount(after.counted ? after.customerId : QString(), +1); !s)
            return s;
    }
    if (before.open || after.open) {
        if (Status s = addBalance(before, -1); !s)
            return s;
        if (Status s = addBalance(after, +1); !s)
            return s;
    }
    return {};
}

// Customer events matter here for one thing: the name shown on the customer's invoices.
Status InvoiceListProjection::applyCustomer(QSqlDatabase &db, sqlite3 *h, const RecordedEvent &e)
{
    if (e.type != Wire::Event::CustomerCreated && e.type != Wire::Event::CustomerRenamed)
        return {};
    CustomerState state;
    qint64 storedVersion = 0;
    bool exists = false;
    {
        auto s = m_sql.get(db, SqlCustomerName);
        if (!s)
            return fail(s.error());
        ResetGuard guard(*s);
        s->bind(1, e.tenantId);
        s->bind(2, e.streamId);
        const int rc = s->step();
        if (rc == SQLITE_ROW) {
            exists = true;
            state.name = s->text(0);
            storedVersion = s->int64(1);
        } else if (rc != SQLITE_DONE) {
            return fail(ReadSql::sqlError(h, rc, QString::fromUtf8(Doing)));
        }
    }
    if (exists && storedVersion >= e.version)
        return {};  // applied before
    const QString before = state.name;
    state = evolveCustomer(std::move(state), e);
    auto up = m_sql.get(db, SqlUpsertCustomerName);
    if (!up)
        return fail(up.error());
    up->bind(1, e.tenantId);
    up->bind(2, e.streamId);
    up->bind(3, state.name);
    up->bind(4, e.version);
    if (auto r = ReadSql::run(*up, h, Doing); !r)
        return fail(r.error());
    if (state.name != before) {
        auto ren = m_sql.get(db, SqlRenameRows);
        if (!ren)
            return fail(ren.error());
        ren->bind(1, e.tenantId);
        ren->bind(2, e.streamId);
        ren->bind(3, state.name);
        if (auto r = ReadSql::run(*ren, h, Doing); !r)
            return fail(r.error());
    }
    return {};
}


// --- bulk replay --------------------------------------------------------------------------------

Status InvoiceListProjection::beginBulk(QSqlDatabase &)
{
    abortBulk();
    m_cache.clear();
    m_bulk = true;
    return {};
}

void InvoiceListProjection::abortBulk()
{
    m_bulk = false;
    m_bulkRows.clear();
    m_bulkIndex.clear();
    m_bulkCustomers.clear();
    m_bulkCustomerIndex.clear();
    m_pending = -1;
    m_pendingLast = nullptr;
    m_pendingCopy = {};
    m_lastAt = -1;
    m_recent.clear();
    m_cache.clear();
    m_preparing = nullptr;
    m_applying = nullptr;
    m_figureAt = 0;
    m_foldFailed = false;
}

// A replay's batch as prepare() leaves it for the writing thread: what the revenue takes from
// the batch's events.
struct InvoiceListProjection::Prepared final : ReplayPrepared
{
    std::vector<std::pair<qint64, RevenueFact>> facts;  // by position, ascending
    std::optional<Error> error;                          // the fold stopped here
};

std::unique_ptr<ReplayPrepared> InvoiceListProjection::prepare(const QList<RecordedEvent> &batch, EventStore &log)
{
    auto prepared = std::make_unique<Prepared>();
    prepared->facts.reserve(size_t(batch.size() / 4));  // about one event in ten is one
    m_preparing = prepared.get();
    for (const RecordedEvent &event : batch) {
        if (m_foldFailed)
            break;
        if (event.streamType != Wire::StreamType::Invoice && event.streamType != Wire::StreamType::Customer)
            continue;
        std::optional<RecordedEvent> upcast;
        if (!m_upcasters->isEmpty())
            upcast = m_upcasters->upcast(event);
        const RecordedEvent &e = upcast ? *upcast : event;
        if (e.streamType == Wire::StreamType::Customer) {
            applyBulkCustomer(e);
        } else if (Status s = applyBulkInvoice(log, e, !upcast); !s) {
            m_foldFailed = true;
            prepared->error = Error::failure(QStringLiteral("The invoice list could not fold the event at position %1: %2")
                                                 .arg(e.position)
                                                 .arg(s.error().message));
        }
    }
    // A run may go on in the next batch; this one is handed on.
    if (m_pending >= 0 && m_pendingLast && m_pendingLast != &m_pendingCopy) {
        m_pendingCopy = *m_pendingLast;
        m_pendingLast = &m_pendingCopy;
    }
    m_preparing = nullptr;
    return prepared;
}

Status InvoiceListProjection::applyPrepared(QSqlDatabase &, ReplayPrepared &prepared)
{
    auto &p = static_cast<Prepared &>(prepared);
    m_applying = &p;
    m_figureAt = 0;
    if (p.error)
        return fail(*p.error);
    return {};
}

void InvoiceListProjection::finishPrepare()
{
    finishPending();
    // The folded states and the rows' index by id served the fold only. They are set aside
    // here and freed by releasePrepared(), on the thread that allocated them, while the
    // writing thread writes the rows (freeing them first made it wait 0.13 s).
    m_retired.recent.swap(m_recent);
    m_retired.states.reserve(m_retired.recent.size());
    for (const qsizetype at : m_retired.recent) {
        BulkRow &b = m_bulkRows[size_t(at)];
        m_retired.states.push_back(std::move(b.state));
        b.recent = m_recent.end();
    }
    // (Every other row's `recent` is read no more: endBulk() writes the rows and forgets them.)
    m_retired.index.swap(m_bulkIndex);
    m_lastAt = -1;
}

void InvoiceListProjection::releasePrepared()
{
    m_retired = {};
}

const RevenueFact *InvoiceListProjection::revenueFactAt(qint64 position)
{
    if (!m_applying)
        return nullptr;
    const auto &facts = m_applying->facts;
    // The revenue asks in log order: a cursor, not a search.
    while (m_figureAt < facts.size() && facts[m_figureAt].first < position)
        ++m_figureAt;
    if (m_figureAt < facts.size() && facts[m_figureAt].first == position)
        return &facts[m_figureAt].second;
    return nullptr;
}

// The row of the stream changed last is built once its command's events are through.
void InvoiceListProjection::finishPending()
{
    if (m_pending < 0)
        return;
    BulkRow &b = m_bulkRows[size_t(m_pending)];
    m_pending = -1;
    if (!b.state)
        return;
    const QString customerBefore = b.row.customerId;
    const bool countedBefore = isCounted(b.row);
    const bool first = b.row.version == 0;
    b.row = invoiceRowFromState(*b.state, *m_pendingLast, b.createdAtMs,
                                first || m_pendingAmounts ? nullptr : &b.row);
    if (!b.row.customerId.isEmpty() && (b.row.customerId != customerBefore || !countedBefore) && isCounted(b.row))
        bulkCustomer(b.tenant, b.row.customerId);
}

void InvoiceListProjection::applyBulkCustomer(const RecordedEvent &e)
{
    if (e.type != Wire::Event::CustomerCreated && e.type != Wire::Event::CustomerRenamed)
        return;
    BulkCustomer &c = m_bulkCustomers[size_t(bulkCustomer(e.tenantId, e.streamId))];
    if (c.version >= e.version)
        return;
    CustomerState state;
    state.name = c.name;
    state = evolveCustomer(std::move(state), e);
    c.name = state.name;
    c.version = e.version;
}

qsizetype InvoiceListProjection::bulkCustomer(const QString &tenant, const QString &id)
{
    qsizetype at = m_bulkCustomerIndex.value(tenant, id);
    if (at < 0) {
        at = qsizetype(m_bulkCustomers.size());
        m_bulkCustomers.push_back({tenant, id, QString(), 0});
        m_bulkCustomerIndex.insert(tenant, id, at);
    }
    return at;
}

Status InvoiceListProjection::applyBulkInvoice(EventStore &log, const RecordedEvent &e, bool inBatch)
{
    const qint64 timeMs = e.recordedAt.toMSecsSinceEpoch();
    // A command's events of one invoice come one after another: only the first is looked up.
    // A stream's first event starts a row (the log holds one event per stream and version).
    if (m_lastAt < 0 || e.streamId != m_bulkRows[size_t(m_lastAt)].streamId
        || e.tenantId != m_bulkRows[size_t(m_lastAt)].tenant)
        m_lastAt = e.version == 1 ? -1 : m_bulkIndex.value(e.tenantId, e.streamId);
    qsizetype at = m_lastAt;
    const bool continues = m_pending >= 0 && m_pending == at && m_pendingTimeMs == timeMs;
    if (!continues)
        finishPending();
    if (at >= 0 && m_bulkRows[size_t(at)].folded >= e.version)
        return {};
    if (at < 0) {
        at = qsizetype(m_bulkRows.size());
        BulkRow fresh;
        fresh.tenant = e.tenantId;
        fresh.streamId = e.streamId;
        fresh.recent = m_recent.end();
        fresh.createdAtMs = timeMs;
        fresh.validFrom = e.position;
        m_bulkRows.push_back(std::move(fresh));
        m_bulkIndex.insert(e.tenantId, e.streamId, at);
        m_lastAt = at;
    }
    BulkRow &b = m_bulkRows[size_t(at)];

    // The folded state: kept for recently used invoices, else folded again from the log.
    const auto fold = [this, &e](InvoiceState &state) {
        if (e.payloadJson.isNull()) {
            applyInvoiceEvent(state, e);
        } else {
            m_payload.parse(e.payloadJson);
            applyInvoiceEvent(state, e, m_payload);
        }
    };
    if (e.version == 1) {
        b.state = std::make_unique<InvoiceState>();
        fold(*b.state);
    } else if (b.state && b.folded == e.version - 1) {
        fold(*b.state);
    } else {
        Result<InvoiceState> state = refold(log, e, &b.createdAtMs);
        if (!state)
            return fail(state.error());
        b.state = std::make_unique<InvoiceState>(std::move(*state));
    }
    b.folded = e.version;
    if (b.recent != m_recent.end())
        m_recent.splice(m_recent.begin(), m_recent, b.recent);
    else
        m_recent.push_front(at);
    b.recent = m_recent.begin();

    if (!continues) {
        if (b.row.version != 0 && b.row.updatedAtMs != timeMs)
            b.validFrom = e.position;  // a new version, at a later recorded time
        m_pending = at;
        m_pendingTimeMs = timeMs;
        m_pendingAmounts = false;
    }
    // The row itself is built when the run ends (finishPending), from its last event: where it
    // is in the batch (copying its strings for each event cost the folding thread 7 %).
    if (inBatch) {
        m_pendingLast = &e;
    } else {
        m_pendingCopy = e;
        m_pendingLast = &m_pendingCopy;
    }
    m_pendingAmounts = m_pendingAmounts || changesAmounts(e);
    // The revenue reads an invoice's figures when it is issued and at each payment, and sees
    // it voided.
    if (e.type == Wire::Event::InvoiceStatusSet) {
        if (b.state->status == InvoiceStatus::Issued) {
            finishPending();
            m_preparing->facts.emplace_back(e.position, RevenueFact{RevenueFact::Kind::Issued, RevenueFigures::of(b.row), {}, {}});
        } else if (b.state->status == InvoiceStatus::Void) {
            // The figures as issued (frozen since; the VOID's own command is still open).
            m_preparing->facts.emplace_back(e.position, RevenueFact{RevenueFact::Kind::Voided, RevenueFigures::of(b.row), {}, {}});
        }
    } else if (e.type == Wire::Event::PaymentRecorded && !b.state->payments.isEmpty()) {
        finishPending();
        m_preparing->facts.emplace_back(e.position,
                                        RevenueFact{RevenueFact::Kind::Payment, RevenueFigures::of(b.row),
                                                    b.state->payments.constLast().amount,
                                                    b.state->payments.constLast().date});
    }

    // Only so many folded states stay in memory.
    while (qsizetype(m_recent.size()) > BulkStates) {
        const qsizetype old = m_recent.back();
        m_recent.pop_back();
        if (old == m_pending)
            finishPending();
        m_bulkRows[size_t(old)].state.reset();
        m_bulkRows[size_t(old)].recent = m_recent.end();
    }
    return {};
}

Status InvoiceListProjection::endBulk(QSqlDatabase &db)
{
    if (!m_bulk)
        return {};
    finishPending();
    sqlite3 *h = ReadSql::handleOf(db);
    const char *doing = "write the rebuilt invoice list";

    // Rows, in the order the invoices first appeared (as appends create them).
    std::vector<qint64> counts(m_bulkCustomers.size());  // by customer
    struct Open
    {
        int digits = 0;
        Int128 due = 0;
        qint64 count = 0;
    };
    QMap<std::tuple<QString, QString, QString>, Open> open;         // tenant, customer, currency
    for (const BulkRow &b : m_bulkRows) {
        const qsizetype c = b.row.customerId.isEmpty() ? -1 : m_bulkCustomerIndex.value(b.tenant, b.row.customerId);
        if (auto r = writeRow(db, h, b.tenant, b.row, b.validFrom, c >= 0 ? m_bulkCustomers[size_t(c)].name : QString());
            !r)
            return fail(r.error());
        const CustomerContribution cc = contributionOf(b.row);
        if (cc.customerId.isEmpty())
            continue;
        if (cc.counted) {
            // (Counted rows' customers were added by the fold, finishPending().)
            const qsizetype at = c >= 0 ? c : bulkCustomer(b.tenant, cc.customerId);
            counts.resize(std::max(counts.size(), size_t(at) + 1));
            counts[size_t(at)] += 1;
        }
        if (cc.open) {
            Open &o = open[{b.tenant, cc.customerId, cc.currency}];
            o.digits = cc.digits;
            o.due += cc.due;
            o.count += 1;
        }
    }
    // Customers: those with a name, and those any invoice counted for at some point.
    for (size_t i = 0; i < m_bulkCustomers.size(); ++i) {
        const BulkCustomer &c = m_bulkCustomers[i];
        auto up = m_sql.get(db, SqlUpsertCustomerName);
        if (!up)
            return fail(up.error());
        up->bind(1, c.tenant);
        up->bind(2, c.id);
        up->bind(3, c.name);
        up->bind(4, c.version);
        if (auto r = ReadSql::run(*up, h, doing); !r)
            return fail(r.error());
        if (const qint64 n = i < counts.size() ? counts[i] : 0; n != 0) {
            auto add = m_sql.get(db, SqlAddCount);
            if (!add)
                return fail(add.error());
            add->bind(1, c.tenant);
            add->bind(2, c.id);
            add->bind(3, n);
            if (auto r = ReadSql::run(*add, h, doing); !r)
                return fail(r.error());
        }
    }
    for (auto it = open.cbegin(); it != open.cend(); ++it) {
        auto put = m_sql.get(db, SqlBalancePut);
        if (!put)
            return fail(put.error());
        put->bind(1, std::get<0>(it.key()));
        put->bind(2, std::get<1>(it.key()));
        put->bind(3, std::get<2>(it.key()));
        put->bind(4, it->digits);
        put->bindAmount(5, it->due);
        put->bind(6, it->count);
        if (auto r = ReadSql::run(*put, h, doing); !r)
            return fail(r.error());
    }
    abortBulk();  // the rows are written; the fold cache starts cold for appends
    return {};
}

// Of a customer only the name shows, from the customer domain's fold of the parsed payload; of
// an invoice neither its frozen parties nor its deliveries. The invoice fold reads the stored
// text (PayloadJson). Types unknown here are parsed (an upcaster or a newer program's event).
SqliteEventStore::Payload InvoiceListProjection::payloadOf(const QString &t) const
{
    using namespace Wire::Event;
    using P = SqliteEventStore::Payload;
    if (!isKnown(t) || t == CustomerCreated || t == CustomerRenamed)
        return P::Parsed;
    const QString stream = streamTypeOf(t);
    if (stream != Wire::StreamType::Invoice && stream != Wire::StreamType::Customer)
        return P::Skip;  // the company's settings and the number sequences
    static const QString *const invoiceReads[] = {&InvoiceCreated,    &InvoiceCustomerSet, &InvoiceCurrencySet,
                                                  &InvoiceStatusSet,  &InvoiceDueDateSet,  &InvoiceNotesSet,
                                                  &LineItemAdded,     &LineItemUpdated,    &LineItemRemoved,
                                                  &InvoiceNumberAssigned, &PaymentRecorded};
    return std::any_of(std::begin(invoiceReads), std::end(invoiceReads), [&t](const QString *r) { return *r == t; })
        ? P::Stored
        : P::None;
}

} // namespace Billstream
