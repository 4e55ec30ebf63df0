#pragma once

#include <QAbstractTableModel>
#include <QList>

namespace Billstream {

// A table whose rows are identified by stable row ids from the read side. Moving from one
// ordered id list to the next is translated into the row signals a view needs (removals,
// one layout change for rows that moved, insertions), so selections and scroll positions survive
// a refresh and no view is ever reset by a change of the log (STYLE.md 7).
class RowIdTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : int(m_ids.size());
    }
    qint64 rowIdAt(int row) const { return m_ids.value(row, -1); }

protected:
    // Makes `next` the list with the fewest signals: removals, then a layout change when rows
    // that stay changed their order, then insertions.
    void applyIds(const QList<qint64> &next);
    // The same rows in a new order (a sort): one layout change with persistent indexes moved.
    void reorderIds(const QList<qint64> &next);
    // Another set of rows altogether (another book).
    void resetIds(const QList<qint64> &next);

    QList<qint64> m_ids;
};

} // namespace Billstream
