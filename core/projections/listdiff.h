#pragma once

#include <QHash>
#include <QList>

#include <algorithm>

namespace Billstream {

// The row signals that turn one ordered list of unique keys into another: rows that left the
// list or moved against the others are removed, rows that arrived or moved are inserted, and
// the longest run of rows that kept their relative order stays untouched. Item models apply
// it to emit beginRemoveRows/beginInsertRows instead of a reset (STYLE.md 7).
struct ListEdit
{
    enum class Kind { Remove, Insert };
    Kind kind = Kind::Remove;
    int first = 0;      // row in the list as it is when this edit is applied
    int count = 0;
    // Insert: where the rows come from in the new list (first .. first + count - 1 there too).
};

template<typename Key>
QList<ListEdit> diffLists(const QList<Key> &before, const QList<Key> &after)
{
    QHash<Key, int> newIndex;
    newIndex.reserve(after.size());
    for (int i = 0; i < int(after.size()); ++i)
        newIndex.insert(after.at(i), i);

    // Rows that stay, with their index in the new list, in old order.
    QList<int> keptOld;
    QList<int> keptNew;
    for (int i = 0; i < int(before.size()); ++i) {
        const auto it = newIndex.constFind(before.at(i));
        if (it != newIndex.cend()) {
            keptOld << i;
            keptNew << *it;
        }
    }
    // Longest increasing subsequence of keptNew (patience sorting): those rows need not move.
    QList<int> tails;       // index into keptNew of the smallest tail of each length
    QList<int> previous(keptNew.size(), -1);
    for (int i = 0; i < int(keptNew.size()); ++i) {
        const auto pos = std::lower_bound(tails.begin(), tails.end(), keptNew.at(i),
                                          [&](int t, int value) { return keptNew.at(t) < value; });
        const int at = int(pos - tails.begin());
        previous[i] = at > 0 ? tails.at(at - 1) : -1;
        if (pos == tails.end())
            tails << i;
        else
            *pos = i;
    }
    QList<bool> stays(before.size(), false);
    QList<bool> present(after.size(), false);
    for (int i = tails.isEmpty() ? -1 : tails.constLast(); i >= 0; i = previous.at(i)) {
        stays[keptOld.at(i)] = true;
        present[keptNew.at(i)] = true;
    }

    QList<ListEdit> edits;
    // Removals from the bottom up, so the row numbers above stay valid.
    for (int i = int(before.size()) - 1; i >= 0;) {
        if (stays.at(i)) {
            --i;
            continue;
        }
        int first = i;
        while (first > 0 && !stays.at(first - 1))
            --first;
        edits << ListEdit{ListEdit::Kind::Remove, first, i - first + 1};
        i = first - 1;
    }
    // Insertions from the top down: after them, row j of the list is row j of the new list.
    for (int j = 0; j < int(after.size());) {
        if (present.at(j)) {
            ++j;
            continue;
        }
        int last = j;
        while (last + 1 < int(after.size()) && !present.at(last + 1))
            ++last;
        edits << ListEdit{ListEdit::Kind::Insert, j, last - j + 1};
        j = last + 1;
    }
    return edits;
}

} // namespace Billstream
