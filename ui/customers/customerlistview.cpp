#include "ui/customers/customerlistview.h"

#include "core/projections/customerlistmodel.h"
#include "ui/models/listpresentation.h"
#include "ui/session/session.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QTableView>
#include <QVBoxLayout>

namespace Billstream {

using ReadModels::CustomerListModel;

CustomerListView::CustomerListView(Session &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("customerListView"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(8, 6, 8, 0);
    m_archived = new QCheckBox(tr("Show &archived customers"), this);
    m_archived->setObjectName(QStringLiteral("showArchived"));
    bar->addWidget(m_archived);
    bar->addStretch(1);
    layout->addLayout(bar);
    m_model = new CustomerListModel(session.store(), session.tenantId(), this);
    m_model->setClock(&session.clock());
    m_model->setStatusFilter(QStringLiteral("ACTIVE"));
    auto *presentation = new CustomerListPresentation(this);
    presentation->setSourceModel(m_model);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("customerTable"));
    m_table->setAccessibleName(tr("Customers"));
    m_table->setModel(presentation);
    m_table->setColumnHidden(CustomerListModel::Archived, true);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(CustomerListModel::Name, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 10);
    m_table->horizontalHeader()->setSectionResizeMode(CustomerListModel::Name, QHeaderView::Stretch);
    m_table->setColumnWidth(CustomerListModel::Email, 240);
    m_table->setColumnWidth(CustomerListModel::City, 140);
    m_table->setColumnWidth(CustomerListModel::OpenBalance, 160);
    layout->addWidget(m_table, 1);
    connect(m_archived, &QCheckBox::toggled, this, [this](bool show) {
        m_model->setStatusFilter(show ? QString() : QStringLiteral("ACTIVE"));
        m_table->setColumnHidden(CustomerListModel::Archived, !show);
    });
    connect(m_table, &QTableView::activated, this,
            [this](const QModelIndex &i) { emit openCustomer(m_model->entry(i.row()).id); });
    connect(&session, &Session::externalChange, m_model, &CustomerListModel::refresh);
    connect(&session, &Session::asOfChanged, this, [this] {
        if (m_session.isLive())
            m_model->showLive();
        else
            m_model->showAsOf(m_session.asOf());
    });
}

void CustomerListView::setSearch(const QString &text)
{
    m_model->setSearch(text);
}

} // namespace Billstream
