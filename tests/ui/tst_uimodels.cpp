// The models behind the window's views stay consistent under QAbstractItemModelTester while
// the log changes, the filters, the sort order and the as-of time change; changes arrive as
// row signals, not resets.
#include "uitesthelpers.h"

#include "core/projections/customerlistmodel.h"
#include "core/projections/demodata.h"
#include "core/projections/invoicelistmodel.h"
#include "core/projections/reportmodels.h"
#include "ui/activity/activityview.h"
#include "ui/customers/customerlistview.h"
#include "ui/history/historydock.h"
#include "ui/invoices/invoiceeditor.h"
#include "ui/invoices/invoicelistview.h"
#include "ui/invoices/lineitemsmodel.h"
#include "ui/models/activityfilter.h"
#include "ui/models/listtotals.h"
#include "ui/reports/reportsview.h"

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QSignalSpy>
#include <QTableView>

#include <QChartView>
#include <QValueAxis>

#include <cmath>

using namespace Billstream;
using namespace UiTest;

namespace {

// The revenue chart's value axis ticks at 1, 2 or 5 × 10ⁿ (a person reads 20,000, not 21,116).
bool revenueTicksAreRound(MainWindow &w)
{
    auto *view = w.reportsView()->findChild<QChartView *>(QStringLiteral("revenueChart"));
    if (!view || !view->chart())
        return false;
    const QList<QAbstractAxis *> axes = view->chart()->axes(Qt::Vertical);
    auto *y = axes.isEmpty() ? nullptr : qobject_cast<QValueAxis *>(axes.first());
    if (!y || y->tickCount() < 2 || y->max() <= y->min())
        return false;
    const double step = (y->max() - y->min()) / (y->tickCount() - 1);
    const double mantissa = step / std::pow(10.0, std::floor(std::log10(step)));
    for (const double round : {1.0, 2.0, 5.0, 10.0}) {
        if (std::abs(mantissa - round) < 1e-9)
            return y->min() == 0.0;
    }
    return false;
}

} // namespace

class TestUiModels : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { isolateUserFolders(m_dir); }
    void viewsStayConsistent();
    void lazyListOverAThousandInvoices();

private:
    QTemporaryDir m_dir;
};

void TestUiModels::viewsStayConsistent()
{
    ManualClock clock(at(2026, 3, 2, 9, 0));
    Session::Options options;
    options.clock = &clock;
    options.pollIntervalMs = 0;
    MainWindow w(m_dir.filePath(QStringLiteral("models.sqlite")), options);
    w.show();
    Session &s = *w.session();

    QList<QAbstractItemModelTester *> testers;
    const auto watch = [&](QAbstractItemModel *m) {
        testers << new QAbstractItemModelTester(m, QAbstractItemModelTester::FailureReportingMode::QtTest, &w);
    };
    QAbstractItemModel *invoiceView = w.invoiceList()->table()->model();
    watch(invoiceView);
    watch(w.invoiceList()->model());
    watch(w.customerList()->table()->model());
    watch(w.activityView()->filter());
    watch(w.reportsView()->revenueModel());
    watch(w.reportsView()->agingModel());
    watch(w.historyDock()->model());

    QSignalSpy inserted(invoiceView, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(invoiceView, &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(invoiceView, &QAbstractItemModel::modelReset);
    QSignalSpy changed(invoiceView, &QAbstractItemModel::dataChanged);

    setUpCompany(s);
    for (int i = 0; i < 5; ++i)
        createCustomer(s, QStringLiteral("c%1").arg(i), QStringLiteral("Customer %1").arg(QChar(u'A' + i)),
                       QStringLiteral("c%1@example.com").arg(i));
    for (int i = 0; i < 8; ++i) {
        clock.advanceMSecs(60000);
        createDraft(s, QStringLiteral("i%1").arg(i), QStringLiteral("c%1").arg(i % 5),
                    QJsonArray{line(QStringLiteral("l"), QStringLiteral("Work %1").arg(i), QString::number(i + 1),
                                    QStringLiteral("100"))});
    }
    QTRY_COMPARE(invoiceView->rowCount(), 8);
    QCOMPARE(reset.count(), 0);
    QVERIFY(inserted.count() >= 1);

    // An editor with its line items and history under the tester too.
    InvoiceEditor *editor = w.openInvoice(QStringLiteral("i3"));
    watch(editor->lineItemsModel());
    LineItemsModel *lines = editor->lineItemsModel();
    QVERIFY(lines->setData(lines->index(1, LineItemsModel::Description), QStringLiteral("Extra")));
    QVERIFY(lines->setData(lines->index(1, LineItemsModel::Quantity), QStringLiteral("2")));
    QVERIFY(lines->setData(lines->index(0, LineItemsModel::UnitPrice), QStringLiteral("90")));

    // Issue, pay, delete a draft, rename a customer: rows change, one goes, none resets.
    const int changesBefore = int(changed.count());
    clock.advanceMSecs(60000);
    run(s, command(QStringLiteral("IssueInvoice"), QStringLiteral("i0"), {}));
    run(s, command(QStringLiteral("IssueInvoice"), QStringLiteral("i1"), {}));
    run(s, command(QStringLiteral("RecordPayment"), QStringLiteral("i1"),
                   {{QStringLiteral("amount"), QStringLiteral("10.00")}, {QStringLiteral("date"), QStringLiteral("2026-03-05")}}));
    run(s, command(QStringLiteral("DeleteInvoice"), QStringLiteral("i7"), {}));
    run(s, command(QStringLiteral("RenameCustomer"), QStringLiteral("c2"), {{QStringLiteral("name"), QStringLiteral("Renamed")}}));
    QTRY_COMPARE(invoiceView->rowCount(), 7);
    QVERIFY(removed.count() >= 1);
    QTRY_VERIFY(changed.count() > changesBefore);
    QCOMPARE(reset.count(), 0);
    QVERIFY(s.readSide().catchUp());
    emit s.reportsChanged();
    QTRY_VERIFY(w.reportsView()->revenueModel()->rowCount() >= 1);
    QTRY_VERIFY(revenueTicksAreRound(w));
    QTRY_VERIFY(w.activityView()->filter()->rowCount() > 0);

    // Status filter, search, sort by every column both ways.
    w.invoiceList()->setStatusFilter(QStringLiteral("DRAFT"));
    QTRY_COMPARE(invoiceView->rowCount(), 5);
    w.invoiceList()->setStatusFilter(QStringLiteral("PARTIALLY_PAID"));
    QTRY_COMPARE(invoiceView->rowCount(), 1);
    w.invoiceList()->setStatusFilter(QString());
    w.invoiceList()->setSearch(QStringLiteral("Renamed"));
    QTRY_VERIFY(invoiceView->rowCount() >= 1);
    QTRY_VERIFY(w.invoiceList()->totals()->isComplete());
    QVERIFY(w.invoiceList()->totals()->text().startsWith(QStringLiteral("%1 invoice").arg(invoiceView->rowCount())));
    w.invoiceList()->setSearch(QString());
    QTRY_COMPARE(invoiceView->rowCount(), 7);
    for (int column = 0; column < invoiceView->columnCount(); ++column) {
        w.invoiceList()->table()->sortByColumn(column, Qt::AscendingOrder);
        w.invoiceList()->table()->sortByColumn(column, Qt::DescendingOrder);
    }
    w.invoiceList()->table()->sortByColumn(ReadModels::InvoiceListModel::Total, Qt::DescendingOrder);
    QCOMPARE(invoiceView->rowCount(), 7);
    const auto raw = [&](int row) {
        return invoiceView->index(row, ReadModels::InvoiceListModel::Total).data(ReadModels::ProjectionTableModel::RawValueRole).toLongLong();
    };
    for (int row = 1; row < invoiceView->rowCount(); ++row)
        QVERIFY(raw(row - 1) >= raw(row));
    // Overdue is marked in the view: an issued invoice past its due date, judged at the clock's day.
    clock.set(at(2026, 6, 1, 9, 0));
    w.invoiceList()->model()->refresh();
    bool overdueShown = false;
    for (int row = 0; row < invoiceView->rowCount(); ++row) {
        const QModelIndex status = invoiceView->index(row, ReadModels::InvoiceListModel::Status);
        if (status.data(ReadModels::ProjectionTableModel::OverdueRole).toBool()) {
            overdueShown = true;
            QVERIFY(status.data().toString().contains(QStringLiteral("overdue")));
            QVERIFY(status.data(Qt::ForegroundRole).isValid());
        }
    }
    QVERIFY(overdueShown);

    // As of, and back: the whole set of rows is another book.
    w.setAsOf(at(2026, 3, 2, 9, 3));
    QTRY_COMPARE(invoiceView->rowCount(), 3);
    w.backToNow();
    QTRY_COMPARE(invoiceView->rowCount(), 7);

    // Archived customers hidden by default, shown on request.
    run(s, command(QStringLiteral("ArchiveCustomer"), QStringLiteral("c4"), {}));
    QTRY_COMPARE(w.customerList()->table()->model()->rowCount(), 4);
    w.customerList()->findChild<QAbstractButton *>(QStringLiteral("showArchived"))->setChecked(true);
    QTRY_COMPARE(w.customerList()->table()->model()->rowCount(), 5);

    // Activity filters: type and stream.
    w.activityView()->setTypeFilter(QStringLiteral("PaymentRecorded"));
    QVERIFY(s.readSide().catchUp());
    emit s.reportsChanged();
    QTRY_COMPARE(w.activityView()->filter()->rowCount(), 1);
    w.activityView()->setTypeFilter(QString());
    w.activityView()->setStreamFilter(QStringLiteral("i3"));
    QTRY_VERIFY(w.activityView()->filter()->rowCount() >= 2);
    qDeleteAll(testers);
}

void TestUiModels::lazyListOverAThousandInvoices()
{
    // A book big enough for paging: written by the demo generator on its own connection.
    const QString path = m_dir.filePath(QStringLiteral("big.sqlite"));
    {
        ManualClock demoClock(at(2026, 3, 1, 9, 0));
        StoreOptions so;
        so.clock = &demoClock;
        auto store = SqliteEventStore::open(path, so);
        QVERIFY(store);
        ReadSideOptions rs;
        rs.autoCatchUp = false;
        auto readSide = ReadSide::attach(**store, rs);
        QVERIFY(readSide);
        InvoicingService service(**store, demoClock);
        DemoOptions demo;
        demo.customers = 40;
        demo.invoices = 1000;
        demo.until = QDate(2026, 3, 1);
        auto summary = writeDemoHistory(service, demoClock, demo);
        QVERIFY2(summary, summary ? "" : qPrintable(summary.error().message));
        QVERIFY((*readSide)->catchUp());
    }
    ManualClock clock(at(2026, 3, 2, 9, 0));
    Session::Options options;
    options.clock = &clock;
    options.pollIntervalMs = 0;
    MainWindow w(path, options);
    w.show();
    auto *model = w.invoiceList()->model();
    QAbstractItemModelTester tester(w.invoiceList()->table()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model->matchingCount() > 900);
    QVERIFY(model->rowCount() < model->matchingCount());   // fetched a page at a time
    QVERIFY(model->canFetchMore({}));
    const int first = model->rowCount();
    model->fetchMore({});
    QVERIFY(model->rowCount() > first);
    w.invoiceList()->table()->scrollToBottom();
    QTRY_VERIFY(w.invoiceList()->totals()->isComplete());
    QVERIFY(w.invoiceList()->totals()->text().startsWith(QStringLiteral("%1 invoice").arg(model->matchingCount())));
    // Searching and as-of over the big book.
    w.invoiceList()->setSearch(QStringLiteral("INV-2025"));
    QTRY_VERIFY(model->matchingCount() > 0 && model->matchingCount() < 1000);
    w.setAsOf(at(2024, 6, 30, 23, 59));
    QTRY_VERIFY(!model->isLive());
    QVERIFY(model->matchingCount() == 0 || model->entry(0).number.startsWith(QStringLiteral("INV-2025")));
}

QTEST_MAIN(TestUiModels)
#include "tst_uimodels.moc"
