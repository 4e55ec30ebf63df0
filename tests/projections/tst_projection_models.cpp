// The item models: under QAbstractItemModelTester, lazy fetching, SQL sorting and search, and
// incremental refresh after appends (rows inserted, changed or removed, never a reset).
#include "projectiontesthelpers.h"

#include "core/projections/customerlistmodel.h"
#include "core/projections/invoicelistmodel.h"
#include "core/projections/reportmodels.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace Billstream;
using namespace Billstream::Testing;
using namespace Billstream::ReadModels;

namespace {

// What a list model announced between two points.
struct Signals
{
    explicit Signals(QAbstractItemModel *m)
        : inserted(m, &QAbstractItemModel::rowsInserted)
        , removed(m, &QAbstractItemModel::rowsRemoved)
        , changed(m, &QAbstractItemModel::dataChanged)
        , reset(m, &QAbstractItemModel::modelReset)
        , layout(m, &QAbstractItemModel::layoutChanged)
    {}
    void clear()
    {
        inserted.clear();
        removed.clear();
        changed.clear();
        reset.clear();
        layout.clear();
    }
    QSignalSpy inserted, removed, changed, reset, layout;
};

// Row range of one rowsInserted/rowsRemoved emission.
std::pair<int, int> range(const QSignalSpy &spy, int i)
{
    return {spy.at(i).at(1).toInt(), spy.at(i).at(2).toInt()};
}

void settle()
{
    QTest::qWait(1);
}

} // namespace

class TestProjectionModels : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestStore> t;

    void tick()
    {
        t->clock.advanceMSecs(60'000);
    }

    void newInvoice(const QString &id, const QString &customer, const QString &price, const QString &notes = {})
    {
        tick();
        t->exec(createInvoice(id, customer, s("EUR"), {line(s("L1"), s("1"), price, s("19"))}, notes));
    }

private slots:
    void init()
    {
        t = std::make_unique<TestStore>();
        QVERIFY(t->open());
        t->at("2026-01-05T09:00:00.000Z");
        t->exec(companyProfile());
        t->exec(createCustomer(s("c1"), s("Anna Berg"), s("anna@example.com")));
        t->exec(createCustomer(s("c2"), s("Bruno Cole"), s("bruno@example.com")));
        for (int i = 1; i <= 10; ++i)
            newInvoice(QStringLiteral("i%1").arg(i, 2, 10, QLatin1Char('0')), i % 2 ? s("c1") : s("c2"),
                       QStringLiteral("%1.00").arg(i * 10), i == 3 ? s("Phoenix project") : QString());
    }

    void cleanup()
    {
        t.reset();
    }

    void lazyFetching()
    {
        InvoiceListModel model(*t->store, t->tenant);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPageSize(4);
        model.reload();
        QCOMPARE(model.matchingCount(), 10);
        QCOMPARE(model.rowCount(), 4);
        QVERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QCOMPARE(model.rowCount(), 8);
        model.fetchMore({});
        QCOMPARE(model.rowCount(), 10);
        QVERIFY(!model.canFetchMore({}));
        // Newest first by default.
        QCOMPARE(model.data(model.index(0, InvoiceListModel::Number), ProjectionTableModel::IdRole).toString(), s("i10"));
        QCOMPARE(model.data(model.index(9, 0), ProjectionTableModel::IdRole).toString(), s("i01"));
    }

    void rolesAndSorting()
    {
        InvoiceListModel model(*t->store, t->tenant);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setLocale(QLocale(QLocale::English, QLocale::UnitedStates));
        model.sort(InvoiceListModel::Total, Qt::DescendingOrder);
        // 100.00 at 19 % = 119.00
        const QModelIndex top = model.index(0, InvoiceListModel::Total);
        QCOMPARE(model.data(top, ProjectionTableModel::RawValueRole).toLongLong(), 11900);
        QCOMPARE(model.data(top).toString(), s("119.00"));
        QCOMPARE(model.data(top, ProjectionTableModel::CurrencyRole).toString(), s("EUR"));
        QCOMPARE(model.data(model.index(0, InvoiceListModel::Status)).toString(), s("DRAFT"));
        QVERIFY(model.data(model.index(0, InvoiceListModel::IssueDate), ProjectionTableModel::RawValueRole).toDate().isNull());
        model.sort(InvoiceListModel::Customer, Qt::AscendingOrder);
        QCOMPARE(model.data(model.index(0, InvoiceListModel::Customer)).toString(), s("Anna Berg"));
        QCOMPARE(model.data(model.index(9, InvoiceListModel::Customer)).toString(), s("Bruno Cole"));
        // Grouping follows the locale, the digits stay exact.
        QCOMPARE(formatMinorUnits(123456789, 2, QLocale(QLocale::English, QLocale::UnitedStates)), s("1,234,567.89"));
        QCOMPARE(formatMinorUnits(-5, 3, QLocale(QLocale::German, QLocale::Germany)), s("-0,005"));
    }

    void searchAndFilter()
    {
        InvoiceListModel model(*t->store, t->tenant);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSearch(s("phoenix"));  // in the notes, any case, via the trigram index
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.data(model.index(0, 0), ProjectionTableModel::IdRole).toString(), s("i03"));
        model.setSearch(s("bruno"));
        QCOMPARE(model.rowCount(), 5);
        model.setSearch(s("no"));  // shorter than a trigram: a scan
        QCOMPARE(model.rowCount(), 5);
        model.setSearch({});
        model.setStatusFilter(s("ISSUED"));
        QCOMPARE(model.rowCount(), 0);
        model.setStatusFilter(s("DRAFT"));
        QCOMPARE(model.rowCount(), 10);
    }

    void incrementalInvoiceList()
    {
        InvoiceListModel model(*t->store, t->tenant);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPageSize(5);
        model.reload();
        QCOMPARE(model.rowCount(), 5);
        Signals spy(&model);

        // A new invoice sorts to the top: the last fetched row leaves the fetched page (it can be
        // fetched again), then one row is inserted at 0.
        newInvoice(s("i11"), s("c1"), s("5.00"));
        settle();
        QCOMPARE(spy.reset.count(), 0);
        QCOMPARE(spy.removed.count(), 1);
        QCOMPARE(range(spy.removed, 0), std::make_pair(4, 4));
        QCOMPARE(spy.inserted.count(), 1);
        QCOMPARE(range(spy.inserted, 0), std::make_pair(0, 0));
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.data(model.index(0, 0), ProjectionTableModel::IdRole).toString(), s("i11"));
        QCOMPARE(model.matchingCount(), 11);
        spy.clear();

        // A changed invoice: its row's cells change, nothing else.
        tick();
        t->exec(command(s("AddLineItem"), s("i10"), line(s("L2"), s("1"), s("1.00"), s("19"))));
        settle();
        QCOMPARE(spy.reset.count(), 0);
        QCOMPARE(spy.inserted.count(), 0);
        QCOMPARE(spy.removed.count(), 0);
        QCOMPARE(spy.changed.count(), 1);
        const int row = model.rowOf(s("i10"));
        QCOMPARE(spy.changed.at(0).at(0).value<QModelIndex>().row(), row);
        QCOMPARE(spy.changed.at(0).at(1).value<QModelIndex>().row(), row);
        QCOMPARE(model.data(model.index(row, InvoiceListModel::Total), ProjectionTableModel::RawValueRole).toLongLong(),
                 11900 + 119);
        spy.clear();

        // A deleted draft no longer matches: its row is removed.
        tick();
        t->exec(command(s("DeleteInvoice"), s("i11"), {}));
        settle();
        QCOMPARE(spy.reset.count(), 0);
        QCOMPARE(spy.removed.count(), 1);
        QCOMPARE(range(spy.removed, 0), std::make_pair(0, 0));
        QCOMPARE(spy.inserted.count(), 1);  // the page refills at its end
        QCOMPARE(model.rowOf(s("i11")), -1);
        spy.clear();

        // A renamed customer changes the name on its invoices' rows.
        tick();
        t->exec(command(s("RenameCustomer"), s("c2"), {{s("name"), s("Bruno Cole-Marsh")}}));
        settle();
        QCOMPARE(spy.reset.count(), 0);
        QVERIFY(spy.changed.count() >= 1);
        QCOMPARE(model.data(model.index(model.rowOf(s("i10")), InvoiceListModel::Customer)).toString(), s("Bruno Cole-Marsh"));
        spy.clear();

        // Another tenant's appends do not concern this list.
        t->tenant = s("other");
        t->exec(companyProfile());
        t->tenant = s("default");
        settle();
        QCOMPARE(spy.inserted.count() + spy.removed.count() + spy.changed.count() + spy.reset.count(), 0);
    }

    void issuedInvoiceUnderStatusFilter()
    {
        InvoiceListModel model(*t->store, t->tenant);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStatusFilter(s("ISSUED"));
        QCOMPARE(model.rowCount(), 0);
        Signals spy(&model);
        tick();
        t->exec(issue(s("i05"), s("2026-01-05")));
        settle();
        QCOMPARE(spy.reset.count(), 0);
        QCOMPARE(spy.inserted.count(), 1);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.data(model.index(0, InvoiceListModel::Number)).toString(), s("INV-2026-0001"));
    }

    void asOfIsReadOnly()
    {
        InvoiceListModel model(*t->store, t->tenant);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.showAsOf(utc("2026-01-05T09:03:30.000Z")));  // i01..i03 existed
        QVERIFY(!model.isLive());
        QCOMPARE(model.rowCount(), 3);
        Signals spy(&model);
        newInvoice(s("i12"), s("c1"), s("1.00"));
        settle();
        QCOMPARE(spy.inserted.count() + spy.removed.count() + spy.changed.count() + spy.reset.count(), 0);
        QVERIFY(model.showLive());
        QCOMPARE(model.rowCount(), 11);
    }

    void customerList()
    {
        CustomerListModel model(*t->store, t->tenant);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.data(model.index(0, CustomerListModel::Name)).toString(), s("Anna Berg"));
        QCOMPARE(model.data(model.index(0, CustomerListModel::InvoiceCount)).toInt(), 5);
        QCOMPARE(model.data(model.index(0, CustomerListModel::OpenBalance), ProjectionTableModel::RawValueRole).toLongLong(), 0);
        Signals spy(&model);
        tick();
        t->exec(issue(s("i01"), s("2026-01-05")));  // 10.00 + 19 % = 11.90 open for Anna
        settle();
        QCOMPARE(spy.reset.count(), 0);
        QCOMPARE(spy.changed.count(), 1);
        QCOMPARE(model.data(model.index(0, CustomerListModel::OpenBalance), ProjectionTableModel::RawValueRole).toLongLong(), 1190);
        QCOMPARE(model.data(model.index(0, CustomerListModel::OpenBalance)).toString(), s("EUR 11.90"));
        spy.clear();
        tick();
        t->exec(createCustomer(s("c0"), s("Aaron Ash"), s("aaron@example.com")));
        settle();
        QCOMPARE(spy.reset.count(), 0);
        QCOMPARE(spy.inserted.count(), 1);
        QCOMPARE(range(spy.inserted, 0), std::make_pair(0, 0));
        model.setSearch(s("bruno"));
        QCOMPARE(model.rowCount(), 1);
    }

    void reports()
    {
        QVERIFY(t->readSide->catchUp());
        AgingModel aging(*t->store, t->tenant);
        QAbstractItemModelTester agingTester(&aging, QAbstractItemModelTester::FailureReportingMode::QtTest);
        aging.setClock(&t->clock);
        aging.refresh();
        RevenueModel revenue(*t->readSide, t->tenant);
        QAbstractItemModelTester revenueTester(&revenue, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ActivityModel activity(*t->readSide, t->tenant);
        QAbstractItemModelTester activityTester(&activity, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(aging.rowCount(), 0);
        QCOMPARE(revenue.rowCount(), 0);
        const int entries = activity.rowCount();
        QCOMPARE(entries, 13);  // profile, two customers, ten invoices
        QCOMPARE(activity.data(activity.index(0, ActivityModel::Summary)).toString(),
                 s("Invoice drafted: 1 line item in EUR"));
        // What an entry is about: a draft has no number yet; the customer's name as the book knows it.
        const QString draftSubject = activity.data(activity.index(0, ActivityModel::Subject)).toString();
        QVERIFY2(draftSubject.startsWith(s("Draft · ")) && draftSubject.size() > 8, qPrintable(draftSubject));
        QCOMPARE(activity.data(activity.index(entries - 1, ActivityModel::Subject)).toString(), s("Company"));

        Signals agingSpy(&aging);
        Signals revenueSpy(&revenue);
        Signals activitySpy(&activity);
        tick();
        t->exec(issue(s("i02"), s("2026-01-05")));
        QVERIFY(t->readSide->catchUp());  // the async projection (revenue)
        settle();
        QCOMPARE(agingSpy.reset.count() + revenueSpy.reset.count() + activitySpy.reset.count(), 0);
        QCOMPARE(agingSpy.inserted.count(), 1);
        QCOMPARE(aging.data(aging.index(0, AgingModel::Current), ProjectionTableModel::RawValueRole).toLongLong(), 2380);
        QCOMPARE(revenueSpy.inserted.count(), 1);
        QCOMPARE(revenue.data(revenue.index(0, RevenueModel::Total), ProjectionTableModel::RawValueRole).toLongLong(), 2380);
        QCOMPARE(activitySpy.inserted.count(), 1);
        QCOMPARE(range(activitySpy.inserted, 0), std::make_pair(0, 0));
        QCOMPARE(activity.data(activity.index(0, ActivityModel::Summary)).toString(),
                 s("Invoice INV-2026-0001 issued on 2026-01-05, due 2026-02-04"));
        QVERIFY(activity.data(activity.index(0, ActivityModel::Subject)).toString().startsWith(s("INV-2026-0001 · ")));
        {
            // As of the moment before the issue, i02's entries name it a draft; live, by its number.
            const auto subjectsOf = [](const ActivityModel &m, const QString &invoice) {
                QStringList out;
                for (int r = 0; r < m.rowCount(); ++r) {
                    if (m.entry(r).streamId == invoice)
                        out << m.data(m.index(r, ActivityModel::Subject)).toString();
                }
                return out;
            };
            const QStringList live = subjectsOf(activity, s("i02"));
            QCOMPARE(live.size(), 2);
            QVERIFY(live.at(1).startsWith(s("INV-2026-0001 · ")));
            ActivityModel then(*t->readSide, t->tenant);
            QVERIFY(then.showAsOfPosition(activity.entry(0).position - 1));
            const QStringList before = subjectsOf(then, s("i02"));
            QCOMPARE(before.size(), 1);
            QVERIFY2(before.first().startsWith(s("Draft · ")), qPrintable(before.first()));
            QCOMPARE(then.data(then.index(0, ActivityModel::Summary)), activity.data(activity.index(1, ActivityModel::Summary)));
        }

        agingSpy.clear();
        tick();
        t->exec(pay(s("i02"), s("p1"), s("1.00"), s("2026-01-06")));
        settle();
        QCOMPARE(agingSpy.reset.count(), 0);
        QCOMPARE(agingSpy.changed.count(), 1);
        QCOMPARE(aging.data(aging.index(0, AgingModel::Total), ProjectionTableModel::RawValueRole).toLongLong(), 2280);

        // The activity feed fetches older entries on demand.
        ActivityModel paged(*t->readSide, t->tenant, nullptr, 4);
        QCOMPARE(paged.rowCount(), 4);
        QVERIFY(paged.canFetchMore({}));
        paged.fetchMore({});
        QCOMPARE(paged.rowCount(), 8);
        QAbstractItemModelTester pagedTester(&paged, QAbstractItemModelTester::FailureReportingMode::QtTest);
        while (paged.canFetchMore({}))
            paged.fetchMore({});
        QCOMPARE(paged.rowCount(), entries + 2);  // the issue and the payment: the feed is the log's
    }
};

QTEST_GUILESS_MAIN(TestProjectionModels)
#include "tst_projection_models.moc"
