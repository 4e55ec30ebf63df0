#include "ui/invoices/invoicelistview.h"

#include "core/domain/domainevents.h"
#include "ui/dialogs/messagebox.h"
#include "core/projections/invoicelistmodel.h"
#include "ui/models/listpresentation.h"
#include "ui/models/listtotals.h"
#include "ui/session/session.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QTableView>
#include <QVBoxLayout>

namespace Billstream {

using ReadModels::InvoiceListModel;
using ReadModels::ProjectionTableModel;

InvoiceListView::InvoiceListView(Session &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("invoiceListView"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(8, 6, 8, 0);
    auto *label = new QLabel(tr("&Show:"), this);
    m_status = new QComboBox(this);
    m_status->setObjectName(QStringLiteral("statusFilter"));
    m_status->setAccessibleName(tr("Status filter"));
    label->setBuddy(m_status);
    m_status->addItem(tr("All invoices"), QString());
    for (const QString &s : {QStringLiteral("DRAFT"), QStringLiteral("ISSUED"), QStringLiteral("SENT"),
                             QStringLiteral("PARTIALLY_PAID"), QStringLiteral("PAID"), QStringLiteral("OVERDUE"),
                             QStringLiteral("VOID"), QStringLiteral("DELETED")})
        m_status->addItem(InvoiceListPresentation::statusLabel(s), s);
    bar->addWidget(label);
    bar->addWidget(m_status);
    bar->addStretch(1);
    m_asOf = new QLabel(this);
    m_asOf->setObjectName(QStringLiteral("invoiceListAsOf"));
    bar->addWidget(m_asOf);
    layout->addLayout(bar);

    m_model = new InvoiceListModel(session.store(), session.tenantId(), this);
    m_model->setClock(&session.clock());
    m_view = new InvoiceListPresentation(this);
    m_view->setSourceModel(m_model);
    m_totalsCalc = new ListTotals(session, this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("invoiceTable"));
    m_table->setAccessibleName(tr("Invoices"));
    m_table->setModel(m_view);
    // The model starts newest first; the header shows no column until the user sorts.
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::DescendingOrder);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicatorShown(true);
    for (int c : {InvoiceListModel::Net, InvoiceListModel::Tax, InvoiceListModel::Updated})
        m_table->setColumnHidden(c, true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 10);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setSectionResizeMode(InvoiceListModel::Customer, QHeaderView::Stretch);
    m_table->setColumnWidth(InvoiceListModel::Number, 130);
    m_table->setColumnWidth(InvoiceListModel::Status, 150);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    layout->addWidget(m_table, 1);

    m_totals = new QLabel(this);
    m_totals->setObjectName(QStringLiteral("invoiceTotals"));
    m_totals->setAccessibleName(tr("Totals of the shown invoices"));
    m_totals->setContentsMargins(8, 2, 8, 6);
    m_totals->setWordWrap(true);
    m_totals->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    layout->addWidget(m_totals);

    connect(m_status, &QComboBox::currentIndexChanged, this, [this] { applyFilter(); });
    connect(m_totalsCalc, &ListTotals::changed, m_totals, &QLabel::setText);
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &i) {
        emit openInvoice(m_model->entry(i.row()).id);
    });
    connect(m_table, &QTableView::customContextMenuRequested, this, [this](const QPoint &pos) {
        if (QMenu *menu = contextMenu())
            menu->popup(m_table->viewport()->mapToGlobal(pos));
    });
    // Appends of this window refresh the model by themselves; other programs' are re-read here.
    connect(&session, &Session::externalChange, m_model, &InvoiceListModel::refresh);
    connect(&session, &Session::changed, this, &InvoiceListView::applyFilter);
    connect(&session, &Session::asOfChanged, this, [this] {
        if (m_session.isLive())
            m_model->showLive();
        else
            m_model->showAsOf(m_session.asOf());
        m_totalsCalc->recompute(ListFilter{m_status->currentData().toString(), m_search});
        m_asOf->setText(m_session.isLive()
                            ? QString()
                            : tr("As of %1 · read-only")
                                  .arg(QLocale().toString(m_session.asOf().toLocalTime(), QLocale::ShortFormat)));
    });
}

QStringList InvoiceListView::selectedIds() const
{
    QStringList ids;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
        ids << m_model->entry(i.row()).id;
    return ids;
}

void InvoiceListView::setSearch(const QString &text)
{
    m_search = text;
    applyFilter();
}

void InvoiceListView::setStatusFilter(const QString &status)
{
    m_status->setCurrentIndex(std::max(0, m_status->findData(status)));
}

void InvoiceListView::applyFilter()
{
    const QString status = m_status->currentData().toString();
    if (m_model->statusFilter() != status)
        m_model->setStatusFilter(status);
    if (m_model->search() != m_search)
        m_model->setSearch(m_search);
    m_totalsCalc->recompute(ListFilter{status, m_search});
}

QMenu *InvoiceListView::contextMenu()
{
    delete m_menu;
    m_menu = new QMenu(this);
    m_menu->setObjectName(QStringLiteral("invoiceContextMenu"));
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return nullptr;
    int drafts = 0;
    int open = 0;
    for (const QModelIndex &i : rows) {
        const QString s = m_model->entry(i.row()).status;
        drafts += s == Wire::Status::Draft;
        open += s == Wire::Status::Issued || s == Wire::Status::Sent || s == Wire::Status::PartiallyPaid;
    }
    const bool live = m_session.isLive();
    const QString first = m_model->entry(rows.first().row()).id;
    QAction *openAction = m_menu->addAction(rows.size() == 1 ? tr("&Open") : tr("&Open %n Invoices", nullptr, int(rows.size())),
                                            this, [this] {
                                                for (const QString &id : selectedIds())
                                                    emit openInvoice(id);
                                            });
    openAction->setObjectName(QStringLiteral("menuOpen"));
    m_menu->setDefaultAction(openAction);
    m_menu->addSeparator();
    QAction *issue = m_menu->addAction(drafts > 1 ? tr("&Issue %n Drafts…", nullptr, drafts) : tr("&Issue…"), this,
                                       &InvoiceListView::issueSelected);
    issue->setObjectName(QStringLiteral("menuIssue"));
    issue->setEnabled(live && drafts > 0);
    QAction *pay = m_menu->addAction(tr("Record &Payment…"), this, [this, first] { emit recordPayment(first); });
    pay->setObjectName(QStringLiteral("menuPay"));
    pay->setEnabled(live && rows.size() == 1 && open == 1);
    QAction *voidAction = m_menu->addAction(tr("&Void…"), this, [this, first] { emit voidInvoice(first); });
    voidAction->setObjectName(QStringLiteral("menuVoid"));
    voidAction->setEnabled(live && rows.size() == 1 && open == 1);
    m_menu->addSeparator();
    QAction *send = m_menu->addAction(tr("&Send…"), this, [this, first] { emit sendInvoice(first); });
    send->setObjectName(QStringLiteral("menuSend"));
    send->setEnabled(live && rows.size() == 1);
    QAction *pdf = m_menu->addAction(tr("E&xport PDF…"), this, [this, first] { emit exportPdf(first); });
    pdf->setObjectName(QStringLiteral("menuExportPdf"));
    pdf->setEnabled(rows.size() == 1);
    QAction *print = m_menu->addAction(tr("P&rint…"), this, [this, first] { emit printInvoice(first); });
    print->setObjectName(QStringLiteral("menuPrint"));
    print->setEnabled(rows.size() == 1);
    m_menu->addSeparator();
    QAction *del = m_menu->addAction(drafts > 1 ? tr("&Delete %n Drafts…", nullptr, drafts) : tr("&Delete Draft…"), this,
                                     &InvoiceListView::deleteSelected);
    del->setObjectName(QStringLiteral("menuDelete"));
    del->setEnabled(live && drafts > 0);
    return m_menu;
}

void InvoiceListView::issueSelected()
{
    QList<QPair<QString, qint64>> drafts;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows()) {
        const InvoiceListEntry &e = m_model->entry(i.row());
        if (e.status == Wire::Status::Draft)
            drafts.append({e.id, e.version});
    }
    if (drafts.isEmpty())
        return;
    const auto answer = MessageBox::question(
        this, tr("Issue Invoices"),
        tr("Issue %n draft(s)? Each gets the next number and can no longer be changed.", nullptr, int(drafts.size())),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Yes, {{QMessageBox::Yes, tr("&Issue")}});
    if (answer != QMessageBox::Yes)
        return;
    QStringList problems;
    for (const auto &[id, version] : drafts) {
        auto r = m_session.execute({{QStringLiteral("command"), Wire::Command::IssueInvoice},
                                    {QStringLiteral("aggregateId"), id},
                                    {QStringLiteral("expectedVersion"), version},
                                    {QStringLiteral("payload"), QJsonObject()}});
        if (!r)
            problems << r.error().message;
    }
    if (!problems.isEmpty())
        MessageBox::warning(this, tr("Not all issued"),
                            tr("%n invoice(s) could not be issued. Open them to see why.", nullptr, int(problems.size())),
                            problems.join(QLatin1Char('\n')));
}

void InvoiceListView::deleteSelected()
{
    QList<QPair<QString, qint64>> drafts;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows()) {
        const InvoiceListEntry &e = m_model->entry(i.row());
        if (e.status == Wire::Status::Draft)
            drafts.append({e.id, e.version});
    }
    if (drafts.isEmpty())
        return;
    const auto answer = MessageBox::question(this, tr("Delete Drafts"),
                                             tr("Delete %n draft(s)? Their history stays in the log.", nullptr,
                                                int(drafts.size())),
                                             QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel,
                                             {{QMessageBox::Yes, tr("&Delete")}});
    if (answer != QMessageBox::Yes)
        return;
    QStringList problems;
    for (const auto &[id, version] : drafts) {
        auto r = m_session.execute({{QStringLiteral("command"), Wire::Command::DeleteInvoice},
                                    {QStringLiteral("aggregateId"), id},
                                    {QStringLiteral("expectedVersion"), version},
                                    {QStringLiteral("payload"), QJsonObject()}});
        if (!r)
            problems << r.error().message;
    }
    if (!problems.isEmpty())
        MessageBox::warning(this, tr("Not all deleted"), tr("Some drafts could not be deleted."),
                            problems.join(QLatin1Char('\n')));
}

} // namespace Billstream
