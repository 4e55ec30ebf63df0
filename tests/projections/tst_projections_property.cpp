// Property: after random command sequences through InvoicingService, every projection equals a
// fresh rebuild from the log, every list row equals the domain's own fold of its stream (now
// and as of random past times), and the customer figures equal sums over those folds.
//
// The sequences run on three store instances sharing one file: two with the read side attached
// (each with its own fold cache, so each sees the other's appends only through the log and the
// row guard) and one without (its appends are caught up by the kernel from the checkpoint).
#include "projectiontesthelpers.h"

#include "core/domain/currency.h"
#include "core/domain/domainevents.h"
#include "core/domain/money.h"
#include "core/domain/invoice.h"
#include "core/projections/book.h"
#include "core/projections/invoicerow.h"
#include "core/projections/sqlaccess.h"

#include <QRandomGenerator>
#include <sqlite3.h>

using namespace Billstream;
using namespace Billstream::Testing;

namespace {

struct Instance
{
    std::unique_ptr<SqliteEventStore> store;
    std::unique_ptr<ReadSide> readSide;
    std::unique_ptr<InvoicingService> service;
};

class Sequence
{
public:
    Sequence(quint32 seed, const QString &path, const QTemporaryDir &dir, ManualClock &clock)
        : m_rng(seed)
        , m_clock(clock)
    {
        for (int i = 0; i < 3; ++i) {
            Instance in;
            auto store = SqliteEventStore::open(path, TestStore::options(dir, &clock));
            if (!store)
                qFatal("open: %s", qPrintable(store.error().message));
            in.store = std::move(*store);
            // Durability is not under test here; the commands are.
            (void)ReadSql::exec(ReadSql::handleOf(in.store->database()), "PRAGMA synchronous = OFF", QString());
            if (i < 2) {
                ReadSideOptions ro;
                ro.autoCatchUp = false;
                auto rs = ReadSide::attach(*in.store, ro);
                if (!rs)
                    qFatal("attach: %s", qPrintable(rs.error().message));
                in.readSide = std::move(*rs);
            }
            in.service = std::make_unique<InvoicingService>(*in.store, clock);
            m_instances.push_back(std::move(in));
        }
    }

    Instance &main() { return m_instances.front(); }
    const QStringList &tenants() const { return m_tenants; }
    QHash<QString, QStringList> invoices;   // tenant → ids
    QHash<QString, QStringList> customers;
    QList<QDateTime> times;                  // recorded times worth checking as of

    int pick(int n) { return int(m_rng.bounded(n)); }
    bool chance(int percent) { return pick(100) < percent; }

    QString amount(int digits, qint64 minor)
    {
        return formatMinorUnits(minor, digits);
    }

    void run(int commands)
    {
        for (const QString &t : m_tenants) {
            (void)m_instances.front().service->execute(t, companyProfile());
            customers[t] = {};
            invoices[t] = {};
        }
        for (int i = 0; i < commands; ++i) {
            // Time: often the same millisecond (one step of history), sometimes days later.
            const int step = pick(10);
            if (step >= 3)
                m_clock.advanceMSecs(step < 8 ? qint64(1 + pick(600)) * 1000 : qint64(1 + pick(3)) * 86'400'000);
            if (chance(3))
                times << m_clock.nowUtc();
            const int who = chance(10) ? 2 : pick(2);
            const QString tenant = m_tenants.at(pick(int(m_tenants.size())));
            one(m_instances.at(who), tenant);
        }
        times << m_clock.nowUtc();
    }

private:
    void one(Instance &in, const QString &tenant)
    {
        QStringList &cs = customers[tenant];
        QStringList &is = invoices[tenant];
        const QString today = m_clock.nowUtc().date().toString(Qt::ISODate);
        if (cs.isEmpty() || chance(6)) {
            const QString id = QStringLiteral("c%1").arg(m_next++);
            if (in.service->execute(tenant, createCustomer(id, QStringLiteral("Customer %1 =x").arg(id),
                                                           id + QStringLiteral("@example.com"))))
                cs << id;
            return;
        }
        const QString customer = cs.at(pick(int(cs.size())));
        if (chance(4)) {
            const int what = pick(4);
            if (what == 0)
                (void)in.service->execute(tenant, command(QStringLiteral("RenameCustomer"), customer,
                                                          {{QStringLiteral("name"), QStringLiteral("Renamed %1").arg(m_next++)}}));
            else if (what == 1)
                (void)in.service->execute(tenant, command(QStringLiteral("ChangeCustomerEmail"), customer,
                                                          {{QStringLiteral("email"), QStringLiteral("n%1@example.com").arg(m_next++)}}));
            else if (what == 2)
                (void)in.service->execute(tenant, command(QStringLiteral("ChangeCustomerAddress"), customer,
                                                          {{QStringLiteral("address"), address(QStringLiteral("Köln"))}}));
            else if (chance(30))
                (void)in.service->execute(tenant, command(QStringLiteral("ArchiveCustomer"), customer, {}));
            return;
        }
        if (is.isEmpty() || chance(18)) {
            const QString id = QStringLiteral("i%1").arg(m_next++);
            static const QStringList currencies{QStringLiteral("EUR"), QStringLiteral("EUR"), QStringLiteral("JPY"),
                                                QStringLiteral("KWD"), QStringLiteral("USD")};
            QJsonArray lines;
            for (int k = 0; k < 1 + pick(4); ++k)
                lines.append(line(QStringLiteral("L%1").arg(k), QString::number(1 + pick(9)),
                                  QStringLiteral("%1.%2").arg(1 + pick(900)).arg(pick(10)),
                                  chance(70) ? QStringLiteral("19") : QStringLiteral("7")));
            if (in.service->execute(tenant, createInvoice(id, customer, currencies.at(pick(int(currencies.size()))), lines,
                                                          chance(30) ? QStringLiteral("@notes %1").arg(id) : QString())))
                is << id;
            return;
        }
        const QString id = is.at(pick(int(is.size())));
        auto loaded = in.service->loadInvoice(tenant, id);
        if (!loaded)
            return;
        const InvoiceState &st = loaded->state;
        const int digits = Currency::find(st.currency) ? Currency::find(st.currency)->minorDigits() : 2;
        switch (st.status) {
        case InvoiceStatus::Draft: {
            const int what = pick(10);
            if (what < 4) {
                (void)in.service->execute(tenant, issue(id, chance(50) ? today : QString()));
            } else if (what == 4) {
                (void)in.service->execute(tenant, command(QStringLiteral("AddLineItem"), id,
                                                          line(QStringLiteral("A%1").arg(m_next++), QStringLiteral("2"),
                                                               QStringLiteral("10.5"), QStringLiteral("19"))));
            } else if (what == 5 && !st.lineItems.isEmpty()) {
                (void)in.service->execute(tenant, command(QStringLiteral("UpdateLineItem"), id,
                                                          {{QStringLiteral("lineItemId"), st.lineItems.first().lineItemId},
                                                           {QStringLiteral("quantity"), QString::number(1 + pick(20))}}));
            } else if (what == 6 && st.lineItems.size() > 1) {
                (void)in.service->execute(tenant, command(QStringLiteral("RemoveLineItem"), id,
                                                          {{QStringLiteral("lineItemId"), st.lineItems.last().lineItemId}}));
            } else if (what == 7) {
                (void)in.service->execute(tenant, command(QStringLiteral("SetInvoiceNotes"), id,
                                                          {{QStringLiteral("notes"), QStringLiteral("note %1").arg(m_next++)}}));
            } else if (what == 8) {
                (void)in.service->execute(tenant, command(QStringLiteral("SetInvoiceCustomer"), id,
                                                          {{QStringLiteral("customerId"), customer}}));
            } else if (chance(40)) {
                (void)in.service->execute(tenant, command(QStringLiteral("DeleteInvoice"), id, {}));
            } else {
                (void)in.service->execute(tenant, command(QStringLiteral("SetInvoiceDueDate"), id,
                                                          {{QStringLiteral("dueDate"), m_clock.nowUtc().date().addDays(pick(40) - 10).toString(Qt::ISODate)}}));
            }
            break;
        }
        case InvoiceStatus::Issued:
        case InvoiceStatus::Sent:
        case InvoiceStatus::PartiallyPaid: {
            const Result<InvoiceTotals> totals = invoiceTotals(st);
            const qint64 due = totals ? totals->due.minorUnits64().value_or(0) : 0;
            const int what = pick(10);
            if (what < 5 && due > 0) {
                const qint64 part = chance(50) ? due : std::max<qint64>(1, due * (1 + pick(9)) / 10);
                (void)in.service->execute(tenant, pay(id, QStringLiteral("p%1").arg(m_next++), amount(digits, part), today));
            } else if (what < 7) {
                auto sent = in.service->execute(tenant, command(QStringLiteral("SendInvoiceToCustomer"), id, {}));
                if (sent) {
                    for (const RecordedEvent &e : std::as_const(sent->events)) {
                        if (e.type == Wire::Event::InvoiceSendRequested)
                            (void)in.service->recordDeliveryOutcome(
                                tenant, id, DeliveryOutcome{e.payload.value(QStringLiteral("deliveryId")).toString(), !chance(20), QStringLiteral("bounced")});
                    }
                }
            } else if (what == 7) {
                (void)in.service->execute(tenant, command(QStringLiteral("VoidInvoice"), id,
                                                          {{QStringLiteral("reason"), QStringLiteral("mistake")}}));
            } else {
                // Refused on an issued invoice: appends nothing, which is also worth checking.
                (void)in.service->execute(tenant, command(QStringLiteral("SetInvoiceNotes"), id,
                                                          {{QStringLiteral("notes"), QStringLiteral("late")}}));
            }
            break;
        }
        default:
            (void)in.service->execute(tenant, pay(id, QStringLiteral("x%1").arg(m_next++), QStringLiteral("1"), today));
            break;
        }
    }

    QRandomGenerator m_rng;
    ManualClock &m_clock;
    std::vector<Instance> m_instances;
    QStringList m_tenants{QStringLiteral("default"), QStringLiteral("t2")};
    int m_next = 1;
};

} // namespace

class TestProjectionsProperty : public QObject
{
    Q_OBJECT

private:
    // Every invoice row against the domain's fold of its stream, at head or as of a time.
    static void compareWithDomain(InvoicingService &service, const Book &book, const QString &tenant,
                                  const QStringList &ids, const LoadPoint &at)
    {
        QHash<QString, InvoiceListEntry> rows;
        for (const QString &status : invoiceStatusFilters()) {
            if (status == QStringLiteral("OVERDUE"))
                continue;
            auto list = book.invoices(ListFilter{status, {}});
            QVERIFY2(list, qPrintable(list ? QString() : list.error().message));
            for (const InvoiceListEntry &e : std::as_const(*list))
                rows.insert(e.id, e);
        }
        QHash<QString, int> counts;
        QHash<QString, QMap<QString, Int128>> balances;
        QMap<std::pair<QString, QString>, RevenueRow> revenue;  // month, currency
        int existing = 0;
        for (const QString &id : ids) {
            auto loaded = service.loadInvoice(tenant, id, at);
            if (!loaded) {
                QVERIFY2(!rows.contains(id), qPrintable(QStringLiteral("invoice %1 listed before it existed").arg(id)));
                continue;
            }
            ++existing;
            const InvoiceState &st = loaded->state;
            QVERIFY2(rows.contains(id), qPrintable(QStringLiteral("invoice %1 is not listed").arg(id)));
            const InvoiceListEntry &e = rows[id];
            QCOMPARE(e.status, statusName(st.status));
            QCOMPARE(e.version, loaded->version);
            QCOMPARE(e.number, st.number);
            QCOMPARE(e.customerId, st.customerId);
            QCOMPARE(e.currency, st.currency);
            QCOMPARE(e.issueDate, st.issueDate);
            QCOMPARE(e.dueDate, st.dueDate);
            const Result<InvoiceTotals> totals = invoiceTotals(st);
            QVERIFY(totals);
            QVERIFY(e.total == totals->total.minorUnits());
            QVERIFY(e.paid == totals->paid.minorUnits());
            QVERIFY(e.due == totals->due.minorUnits());
            QCOMPARE(e.overdue, isOverdue(st, book.today()));
            if (st.status != InvoiceStatus::Deleted)
                ++counts[st.customerId];
            if (isOpenStatus(e.status))
                balances[st.customerId][st.currency] += totals->due.minorUnits();
            // Revenue: issued and not void, by issue month; payments by the month of their date.
            const bool invoiced = st.status == InvoiceStatus::Issued || st.status == InvoiceStatus::Sent
                || st.status == InvoiceStatus::PartiallyPaid || st.status == InvoiceStatus::Paid;
            if (invoiced) {
                RevenueRow &r = revenue[{st.issueDate.toString(QStringLiteral("yyyy-MM")), st.currency}];
                r.invoiceCount += 1;
                r.net += totals->net.minorUnits();
                r.tax += totals->tax.minorUnits();
                r.total += totals->total.minorUnits();
            }
            const std::optional<Currency> currency = Currency::find(st.currency);
            for (const Payment &p : std::as_const(st.payments)) {
                QVERIFY(currency);
                const std::optional<Money> amount = Money::fromDecimalRounded(p.amount, *currency);
                QVERIFY(amount);
                revenue[{p.date.toString(QStringLiteral("yyyy-MM")), st.currency}].received += amount->minorUnits();
            }
        }
        QCOMPARE(rows.size(), existing);

        auto months = book.revenue();
        QVERIFY(months);
        QCOMPARE(months->size(), revenue.size());
        for (const RevenueRow &m : std::as_const(*months)) {
            const RevenueRow expected = revenue.value({m.month, m.currency});
            QVERIFY2(m.invoiceCount == expected.invoiceCount && m.net == expected.net && m.tax == expected.tax
                         && m.total == expected.total && m.received == expected.received,
                     qPrintable(QStringLiteral("revenue of %1 in %2").arg(m.month, m.currency)));
        }

        auto customers = book.customers({});
        QVERIFY(customers);
        for (const CustomerListEntry &c : std::as_const(*customers)) {
            QCOMPARE(c.invoiceCount, counts.value(c.id));
            const QMap<QString, Int128> expected = balances.value(c.id);
            QCOMPARE(c.openBalances.size(), expected.size());
            for (auto it = expected.cbegin(); it != expected.cend(); ++it)
                QVERIFY2(c.openBalances.value(it.key()).minorUnits == *it,
                         qPrintable(QStringLiteral("open balance of %1 in %2").arg(c.id, it.key())));
            auto state = service.loadCustomer(tenant, c.id, at);
            QVERIFY(state);
            QCOMPARE(c.name, state->state.name);
            QCOMPARE(c.email, state->state.email);
            QCOMPARE(c.archived, state->state.archived);
            QCOMPARE(c.version, state->version);
        }
    }

private slots:
    void randomSequences_data()
    {
        QTest::addColumn<quint32>("seed");
        QTest::addColumn<int>("commands");
        QTest::newRow("seed 1") << 1u << 1200;
        QTest::newRow("seed 42") << 42u << 1200;
        QTest::newRow("seed 2026") << 2026u << 1500;
    }

    void randomSequences()
    {
        QFETCH(quint32, seed);
        QFETCH(int, commands);
        QTemporaryDir dir;
        ManualClock clock(utc("2025-01-01T08:00:00.000Z"));
        const QString path = dir.filePath(QStringLiteral("store.sqlite"));
        Sequence seq(seed, path, dir, clock);
        seq.run(commands);

        Instance &main = seq.main();
        QVERIFY(main.readSide->catchUp());
        const auto head = main.store->headPosition();
        QVERIFY(head && *head > commands);  // most commands appended something

        // 1. Every projection equals a fresh rebuild.
        auto check = verifyProjections(*main.store);
        QVERIFY2(check, qPrintable(check ? QString() : check.error().message));
        QVERIFY2(check->problems.isEmpty(), qPrintable(check->problems.mid(0, 10).join(QLatin1Char('\n'))));
        QVERIFY2(check->notes.isEmpty(), qPrintable(check->notes.join(QLatin1Char('\n'))));

        // 2. The rows are the domain's folds, now and as of recorded times along the way.
        for (const QString &tenant : seq.tenants()) {
            auto live = Book::live(*main.store, tenant, clock.nowUtc().date());
            QVERIFY(live);
            compareWithDomain(*main.service, *live, tenant, seq.invoices.value(tenant), LoadPoint::head());
            if (QTest::currentTestFailed())
                return;
            for (const QDateTime &t : std::as_const(seq.times)) {
                auto past = Book::asOf(*main.store, tenant, t);
                QVERIFY(past);
                compareWithDomain(*main.service, *past, tenant, seq.invoices.value(tenant), LoadPoint::asOf(t));
                if (QTest::currentTestFailed()) {
                    qWarning("as of %s", qPrintable(t.toString(Qt::ISODateWithMs)));
                    return;
                }
            }
        }

        // 3. Every event type the domain wrote is one the projections know (a replay parses the
        // payloads of known types only where a projection reads them).
        {
            sqlite3 *h = ReadSql::handleOf(main.store->database());
            sqlite3_stmt *q = nullptr;
            QCOMPARE(sqlite3_prepare_v2(h, "SELECT DISTINCT type FROM events", -1, &q, nullptr), SQLITE_OK);
            int types = 0;
            while (sqlite3_step(q) == SQLITE_ROW) {
                const QString type = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(q, 0)));
                ++types;
                QVERIFY2(Wire::Event::isKnown(type), qPrintable(type));
            }
            sqlite3_finalize(q);
            QVERIFY(types >= 15);
        }

        // 4. A rebuild of everything changes nothing.
        QVERIFY(main.readSide->rebuild());
        check = verifyProjections(*main.store);
        QVERIFY(check);
        QVERIFY2(check->problems.isEmpty(), qPrintable(check->problems.mid(0, 10).join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestProjectionsProperty)
#include "tst_projections_property.moc"
