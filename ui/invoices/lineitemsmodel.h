#pragma once

#include "core/domain/invoice.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>

namespace Billstream {

// The editable line items of one invoice, plus an empty last row to type a new line into.
// The model never changes an invoice itself: a committed cell becomes a request (edited /
// added) that the editor turns into one fine-grained command; the state that comes back is
// set with setItems(), which updates the rows in place so the cell being edited keeps focus.
class LineItemsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Description, Quantity, UnitPrice, TaxRate, Discount, Net, ColumnCount };
    enum Role { LineItemIdRole = Qt::UserRole + 1 };

    explicit LineItemsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setItems(const QList<LineItem> &items, const QList<QString> &netAmounts);
    void setEditable(bool editable);
    void setDefaultTaxRate(const QString &rate) { m_defaultTaxRate = rate; }
    // Unit prices show at least the currency's minor digits (2064 → 2064.00).
    void setCurrencyDigits(int digits) { m_currencyDigits = digits; }
    // Cells to highlight (history preview) and cells with a violation (tooltip = message).
    void setHighlighted(const QSet<QString> &keys);
    void setViolation(int row, int column, const QString &message);
    void clearViolations();

    const QList<LineItem> &items() const { return m_items; }
    bool isNewRow(int row) const { return row == m_items.size(); }
    static QString fieldName(int column);     // "quantity" … (the payload key)
    static int columnOfField(const QString &field);

signals:
    // A committed cell of an existing line: `value` is the text as typed.
    void edited(const QString &lineItemId, const QString &field, const QString &value, const QString &oldValue);
    // Text typed into the empty row's description: a new line.
    void added(const QString &description);

private:
    QString cellText(const LineItem &item, int column) const;

    QList<LineItem> m_items;
    QList<QString> m_nets;
    bool m_editable = true;
    bool m_placeholderHidden = false;   // while new lines take the empty row's place
    QString m_defaultTaxRate;
    int m_currencyDigits = 2;
    QSet<QString> m_highlight;
    QHash<QPair<int, int>, QString> m_violations;
};

} // namespace Billstream
