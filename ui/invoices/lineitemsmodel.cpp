#include "ui/invoices/lineitemsmodel.h"

#include <QColor>
#include <QGuiApplication>
#include <QPalette>

namespace Billstream {

LineItemsModel::LineItemsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int LineItemsModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return int(m_items.size()) + (m_editable && !m_placeholderHidden ? 1 : 0);
}

int LineItemsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString LineItemsModel::fieldName(int column)
{
    switch (column) {
    case Description: return QStringLiteral("description");
    case Quantity: return QStringLiteral("quantity");
    case UnitPrice: return QStringLiteral("unitPrice");
    case TaxRate: return QStringLiteral("taxRate");
    case Discount: return QStringLiteral("discountPercent");
    }
    return {};
}

int LineItemsModel::columnOfField(const QString &field)
{
    for (int c = 0; c < Net; ++c)
        if (fieldName(c) == field)
            return c;
    return -1;
}

QString LineItemsModel::cellText(const LineItem &item, int column) const
{
    switch (column) {
    case Description: return item.description;
    case Quantity: return item.quantity.toString();
    case UnitPrice: return item.unitPrice.toString();
    case TaxRate: return item.taxRate.toString();
    case Discount: return item.discountPercent.toString();
    }
    return {};
}

QVariant LineItemsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const int row = index.row();
    const int col = index.column();
    if (row == m_items.size()) {
        if (role == Qt::DisplayRole && col == Description)
            return tr("Type to add a line…");
        if (role == Qt::ForegroundRole)
            return QGuiApplication::palette().color(QPalette::PlaceholderText);
        if (role == Qt::AccessibleTextRole)
            return tr("New line");
        return {};
    }
    if (row > m_items.size())
        return {};
    const LineItem &item = m_items[row];
    switch (role) {
    case LineItemIdRole: return item.lineItemId;
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        if (col == UnitPrice)
            return item.unitPrice.toString(std::max(m_currencyDigits, item.unitPrice.normalized().scale()));
        [[fallthrough]];
    case Qt::EditRole:
        if (col == Net)
            return m_nets.value(row);
        return cellText(item, col);
    case Qt::TextAlignmentRole:
        if (col != Description)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole:
        return m_violations.value({row, col});
    case Qt::BackgroundRole: {
        const bool dark = QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
        if (m_violations.contains({row, col}))
            return dark ? QColor(110, 30, 30) : QColor(255, 215, 215);
        const QString key = QStringLiteral("line:") + item.lineItemId;
        if (m_highlight.contains(key) || (col < Net && m_highlight.contains(key + QLatin1Char(':') + fieldName(col))))
            return dark ? QColor(120, 100, 20) : QColor(255, 240, 170);
        return {};
    }
    }
    return {};
}

bool LineItemsModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!index.isValid() || role != Qt::EditRole || !m_editable)
        return false;
    const QString text = value.toString().trimmed();
    const int row = index.row();
    if (row == m_items.size()) {
        if (index.column() != Description || text.isEmpty())
            return false;
        emit added(text);
        return true;
    }
    if (row > m_items.size() || index.column() >= Net)
        return false;
    const LineItem &item = m_items[row];
    const QString old = cellText(item, index.column());
    if (text == old)
        return false;
    emit edited(item.lineItemId, fieldName(index.column()), text, old);
    return true;
}

Qt::ItemFlags LineItemsModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (!m_editable || index.column() == Net)
        return f;
    if (index.row() == m_items.size() && index.column() != Description)
        return f;
    return f | Qt::ItemIsEditable;
}

QVariant LineItemsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole && section != Description)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Description: return tr("Description");
    case Quantity: return tr("Quantity");
    case UnitPrice: return tr("Unit price");
    case TaxRate: return tr("Tax %");
    case Discount: return tr("Discount %");
    case Net: return tr("Net");
    }
    return {};
}

void LineItemsModel::setItems(const QList<LineItem> &items, const QList<QString> &netAmounts)
{
    bool sameIds = items.size() >= m_items.size();
    for (int i = 0; sameIds && i < m_items.size(); ++i)
        sameIds = m_items[i].lineItemId == items[i].lineItemId;
    if (!sameIds) {
        beginResetModel();
        m_items = items;
        m_nets = netAmounts;
        m_violations.clear();
        endResetModel();
        return;
    }
    const int oldCount = int(m_items.size());
    const int added = int(items.size()) - oldCount;
    m_items = items.first(oldCount);
    m_nets = netAmounts;
    if (oldCount > 0)
        emit dataChanged(index(0, 0), index(oldCount - 1, ColumnCount - 1));
    if (added == 0)
        return;
    if (!m_editable) {
        beginInsertRows({}, oldCount, oldCount + added - 1);
        m_items = items;
        endInsertRows();
        return;
    }
    // The first new line takes the empty row's place (so the cell being typed in keeps its
    // index and Tab goes on along the new line); the others and a new empty row come below.
    m_placeholderHidden = true;
    m_items = items.first(oldCount + 1);
    emit dataChanged(index(oldCount, 0), index(oldCount, ColumnCount - 1));
    beginInsertRows({}, oldCount + 1, oldCount + added);
    m_items = items;
    m_placeholderHidden = false;
    endInsertRows();
}

void LineItemsModel::setEditable(bool editable)
{
    if (editable == m_editable)
        return;
    beginResetModel();
    m_editable = editable;
    endResetModel();
}

void LineItemsModel::setHighlighted(const QSet<QString> &keys)
{
    m_highlight = keys;
    if (rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1), {Qt::BackgroundRole});
}

void LineItemsModel::setViolation(int row, int column, const QString &message)
{
    m_violations.insert({row, column}, message);
    const QModelIndex i = index(row, column);
    emit dataChanged(i, i);
}

void LineItemsModel::clearViolations()
{
    if (m_violations.isEmpty())
        return;
    m_violations.clear();
    if (rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

} // namespace Billstream
