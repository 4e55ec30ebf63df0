#include "ui/mainwindow/mainwindow.h"

#include "core/documents/csvexport.h"
#include "core/documents/invoicedocument.h"
#include "core/documents/invoicerenderer.h"
#include "core/mail/backgroundmailer.h"
#include "core/projections/demodata.h"
#include "core/projections/invoicelistprojection.h"
#include "ui/activity/activityview.h"
#include "ui/customers/customereditor.h"
#include "ui/customers/customerlistview.h"
#include "ui/dialogs/customerdialog.h"
#include "ui/dialogs/invoicedialogs.h"
#include "ui/dialogs/messagebox.h"
#include "ui/history/historydock.h"
#include "ui/invoices/invoiceeditor.h"
#include "ui/invoices/invoicelistview.h"
#include "ui/reports/reportsview.h"
#include "ui/print/invoiceprinting.h"
#include "ui/send/senddialog.h"
#include "ui/settings/settingsdialog.h"
#include "ui/work/backgroundjob.h"

#include <billstream/version.h>

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTabBar>
#include <QTableView>
#include <QTabWidget>
#include <QTimeZone>
#include <QToolBar>
#include <QToolButton>
#include <QUndoGroup>
#include <QUndoStack>
#include <QVBoxLayout>

namespace Billstream {

namespace {

const QString kRecentKey = QStringLiteral("recentStores");
constexpr int MaxRecent = 8;

void rememberStore(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value(kRecentKey).toStringList();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > MaxRecent)
        recent.removeLast();
    settings.setValue(kRecentKey, recent);
}

QIcon themed(const char *name, QStyle::StandardPixmap fallback)
{
    return QIcon::fromTheme(QString::fromLatin1(name), QApplication::style()->standardIcon(fallback));
}

} // namespace

MainWindow::MainWindow(const QString &storePath, QWidget *parent)
    : MainWindow(storePath, Session::Options{}, parent)
{}

MainWindow::MainWindow(const QString &storePath, const Session::Options &options, QWidget *parent)
    : QMainWindow(parent)
    , m_storePath(storePath)
    , m_options(options)
{
    setObjectName(QStringLiteral("MainWindow"));
    resize(1280, 800);
    init(options);
}

MainWindow::~MainWindow()
{
    // Editors and models read through the session: they go before it.
    clearPages();
}

void MainWindow::init(const Session::Options &options)
{
    m_undoGroup = new QUndoGroup(this);

    auto *shell = new QWidget(this);
    auto *shellLayout = new QVBoxLayout(shell);
    shellLayout->setContentsMargins(0, 0, 0, 0);
    shellLayout->setSpacing(0);
    m_asOfBanner = new QLabel(shell);
    m_asOfBanner->setObjectName(QStringLiteral("asOfBanner"));
    m_asOfBanner->setMargin(8);
    m_asOfBanner->setAutoFillBackground(true);
    m_asOfBanner->setTextFormat(Qt::RichText);
    m_asOfBanner->hide();
    connect(m_asOfBanner, &QLabel::linkActivated, this, &MainWindow::backToNow);
    shellLayout->addWidget(m_asOfBanner);

    auto *split = new QSplitter(Qt::Horizontal, shell);
    m_sidebar = new QListWidget(split);
    m_sidebar->setObjectName(QStringLiteral("sidebar"));
    m_sidebar->setAccessibleName(tr("Sections"));
    m_sidebar->setIconSize(QSize(22, 22));
    m_sidebar->setFrameShape(QFrame::NoFrame);
    m_sidebar->setSpacing(2);
    QPalette sidePalette = m_sidebar->palette();
    sidePalette.setColor(QPalette::Base, sidePalette.color(QPalette::Window));
    m_sidebar->setPalette(sidePalette);
    const QList<QPair<QString, QIcon>> sections{
        {tr("Invoices"), themed("x-office-document", QStyle::SP_FileIcon)},
        {tr("Customers"), themed("system-users", QStyle::SP_DirHomeIcon)},
        {tr("Reports"), themed("x-office-spreadsheet", QStyle::SP_FileDialogDetailedView)},
        {tr("Activity"), themed("view-history", QStyle::SP_FileDialogContentsView)}};
    for (const auto &[name, icon] : sections) {
        auto *item = new QListWidgetItem(icon, name, m_sidebar);
        item->setSizeHint(QSize(150, 36));
    }
    m_sidebar->setMinimumWidth(150);
    m_sidebar->setMaximumWidth(200);
    m_central = new QStackedWidget(split);
    m_central->setObjectName(QStringLiteral("centralStack"));
    split->addWidget(m_sidebar);
    split->addWidget(m_central);
    split->setStretchFactor(1, 1);
    split->setCollapsible(0, false);
    split->setCollapsible(1, false);
    split->setSizes({160, 1100});
    shellLayout->addWidget(split, 1);
    setCentralWidget(shell);

    m_errorPage = new QLabel(m_central);
    m_errorPage->setObjectName(QStringLiteral("openErrorPage"));
    m_errorPage->setAlignment(Qt::AlignCenter);
    m_errorPage->setWordWrap(true);
    m_errorPage->setMargin(40);
    m_central->addWidget(m_errorPage);

    m_history = new HistoryDock(this);
    addDockWidget(Qt::RightDockWidgetArea, m_history);
    m_history->hide();

    createActions();
    createMenus();
    createToolBar();

    m_statusStore = new QLabel(QDir::toNativeSeparators(m_storePath), this);
    m_statusStore->setObjectName(QStringLiteral("statusStore"));
    m_statusHead = new QLabel(this);
    m_statusHead->setObjectName(QStringLiteral("statusHead"));
    statusBar()->addPermanentWidget(m_statusHead);
    statusBar()->addPermanentWidget(m_statusStore);
    connect(m_sidebar, &QListWidget::currentRowChanged, this, [this](int row) {
        if (m_pages)
            m_pages->setCurrentIndex(row);
        onCurrentEditorChanged();
        applySearch();
    });

    Q_UNUSED(options)
    openStore(m_storePath);
}

void MainWindow::createActions()
{
    m_newInvoice = new QAction(themed("document-new", QStyle::SP_FileIcon), tr("New &Invoice…"), this);
    m_newInvoice->setObjectName(QStringLiteral("actionNewInvoice"));
    m_newInvoice->setShortcut(QKeySequence::New);
    m_newInvoice->setToolTip(tr("Start a draft invoice (Ctrl+N)"));
    connect(m_newInvoice, &QAction::triggered, this, &MainWindow::newInvoice);
    m_newCustomer = new QAction(themed("contact-new", QStyle::SP_FileDialogNewFolder), tr("New &Customer…"), this);
    m_newCustomer->setObjectName(QStringLiteral("actionNewCustomer"));
    m_newCustomer->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    m_newCustomer->setToolTip(tr("Add a customer (Ctrl+Shift+N)"));
    connect(m_newCustomer, &QAction::triggered, this, &MainWindow::newCustomer);
    m_settings = new QAction(themed("preferences-system", QStyle::SP_FileDialogInfoView), tr("&Settings…"), this);
    m_settings->setObjectName(QStringLiteral("actionSettings"));
    m_settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    m_settings->setMenuRole(QAction::PreferencesRole);
    connect(m_settings, &QAction::triggered, this, &MainWindow::showSettings);
    m_rebuild = new QAction(tr("&Rebuild Lists…"), this);
    m_rebuild->setObjectName(QStringLiteral("actionRebuild"));
    connect(m_rebuild, &QAction::triggered, this, &MainWindow::rebuildLists);
    m_demo = new QAction(tr("Load &Demo Data…"), this);
    m_demo->setObjectName(QStringLiteral("actionDemo"));
    connect(m_demo, &QAction::triggered, this, &MainWindow::loadDemoData);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->setObjectName(QStringLiteral("menuFile"));
    QAction *newStore = file->addAction(tr("&New Store…"), this, &MainWindow::chooseNewStore);
    newStore->setObjectName(QStringLiteral("actionNewStore"));
    QAction *open = file->addAction(themed("document-open", QStyle::SP_DialogOpenButton), tr("&Open Store…"), this,
                                    &MainWindow::chooseStoreToOpen);
    open->setObjectName(QStringLiteral("actionOpenStore"));
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("menuRecent"));
    file->addSeparator();
    file->addAction(m_newInvoice);
    file->addAction(m_newCustomer);
    file->addSeparator();
    QAction *csv = file->addAction(tr("E&xport Invoice List as CSV…"), this, &MainWindow::exportListCsv);
    csv->setObjectName(QStringLiteral("actionExportCsv"));
    file->addSeparator();
    file->addAction(m_rebuild);
    file->addAction(m_demo);
    file->addSeparator();
    QAction *close = file->addAction(tr("&Close Tab"), this, &MainWindow::closeCurrentTab);
    close->setObjectName(QStringLiteral("actionCloseTab"));
    close->setShortcut(QKeySequence::Close);
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->setObjectName(QStringLiteral("menuEdit"));
    QAction *undo = m_undoGroup->createUndoAction(this, tr("&Undo"));
    undo->setObjectName(QStringLiteral("actionUndo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction *redo = m_undoGroup->createRedoAction(this, tr("&Redo"));
    redo->setObjectName(QStringLiteral("actionRedo"));
    redo->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence::Redo});
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    QAction *find = edit->addAction(tr("&Find…"), this, [this] {
        m_search->setFocus(Qt::ShortcutFocusReason);
        m_search->selectAll();
    });
    find->setShortcut(QKeySequence::Find);
    edit->addSeparator();
    edit->addAction(m_settings);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("menuView"));
    const QStringList pages{tr("&Invoices"), tr("&Customers"), tr("&Reports"), tr("&Activity")};
    for (int i = 0; i < pages.size(); ++i) {
        QAction *a = view->addAction(pages[i], this, [this, i] { showPage(Page(i)); });
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        a->setObjectName(QStringLiteral("actionPage%1").arg(i));
    }
    view->addSeparator();
    QAction *history = m_history->toggleViewAction();
    history->setText(tr("&History Panel"));
    history->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));
    view->addAction(history);
    view->addSeparator();
    QAction *now = view->addAction(tr("Back to &Now"), this, &MainWindow::backToNow);
    now->setObjectName(QStringLiteral("actionBackToNow"));
    QAction *refresh = view->addAction(tr("Re&fresh"), this, [this] {
        if (m_session)
            m_session->checkForChanges();
    });
    refresh->setShortcut(QKeySequence::Refresh);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->setObjectName(QStringLiteral("menuHelp"));
    QAction *about = help->addAction(tr("&About Billstream"), this, &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("actionAbout"));
    about->setMenuRole(QAction::AboutRole);
}

void MainWindow::createToolBar()
{
    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(m_newInvoice);
    bar->addAction(m_newCustomer);
    bar->addSeparator();
    m_search = new QLineEdit(bar);
    m_search->setObjectName(QStringLiteral("searchField"));
    m_search->setAccessibleName(tr("Search"));
    m_search->setPlaceholderText(tr("Search (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_search->setMaximumWidth(320);
    m_search->addAction(themed("edit-find", QStyle::SP_FileDialogContentsView), QLineEdit::LeadingPosition);
    connect(m_search, &QLineEdit::textChanged, this, &MainWindow::applySearch);
    bar->addWidget(m_search);
    auto *spacer = new QWidget(bar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);

    m_asOfButton = new QToolButton(bar);
    m_asOfButton->setObjectName(QStringLiteral("asOfButton"));
    m_asOfButton->setCheckable(true);
    m_asOfButton->setText(tr("As of"));
    m_asOfButton->setIcon(themed("appointment-new", QStyle::SP_BrowserReload));
    m_asOfButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_asOfButton->setToolTip(tr("Show the books as they stood at a past moment (read-only)"));
    m_asOfButton->setAccessibleName(tr("Show the books as of a past time"));
    bar->addWidget(m_asOfButton);
    m_asOfEdit = new QDateTimeEdit(QDateTime::currentDateTime(), bar);
    m_asOfEdit->setObjectName(QStringLiteral("asOfEdit"));
    m_asOfEdit->setAccessibleName(tr("As-of date and time"));
    m_asOfEdit->setCalendarPopup(true);
    m_asOfEdit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    bar->addWidget(m_asOfEdit);
    m_asOfNow = new QToolButton(bar);
    m_asOfNow->setObjectName(QStringLiteral("asOfNow"));
    m_asOfNow->setText(tr("Now"));
    m_asOfNow->setToolTip(tr("Back to the live books"));
    m_asOfNow->setAccessibleName(tr("Back to now"));
    bar->addWidget(m_asOfNow);
    connect(m_asOfButton, &QToolButton::toggled, this, [this](bool on) {
        setAsOf(on ? m_asOfEdit->dateTime() : QDateTime());
    });
    connect(m_asOfEdit, &QDateTimeEdit::editingFinished, this, [this] {
        if (m_asOfButton->isChecked())
            setAsOf(m_asOfEdit->dateTime());
    });
    connect(m_asOfNow, &QToolButton::clicked, this, &MainWindow::backToNow);
}

bool MainWindow::openStore(const QString &path)
{
    clearPages();
    m_session.reset();
    m_storePath = path;
    m_openError.clear();
    // When preparing fails (not a store, locked by another program…), opening would fail the
    // same way after waiting as long again: say so now.
    Status prepared = prepareReadSide(path);
    Result<std::unique_ptr<Session>> session = prepared ? Session::open(path, m_options) : fail(prepared.error());
    if (!session) {
        m_openError = session.error().message;
        m_errorPage->setText(tr("<h3>This store could not be opened</h3><p>%1</p><p>%2</p>"
                                "<p>Use <b>File › Open Store…</b> to choose another file, or <b>File › New Store…</b> "
                                "to start a new one.</p>")
                                 .arg(QDir::toNativeSeparators(path).toHtmlEscaped(), m_openError.toHtmlEscaped()));
        m_central->setCurrentWidget(m_errorPage);
        for (QAction *a : {m_newInvoice, m_newCustomer, m_settings, m_rebuild, m_demo})
            a->setEnabled(false);
        m_asOfButton->setEnabled(false);
        updateTitle();
        return false;
    }
    m_session = std::move(*session);
    rememberStore(path);
    buildPages();
    updateTitle();
    updateRecentMenu();
    return true;
}

// Lists that a new version of Billstream keeps differently, or that were removed, are built from
// the log when a store opens: for a large book that takes seconds, so it runs on a worker thread
// with a progress dialog (shown only when it takes more than a moment). The session opening next
// finds them ready.
Status MainWindow::prepareReadSide(const QString &path)
{
    if (!QFileInfo::exists(path))
        return {};
    BackgroundJob::Options options;
    options.title = tr("Opening %1").arg(QFileInfo(path).fileName());
    options.label = tr("Preparing the lists from the event log…");
    return BackgroundJob::run(this, path, options, [](BackgroundJob::Context &ctx) -> Status {
        if (ctx.store.isReadOnly())
            return {};
        ReadSideOptions rs;
        rs.autoCatchUp = false;
        auto readSide = ReadSide::attach(ctx.store, [&ctx](const QString &, qint64 d, qint64 t) { ctx.progress(d, t); }, rs);
        if (!readSide)
            return fail(readSide.error());
        return {};
    });
}

void MainWindow::buildPages()
{
    Session &s = *m_session;
    m_pages = new QStackedWidget(m_central);
    m_pages->setObjectName(QStringLiteral("pages"));

    m_invoiceTabs = new QTabWidget(m_pages);
    m_invoiceTabs->setObjectName(QStringLiteral("invoiceTabs"));
    m_invoiceTabs->setDocumentMode(true);
    m_invoiceTabs->setTabsClosable(true);
    auto *invoicesPage = new QWidget(m_invoiceTabs);
    auto *ipl = new QVBoxLayout(invoicesPage);
    ipl->setContentsMargins(0, 0, 0, 0);
    m_welcome = new QWidget(invoicesPage);
    m_welcome->setObjectName(QStringLiteral("welcomePanel"));
    auto *wl = new QHBoxLayout(m_welcome);
    auto *welcomeText = new QLabel(tr("<b>Welcome to Billstream.</b> This store is empty: set up your company "
                                      "profile to issue invoices, or load demo data to look around."),
                                   m_welcome);
    welcomeText->setWordWrap(true);
    wl->addWidget(welcomeText, 1);
    auto *setup = new QPushButton(tr("Set Up &Company…"), m_welcome);
    setup->setObjectName(QStringLiteral("welcomeSetup"));
    connect(setup, &QPushButton::clicked, this, &MainWindow::showSettings);
    auto *demo = new QPushButton(tr("Load &Demo Data"), m_welcome);
    demo->setObjectName(QStringLiteral("welcomeDemo"));
    connect(demo, &QPushButton::clicked, this, &MainWindow::loadDemoData);
    wl->addWidget(setup);
    wl->addWidget(demo);
    m_welcome->setAutoFillBackground(true);
    QPalette wp = m_welcome->palette();
    wp.setColor(QPalette::Window, wp.color(QPalette::AlternateBase));
    m_welcome->setPalette(wp);
    ipl->addWidget(m_welcome);
    m_invoiceList = new InvoiceListView(s, invoicesPage);
    ipl->addWidget(m_invoiceList, 1);
    m_invoiceTabs->addTab(invoicesPage, tr("All Invoices"));
    m_invoiceTabs->tabBar()->setTabButton(0, QTabBar::RightSide, nullptr);
    m_invoiceTabs->tabBar()->setTabButton(0, QTabBar::LeftSide, nullptr);
    m_pages->addWidget(m_invoiceTabs);

    m_customerTabs = new QTabWidget(m_pages);
    m_customerTabs->setObjectName(QStringLiteral("customerTabs"));
    m_customerTabs->setDocumentMode(true);
    m_customerTabs->setTabsClosable(true);
    m_customerList = new CustomerListView(s, m_customerTabs);
    m_customerTabs->addTab(m_customerList, tr("All Customers"));
    m_customerTabs->tabBar()->setTabButton(0, QTabBar::RightSide, nullptr);
    m_customerTabs->tabBar()->setTabButton(0, QTabBar::LeftSide, nullptr);
    m_pages->addWidget(m_customerTabs);

    m_reports = new ReportsView(s, m_pages);
    m_pages->addWidget(m_reports);
    m_activity = new ActivityView(s, m_pages);
    m_pages->addWidget(m_activity);
    m_central->addWidget(m_pages);
    m_central->setCurrentWidget(m_pages);

    for (QTabWidget *tabs : {m_invoiceTabs, m_customerTabs}) {
        connect(tabs, &QTabWidget::currentChanged, this, &MainWindow::onCurrentEditorChanged);
        connect(tabs, &QTabWidget::tabCloseRequested, this, [tabs](int index) {
            if (index == 0)
                return;
            QWidget *w = tabs->widget(index);
            tabs->removeTab(index);
            w->deleteLater();
        });
    }
    connect(m_invoiceList, &InvoiceListView::openInvoice, this, &MainWindow::openInvoice);
    connect(m_invoiceList, &InvoiceListView::recordPayment, this, [this](const QString &id) {
        if (InvoiceEditor *e = openInvoice(id))
            e->recordPayment();
    });
    connect(m_invoiceList, &InvoiceListView::voidInvoice, this, [this](const QString &id) {
        if (InvoiceEditor *e = openInvoice(id))
            e->voidInvoice();
    });
    connect(m_invoiceList, &InvoiceListView::sendInvoice, this, &MainWindow::sendInvoice);
    connect(m_invoiceList, &InvoiceListView::printInvoice, this, &MainWindow::printInvoice);
    connect(m_invoiceList, &InvoiceListView::exportPdf, this, &MainWindow::exportInvoicePdf);
    connect(m_customerList, &CustomerListView::openCustomer, this, &MainWindow::openCustomer);
    connect(m_activity, &ActivityView::openAt, this, &MainWindow::openActivityEntry);
    connect(&s, &Session::changed, this, [this] {
        updateWelcome();
        updateTitle();
        startMailerIfConfigured();
    });
    connect(&s, &Session::asOfChanged, this, &MainWindow::updateAsOfUi);

    for (QAction *a : {m_newInvoice, m_newCustomer, m_settings, m_rebuild, m_demo})
        a->setEnabled(true);
    m_asOfButton->setEnabled(true);
    m_sidebar->setCurrentRow(0);
    m_pages->setCurrentIndex(0);
    updateWelcome();
    updateAsOfUi();
    startMailerIfConfigured();
}

void MainWindow::clearPages()
{
    delete m_mailer;
    if (m_history)
        m_history->setEditor(nullptr);
    if (m_pages) {
        // Editors remove their undo stacks from the group as they go.
        delete m_pages;
        m_pages = nullptr;
    }
    m_invoiceTabs = m_customerTabs = nullptr;
    m_invoiceList = nullptr;
    m_customerList = nullptr;
    m_reports = nullptr;
    m_activity = nullptr;
    m_welcome = nullptr;
}

void MainWindow::updateTitle()
{
    const QString name = QFileInfo(m_storePath).fileName();
    QString title = tr("%1 – Billstream").arg(name);
    if (m_session && !m_session->isLive())
        title = tr("%1 (as of %2) – Billstream")
                    .arg(name, QLocale().toString(m_session->asOf().toLocalTime(), QLocale::ShortFormat));
    setWindowTitle(title);
    setWindowFilePath(m_storePath);
    m_statusStore->setText(QDir::toNativeSeparators(m_storePath));
    if (m_session) {
        if (auto head = m_session->store().headPosition())
            m_statusHead->setText(tr("%n event(s) in the log", nullptr, int(*head)));
    } else {
        m_statusHead->clear();
    }
}

void MainWindow::updateWelcome()
{
    if (m_welcome && m_session)
        m_welcome->setVisible(m_session->isLive() && m_session->isEmpty());
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    for (const QString &path : recentStores()) {
        QAction *a = m_recentMenu->addAction(QDir::toNativeSeparators(path), this, [this, path] { openStore(path); });
        a->setEnabled(QFileInfo::exists(path));
    }
    m_recentMenu->setEnabled(!m_recentMenu->isEmpty());
}

QStringList MainWindow::recentStores()
{
    return QSettings().value(kRecentKey).toStringList();
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

void MainWindow::showPage(Page page)
{
    m_sidebar->setCurrentRow(int(page));
}

DocumentEditor *MainWindow::currentEditor() const
{
    if (!m_pages)
        return nullptr;
    if (m_pages->currentWidget() == m_invoiceTabs)
        return qobject_cast<DocumentEditor *>(m_invoiceTabs->currentWidget());
    if (m_pages->currentWidget() == m_customerTabs)
        return qobject_cast<DocumentEditor *>(m_customerTabs->currentWidget());
    return nullptr;
}

InvoiceEditor *MainWindow::invoiceEditor(const QString &id) const
{
    if (!m_invoiceTabs)
        return nullptr;
    for (int i = 1; i < m_invoiceTabs->count(); ++i)
        if (auto *e = qobject_cast<InvoiceEditor *>(m_invoiceTabs->widget(i)); e && e->aggregateId() == id)
            return e;
    return nullptr;
}

CustomerEditor *MainWindow::customerEditor(const QString &id) const
{
    if (!m_customerTabs)
        return nullptr;
    for (int i = 1; i < m_customerTabs->count(); ++i)
        if (auto *e = qobject_cast<CustomerEditor *>(m_customerTabs->widget(i)); e && e->aggregateId() == id)
            return e;
    return nullptr;
}

void MainWindow::addEditorTab(QTabWidget *tabs, DocumentEditor *editor)
{
    m_undoGroup->addStack(editor->undoStack());
    const int index = tabs->addTab(editor, editor->title());
    tabs->setTabToolTip(index, editor->title());
    connect(editor, &DocumentEditor::titleChanged, tabs, [tabs, editor](const QString &t) {
        const int i = tabs->indexOf(editor);
        if (i >= 0) {
            tabs->setTabText(i, t);
            tabs->setTabToolTip(i, t);
        }
    });
    if (!m_session->isLive())
        QMetaObject::invokeMethod(this, &MainWindow::updateAsOfUi, Qt::QueuedConnection);
}

InvoiceEditor *MainWindow::openInvoice(const QString &id)
{
    if (id.isEmpty() || !m_session)
        return nullptr;
    InvoiceEditor *editor = invoiceEditor(id);
    if (!editor) {
        editor = new InvoiceEditor(*m_session, id, m_invoiceTabs);
        connect(editor, &InvoiceEditor::sendRequested, this, &MainWindow::sendInvoice);
        connect(editor, &InvoiceEditor::printRequested, this, &MainWindow::printInvoice);
        connect(editor, &InvoiceEditor::exportPdfRequested, this, &MainWindow::exportInvoicePdf);
        addEditorTab(m_invoiceTabs, editor);
    }
    showPage(InvoicesPage);
    m_invoiceTabs->setCurrentWidget(editor);
    m_history->show();
    onCurrentEditorChanged();
    return editor;
}

CustomerEditor *MainWindow::openCustomer(const QString &id)
{
    if (id.isEmpty() || !m_session)
        return nullptr;
    CustomerEditor *editor = customerEditor(id);
    if (!editor) {
        editor = new CustomerEditor(*m_session, id, m_customerTabs);
        connect(editor, &CustomerEditor::openInvoice, this, &MainWindow::openInvoice);
        addEditorTab(m_customerTabs, editor);
    }
    showPage(CustomersPage);
    m_customerTabs->setCurrentWidget(editor);
    m_history->show();
    onCurrentEditorChanged();
    return editor;
}

void MainWindow::onCurrentEditorChanged()
{
    DocumentEditor *editor = currentEditor();
    m_undoGroup->setActiveStack(editor ? editor->undoStack() : nullptr);
    m_history->setEditor(editor);
}

void MainWindow::closeCurrentTab()
{
    DocumentEditor *editor = currentEditor();
    if (!editor)
        return;
    QTabWidget *tabs = qobject_cast<QTabWidget *>(editor->parentWidget() ? editor->parentWidget()->parentWidget() : nullptr);
    if (!tabs)
        tabs = m_pages->currentWidget() == m_invoiceTabs ? m_invoiceTabs : m_customerTabs;
    const int index = tabs->indexOf(editor);
    if (index > 0)
        emit tabs->tabCloseRequested(index);
}

void MainWindow::newInvoice()
{
    if (!m_session || !m_session->isLive())
        return;
    auto *dialog = new NewInvoiceDialog(*m_session, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (CustomerEditor *c = qobject_cast<CustomerEditor *>(currentEditor()))
        dialog->selectCustomer(c->aggregateId());
    connect(dialog, &NewInvoiceDialog::created, this, [this](const QString &id) {
        if (InvoiceEditor *e = openInvoice(id)) {
            // Ready to type the first line.
            if (auto *lines = e->findChild<QTableView *>(QStringLiteral("lineItems"))) {
                lines->setFocus(Qt::OtherFocusReason);
                lines->setCurrentIndex(lines->model()->index(lines->model()->rowCount() - 1, 0));
            }
        }
    });
    dialog->open();
}

void MainWindow::newCustomer()
{
    if (!m_session || !m_session->isLive())
        return;
    auto *dialog = new CustomerDialog(*m_session, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &CustomerDialog::created, this, &MainWindow::openCustomer);
    dialog->open();
}

void MainWindow::showSettings()
{
    if (!m_session)
        return;
    auto *dialog = new SettingsDialog(*m_session, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::applySearch()
{
    if (!m_pages || !m_search)
        return;
    const QString text = m_search->text().trimmed();
    switch (m_pages->currentIndex()) {
    case InvoicesPage: m_invoiceList->setSearch(text); break;
    case CustomersPage: m_customerList->setSearch(text); break;
    case ActivityPage: m_activity->setStreamFilter(text); break;
    default: break;
    }
}

void MainWindow::setAsOf(const QDateTime &time)
{
    showBookAsOf(time, false);
}

// After a rebuild replaced the rows a book was made of: the same book, made again.
void MainWindow::reopenBook()
{
    if (m_session)
        showBookAsOf(m_session->asOf(), true);
}

void MainWindow::showBookAsOf(const QDateTime &time, bool reopen)
{
    if (!m_session)
        return;
    const quint64 request = ++m_asOfRequest;
    Status s;
    if (!time.isValid() || m_session->store().isReadOnly() || (time == m_session->asOf() && !reopen)) {
        // The live lists (no work), or a store the worker could not build in.
        s = reopen ? m_session->reopenBook() : m_session->setAsOf(time);
    } else {
        // A large book takes a noticeable time to compute as of a time (half a second at
        // 100,000 invoices): on a worker, into tables this window's connection shows.
        auto shared = SharedBookTables::attach(m_session->store());
        if (!shared) {
            s = fail(shared.error());
        } else {
            std::optional<Book> built;
            const QString tenant = m_session->tenantId();
            BackgroundJob::Options options;
            options.title = tr("As Of");
            options.label = tr("Reading the books as they stood on %1…")
                                .arg(QLocale().toString(time.toLocalTime(), QLocale::ShortFormat));
            m_session->setPolling(false);
            s = BackgroundJob::run(this, m_session->store().path(), options, [&](BackgroundJob::Context &ctx) -> Status {
                Result<Book> book = Book::asOf(ctx.store, tenant, time, nullptr, *shared);
                if (!book)
                    return fail(book.error());
                built = std::move(*book);
                return {};
            });
            m_session->setPolling(true);
            if (request != m_asOfRequest)
                return;  // asked for another time (or now) meanwhile: that one is shown
            if (s)
                m_session->showBook(std::move(*built), time);
        }
    }
    if (!s) {
        MessageBox::warning(this, tr("As Of"), tr("The books could not be shown as of that time."), s.error().message);
        return;
    }
    if (time.isValid() && m_asOfEdit->dateTime() != time) {
        const QSignalBlocker block(m_asOfEdit);
        m_asOfEdit->setDateTime(time.toLocalTime());
    }
}

void MainWindow::backToNow()
{
    setAsOf({});
    const QSignalBlocker block(m_asOfEdit);
    m_asOfEdit->setDateTime(QDateTime::currentDateTime());
}

void MainWindow::updateAsOfUi()
{
    const bool live = !m_session || m_session->isLive();
    {
        const QSignalBlocker block(m_asOfButton);
        m_asOfButton->setChecked(!live);
    }
    m_asOfNow->setVisible(!live);
    m_newInvoice->setEnabled(live && m_session);
    m_newCustomer->setEnabled(live && m_session);
    m_settings->setEnabled(live && m_session);
    m_demo->setEnabled(live && m_session);
    if (live) {
        m_asOfBanner->hide();
    } else {
        const bool dark = palette().color(QPalette::Window).lightness() < 128;
        QPalette p = m_asOfBanner->palette();
        p.setColor(QPalette::Window, dark ? QColor(90, 70, 10) : QColor(255, 236, 170));
        p.setColor(QPalette::WindowText, dark ? QColor(255, 240, 200) : QColor(60, 45, 0));
        m_asOfBanner->setPalette(p);
        m_asOfBanner->setText(tr("<b>Read-only:</b> showing the books as they stood on %1. "
                                 "<a href=\"now\">Back to now</a>")
                                  .arg(QLocale().toString(m_session->asOf().toLocalTime(), QLocale::LongFormat)));
        m_asOfBanner->show();
    }
    // Open editors show the version of that time, read-only.
    for (QTabWidget *tabs : {m_invoiceTabs, m_customerTabs}) {
        if (!tabs)
            continue;
        for (int i = 1; i < tabs->count(); ++i) {
            auto *editor = qobject_cast<DocumentEditor *>(tabs->widget(i));
            if (!editor)
                continue;
            if (live) {
                editor->setEnabled(true);
                editor->reload();
            } else if (auto pos = Book::positionAt(m_session->store(), m_session->asOf())) {
                // Something that did not exist yet then is shown greyed at its first version.
                const qint64 version = editor->versionAtPosition(*pos);
                editor->previewVersion(std::max<qint64>(1, version));
                editor->setEnabled(version > 0);
            }
        }
    }
    updateWelcome();
    updateTitle();
}

void MainWindow::openActivityEntry(const QString &streamType, const QString &streamId, qint64 position)
{
    DocumentEditor *editor = nullptr;
    if (streamType == QStringLiteral("invoice"))
        editor = openInvoice(streamId);
    else if (streamType == QStringLiteral("customer"))
        editor = openCustomer(streamId);
    else if (streamType == QStringLiteral("tenant"))
        showSettings();
    if (!editor)
        return;
    const qint64 version = editor->versionAtPosition(position);
    if (version > 0)
        m_history->scrubTo(version);
}

void MainWindow::chooseStoreToOpen()
{
    const QString path = FileDialog::getOpenFileName(this, tr("Open Store"), QFileInfo(m_storePath).absolutePath(),
                                                     tr("Billstream stores (*.sqlite *.billstream);;All files (*)"));
    if (!path.isEmpty())
        openStore(path);
}

void MainWindow::chooseNewStore()
{
    QString path = FileDialog::getSaveFileName(this, tr("New Store"), QFileInfo(m_storePath).absolutePath(),
                                               tr("Billstream stores (*.sqlite)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".sqlite");
    if (QFileInfo::exists(path)) {
        MessageBox::warning(this, tr("New Store"),
                            tr("%1 already exists. Choose another name, or open it with File › Open Store….")
                                .arg(QDir::toNativeSeparators(path)));
        return;
    }
    openStore(path);
}

void MainWindow::rebuildLists()
{
    if (!m_session)
        return;
    const QString path = m_storePath;
    BackgroundJob::Options options;
    options.title = tr("Rebuild Lists");
    options.label = tr("Rebuilding the lists from the event log…");
    options.cancellable = true;
    m_session->setPolling(false);
    Status s = BackgroundJob::run(this, path, options, [](BackgroundJob::Context &ctx) -> Status {
        ReadSideOptions rs;
        rs.catchUpAsync = false;
        rs.autoCatchUp = false;
        auto readSide = ReadSide::attach(ctx.store, rs);
        if (!readSide)
            return fail(readSide.error());
        // All of them in one pass and one transaction, which a cancel rolls back.
        return (*readSide)->rebuild({}, [&ctx](const QString &, qint64 d, qint64 t) { ctx.progress(d, t); }, ctx.cancelled);
    });
    if (!s) {
        MessageBox::warning(this, tr("Rebuild Lists"), tr("The lists were not rebuilt; they are as they were before."),
                            s.error().message);
    }
    m_session->setPolling(true);
    reopenBook();
    m_session->checkForChanges();
}

void MainWindow::startMailerIfConfigured()
{
    if (m_mailer || !m_session || m_session->store().isReadOnly())
        return;
    // Nothing can be delivered without mail settings; the mailer starts once they exist.
    auto tenant = m_session->service().loadTenant(m_session->tenantId());
    if (!tenant || !tenant->state.mail)
        return;
    BackgroundMailer::Options options;
    options.storePath = m_storePath;
    options.tenantId = m_session->tenantId();
    m_mailer = new BackgroundMailer(options, this);
    connect(m_session.get(), &Session::changed, m_mailer, &BackgroundMailer::wake);
    connect(m_mailer, &BackgroundMailer::startFailed, this, [this](const QString &message) {
        statusBar()->showMessage(tr("E-mail is not sent in the background: %1").arg(message), 10000);
    });
    connect(m_mailer, &BackgroundMailer::deliverySent, this,
            [this](const QString &, const QString &) { statusBar()->showMessage(tr("Invoice sent."), 5000); });
    connect(m_mailer, &BackgroundMailer::deliveryFailed, this, [this](const QString &, const QString &, const QString &reason) {
        statusBar()->showMessage(tr("An invoice could not be sent: %1").arg(reason), 10000);
    });
    m_mailer->start();
}

void MainWindow::sendInvoice(const QString &id)
{
    if (!m_session || !m_session->isLive())
        return;
    startMailerIfConfigured();
    SendDialogContext ctx;
    ctx.service = &m_session->service();
    ctx.tenantId = m_session->tenantId();
    Session *session = m_session.get();
    ctx.execute = [session](const QJsonObject &c) { return session->execute(c); };
    ctx.mailer = m_mailer;
    SendDialog::openFor(ctx, id, this);
}

void MainWindow::printInvoice(const QString &id)
{
    if (!m_session)
        return;
    auto dialog = InvoicePrinting::openPreview(m_session->service(), m_session->tenantId(), id, this);
    if (!dialog)
        MessageBox::warning(this, tr("Print"), tr("This invoice cannot be printed."), dialog.error().message);
}

void MainWindow::exportInvoicePdf(const QString &id)
{
    if (!m_session)
        return;
    auto document = loadInvoiceDocument(m_session->service(), m_session->tenantId(), id);
    if (!document) {
        MessageBox::warning(this, tr("Export PDF"), tr("This invoice has no document to export."), document.error().message);
        return;
    }
    QString name = document->number.isEmpty() ? tr("draft-invoice") : document->number;
    name.replace(QLatin1Char('/'), QLatin1Char('-'));
    const QString path = FileDialog::getSaveFileName(this, tr("Export PDF"), QDir::home().filePath(name + QStringLiteral(".pdf")),
                                                     tr("PDF documents (*.pdf)"));
    if (path.isEmpty())
        return;
    auto pdf = renderInvoicePdf(*document, defaultPaperSize(*document));
    QSaveFile file(path);
    if (!pdf || !file.open(QIODevice::WriteOnly) || file.write(*pdf) != pdf->size() || !file.commit()) {
        MessageBox::warning(this, tr("Export PDF"),
                            tr("The PDF could not be written to %1.").arg(QDir::toNativeSeparators(path)),
                            pdf ? file.errorString() : pdf.error().message);
        return;
    }
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
}

void MainWindow::exportListCsv()
{
    if (!m_session)
        return;
    const QString path = FileDialog::getSaveFileName(this, tr("Export Invoice List"), QDir::home().filePath(QStringLiteral("invoices.csv")),
                                                     tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    // The rows the list shows: its filter, in the book it shows (live or as of).
    ListFilter filter;
    if (auto *status = m_invoiceList->findChild<QComboBox *>(QStringLiteral("statusFilter")))
        filter.status = status->currentData().toString();
    filter.search = m_search->text().trimmed();
    qsizetype count = 0;
    const auto write = [&](const Book &book) -> Status {
        auto rows = book.invoices(filter, InvoiceSort::Created, Qt::AscendingOrder);
        if (!rows)
            return fail(rows.error());
        count = rows->size();
        return writeInvoiceListCsv(path, *rows, CsvOptions{true});
    };
    // A large list takes a second or more to read and write: on a worker, reading the book the
    // window shows through its own connection (a copy of it keeps its tables meanwhile).
    const Book shown = m_session->book();
    Status written;
    if (shown.canOpenElsewhere()) {
        BackgroundJob::Options options;
        options.title = tr("Export Invoice List");
        options.label = tr("Writing %1…").arg(QDir::toNativeSeparators(path));
        written = BackgroundJob::run(this, m_session->store().path(), options, [&](BackgroundJob::Context &ctx) -> Status {
            Result<Book> book = shown.on(ctx.store);
            if (!book)
                return fail(book.error());
            return write(*book);
        });
    } else {
        written = write(shown);
    }
    if (!written) {
        MessageBox::warning(this, tr("Export Invoice List"), tr("The list could not be exported."), written.error().message);
        return;
    }
    statusBar()->showMessage(tr("Saved %n invoice(s) to %1", nullptr, int(count)).arg(QDir::toNativeSeparators(path)), 5000);
}

void MainWindow::loadDemoData()
{
    if (!m_session || !m_session->isLive())
        return;
    if (!m_session->isEmpty()) {
        MessageBox::information(this, tr("Demo Data"),
                                tr("Demo data can only be written into an empty store. Create one with File › New Store… "
                                   "and load the demo there."));
        return;
    }
    const auto answer = MessageBox::question(this, tr("Demo Data"),
                                             tr("Write a sample business history (customers and about a thousand "
                                                "invoices over three years) into this store?"),
                                             QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Yes,
                                             {{QMessageBox::Yes, tr("&Load Demo Data")}});
    if (answer != QMessageBox::Yes)
        return;
    const QString tenant = m_session->tenantId();
    ManualClock clock(QDateTime::currentDateTimeUtc());
    BackgroundJob::Options options;
    options.title = tr("Demo Data");
    options.label = tr("Writing a sample history through the normal command path…");
    options.clock = &clock;
    m_session->setPolling(false);
    Status s = BackgroundJob::run(this, m_storePath, options, [&clock, tenant](BackgroundJob::Context &ctx) -> Status {
        ReadSideOptions rs;
        rs.autoCatchUp = false;
        auto readSide = ReadSide::attach(ctx.store, rs);
        if (!readSide)
            return fail(readSide.error());
        InvoicingService service(ctx.store, clock);
        DemoOptions demo;
        demo.tenantId = tenant;
        demo.customers = 80;
        demo.invoices = 1000;
        demo.progress = ctx.progress;
        if (auto summary = writeDemoHistory(service, clock, demo); !summary)
            return fail(summary.error());
        if (auto reached = (*readSide)->catchUp(); !reached)
            return fail(reached.error());
        return {};
    });
    m_session->setPolling(true);
    if (!s)
        MessageBox::warning(this, tr("Demo Data"), tr("The demo data could not be written."), s.error().message);
    reopenBook();
    m_session->checkForChanges();
    updateWelcome();
}

} // namespace Billstream
