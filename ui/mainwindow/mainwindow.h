#pragma once

#include "ui/session/session.h"

#include <QMainWindow>
#include <QPointer>

#include <memory>

class QAction;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QListWidget;
class QMenu;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QToolButton;
class QUndoGroup;

namespace Billstream {

class ActivityView;
class BackgroundMailer;
class CustomerEditor;
class CustomerListView;
class DocumentEditor;
class HistoryDock;
class InvoiceEditor;
class InvoiceListView;
class ReportsView;

// The main window: a sidebar for Invoices, Customers, Reports and Activity; a toolbar with
// New Invoice, New Customer, search and the As-of control; editors as tabs beside each list;
// the history dock of the current editor; File/Edit/View/Help menus.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    enum Page { InvoicesPage, CustomersPage, ReportsPage, ActivityPage };

    explicit MainWindow(const QString &storePath, QWidget *parent = nullptr);
    MainWindow(const QString &storePath, const Session::Options &options, QWidget *parent = nullptr);
    ~MainWindow() override;

    QString storePath() const { return m_storePath; }
    Session *session() const { return m_session.get(); }
    QString openError() const { return m_openError; }

    InvoiceListView *invoiceList() const { return m_invoiceList; }
    CustomerListView *customerList() const { return m_customerList; }
    ActivityView *activityView() const { return m_activity; }
    ReportsView *reportsView() const { return m_reports; }
    HistoryDock *historyDock() const { return m_history; }
    DocumentEditor *currentEditor() const;
    InvoiceEditor *invoiceEditor(const QString &id) const;
    CustomerEditor *customerEditor(const QString &id) const;
    QUndoGroup *undoGroup() const { return m_undoGroup; }

    static QStringList recentStores();

public slots:
    void showAbout();
    void showPage(Page page);
    InvoiceEditor *openInvoice(const QString &id);
    CustomerEditor *openCustomer(const QString &id);
    void newInvoice();
    void newCustomer();
    void showSettings();
    // Shows every list and report as the book stood at `time`; an invalid time: live again.
    void setAsOf(const QDateTime &time);
    void backToNow();
    bool openStore(const QString &path);
    void chooseStoreToOpen();
    void chooseNewStore();
    void rebuildLists();
    void loadDemoData();
    void closeCurrentTab();
    // The document actions of ui/send and ui/print, and a PDF file.
    void sendInvoice(const QString &id);
    void printInvoice(const QString &id);
    void exportInvoicePdf(const QString &id);
    void exportListCsv();

private:
    void init(const Session::Options &options);
    void createActions();
    void createMenus();
    void createToolBar();
    Status prepareReadSide(const QString &path);
    void buildPages();
    void clearPages();
    void updateTitle();
    void updateAsOfUi();
    // The book as of `time` (invalid: live), built on a worker unless there is nothing to
    // build; `reopen` builds it again even when it is the one shown.
    void showBookAsOf(const QDateTime &time, bool reopen);
    void reopenBook();
    void updateRecentMenu();
    void updateWelcome();
    void onCurrentEditorChanged();
    void addEditorTab(QTabWidget *tabs, DocumentEditor *editor);
    void applySearch();
    void startMailerIfConfigured();
    void openActivityEntry(const QString &streamType, const QString &streamId, qint64 position);

    QString m_storePath;
    Session::Options m_options;
    std::unique_ptr<Session> m_session;
    QPointer<BackgroundMailer> m_mailer;   // runs once the tenant has mail settings
    QString m_openError;

    QListWidget *m_sidebar = nullptr;
    QStackedWidget *m_central = nullptr;
    QStackedWidget *m_pages = nullptr;
    QTabWidget *m_invoiceTabs = nullptr;
    QTabWidget *m_customerTabs = nullptr;
    InvoiceListView *m_invoiceList = nullptr;
    CustomerListView *m_customerList = nullptr;
    ReportsView *m_reports = nullptr;
    ActivityView *m_activity = nullptr;
    HistoryDock *m_history = nullptr;
    QWidget *m_welcome = nullptr;
    QLabel *m_asOfBanner = nullptr;
    QLabel *m_errorPage = nullptr;
    QLabel *m_statusStore = nullptr;
    QLabel *m_statusHead = nullptr;
    QUndoGroup *m_undoGroup = nullptr;

    QLineEdit *m_search = nullptr;
    QToolButton *m_asOfButton = nullptr;
    QDateTimeEdit *m_asOfEdit = nullptr;
    // Counts the times asked for: a book built on a worker is shown only if no other was asked
    // for while it was built (the window keeps taking input meanwhile).
    quint64 m_asOfRequest = 0;
    QToolButton *m_asOfNow = nullptr;
    QAction *m_newInvoice = nullptr;
    QAction *m_newCustomer = nullptr;
    QAction *m_settings = nullptr;
    QAction *m_rebuild = nullptr;
    QAction *m_demo = nullptr;
    QMenu *m_recentMenu = nullptr;
};

} // namespace Billstream
