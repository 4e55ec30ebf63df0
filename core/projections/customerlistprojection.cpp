#include "core/projections/customerlistprojection.h"

#include "core/domain/domainevents.h"

#include <sqlite3.h>

namespace Billstream {

using ReadSql::ResetGuard;

namespace {

constexpr const char *Schema =
    "CREATE TABLE IF NOT EXISTS customer_list ("
    " tenant TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL,"
    " street TEXT NOT NULL, postal_code TEXT NOT NULL, city TEXT NOT NULL, country TEXT NOT NULL,"
    " tax_id TEXT NOT NULL, archived INTEGER NOT NULL, version INTEGER NOT NULL, last_event_id TEXT NOT NULL,"
    " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, valid_from INTEGER NOT NULL,"
    " UNIQUE (tenant, id));"
    "CREATE INDEX IF NOT EXISTS customer_list_by_name ON customer_list (tenant, name COLLATE NOCASE);"
    "CREATE TABLE IF NOT EXISTS customer_list_history ("
    " tenant TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL,"
    " street TEXT NOT NULL, postal_code TEXT NOT NULL, city TEXT NOT NULL, country TEXT NOT NULL,"
    " tax_id TEXT NOT NULL, archived INTEGER NOT NULL, version INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, valid_from INTEGER NOT NULL,"
    " valid_to INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS customer_list_history_by_end ON customer_list_history (tenant, valid_to);";

constexpr const char *DropSchema = "DROP TABLE IF EXISTS customer_list; DROP TABLE IF EXISTS customer_list_history;";

constexpr const char *SqlFind =
    "SELECT name, email, street, postal_code, city, country, tax_id, archived, version, updated_at, valid_from,"
    " created_at FROM customer_list WHERE tenant = ?1 AND id = ?2";
constexpr const char *SqlHistory =
    "INSERT INTO customer_list_history (tenant, id, name, email, street, postal_code, city, country, tax_id,"
    " archived, version, created_at, updated_at, valid_from, valid_to)"
    " SELECT tenant, id, name, email, street, postal_code, city, country, tax_id, archived, version, created_at,"
    " updated_at, valid_from, ?3 FROM customer_list WHERE tenant = ?1 AND id = ?2";
constexpr const char *SqlHistoryValues =
    "INSERT INTO customer_list_history (tenant, id, name, email, street, postal_code, city, country, tax_id,"
    " archived, version, created_at, updated_at, valid_from, valid_to)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
constexpr const char *SqlUpsert =
    "INSERT INTO customer_list (tenant, id, name, email, street, postal_code, city, country, tax_id, archived,"
    " version, last_event_id, created_at, updated_at, valid_from)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
    " ON CONFLICT (tenant, id) DO UPDATE SET name = excluded.name, email = excluded.email,"
    " street = excluded.street, postal_code = excluded.postal_code, city = excluded.city,"
    " country = excluded.country, tax_id = excluded.tax_id, archived = excluded.archived,"
    " version = excluded.version, last_event_id = excluded.last_event_id, updated_at = excluded.updated_at,"
    " valid_from = excluded.valid_from";

} // namespace

CustomerListProjection::CustomerListProjection(SqliteEventStore &store, std::shared_ptr<const Upcasters> upcasters)
    : m_store(store)
    , m_upcasters(std::move(upcasters))
{
}

CustomerListProjection::~CustomerListProjection() = default;

QStringList CustomerListProjection::tables()
{
    return {QStringLiteral("customer_list"), QStringLiteral("customer_list_history")};
}

Status CustomerListProjection::createSchema(QSqlDatabase &db)
{
    return ReadSql::exec(ReadSql::handleOf(db), Schema, QStringLiteral("create the customer list tables"));
}

Status CustomerListProjection::dropSchema(QSqlDatabase &db)
{
    m_sql.clear();
    return ReadSql::exec(ReadSql::handleOf(db), DropSchema, QStringLiteral("drop the customer list tables"));
}

Result<CustomerState> CustomerListProjection::refold(const RecordedEvent &e, qint64 *createdAt)
{
    Result<QList<RecordedEvent>> events = m_store.readStream(e.tenantId, e.streamId, 1, e.version);
    if (!events)
        return fail(events.error());
    // (By position: a replay may hand events over without their ids, ReplayOptions::eventIds.)
    if (events->size() != e.version || events->constLast().position != e.position) {
        return fail(Error::inconsistent(QStringLiteral("The log of customer %1 does not hold the event at position %2 "
                                                       "as version %3.")
                                            .arg(e.streamId)
                                            .arg(e.position)
                                            .arg(e.version)));
    }
    CustomerState state;
    for (const RecordedEvent &stored : std::as_const(*events)) {
        if (stored.version == 1)
            *createdAt = stored.recordedAt.toMSecsSinceEpoch();
        state = evolveCustomer(std::move(state), m_upcasters->isEmpty() ? stored : m_upcasters->upcast(stored));
    }
    return state;
}

Status CustomerListProjection::write(QSqlDatabase &db, sqlite3 *h, const Row &row)
{
    auto up = m_sql.get(db, SqlUpsert);
    if (!up)
        return fail(up.error());
    up->bind(1, row.tenant);
    up->bind(2, row.id);
    up->bind(3, row.state.name);
    up->bind(4, row.state.email);
    up->bind(5, row.state.address.street);
    up->bind(6, row.state.address.postalCode);
    up->bind(7, row.state.address.city);
    up->bind(8, row.state.address.country);
    up->bind(9, row.state.taxId);
    up->bind(10, qint64(row.state.archived ? 1 : 0));
    up->bind(11, row.version);
    up->bind(12, row.lastEventId);
    up->bind(13, row.createdAt);
    up->bind(14, row.updatedAt);
    up->bind(15, row.validFrom);
    if (auto r = ReadSql::run(*up, h, "update the customer list"); !r)
        return fail(r.error());
    return {};
}

Status CustomerListProjection::writeHistory(QSqlDatabase &db, sqlite3 *h, const Row &row, qint64 validTo)
{
    auto ins = m_sql.get(db, SqlHistoryValues);
    if (!ins)
        return fail(ins.error());
    ins->bind(1, row.tenant);
    ins->bind(2, row.id);
    ins->bind(3, row.state.name);
    ins->bind(4, row.state.email);
    ins->bind(5, row.state.address.street);
    ins->bind(6, row.state.address.postalCode);
    ins->bind(7, row.state.address.city);
    ins->bind(8, row.state.address.country);
    ins->bind(9, row.state.taxId);
    ins->bind(10, qint64(row.state.archived ? 1 : 0));
    ins->bind(11, row.version);
    ins->bind(12, row.createdAt);
    ins->bind(13, row.updatedAt);
    ins->bind(14, row.validFrom);
    ins->bind(15, validTo);
    if (auto r = ReadSql::run(*ins, h, "keep the history of a customer"); !r)
        return fail(r.error());
    return {};
}

Status CustomerListProjection::apply(QSqlDatabase &db, const RecordedEvent &event)
{
    if (event.streamType != Wire::StreamType::Customer)
        return {};
    sqlite3 *h = ReadSql::handleOf(db);
    std::optional<RecordedEvent> upcast;
    if (!m_upcasters->isEmpty())
        upcast = m_upcasters->upcast(event);
    const RecordedEvent &e = upcast ? *upcast : event;
    const qint64 timeMs = e.recordedAt.toMSecsSinceEpoch();

    Row row;
    bool exists = false;
    Row *bulk = nullptr;
    if (m_bulk) {
        const qsizetype at = m_bulkIndex.value(e.tenantId, e.streamId);
        if (at >= 0) {
            bulk = &m_bulkRows[size_t(at)];
            row = *bulk;
            exists = true;
        }
    } else {
        auto find = m_sql.get(db, SqlFind);
        if (!find)
            return fail(find.error());
        ResetGuard guard(*find);
        find->bind(1, e.tenantId);
        find->bind(2, e.streamId);
        const int rc = find->step();
        if (rc == SQLITE_ROW) {
            exists = true;
            row.state.id = e.streamId;
            row.state.exists = true;
            row.state.name = find->text(0);
            row.state.email = find->text(1);
            row.state.address = Address{find->text(2), find->text(3), find->text(4), find->text(5)};
            row.state.taxId = find->text(6);
            row.state.archived = find->int64(7) != 0;
            row.version = find->int64(8);
            row.updatedAt = find->int64(9);
            row.validFrom = find->int64(10);
            row.createdAt = find->int64(11);
        } else if (rc != SQLITE_DONE) {
            return fail(ReadSql::sqlError(h, rc, QStringLiteral("update the customer list")));
        }
    }
    if (exists && row.version >= e.version)
        return {};  // applied before: idempotent
    if (!exists) {
        row.tenant = e.tenantId;
        row.id = e.streamId;
        row.createdAt = timeMs;
        row.validFrom = e.position;
    }
    row.tenant = e.tenantId;
    row.id = e.streamId;

    // The row holds the whole CustomerState: the next event folds onto it, unless the row
    // lags more than one event behind (then the stream is folded from the log).
    CustomerState next;
    if ((exists && row.version == e.version - 1) || (!exists && e.version == 1)) {
        next = evolveCustomer(row.state, e);
    } else {
        Result<CustomerState> folded = refold(e, &row.createdAt);
        if (!folded)
            return fail(folded.error());
        next = std::move(*folded);
    }
    // A change at a later recorded time keeps the superseded version for as-of reads.
    if (exists && row.updatedAt != timeMs) {
        if (m_bulk) {
            if (Status s = writeHistory(db, h, row, e.position); !s)
                return s;
        } else {
            auto hist = m_sql.get(db, SqlHistory);
            if (!hist)
                return fail(hist.error());
            hist->bind(1, e.tenantId);
            hist->bind(2, e.streamId);
            hist->bind(3, e.position);
            if (auto r = ReadSql::run(*hist, h, "keep the history of a customer"); !r)
                return fail(r.error());
        }
        row.validFrom = e.position;
    }
    row.state = std::move(next);
    row.version = e.version;
    row.lastEventId = e.eventId;
    row.updatedAt = timeMs;
    if (m_bulk) {
        if (bulk) {
            *bulk = std::move(row);
        } else {
            m_bulkIndex.insert(e.tenantId, e.streamId, qsizetype(m_bulkRows.size()));
            m_bulkRows.push_back(std::move(row));
        }
        return {};
    }
    return write(db, h, row);
}

Status CustomerListProjection::beginBulk(QSqlDatabase &)
{
    abortBulk();
    m_bulk = true;
    return {};
}

void CustomerListProjection::abortBulk()
{
    m_bulk = false;
    m_bulkRows.clear();
    m_bulkIndex.clear();
}

Status CustomerListProjection::endBulk(QSqlDatabase &db)
{
    if (!m_bulk)
        return {};
    sqlite3 *h = ReadSql::handleOf(db);
    for (const Row &row : m_bulkRows) {
        if (Status s = write(db, h, row); !s)
            return s;
    }
    abortBulk();
    return {};
}

SqliteEventStore::Payload CustomerListProjection::payloadOf(const QString &t) const
{
    using namespace Wire::Event;
    const bool reads = !isKnown(t) || t == CustomerCreated || t == CustomerRenamed || t == CustomerEmailChanged
        || t == CustomerAddressChanged || t == CustomerTaxIdChanged || t == CustomerArchived;
    if (reads)
        return SqliteEventStore::Payload::Parsed;
    // Only its own stream's events reach it (the invoice list counts a customer's invoices).
    return streamTypeOf(t) == Wire::StreamType::Customer ? SqliteEventStore::Payload::None
                                                         : SqliteEventStore::Payload::Skip;
}

} // namespace Billstream
