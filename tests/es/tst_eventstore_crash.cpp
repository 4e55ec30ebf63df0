// SIGKILL during a burst of commands: no acknowledged command is lost, none is stored in part,
// the chain verifies, and the inline projection equals a rebuild (QUALITY.md).
#include "estestsupport.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace Billstream;
using namespace EsTest;

class TestEventStoreCrash : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void killedWriterLosesNothing()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(QStringLiteral("store.sqlite"));
        const QString anchor = dir.filePath(QStringLiteral("anchor.json"));
        StoreOptions o;
        o.anchorPath = anchor;
        QVERIFY(SqliteEventStore::open(file, o));

        const quint32 seed = QRandomGenerator::global()->generate();
        qInfo("seed %u", seed);
        QRandomGenerator random(seed);
        const int rounds = 24;
        QStringList acknowledged;
        int roundsWithAcks = 0;
        for (int round = 0; round < rounds; ++round) {
            QProcess worker;
            worker.setProcessChannelMode(QProcess::ForwardedErrorChannel);
            worker.start(QStringLiteral(ES_WORKER_PATH),
                         {QStringLiteral("crash"), file, anchor, QStringLiteral("r%1").arg(round)});
            QVERIFY(worker.waitForStarted());
            // Half the rounds are killed once appends are under way, half at any moment,
            // start-up and projection registration included.
            if (round % 2 == 0)
                worker.waitForReadyRead(30000);
            QThread::msleep(random.bounded(round % 2 == 0 ? 150 : 300));
            worker.kill();  // SIGKILL
            QVERIFY(worker.waitForFinished(30000));
            QCOMPARE(worker.exitStatus(), QProcess::CrashExit);

            // Only whole lines were printed after append returned.
            const QByteArray out = worker.readAllStandardOutput();
            QList<QByteArray> lines = out.split('\n');
            lines.removeLast();  // empty, or a line cut short by the kill
            for (const QByteArray &l : lines)
                acknowledged << QString::fromUtf8(l);
            if (!lines.isEmpty())
                ++roundsWithAcks;

            auto store = SqliteEventStore::open(file, o);
            QVERIFY2(store, store ? "" : qPrintable(store.error().toLine()));
            checkStore(**store, acknowledged, anchor);
            if (QTest::currentTestFailed()) {
                qWarning("round %d (seed %u)", round, seed);
                return;
            }
        }
        qInfo("%lld commands acknowledged over %d rounds", qint64(acknowledged.size()), rounds);
        QVERIFY(roundsWithAcks >= rounds / 2);
    }

private:
    void checkStore(SqliteEventStore &store, const QStringList &acknowledged, const QString &anchor)
    {
        // Every acknowledged command is there with its three events.
        for (const QString &id : acknowledged) {
            const Result<std::optional<AppendResult>> found = store.findCommand(QStringLiteral("t"), id);
            QVERIFY(found);
            QVERIFY2(found->has_value(), qPrintable(id));
            QCOMPARE((**found).events.size(), 3);
            for (const RecordedEvent &e : (**found).events)
                QCOMPARE(e.metadata.commandId, id);
        }
        // No command is stored in part, and positions have no gaps.
        QHash<QString, QList<qint64>> byCommand;
        qint64 expected = 1;
        QVERIFY(store.scan({}, 1, -1, [&](const RecordedEvent &e) {
            if (e.position != expected)
                return false;
            ++expected;
            byCommand[e.metadata.commandId].append(e.position);
            return true;
        }));
        QCOMPARE(expected - 1, *store.headPosition());
        for (auto it = byCommand.cbegin(); it != byCommand.cend(); ++it) {
            QVERIFY2(it->size() == 3, qPrintable(it.key()));
            QCOMPARE(it->last() - it->first(), 2);
        }
        const VerifyReport report = *store.verify(anchor);
        QVERIFY2(report.ok, qPrintable(report.problems.join(QLatin1Char('\n'))));

        // The inline projection kept by the worker agrees with the log and with a rebuild.
        const qint64 head = *store.headPosition();
        if (head == 0)
            return;
        const Result<qint64> checkpoint = store.checkpoint(QStringLiteral("event_counts"));
        QVERIFY(checkpoint);
        QCOMPARE(*checkpoint, head);
        const QMap<QString, qint64> projected = projectedCounts(store.database());
        QCOMPARE(projected, loggedCounts(store));
        auto projection = std::make_shared<CountProjection>();
        QVERIFY(store.registerInlineProjection(projection));
        QCOMPARE(projection->applied, 0);  // nothing to catch up
        QVERIFY(store.rebuildProjections());
        QCOMPARE(projectedCounts(store.database()), projected);
    }
};

QTEST_GUILESS_MAIN(TestEventStoreCrash)
#include "tst_eventstore_crash.moc"
