#pragma once

#include "core/projections/book.h"
#include "ui/models/rowidtablemodel.h"

#include <QHash>

namespace Billstream {

class Session;

// The customer list over the session's book. Customers are few next to invoices, so the rows
// are read whole on each refresh; the difference still arrives as row signals.
class CustomerListModel final : public RowIdTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Email, City, Country, Invoices, Balance, ColumnCount };
    enum Role { IdRole = Qt::UserRole + 1, SortRole, ArchivedRole };

    explicit CustomerListModel(Session &session, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    void setSearch(const QString &text);
    // Archived customers are hidden unless asked for.
    void setShowArchived(bool show);
    QString customerId(int row) const;
    int rowOf(const QString &customerId) const;
    const CustomerListEntry *entry(int row) const;

    // "EUR 120.00 · USD 15.00", or "0.00" when nothing is open.
    static QString balanceText(const CustomerListEntry &e);

public slots:
    void refresh();
    void reload();

private:
    Result<QList<CustomerListEntry>> query() const;

    Session &m_session;
    ListFilter m_filter;
    bool m_showArchived = false;
    CustomerSort m_sort = CustomerSort::Name;
    Qt::SortOrder m_order = Qt::AscendingOrder;
    QHash<qint64, CustomerListEntry> m_rows;
};

} // namespace Billstream
