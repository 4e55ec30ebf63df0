#pragma once

#include "core/projections/projectiontablemodel.h"

namespace Billstream::ReadModels {

// The invoice list for the UI: fetched 200 rows at a time from invoice_list (or, as of a past
// time, from the history), sorted and searched in SQL (FTS5 trigram over number, customer name
// and notes). DELETED invoices show only with the status filter DELETED; the filter OVERDUE
// shows open invoices past their due date.
class InvoiceListModel final : public PagedProjectionModel<InvoiceListEntry>
{
    Q_OBJECT
public:
    enum Column { Number, Customer, Status, IssueDate, DueDate, Currency, Net, Tax, Total, Paid, Due, Updated, ColumnCount };
    Q_ENUM(Column)

    // Newest first unless sorted otherwise.
    InvoiceListModel(SqliteEventStore &store, const QString &tenantId, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    Result<QList<qint64>> queryIds(const Book &book, const ListFilter &filter, int column,
                                   Qt::SortOrder order) const override;
    Result<QList<InvoiceListEntry>> fetch(const Book &book, const QList<qint64> &rowIds) const override;
    bool touchedBy(const InvoiceListEntry &entry, const ChangedStreams &changed) const override;
};

} // namespace Billstream::ReadModels
