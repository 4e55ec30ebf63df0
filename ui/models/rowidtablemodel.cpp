#include "ui/models/rowidtablemodel.h"

#include <QHash>
#include <QSet>

namespace Billstream {

namespace {

// Whether `a` lists the elements it shares with `b` in b's order.
bool sameRelativeOrder(const QList<qint64> &a, const QList<qint64> &b)
{
    QHash<qint64, int> rank;
    rank.reserve(b.size());
    for (int i = 0; i < b.size(); ++i)
        rank.insert(b[i], i);
    int last = -1;
    for (qint64 id : a) {
        const int r = rank.value(id, -1);
        if (r < 0)
            continue;
        if (r < last)
            return false;
        last = r;
    }
    return true;
}

} // namespace

void RowIdTableModel::reorderIds(const QList<qint64> &next)
{
    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    QHash<qint64, int> newRow;
    newRow.reserve(next.size());
    for (int i = 0; i < next.size(); ++i)
        newRow.insert(next[i], i);
    QModelIndexList after;
    after.reserve(before.size());
    for (const QModelIndex &idx : before) {
        const int r = newRow.value(m_ids.value(idx.row()), -1);
        after.append(r < 0 ? QModelIndex() : createIndex(r, idx.column()));
    }
    m_ids = next;
    changePersistentIndexList(before, after);
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void RowIdTableModel::resetIds(const QList<qint64> &next)
{
    beginResetModel();
    m_ids = next;
    endResetModel();
}

void RowIdTableModel::applyIds(const QList<qint64> &next)
{
    // 1. Rows no longer listed go, in contiguous runs from the bottom.
    const QSet<qint64> nextSet(next.cbegin(), next.cend());
    for (int i = int(m_ids.size()) - 1; i >= 0;) {
        if (nextSet.contains(m_ids[i])) {
            --i;
            continue;
        }
        int first = i;
        while (first > 0 && !nextSet.contains(m_ids[first - 1]))
            --first;
        beginRemoveRows({}, first, i);
        m_ids.remove(first, i - first + 1);
        endRemoveRows();
        i = first - 1;
    }

    // 2. Rows that stay but moved (sorted by a value that changed): one layout change.
    if (!sameRelativeOrder(m_ids, next)) {
        const QSet<qint64> staying(m_ids.cbegin(), m_ids.cend());
        QList<qint64> reordered;
        reordered.reserve(m_ids.size());
        for (qint64 id : next)
            if (staying.contains(id))
                reordered.append(id);
        reorderIds(reordered);
    }

    // 3. New rows come in where the fresh list has them: m_ids is now a subsequence of next.
    for (int i = 0; i < next.size();) {
        if (i < m_ids.size() && m_ids[i] == next[i]) {
            ++i;
            continue;
        }
        const qint64 resume = i < m_ids.size() ? m_ids[i] : -1;
        int last = i;
        while (last + 1 < next.size() && next[last + 1] != resume)
            ++last;
        beginInsertRows({}, i, last);
        m_ids.insert(i, last - i + 1, 0);
        for (int k = i; k <= last; ++k)
            m_ids[k] = next[k];
        endInsertRows();
        i = last + 1;
    }
}

} // namespace Billstream
