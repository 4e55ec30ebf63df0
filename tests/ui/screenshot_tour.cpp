// billstream-screenshot-tour: opens the real main window on a store (under Xvfb in
// scripts/screenshots), walks through the views the README shows and grabs the X screen after
// each step: the editor with its history panel, the books as of a past date, the reports, the
// activity log and a customer. Not a test: it asserts nothing, it only shows.
#include "core/es/storelocation.h"
#include "resources/appicon.h"
#include "ui/activity/activityview.h"
#include "ui/history/historydock.h"
#include "ui/invoices/invoiceeditor.h"
#include "ui/mainwindow/mainwindow.h"

#include <QApplication>
#include <QDir>
#include <QScreen>
#include <QSlider>
#include <QTest>
#include <QWindow>

#include <cstdio>

using namespace Billstream;

namespace {

void settle(int ms = 600)
{
    QTest::qWait(ms);
}

bool shoot(QWidget &window, const QString &file)
{
    settle();
    const QPixmap pm = window.screen()->grabWindow(0, window.frameGeometry().x(), window.frameGeometry().y(),
                                                   window.frameGeometry().width(), window.frameGeometry().height());
    const bool ok = pm.save(file, "PNG");
    std::printf("%s %s\n", ok ? "wrote" : "FAILED", qPrintable(file));
    return ok;
}

// The invoice with the longest history among the paid or partly paid ones.
QString interestingInvoice(Session &session)
{
    auto rows = session.book().invoices({}, InvoiceSort::Created, Qt::DescendingOrder);
    QString best;
    qint64 most = 0;
    if (!rows)
        return best;
    for (const InvoiceListEntry &e : *rows) {
        const bool wanted = e.status == QStringLiteral("PARTIALLY_PAID") || e.status == QStringLiteral("PAID");
        if (wanted && e.version > most) {
            most = e.version;
            best = e.id;
        }
    }
    return best;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    Billstream::setApplicationIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("Billstream"));
    QApplication::setWindowIcon(Billstream::applicationIcon());
    const QStringList args = QApplication::arguments();
    if (args.size() != 3) {
        std::fputs("usage: billstream-screenshot-tour STORE OUTDIR\n", stderr);
        return 64;
    }
    const QString out = args.at(2);
    QDir().mkpath(out);

    MainWindow w(args.at(1));
    if (!w.openError().isEmpty()) {
        std::fprintf(stderr, "cannot open %s: %s\n", qPrintable(args.at(1)), qPrintable(w.openError()));
        return 1;
    }
    w.setGeometry(0, 0, 1560, 880);
    w.show();
    if (!QTest::qWaitForWindowExposed(&w))
        return 1;
    bool ok = true;

    // The editor of an invoice with its history, scrubbed back to show the changed fields.
    const QString id = interestingInvoice(*w.session());
    if (InvoiceEditor *editor = w.openInvoice(id)) {
        w.historyDock()->setMinimumWidth(560);
        settle();
        // The last edit of the draft's content: its fields come out highlighted.
        qint64 version = std::max<qint64>(2, editor->headVersion() - 3);
        for (const HistoryEntry &e : editor->historyEntries())
            if (e.type == QStringLiteral("LineItemUpdated") || e.type == QStringLiteral("InvoiceNotesSet")
                || e.type == QStringLiteral("LineItemAdded"))
                version = e.version;
        w.historyDock()->scrubTo(version);
        ok &= shoot(w, out + QStringLiteral("/editor-history.png"));
        w.historyDock()->scrubTo(editor->headVersion());
    }

    // The books as of a date about a year ago: the list, marked read-only.
    w.historyDock()->hide();
    w.showPage(MainWindow::InvoicesPage);
    if (auto *tabs = w.findChild<QTabWidget *>(QStringLiteral("invoiceTabs")))
        tabs->setCurrentIndex(0);
    const QDateTime past = QDateTime(QDate::currentDate().addYears(-1), QTime(12, 0)).toUTC();
    w.setAsOf(past);
    ok &= shoot(w, out + QStringLiteral("/as-of.png"));
    w.backToNow();

    w.showPage(MainWindow::ReportsPage);
    ok &= shoot(w, out + QStringLiteral("/reports.png"));

    w.showPage(MainWindow::ActivityPage);
    ok &= shoot(w, out + QStringLiteral("/activity.png"));
    return ok ? 0 : 1;
}
