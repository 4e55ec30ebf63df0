#include "ui/mainwindow/mainwindow.h"

#include "uitesthelpers.h"

#include "core/projections/invoicelistmodel.h"
#include "core/projections/sqlaccess.h"
#include "ui/dialogs/messagebox.h"
#include "ui/invoices/invoiceeditor.h"
#include "ui/invoices/invoicelistview.h"

#include <billstream/version.h>

#include <QComboBox>
#include <QDialog>
#include <QDateEdit>
#include <QFile>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QTableView>

#include <QApplication>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QTemporaryDir>
#include <QTimer>

#include <sqlite3.h>
#include <QtTest>

using namespace Billstream;
using namespace UiTest;

namespace {
// Rows of the window's invoice list whose customer name was edited by hand to 'Stale'.
int staleRows(MainWindow &w)
{
    sqlite3_stmt *q = nullptr;
    sqlite3_prepare_v2(ReadSql::handleOf(w.session()->store().database()),
                       "SELECT count(*) FROM invoice_list WHERE customer_name = 'Stale'", -1, &q, nullptr);
    const int n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
    sqlite3_finalize(q);
    return n;
}
} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
    QTemporaryDir m_home;

private slots:
    void initTestCase() { isolateUserFolders(m_home); }

    void opensWithStoreInTitleAndMenus()
    {
        QTemporaryDir dir;
        MainWindow w(dir.filePath(QStringLiteral("books.sqlite")));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.windowTitle().contains(QStringLiteral("books.sqlite")));
        QStringList menus;
        for (QAction *a : w.menuBar()->actions())
            menus << a->text().remove(QLatin1Char('&'));
        QCOMPARE(menus, (QStringList{QStringLiteral("File"), QStringLiteral("Edit"), QStringLiteral("View"),
                                     QStringLiteral("Help")}));
    }

    void aboutShowsVersion()
    {
        QTemporaryDir dir;
        MainWindow w(dir.filePath(QStringLiteral("store.sqlite")));
        w.show();
        auto *about = w.findChild<QAction *>(QStringLiteral("actionAbout"));
        QVERIFY(about);
        about->trigger();
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = w.findChild<QMessageBox *>(QStringLiteral("aboutBox"))) != nullptr);
        QVERIFY(box->text().contains(QStringLiteral(BILLSTREAM_VERSION)));
        box->accept();
    }

    void firstStartOffersDemoDataOnAWorker()
    {
        QTemporaryDir dir;
        MainWindow w(dir.filePath(QStringLiteral("fresh.sqlite")));
        w.show();
        auto *welcome = w.findChild<QWidget *>(QStringLiteral("welcomePanel"));
        QVERIFY(welcome->isVisible());
        QVERIFY(w.findChild<QPushButton *>(QStringLiteral("welcomeSetup")));
        MessageBox::setNextAnswer(QMessageBox::Yes);
        UnansweredBoxes boxes;
        QTest::mouseClick(w.findChild<QPushButton *>(QStringLiteral("welcomeDemo")), Qt::LeftButton);
        QVERIFY2(boxes.said().isEmpty(), qPrintable(boxes.said()));
        // The demo ran on a worker connection; the window's lists pick it up.
        QTRY_VERIFY(w.invoiceList()->model()->matchingCount() > 500);
        QVERIFY(!welcome->isVisible());
        // Rebuilding the lists (worker, cancellable) leaves them as they were, and repairs a
        // list edited by hand.
        const int before = w.invoiceList()->model()->matchingCount();
        QCOMPARE(staleRows(w), 0);
        QVERIFY(ReadSql::exec(ReadSql::handleOf(w.session()->store().database()),
                              "UPDATE invoice_list SET customer_name = 'Stale'", QStringLiteral("edit by hand")));
        QVERIFY(staleRows(w) > 500);
        w.findChild<QAction *>(QStringLiteral("actionRebuild"))->trigger();
        QCOMPARE(staleRows(w), 0);
        QTRY_COMPARE(w.invoiceList()->model()->matchingCount(), before);
        // A rebuild while the window shows the past builds that book again, on a worker too.
        auto events = w.session()->store().readAllTenants(*w.session()->store().headPosition() / 2, 1);
        QVERIFY(events && !events->isEmpty());
        const QDateTime middle = events->first().recordedAt;
        w.setAsOf(middle);
        QVERIFY(!w.session()->isLive());
        const QString pastTable = w.session()->book().invoiceTable();
        QVERIFY2(pastTable.startsWith(QStringLiteral("asofdb_")), qPrintable(pastTable));
        const int pastCount = w.invoiceList()->model()->matchingCount();
        w.findChild<QAction *>(QStringLiteral("actionRebuild"))->trigger();
        QCOMPARE(w.session()->asOf(), middle);
        QVERIFY(w.session()->book().invoiceTable().startsWith(QStringLiteral("asofdb_")));
        QVERIFY(w.session()->book().invoiceTable() != pastTable);
        QTRY_COMPARE(w.invoiceList()->model()->matchingCount(), pastCount);
        w.setAsOf({});
        QVERIFY(w.session()->isLive());
        // A store whose lists a newer Billstream keeps differently (or that lost them) gets them
        // built when it opens (on a worker, with progress when that takes a while).
        QVERIFY(ReadSql::exec(ReadSql::handleOf(w.session()->store().database()),
                              "UPDATE invoice_list SET customer_name = 'Stale';"
                              " UPDATE projection_checkpoints SET schema_version = 0 WHERE name = 'invoice_list';"
                              " DROP TABLE revenue_payments",
                              QStringLiteral("edit by hand")));
        QVERIFY(w.openStore(dir.filePath(QStringLiteral("fresh.sqlite"))));
        QCOMPARE(staleRows(w), 0);
        QTRY_COMPARE(w.invoiceList()->model()->matchingCount(), before);
        // A second demo into a store with history is refused in plain words.
        MessageBox::setNextAnswer(QMessageBox::Ok);
        w.findChild<QAction *>(QStringLiteral("actionDemo"))->trigger();
        QVERIFY(MessageBox::lastText().contains(QStringLiteral("empty store")));
    }

    void unreadableStoreSaysWhatToDo()
    {
        QTemporaryDir dir;
        const QString bad = dir.filePath(QStringLiteral("notes.sqlite"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'x'));
        f.close();
        MainWindow w(bad);
        w.show();
        QVERIFY(!w.openError().isEmpty());
        auto *page = w.findChild<QLabel *>(QStringLiteral("openErrorPage"));
        QVERIFY(page->isVisible());
        QVERIFY(page->text().contains(QStringLiteral("Open Store")));
        QVERIFY(!w.findChild<QAction *>(QStringLiteral("actionNewInvoice"))->isEnabled());
        QVERIFY(w.windowTitle().contains(QStringLiteral("notes.sqlite")));

        // File > Open Store… with a good one: opened, titled, remembered among recent stores.
        const QString good = dir.filePath(QStringLiteral("good.sqlite"));
        FileDialog::setNextFileName(good);
        w.findChild<QAction *>(QStringLiteral("actionOpenStore"))->trigger();
        QVERIFY(w.openError().isEmpty());
        QVERIFY(w.windowTitle().startsWith(QStringLiteral("good.sqlite")));
        QCOMPARE(MainWindow::recentStores().value(0), QFileInfo(good).absoluteFilePath());
        QVERIFY(w.findChild<QAction *>(QStringLiteral("actionNewInvoice"))->isEnabled());
        // File > New Store… refuses to overwrite an existing file.
        FileDialog::setNextFileName(bad);
        MessageBox::setNextAnswer(QMessageBox::Ok);
        w.findChild<QAction *>(QStringLiteral("actionNewStore"))->trigger();
        QVERIFY(MessageBox::lastText().contains(QStringLiteral("already exists")));
        QVERIFY(w.windowTitle().startsWith(QStringLiteral("good.sqlite")));
    }

    void keyboardAndAccessibility()
    {
        QTemporaryDir dir;
        Session::Options options;
        options.pollIntervalMs = 0;
        MainWindow w(dir.filePath(QStringLiteral("keys.sqlite")), options);
        w.show();
        setUpCompany(*w.session());
        createCustomer(*w.session(), QStringLiteral("c1"), QStringLiteral("Acme"), QStringLiteral("a@example.com"));
        createDraft(*w.session(), QStringLiteral("i1"), QStringLiteral("c1"),
                    QJsonArray{line(QStringLiteral("l1"), QStringLiteral("Consulting"), QStringLiteral("2"), QStringLiteral("100"))});
        QCOMPARE(w.findChild<QAction *>(QStringLiteral("actionNewInvoice"))->shortcut(), QKeySequence(QKeySequence::New));
        QCOMPARE(w.findChild<QAction *>(QStringLiteral("actionNewCustomer"))->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
        QCOMPARE(w.findChild<QAction *>(QStringLiteral("actionPage3"))->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_4));
        InvoiceEditor *editor = w.openInvoice(QStringLiteral("i1"));
        // Every input of the window and the editor can be named by a screen reader.
        QStringList unnamed;
        const auto inputs = w.findChildren<QWidget *>();
        for (QWidget *input : inputs) {
            const bool isInput = qobject_cast<QLineEdit *>(input) || qobject_cast<QComboBox *>(input)
                                 || qobject_cast<QAbstractSpinBox *>(input) || qobject_cast<QTableView *>(input);
            if (!isInput || !input->isVisibleTo(&w) || qobject_cast<QLineEdit *>(input->parentWidget())
                || qobject_cast<QComboBox *>(input->parentWidget()) || qobject_cast<QAbstractSpinBox *>(input->parentWidget()))
                continue;
            if (input->accessibleName().isEmpty())
                unnamed << input->objectName() + QLatin1Char('/') + QString::fromLatin1(input->metaObject()->className());
        }
        QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(u", ")));
        // Tab order in the editor: customer, new customer, currency, due date, notes, lines.
        QWidget *customer = editor->findChild<QWidget *>(QStringLiteral("customerPicker"));
        QCOMPARE(customer->nextInFocusChain(), editor->findChild<QWidget *>(QStringLiteral("inlineNewCustomer")));
        QWidget *notes = editor->findChild<QWidget *>(QStringLiteral("notes"));
        QWidget *after = notes->nextInFocusChain();
        while (after && after->focusPolicy() == Qt::NoFocus)
            after = after->nextInFocusChain();
        QCOMPARE(after, editor->findChild<QWidget *>(QStringLiteral("lineItems")));
    }

    void settingsPreviewAndRefusals()
    {
        QTemporaryDir dir;
        Session::Options options;
        options.pollIntervalMs = 0;
        ManualClock clock(at(2026, 5, 4, 10, 0));
        options.clock = &clock;
        MainWindow w(dir.filePath(QStringLiteral("settings.sqlite")), options);
        w.show();
        w.findChild<QAction *>(QStringLiteral("actionSettings"))->trigger();
        QDialog *settings = nullptr;
        QTRY_VERIFY((settings = w.findChild<QDialog *>(QStringLiteral("settingsDialog"))) != nullptr);
        auto *pattern = settings->findChild<QLineEdit *>(QStringLiteral("numberingPattern"));
        auto *preview = settings->findChild<QLabel *>(QStringLiteral("patternPreview"));
        // Live preview while typing, with the year of today (the injected clock).
        pattern->setText(QStringLiteral("R{YY}-{SEQ:3}"));
        QCOMPARE(preview->text(), QStringLiteral("R26-001, R26-002, R26-003 …"));
        pattern->setText(QStringLiteral("INV-{SEQ}"));
        QVERIFY(!preview->text().startsWith(QStringLiteral("INV")));
        QVERIFY(pattern->property("violation").isValid());
        // Save with a bad pattern and a bad e-mail: refused at the fields, the dialog stays.
        settings->findChild<QLineEdit *>(QStringLiteral("companyName"))->setText(QStringLiteral("Lidan Ltd."));
        settings->findChild<QLineEdit *>(QStringLiteral("companyStreet"))->setText(QStringLiteral("Harbour Road 5"));
        settings->findChild<QLineEdit *>(QStringLiteral("companyPostalCode"))->setText(QStringLiteral("20457"));
        settings->findChild<QLineEdit *>(QStringLiteral("companyCity"))->setText(QStringLiteral("Hamburg"));
        settings->findChild<QLineEdit *>(QStringLiteral("companyCountry"))->setText(QStringLiteral("DE"));
        settings->findChild<QLineEdit *>(QStringLiteral("companyEmail"))->setText(QStringLiteral("not an address"));
        settings->accept();
        QVERIFY(settings->isVisible());
        auto *error = settings->findChild<QLabel *>(QStringLiteral("settingsError"));
        QVERIFY(error->isVisible());
        QVERIFY(settings->findChild<QLineEdit *>(QStringLiteral("companyEmail"))->property("violation").isValid());
        QVERIFY(pattern->property("violation").isValid());
        // Fixed: saved, the dialog closes, the tenant has them.
        settings->findChild<QLineEdit *>(QStringLiteral("companyEmail"))->setText(QStringLiteral("office@lidan.example"));
        pattern->setText(QStringLiteral("R{YY}-{SEQ:3}"));
        settings->findChild<QLineEdit *>(QStringLiteral("smtpUrl"))->setText(QStringLiteral("smtp://127.0.0.1:2525"));
        settings->findChild<QLineEdit *>(QStringLiteral("fromAddress"))->setText(QStringLiteral("billing@lidan.example"));
        settings->accept();
        QVERIFY2(!error->isVisible(), qPrintable(error->text()));
        auto tenant = w.session()->service().loadTenant(w.session()->tenantId());
        QVERIFY(tenant && tenant->state.profile);
        QCOMPARE(tenant->state.profile->email, QStringLiteral("office@lidan.example"));
        QCOMPARE(tenant->state.numberingPattern, QStringLiteral("R{YY}-{SEQ:3}"));
        QVERIFY(tenant->state.mail);
        QCOMPARE(tenant->state.mail->fromAddress, QStringLiteral("billing@lidan.example"));
    }

    void documentActionsFromTheList()
    {
        QTemporaryDir dir;
        Session::Options options;
        options.pollIntervalMs = 0;
        MainWindow w(dir.filePath(QStringLiteral("docs.sqlite")), options);
        w.show();
        Session &s = *w.session();
        setUpCompany(s);
        createCustomer(s, QStringLiteral("c1"), QStringLiteral("Acme"), QStringLiteral("a@example.com"));
        createDraft(s, QStringLiteral("i1"), QStringLiteral("c1"),
                    QJsonArray{line(QStringLiteral("l1"), QStringLiteral("Consulting"), QStringLiteral("2"), QStringLiteral("100"))});
        // The issue is recorded in a later millisecond than the draft, so the book as of the
        // draft's time (below) has the draft.
        const QDateTime drafted = s.store().readAll(s.tenantId(), 1, -1)->constLast().recordedAt;
        QTRY_VERIFY(QDateTime::currentDateTimeUtc() > drafted);
        run(s, command(QStringLiteral("IssueInvoice"), QStringLiteral("i1"), {}));
        QTableView *table = w.invoiceList()->table();
        QTRY_COMPARE(table->model()->rowCount(), 1);
        const QModelIndex status = w.invoiceList()->model()->index(0, ReadModels::InvoiceListModel::Status);
        QTRY_COMPARE(status.data(ReadModels::ProjectionTableModel::RawValueRole).toString(), QStringLiteral("ISSUED"));
        table->selectRow(0);
        QMenu *menu = w.invoiceList()->contextMenu();
        QVERIFY(menu);
        QStringList names;
        for (QAction *a : menu->actions())
            if (!a->isSeparator())
                names << a->objectName();
        QCOMPARE(names, (QStringList{QStringLiteral("menuOpen"), QStringLiteral("menuIssue"), QStringLiteral("menuPay"),
                                     QStringLiteral("menuVoid"), QStringLiteral("menuSend"), QStringLiteral("menuExportPdf"),
                                     QStringLiteral("menuPrint"), QStringLiteral("menuDelete")}));
        QVERIFY(!menu->findChild<QAction *>(QStringLiteral("menuIssue"))->isEnabled());
        QVERIFY(menu->findChild<QAction *>(QStringLiteral("menuPay"))->isEnabled());

        const QString pdf = dir.filePath(QStringLiteral("invoice.pdf"));
        FileDialog::setNextFileName(pdf);
        menu->findChild<QAction *>(QStringLiteral("menuExportPdf"))->trigger();
        QFile file(pdf);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.read(5) == "%PDF-");

        const QString csv = dir.filePath(QStringLiteral("list.csv"));
        FileDialog::setNextFileName(csv);
        // Written on a worker: the window handles events while it runs (this one comes first).
        bool tookEvents = false;
        QTimer::singleShot(0, &w, [&tookEvents] { tookEvents = true; });
        w.findChild<QAction *>(QStringLiteral("actionExportCsv"))->trigger();
        QVERIFY(tookEvents);
        QFile list(csv);
        QVERIFY(list.open(QIODevice::ReadOnly));
        const QByteArray text = list.readAll();
        QVERIFY(text.contains("INV-2026-0001") || text.contains("Acme"));

        // As of before the invoice was issued, the export is of that book (its shared tables
        // attached to the worker's connection too).
        w.setAsOf(drafted);
        QVERIFY(!w.session()->isLive());
        QVERIFY(w.session()->book().canOpenElsewhere());
        const QString pastCsv = dir.filePath(QStringLiteral("past.csv"));
        FileDialog::setNextFileName(pastCsv);
        w.findChild<QAction *>(QStringLiteral("actionExportCsv"))->trigger();
        QFile past(pastCsv);
        QVERIFY(past.open(QIODevice::ReadOnly));
        const QByteArray pastText = past.readAll();
        QVERIFY2(!pastText.contains("INV-2026-0001") && pastText.contains("DRAFT"), pastText.constData());
        w.setAsOf({});
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
