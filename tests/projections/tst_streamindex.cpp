// StreamIndex: a bulk replay's rows by tenant and stream id, UUIDs held as 128 bits.
#include "core/projections/streamindex.h"

#include "core/domain/decision.h"

#include <QtTest>

using namespace Billstream;

class TestStreamIndex : public QObject
{
    Q_OBJECT

private slots:
    void parsesOnlyLowerCaseUuids_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("parses");
        QTest::newRow("uuid") << QStringLiteral("0f8fad5b-d9cb-469f-a165-70867728950e") << true;
        QTest::newRow("upper case") << QStringLiteral("0F8FAD5B-D9CB-469F-A165-70867728950E") << false;
        QTest::newRow("braces") << QStringLiteral("{0f8fad5b-d9cb-469f-a165-70867728950e}") << false;
        QTest::newRow("no dashes") << QStringLiteral("0f8fad5bd9cb469fa16570867728950e") << false;
        QTest::newRow("dash moved") << QStringLiteral("0f8fad5bd-9cb-469f-a165-70867728950e") << false;
        QTest::newRow("not hex") << QStringLiteral("0f8fad5b-d9cb-469f-a165-70867728950g") << false;
        QTest::newRow("short") << QStringLiteral("0f8fad5b-d9cb-469f-a165-70867728950") << false;
        QTest::newRow("text") << QStringLiteral("invoice-1") << false;
        QTest::newRow("empty") << QString() << false;
    }
    void parsesOnlyLowerCaseUuids()
    {
        QFETCH(QString, text);
        QFETCH(bool, parses);
        quint64 high = 0, low = 0;
        QCOMPARE(StreamIndex::parseUuid(text, high, low), parses);
        if (parses) {
            QCOMPARE(high, Q_UINT64_C(0x0f8fad5bd9cb469f));
            QCOMPARE(low, Q_UINT64_C(0xa16570867728950e));
        }
    }

    void findsWhatWasInserted()
    {
        StreamIndex index;
        const QString a = QStringLiteral("tenant-a");
        const QString b = QStringLiteral("tenant-b");
        const QString uuid = QStringLiteral("0f8fad5b-d9cb-469f-a165-70867728950e");
        const QString upper = uuid.toUpper();
        const QString text = QStringLiteral("invoice-1");
        QCOMPARE(index.value(a, uuid), -1);
        index.insert(a, uuid, 0);
        index.insert(a, text, 1);
        index.insert(b, uuid, 2);    // the same id in another tenant is another stream
        index.insert(a, upper, 3);   // ids are compared as written
        QCOMPARE(index.size(), 4);
        QCOMPARE(index.value(a, uuid), 0);
        // Equal text elsewhere in memory finds the same stream.
        QCOMPARE(index.value(QString::fromUtf8(a.toUtf8()), QString::fromUtf8(uuid.toUtf8())), 0);
        QCOMPARE(index.value(a, text), 1);
        QCOMPARE(index.value(b, uuid), 2);
        QCOMPARE(index.value(a, upper), 3);
        QCOMPARE(index.value(b, text), -1);
        QCOMPARE(index.value(QStringLiteral("tenant-c"), uuid), -1);
        index.insert(a, uuid, 7);  // replaces
        QCOMPARE(index.value(a, uuid), 7);

        // Many streams, alternating tenants (the cache of the last tenant changes each time).
        QHash<QString, qsizetype> expected;
        for (qsizetype i = 0; i < 5000; ++i) {
            const QString tenant = i % 2 ? a : b;
            const QString id = newUuid();
            index.insert(tenant, id, 100 + i);
            expected.insert(tenant + u'/' + id, 100 + i);
        }
        for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
            const qsizetype slash = it.key().indexOf(u'/');
            QCOMPARE(index.value(it.key().left(slash), it.key().mid(slash + 1)), it.value());
        }

        StreamIndex other;
        other.swap(index);
        QCOMPARE(index.size(), 0);
        QCOMPARE(index.value(a, text), -1);
        QCOMPARE(other.value(a, text), 1);
        other.clear();
        QCOMPARE(other.size(), 0);
        QCOMPARE(other.value(b, uuid), -1);
    }
};

QTEST_APPLESS_MAIN(TestStreamIndex)
#include "tst_streamindex.moc"
