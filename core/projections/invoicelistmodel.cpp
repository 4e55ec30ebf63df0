#include "core/projections/invoicelistmodel.h"

#include "core/domain/domainevents.h"

#include <limits>

namespace Billstream::ReadModels {

namespace {

InvoiceSort sortFor(int column)
{
    switch (column) {
    case InvoiceListModel::Number: return InvoiceSort::Number;
    case InvoiceListModel::Customer: return InvoiceSort::Customer;
    case InvoiceListModel::Status: return InvoiceSort::StatusName;
    case InvoiceListModel::IssueDate: return InvoiceSort::IssueDate;
    case InvoiceListModel::DueDate: return InvoiceSort::DueDate;
    case InvoiceListModel::Currency: return InvoiceSort::Currency;
    case InvoiceListModel::Net: return InvoiceSort::Net;
    case InvoiceListModel::Tax: return InvoiceSort::Tax;
    case InvoiceListModel::Total: return InvoiceSort::Total;
    case InvoiceListModel::Paid: return InvoiceSort::Paid;
    case InvoiceListModel::Due: return InvoiceSort::Due;
    case InvoiceListModel::Updated: return InvoiceSort::Updated;
    default: return InvoiceSort::Created;
    }
}

// Money for the raw role: minor units while they fit 64 bits, else the exact decimal text.
QVariant rawAmount(Int128 minor)
{
    if (minor >= std::numeric_limits<qint64>::min() && minor <= std::numeric_limits<qint64>::max())
        return QVariant::fromValue(qlonglong(minor));
    return formatMinorUnits(minor, 0);
}

} // namespace

InvoiceListModel::InvoiceListModel(SqliteEventStore &store, const QString &tenantId, QObject *parent)
    : PagedProjectionModel<InvoiceListEntry>(store, tenantId, -1, Qt::DescendingOrder, parent)
{
    start();
}

int InvoiceListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

Result<QList<qint64>> InvoiceListModel::queryIds(const Book &book, const ListFilter &filter, int column,
                                                 Qt::SortOrder order) const
{
    return book.invoiceRowIds(filter, sortFor(column), order);
}

Result<QList<InvoiceListEntry>> InvoiceListModel::fetch(const Book &book, const QList<qint64> &rowIds) const
{
    return book.invoicesByRowId(rowIds);
}

bool InvoiceListModel::touchedBy(const InvoiceListEntry &entry, const ChangedStreams &changed) const
{
    // A customer's rename changes the name on its invoices.
    return changed.ids.contains(entry.id) || changed.ids.contains(entry.customerId);
}

QVariant InvoiceListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()) || index.column() >= ColumnCount)
        return {};
    const InvoiceListEntry &e = m_rows.at(index.row());
    const int column = index.column();
    const auto money = [&](Int128 v) -> QVariant {
        if (role == RawValueRole)
            return rawAmount(v);
        return formatMinorUnits(v, e.digits, locale());
    };
    switch (role) {
    case IdRole: return e.id;
    case OverdueRole: return e.overdue;
    case CurrencyRole: return e.currency;
    case DigitsRole: return e.digits;
    case Qt::TextAlignmentRole:
        if (column >= Net && column <= Due)
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
    case Number: return e.number;
    case Customer: return e.customerName;
    case Status:
        // OVERDUE is derived at read time (DOMAIN.md); the raw value is the stored status.
        return !raw && e.overdue ? QStringLiteral("OVERDUE") : e.status;
    case IssueDate:
        return raw ? QVariant(e.issueDate) : QVariant(e.issueDate.isValid() ? locale().toString(e.issueDate, QLocale::ShortFormat) : QString());
    case DueDate:
        return raw ? QVariant(e.dueDate) : QVariant(e.dueDate.isValid() ? locale().toString(e.dueDate, QLocale::ShortFormat) : QString());
    case Currency: return e.currency;
    case Net: return money(e.net);
    case Tax: return money(e.tax);
    case Total: return money(e.total);
    case Paid: return money(e.paid);
    case Due: return money(e.due);
    case Updated: {
        const QDateTime t = QDateTime::fromMSecsSinceEpoch(e.updatedAtMs, Qt::UTC);
        return raw ? QVariant(t) : QVariant(locale().toString(t.toLocalTime(), QLocale::ShortFormat));
    }
    default: return {};
    }
}

QVariant InvoiceListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Number: return tr("Number");
    case Customer: return tr("Customer");
    case Status: return tr("Status");
    case IssueDate: return tr("Issued");
    case DueDate: return tr("Due date");
    case Currency: return tr("Currency");
    case Net: return tr("Net");
    case Tax: return tr("Tax");
    case Total: return tr("Total");
    case Paid: return tr("Paid");
    case Due: return tr("Due");
    case Updated: return tr("Updated");
    default: return {};
    }
}

} // namespace Billstream::ReadModels
