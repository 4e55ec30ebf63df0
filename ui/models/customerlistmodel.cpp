#include "ui/models/customerlistmodel.h"

#include "ui/session/session.h"

#include <QGuiApplication>
#include <QPalette>

namespace Billstream {

CustomerListModel::CustomerListModel(Session &session, QObject *parent)
    : RowIdTableModel(parent)
    , m_session(session)
{
    if (auto rows = query()) {
        for (const CustomerListEntry &e : *rows) {
            m_ids.append(e.rowId);
            m_rows.insert(e.rowId, e);
        }
    }
}

int CustomerListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString CustomerListModel::balanceText(const CustomerListEntry &e)
{
    QStringList parts;
    for (auto it = e.openBalances.cbegin(); it != e.openBalances.cend(); ++it) {
        if (it->minorUnits != 0)
            parts << it.key() + QLatin1Char(' ') + it->text();
    }
    return parts.isEmpty() ? QStringLiteral("0.00") : parts.join(QStringLiteral(" · "));
}

const CustomerListEntry *CustomerListModel::entry(int row) const
{
    if (row < 0 || row >= m_ids.size())
        return nullptr;
    auto it = m_rows.constFind(m_ids[row]);
    return it == m_rows.cend() ? nullptr : &*it;
}

QVariant CustomerListModel::data(const QModelIndex &index, int role) const
{
    const CustomerListEntry *e = index.isValid() ? entry(index.row()) : nullptr;
    if (!e)
        return {};
    switch (role) {
    case IdRole: return e->id;
    case ArchivedRole: return e->archived;
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        switch (index.column()) {
        case Name: return e->archived ? tr("%1 (archived)").arg(e->name) : e->name;
        case Email: return e->email;
        case City: return e->city;
        case Country: return e->country;
        case Invoices: return e->invoiceCount;
        case Balance: return balanceText(*e);
        }
        return {};
    case SortRole:
        switch (index.column()) {
        case Name: return e->name;
        case Email: return e->email;
        case City: return e->city;
        case Country: return e->country;
        case Invoices: return e->invoiceCount;
        case Balance: return balanceText(*e);
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == Invoices || index.column() == Balance)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ForegroundRole:
        if (e->archived)
            return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
        return {};
    }
    return {};
}

QVariant CustomerListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Name");
    case Email: return tr("E-mail");
    case City: return tr("City");
    case Country: return tr("Country");
    case Invoices: return tr("Invoices");
    case Balance: return tr("Open balance");
    }
    return {};
}

void CustomerListModel::sort(int column, Qt::SortOrder order)
{
    CustomerSort s = CustomerSort::Name;
    if (column == Email)
        s = CustomerSort::Email;
    else if (column == Country || column == City)
        s = CustomerSort::Country;
    else if (column == Invoices)
        s = CustomerSort::InvoiceCount;
    if (s == m_sort && order == m_order)
        return;
    m_sort = s;
    m_order = order;
    refresh();
}

void CustomerListModel::setSearch(const QString &text)
{
    if (text == m_filter.search)
        return;
    m_filter.search = text;
    refresh();
}

void CustomerListModel::setShowArchived(bool show)
{
    if (show == m_showArchived)
        return;
    m_showArchived = show;
    refresh();
}

QString CustomerListModel::customerId(int row) const
{
    const CustomerListEntry *e = entry(row);
    return e ? e->id : QString();
}

int CustomerListModel::rowOf(const QString &customerId) const
{
    for (int i = 0; i < m_ids.size(); ++i) {
        if (const CustomerListEntry *e = entry(i); e && e->id == customerId)
            return i;
    }
    return -1;
}

Result<QList<CustomerListEntry>> CustomerListModel::query() const
{
    auto rows = m_session.book().customers(m_filter, m_sort, m_order);
    if (rows && !m_showArchived)
        rows->removeIf([](const CustomerListEntry &e) { return e.archived; });
    return rows;
}

void CustomerListModel::refresh()
{
    auto rows = query();
    if (!rows)
        return;
    QHash<qint64, CustomerListEntry> fresh;
    QList<qint64> ids;
    ids.reserve(rows->size());
    for (const CustomerListEntry &e : *rows) {
        ids.append(e.rowId);
        fresh.insert(e.rowId, e);
    }
    QHash<qint64, CustomerListEntry> old = std::move(m_rows);
    // Keep the old rows while signalling removals, so views can still read what goes.
    m_rows = old;
    for (auto it = fresh.cbegin(); it != fresh.cend(); ++it)
        m_rows.insert(it.key(), it.value());
    applyIds(ids);
    m_rows = std::move(fresh);
    for (int row = 0; row < m_ids.size(); ++row) {
        const auto before = old.constFind(m_ids[row]);
        if (before == old.cend())
            continue;
        const CustomerListEntry &now = m_rows[m_ids[row]];
        if (before->version != now.version || before->invoiceCount != now.invoiceCount
            || before->openBalances != now.openBalances)
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
}

void CustomerListModel::reload()
{
    auto rows = query();
    QList<qint64> ids;
    QHash<qint64, CustomerListEntry> fresh;
    if (rows) {
        for (const CustomerListEntry &e : *rows) {
            ids.append(e.rowId);
            fresh.insert(e.rowId, e);
        }
    }
    beginResetModel();
    m_ids = ids;
    m_rows = std::move(fresh);
    endResetModel();
}

} // namespace Billstream
