// diffLists: the row signals that the list models emit instead of a reset.
#include "core/projections/listdiff.h"

#include <QRandomGenerator>
#include <QtTest>

using namespace Billstream;

class TestListDiff : public QObject
{
    Q_OBJECT

private:
    static QList<int> applied(QList<int> rows, const QList<int> &after, const QList<ListEdit> &edits, int *touched)
    {
        *touched = 0;
        bool inserting = false;
        for (const ListEdit &e : edits) {
            if (e.kind == ListEdit::Kind::Remove) {
                // All removals come before the first insertion, bottom up.
                if (inserting)
                    return {-1};
                if (e.first < 0 || e.count <= 0 || e.first + e.count > rows.size())
                    return {-2};
                rows.remove(e.first, e.count);
            } else {
                inserting = true;
                if (e.first < 0 || e.count <= 0 || e.first > rows.size())
                    return {-3};
                for (int k = 0; k < e.count; ++k)
                    rows.insert(e.first + k, after.at(e.first + k));
            }
            *touched += e.count;
        }
        return rows;
    }

private slots:
    void examples_data()
    {
        QTest::addColumn<QList<int>>("before");
        QTest::addColumn<QList<int>>("after");
        QTest::addColumn<int>("touched");  // rows removed plus rows inserted
        QTest::newRow("same") << QList<int>{1, 2, 3} << QList<int>{1, 2, 3} << 0;
        QTest::newRow("insert at top") << QList<int>{1, 2, 3} << QList<int>{9, 1, 2, 3} << 1;
        QTest::newRow("remove middle") << QList<int>{1, 2, 3} << QList<int>{1, 3} << 1;
        QTest::newRow("move one down") << QList<int>{1, 2, 3, 4} << QList<int>{2, 3, 1, 4} << 2;
        QTest::newRow("empty to some") << QList<int>{} << QList<int>{5, 6} << 2;
        QTest::newRow("some to empty") << QList<int>{5, 6} << QList<int>{} << 2;
        QTest::newRow("reverse") << QList<int>{1, 2, 3} << QList<int>{3, 2, 1} << 4;
    }
    void examples()
    {
        QFETCH(QList<int>, before);
        QFETCH(QList<int>, after);
        QFETCH(int, touched);
        int count = 0;
        QCOMPARE(applied(before, after, diffLists(before, after), &count), after);
        QCOMPARE(count, touched);
    }

    // Random lists: applying the edits always gives the new list, and rows that kept their
    // order are never touched (at most as many rows as a full replacement would touch).
    void randomLists()
    {
        QRandomGenerator rng(20261127);
        for (int round = 0; round < 2000; ++round) {
            QList<int> before, after;
            const int n = int(rng.bounded(30));
            for (int i = 0; i < n; ++i)
                before << i;
            after = before;
            for (int i = 0; i < int(rng.bounded(6)); ++i) {
                if (!after.isEmpty() && rng.bounded(2))
                    after.removeAt(rng.bounded(int(after.size())));
                else
                    after.insert(int(rng.bounded(int(after.size()) + 1)), 100 + round * 10 + i);
                if (after.size() > 1 && rng.bounded(3) == 0) {
                    const int from = int(rng.bounded(int(after.size())));
                    const int item = after.takeAt(from);
                    after.insert(int(rng.bounded(int(after.size()) + 1)), item);
                }
            }
            int touched = 0;
            const QList<int> result = applied(before, after, diffLists(before, after), &touched);
            QCOMPARE(result, after);
            QVERIFY(touched <= before.size() + after.size());
        }
    }
};

QTEST_GUILESS_MAIN(TestListDiff)
#include "tst_listdiff.moc"
