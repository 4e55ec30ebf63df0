// Two writers on one stream, as two connections in two threads and as separate processes:
// optimistic concurrency must lose no update and leave versions and positions gap-free.
#include "estestsupport.h"

#include <QProcess>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <thread>

using namespace Billstream;
using namespace EsTest;

namespace {

const QString T = QStringLiteral("t");  // the tenant es_worker writes to

// Appends `count` events to `stream` with the version it last read, re-reading after each conflict.
int appendRacing(const QString &file, const QString &anchor, const QString &stream, int count, const QString &tag,
                 QString *error)
{
    StoreOptions o;
    o.anchorPath = anchor;
    o.busyTimeoutMs = 30000;
    auto store = SqliteEventStore::open(file, o);
    if (!store) {
        *error = store.error().toLine();
        return -1;
    }
    int conflicts = 0;
    for (int i = 0; i < count;) {
        const qint64 version = (*store)->streamVersion(T, stream).value_or(-1);
        const Result<AppendResult> r = (*store)->append(
            request(T, QStringLiteral("counter"), stream, ExpectedVersion::exact(version),
                    {newEvent(QStringLiteral("Counted"), {{QStringLiteral("worker"), tag}, {QStringLiteral("i"), i}})}));
        if (r) {
            ++i;
        } else if (r.error().kind == ErrorKind::ConcurrentModification) {
            ++conflicts;
        } else {
            *error = r.error().toLine();
            return -1;
        }
    }
    return conflicts;
}

} // namespace

class TestEventStoreConcurrency : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    QString file() const { return m_dir->filePath(QStringLiteral("store.sqlite")); }
    QString anchor() const { return m_dir->filePath(QStringLiteral("anchor.json")); }

    // Exactly one event per version, each (worker, i) once, positions 1..n without gaps.
    void checkLog(const QStringList &tags, int perWorker)
    {
        StoreOptions o;
        o.anchorPath = anchor();
        auto store = SqliteEventStore::open(file(), o);
        QVERIFY(store);
        const int total = int(tags.size()) * perWorker;
        const QList<RecordedEvent> events = *(*store)->readStream(T, QStringLiteral("shared"));
        QCOMPARE(events.size(), total);
        QSet<QString> seen;
        for (int v = 0; v < total; ++v) {
            const RecordedEvent &e = events.at(v);
            QCOMPARE(e.version, v + 1);
            const QString key = e.payload.value(QStringLiteral("worker")).toString() + QLatin1Char('#')
                + QString::number(e.payload.value(QStringLiteral("i")).toInt());
            QVERIFY2(!seen.contains(key), qPrintable(key));
            seen.insert(key);
        }
        for (const QString &tag : tags) {
            for (int i = 0; i < perWorker; ++i)
                QVERIFY(seen.contains(tag + QLatin1Char('#') + QString::number(i)));
        }
        const QList<RecordedEvent> all = *(*store)->readAllTenants(1, 0);
        QCOMPARE(all.size(), total);
        for (int p = 0; p < total; ++p)
            QCOMPARE(all.at(p).position, p + 1);
        QCOMPARE(*(*store)->headPosition(), total);
        QCOMPARE(*(*store)->streamVersion(T, QStringLiteral("shared")), total);
        const VerifyReport report = *(*store)->verify(anchor());
        QVERIFY2(report.ok, qPrintable(report.problems.join(QLatin1Char('\n'))));
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        // Created once up front, so the racers only ever append.
        StoreOptions o;
        o.anchorPath = anchor();
        QVERIFY(SqliteEventStore::open(file(), o));
    }

    void twoConnectionsInTwoThreads()
    {
        const int perThread = 150;
        int conflicts[2] = {0, 0};
        QString errors[2];
        std::atomic<int> ready{0};
        std::thread threads[2];
        for (int t = 0; t < 2; ++t) {
            threads[t] = std::thread([&, t] {
                ++ready;
                while (ready.load() < 2) {
                }
                conflicts[t] = appendRacing(file(), anchor(), QStringLiteral("shared"), perThread,
                                            QStringLiteral("thread%1").arg(t), &errors[t]);
            });
        }
        for (std::thread &th : threads)
            th.join();
        for (int t = 0; t < 2; ++t)
            QVERIFY2(conflicts[t] >= 0, qPrintable(errors[t]));
        qInfo("conflicts: %d and %d", conflicts[0], conflicts[1]);
        checkLog({QStringLiteral("thread0"), QStringLiteral("thread1")}, perThread);
    }

    void threeProcesses()
    {
        const int perProcess = 100;
        QStringList tags;
        std::vector<std::unique_ptr<QProcess>> workers;
        for (int w = 0; w < 3; ++w) {
            tags << QStringLiteral("process%1").arg(w);
            auto p = std::make_unique<QProcess>();
            p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
            p->start(QStringLiteral(ES_WORKER_PATH), {QStringLiteral("race"), file(), anchor(), QStringLiteral("shared"),
                                                      QString::number(perProcess), tags.last()});
            QVERIFY(p->waitForStarted());
            workers.push_back(std::move(p));
        }
        for (auto &p : workers) {
            QVERIFY(p->waitForFinished(300000));
            QCOMPARE(p->exitStatus(), QProcess::NormalExit);
            QCOMPARE(p->exitCode(), 0);
            qInfo("%s", p->readAllStandardOutput().trimmed().constData());
        }
        checkLog(tags, perProcess);
    }
};

QTEST_GUILESS_MAIN(TestEventStoreConcurrency)
#include "tst_eventstore_concurrency.moc"
