#pragma once

#include "core/domain/decimal.h"
#include "core/es/result.h"

#include <QDate>
#include <QDateTime>
#include <QList>
#include <QLocale>
#include <QMap>
#include <QString>

#include <array>
#include <memory>

namespace Billstream {

class SqliteEventStore;
class Upcasters;

// "1234.50" for 123450 minor units with 2 digits; exact for any 38-digit amount.
QString formatMinorUnits(Int128 minorUnits, int digits);
// The same with the locale's digit grouping and decimal point ("1,234.50"), still exact.
QString formatMinorUnits(Int128 minorUnits, int digits, const QLocale &locale);

// One row of the invoice list, as the list views and `list invoices` show it.
struct InvoiceListEntry
{
    qint64 rowId = 0;          // stable within one book (live table or as-of snapshot)
    QString id;
    QString number;
    QString status;            // stored status; see overdue
    QString customerId;
    QString customerName;
    QString currency;
    int digits = 0;
    QDate issueDate;
    QDate dueDate;
    Int128 net = 0;
    Int128 tax = 0;
    Int128 total = 0;
    Int128 paid = 0;
    Int128 due = 0;
    QString notes;
    int lineCount = 0;
    qint64 version = 0;
    qint64 createdAtMs = 0;
    qint64 updatedAtMs = 0;
    bool overdue = false;      // ISSUED, SENT or PARTIALLY_PAID with a due date before the book's day
    friend bool operator==(const InvoiceListEntry &, const InvoiceListEntry &) = default;
};

struct MoneyAmount
{
    Int128 minorUnits = 0;
    int digits = 0;
    QString text() const { return formatMinorUnits(minorUnits, digits); }
    friend bool operator==(const MoneyAmount &, const MoneyAmount &) = default;
};

// One row of the customer list.
struct CustomerListEntry
{
    qint64 rowId = 0;
    QString id;
    QString name;
    QString email;
    QString street;
    QString postalCode;
    QString city;
    QString country;
    QString taxId;
    bool archived = false;
    qint64 version = 0;
    int invoiceCount = 0;                     // all but DELETED invoices
    QMap<QString, MoneyAmount> openBalances;  // currency → sum of due of ISSUED/SENT/PARTIALLY_PAID
    friend bool operator==(const CustomerListEntry &, const CustomerListEntry &) = default;
};

// Receivables aging (open invoices by days past due at a date), per currency.
struct AgingRow
{
    QString currency;
    int digits = 0;
    // current (not yet due), 1–30, 31–60, 61–90, over 90 days past due
    std::array<Int128, 5> amounts{};
    std::array<int, 5> counts{};
    Int128 total = 0;
    friend bool operator==(const AgingRow &, const AgingRow &) = default;
};
QStringList agingBucketNames();

// Revenue of one month in one currency.
struct RevenueRow
{
    QString month;             // "2026-03"
    QString currency;
    int digits = 0;
    int invoiceCount = 0;      // issued that month and not voided
    Int128 net = 0;
    Int128 tax = 0;
    Int128 total = 0;
    Int128 received = 0;       // payments dated that month
    friend bool operator==(const RevenueRow &, const RevenueRow &) = default;
};

struct ActivityEntry
{
    qint64 position = 0;
    qint64 lastPosition = 0;
    QDateTime recordedAt;
    QString streamType;
    QString streamId;
    QString eventType;
    int eventCount = 0;
    QString summary;
    QString actor;
    // What the entry is about, as the book knows it (now, or as of its time): an invoice's
    // number (empty for a draft) and customer name; a customer's name.
    QString subjectNumber;
    QString subjectName;
    friend bool operator==(const ActivityEntry &, const ActivityEntry &) = default;
};

enum class InvoiceSort { Created, Number, Customer, StatusName, IssueDate, DueDate, Currency, Net, Tax, Total, Paid, Due, Updated };
enum class CustomerSort { Name, Email, Country, InvoiceCount, Created };

// What a list shows: a stored status (DELETED ones only when asked for), OVERDUE (derived),
// or every status but DELETED; and a text found in number, customer name or notes
// (invoices) or name, e-mail and city (customers), case-insensitively.
struct ListFilter
{
    QString status;
    QString search;
};

// Every status --status accepts (OVERDUE is derived, never stored).
QStringList invoiceStatusFilters();

// A database in memory (SQLite's memdb) attached to the connection that will show an as-of
// book, which another connection of the same process (a worker's) attaches too and builds the
// book's tables in: the window then shows a book it did not wait for. Detached from the showing
// connection when the last Book or holder lets go of it; create and release it on that
// connection's thread.
class SharedBookTables
{
public:
    static Result<std::shared_ptr<SharedBookTables>> attach(SqliteEventStore &showing);
    // The same database attached to another connection (a worker's that reads the book too).
    static Result<std::shared_ptr<SharedBookTables>> attachAgain(SqliteEventStore &other, const SharedBookTables &tables);
    ~SharedBookTables();
    SharedBookTables(const SharedBookTables &) = delete;
    SharedBookTables &operator=(const SharedBookTables &) = delete;

    SqliteEventStore &showing() const { return m_showing; }
    QString schema() const { return m_schema; }  // the name both connections attach it as
    QString uri() const { return m_uri; }

private:
    SharedBookTables(SqliteEventStore &showing, QString schema, QString uri);
    static Result<std::shared_ptr<SharedBookTables>> attachAs(SqliteEventStore &store, const QString &schema,
                                                              const QString &uri, const QString &doing);
    SqliteEventStore &m_showing;
    QString m_schema;
    QString m_uri;
};

// One tenant's book, live or as it stood at a point of the log. An as-of book is computed
// once into temporary tables of the connection, or into SharedBookTables when another
// connection builds it (either dropped when the last copy of the Book goes),
// from the live rows that held then, the customers' superseded versions and, for invoices
// changed since, their events up to then; the live tables are never touched.
class Book
{
public:
    // The live projections; OVERDUE is judged at `today`.
    static Result<Book> live(SqliteEventStore &store, const QString &tenantId, const QDate &today);
    // As of a recorded time: every event recorded at or before `time` (CLI.md); OVERDUE is
    // judged at that time's date.
    // Invoices changed since are folded from the log with `upcasters` (the read side's).
    static Result<Book> asOf(SqliteEventStore &store, const QString &tenantId, const QDateTime &time,
                             const Upcasters *upcasters = nullptr);
    // The same computed on `store` (a worker's connection) into `into`: the book returned
    // reads through `into->showing()` and is to be used, and let go of, on its thread.
    static Result<Book> asOf(SqliteEventStore &store, const QString &tenantId, const QDateTime &time,
                             const Upcasters *upcasters, const std::shared_ptr<SharedBookTables> &into);
    // As of a position of the log, rounded to the end of its recorded millisecond (a version
    // spans one recorded time, and as of a time includes everything recorded then).
    static Result<Book> asOfPosition(SqliteEventStore &store, const QString &tenantId, qint64 position,
                                     const Upcasters *upcasters = nullptr,
                                     const std::shared_ptr<SharedBookTables> &into = {});
    // The last position recorded at or before `time` (0: before the first event).
    static Result<qint64> positionAt(SqliteEventStore &store, const QDateTime &time);

    bool isLive() const;
    // Whether on() can open this book on another connection: a live one, or one as of a time
    // built into shared tables (not one in temporary tables of its connection).
    bool canOpenElsewhere() const;
    // This book read through another connection of the same store (a worker's, which uses the
    // result and lets go of it on its own thread): a live book reads that connection's live
    // tables; a book as of a time attaches its shared tables there.
    Result<Book> on(SqliteEventStore &other) const;
    QString tenantId() const;
    qint64 position() const;        // as of; the head when the book was opened, for a live one
    QDateTime time() const;         // as of; invalid for a live book
    QDate today() const;            // the day OVERDUE and aging are judged at
    SqliteEventStore &store() const;

    // The SQL source of the rows, for models that page through them.
    QString invoiceTable() const;   // columns of invoice_list plus customer_name
    bool hasSearchIndex() const;    // FTS5 over the live invoice list, usable now

    // Row ids in order, filtered; then the rows for a slice of them.
    Result<QList<qint64>> invoiceRowIds(const ListFilter &filter, InvoiceSort sort, Qt::SortOrder order) const;
    Result<QList<InvoiceListEntry>> invoicesByRowId(const QList<qint64> &rowIds) const;
    Result<QList<InvoiceListEntry>> invoices(const ListFilter &filter, InvoiceSort sort = InvoiceSort::Created,
                                             Qt::SortOrder order = Qt::AscendingOrder) const;

    Result<QList<qint64>> customerRowIds(const ListFilter &filter, CustomerSort sort, Qt::SortOrder order) const;
    Result<QList<CustomerListEntry>> customersByRowId(const QList<qint64> &rowIds) const;
    Result<QList<CustomerListEntry>> customers(const ListFilter &filter, CustomerSort sort = CustomerSort::Name,
                                               Qt::SortOrder order = Qt::AscendingOrder) const;

    // Open invoices by days past due at `day` (default: the book's day).
    Result<QList<AgingRow>> aging(const QDate &day = {}) const;
    // Revenue by month and currency; a live book reads it as far as the async projection got.
    Result<QList<RevenueRow>> revenue() const;
    qint64 revenuePosition() const;
    // The newest entries first, at most `limit`, those before `beforePosition` when > 0; without
    // their summaries, which ActivityFeed::summarize() renders from the events. Read from the
    // log itself (see ActivityFeed), up to the book's position.
    Result<QList<ActivityEntry>> activity(int limit, qint64 beforePosition = 0) const;

private:
    Status subjects(QList<ActivityEntry> &entries) const;
    struct Data;
    std::shared_ptr<Data> d;
};

} // namespace Billstream
