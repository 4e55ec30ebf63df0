#pragma once

#include "core/projections/projectiontablemodel.h"

namespace Billstream::ReadModels {

// The customer list for the UI: name, e-mail, place, invoice count and open balances per
// currency (from the invoice list's figures, or computed as of a past time). The status filter
// takes ACTIVE or ARCHIVED; the search looks in name, e-mail and city.
class CustomerListModel final : public PagedProjectionModel<CustomerListEntry>
{
    Q_OBJECT
public:
    enum Column { Name, Email, City, Country, InvoiceCount, OpenBalance, Archived, ColumnCount };
    Q_ENUM(Column)

    CustomerListModel(SqliteEventStore &store, const QString &tenantId, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    Result<QList<qint64>> queryIds(const Book &book, const ListFilter &filter, int column,
                                   Qt::SortOrder order) const override;
    Result<QList<CustomerListEntry>> fetch(const Book &book, const QList<qint64> &rowIds) const override;
    bool touchedBy(const CustomerListEntry &entry, const ChangedStreams &changed) const override;
};

} // namespace Billstream::ReadModels
