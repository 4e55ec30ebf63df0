// Event ids (UUID version 7) and the SHA-256 the hash chain is made of.
#include "core/es/identity.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QThread>
#include <QUuid>

using namespace Billstream;

class TestIdentity : public QObject
{
    Q_OBJECT

private slots:
    void sha256KnownAnswers()
    {
        // FIPS 180-2 examples.
        QCOMPARE(sha256("abc").toHex(), QByteArray("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        QCOMPARE(sha256("").toHex(), QByteArray("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QCOMPARE(sha256(QByteArray(1'000'000, 'a')).toHex(),
                 QByteArray("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
    }

    void sha256OnManyThreadsAgrees()
    {
        const QByteArray expected = sha256("billstream");
        QList<QThread *> threads;
        QAtomicInt wrong = 0;
        for (int t = 0; t < 4; ++t) {
            threads << QThread::create([&] {
                for (int i = 0; i < 2000; ++i) {
                    if (sha256("billstream") != expected)
                        wrong.fetchAndAddRelaxed(1);
                }
            });
            threads.last()->start();
        }
        for (QThread *t : threads) {
            t->wait();
            delete t;
        }
        QCOMPARE(wrong.loadRelaxed(), 0);
    }

    void eventIdsAreVersion7Uuids()
    {
        static const QRegularExpression shape(QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        const QString id = newEventId();
        const qint64 after = QDateTime::currentMSecsSinceEpoch();
        QVERIFY2(shape.match(id).hasMatch(), qPrintable(id));
        const QUuid uuid = QUuid::fromString(id);
        QVERIFY(!uuid.isNull());
        QCOMPARE(uuid.toString(QUuid::WithoutBraces), id);
        QCOMPARE(int(uuid.variant()), int(QUuid::DCE));
        const qint64 ms = id.left(8).append(id.mid(9, 4)).toLongLong(nullptr, 16);
        QVERIFY(ms >= before && ms <= after + 1);
    }

    void eventIdsIncreaseAndNeverRepeat()
    {
        QSet<QString> seen;
        QString previous;
        for (int i = 0; i < 20'000; ++i) {  // several thousand within one millisecond
            const QString id = newEventId();
            QVERIFY2(id > previous, qPrintable(previous + QLatin1String(" then ") + id));
            QVERIFY(!seen.contains(id));
            seen.insert(id);
            previous = id;
        }
    }
};

QTEST_GUILESS_MAIN(TestIdentity)
#include "tst_identity.moc"
