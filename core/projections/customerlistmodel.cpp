#include "core/projections/customerlistmodel.h"

#include "core/domain/domainevents.h"

#include <limits>

namespace Billstream::ReadModels {

CustomerListModel::CustomerListModel(SqliteEventStore &store, const QString &tenantId, QObject *parent)
    : PagedProjectionModel<CustomerListEntry>(store, tenantId, Name, Qt::AscendingOrder, parent)
{
    start();
}

int CustomerListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

Result<QList<qint64>> CustomerListModel::queryIds(const Book &book, const ListFilter &filter, int column,
                                                  Qt::SortOrder order) const
{
    CustomerSort sort = CustomerSort::Name;
    switch (column) {
    case Email: sort = CustomerSort::Email; break;
    case City:
    case Country: sort = CustomerSort::Country; break;
    case InvoiceCount: sort = CustomerSort::InvoiceCount; break;
    default: break;
    }
    return book.customerRowIds(filter, sort, order);
}

Result<QList<CustomerListEntry>> CustomerListModel::fetch(const Book &book, const QList<qint64> &rowIds) const
{
    return book.customersByRowId(rowIds);
}

bool CustomerListModel::touchedBy(const CustomerListEntry &entry, const ChangedStreams &changed) const
{
    // An invoice event may change any customer's count or balance: compare them all then.
    return changed.ids.contains(entry.id) || changed.types.contains(Wire::StreamType::Invoice);
}

QVariant CustomerListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()) || index.column() >= ColumnCount)
        return {};
    const CustomerListEntry &e = m_rows.at(index.row());
    const int column = index.column();
    switch (role) {
    case IdRole: return e.id;
    case CurrencyRole:
        return column == OpenBalance && e.openBalances.size() == 1 ? QVariant(e.openBalances.firstKey()) : QVariant();
    case DigitsRole:
        return column == OpenBalance && e.openBalances.size() == 1 ? QVariant(e.openBalances.first().digits) : QVariant();
    case Qt::TextAlignmentRole:
        if (column == InvoiceCount || column == OpenBalance)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::DisplayRole:
    case RawValueRole:
        break;
    default:
        return {};
    }
    const bool raw = role == RawValueRole;
    switch (column) {
    case Name: return e.name;
    case Email: return e.email;
    case City: return e.city;
    case Country: return e.country;
    case InvoiceCount: return e.invoiceCount;
    case OpenBalance: {
        if (raw) {
            // One currency: its minor units; none: 0; several: no single number.
            if (e.openBalances.isEmpty())
                return QVariant::fromValue(qlonglong(0));
            if (e.openBalances.size() > 1)
                return {};
            const Int128 v = e.openBalances.first().minorUnits;
            if (v >= std::numeric_limits<qint64>::min() && v <= std::numeric_limits<qint64>::max())
                return QVariant::fromValue(qlonglong(v));
            return formatMinorUnits(v, 0);
        }
        QStringList parts;
        for (auto it = e.openBalances.cbegin(); it != e.openBalances.cend(); ++it)
            parts << it.key() + QLatin1Char(' ') + formatMinorUnits(it->minorUnits, it->digits, locale());
        return parts.join(QStringLiteral("; "));
    }
    case Archived: return raw ? QVariant(e.archived) : QVariant(e.archived ? tr("archived") : QString());
    default: return {};
    }
}

QVariant CustomerListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name: return tr("Name");
    case Email: return tr("E-mail");
    case City: return tr("City");
    case Country: return tr("Country");
    case InvoiceCount: return tr("Invoices");
    case OpenBalance: return tr("Open balance");
    case Archived: return tr("Archived");
    default: return {};
    }
}

} // namespace Billstream::ReadModels
