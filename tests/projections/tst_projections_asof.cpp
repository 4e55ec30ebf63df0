// The whole book as of a recorded time: a small history with known times (ManualClock), and
// the lists, customer figures, aging and revenue as of each time against hand-computed values.
#include "projectiontesthelpers.h"

#include "core/projections/book.h"

#include <QSqlQuery>
#include <QThread>

#include <optional>
#include <thread>

using namespace Billstream;
using namespace Billstream::Testing;

namespace {

QString money(Int128 minor, int digits)
{
    return formatMinorUnits(minor, digits);
}

// "id status total paid due overdue customerName" of every listed invoice, in creation order.
QStringList invoiceLines(const Book &book, const QString &status = {})
{
    QStringList lines;
    auto list = book.invoices(ListFilter{status, {}});
    if (!list)
        return {QStringLiteral("error: ") + list.error().message};
    for (const InvoiceListEntry &e : std::as_const(*list)) {
        lines << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8")
                     .arg(e.id, e.number.isEmpty() ? QStringLiteral("-") : e.number, e.status, money(e.total, e.digits),
                          money(e.paid, e.digits), money(e.due, e.digits),
                          e.overdue ? QStringLiteral("overdue") : QStringLiteral("-"), e.customerName);
    }
    return lines;
}

// "id count balances" of every customer, by name.
QStringList customerLines(const Book &book)
{
    QStringList lines;
    auto list = book.customers({});
    if (!list)
        return {QStringLiteral("error: ") + list.error().message};
    for (const CustomerListEntry &c : std::as_const(*list)) {
        QStringList balances;
        for (auto it = c.openBalances.cbegin(); it != c.openBalances.cend(); ++it)
            balances << it.key() + QLatin1Char('=') + it->text();
        lines << QStringLiteral("%1 %2 %3 [%4]").arg(c.id, c.name).arg(c.invoiceCount).arg(balances.join(QLatin1Char(',')));
    }
    return lines;
}

// "currency current 1-30 31-60 61-90 over-90 total" per currency.
QStringList agingLines(const Book &book)
{
    QStringList lines;
    auto rows = book.aging();
    if (!rows)
        return {QStringLiteral("error: ") + rows.error().message};
    for (const AgingRow &r : std::as_const(*rows)) {
        QStringList parts{r.currency};
        for (const Int128 a : r.amounts)
            parts << money(a, r.digits);
        parts << money(r.total, r.digits);
        lines << parts.join(QLatin1Char(' '));
    }
    return lines;
}

QStringList revenueLines(const Book &book)
{
    QStringList lines;
    auto rows = book.revenue();
    if (!rows)
        return {QStringLiteral("error: ") + rows.error().message};
    for (const RevenueRow &r : std::as_const(*rows)) {
        lines << QStringLiteral("%1 %2 %3 %4 %5 %6 %7")
                     .arg(r.month, r.currency)
                     .arg(r.invoiceCount)
                     .arg(money(r.net, r.digits), money(r.tax, r.digits), money(r.total, r.digits), money(r.received, r.digits));
    }
    return lines;
}

} // namespace

class TestProjectionsAsOf : public QObject
{
    Q_OBJECT

private:
    TestStore t;

    Book bookAsOf(const char *iso)
    {
        auto b = Book::asOf(*t.store, t.tenant, utc(iso));
        if (!b)
            qFatal("as of %s: %s", iso, qPrintable(b.error().message));
        return *b;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(t.open());
        t.at("2026-01-05T09:00:00.000Z");
        t.exec(companyProfile());
        t.at("2026-01-05T09:01:00.000Z");
        t.exec(createCustomer(s("c1"), s("Anna Berg"), s("anna@example.com")));
        t.at("2026-01-05T09:02:00.000Z");
        t.exec(createCustomer(s("c2"), s("Bruno Cole"), s("bruno@example.com")));
        // i1: 2 × 100.00 at 19 % = 200.00 + 38.00 = 238.00 EUR, due 30 days after issue.
        t.at("2026-01-10T10:00:00.000Z");
        t.exec(createInvoice(s("i1"), s("c1"), s("EUR"), {line(s("L1"), s("2"), s("100.00"), s("19"))}));
        t.at("2026-01-10T11:00:00.000Z");
        t.exec(issue(s("i1"), s("2026-01-10")));
        // i2: 3 × 1000 at 10 % = 3000 + 300 = 3300 JPY.
        t.at("2026-01-12T09:00:00.000Z");
        t.exec(createInvoice(s("i2"), s("c2"), s("JPY"), {line(s("L1"), s("3"), s("1000"), s("10"))}));
        t.at("2026-01-12T09:30:00.000Z");
        t.exec(issue(s("i2"), s("2026-01-12")));
        // i3: 1 × 50.00 at 7 % = 53.50 EUR, a draft.
        t.at("2026-01-15T12:00:00.000Z");
        t.exec(createInvoice(s("i3"), s("c1"), s("EUR"), {line(s("L1"), s("1"), s("50.00"), s("7"))}, s("=HYPERLINK(\"x\")")));
        // i1 is paid after the dates asked about below: 100.00 in February, the rest in March.
        t.at("2026-02-20T10:00:00.000Z");
        t.exec(pay(s("i1"), s("p1"), s("100.00"), s("2026-02-20")));
        t.at("2026-03-15T10:00:00.000Z");
        t.exec(pay(s("i1"), s("p2"), s("138.00"), s("2026-03-15")));
        t.at("2026-03-20T10:00:00.000Z");
        t.exec(command(s("RenameCustomer"), s("c1"), {{s("name"), s("Anna Berg-Lund")}}));
        t.at("2026-04-01T10:00:00.000Z");
        t.exec(command(s("VoidInvoice"), s("i2"), {{s("reason"), s("wrong customer")}}));
        t.at("2026-04-02T10:00:00.000Z");
        t.exec(command(s("DeleteInvoice"), s("i3"), {}));
        t.at("2026-04-05T10:00:00.000Z");
        QVERIFY(t.readSide->catchUp());
    }

    void beforeTheFirstEvent()
    {
        const Book b = bookAsOf("2025-12-31T23:59:59.999Z");
        QCOMPARE(b.position(), 0);
        QCOMPARE(invoiceLines(b), QStringList());
        QCOMPARE(customerLines(b), QStringList());
        QCOMPARE(agingLines(b), QStringList());
        QCOMPARE(revenueLines(b), QStringList());
    }

    // As of T includes the events recorded at T (CLI.md): i1 exists, still a draft.
    void atTheExactTime()
    {
        const Book b = bookAsOf("2026-01-10T10:00:00.000Z");
        QCOMPARE(invoiceLines(b), QStringList{s("i1 - DRAFT 238.00 0.00 238.00 - Anna Berg")});
        const Book before = bookAsOf("2026-01-10T09:59:59.999Z");
        QCOMPARE(invoiceLines(before), QStringList());
    }

    void afterTheFirstIssue()
    {
        const Book b = bookAsOf("2026-01-11T23:59:59.999Z");
        QCOMPARE(b.today(), QDate(2026, 1, 11));
        QCOMPARE(invoiceLines(b), QStringList{s("i1 INV-2026-0001 ISSUED 238.00 0.00 238.00 - Anna Berg")});
        QCOMPARE(customerLines(b), (QStringList{s("c1 Anna Berg 1 [EUR=238.00]"), s("c2 Bruno Cole 0 []")}));
        QCOMPARE(agingLines(b), QStringList{s("EUR 238.00 0.00 0.00 0.00 0.00 238.00")});
        QCOMPARE(revenueLines(b), QStringList{s("2026-01 EUR 1 200.00 38.00 238.00 0.00")});
    }

    // i1 is paid later: as of mid-February it is open, and overdue (due 2026-02-09).
    void openThenPaidLater()
    {
        const Book b = bookAsOf("2026-02-15T12:00:00.000Z");
        QCOMPARE(invoiceLines(b), (QStringList{s("i1 INV-2026-0001 ISSUED 238.00 0.00 238.00 overdue Anna Berg"),
                                               s("i2 INV-2026-0002 ISSUED 3300 0 3300 overdue Bruno Cole"),
                                               s("i3 - DRAFT 53.50 0.00 53.50 - Anna Berg")}));
        QCOMPARE(customerLines(b), (QStringList{s("c1 Anna Berg 2 [EUR=238.00]"), s("c2 Bruno Cole 1 [JPY=3300]")}));
        // 6 and 4 days past due.
        QCOMPARE(agingLines(b), (QStringList{s("EUR 0.00 238.00 0.00 0.00 0.00 238.00"), s("JPY 0 3300 0 0 0 3300")}));
        QCOMPARE(invoiceLines(b, s("OVERDUE")).size(), 2);
        QCOMPARE(revenueLines(b), (QStringList{s("2026-01 EUR 1 200.00 38.00 238.00 0.00"),
                                               s("2026-01 JPY 1 3000 300 3300 0")}));
    }

    void partlyPaid()
    {
        const Book b = bookAsOf("2026-03-01T00:00:00.000Z");
        const QStringList lines = invoiceLines(b);
        QVERIFY(!lines.isEmpty());
        QCOMPARE(lines.first(), s("i1 INV-2026-0001 PARTIALLY_PAID 238.00 100.00 138.00 overdue Anna Berg"));
        QCOMPARE(customerLines(b), (QStringList{s("c1 Anna Berg 2 [EUR=138.00]"), s("c2 Bruno Cole 1 [JPY=3300]")}));
        // 20 and 18 days past due.
        QCOMPARE(agingLines(b), (QStringList{s("EUR 0.00 138.00 0.00 0.00 0.00 138.00"), s("JPY 0 3300 0 0 0 3300")}));
    }

    void paidAndRenamed()
    {
        // The day before the rename the invoices still show the old name.
        const QStringList before = invoiceLines(bookAsOf("2026-03-19T23:59:59.999Z"));
        QVERIFY(!before.isEmpty());
        QVERIFY(before.first().endsWith(s(" Anna Berg")));
        const Book b = bookAsOf("2026-03-25T00:00:00.000Z");
        const QStringList lines = invoiceLines(b);
        QCOMPARE(lines.size(), 3);
        // Paid in full: nothing due (its final status is the domain's to decide).
        QVERIFY2(lines.at(0).startsWith(s("i1 INV-2026-0001 ")) && lines.at(0).endsWith(s(" 238.00 238.00 0.00 - Anna Berg-Lund")),
                 qPrintable(lines.at(0)));
        QCOMPARE(customerLines(b), (QStringList{s("c1 Anna Berg-Lund 2 []"), s("c2 Bruno Cole 1 [JPY=3300]")}));
        // i2: 42 days past due.
        QCOMPARE(agingLines(b), QStringList{s("JPY 0 0 3300 0 0 3300")});
        QCOMPARE(revenueLines(b), (QStringList{s("2026-01 EUR 1 200.00 38.00 238.00 0.00"),
                                               s("2026-01 JPY 1 3000 300 3300 0"),
                                               s("2026-02 EUR 0 0.00 0.00 0.00 100.00"),
                                               s("2026-03 EUR 0 0.00 0.00 0.00 138.00")}));
    }

    void atTheEnd()
    {
        const Book b = bookAsOf("2026-04-05T10:00:00.000Z");
        const QStringList lines = invoiceLines(b);
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines.at(1), s("i2 INV-2026-0002 VOID 3300 0 3300 - Bruno Cole"));
        QCOMPARE(invoiceLines(b, s("DELETED")), QStringList{s("i3 - DELETED 53.50 0.00 53.50 - Anna Berg-Lund")});
        QCOMPARE(customerLines(b), (QStringList{s("c1 Anna Berg-Lund 1 []"), s("c2 Bruno Cole 1 []")}));
        QCOMPARE(agingLines(b), QStringList());
        QCOMPARE(revenueLines(b), (QStringList{s("2026-01 EUR 1 200.00 38.00 238.00 0.00"),
                                               s("2026-02 EUR 0 0.00 0.00 0.00 100.00"),
                                               s("2026-03 EUR 0 0.00 0.00 0.00 138.00")}));
        // The live book says the same as the book as of now.
        auto live = Book::live(*t.store, t.tenant, QDate(2026, 4, 5));
        QVERIFY(live);
        QCOMPARE(invoiceLines(*live), lines);
        QCOMPARE(customerLines(*live), customerLines(b));
        QCOMPARE(revenueLines(*live), revenueLines(b));
    }

    // A position inside one recorded millisecond is read as its end: CreateInvoice's events
    // are one step of history.
    void positionsRoundToTheirMillisecond()
    {
        auto first = Book::asOf(*t.store, t.tenant, utc("2026-01-10T10:00:00.000Z"));
        QVERIFY(first);
        auto inside = Book::asOfPosition(*t.store, t.tenant, first->position() - 2);
        QVERIFY(inside);
        QCOMPARE(inside->position(), first->position());
        QCOMPARE(invoiceLines(*inside), invoiceLines(*first));
    }

    // As-of books live in temporary tables and leave the live projections alone.
    // A book built on a worker's connection into tables both connections attach (what the
    // window does, so it does not wait for the book) is the book built on the showing one.
    void builtOnAnotherConnection()
    {
        for (const char *iso : {"2026-01-10T10:30:00.000Z", "2026-02-15T12:00:00.000Z", "2026-03-25T00:00:00.000Z"}) {
            const Book here = bookAsOf(iso);
            auto shared = SharedBookTables::attach(*t.store);
            QVERIFY(shared);
            std::optional<Result<Book>> built;
            Qt::HANDLE builtOn = nullptr;
            std::thread worker([&] {
                builtOn = QThread::currentThreadId();
                StoreOptions options;
                options.quickCheckOnOpen = false;
                auto store = SqliteEventStore::open(t.store->path(), options);
                if (!store) {
                    built = fail(store.error());
                    return;
                }
                built = Book::asOf(**store, t.tenant, utc(iso), nullptr, *shared);
            });
            worker.join();
            QVERIFY(builtOn != QThread::currentThreadId());
            QVERIFY(built && *built);
            const Book there = **built;
            built.reset();
            QCOMPARE(&there.store(), t.store.get());
            QCOMPARE(there.position(), here.position());
            QCOMPARE(invoiceLines(there), invoiceLines(here));
            QCOMPARE(invoiceLines(there, s("DELETED")), invoiceLines(here, s("DELETED")));
            QCOMPARE(customerLines(there), customerLines(here));
            QCOMPARE(agingLines(there), agingLines(here));
            QCOMPARE(revenueLines(there), revenueLines(here));
            // And read again through a third connection (the window's exports do that).
            QStringList read;
            std::thread reader([&] {
                StoreOptions options;
                options.quickCheckOnOpen = false;
                auto store = SqliteEventStore::open(t.store->path(), options);
                if (!store)
                    return;
                Result<Book> again = there.on(**store);
                if (again)
                    read = invoiceLines(*again) + customerLines(*again) + revenueLines(*again);
            });
            reader.join();
            QCOMPARE(read, invoiceLines(here) + customerLines(here) + revenueLines(here));
        }
        // A book in temporary tables of its connection cannot be read elsewhere, and says so.
        const Book temporary = bookAsOf("2026-02-15T12:00:00.000Z");
        QVERIFY(!temporary.canOpenElsewhere());
        auto refused = temporary.on(*t.store);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(s("temporary tables")), qPrintable(refused.error().message));
        // Let go of, the shared tables are detached from the showing connection.
        QSqlQuery q(t.store->database());
        QVERIFY(q.exec(s("PRAGMA database_list")));
        while (q.next())
            QVERIFY2(!q.value(1).toString().startsWith(s("asofdb_")), qPrintable(q.value(1).toString()));
    }

    void liveTablesUntouched()
    {
        QStringList before = invoiceLines(*Book::live(*t.store, t.tenant, QDate(2026, 4, 5)));
        {
            const Book past = bookAsOf("2026-02-15T12:00:00.000Z");
            QCOMPARE(invoiceLines(past).size(), 3);
        }
        QCOMPARE(invoiceLines(*Book::live(*t.store, t.tenant, QDate(2026, 4, 5))), before);
        auto check = verifyProjections(*t.store);
        QVERIFY(check);
        QVERIFY2(check->problems.isEmpty(), qPrintable(check->problems.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestProjectionsAsOf)
#include "tst_projections_asof.moc"
