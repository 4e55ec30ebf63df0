#include "core/projections/customerlistprojection.h"

#include "core/domain/customer.h"
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

Status CustomerListProjection::apply(QSqlDatabase &db, const RecordedEvent &event)
{
    if (event.streamType != Wire::StreamType::Customer)
        return {};
    sqlite3 *h = ReadSql::handleOf(db);
    const RecordedEvent e = m_upcasters->isEmpty() ? event : m_upcasters->upcast(event);
    const QString doing = QStringLiteral("update the customer list for the event at position %1").arg(e.position);
    const qint64 timeMs = e.recordedAt.toMSecsSinceEpoch();

    CustomerState state;
    bool exists = false;
    qint64 version = 0;
    qint64 updatedAt = 0;
    qint64 validFrom = e.position;
    qint64 createdAt = timeMs;
    {
        auto find = m_sql.get(db, SqlFind);
        if (!find)
            return fail(find.error());
        ResetGuard guard(*find);
        find->bind(1, e.tenantId);
        find->bind(2, e.streamId);
        const int rc = find->step();
        if (rc == SQLITE_ROW) {
            exists = true;
            state.id = e.streamId;
            state.exists = true;
            state.name = find->text(0);
            state.email = find->text(1);
            state.address = Address{find->text(2), find->text(3), find->text(4), find->text(5)};
            state.taxId = find->text(6);
            state.archived = find->int64(7) != 0;
            version = find->int64(8);
            updatedAt = find->int64(9);
            validFrom = find->int64(10);
            createdAt = find->int64(11);
        } else if (rc != SQLITE_DONE) {
            return fail(ReadSql::sqlError(h, rc, doing));
        }
    }
    if (exists && version >= e.version)
        return {};  // applied before: idempotent

    if ((exists && version == e.version - 1) || (!exists && e.version == 1)) {
        state = evolveCustomer(std::move(state), e);
    } else {
        // The row lags more than one event behind: fold the stream from the log.
        Result<QList<RecordedEvent>> events = m_store.readStream(e.tenantId, e.streamId, 1, e.version);
        if (!events)
            return fail(events.error());
        if (events->size() != e.version || events->constLast().eventId != e.eventId) {
            return fail(Error::inconsistent(QStringLiteral("The log of customer %1 does not hold event %2 at version %3.")
                                                .arg(e.streamId, e.eventId)
                                                .arg(e.version)));
        }
        state = CustomerState{};
        for (const RecordedEvent &stored : std::as_const(*events)) {
            if (stored.version == 1)
                createdAt = stored.recordedAt.toMSecsSinceEpoch();
            state = evolveCustomer(std::move(state), m_upcasters->isEmpty() ? stored : m_upcasters->upcast(stored));
        }
    }

    if (exists && updatedAt != timeMs) {
        auto hist = m_sql.get(db, SqlHistory);
        if (!hist)
            return fail(hist.error());
        hist->bind(1, e.tenantId);
        hist->bind(2, e.streamId);
        hist->bind(3, e.position);
        if (auto r = ReadSql::run(*hist, h, doing); !r)
            return fail(r.error());
        validFrom = e.position;
    }
    auto up = m_sql.get(db, SqlUpsert);
    if (!up)
        return fail(up.error());
    up->bind(1, e.tenantId);
    up->bind(2, e.streamId);
    up->bind(3, state.name);
    up->bind(4, state.email);
    up->bind(5, state.address.street);
    up->bind(6, state.address.postalCode);
    up->bind(7, state.address.city);
    up->bind(8, state.address.country);
    up->bind(9, state.taxId);
    up->bind(10, qint64(state.archived ? 1 : 0));
    up->bind(11, e.version);
    up->bind(12, e.eventId);
    up->bind(13, createdAt);
    up->bind(14, timeMs);
    up->bind(15, validFrom);
    if (auto r = ReadSql::run(*up, h, doing); !r)
        return fail(r.error());
    return {};
}

} // namespace Billstream
