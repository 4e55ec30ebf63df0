#include "core/projections/book.h"

#include "core/domain/domainevents.h"
#include "core/es/payloadjson.h"
#include "core/es/sqliteeventstore.h"
#include "core/es/sqlitestatement.h"
#include "core/es/upcasters.h"
#include "core/projections/activityfeed.h"
#include "core/projections/invoicelistprojection.h"
#include "core/projections/invoicerow.h"
#include "core/projections/sqlaccess.h"

#include <QCoreApplication>
#include <QHash>
#include <QScopeGuard>
#include <QSet>

#include <sqlite3.h>

#include <atomic>

namespace Billstream {

QString formatMinorUnits(Int128 minorUnits, int digits)
{
    const std::optional<Decimal> d = Decimal::fromMantissa(minorUnits, std::max(0, digits));
    return d ? d->toString(std::max(0, digits)) : QString();
}

QString formatMinorUnits(Int128 minorUnits, int digits, const QLocale &locale)
{
    const QString plain = formatMinorUnits(minorUnits, digits);
    const bool negative = plain.startsWith(QLatin1Char('-'));
    const QString body = negative ? plain.mid(1) : plain;
    const qsizetype point = body.indexOf(QLatin1Char('.'));
    const QString whole = point < 0 ? body : body.left(point);
    QString grouped;
    const QString separator = locale.groupSeparator();
    for (qsizetype i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0 && !(locale.numberOptions() & QLocale::OmitGroupSeparator))
            grouped += separator;
        grouped += whole.at(i);
    }
    QString result = (negative ? locale.negativeSign() : QString()) + grouped;
    if (point >= 0)
        result += locale.decimalPoint() + body.mid(point + 1);
    return result;
}

QStringList agingBucketNames()
{
    return {QStringLiteral("current"), QStringLiteral("1-30"), QStringLiteral("31-60"), QStringLiteral("61-90"),
            QStringLiteral("over 90")};
}

QStringList invoiceStatusFilters()
{
    using namespace Wire::Status;
    return {Draft, Issued, Sent, PartiallyPaid, Paid, Void, Deleted, QStringLiteral("OVERDUE")};
}

namespace {

std::atomic<int> snapshotCounter{0};

const char *const InvoiceColumns =
    "rowid, id, number, status, customer_id, customer_name, currency, digits, issue_date, due_date,"
    " net, tax, total, paid, due, notes, line_count, version, created_at, updated_at";

// A statement prepared for one call and finalized when it ends (queries whose SQL names an
// as-of snapshot's tables cannot be cached by address).
struct Query
{
    SqliteStatement s;
    ReadSql::Stmt view() const { return ReadSql::Stmt(s.handle()); }
};

Result<std::unique_ptr<Query>> prepare(sqlite3 *h, const QString &sql, const QString &doing)
{
    auto q = std::make_unique<Query>();
    const QByteArray utf8 = sql.toUtf8();
    const int rc = q->s.prepare(h, utf8.constData());
    if (rc != SQLITE_OK)
        return fail(ReadSql::sqlError(h, rc, doing));
    return q;
}

Status runAll(sqlite3 *h, SqliteStatement &s, const QString &doing)
{
    int rc = s.step();
    while (rc == SQLITE_ROW)
        rc = s.step();
    if (rc != SQLITE_DONE)
        return fail(ReadSql::sqlError(h, rc, doing));
    return {};
}

InvoiceListEntry invoiceFrom(const ReadSql::Stmt &s, const QDate &today)
{
    InvoiceListEntry e;
    e.rowId = s.int64(0);
    e.id = s.text(1);
    e.number = s.text(2);
    e.status = s.text(3);
    e.customerId = s.text(4);
    e.customerName = s.text(5);
    e.currency = s.text(6);
    e.digits = int(s.int64(7));
    e.issueDate = s.date(8);
    e.dueDate = s.date(9);
    e.net = s.amount(10);
    e.tax = s.amount(11);
    e.total = s.amount(12);
    e.paid = s.amount(13);
    e.due = s.amount(14);
    e.notes = s.text(15);
    e.lineCount = int(s.int64(16));
    e.version = s.int64(17);
    e.createdAtMs = s.int64(18);
    e.updatedAtMs = s.int64(19);
    e.overdue = isOpenStatus(e.status) && e.dueDate.isValid() && e.dueDate < today;
    return e;
}

QString likePattern(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('%'), QStringLiteral("\\%"))
        .replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

QString direction(Qt::SortOrder order)
{
    return order == Qt::AscendingOrder ? QStringLiteral("ASC") : QStringLiteral("DESC");
}

QString invoiceSortExpression(InvoiceSort sort)
{
    switch (sort) {
    case InvoiceSort::Created: return QStringLiteral("created_at");
    case InvoiceSort::Number: return QStringLiteral("number");
    case InvoiceSort::Customer: return QStringLiteral("customer_name COLLATE NOCASE");
    case InvoiceSort::StatusName: return QStringLiteral("status");
    case InvoiceSort::IssueDate: return QStringLiteral("issue_date");
    case InvoiceSort::DueDate: return QStringLiteral("due_date");
    case InvoiceSort::Currency: return QStringLiteral("currency");
    case InvoiceSort::Net: return QStringLiteral("net");
    case InvoiceSort::Tax: return QStringLiteral("tax");
    case InvoiceSort::Total: return QStringLiteral("total");
    case InvoiceSort::Paid: return QStringLiteral("paid");
    case InvoiceSort::Due: return QStringLiteral("due");
    case InvoiceSort::Updated: return QStringLiteral("updated_at");
    }
    return QStringLiteral("created_at");
}

// Steps through every row of a statement, handing each to `row`.
template<typename RowFn>
Status eachRow(ReadSql::Stmt &v, sqlite3 *h, const QString &doing, RowFn row)
{
    int rc = SQLITE_ROW;
    while ((rc = v.step()) == SQLITE_ROW)
        row();
    if (rc != SQLITE_DONE)
        return fail(ReadSql::sqlError(h, rc, doing));
    return {};
}

// The invoices of `tenantId` that existed at position `p` (recorded at `timeMs`) but changed
// after it, each as it stood then, folded from its events recorded up to then, into `table`
// (the invoice list's columns without the customer name). The live rows of all others hold
// since before P. Mid-history in a log of 100,000 invoices these are about 3,000 (those still
// open then), so a book as of any time needs no table of superseded versions.
Status foldChangedSince(SqliteEventStore &store, sqlite3 *h, const QString &tenantId, qint64 p, qint64 timeMs,
                        const Upcasters *upcasters, const QString &table, const QString &doing)
{
    QStringList ids;
    {
        auto q = prepare(h,
                         QStringLiteral("SELECT id FROM main.invoice_list WHERE tenant = ?1 AND valid_from > ?2"
                                        " AND created_at <= ?3 ORDER BY rowid"),
                         doing);
        if (!q)
            return fail(q.error());
        ReadSql::Stmt v = (*q)->view();
        v.bind(1, tenantId);
        v.bind(2, p);
        v.bind(3, timeMs);
        if (Status read = eachRow(v, h, doing, [&] { ids << v.text(0); }); !read)
            return read;
    }
    if (ids.isEmpty())
        return {};
    // ?18 (the last event's id) is bound and not stored.
    auto q = prepare(h,
                     QStringLiteral("INSERT INTO %1 (tenant, id, number, customer_id, status, issue_date, due_date,"
                                    " currency, digits, net, tax, total, paid, due, notes, line_count, version,"
                                    " created_at, updated_at, valid_from) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                                    " ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?20, ?19, ?21)")
                         .arg(table),
                     doing);
    if (!q)
        return fail(q.error());
    ReadSql::Stmt ins = (*q)->view();
    const QDateTime until = QDateTime::fromMSecsSinceEpoch(timeMs, Qt::UTC);
    // The payloads as stored, read like the rebuild's fold does (PayloadJson); upcasters read
    // parsed ones.
    const bool upcast = upcasters && !upcasters->isEmpty();
    PayloadJson payload;
    for (const QString &id : std::as_const(ids)) {
        const Result<QList<RecordedEvent>> events =
            upcast ? store.readStreamUntil(tenantId, id, until) : store.readStreamUntilStored(tenantId, id, until);
        if (!events)
            return fail(events.error());
        if (events->isEmpty())
            continue;
        InvoiceState state;
        qint64 validFrom = 0;  // a version spans the events of one recorded time, as in the list
        for (qsizetype i = 0; i < events->size(); ++i) {
            const RecordedEvent &e = events->at(i);
            if (i == 0 || e.recordedAt != events->at(i - 1).recordedAt)
                validFrom = e.position;
            if (upcast) {
                applyInvoiceEvent(state, upcasters->upcast(e));
            } else {
                payload.parse(e.payloadJson);
                applyInvoiceEvent(state, e, payload);
            }
        }
        const InvoiceRow row =
            invoiceRowFromState(state, events->constLast(), events->constFirst().recordedAt.toMSecsSinceEpoch());
        InvoiceListProjection::bindRow(ins, row, 3);
        ins.bind(1, tenantId);
        ins.bind(2, row.id);
        ins.bind(20, row.createdAtMs);
        ins.bind(21, validFrom);
        if (auto r = ReadSql::run(ins, h, doing); !r)
            return fail(r.error());
    }
    return {};
}

// The first column of every row of a statement: the row ids of a filtered, sorted list.
Result<QList<qint64>> firstColumn(ReadSql::Stmt &v, sqlite3 *h, const QString &doing)
{
    QList<qint64> ids;
    if (Status read = eachRow(v, h, doing, [&] { ids << v.int64(0); }); !read)
        return fail(read.error());
    return ids;
}

} // namespace

struct Book::Data
{
    SqliteEventStore *store = nullptr;
    QString tenant;
    bool live = true;
    qint64 position = 0;
    QDateTime time;
    QDate today;
    QString invoices;       // table with the invoice columns and customer_name
    QString customers;      // table with the customer columns
    QString balances;       // (tenant, customer_id, currency, digits, open_due, open_count)
    bool fts = false;
    qint64 revenuePosition = 0;
    QStringList tempTables;
    std::shared_ptr<SharedBookTables> shared;  // where the tables are, when not temporary

    sqlite3 *handle() const { return ReadSql::handleOf(store->database()); }

    ~Data()
    {
        sqlite3 *h = store ? handle() : nullptr;
        if (!h)
            return;
        for (const QString &t : std::as_const(tempTables)) {
            const QByteArray sql = QStringLiteral("DROP TABLE IF EXISTS %1").arg(t).toUtf8();
            sqlite3_exec(h, sql.constData(), nullptr, nullptr, nullptr);
        }
    }

    // The customers' invoice count: a join for the live list, a column of the as-of snapshot.
    QString customerFrom() const
    {
        if (live) {
            return QStringLiteral("%1 c LEFT JOIN main.invoice_list_customers ic ON ic.tenant = c.tenant AND"
                                  " ic.customer_id = c.id").arg(customers);
        }
        return customers + QStringLiteral(" c");
    }
    QString invoiceCountExpression() const
    {
        return live ? QStringLiteral("coalesce(ic.invoice_count, 0)") : QStringLiteral("c.invoice_count");
    }
};

Result<qint64> Book::positionAt(SqliteEventStore &store, const QDateTime &time)
{
    // Recorded times never decrease along the log, so the last position at or before a time
    // is found by bisection over the primary key (the log has no index on time).
    const Result<qint64> head = store.headPosition();
    if (!head)
        return fail(head.error());
    sqlite3 *h = ReadSql::handleOf(store.database());
    SqliteStatement s;
    int rc = s.prepare(h, "SELECT recorded_at FROM events WHERE position = ?1");
    if (rc != SQLITE_OK)
        return fail(ReadSql::sqlError(h, rc, QStringLiteral("read the log's times")));
    const qint64 target = time.toMSecsSinceEpoch();
    const auto timeAt = [&](qint64 p, qint64 *out) -> Status {
        StatementReset guard(s);
        s.bind(1, p);
        const int r = s.step();
        if (r != SQLITE_ROW)
            return fail(Error::inconsistent(QStringLiteral("The log has no event at position %1.").arg(p)));
        *out = s.int64(0);
        return {};
    };
    qint64 lo = 0;  // invariant: time(lo) <= target (0 stands for "before the log")
    qint64 hi = *head + 1;  // invariant: time(hi) > target
    while (hi - lo > 1) {
        const qint64 mid = lo + (hi - lo) / 2;
        qint64 t = 0;
        if (Status st = timeAt(mid, &t); !st)
            return fail(st.error());
        if (t <= target)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

Result<Book> Book::live(SqliteEventStore &store, const QString &tenantId, const QDate &today)
{
    Book book;
    book.d = std::make_shared<Data>();
    book.d->store = &store;
    book.d->tenant = tenantId;
    book.d->live = true;
    book.d->today = today;
    book.d->invoices = QStringLiteral("main.invoice_list");
    book.d->customers = QStringLiteral("main.customer_list");
    book.d->balances = QStringLiteral("main.invoice_list_balances");
    const Result<qint64> head = store.headPosition();
    if (!head)
        return fail(head.error());
    book.d->position = *head;
    const Result<bool> stale = InvoiceListProjection::searchIndexStale(store.database());
    book.d->fts = stale && !*stale;
    const Result<qint64> revenue = store.checkpoint(QStringLiteral("revenue"));
    book.d->revenuePosition = revenue ? *revenue : 0;
    return book;
}

namespace {

Status attachShared(sqlite3 *h, const SharedBookTables &tables, const QString &doing)
{
    const QByteArray sql = QStringLiteral("ATTACH '%1' AS %2").arg(tables.uri(), tables.schema()).toUtf8();
    return ReadSql::exec(h, sql.constData(), doing);
}

void detachShared(sqlite3 *h, const QString &schema)
{
    const QByteArray sql = QStringLiteral("DETACH %1").arg(schema).toUtf8();
    sqlite3_exec(h, sql.constData(), nullptr, nullptr, nullptr);
}

} // namespace

Result<std::shared_ptr<SharedBookTables>> SharedBookTables::attach(SqliteEventStore &showing)
{
    // Named for the process and a counter: memdb shares a database by name within a process.
    const int n = snapshotCounter.fetch_add(1) + 1;
    return attachAs(showing, QStringLiteral("asofdb_%1").arg(n),
                    QStringLiteral("file:/billstream-asof-%1-%2?vfs=memdb").arg(QCoreApplication::applicationPid()).arg(n),
                    QStringLiteral("make room for a book as of a time"));
}

Result<std::shared_ptr<SharedBookTables>> SharedBookTables::attachAgain(SqliteEventStore &other,
                                                                        const SharedBookTables &tables)
{
    return attachAs(other, tables.m_schema, tables.m_uri, QStringLiteral("read a book as of a time"));
}

Result<std::shared_ptr<SharedBookTables>> SharedBookTables::attachAs(SqliteEventStore &store, const QString &schema,
                                                                     const QString &uri, const QString &doing)
{
    sqlite3 *h = ReadSql::handleOf(store.database());
    if (!h)
        return fail(Error::failure(QStringLiteral("The store %1 has no open connection.").arg(store.path())));
    std::shared_ptr<SharedBookTables> tables(new SharedBookTables(store, schema, uri));
    if (Status s = attachShared(h, *tables, doing); !s) {
        tables->m_schema.clear();  // nothing to detach
        return fail(s.error());
    }
    return tables;
}

SharedBookTables::SharedBookTables(SqliteEventStore &showing, QString schema, QString uri)
    : m_showing(showing)
    , m_schema(std::move(schema))
    , m_uri(std::move(uri))
{
}

SharedBookTables::~SharedBookTables()
{
    // The last connection to let go of a memdb database frees it.
    sqlite3 *h = ReadSql::handleOf(m_showing.database());
    if (h && !m_schema.isEmpty())
        detachShared(h, m_schema);
}

Result<Book> Book::asOf(SqliteEventStore &store, const QString &tenantId, const QDateTime &time,
                        const Upcasters *upcasters)
{
    return asOf(store, tenantId, time, upcasters, {});
}

Result<Book> Book::asOf(SqliteEventStore &store, const QString &tenantId, const QDateTime &time,
                        const Upcasters *upcasters, const std::shared_ptr<SharedBookTables> &into)
{
    if (!time.isValid())
        return fail(Error::usage(QStringLiteral("No valid time was given for the book.")));
    const Result<qint64> p = positionAt(store, time);
    if (!p)
        return fail(p.error());
    Result<Book> book = asOfPosition(store, tenantId, *p, upcasters, into);
    if (!book)
        return book;
    book->d->time = time.toUTC();
    book->d->today = book->d->time.date();
    return book;
}

Result<Book> Book::asOfPosition(SqliteEventStore &store, const QString &tenantId, qint64 position,
                                const Upcasters *upcasters, const std::shared_ptr<SharedBookTables> &into)
{
    sqlite3 *h = ReadSql::handleOf(store.database());
    if (!h)
        return fail(Error::failure(QStringLiteral("The store %1 has no open connection.").arg(store.path())));
    // Built into shared tables, the book is this connection's only while it is built.
    const QString schema = into ? into->schema() : QStringLiteral("temp");
    if (into) {
        if (Status s = attachShared(h, *into, QStringLiteral("build a book as of a time")); !s)
            return fail(s.error());
    }
    const auto detach = qScopeGuard([h, &into, &schema] {
        if (into)
            detachShared(h, schema);
    });
    Book book;
    book.d = std::make_shared<Data>();
    Data &d = *book.d;
    d.store = &store;
    d.tenant = tenantId;
    d.live = false;

    // Round up to the end of the position's recorded millisecond (see the header).
    qint64 p = std::max<qint64>(0, position);
    qint64 timeMs = 0;
    {
        const Result<qint64> head = store.headPosition();
        if (!head)
            return fail(head.error());
        p = std::min(p, *head);
        if (p > 0) {
            SqliteStatement s;
            int rc = s.prepare(h, "SELECT recorded_at FROM events WHERE position = ?1");
            if (rc == SQLITE_OK) {
                s.bind(1, p);
                rc = s.step();
            }
            if (rc != SQLITE_ROW)
                return fail(ReadSql::sqlError(h, rc, QStringLiteral("read the time of position %1").arg(p)));
            timeMs = s.int64(0);
            const Result<qint64> end = positionAt(store, QDateTime::fromMSecsSinceEpoch(timeMs, Qt::UTC));
            if (!end)
                return fail(end.error());
            p = *end;
        }
    }
    d.position = p;
    d.time = p > 0 ? QDateTime::fromMSecsSinceEpoch(timeMs, Qt::UTC) : QDateTime();
    d.today = d.time.isValid() ? d.time.date() : QDate();
    const Result<qint64> revenue = store.checkpoint(QStringLiteral("revenue"));
    d.revenuePosition = revenue ? std::min(*revenue, p) : 0;

    const int n = snapshotCounter.fetch_add(1) + 1;
    d.invoices = QStringLiteral("%1.asof_%2_invoices").arg(schema).arg(n);
    d.customers = QStringLiteral("%1.asof_%2_customers").arg(schema).arg(n);
    d.balances = QStringLiteral("%1.asof_%2_balances").arg(schema).arg(n);
    const QString versions = QStringLiteral("%1.asof_%2_versions").arg(schema).arg(n);
    const QString doing = QStringLiteral("compute the book as of position %1").arg(p);

    // Customers first (the invoices take their names from them), then invoices, then the
    // figures per customer. A customer's version is visible at P when valid_from <= P <
    // valid_to (the live row's valid_to is the open end); an invoice's live row when its
    // valid_from <= P, else it is folded from the log (foldChangedSince).
    const QString customerCols = QStringLiteral(
        "tenant, id, name, email, street, postal_code, city, country, tax_id, archived, version, created_at,"
        " updated_at, valid_from");
    const QString invoiceCols = QStringLiteral(
        "tenant, id, number, customer_id, status, issue_date, due_date, currency, digits, net, tax, total, paid, due,"
        " notes, line_count, version, created_at, updated_at, valid_from");
    const QStringList statements = {
        QStringLiteral("CREATE TABLE %1 AS SELECT %2, 0 AS invoice_count FROM main.customer_list"
                       " WHERE tenant = ?1 AND valid_from <= ?2 UNION ALL SELECT %2, 0 FROM main.customer_list_history"
                       " WHERE tenant = ?1 AND valid_to > ?2 AND valid_from <= ?2 ORDER BY created_at, id")
            .arg(d.customers, customerCols),
        QStringLiteral("CREATE UNIQUE INDEX %2.asof_%1_customers_id ON asof_%1_customers (id)").arg(n).arg(schema),
        QStringLiteral("CREATE TABLE %1 AS SELECT i.*, coalesce(c.name, '') AS customer_name FROM ("
                       "SELECT %2 FROM main.invoice_list WHERE tenant = ?1 AND valid_from <= ?2 UNION ALL"
                       " SELECT %2 FROM %4) i LEFT JOIN %3 c ON c.id = i.customer_id ORDER BY i.created_at, i.id")
            .arg(d.invoices, invoiceCols, d.customers, versions),
        QStringLiteral("CREATE UNIQUE INDEX %2.asof_%1_invoices_id ON asof_%1_invoices (id)").arg(n).arg(schema),
        QStringLiteral("CREATE INDEX %2.asof_%1_invoices_customer ON asof_%1_invoices (customer_id)").arg(n).arg(schema),
        QStringLiteral("CREATE INDEX %2.asof_%1_invoices_created ON asof_%1_invoices (created_at)").arg(n).arg(schema),
        QStringLiteral("UPDATE %1 SET invoice_count = (SELECT count(*) FROM %2 i WHERE i.customer_id = %1.id"
                       " AND i.status <> 'DELETED')")
            .arg(d.customers, d.invoices),
        QStringLiteral("CREATE TABLE %1 (tenant TEXT NOT NULL, customer_id TEXT NOT NULL, currency TEXT NOT NULL,"
                       " digits INTEGER NOT NULL, open_due NOT NULL, open_count INTEGER NOT NULL,"
                       " PRIMARY KEY (tenant, customer_id, currency))")
            .arg(d.balances),
    };
    if (!into)
        d.tempTables = {d.balances, d.invoices, versions, d.customers};
    const auto run = [&](const QString &sql) -> Status {
        auto q = prepare(h, sql, doing);
        if (!q)
            return fail(q.error());
        const int params = sqlite3_bind_parameter_count((*q)->s.handle());
        if (params >= 1)
            (*q)->s.bind(1, tenantId);
        if (params >= 2)
            (*q)->s.bind(2, p);
        return runAll(h, (*q)->s, doing);
    };
    // First the invoices changed since P, as they were then (the invoice table below takes them).
    if (Status s = run(QStringLiteral("CREATE TABLE %1 AS SELECT %2 FROM main.invoice_list WHERE 0")
                           .arg(versions, invoiceCols));
        !s)
        return fail(s.error());
    if (Status s = foldChangedSince(store, h, tenantId, p, timeMs, upcasters, versions, doing); !s)
        return fail(s.error());
    for (const QString &sql : statements) {
        if (Status s = run(sql); !s)
            return fail(s.error());
    }

    // Open balances per customer and currency, summed exactly (amounts may exceed 64 bits).
    struct Sum
    {
        int digits = 0;
        Int128 due = 0;
        qint64 count = 0;
    };
    QMap<std::pair<QString, QString>, Sum> sums;
    {
        auto q = prepare(h,
                         QStringLiteral("SELECT customer_id, currency, digits, due FROM %1 WHERE status IN ('ISSUED',"
                                        " 'SENT', 'PARTIALLY_PAID') AND customer_id <> ''")
                             .arg(d.invoices),
                         doing);
        if (!q)
            return fail(q.error());
        ReadSql::Stmt v = (*q)->view();
        const Status read = eachRow(v, h, doing, [&] {
            Sum &s = sums[{v.text(0), v.text(1)}];
            s.digits = int(v.int64(2));
            s.due += v.amount(3);
            ++s.count;
        });
        if (!read)
            return fail(read.error());
    }
    {
        auto q = prepare(h, QStringLiteral("INSERT INTO %1 VALUES (?1, ?2, ?3, ?4, ?5, ?6)").arg(d.balances), doing);
        if (!q)
            return fail(q.error());
        ReadSql::Stmt v = (*q)->view();
        for (auto it = sums.cbegin(); it != sums.cend(); ++it) {
            v.bind(1, tenantId);
            v.bind(2, it.key().first);
            v.bind(3, it.key().second);
            v.bind(4, it->digits);
            v.bindAmount(5, it->due);
            v.bind(6, it->count);
            if (auto r = ReadSql::run(v, h, doing); !r)
                return fail(r.error());
        }
    }
    if (into) {
        d.store = &into->showing();
        d.shared = into;
    }
    return book;
}

bool Book::isLive() const { return d->live; }
bool Book::canOpenElsewhere() const { return d->live || d->shared; }

Result<Book> Book::on(SqliteEventStore &other) const
{
    if (d->live)
        return live(other, d->tenant, d->today);
    if (!d->shared) {
        return fail(Error::usage(QStringLiteral("The book as of %1 is in temporary tables of its connection; another "
                                                "connection cannot read it.")
                                     .arg(formatTimestamp(d->time))));
    }
    Result<std::shared_ptr<SharedBookTables>> again = SharedBookTables::attachAgain(other, *d->shared);
    if (!again)
        return fail(again.error());
    Book book;
    book.d = std::make_shared<Data>(*d);  // the same tables, names and figures
    book.d->store = &other;
    book.d->shared = std::move(*again);
    return book;
}
QString Book::tenantId() const { return d->tenant; }
qint64 Book::position() const { return d->position; }
QDateTime Book::time() const { return d->time; }
QDate Book::today() const { return d->today; }
SqliteEventStore &Book::store() const { return *d->store; }
QString Book::invoiceTable() const { return d->invoices; }
bool Book::hasSearchIndex() const { return d->fts; }
qint64 Book::revenuePosition() const { return d->revenuePosition; }

Result<QList<qint64>> Book::invoiceRowIds(const ListFilter &filter, InvoiceSort sort, Qt::SortOrder order) const
{
    sqlite3 *h = d->handle();
    QString where = QStringLiteral("tenant = ?1");
    const QString status = filter.status.trimmed().toUpper();
    if (status.isEmpty())
        where += QStringLiteral(" AND status <> 'DELETED'");
    else if (status == QStringLiteral("OVERDUE"))
        where += QStringLiteral(" AND status IN ('ISSUED', 'SENT', 'PARTIALLY_PAID') AND due_date IS NOT NULL"
                                " AND due_date < ?2");
    else
        where += QStringLiteral(" AND status = ?3");
    const QString search = filter.search.trimmed();
    // FTS5 trigram finds substrings of three characters or more; shorter ones scan.
    const bool useIndex = d->fts && search.size() >= 3;
    if (!search.isEmpty()) {
        if (useIndex) {
            where += QStringLiteral(" AND rowid IN (SELECT rowid FROM main.invoice_list_fts WHERE invoice_list_fts MATCH ?4)");
        } else {
            where += QStringLiteral(" AND (number LIKE ?4 ESCAPE '\\' OR customer_name LIKE ?4 ESCAPE '\\'"
                                    " OR notes LIKE ?4 ESCAPE '\\')");
        }
    }
    const QString dir = direction(order);
    const QString sql = QStringLiteral("SELECT rowid FROM %1 WHERE %2 ORDER BY %3 %4, rowid %4")
                            .arg(d->invoices, where, invoiceSortExpression(sort), dir);
    auto q = prepare(h, sql, QStringLiteral("list the invoices"));
    if (!q)
        return fail(q.error());
    ReadSql::Stmt v = (*q)->view();
    v.bind(1, d->tenant);
    if (status == QStringLiteral("OVERDUE"))
        v.bindDate(2, d->today);
    else if (!status.isEmpty())
        v.bind(3, status);
    if (!search.isEmpty()) {
        if (useIndex) {
            QString phrase = search;
            phrase.replace(QLatin1Char('"'), QStringLiteral("\"\""));
            v.bind(4, QLatin1Char('"') + phrase + QLatin1Char('"'));
        } else {
            v.bind(4, likePattern(search));
        }
    }
    return firstColumn(v, h, QStringLiteral("list the invoices"));
}

Result<QList<InvoiceListEntry>> Book::invoicesByRowId(const QList<qint64> &rowIds) const
{
    sqlite3 *h = d->handle();
    auto q = prepare(h, QStringLiteral("SELECT %1 FROM %2 WHERE rowid = ?1").arg(QLatin1String(InvoiceColumns), d->invoices),
                     QStringLiteral("read invoices"));
    if (!q)
        return fail(q.error());
    ReadSql::Stmt v = (*q)->view();
    QList<InvoiceListEntry> rows;
    rows.reserve(rowIds.size());
    for (const qint64 id : rowIds) {
        ReadSql::ResetGuard guard(v);
        v.bind(1, id);
        const int rc = v.step();
        if (rc == SQLITE_ROW)
            rows << invoiceFrom(v, d->today);
        else if (rc != SQLITE_DONE)
            return fail(ReadSql::sqlError(h, rc, QStringLiteral("read invoices")));
    }
    return rows;
}

Result<QList<InvoiceListEntry>> Book::invoices(const ListFilter &filter, InvoiceSort sort, Qt::SortOrder order) const
{
    const Result<QList<qint64>> ids = invoiceRowIds(filter, sort, order);
    if (!ids)
        return fail(ids.error());
    return invoicesByRowId(*ids);
}

Result<QList<qint64>> Book::customerRowIds(const ListFilter &filter, CustomerSort sort, Qt::SortOrder order) const
{
    sqlite3 *h = d->handle();
    QString where = QStringLiteral("c.tenant = ?1");
    const QString status = filter.status.trimmed().toUpper();
    if (status == QStringLiteral("ARCHIVED"))
        where += QStringLiteral(" AND c.archived <> 0");
    else if (status == QStringLiteral("ACTIVE"))
        where += QStringLiteral(" AND c.archived = 0");
    const QString search = filter.search.trimmed();
    if (!search.isEmpty())
        where += QStringLiteral(" AND (c.name LIKE ?2 ESCAPE '\\' OR c.email LIKE ?2 ESCAPE '\\' OR c.city LIKE ?2 ESCAPE '\\')");
    QString key;
    switch (sort) {
    case CustomerSort::Name: key = QStringLiteral("c.name COLLATE NOCASE"); break;
    case CustomerSort::Email: key = QStringLiteral("c.email COLLATE NOCASE"); break;
    case CustomerSort::Country: key = QStringLiteral("c.country"); break;
    case CustomerSort::InvoiceCount: key = d->invoiceCountExpression(); break;
    case CustomerSort::Created: key = QStringLiteral("c.created_at"); break;
    }
    const QString dir = direction(order);
    const QString sql = QStringLiteral("SELECT c.rowid FROM %1 WHERE %2 ORDER BY %3 %4, c.rowid %4")
                            .arg(d->customerFrom(), where, key, dir);
    auto q = prepare(h, sql, QStringLiteral("list the customers"));
    if (!q)
        return fail(q.error());
    ReadSql::Stmt v = (*q)->view();
    v.bind(1, d->tenant);
    if (!search.isEmpty())
        v.bind(2, likePattern(search));
    return firstColumn(v, h, QStringLiteral("list the customers"));
}

Result<QList<CustomerListEntry>> Book::customersByRowId(const QList<qint64> &rowIds) const
{
    sqlite3 *h = d->handle();
    const QString doing = QStringLiteral("read customers");
    auto q = prepare(h,
                     QStringLiteral("SELECT c.rowid, c.id, c.name, c.email, c.street, c.postal_code, c.city, c.country,"
                                    " c.tax_id, c.archived, c.version, %1 FROM %2 WHERE c.rowid = ?1")
                         .arg(d->invoiceCountExpression(), d->customerFrom()),
                     doing);
    if (!q)
        return fail(q.error());
    auto b = prepare(h,
                     QStringLiteral("SELECT currency, digits, open_due FROM %1 WHERE tenant = ?1 AND customer_id = ?2"
                                    " ORDER BY currency")
                         .arg(d->balances),
                     doing);
    if (!b)
        return fail(b.error());
    ReadSql::Stmt v = (*q)->view();
    ReadSql::Stmt bal = (*b)->view();
    QList<CustomerListEntry> rows;
    rows.reserve(rowIds.size());
    for (const qint64 id : rowIds) {
        ReadSql::ResetGuard guard(v);
        v.bind(1, id);
        const int rc = v.step();
        if (rc == SQLITE_DONE)
            continue;
        if (rc != SQLITE_ROW)
            return fail(ReadSql::sqlError(h, rc, doing));
        CustomerListEntry e;
        e.rowId = v.int64(0);
        e.id = v.text(1);
        e.name = v.text(2);
        e.email = v.text(3);
        e.street = v.text(4);
        e.postalCode = v.text(5);
        e.city = v.text(6);
        e.country = v.text(7);
        e.taxId = v.text(8);
        e.archived = v.int64(9) != 0;
        e.version = v.int64(10);
        e.invoiceCount = int(v.int64(11));
        ReadSql::ResetGuard bguard(bal);
        bal.bind(1, d->tenant);
        bal.bind(2, e.id);
        int brc = SQLITE_ROW;
        while ((brc = bal.step()) == SQLITE_ROW)
            e.openBalances.insert(bal.text(0), MoneyAmount{bal.amount(2), int(bal.int64(1))});
        if (brc != SQLITE_DONE)
            return fail(ReadSql::sqlError(h, brc, doing));
        rows << e;
    }
    return rows;
}

Result<QList<CustomerListEntry>> Book::customers(const ListFilter &filter, CustomerSort sort, Qt::SortOrder order) const
{
    const Result<QList<qint64>> ids = customerRowIds(filter, sort, order);
    if (!ids)
        return fail(ids.error());
    return customersByRowId(*ids);
}

Result<QList<AgingRow>> Book::aging(const QDate &day) const
{
    const QDate at = day.isValid() ? day : d->today;
    sqlite3 *h = d->handle();
    const QString doing = QStringLiteral("compute the receivables aging");
    auto q = prepare(h,
                     QStringLiteral("SELECT currency, digits, due, due_date FROM %1 WHERE tenant = ?1 AND status IN"
                                    " ('ISSUED', 'SENT', 'PARTIALLY_PAID') ORDER BY currency")
                         .arg(d->invoices),
                     doing);
    if (!q)
        return fail(q.error());
    ReadSql::Stmt v = (*q)->view();
    v.bind(1, d->tenant);
    QMap<QString, AgingRow> rows;
    const Status read = eachRow(v, h, doing, [&] {
        const Int128 due = v.amount(2);
        if (due == 0)
            return;
        AgingRow &row = rows[v.text(0)];
        row.currency = v.text(0);
        row.digits = int(v.int64(1));
        const QDate dueDate = v.date(3);
        const qint64 late = dueDate.isValid() && at.isValid() ? dueDate.daysTo(at) : 0;
        const int bucket = late <= 0 ? 0 : late <= 30 ? 1 : late <= 60 ? 2 : late <= 90 ? 3 : 4;
        row.amounts[size_t(bucket)] += due;
        row.counts[size_t(bucket)] += 1;
        row.total += due;
    });
    if (!read)
        return fail(read.error());
    return rows.values();
}

Result<QList<RevenueRow>> Book::revenue() const
{
    sqlite3 *h = d->handle();
    const QString doing = QStringLiteral("compute the revenue");
    QMap<std::pair<QString, QString>, RevenueRow> rows;
    if (d->live) {
        auto q = prepare(h,
                         QStringLiteral("SELECT month, currency, digits, invoice_count, net, tax, total, received FROM"
                                        " main.revenue_by_month WHERE tenant = ?1 ORDER BY month, currency"),
                         doing);
        if (!q)
            return fail(q.error());
        ReadSql::Stmt v = (*q)->view();
        v.bind(1, d->tenant);
        QList<RevenueRow> result;
        const Status read = eachRow(v, h, doing, [&] {
            RevenueRow r;
            r.month = v.text(0);
            r.currency = v.text(1);
            r.digits = int(v.int64(2));
            r.invoiceCount = int(v.int64(3));
            r.net = v.amount(4);
            r.tax = v.amount(5);
            r.total = v.amount(6);
            r.received = v.amount(7);
            result << r;
        });
        if (!read)
            return fail(read.error());
        return result;
    }
    // Invoiced: the invoices issued and not void as of then, by issue month (their figures
    // are frozen at the issue). Received: the payments recorded up to then, as far as the
    // revenue projection got.
    {
        auto q = prepare(h,
                         QStringLiteral("SELECT substr(issue_date, 1, 7), currency, digits, net, tax, total FROM %1"
                                        " WHERE tenant = ?1 AND status IN ('ISSUED', 'SENT', 'PARTIALLY_PAID', 'PAID')"
                                        " AND issue_date IS NOT NULL")
                             .arg(d->invoices),
                         doing);
        if (!q)
            return fail(q.error());
        ReadSql::Stmt v = (*q)->view();
        v.bind(1, d->tenant);
        const Status read = eachRow(v, h, doing, [&] {
            RevenueRow &r = rows[{v.text(0), v.text(1)}];
            r.month = v.text(0);
            r.currency = v.text(1);
            r.digits = int(v.int64(2));
            r.invoiceCount += 1;
            r.net += v.amount(3);
            r.tax += v.amount(4);
            r.total += v.amount(5);
        });
        if (!read)
            return fail(read.error());
    }
    {
        auto q = prepare(h,
                         QStringLiteral("SELECT month, currency, digits, amount FROM main.revenue_payments"
                                        " WHERE tenant = ?1 AND position <= ?2"),
                         doing);
        if (!q)
            return fail(q.error());
        ReadSql::Stmt v = (*q)->view();
        v.bind(1, d->tenant);
        v.bind(2, d->revenuePosition);
        const Status read = eachRow(v, h, doing, [&] {
            RevenueRow &r = rows[{v.text(0), v.text(1)}];
            r.month = v.text(0);
            r.currency = v.text(1);
            r.digits = int(v.int64(2));
            r.received += v.amount(3);
        });
        if (!read)
            return fail(read.error());
    }
    return rows.values();
}

Result<QList<ActivityEntry>> Book::activity(int limit, qint64 beforePosition) const
{
    sqlite3 *h = d->handle();
    const QString doing = QStringLiteral("read the activity feed");
    // The tenant's events newest first, through the log's index by (tenant, position): an entry
    // is a run of them, so a page reads its entries' events and one more.
    auto q = prepare(h,
                     QStringLiteral("SELECT position, stream_type, stream_id, recorded_at, type,"
                                    " coalesce(json_extract(metadata, '$.commandId'), ''),"
                                    " coalesce(json_extract(metadata, '$.actor'), '')"
                                    " FROM main.events WHERE tenant = ?1 AND position <= ?2 AND position < ?3"
                                    " ORDER BY position DESC"),
                     doing);
    if (!q)
        return fail(q.error());
    ReadSql::Stmt v = (*q)->view();
    v.bind(1, d->tenant);
    v.bind(2, d->live ? std::numeric_limits<qint64>::max() : d->position);
    v.bind(3, beforePosition > 0 ? beforePosition : std::numeric_limits<qint64>::max());
    QList<ActivityEntry> rows;
    QString command;  // of the oldest event of rows.last()
    int rc = SQLITE_ROW;
    while ((rc = v.step()) == SQLITE_ROW) {
        const QString streamType = v.text(1);
        if (!ActivityFeed::isTold(streamType))
            continue;
        const qint64 position = v.int64(0);
        const QString streamId = v.text(2);
        const qint64 timeMs = v.int64(3);
        const QString commandId = v.text(5);
        if (!rows.isEmpty()) {
            ActivityEntry &e = rows.last();
            if (ActivityFeed::continues(position, streamId, timeMs, commandId, e.position, e.streamId,
                                        e.recordedAt.toMSecsSinceEpoch(), command)) {
                // What the feed shows of an entry is its first event's.
                e.position = position;
                e.eventType = v.text(4);
                e.actor = v.text(6);
                ++e.eventCount;
                continue;
            }
        }
        if (limit > 0 && rows.size() == limit)
            break;  // the last entry is whole: this event starts an older one
        ActivityEntry e;
        e.position = position;
        e.lastPosition = position;
        e.recordedAt = QDateTime::fromMSecsSinceEpoch(timeMs, Qt::UTC);
        e.streamType = streamType;
        e.streamId = streamId;
        e.eventType = v.text(4);
        e.eventCount = 1;
        e.actor = v.text(6);  // the summary is rendered from the events (ActivityFeed::summarize)
        rows << e;
        command = commandId;
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return fail(ReadSql::sqlError(h, rc, doing));
    if (Status s = subjects(rows); !s)
        return fail(s.error());
    return rows;
}

// What each entry is about, as this book knows it: an invoice's number and customer name, a
// customer's name.
Status Book::subjects(QList<ActivityEntry> &entries) const
{
    sqlite3 *h = d->handle();
    const QString doing = QStringLiteral("read the activity feed");
    auto invoice = prepare(h, QStringLiteral("SELECT number, customer_name FROM %1 WHERE tenant = ?1 AND id = ?2").arg(d->invoices),
                           doing);
    if (!invoice)
        return fail(invoice.error());
    auto customer = prepare(h, QStringLiteral("SELECT name FROM %1 WHERE tenant = ?1 AND id = ?2").arg(d->customers), doing);
    if (!customer)
        return fail(customer.error());
    for (ActivityEntry &e : entries) {
        const bool isInvoice = e.streamType == Wire::StreamType::Invoice;
        if (!isInvoice && e.streamType != Wire::StreamType::Customer)
            continue;
        ReadSql::Stmt v = (isInvoice ? *invoice : *customer)->view();
        v.bind(1, d->tenant);
        v.bind(2, e.streamId);
        const int rc = v.step();
        if (rc == SQLITE_ROW) {
            e.subjectNumber = isInvoice ? v.text(0) : QString();
            e.subjectName = v.text(isInvoice ? 1 : 0);
        }
        v.reset();
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return fail(ReadSql::sqlError(h, rc, doing));
    }
    return {};
}

} // namespace Billstream
