#include "core/projections/revenueprojection.h"

#include "core/domain/domainevents.h"
#include "core/domain/invoice.h"

#include <sqlite3.h>

#include <algorithm>

namespace Billstream {

using ReadSql::ResetGuard;

namespace {

// Payments are kept by their position (a replay appends them in key order). Each event is
// applied once: the runner reads its checkpoint under the write lock of every batch, and rows and
// checkpoint commit together (docs/kernel.md).
constexpr const char *Schema =
    "CREATE TABLE IF NOT EXISTS revenue_payments ("
    " tenant TEXT NOT NULL, position INTEGER NOT NULL, month TEXT NOT NULL, currency TEXT NOT NULL,"
    " digits INTEGER NOT NULL, amount NOT NULL, PRIMARY KEY (tenant, position)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS revenue_by_month ("
    " tenant TEXT NOT NULL, month TEXT NOT NULL, currency TEXT NOT NULL, digits INTEGER NOT NULL,"
    " invoice_count INTEGER NOT NULL, net NOT NULL, tax NOT NULL, total NOT NULL, received NOT NULL,"
    " PRIMARY KEY (tenant, month, currency)) WITHOUT ROWID;";

// revenue_invoices: schema 1's issued invoices, one row each (schema 2 counts them in the book);
// revenue_applied: up to schema 2, the positions of the ISSUED and VOID events counted.
constexpr const char *DropSchema = "DROP TABLE IF EXISTS revenue_invoices; DROP TABLE IF EXISTS revenue_applied;"
                                   " DROP TABLE IF EXISTS revenue_payments; DROP TABLE IF EXISTS revenue_by_month;";

constexpr const char *SqlInvoiceFigures =
    "SELECT currency, digits, net, tax, total, issue_date FROM invoice_list WHERE tenant = ?1 AND id = ?2";
constexpr const char *SqlInsertPayment =
    "INSERT INTO revenue_payments (tenant, position, month, currency, digits, amount)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (tenant, position) DO NOTHING";
constexpr const char *SqlMonthGet =
    "SELECT invoice_count, net, tax, total, received FROM revenue_by_month"
    " WHERE tenant = ?1 AND month = ?2 AND currency = ?3";
constexpr const char *SqlMonthPut =
    "INSERT INTO revenue_by_month (tenant, month, currency, digits, invoice_count, net, tax, total, received)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (tenant, month, currency) DO UPDATE SET"
    " digits = excluded.digits, invoice_count = excluded.invoice_count, net = excluded.net, tax = excluded.tax,"
    " total = excluded.total, received = excluded.received";
constexpr const char *SqlMonthDelete =
    "DELETE FROM revenue_by_month WHERE tenant = ?1 AND month = ?2 AND currency = ?3";

constexpr const char *Doing = "update the revenue";

// Error texts name the event, formatted only when there is an error.
Error atPosition(Error error, qint64 position)
{
    error.message = QStringLiteral("%1 (the event at position %2)").arg(error.message).arg(position);
    return error;
}

} // namespace

RevenueProjection::RevenueProjection(std::shared_ptr<const Upcasters> upcasters)
    : m_upcasters(std::move(upcasters))
{
}

RevenueProjection::~RevenueProjection() = default;

QStringList RevenueProjection::tables()
{
    return {QStringLiteral("revenue_payments"), QStringLiteral("revenue_by_month")};
}

Status RevenueProjection::createSchema(QSqlDatabase &db)
{
    return ReadSql::exec(ReadSql::handleOf(db), Schema, QStringLiteral("create the revenue tables"));
}

Status RevenueProjection::dropSchema(QSqlDatabase &db)
{
    m_sql.clear();
    return ReadSql::exec(ReadSql::handleOf(db), DropSchema, QStringLiteral("drop the revenue tables"));
}

Status RevenueProjection::addToMonth(QSqlDatabase &db, sqlite3 *h, const QString &tenant, const QString &month,
                                     const QString &currency, int digits, int count, Int128 net, Int128 tax,
                                     Int128 total, Int128 received)
{
    if (m_bulk) {
        // A replay meets the same few months again and again (the log is in time order): the
        // last ones are looked up by a compare, not in the map.
        Month *found = nullptr;
        for (const RecentMonth &r : m_recentMonths) {
            if (r.month && r.tenant == tenant && r.monthName == month && r.currency == currency) {
                found = r.month;
                break;
            }
        }
        if (!found) {
            found = &m_bulkMonths[{tenant, month, currency}];
            std::rotate(m_recentMonths.rbegin(), m_recentMonths.rbegin() + 1, m_recentMonths.rend());
            m_recentMonths.front() = RecentMonth{tenant, month, currency, found};
        }
        Month &m = *found;
        m.digits = digits;
        m.count += count;
        m.sums[0] += net;
        m.sums[1] += tax;
        m.sums[2] += total;
        m.sums[3] += received;
        return {};
    }
    const QString doing = QStringLiteral("update the revenue of %1").arg(month);
    qint64 n = 0;
    Int128 sums[4] = {0, 0, 0, 0};
    {
        auto get = m_sql.get(db, SqlMonthGet);
        if (!get)
            return fail(get.error());
        ResetGuard guard(*get);
        get->bind(1, tenant);
        get->bind(2, month);
        get->bind(3, currency);
        const int rc = get->step();
        if (rc == SQLITE_ROW) {
            n = get->int64(0);
            for (int i = 0; i < 4; ++i)
                sums[i] = get->amount(1 + i);
        } else if (rc != SQLITE_DONE) {
            return fail(ReadSql::sqlError(h, rc, doing));
        }
    }
    n += count;
    sums[0] += net;
    sums[1] += tax;
    sums[2] += total;
    sums[3] += received;
    if (n == 0 && sums[0] == 0 && sums[1] == 0 && sums[2] == 0 && sums[3] == 0) {
        auto del = m_sql.get(db, SqlMonthDelete);
        if (!del)
            return fail(del.error());
        del->bind(1, tenant);
        del->bind(2, month);
        del->bind(3, currency);
        if (auto r = ReadSql::run(*del, h, doing); !r)
            return fail(r.error());
        return {};
    }
    auto put = m_sql.get(db, SqlMonthPut);
    if (!put)
        return fail(put.error());
    put->bind(1, tenant);
    put->bind(2, month);
    put->bind(3, currency);
    put->bind(4, digits);
    put->bind(5, n);
    for (int i = 0; i < 4; ++i)
        put->bindAmount(6 + i, sums[i]);
    if (auto r = ReadSql::run(*put, h, doing); !r)
        return fail(r.error());
    return {};
}

Status RevenueProjection::apply(QSqlDatabase &db, const RecordedEvent &event)
{
    if (event.streamType != Wire::StreamType::Invoice)
        return {};
    sqlite3 *h = ReadSql::handleOf(db);
    if (m_bulk && m_figures) {
        // The invoice fold of the same replay (upcast) says what the event was.
        const RevenueFact *fact = m_figures(event.position);
        if (!fact)
            return {};
        switch (fact->kind) {
        case RevenueFact::Kind::Issued:
            return applyIssued(db, h, event, fact->figures);
        case RevenueFact::Kind::Voided:
            return applyVoid(db, h, event, fact->figures);
        case RevenueFact::Kind::Payment:
            return applyPayment(db, h, event, fact->figures, fact->paymentAmount, fact->paymentDate);
        }
        return {};
    }
    const bool statusSet = event.type == Wire::Event::InvoiceStatusSet;
    if (!statusSet && event.type != Wire::Event::PaymentRecorded)
        return {};

    std::optional<RecordedEvent> upcast;
    if (!m_upcasters->isEmpty())
        upcast = m_upcasters->upcast(event);
    const RecordedEvent &e = upcast ? *upcast : event;
    // The domain reads the event's payload; folding it onto an empty state gives its status
    // or payment without re-implementing the wire format.
    const InvoiceState delta = evolveInvoice(InvoiceState{}, e);
    const bool voided = statusSet && delta.status == InvoiceStatus::Void;
    if (statusSet && !voided && delta.status != InvoiceStatus::Issued)
        return {};
    if (!statusSet && delta.payments.isEmpty())
        return {};

    // ISSUED, VOID or a payment: the invoice's frozen figures, from the invoice list.
    RevenueFigures figures;
    {
        auto fig = m_sql.get(db, SqlInvoiceFigures);
        if (!fig)
            return fail(fig.error());
        ResetGuard guard(*fig);
        fig->bind(1, e.tenantId);
        fig->bind(2, e.streamId);
        const int rc = fig->step();
        if (rc == SQLITE_DONE) {
            return fail(Error::failure(QStringLiteral("The invoice list has no row for invoice %1; rebuild the "
                                                      "invoice list before the revenue.")
                                           .arg(e.streamId)));
        }
        if (rc != SQLITE_ROW)
            return fail(atPosition(ReadSql::sqlError(h, rc, QString::fromLatin1(Doing)), e.position));
        figures.currency = fig->text(0);
        figures.digits = int(fig->int64(1));
        figures.net = fig->amount(2);
        figures.tax = fig->amount(3);
        figures.total = fig->amount(4);
        figures.issueDate = fig->date(5);
    }
    if (voided)
        return applyVoid(db, h, e, figures);
    if (statusSet)
        return applyIssued(db, h, e, figures);
    return applyPayment(db, h, e, figures, delta.payments.constLast().amount, delta.payments.constLast().date);
}

Status RevenueProjection::applyVoid(QSqlDatabase &db, sqlite3 *h, const RecordedEvent &e, const RevenueFigures &figures)
{
    if (!figures.issueDate.isValid())
        return {};  // never issued (an invoice is voided once, after its issue: DOMAIN.md)
    return addToMonth(db, h, e.tenantId, monthOf(figures.issueDate), figures.currency, figures.digits, -1,
                      -figures.net, -figures.tax, -figures.total, 0);
}

Status RevenueProjection::applyIssued(QSqlDatabase &db, sqlite3 *h, const RecordedEvent &e,
                                       const RevenueFigures &figures)
{
    return addToMonth(db, h, e.tenantId, monthOf(figures.issueDate), figures.currency, figures.digits, 1, figures.net,
                      figures.tax, figures.total, 0);
}

Status RevenueProjection::applyPayment(QSqlDatabase &db, sqlite3 *h, const RecordedEvent &e,
                                       const RevenueFigures &figures, const Decimal &paid, const QDate &date)
{
    const std::optional<Currency> cur = Currency::find(figures.currency);
    const std::optional<Money> amount = cur ? Money::fromDecimalRounded(paid, *cur) : std::nullopt;
    if (!amount) {
        return fail(Error::failure(
            QStringLiteral("The payment at position %1 has no amount in %2.").arg(e.position).arg(figures.currency)));
    }
    const QString &month = monthOf(date);
    auto ins = m_sql.get(db, SqlInsertPayment);
    if (!ins)
        return fail(ins.error());
    ins->bind(1, e.tenantId);
    ins->bind(2, e.position);
    ins->bind(3, month);
    ins->bind(4, figures.currency);
    ins->bind(5, figures.digits);
    ins->bindAmount(6, amount->minorUnits());
    auto r = ReadSql::run(*ins, h, Doing);
    if (!r)
        return fail(atPosition(r.error(), e.position));
    if (*r == 0)
        return {};
    return addToMonth(db, h, e.tenantId, month, figures.currency, figures.digits, 0, 0, 0, 0, amount->minorUnits());
}

const QString &RevenueProjection::monthOf(const QDate &date)
{
    static const QString none;
    if (!date.isValid())
        return none;
    const int key = date.year() * 12 + date.month() - 1;
    auto it = m_months.find(key);
    if (it == m_months.end())
        it = m_months.insert(key, date.toString(QStringLiteral("yyyy-MM")));
    return *it;
}

Status RevenueProjection::beginBulk(QSqlDatabase &)
{
    abortBulk();
    m_bulk = true;
    return {};
}

void RevenueProjection::abortBulk()
{
    m_bulk = false;
    m_recentMonths = {};
    m_bulkMonths.clear();
}

Status RevenueProjection::endBulk(QSqlDatabase &db)
{
    if (!m_bulk)
        return {};
    sqlite3 *h = ReadSql::handleOf(db);
    for (auto it = m_bulkMonths.cbegin(); it != m_bulkMonths.cend(); ++it) {
        const Month &m = *it;
        if (m.count == 0 && m.sums[0] == 0 && m.sums[1] == 0 && m.sums[2] == 0 && m.sums[3] == 0)
            continue;  // as the row-by-row path deletes it
        auto put = m_sql.get(db, SqlMonthPut);
        if (!put)
            return fail(put.error());
        put->bind(1, std::get<0>(it.key()));
        put->bind(2, std::get<1>(it.key()));
        put->bind(3, std::get<2>(it.key()));
        put->bind(4, m.digits);
        put->bind(5, m.count);
        for (int i = 0; i < 4; ++i)
            put->bindAmount(6 + i, m.sums[i]);
        if (auto r = ReadSql::run(*put, h, "write the rebuilt revenue"); !r)
            return fail(r.error());
    }
    abortBulk();
    return {};
}

SqliteEventStore::Payload RevenueProjection::payloadOf(const QString &t) const
{
    using P = SqliteEventStore::Payload;
    if (Wire::Event::isKnown(t) && Wire::Event::streamTypeOf(t) != Wire::StreamType::Invoice)
        return P::Skip;  // only invoices are counted
    if (m_figures)
        return P::None;  // the invoice fold of the same replay reads them (apply())
    const bool reads =
        !Wire::Event::isKnown(t) || t == Wire::Event::InvoiceStatusSet || t == Wire::Event::PaymentRecorded;
    return reads ? P::Parsed : P::None;
}

} // namespace Billstream
