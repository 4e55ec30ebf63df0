// The history panel: sentences per event, scrubbing (also through 1,000 events), comparing two
// versions, restoring a version of a draft, and opening a version from the Activity view.
#include "uitesthelpers.h"

#include "core/projections/reportmodels.h"
#include "ui/activity/activityview.h"
#include "ui/customers/customereditor.h"
#include "ui/dialogs/messagebox.h"
#include "ui/history/historydock.h"
#include "ui/invoices/invoiceeditor.h"
#include "ui/invoices/lineitemsmodel.h"
#include "ui/models/activityfilter.h"

#include <QPushButton>
#include <QSlider>
#include <QTableView>
#include <QTextBrowser>
#include <QUndoStack>

using namespace Billstream;
using namespace UiTest;

class TestHistory : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { isolateUserFolders(m_dir); }
    void restoreVersionOfDraft();
    void compareTwoVersions();
    void scrubThroughAThousandEvents();
    void restoreRefusedForIssuedInvoice();
    void activityOpensAggregateAtThatVersion();

private:
    std::unique_ptr<MainWindow> window(ManualClock &clock);
    QTemporaryDir m_dir;
    int m_store = 0;
};

std::unique_ptr<MainWindow> TestHistory::window(ManualClock &clock)
{
    Session::Options options;
    options.clock = &clock;
    options.pollIntervalMs = 0;
    auto w = std::make_unique<MainWindow>(m_dir.filePath(QStringLiteral("history-%1.sqlite").arg(++m_store)), options);
    w->show();
    setUpCompany(*w->session());
    createCustomer(*w->session(), QStringLiteral("cust-a"), QStringLiteral("Acme"), QStringLiteral("a@example.com"));
    return w;
}

void TestHistory::restoreVersionOfDraft()
{
    ManualClock clock(at(2026, 3, 2, 9, 0));
    auto w = window(clock);
    Session &s = *w->session();
    createDraft(s, QStringLiteral("inv-1"), QStringLiteral("cust-a"),
                QJsonArray{line(QStringLiteral("l1"), QStringLiteral("Consulting"), QStringLiteral("2"), QStringLiteral("100"))},
                QStringLiteral("Original notes"));
    InvoiceEditor *editor = w->openInvoice(QStringLiteral("inv-1"));
    const qint64 good = editor->headVersion();
    const InvoiceState goodState = editor->shownState();

    // Later edits: notes, a new line, a changed quantity, the first line removed.
    LineItemsModel *lines = editor->lineItemsModel();
    auto *notes = editor->findChild<NotesEdit *>(QStringLiteral("notes"));
    notes->setPlainText(QStringLiteral("Changed my mind"));
    emit notes->committed();
    QVERIFY(lines->setData(lines->index(1, LineItemsModel::Description), QStringLiteral("Hosting")));
    QVERIFY(lines->setData(lines->index(1, LineItemsModel::Quantity), QStringLiteral("12")));
    QVERIFY(lines->setData(lines->index(0, LineItemsModel::UnitPrice), QStringLiteral("95")));
    const qint64 head = editor->headVersion();
    QVERIFY(head > good);

    // Scrub to the good version in the dock and restore it.
    HistoryDock *dock = w->historyDock();
    dock->findChild<QSlider *>(QStringLiteral("historySlider"))->setValue(int(good));
    QVERIFY(editor->isPreviewing());
    QCOMPARE(editor->shownState().notes, QStringLiteral("Original notes"));
    auto *restore = dock->findChild<QPushButton *>(QStringLiteral("historyRestore"));
    QVERIFY(restore->isEnabled());
    MessageBox::setNextAnswer(QMessageBox::Yes);
    QTest::mouseClick(restore, Qt::LeftButton);

    QVERIFY(!editor->isPreviewing());
    QVERIFY(editor->headVersion() > head);   // appended, never rewritten
    const InvoiceState now = editor->shownState();
    QCOMPARE(now.notes, goodState.notes);
    QCOMPARE(now.lineItems, goodState.lineItems);
    QCOMPARE(now.customerId, goodState.customerId);
    auto log = s.store().readStream(s.tenantId(), QStringLiteral("inv-1"));
    QVERIFY(log);
    QCOMPARE(log->size(), editor->headVersion());
    for (qint64 v = 1; v <= head; ++v)
        QCOMPARE(log->at(v - 1).version, v);
    // The restore is one undo entry; undoing it brings back the edits.
    QCOMPARE(editor->undoStack()->text(editor->undoStack()->index() - 1), QStringLiteral("Restore version %1").arg(good));
    editor->undoStack()->undo();
    QCOMPARE(editor->shownState().notes, QStringLiteral("Changed my mind"));
    QCOMPARE(editor->shownState().lineItems.size(), 2);
}

void TestHistory::compareTwoVersions()
{
    ManualClock clock(at(2026, 3, 2, 9, 0));
    auto w = window(clock);
    Session &s = *w->session();
    createDraft(s, QStringLiteral("inv-1"), QStringLiteral("cust-a"),
                QJsonArray{line(QStringLiteral("l1"), QStringLiteral("Consulting"), QStringLiteral("2"), QStringLiteral("100"))});
    InvoiceEditor *editor = w->openInvoice(QStringLiteral("inv-1"));
    const qint64 from = editor->headVersion();
    QVERIFY(editor->lineItemsModel()->setData(editor->lineItemsModel()->index(0, LineItemsModel::Quantity), QStringLiteral("5")));
    auto *notes = editor->findChild<NotesEdit *>(QStringLiteral("notes"));
    notes->setPlainText(QStringLiteral("Net 30"));
    emit notes->committed();
    const QStringList diff = w->historyDock()->compare(from, editor->headVersion());
    QCOMPARE(diff, (QStringList{QStringLiteral("Notes changed to 'Net 30'"), QStringLiteral("Quantity of 'Consulting' 2 → 5")}));
    auto *view = w->historyDock()->findChild<QTextBrowser *>(QStringLiteral("historyCompare"));
    QVERIFY(view->isVisible());
    QVERIFY(view->toPlainText().contains(QStringLiteral("Quantity of 'Consulting' 2 → 5")));
}

void TestHistory::scrubThroughAThousandEvents()
{
    ManualClock clock(at(2026, 3, 2, 9, 0));
    auto w = window(clock);
    Session &s = *w->session();
    createDraft(s, QStringLiteral("inv-1"), QStringLiteral("cust-a"),
                QJsonArray{line(QStringLiteral("l1"), QStringLiteral("Consulting"), QStringLiteral("1"), QStringLiteral("100"))});
    const qint64 created = *s.store().streamVersion(s.tenantId(), QStringLiteral("inv-1"));
    for (int q = 2; q <= 1000; ++q)
        run(s, command(QStringLiteral("UpdateLineItem"), QStringLiteral("inv-1"),
                       {{QStringLiteral("lineItemId"), QStringLiteral("l1")}, {QStringLiteral("quantity"), QString::number(q)}}));
    InvoiceEditor *editor = w->openInvoice(QStringLiteral("inv-1"));
    QCOMPARE(editor->headVersion(), created + 999);
    QCOMPARE(w->historyDock()->model()->rowCount(), int(editor->headVersion()));
    auto *slider = w->historyDock()->findChild<QSlider *>(QStringLiteral("historySlider"));
    // Every version, forward then backward: each shows exactly the quantity it had.
    for (int v = int(created); v < slider->maximum(); v += 7) {
        slider->setValue(v);
        QCOMPARE(editor->shownState().lineItems.first().quantity.toString(), QString::number(v - created + 1));
    }
    for (int v = slider->maximum() - 1; v >= int(created); v -= 13) {
        slider->setValue(v);
        QCOMPARE(editor->shownState().lineItems.first().quantity.toString(), QString::number(v - created + 1));
        QVERIFY(editor->lineItemsModel()->data(editor->lineItemsModel()->index(0, LineItemsModel::Quantity), Qt::BackgroundRole).isValid()
                || v == int(created));
    }
    slider->setValue(slider->maximum());
    QVERIFY(!editor->isPreviewing());
    QCOMPARE(editor->shownState().lineItems.first().quantity.toString(), QStringLiteral("1000"));
    // New events extend the history in place.
    run(s, command(QStringLiteral("SetInvoiceNotes"), QStringLiteral("inv-1"), {{QStringLiteral("notes"), QStringLiteral("done")}}));
    editor->onStoreChanged();
    QCOMPARE(w->historyDock()->model()->rowCount(), int(created + 1000));
    QCOMPARE(slider->maximum(), int(created + 1000));
}

void TestHistory::restoreRefusedForIssuedInvoice()
{
    ManualClock clock(at(2026, 3, 2, 9, 0));
    auto w = window(clock);
    Session &s = *w->session();
    createDraft(s, QStringLiteral("inv-1"), QStringLiteral("cust-a"),
                QJsonArray{line(QStringLiteral("l1"), QStringLiteral("Consulting"), QStringLiteral("2"), QStringLiteral("100"))});
    run(s, command(QStringLiteral("IssueInvoice"), QStringLiteral("inv-1"), {}));
    InvoiceEditor *editor = w->openInvoice(QStringLiteral("inv-1"));
    w->historyDock()->scrubTo(4);
    QVERIFY(editor->isPreviewing());
    QVERIFY(!editor->canRestore(4));
    QVERIFY(!w->historyDock()->findChild<QPushButton *>(QStringLiteral("historyRestore"))->isEnabled());
    QVERIFY(!editor->restoreVersion(4));
}

void TestHistory::activityOpensAggregateAtThatVersion()
{
    ManualClock clock(at(2026, 3, 2, 9, 0));
    auto w = window(clock);
    Session &s = *w->session();
    createDraft(s, QStringLiteral("inv-1"), QStringLiteral("cust-a"),
                QJsonArray{line(QStringLiteral("l1"), QStringLiteral("Consulting"), QStringLiteral("2"), QStringLiteral("100"))});
    clock.set(at(2026, 3, 2, 10, 0));
    run(s, command(QStringLiteral("SetInvoiceNotes"), QStringLiteral("inv-1"), {{QStringLiteral("notes"), QStringLiteral("first")}}));
    clock.set(at(2026, 3, 2, 11, 0));
    run(s, command(QStringLiteral("SetInvoiceNotes"), QStringLiteral("inv-1"), {{QStringLiteral("notes"), QStringLiteral("second")}}));
    QVERIFY(s.readSide().catchUp());
    emit s.reportsChanged();
    ActivityView *activity = w->activityView();
    w->showPage(MainWindow::ActivityPage);
    activity->setTypeFilter(QStringLiteral("InvoiceNotesSet"));
    QTRY_COMPARE(activity->filter()->rowCount(), 2);
    // Newest first: the second row is the first notes change.
    auto *table = activity->findChild<QTableView *>(QStringLiteral("activityTable"));
    emit table->activated(activity->filter()->index(1, 0));
    InvoiceEditor *editor = w->invoiceEditor(QStringLiteral("inv-1"));
    QVERIFY(editor);
    QVERIFY(editor->isPreviewing());
    QCOMPARE(editor->shownState().notes, QStringLiteral("first"));
    QVERIFY(editor->findChild<NotesEdit *>(QStringLiteral("notes"))->property("changed").toBool());
}

QTEST_MAIN(TestHistory)
#include "tst_history.moc"
