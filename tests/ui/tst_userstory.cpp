// The user story of issue 6, end to end through the real main window: create a customer, a new
// invoice, three lines typed on the keyboard, totals, issue, number, partial payment, the list
// status, the history panel, scrubbing to version 3, and the book as of before the invoice.
#include "uitesthelpers.h"

#include "core/projections/customerlistmodel.h"
#include "core/projections/invoicelistmodel.h"
#include "ui/dialogs/customerdialog.h"
#include "ui/dialogs/invoicedialogs.h"
#include "ui/dialogs/messagebox.h"
#include "ui/history/historydock.h"
#include "ui/invoices/invoiceeditor.h"
#include "ui/invoices/invoicelistview.h"
#include "ui/invoices/lineitemsmodel.h"
#include "ui/customers/customerlistview.h"
#include "ui/settings/settingsdialog.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <QSqlQuery>
#include <QTableView>
#include <QTimer>
#include <QToolButton>

using namespace Billstream;
using namespace UiTest;

class TestUserStory : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { isolateUserFolders(m_dir); }
    void createIssuePayAndTravelInTime();

private:
    QTemporaryDir m_dir;
};

namespace {

void fill(QWidget *parent, const QString &name, const QString &text)
{
    auto *edit = parent->findChild<QLineEdit *>(name);
    QVERIFY2(edit, qPrintable(name));
    edit->setFocus();
    edit->selectAll();
    QTest::keyClicks(edit, text);
}

// One line typed the way a person does: description, Tab, quantity, Tab, price, Tab, tax, Tab,
// discount, Tab (onto the net amount), Tab (onto the next empty row).
void typeLine(const QString &description, const QString &quantity, const QString &price, const QString &rate)
{
    typeText(description);
    pressKey(Qt::Key_Tab);
    for (const QString &value : {quantity, price, rate}) {
        pressKey(Qt::Key_A, Qt::ControlModifier);
        typeText(value);
        pressKey(Qt::Key_Tab);
    }
    pressKey(Qt::Key_Tab);   // discount stays 0
    pressKey(Qt::Key_Tab);   // from the net amount to the empty row
}

} // namespace

void TestUserStory::createIssuePayAndTravelInTime()
{
    ManualClock clock(at(2026, 3, 2, 9, 0));
    Session::Options options;
    options.clock = &clock;
    options.pollIntervalMs = 0;
    MainWindow w(m_dir.filePath(QStringLiteral("story.sqlite")), options);
    w.show();
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    QVERIFY(w.openError().isEmpty());
    QVERIFY(w.findChild<QWidget *>(QStringLiteral("welcomePanel"))->isVisible());

    // The company profile and defaults, through Settings.
    w.findChild<QAction *>(QStringLiteral("actionSettings"))->trigger();
    SettingsDialog *settings = nullptr;
    QTRY_VERIFY((settings = w.findChild<SettingsDialog *>(QStringLiteral("settingsDialog"))) != nullptr);
    fill(settings, QStringLiteral("companyName"), QStringLiteral("Lidan Ltd."));
    fill(settings, QStringLiteral("companyStreet"), QStringLiteral("Harbour Road 5"));
    fill(settings, QStringLiteral("companyPostalCode"), QStringLiteral("20457"));
    fill(settings, QStringLiteral("companyCity"), QStringLiteral("Hamburg"));
    fill(settings, QStringLiteral("companyCountry"), QStringLiteral("DE"));
    fill(settings, QStringLiteral("defaultTaxRate"), QStringLiteral("19"));
    settings->findChild<QComboBox *>(QStringLiteral("defaultCurrency"))->setCurrentText(QStringLiteral("EUR"));
    QVERIFY(settings->patternPreview().startsWith(QStringLiteral("INV-2026-0001")));
    settings->accept();
    QVERIFY2(settings->errorText().isEmpty(), qPrintable(settings->errorText()));
    QTRY_VERIFY(!w.findChild<QWidget *>(QStringLiteral("welcomePanel"))->isVisible());

    // 1. Create a customer.
    clock.set(at(2026, 3, 2, 9, 10));
    w.findChild<QAction *>(QStringLiteral("actionNewCustomer"))->trigger();
    CustomerDialog *customerDialog = nullptr;
    QTRY_VERIFY((customerDialog = w.findChild<CustomerDialog *>(QStringLiteral("customerDialog"))) != nullptr);
    fill(customerDialog, QStringLiteral("name"), QStringLiteral("Acme GmbH"));
    fill(customerDialog, QStringLiteral("email"), QStringLiteral("billing@acme.example"));
    fill(customerDialog, QStringLiteral("street"), QStringLiteral("Market 1"));
    fill(customerDialog, QStringLiteral("postalCode"), QStringLiteral("80331"));
    fill(customerDialog, QStringLiteral("city"), QStringLiteral("Munich"));
    fill(customerDialog, QStringLiteral("country"), QStringLiteral("de"));
    customerDialog->accept();
    QVERIFY2(customerDialog->errorText().isEmpty(), qPrintable(customerDialog->errorText()));
    const QDateTime beforeInvoice = at(2026, 3, 2, 9, 15);

    // 2. A new invoice for that customer.
    clock.set(at(2026, 3, 2, 9, 20));
    w.findChild<QAction *>(QStringLiteral("actionNewInvoice"))->trigger();
    NewInvoiceDialog *newInvoice = nullptr;
    QTRY_VERIFY((newInvoice = w.findChild<NewInvoiceDialog *>(QStringLiteral("newInvoiceDialog"))) != nullptr);
    auto *customerPick = newInvoice->findChild<QComboBox *>(QStringLiteral("newInvoiceCustomer"));
    QCOMPARE(customerPick->count(), 1);
    QVERIFY(customerPick->currentText().startsWith(QStringLiteral("Acme GmbH")));
    QCOMPARE(newInvoice->findChild<QComboBox *>(QStringLiteral("newInvoiceCurrency"))->currentText(), QStringLiteral("EUR"));
    newInvoice->accept();
    const QString invoiceId = newInvoice->createdId();
    QVERIFY(!invoiceId.isEmpty());
    InvoiceEditor *editor = w.invoiceEditor(invoiceId);
    QVERIFY(editor);
    QCOMPARE(w.currentEditor(), editor);

    // 3. Three lines, by keyboard, into the line-items table (focused on its empty row).
    auto *lines = editor->findChild<QTableView *>(QStringLiteral("lineItems"));
    w.activateWindow();   // the dialog had the focus; the offscreen platform does not hand it back
    QVERIFY(QTest::qWaitForWindowActive(&w));
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(lines));
    typeLine(QStringLiteral("Consulting"), QStringLiteral("2"), QStringLiteral("100"), QStringLiteral("19"));
    typeLine(QStringLiteral("Hosting"), QStringLiteral("1"), QStringLiteral("50"), QStringLiteral("19"));
    typeLine(QStringLiteral("Handbook"), QStringLiteral("3"), QStringLiteral("10"), QStringLiteral("7"));
    QVERIFY2(editor->lastError().isEmpty(), qPrintable(editor->lastError()));
    const InvoiceState typed = editor->shownState();
    QCOMPARE(typed.lineItems.size(), 3);
    QCOMPARE(typed.lineItems[0].description, QStringLiteral("Consulting"));
    QCOMPARE(typed.lineItems[0].quantity.toString(), QStringLiteral("2"));
    QCOMPARE(typed.lineItems[1].unitPrice.toString(), QStringLiteral("50"));
    QCOMPARE(typed.lineItems[2].taxRate.toString(), QStringLiteral("7"));

    // 4. Totals per EN 16931: net 280.00; 19 % of 250.00 = 47.50; 7 % of 30.00 = 2.10; 329.60.
    const QString totals = editor->totalsText();
    QVERIFY2(totals.contains(QStringLiteral("280.00")), qPrintable(totals));
    QVERIFY2(totals.contains(QStringLiteral("47.50")), qPrintable(totals));
    QVERIFY2(totals.contains(QStringLiteral("2.10")), qPrintable(totals));
    QVERIFY2(totals.contains(QStringLiteral("329.60")), qPrintable(totals));
    QCOMPARE(editor->lineItemsModel()->data(editor->lineItemsModel()->index(0, LineItemsModel::Net)).toString(),
             QStringLiteral("200.00"));

    // 5. Issue (confirmed) and 6. the number is shown.
    clock.set(at(2026, 3, 2, 9, 30));
    MessageBox::setNextAnswer(QMessageBox::Yes);
    QTest::mouseClick(editor->findChild<QPushButton *>(QStringLiteral("issueButton")), Qt::LeftButton);
    QCOMPARE(editor->shownState().status, InvoiceStatus::Issued);
    QCOMPARE(editor->shownState().number, QStringLiteral("INV-2026-0001"));
    QVERIFY(editor->findChild<QLabel *>(QStringLiteral("invoiceHeading"))->text().contains(QStringLiteral("INV-2026-0001")));
    QVERIFY(editor->isReadOnly());
    QVERIFY(!(editor->lineItemsModel()->flags(editor->lineItemsModel()->index(0, 0)) & Qt::ItemIsEditable));

    // 7. A partial payment through the payment dialog.
    clock.set(at(2026, 3, 9, 11, 0));
    QTest::mouseClick(editor->findChild<QPushButton *>(QStringLiteral("payButton")), Qt::LeftButton);
    PaymentDialog *payment = nullptr;
    QTRY_VERIFY((payment = editor->findChild<PaymentDialog *>(QStringLiteral("paymentDialog"))) != nullptr);
    QCOMPARE(payment->amount(), QStringLiteral("329.60"));
    fill(payment, QStringLiteral("paymentAmount"), QStringLiteral("100.00"));
    payment->accept();
    QCOMPARE(editor->shownState().status, InvoiceStatus::PartiallyPaid);
    QVERIFY(editor->totalsText().contains(QStringLiteral("229.60")));

    // 8. The list shows PARTIALLY_PAID.
    auto *list = w.invoiceList()->model();
    QTRY_COMPARE(list->rowCount(), 1);
    const int row = list->rowOf(invoiceId);
    QVERIFY(row >= 0);
    QTRY_COMPARE(list->data(list->index(row, ReadModels::InvoiceListModel::Status), ReadModels::ProjectionTableModel::RawValueRole)
                     .toString(),
                 QStringLiteral("PARTIALLY_PAID"));
    QTRY_COMPARE(list->entry(row).number, QStringLiteral("INV-2026-0001"));

    // 9. The history panel lists the events, each with a sentence.
    HistoryDock *history = w.historyDock();
    QVERIFY(history->isVisible());
    QCOMPARE(history->editor(), editor);
    QCOMPARE(history->model()->rowCount(), int(editor->headVersion()));
    QStringList types, sentences;
    for (const HistoryEntry &e : editor->historyEntries()) {
        types << e.type;
        sentences << e.sentence;
    }
    for (const char *type : {"InvoiceCreated", "InvoiceCustomerSet", "InvoiceCurrencySet", "LineItemAdded", "LineItemUpdated",
                             "InvoiceNumberAssigned", "InvoicePartiesRecorded", "PaymentRecorded"})
        QVERIFY2(types.contains(QString::fromLatin1(type)), type);
    QVERIFY2(sentences.contains(QStringLiteral("Quantity of 'Consulting' 1 → 2")), qPrintable(sentences.join(u'\n')));
    QVERIFY(sentences.contains(QStringLiteral("Status Issued → Partially paid"))
            || sentences.join(u'\n').contains(QStringLiteral("Partially paid")));
    QCOMPARE(editor->historyEntries().last().actor, w.session()->actor());

    // 10. Scrubbing to version 3 shows that state, read-only, with the change highlighted.
    auto *slider = history->findChild<QSlider *>(QStringLiteral("historySlider"));
    QCOMPARE(slider->maximum(), int(editor->headVersion()));
    slider->setValue(3);
    QCOMPARE(editor->shownVersion(), 3);
    QVERIFY(editor->isPreviewing());
    QVERIFY(editor->isReadOnly());
    QCOMPARE(editor->shownState().currency, QStringLiteral("EUR"));
    QVERIFY(editor->shownState().lineItems.isEmpty());
    QVERIFY(editor->shownState().number.isEmpty());
    QCOMPARE(editor->lineItemsModel()->rowCount(), 0);
    QVERIFY(editor->findChild<QComboBox *>(QStringLiteral("currencyPicker"))->property("changed").toBool());
    QVERIFY(!editor->findChild<QComboBox *>(QStringLiteral("customerPicker"))->property("changed").toBool());
    QVERIFY(editor->findChild<QLabel *>(QStringLiteral("invoiceBanner"))->text().contains(QStringLiteral("Version 3")));
    // Scrubbing on to version 2 and back to now.
    slider->setValue(2);
    QVERIFY(editor->shownState().currency.isEmpty());
    QVERIFY(editor->findChild<QComboBox *>(QStringLiteral("customerPicker"))->property("changed").toBool());
    QTest::mouseClick(history->findChild<QPushButton *>(QStringLiteral("historyNow")), Qt::LeftButton);
    QVERIFY(!editor->isPreviewing());
    QCOMPARE(editor->shownState().status, InvoiceStatus::PartiallyPaid);

    // 11. As of before the invoice existed, the list does not show it (and says so).
    auto *asOfEdit = w.findChild<QDateTimeEdit *>(QStringLiteral("asOfEdit"));
    asOfEdit->setDateTime(beforeInvoice.toLocalTime());
    QTest::mouseClick(w.findChild<QToolButton *>(QStringLiteral("asOfButton")), Qt::LeftButton);
    QVERIFY(!w.session()->isLive());
    QCOMPARE(w.session()->asOf(), beforeInvoice);
    // Built on a worker's connection, in tables this window's connection attaches (the window
    // does not wait for a large book); a book built on the window's connection would be in
    // its temporary tables.
    QVERIFY2(w.session()->book().invoiceTable().startsWith(QStringLiteral("asofdb_")),
             qPrintable(w.session()->book().invoiceTable()));
    QTRY_COMPARE(list->rowCount(), 0);
    QCOMPARE(list->matchingCount(), 0);
    QVERIFY(!list->isLive());
    QTRY_COMPARE(w.customerList()->model()->rowCount(), 1);
    QVERIFY(w.findChild<QLabel *>(QStringLiteral("asOfBanner"))->isVisible());
    QVERIFY(w.findChild<QLabel *>(QStringLiteral("asOfBanner"))->text().contains(QStringLiteral("Read-only")));
    QVERIFY(w.windowTitle().contains(QStringLiteral("as of")));
    QVERIFY(!w.findChild<QAction *>(QStringLiteral("actionNewInvoice"))->isEnabled());
    QVERIFY(editor->isReadOnly());

    // One click back to now.
    QTest::mouseClick(w.findChild<QToolButton *>(QStringLiteral("asOfNow")), Qt::LeftButton);
    QVERIFY(w.session()->isLive());
    QTRY_COMPARE(list->rowCount(), 1);
    {
        // The past's tables are let go of with it.
        QSqlQuery q(w.session()->store().database());
        QVERIFY(q.exec(QStringLiteral("PRAGMA database_list")));
        while (q.next())
            QVERIFY2(!q.value(1).toString().startsWith(QStringLiteral("asofdb_")), qPrintable(q.value(1).toString()));
    }
    QVERIFY(!w.findChild<QLabel *>(QStringLiteral("asOfBanner"))->isVisible());
    QVERIFY(w.findChild<QAction *>(QStringLiteral("actionNewInvoice"))->isEnabled());

    // The window takes input while a past book is built: "Now" pressed meanwhile wins over
    // the book that arrives after it.
    QTimer::singleShot(0, &w, [&w] { w.findChild<QToolButton *>(QStringLiteral("asOfNow"))->click(); });
    w.setAsOf(beforeInvoice);
    QVERIFY(w.session()->isLive());
    QVERIFY(!w.findChild<QLabel *>(QStringLiteral("asOfBanner"))->isVisible());
    QTRY_COMPARE(list->rowCount(), 1);
}

QTEST_MAIN(TestUserStory)
#include "tst_userstory.moc"
