// Changes by billstream-cli (the real binary) under an open window: a conflicting edit gets the
// plain-words message with Reload; a non-conflicting one rebases; the lists and an idle editor
// follow within the poll interval without a restart.
#include "uitesthelpers.h"

#include "core/projections/customerlistmodel.h"
#include "core/projections/invoicelistmodel.h"
#include "ui/customers/customerlistview.h"
#include "ui/dialogs/messagebox.h"
#include "ui/invoices/invoiceeditor.h"
#include "ui/invoices/invoicelistview.h"
#include "ui/invoices/lineitemsmodel.h"

#include <QLabel>
#include <QUndoStack>

using namespace Billstream;
using namespace UiTest;

class TestConflict : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { isolateUserFolders(m_dir); }
    void conflictingEditOffersReload();
    void nonConflictingEditRebases();
    void liveRefreshFromCli();

private:
    QTemporaryDir m_dir;
    int m_store = 0;
};

namespace {

QByteArray notesCommand(const QString &invoiceId, const QString &notes)
{
    return json(command(QStringLiteral("SetInvoiceNotes"), invoiceId, {{QStringLiteral("notes"), notes}}));
}

} // namespace

void TestConflict::conflictingEditOffersReload()
{
    Session::Options options;
    options.pollIntervalMs = 0;   // the editor must not learn of the change before the user acts
    const QString path = m_dir.filePath(QStringLiteral("conflict-%1.sqlite").arg(++m_store));
    MainWindow w(path, options);
    w.show();
    Session &s = *w.session();
    setUpCompany(s);
    createCustomer(s, QStringLiteral("cust-a"), QStringLiteral("Acme"), QStringLiteral("a@example.com"));
    createDraft(s, QStringLiteral("inv-1"), QStringLiteral("cust-a"),
                QJsonArray{line(QStringLiteral("l1"), QStringLiteral("Consulting"), QStringLiteral("2"), QStringLiteral("100"))},
                QStringLiteral("Before"));
    InvoiceEditor *editor = w.openInvoice(QStringLiteral("inv-1"));
    const qint64 seen = editor->shownVersion();

    const CliResult cli = runCli(path, {QStringLiteral("exec")}, notesCommand(QStringLiteral("inv-1"), QStringLiteral("From the CLI")));
    QVERIFY2(cli.exitCode == 0, cli.err.constData());

    // The user edits the same notes in the stale editor.
    auto *notes = editor->findChild<NotesEdit *>(QStringLiteral("notes"));
    notes->setPlainText(QStringLiteral("From the window"));
    const int boxes = MessageBox::shownCount();
    MessageBox::setNextAnswer(QMessageBox::Retry);   // the "Reload" button
    emit notes->committed();
    QCOMPARE(MessageBox::shownCount(), boxes + 1);
    QVERIFY2(MessageBox::lastText().contains(QStringLiteral("This invoice was changed elsewhere meanwhile")),
             qPrintable(MessageBox::lastText()));
    QVERIFY(MessageBox::lastText().contains(QStringLiteral("Reload")));
    // Reloaded: the CLI's notes, the head version, nothing of the refused edit on the undo stack.
    QCOMPARE(editor->shownState().notes, QStringLiteral("From the CLI"));
    QCOMPARE(notes->toPlainText(), QStringLiteral("From the CLI"));
    QCOMPARE(editor->shownVersion(), seen + 1);
    QCOMPARE(editor->undoStack()->count(), 0);
    QVERIFY(editor->lastError().isEmpty());

    // Without reloading (Cancel), the editor says so under the form; nothing is appended.
    const CliResult again = runCli(path, {QStringLiteral("exec")}, notesCommand(QStringLiteral("inv-1"), QStringLiteral("Again")));
    QVERIFY2(again.exitCode == 0, again.err.constData());
    notes->setPlainText(QStringLiteral("Mine"));
    MessageBox::setNextAnswer(QMessageBox::Cancel);
    const int shown = MessageBox::shownCount();
    emit notes->committed();
    QCOMPARE(MessageBox::shownCount(), shown + 1);
    QVERIFY2(editor->lastError().contains(QStringLiteral("changed elsewhere meanwhile")), qPrintable(editor->lastError()));
    QVERIFY(editor->findChild<QLabel *>(QStringLiteral("editorError"))->isVisible());
    auto log = s.store().readStream(s.tenantId(), QStringLiteral("inv-1"));
    QCOMPARE(log->last().payload.value(QStringLiteral("notes")).toString(), QStringLiteral("Again"));
}

void TestConflict::nonConflictingEditRebases()
{
    Session::Options options;
    options.pollIntervalMs = 0;
    const QString path = m_dir.filePath(QStringLiteral("conflict-%1.sqlite").arg(++m_store));
    MainWindow w(path, options);
    w.show();
    Session &s = *w.session();
    setUpCompany(s);
    createCustomer(s, QStringLiteral("cust-a"), QStringLiteral("Acme"), QStringLiteral("a@example.com"));
    createDraft(s, QStringLiteral("inv-1"), QStringLiteral("cust-a"),
                QJsonArray{line(QStringLiteral("l1"), QStringLiteral("Consulting"), QStringLiteral("2"), QStringLiteral("100"))});
    InvoiceEditor *editor = w.openInvoice(QStringLiteral("inv-1"));
    QVERIFY(runCli(path, {QStringLiteral("exec")}, notesCommand(QStringLiteral("inv-1"), QStringLiteral("CLI notes"))).exitCode == 0);
    const int boxes = MessageBox::shownCount();
    // A quantity change touches another part of the invoice: it is rebased onto the CLI's event.
    QVERIFY(editor->lineItemsModel()->setData(editor->lineItemsModel()->index(0, LineItemsModel::Quantity), QStringLiteral("3")));
    QCOMPARE(MessageBox::shownCount(), boxes);
    QVERIFY(editor->lastError().isEmpty());
    QCOMPARE(editor->shownState().notes, QStringLiteral("CLI notes"));
    QCOMPARE(editor->shownState().lineItems.first().quantity.toString(), QStringLiteral("3"));
}

void TestConflict::liveRefreshFromCli()
{
    Session::Options options;
    options.pollIntervalMs = 50;
    const QString path = m_dir.filePath(QStringLiteral("conflict-%1.sqlite").arg(++m_store));
    MainWindow w(path, options);
    w.show();
    Session &s = *w.session();
    setUpCompany(s);
    createCustomer(s, QStringLiteral("cust-a"), QStringLiteral("Acme"), QStringLiteral("a@example.com"));
    createDraft(s, QStringLiteral("inv-1"), QStringLiteral("cust-a"),
                QJsonArray{line(QStringLiteral("l1"), QStringLiteral("Consulting"), QStringLiteral("2"), QStringLiteral("100"))});
    InvoiceEditor *editor = w.openInvoice(QStringLiteral("inv-1"));
    auto *customers = w.customerList()->model();
    auto *invoices = w.invoiceList()->model();
    QTRY_COMPARE(customers->rowCount(), 1);
    QTRY_COMPARE(invoices->rowCount(), 1);

    const QByteArray input = json(command(QStringLiteral("CreateCustomer"), QStringLiteral("cust-cli"),
                                          {{QStringLiteral("name"), QStringLiteral("Zeta from CLI")},
                                           {QStringLiteral("email"), QStringLiteral("z@example.com")},
                                           {QStringLiteral("address"), address()}}))
                             + '\n' + notesCommand(QStringLiteral("inv-1"), QStringLiteral("Changed by a script"))
                             + '\n' + json(command(QStringLiteral("IssueInvoice"), QStringLiteral("inv-1"), {}));
    const CliResult cli = runCli(path, {QStringLiteral("exec")}, input);
    QVERIFY2(cli.exitCode == 0, cli.err.constData());

    // No restart, no user action: the poll sees the other connection's commits.
    QTRY_COMPARE(customers->rowCount(), 2);
    QTRY_VERIFY(customers->rowOf(QStringLiteral("cust-cli")) >= 0);
    QTRY_COMPARE(invoices->entry(invoices->rowOf(QStringLiteral("inv-1"))).status, QStringLiteral("ISSUED"));
    // The idle editor follows, and now shows the issued invoice read-only.
    QTRY_COMPARE(editor->shownState().notes, QStringLiteral("Changed by a script"));
    QTRY_COMPARE(editor->shownState().status, InvoiceStatus::Issued);
    QVERIFY(editor->isReadOnly());
    QVERIFY(!editor->shownState().number.isEmpty());
}

QTEST_MAIN(TestConflict)
#include "tst_conflict.moc"
