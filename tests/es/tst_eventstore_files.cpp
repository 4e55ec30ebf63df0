// SqliteEventStore and its files: bad and foreign stores, permissions, locks, modes, tampering.
// Whatever is wrong, the store reports it in a sentence naming the file and changes nothing.
#include "estestsupport.h"

#include <QCryptographicHash>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace Billstream;
using namespace EsTest;

namespace {

const QString T = QStringLiteral("acme");

struct FileState
{
    QByteArray sha256;
    qint64 size = -1;
    qint64 mtimeNs = 0;
    bool operator==(const FileState &) const = default;
};

FileState fileState(const QString &path)
{
    FileState s;
    QFile f(path);
    if (f.open(QIODevice::ReadOnly))
        s.sha256 = QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
    struct stat st{};
    if (::stat(QFile::encodeName(path).constData(), &st) == 0) {
        s.size = st.st_size;
        s.mtimeNs = qint64(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    }
    return s;
}

int modeOf(const QString &path)
{
    struct stat st{};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
}

bool sqliteShell(const QString &path, const QString &sql, QString *output = nullptr)
{
    QProcess p;
    p.start(QStringLiteral("sqlite3"), {path, sql});
    if (!p.waitForFinished(30000))
        return false;
    const QByteArray out = p.readAllStandardOutput();
    const QByteArray err = p.readAllStandardError();
    if (output)
        *output = QString::fromUtf8(out + err);
    else if (p.exitCode() != 0)
        qWarning("sqlite3: %s", err.constData());
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

struct WorkerRun
{
    int exitCode = -1;
    QStringList lines;
    QString line(const QString &prefix) const
    {
        for (const QString &l : lines) {
            if (l.startsWith(prefix))
                return l;
        }
        return {};
    }
};

WorkerRun runWorker(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral(ES_WORKER_PATH), args);
    WorkerRun run;
    if (!p.waitForFinished(60000))
        return run;
    run.exitCode = p.exitCode();
    run.lines = QString::fromUtf8(p.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    const QByteArray err = p.readAllStandardError();
    if (!err.isEmpty())
        qWarning("es_worker: %s", err.constData());
    return run;
}

} // namespace

class TestEventStoreFiles : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;

    QString path(const QString &name) const { return m_dir->filePath(name); }
    StoreOptions options(bool readOnly = false) const
    {
        StoreOptions o;
        o.readOnly = readOnly;
        o.anchorPath = path(QStringLiteral("anchor.json"));
        return o;
    }
    // A closed store with `events` events alternating over two streams.
    void makeStore(const QString &file, int events, int payloadSize = 10)
    {
        auto store = SqliteEventStore::open(file, options());
        QVERIFY2(store, store ? "" : qPrintable(store.error().toLine()));
        for (int i = 0; i < events; ++i) {
            const Result<AppendResult> r = (*store)->append(
                request(T, QStringLiteral("c"), QStringLiteral("s%1").arg(i % 2), ExpectedVersion::any(),
                        {newEvent(QStringLiteral("E"), {{QStringLiteral("n"), i},
                                                        {QStringLiteral("text"), QString(payloadSize, QLatin1Char('p'))}})}));
            QVERIFY(r);
        }
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void badStores_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("text file") << "text" << "not an SQLite database";
        QTest::newRow("random bytes") << "random" << "not an SQLite database";
        QTest::newRow("short file") << "short" << "not an SQLite database";
        QTest::newRow("SQLite magic, random rest") << "magic" << "";
        QTest::newRow("truncated at a page") << "truncated-page" << "truncated";
        QTest::newRow("truncated mid-page") << "truncated-mid" << "truncated";
        QTest::newRow("damaged page") << "damaged" << "damaged";
        QTest::newRow("newer format") << "newer" << "format version 2";
        QTest::newRow("foreign application id") << "foreign" << "another program";
        QTest::newRow("SQLite without our mark") << "unmarked" << "without Billstream's mark";
    }

    void badStores()
    {
        QFETCH(QString, kind);
        QFETCH(QString, mentions);
        const QString file = path(QStringLiteral("bad.sqlite"));
        QRandomGenerator random(4711);
        const auto write = [&](const QByteArray &bytes) {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(bytes);
        };
        const auto randomBytes = [&](int n) {
            QByteArray b(n, Qt::Uninitialized);
            for (char &c : b)
                c = char(random.bounded(256));
            return b;
        };
        if (kind == QLatin1String("text")) {
            write(QByteArray("Dear customer,\nthis is an invoice, not a database.\n").repeated(100));
        } else if (kind == QLatin1String("random")) {
            write(randomBytes(8192));
        } else if (kind == QLatin1String("short")) {
            write("SQLite format 3");
        } else if (kind == QLatin1String("magic")) {
            write(QByteArray("SQLite format 3\0", 16) + randomBytes(8192 - 16));
        } else if (kind.startsWith(QLatin1String("truncated")) || kind == QLatin1String("damaged")) {
            makeStore(file, 400, 200);
            QFile f(file);
            QVERIFY(f.open(QIODevice::ReadWrite));
            const qint64 size = f.size();
            QVERIFY2(size >= 16 * 4096, qPrintable(QString::number(size)));
            if (kind == QLatin1String("truncated-page")) {
                QVERIFY(f.resize(size / 2 / 4096 * 4096));
            } else if (kind == QLatin1String("truncated-mid")) {
                QVERIFY(f.resize(size / 2 + 100));
            } else {
                // Scribble over the middle of the file: b-tree pages, not the header.
                f.seek(size / 2);
                f.write(randomBytes(3 * 4096));
            }
        } else if (kind == QLatin1String("newer")) {
            makeStore(file, 3);
            QVERIFY(sqliteShell(file, QStringLiteral("PRAGMA user_version = 2;")));
        } else if (kind == QLatin1String("foreign")) {
            QVERIFY(sqliteShell(file, QStringLiteral("PRAGMA application_id = 1234; CREATE TABLE notes (x);")));
        } else if (kind == QLatin1String("unmarked")) {
            QVERIFY(sqliteShell(file, QStringLiteral("CREATE TABLE notes (x); INSERT INTO notes VALUES (1);")));
        }
        QVERIFY(QFileInfo::exists(file));
        const FileState before = fileState(file);

        for (const bool readOnly : {false, true}) {
            const auto store = SqliteEventStore::open(file, options(readOnly));
            QVERIFY2(!store, qPrintable(kind));
            QCOMPARE(store.error().kind, ErrorKind::Failure);
            const QString message = store.error().message;
            QVERIFY2(message.contains(file), qPrintable(message));
            QVERIFY2(message.contains(mentions), qPrintable(message));
            QVERIFY2(!message.contains(QLatin1Char('\n')), qPrintable(message));
            QCOMPARE(fileState(file), before);
        }
    }

    void missingAndOddPaths()
    {
        const QString missing = path(QStringLiteral("nothing-here.sqlite"));
        StoreOptions noCreate = options();
        noCreate.createIfMissing = false;
        for (const StoreOptions &o : {options(true), noCreate}) {
            const auto store = SqliteEventStore::open(missing, o);
            QVERIFY(!store);
            QCOMPARE(store.error().kind, ErrorKind::NotFound);
            QVERIFY(store.error().message.contains(missing));
            QVERIFY(!QFileInfo::exists(missing));
        }
        QCOMPARE(SqliteEventStore::open(QString()).error().kind, ErrorKind::UsageError);

        const auto folder = SqliteEventStore::open(m_dir->path(), options());
        QVERIFY(!folder);
        QVERIFY(folder.error().message.contains(QStringLiteral("folder")));

        const QString empty = path(QStringLiteral("empty.sqlite"));
        QFile(empty).open(QIODevice::WriteOnly);
        const auto emptyRead = SqliteEventStore::open(empty, options(true));
        QVERIFY(!emptyRead);
        QCOMPARE(emptyRead.error().kind, ErrorKind::Failure);
        QVERIFY(emptyRead.error().message.contains(QStringLiteral("empty")));
        QCOMPARE(QFileInfo(empty).size(), 0);
        // Opened for writing, an empty file becomes a store.
        QVERIFY(SqliteEventStore::open(empty, options()));

        // A missing folder is created along with the store.
        const QString nested = path(QStringLiteral("a/b/store.sqlite"));
        auto created = SqliteEventStore::open(nested, options());
        QVERIFY(created);
        QCOMPARE((*created)->path(), nested);
        QVERIFY(!(*created)->isReadOnly());
    }

    void newStoresAreOwnerOnly()
    {
        const QString file = path(QStringLiteral("private.sqlite"));
        const mode_t old = ::umask(022);  // the usual default, which would give 0644
        auto store = SqliteEventStore::open(file, options());
        ::umask(old);
        QVERIFY(store);
        QVERIFY((*store)->append(request(T, QStringLiteral("c"), QStringLiteral("s"), ExpectedVersion::any(),
                                         {newEvent(QStringLiteral("E"))})));
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
            QVERIFY2(QFileInfo::exists(file + suffix), qPrintable(suffix));
            QCOMPARE(modeOf(file + suffix), 0600);
        }
        // The format marks are set.
        store->reset();
        QString out;
        QVERIFY(sqliteShell(file, QStringLiteral("PRAGMA application_id; PRAGMA user_version; PRAGMA journal_mode;"), &out));
        QCOMPARE(out.split(QLatin1Char('\n'), Qt::SkipEmptyParts),
                 (QStringList{QString::number(SqliteEventStore::ApplicationId),
                              QString::number(SqliteEventStore::FormatVersion), QStringLiteral("wal")}));
    }

    void readOnlyOpenReadsAndRefusesWrites()
    {
        const QString file = path(QStringLiteral("store.sqlite"));
        makeStore(file, 6);
        const FileState before = fileState(file);
        auto store = SqliteEventStore::open(file, options(true));
        QVERIFY2(store, store ? "" : qPrintable(store.error().toLine()));
        QVERIFY((*store)->isReadOnly());
        QCOMPARE(*(*store)->headPosition(), 6);
        QCOMPARE((*store)->readStream(T, QStringLiteral("s0"))->size(), 3);
        QVERIFY((*store)->verify()->ok);
        const Result<AppendResult> r = (*store)->append(
            request(T, QStringLiteral("c"), QStringLiteral("s0"), ExpectedVersion::any(), {newEvent(QStringLiteral("E"))}));
        QVERIFY(!r);
        QCOMPARE(r.error().kind, ErrorKind::Failure);
        QVERIFY2(r.error().message.contains(file) && r.error().message.contains(QStringLiteral("read-only")),
                 qPrintable(r.error().message));
        QVERIFY(!(*store)->saveSnapshot(T, QStringLiteral("s0"), Snapshot{}));
        QVERIFY(!(*store)->writeTransaction([](QSqlDatabase &) { return Status(); }));
        QVERIFY(!(*store)->rebuildProjections());
        store->reset();
        QCOMPARE(fileState(file), before);
    }

    void readOnlyFile()
    {
        QDir().mkpath(path(QStringLiteral("sub")));
        const QString file = path(QStringLiteral("sub/store.sqlite"));
        makeStore(file, 4);
        QVERIFY(::chmod(QFile::encodeName(file).constData(), 0400) == 0);
        const FileState before = fileState(file);

        // Reading works for anyone who may read, root included.
        {
            auto store = SqliteEventStore::open(file, options(true));
            QVERIFY2(store, store ? "" : qPrintable(store.error().toLine()));
            QCOMPARE(*(*store)->headPosition(), 4);
        }
        // Writing is refused by the file's mode: as another user when we are root.
        const QStringList asOther = prepareForOtherUser(path(QStringLiteral("sub")), 0700);
        WorkerRun read = runWorker(QStringList{QStringLiteral("probe"), file, QStringLiteral("read")} + asOther);
        QCOMPARE(read.exitCode, 0);
        QCOMPARE(read.line(QStringLiteral("head")), QStringLiteral("head 4 events 4"));
        WorkerRun write = runWorker(QStringList{QStringLiteral("probe"), file, QStringLiteral("write")} + asOther);
        QCOMPARE(write.exitCode, 0);
        QCOMPARE(write.line(QStringLiteral("readonly")), QStringLiteral("readonly 1"));
        QCOMPARE(write.line(QStringLiteral("head")), QStringLiteral("head 4 events 4"));
        const QString refused = write.line(QStringLiteral("append-error"));
        QVERIFY2(refused.contains(QStringLiteral("Failure")) && refused.contains(file)
                     && refused.contains(QStringLiteral("the file is read-only")),
                 qPrintable(write.lines.join(QLatin1Char('|'))));
        QCOMPARE(fileState(file), before);
    }

    void readOnlyFolder()
    {
        const QString folder = path(QStringLiteral("ro"));
        QDir().mkpath(folder);
        const QString file = folder + QStringLiteral("/store.sqlite");
        makeStore(file, 5);
        // A cleanly closed store leaves no -wal or -shm; none can be created in this folder.
        QVERIFY(!QFileInfo::exists(file + QStringLiteral("-wal")));
        QVERIFY(!QFileInfo::exists(file + QStringLiteral("-shm")));
        const FileState before = fileState(file);
        const QStringList asOther = prepareForOtherUser(folder, 0555);

        WorkerRun read = runWorker(QStringList{QStringLiteral("probe"), file, QStringLiteral("read")} + asOther);
        QCOMPARE(read.exitCode, 0);
        QVERIFY2(read.line(QStringLiteral("head")) == QStringLiteral("head 5 events 5"),
                 qPrintable(read.lines.join(QLatin1Char('|'))));
        WorkerRun write = runWorker(QStringList{QStringLiteral("probe"), file, QStringLiteral("write")} + asOther);
        QCOMPARE(write.line(QStringLiteral("readonly")), QStringLiteral("readonly 1"));
        QCOMPARE(write.line(QStringLiteral("head")), QStringLiteral("head 5 events 5"));
        const QString refused = write.line(QStringLiteral("append-error"));
        QVERIFY2(refused.contains(QStringLiteral("folder")) && refused.contains(QStringLiteral("read-only")),
                 qPrintable(write.lines.join(QLatin1Char('|'))));
        QCOMPARE(QDir(folder).entryList(QDir::Files), QStringList{QStringLiteral("store.sqlite")});
        QCOMPARE(fileState(file), before);
        ::chmod(QFile::encodeName(folder).constData(), 0755);
    }

    void lockedByAnotherWriter()
    {
        const QString file = path(QStringLiteral("store.sqlite"));
        makeStore(file, 2);
        StoreOptions impatient = options();
        impatient.busyTimeoutMs = 200;
        auto holder = SqliteEventStore::open(file, options());
        auto waiter = SqliteEventStore::open(file, impatient);
        QVERIFY(holder && waiter);

        Result<AppendResult> blocked = fail(Error::failure(QStringLiteral("not run")));
        qint64 headWhileLocked = -1;
        bool openedWhileLocked = false;
        QVERIFY((*holder)->writeTransaction([&](QSqlDatabase &) -> Status {
            blocked = (*waiter)->append(request(T, QStringLiteral("c"), QStringLiteral("s0"), ExpectedVersion::any(),
                                                {newEvent(QStringLiteral("E"))}));
            headWhileLocked = (*waiter)->headPosition().value_or(-1);
            openedWhileLocked = SqliteEventStore::open(file, impatient).has_value();
            return {};
        }));
        QVERIFY(!blocked);
        QCOMPARE(blocked.error().kind, ErrorKind::Failure);
        QVERIFY2(blocked.error().message.contains(QStringLiteral("locked")) && blocked.error().message.contains(file),
                 qPrintable(blocked.error().message));
        QCOMPARE(headWhileLocked, 2);  // readers are not blocked by a writer
        QVERIFY(openedWhileLocked);

        // Once the lock is gone the same append goes through.
        QVERIFY((*waiter)->append(request(T, QStringLiteral("c"), QStringLiteral("s0"), ExpectedVersion::any(),
                                          {newEvent(QStringLiteral("E"))})));
        QCOMPARE(*(*holder)->headPosition(), 3);
        QVERIFY((*holder)->verify()->ok);
    }

    void tamperingIsDetected_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<qint64>("firstBroken");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("edited payload")
            << "DROP TRIGGER events_no_update; UPDATE events SET payload = '{\"n\":99}' WHERE position = 5;" << qint64(5)
            << QStringList{QStringLiteral("position 5")};
        QTest::newRow("edited recorded time")
            << "DROP TRIGGER events_no_update; UPDATE events SET recorded_at = recorded_at + 1 WHERE position = 6;"
            << qint64(6) << QStringList{QStringLiteral("position 6")};
        QTest::newRow("deleted event")
            << "DROP TRIGGER events_no_delete; DELETE FROM events WHERE position = 4;" << qint64(4)
            << QStringList{QStringLiteral("position 4"), QStringLiteral("deleted")};
        QTest::newRow("deleted and renumbered")
            << "DROP TRIGGER events_no_delete; DROP TRIGGER events_no_update; DELETE FROM events WHERE position = 4;"
               " UPDATE events SET position = position - 1 WHERE position > 4;"
            << qint64(4) << QStringList{QStringLiteral("position 4")};
        QTest::newRow("swapped events")
            << "DROP TRIGGER events_no_update; UPDATE events SET position = -3 WHERE position = 3;"
               " UPDATE events SET position = 3 WHERE position = 7; UPDATE events SET position = 7 WHERE position = -3;"
            << qint64(3) << QStringList{QStringLiteral("position 3"), QStringLiteral("position 7")};
        QTest::newRow("newest events cut off")
            << "DROP TRIGGER events_no_delete; DELETE FROM events WHERE position > 8;"
               " UPDATE streams SET version = (SELECT max(version) FROM events e"
               " WHERE e.tenant = streams.tenant AND e.stream_id = streams.stream_id);"
            << qint64(9) << QStringList{QStringLiteral("position 8"), QStringLiteral("position 10"), QStringLiteral("removed")};
        QTest::newRow("streams table behind")
            << "UPDATE streams SET version = 2 WHERE stream_id = 's0';" << qint64(9)
            << QStringList{QStringLiteral("streams table"), QStringLiteral("s0")};
    }

    void tamperingIsDetected()
    {
        QFETCH(QString, sql);
        QFETCH(qint64, firstBroken);
        QFETCH(QStringList, mentions);
        const QString file = path(QStringLiteral("store.sqlite"));
        makeStore(file, 10);
        QVERIFY(sqliteShell(file, sql));

        auto store = SqliteEventStore::open(file, options(true));
        QVERIFY2(store, store ? "" : qPrintable(store.error().toLine()));
        const Result<VerifyReport> report = (*store)->verify(options().anchorPath);
        QVERIFY(report);
        QVERIFY(!report->ok);
        QCOMPARE(report->firstBrokenPosition, firstBroken);
        const QString all = report->problems.join(QLatin1Char('\n'));
        for (const QString &m : mentions)
            QVERIFY2(all.contains(m), qPrintable(all));
    }

    void cutOffNeedsTheAnchor()
    {
        // The chain alone cannot see its newest events removed: that is what the anchor is for.
        const QString file = path(QStringLiteral("store.sqlite"));
        makeStore(file, 10);
        QVERIFY(sqliteShell(file, QStringLiteral("DROP TRIGGER events_no_delete; DELETE FROM events WHERE position > 8;"
                                                 " UPDATE streams SET version = 4;")));
        StoreOptions noAnchor = options(true);
        noAnchor.anchorPath = path(QStringLiteral("never-written.json"));
        auto store = SqliteEventStore::open(file, noAnchor);
        QVERIFY(store);
        const VerifyReport blind = *(*store)->verify();
        QVERIFY(blind.ok);
        QCOMPARE(blind.notes.size(), 1);
        const VerifyReport anchored = *(*store)->verify(options().anchorPath);
        QVERIFY(!anchored.ok);
        QCOMPARE(anchored.firstBrokenPosition, 9);
    }

    void triggersHoldAgainstTheShell()
    {
        const QString file = path(QStringLiteral("store.sqlite"));
        makeStore(file, 3);
        QString out;
        QVERIFY(!sqliteShell(file, QStringLiteral("UPDATE events SET payload = '{}' WHERE position = 1;"), &out));
        QVERIFY2(out.contains(QStringLiteral("events are append-only")), qPrintable(out));
        QVERIFY(!sqliteShell(file, QStringLiteral("DELETE FROM events;"), &out));
        auto store = SqliteEventStore::open(file, options(true));
        QVERIFY((*store)->verify()->ok);
    }

private:
    // Arguments that make es_worker run as "nobody" when we are root (root ignores file modes),
    // after handing it `folder`; otherwise the modes apply to us and no switch is needed.
    QStringList prepareForOtherUser(const QString &folder, int folderMode)
    {
        if (::geteuid() != 0) {
            ::chmod(QFile::encodeName(folder).constData(), mode_t(folderMode));
            return {};
        }
        // The temporary folder is root's 0700: let others through (not read) on the way down.
        ::chmod(QFile::encodeName(m_dir->path()).constData(), 0711);
        const QDir dir(folder);
        for (const QString &name : dir.entryList(QDir::Files)) {
            const QByteArray f = QFile::encodeName(dir.filePath(name));
            if (::chown(f.constData(), 65534, 65534) != 0)
                qWarning("chown %s failed", f.constData());
        }
        if (::chown(QFile::encodeName(folder).constData(), 65534, 65534) != 0)
            qWarning("chown %s failed", qPrintable(folder));
        ::chmod(QFile::encodeName(folder).constData(), mode_t(folderMode));
        return {QStringLiteral("--as-nobody")};
    }
};

QTEST_GUILESS_MAIN(TestEventStoreFiles)
#include "tst_eventstore_files.moc"
