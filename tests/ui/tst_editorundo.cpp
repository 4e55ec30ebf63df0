// Undo and redo of each editor action: the action appends its command, undo appends the
// compensating one (the log only grows), redo appends the action's command again.
#include "uitesthelpers.h"

#include "ui/customers/customereditor.h"
#include "ui/invoices/invoiceeditor.h"
#include "ui/invoices/lineitemsmodel.h"

#include <QComboBox>
#include <QDateEdit>
#include <QLineEdit>
#include <QTableView>
#include <QUndoGroup>
#include <QUndoStack>

using namespace Billstream;
using namespace UiTest;

namespace {

// What an invoice's edits change; versions and recorded times aside.
struct Content
{
    QString customerId;
    QString currency;
    QDate dueDate;
    QString notes;
    QList<LineItem> lines;
    friend bool operator==(const Content &, const Content &) = default;
};

Content contentOf(const InvoiceState &s)
{
    return {s.customerId, s.currency, s.dueDate, s.notes, s.lineItems};
}

char *describe(const Content &c)
{
    QStringList lines;
    for (const LineItem &l : c.lines)
        lines << QStringLiteral("%1:%2x%3@%4").arg(l.description, l.quantity.toString(), l.unitPrice.toString(), l.taxRate.toString());
    return qstrdup(qPrintable(QStringLiteral("{%1 %2 %3 '%4' [%5]}").arg(c.customerId, c.currency,
                                                                          c.dueDate.toString(Qt::ISODate), c.notes,
                                                                          lines.join(QStringLiteral(", ")))));
}

} // namespace

namespace QTest {
template<>
char *toString(const Content &c)
{
    return describe(c);
}
} // namespace QTest

class TestEditorUndo : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { isolateUserFolders(m_dir); }
    void invoiceAction_data();
    void invoiceAction();
    void customerAction_data();
    void customerAction();
    void undoAcrossSeveralEdits();

private:
    QTemporaryDir m_dir;
    int m_store = 0;
};

void TestEditorUndo::invoiceAction_data()
{
    QTest::addColumn<QString>("action");
    for (const char *a : {"notes", "dueDate", "currency", "customer", "addLine", "quantity", "unitPrice", "taxRate",
                          "discount", "description", "removeLine"})
        QTest::newRow(a) << QString::fromLatin1(a);
}

void TestEditorUndo::invoiceAction()
{
    QFETCH(QString, action);
    ManualClock clock(at(2026, 3, 2, 9, 0));
    Session::Options options;
    options.clock = &clock;
    options.pollIntervalMs = 0;
    MainWindow w(m_dir.filePath(QStringLiteral("undo-%1.sqlite").arg(++m_store)), options);
    w.show();
    Session &s = *w.session();
    setUpCompany(s);
    createCustomer(s, QStringLiteral("cust-a"), QStringLiteral("Acme"), QStringLiteral("a@example.com"));
    createCustomer(s, QStringLiteral("cust-b"), QStringLiteral("Bolt"), QStringLiteral("b@example.com"));
    createDraft(s, QStringLiteral("inv-1"), QStringLiteral("cust-a"),
                QJsonArray{line(QStringLiteral("l1"), QStringLiteral("Consulting"), QStringLiteral("2"), QStringLiteral("100"))},
                QStringLiteral("First notes"));
    InvoiceEditor *editor = w.openInvoice(QStringLiteral("inv-1"));
    QVERIFY(editor);
    QCOMPARE(w.undoGroup()->activeStack(), editor->undoStack());
    LineItemsModel *lines = editor->lineItemsModel();

    const Content before = contentOf(editor->shownState());
    const qint64 v0 = editor->headVersion();

    if (action == QStringLiteral("notes")) {
        auto *notes = editor->findChild<NotesEdit *>(QStringLiteral("notes"));
        notes->setPlainText(QStringLiteral("Thank you for your business"));
        emit notes->committed();
    } else if (action == QStringLiteral("dueDate")) {
        auto *due = editor->findChild<QDateEdit *>(QStringLiteral("dueDate"));
        due->setDate(QDate(2026, 5, 15));
        emit due->editingFinished();
    } else if (action == QStringLiteral("currency")) {
        auto *currency = editor->findChild<QComboBox *>(QStringLiteral("currencyPicker"));
        currency->setCurrentIndex(currency->findText(QStringLiteral("USD")));
        emit currency->activated(currency->currentIndex());
    } else if (action == QStringLiteral("customer")) {
        auto *customer = editor->findChild<QComboBox *>(QStringLiteral("customerPicker"));
        customer->setCurrentIndex(customer->findData(QStringLiteral("cust-b")));
        emit customer->activated(customer->currentIndex());
    } else if (action == QStringLiteral("addLine")) {
        QVERIFY(lines->setData(lines->index(lines->rowCount() - 1, LineItemsModel::Description), QStringLiteral("Hosting")));
    } else if (action == QStringLiteral("quantity")) {
        QVERIFY(lines->setData(lines->index(0, LineItemsModel::Quantity), QStringLiteral("3")));
    } else if (action == QStringLiteral("unitPrice")) {
        QVERIFY(lines->setData(lines->index(0, LineItemsModel::UnitPrice), QStringLiteral("120.50")));
    } else if (action == QStringLiteral("taxRate")) {
        QVERIFY(lines->setData(lines->index(0, LineItemsModel::TaxRate), QStringLiteral("7")));
    } else if (action == QStringLiteral("discount")) {
        QVERIFY(lines->setData(lines->index(0, LineItemsModel::Discount), QStringLiteral("10")));
    } else if (action == QStringLiteral("description")) {
        QVERIFY(lines->setData(lines->index(0, LineItemsModel::Description), QStringLiteral("Consulting, senior")));
    } else if (action == QStringLiteral("removeLine")) {
        auto *table = editor->findChild<QTableView *>(QStringLiteral("lineItems"));
        table->setCurrentIndex(lines->index(0, 0));
        table->findChild<QAction *>(QStringLiteral("actionRemoveLine"))->trigger();
    }
    QVERIFY2(editor->lastError().isEmpty(), qPrintable(editor->lastError()));
    const Content after = contentOf(editor->shownState());
    QVERIFY(!(after == before));
    const qint64 v1 = editor->headVersion();
    QVERIFY(v1 > v0);
    QCOMPARE(editor->undoStack()->count(), 1);

    // Fine-grained: an edit of one line field appends exactly one event naming only that field.
    if (action == QStringLiteral("quantity")) {
        QCOMPARE(v1, v0 + 1);
        const HistoryEntry &e = editor->historyEntries().last();
        QCOMPARE(e.type, QStringLiteral("LineItemUpdated"));
        QCOMPARE(e.sentence, QStringLiteral("Quantity of 'Consulting' 2 → 3"));
        auto events = s.store().readStream(s.tenantId(), QStringLiteral("inv-1"), v1, v1);
        QVERIFY(events && events->size() == 1);
        QCOMPARE(events->first().payload.keys(), (QStringList{QStringLiteral("lineItemId"), QStringLiteral("quantity")}));
    }

    // Undo through the Edit menu: the compensating command, the log grows.
    QAction *undo = w.findChild<QAction *>(QStringLiteral("actionUndo"));
    QAction *redo = w.findChild<QAction *>(QStringLiteral("actionRedo"));
    QVERIFY(undo->isEnabled());
    QCOMPARE(undo->shortcut(), QKeySequence(QKeySequence::Undo));
    QCOMPARE(redo->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));
    undo->trigger();
    QVERIFY2(editor->lastError().isEmpty(), qPrintable(editor->lastError()));
    const Content undone = contentOf(editor->shownState());
    if (action == QStringLiteral("removeLine")) {
        // The line comes back with its id and figures (at the end of the list).
        QCOMPARE(undone.lines.size(), before.lines.size());
        QCOMPARE(undone.lines.first(), before.lines.first());
    } else {
        QCOMPARE(undone, before);
    }
    const qint64 v2 = editor->headVersion();
    QVERIFY(v2 > v1);
    QVERIFY(redo->isEnabled());

    // Redo appends the action again.
    redo->trigger();
    QVERIFY2(editor->lastError().isEmpty(), qPrintable(editor->lastError()));
    QCOMPARE(contentOf(editor->shownState()), after);
    QVERIFY(editor->headVersion() > v2);
    // The log has every step: nothing was rewritten.
    auto all = s.store().readStream(s.tenantId(), QStringLiteral("inv-1"));
    QVERIFY(all);
    QCOMPARE(all->size(), editor->headVersion());
}

void TestEditorUndo::customerAction_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::newRow("name") << QStringLiteral("customerName") << QStringLiteral("Acme Holding GmbH");
    QTest::newRow("email") << QStringLiteral("customerEmail") << QStringLiteral("ap@acme.example");
    QTest::newRow("city") << QStringLiteral("customerCity") << QStringLiteral("Hamburg");
    QTest::newRow("taxId") << QStringLiteral("customerTaxId") << QStringLiteral("DE123456789");
}

void TestEditorUndo::customerAction()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    ManualClock clock(at(2026, 3, 2, 9, 0));
    Session::Options options;
    options.clock = &clock;
    options.pollIntervalMs = 0;
    MainWindow w(m_dir.filePath(QStringLiteral("undo-%1.sqlite").arg(++m_store)), options);
    w.show();
    createCustomer(*w.session(), QStringLiteral("cust-a"), QStringLiteral("Acme"), QStringLiteral("a@example.com"));
    CustomerEditor *editor = w.openCustomer(QStringLiteral("cust-a"));
    QVERIFY(editor);
    const CustomerState before = editor->shownState();
    auto *edit = editor->findChild<QLineEdit *>(field);
    QVERIFY(edit);
    edit->setText(value);
    emit edit->editingFinished();
    QVERIFY2(editor->lastError().isEmpty(), qPrintable(editor->lastError()));
    const CustomerState after = editor->shownState();
    QVERIFY(!(after == before));
    QCOMPARE(edit->text(), value);
    const qint64 v1 = editor->headVersion();

    editor->undoStack()->undo();
    QCOMPARE(editor->shownState(), before);
    QVERIFY(editor->headVersion() > v1);
    editor->undoStack()->redo();
    QCOMPARE(editor->shownState(), after);
}

void TestEditorUndo::undoAcrossSeveralEdits()
{
    ManualClock clock(at(2026, 3, 2, 9, 0));
    Session::Options options;
    options.clock = &clock;
    options.pollIntervalMs = 0;
    MainWindow w(m_dir.filePath(QStringLiteral("undo-%1.sqlite").arg(++m_store)), options);
    w.show();
    Session &s = *w.session();
    setUpCompany(s);
    createCustomer(s, QStringLiteral("cust-a"), QStringLiteral("Acme"), QStringLiteral("a@example.com"));
    createDraft(s, QStringLiteral("inv-1"), QStringLiteral("cust-a"), QJsonArray{});
    InvoiceEditor *editor = w.openInvoice(QStringLiteral("inv-1"));
    LineItemsModel *lines = editor->lineItemsModel();
    const Content empty = contentOf(editor->shownState());
    QVERIFY(lines->setData(lines->index(0, LineItemsModel::Description), QStringLiteral("Consulting")));
    QVERIFY(lines->setData(lines->index(0, LineItemsModel::Quantity), QStringLiteral("4")));
    QVERIFY(lines->setData(lines->index(0, LineItemsModel::UnitPrice), QStringLiteral("80")));
    const Content full = contentOf(editor->shownState());
    QCOMPARE(editor->undoStack()->count(), 3);
    QCOMPARE(editor->undoStack()->text(2), QStringLiteral("Unit price of 'Consulting' → 80"));
    while (editor->undoStack()->canUndo())
        editor->undoStack()->undo();
    QCOMPARE(contentOf(editor->shownState()), empty);
    while (editor->undoStack()->canRedo())
        editor->undoStack()->redo();
    QCOMPARE(contentOf(editor->shownState()).lines.size(), 1);
    QCOMPARE(contentOf(editor->shownState()), full);

    // A refused edit is shown at its cell and never reaches the undo stack.
    QVERIFY(lines->setData(lines->index(0, LineItemsModel::Quantity), QStringLiteral("-1")));
    QVERIFY(!editor->lastError().isEmpty());
    QVERIFY(!lines->data(lines->index(0, LineItemsModel::Quantity), Qt::ToolTipRole).toString().isEmpty());
    QCOMPARE(editor->undoStack()->count(), 3);
    QCOMPARE(contentOf(editor->shownState()), full);
}

QTEST_MAIN(TestEditorUndo)
#include "tst_editorundo.moc"
