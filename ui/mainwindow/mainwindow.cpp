#include "ui/mainwindow/mainwindow.h"

#include <billstream/version.h>

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStackedWidget>
#include <QStatusBar>

namespace Billstream {

MainWindow::MainWindow(const QString &storePath, QWidget *parent)
    : QMainWindow(parent)
    , m_storePath(storePath)
{
    setObjectName(QStringLiteral("MainWindow"));
    setWindowTitle(tr("%1 – Billstream").arg(QFileInfo(storePath).fileName()));
    resize(1100, 720);

    m_central = new QStackedWidget(this);
    m_central->setObjectName(QStringLiteral("centralStack"));
    auto *empty = new QLabel(tr("No invoices yet."), m_central);
    empty->setAlignment(Qt::AlignCenter);
    m_central->addWidget(empty);
    setCentralWidget(m_central);

    createMenus();

    m_statusStore = new QLabel(QDir::toNativeSeparators(storePath), this);
    m_statusStore->setObjectName(QStringLiteral("statusStore"));
    statusBar()->addPermanentWidget(m_statusStore);
    statusBar()->showMessage(tr("Ready"), 3000);
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->setObjectName(QStringLiteral("menuFile"));
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->setObjectName(QStringLiteral("menuEdit"));

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("menuView"));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->setObjectName(QStringLiteral("menuHelp"));
    QAction *about = help->addAction(tr("&About Billstream"), this, &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("actionAbout"));
    about->setMenuRole(QAction::AboutRole);
}

void MainWindow::showAbout()
{
    auto *box = new QMessageBox(QMessageBox::Information, tr("About Billstream"),
                                tr("<h3>Billstream %1</h3>"
                                   "<p>An invoice manager that keeps every change as an event.</p>")
                                    .arg(QStringLiteral(BILLSTREAM_VERSION)),
                                QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("aboutBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace Billstream
