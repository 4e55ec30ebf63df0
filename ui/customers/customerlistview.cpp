#include "ui/customers/customerlistview.h"

#include "ui/models/customerlistmodel.h"
#include "ui/session/session.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QTableView>
#include <QVBoxLayout>

namespace Billstream {

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
    m_model = new CustomerListModel(session, this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("customerTable"));
    m_table->setAccessibleName(tr("Customers"));
    m_table->setModel(m_model);
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
    m_table->setColumnWidth(CustomerListModel::Balance, 160);
    layout->addWidget(m_table, 1);
    connect(m_archived, &QCheckBox::toggled, m_model, &CustomerListModel::setShowArchived);
    connect(m_table, &QTableView::activated, this,
            [this](const QModelIndex &i) { emit openCustomer(m_model->customerId(i.row())); });
    connect(&session, &Session::changed, this, [this] {
        if (m_session.isLive())
            m_model->refresh();
    });
    connect(&session, &Session::asOfChanged, m_model, &CustomerListModel::reload);
}

void CustomerListView::setSearch(const QString &text)
{
    m_model->setSearch(text);
}

} // namespace Billstream
