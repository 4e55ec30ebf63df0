#pragma once

#include <QIdentityProxyModel>

namespace Billstream {

// How the read side's invoice list looks in the window: status words instead of wire names,
// overdue rows marked in a colour that reads on light and dark palettes, drafts without a
// number in italics, void and deleted rows greyed. Rows, order and raw values pass through
// unchanged (an identity proxy), so sorting and lazy fetching stay the source model's.
class InvoiceListPresentation final : public QIdentityProxyModel
{
    Q_OBJECT
public:
    using QIdentityProxyModel::QIdentityProxyModel;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    // "Partially paid" for PARTIALLY_PAID, "Overdue" for OVERDUE.
    static QString statusLabel(const QString &status);
};

// The customer list: archived customers greyed.
class CustomerListPresentation final : public QIdentityProxyModel
{
    Q_OBJECT
public:
    using QIdentityProxyModel::QIdentityProxyModel;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
};

} // namespace Billstream
