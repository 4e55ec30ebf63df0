#include "ui/models/listpresentation.h"

#include "core/projections/customerlistmodel.h"
#include "core/projections/invoicelistmodel.h"

#include <QColor>
#include <QFont>
#include <QGuiApplication>
#include <QHash>
#include <QPalette>

namespace Billstream {

using ReadModels::CustomerListModel;
using ReadModels::InvoiceListModel;
using ReadModels::ProjectionTableModel;

namespace {

bool darkPalette()
{
    return QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
}

} // namespace

QString InvoiceListPresentation::statusLabel(const QString &status)
{
    static const QHash<QString, const char *> labels{
        {QStringLiteral("DRAFT"), QT_TR_NOOP("Draft")},
        {QStringLiteral("ISSUED"), QT_TR_NOOP("Issued")},
        {QStringLiteral("SENT"), QT_TR_NOOP("Sent")},
        {QStringLiteral("PARTIALLY_PAID"), QT_TR_NOOP("Partially paid")},
        {QStringLiteral("PAID"), QT_TR_NOOP("Paid")},
        {QStringLiteral("VOID"), QT_TR_NOOP("Void")},
        {QStringLiteral("DELETED"), QT_TR_NOOP("Deleted")},
        {QStringLiteral("OVERDUE"), QT_TR_NOOP("Overdue")},
    };
    const char *label = labels.value(status);
    return label ? tr(label) : status;
}

QVariant InvoiceListPresentation::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const int column = index.column();
    const auto raw = [&](int c) {
        return QIdentityProxyModel::data(index.siblingAtColumn(c), ProjectionTableModel::RawValueRole);
    };
    const auto overdue = [&] { return QIdentityProxyModel::data(index, ProjectionTableModel::OverdueRole).toBool(); };
    switch (role) {
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        if (column == InvoiceListModel::Status) {
            const QString label = statusLabel(raw(InvoiceListModel::Status).toString());
            return overdue() ? tr("%1, overdue").arg(label) : label;
        }
        if (column == InvoiceListModel::Number && raw(InvoiceListModel::Number).toString().isEmpty())
            return tr("(draft)");
        return QIdentityProxyModel::data(index, Qt::DisplayRole);
    case Qt::ForegroundRole: {
        if (overdue() && (column == InvoiceListModel::Status || column == InvoiceListModel::DueDate
                          || column == InvoiceListModel::Due))
            return darkPalette() ? QColor(255, 120, 110) : QColor(190, 30, 30);
        const QString status = raw(InvoiceListModel::Status).toString();
        if (status == QStringLiteral("VOID") || status == QStringLiteral("DELETED"))
            return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
        return {};
    }
    case Qt::FontRole:
        if (column == InvoiceListModel::Number && raw(InvoiceListModel::Number).toString().isEmpty()) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        if (column == InvoiceListModel::Status && overdue()) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::ToolTipRole:
        if (overdue())
            return tr("Overdue since %1").arg(raw(InvoiceListModel::DueDate).toDate().toString(Qt::ISODate));
        return {};
    default:
        return QIdentityProxyModel::data(index, role);
    }
}

QVariant CustomerListPresentation::data(const QModelIndex &index, int role) const
{
    if (role == Qt::ForegroundRole && index.isValid()) {
        const bool archived =
            QIdentityProxyModel::data(index.siblingAtColumn(CustomerListModel::Archived), ProjectionTableModel::RawValueRole)
                .toBool();
        if (archived)
            return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
    }
    return QIdentityProxyModel::data(index, role);
}

} // namespace Billstream
