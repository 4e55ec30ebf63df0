// SqliteEventStore: the hash chain check and the head anchor recorded outside the store.
//
// A chain cannot reveal its own newest events being cut off, nor a wholesale rewrite with fresh
// hashes (QUALITY.md), so after each commit the head (position, hash) is also written to a small
// file in the user's data folder. It is a lower bound: verify requires the event at the anchor's
// position to exist and to have the anchor's hash.
#include "core/es/sqliteeventstore_p.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QStandardPaths>

#include <sqlite3.h>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Billstream {

namespace {

constexpr int MaxProblems = 200;
// The anchor's size on disk; a canonical store path longer than about 350 bytes makes it longer.
constexpr qsizetype AnchorRecordSize = 512;

struct Anchor
{
    qint64 position = 0;
    QByteArray hash;
    QString store;
};

std::optional<Anchor> readAnchor(const QString &file, QString *why)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        *why = f.errorString();
        return std::nullopt;
    }
    // Shared against the exclusive lock every writer holds while it changes the record, so the
    // record is never read half written.
    const int fd = f.handle();
    while (::flock(fd, LOCK_SH) != 0 && errno == EINTR) {
    }
    const QByteArray record = f.read(1 << 20);
    ::flock(fd, LOCK_UN);
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(record, &parseError);
    const QJsonObject o = doc.object();
    Anchor a;
    a.position = o.value(QStringLiteral("position")).toInteger(-1);
    a.hash = QByteArray::fromHex(o.value(QStringLiteral("hash")).toString().toLatin1());
    a.store = o.value(QStringLiteral("store")).toString();
    if (parseError.error != QJsonParseError::NoError || a.position < 0 || (a.position > 0 && a.hash.size() != 32)) {
        *why = QStringLiteral("it is not a Billstream anchor");
        return std::nullopt;
    }
    return a;
}

// Collects problems, remembering the earliest broken position and keeping the list readable.
struct Findings
{
    VerifyReport &report;
    qint64 total = 0;

    void add(qint64 position, const QString &sentence)
    {
        report.ok = false;
        if (position > 0 && (report.firstBrokenPosition == 0 || position < report.firstBrokenPosition))
            report.firstBrokenPosition = position;
        if (++total <= MaxProblems)
            report.problems << sentence;
    }
};

struct StreamSeen
{
    QString type;
    qint64 version = 0;
    qint64 lastPosition = 0;
};

} // namespace

QString SqliteEventStore::defaultAnchorPath(const QString &storePath)
{
    QFileInfo info(storePath);
    QString canonical = info.canonicalFilePath();
    if (canonical.isEmpty())
        canonical = info.absoluteFilePath();
    const QByteArray key = QCryptographicHash::hash(canonical.toUtf8(), QCryptographicHash::Sha1).toHex();
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/anchors/")
        + QString::fromLatin1(key) + QStringLiteral(".json");
}

QString SqliteEventStore::Private::anchorFile() const
{
    return options.anchorPath.isEmpty() ? defaultAnchorPath(canonicalPath.isEmpty() ? path : canonicalPath)
                                        : options.anchorPath;
}

// Overwritten in place as one fixed-size record, through a shared memory map of the file that
// stays open while the store is. Each commit changes the file's page in the page cache and
// nothing else: no new inode, no rename (a rename per append doubled the cost of a durable append
// on ext4), and no write(2), which stamps the file's modification time and so added the anchor's
// inode to the journal commit of the store's next fsync (about 40 µs of every durable append
// here). The kernel writes the page back on its own; the page cache is shared, so a crash of
// this process loses nothing. No fsync: after a power loss the anchor may be older, and an older
// head is still a valid lower bound. Before each write the file at the path is checked (two
// stat calls, which change nothing on disk): one removed or replaced by another program is
// opened again, and one truncated is never written through the map (that would be SIGBUS).
void SqliteEventStore::Private::recordAnchor(qint64 position, const QByteArray &hash)
{
    const QString file = anchorFile();
    const QJsonObject o{{QStringLiteral("format"), 1},
                        {QStringLiteral("store"), canonicalPath},
                        {QStringLiteral("position"), position},
                        {QStringLiteral("hash"), QString::fromLatin1(hash.toHex())}};
    QByteArray record = QJsonDocument(o).toJson(QJsonDocument::Compact);
    // JSON allows trailing white space, so the record pads to its fixed size.
    const qsizetype recordSize = std::max<qsizetype>(AnchorRecordSize, record.size() + 1);
    record.append(recordSize - record.size() - 1, ' ');
    record.append('\n');

    const auto failed = [&](const char *what) {
        qWarning("Could not %s %s to record the head of %s.", what, qPrintable(file), qPrintable(path));
        closeAnchor();  // tried again at the next commit
    };
    const QByteArray nativeFile = QFile::encodeName(file);
    struct stat atPath{};
    struct stat st{};
    if (anchorFd >= 0
        && (::stat(nativeFile.constData(), &atPath) != 0 || ::fstat(anchorFd, &st) != 0 || atPath.st_ino != st.st_ino
            || atPath.st_dev != st.st_dev)) {
        closeAnchor();  // removed or replaced by another program: write to what is at the path now
    }
    if (anchorFd < 0) {
        const QFileInfo info(file);
        if (!info.dir().exists() && !QDir().mkpath(info.absolutePath())) {
            qWarning("Could not create the folder %s for the head anchor of %s.", qPrintable(info.absolutePath()),
                     qPrintable(path));
            return;
        }
        anchorFd = ::open(nativeFile.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (anchorFd < 0)
            return failed("open");
    }
    // Two programs appending to one store write the one anchor: the record must never be a mix
    // of two, and the file is resized only under the lock (a lock of the whole file, independent
    // of SQLite's POSIX locks on the store).
    while (::flock(anchorFd, LOCK_EX) != 0) {
        if (errno != EINTR)
            return failed("lock");
    }
    const auto unlock = qScopeGuard([this, fd = anchorFd] {
        if (anchorFd == fd)  // failed() closes the file, which drops the lock with it
            ::flock(fd, LOCK_UN);
    });
    if (::fstat(anchorFd, &st) != 0)
        return failed("check");
    // Only a record of another length (another program, a longer path) makes the file differ.
    if (st.st_size != recordSize || anchorMapSize != recordSize) {
        if (anchorMap) {
            ::munmap(anchorMap, size_t(anchorMapSize));
            anchorMap = nullptr;
        }
        if (st.st_size != recordSize && ::ftruncate(anchorFd, recordSize) != 0)
            return failed("resize");
        void *map = ::mmap(nullptr, size_t(recordSize), PROT_READ | PROT_WRITE, MAP_SHARED, anchorFd, 0);
        if (map == MAP_FAILED)
            return failed("map");
        anchorMap = static_cast<char *>(map);
        anchorMapSize = recordSize;
    }
    std::memcpy(anchorMap, record.constData(), size_t(recordSize));
}

void SqliteEventStore::Private::closeAnchor()
{
    if (anchorMap)
        ::munmap(anchorMap, size_t(anchorMapSize));
    anchorMap = nullptr;
    anchorMapSize = 0;
    if (anchorFd >= 0)
        ::close(anchorFd);
    anchorFd = -1;
}

Result<VerifyReport> SqliteEventStore::verify(const QString &anchorPath)
{
    VerifyReport report;
    Findings findings{report};

    // The anchor first: which position's hash must be looked at during the walk.
    const QString anchorFile = anchorPath.isEmpty() ? d->anchorFile() : anchorPath;
    std::optional<Anchor> anchor;
    if (!QFileInfo::exists(anchorFile)) {
        if (!anchorPath.isEmpty())
            return fail(Error::failure(QStringLiteral("The anchor file %1 does not exist.").arg(anchorFile)));
        report.notes << QStringLiteral("No head of %1 was recorded outside it yet (no anchor file %2), so removed "
                                       "newest events could not be detected.")
                            .arg(d->path, anchorFile);
    } else {
        QString why;
        anchor = readAnchor(anchorFile, &why);
        if (!anchor) {
            if (!anchorPath.isEmpty())
                return fail(Error::failure(QStringLiteral("The anchor file %1 cannot be used: %2.").arg(anchorFile, why)));
            report.notes << QStringLiteral("The anchor file %1 cannot be used (%2).").arg(anchorFile, why);
        } else if (!anchor->store.isEmpty() && anchor->store != d->canonicalPath) {
            report.notes << QStringLiteral("The anchor file %1 was recorded for %2.").arg(anchorFile, anchor->store);
        }
    }

    // One read transaction: the walk and the streams table see the same moment of the log.
    const bool ownRead = sqlite3_get_autocommit(d->db) != 0;
    if (ownRead) {
        if (Status s = d->exec("BEGIN", QStringLiteral("verify the store")); !s)
            return fail(s.error());
    }
    const auto endRead = [&] {
        if (ownRead)
            sqlite3_exec(d->db, "COMMIT", nullptr, nullptr, nullptr);
    };

    // SQLite's own page-level check first: large stores skip it when opened (StoreOptions).
    {
        SqliteStatement check;
        int checkRc = check.prepare(d->db, "PRAGMA quick_check(5)");
        QStringList damage;
        while (checkRc == SQLITE_OK || checkRc == SQLITE_ROW) {
            checkRc = check.step();
            if (checkRc == SQLITE_ROW && check.text(0) != QStringLiteral("ok"))
                damage << check.text(0);
        }
        if (checkRc != SQLITE_DONE)
            damage << QString::fromUtf8(sqlite3_errmsg(d->db));
        if (!damage.isEmpty()) {
            report.ok = false;
            report.problems << QStringLiteral("The file %1 is damaged: %2.").arg(d->path, damage.join(QStringLiteral("; ")));
        }
    }

    SqliteStatement walk;
    int rc = walk.prepare(d->db, "SELECT " BILLSTREAM_EVENT_COLUMNS " FROM events ORDER BY position");
    if (rc != SQLITE_OK) {
        endRead();
        return fail(d->sqliteError(rc, QStringLiteral("verify the store")));
    }
    QHash<QString, StreamSeen> streams;
    QByteArray previousHash;
    QByteArray scratch;
    QByteArray anchoredHash;
    qint64 expected = 1;
    qint64 lastRecordedAt = std::numeric_limits<qint64>::min();
    qint64 lastRecordedPosition = 0;
    while ((rc = walk.step()) == SQLITE_ROW) {
        const qint64 position = walk.int64(0);
        const QByteArray storedHash = walk.blob(11);
        bool gap = false;
        if (position != expected) {
            gap = true;
            if (position > expected) {
                findings.add(expected, position == expected + 1
                                           ? QStringLiteral("The event at position %1 is missing: it was deleted.").arg(expected)
                                           : QStringLiteral("The events at positions %1 to %2 are missing: they were deleted.")
                                                 .arg(expected)
                                                 .arg(position - 1));
            } else {
                findings.add(position, QStringLiteral("Position %1 appears out of order after position %2.")
                                           .arg(position)
                                           .arg(expected - 1));
            }
        }
        const QByteArray computed = computeEventHash(
            {previousHash, position, walk.textView(1), walk.textView(2), walk.textView(3), walk.int64(4),
             walk.textView(5), walk.textView(6), walk.int64(7), walk.textView(8), walk.textView(9), walk.int64(10)},
            scratch);
        // Right after a gap the link is broken by the deletion already reported.
        if (computed != storedHash && !gap) {
            findings.add(position, QStringLiteral("The event at position %1 does not match its hash: it was changed, "
                                                  "moved to this position, or an event before it was replaced.")
                                       .arg(position));
        }

        const QString tenant = walk.text(1);
        const QString streamId = walk.text(3);
        const QString type = walk.text(2);
        const qint64 version = walk.int64(4);
        StreamSeen &seen = streams[tenant + QChar(0x1f) + streamId];
        if (version != seen.version + 1) {
            findings.add(position, QStringLiteral("Stream %1 of tenant %2 goes from version %3 to version %4 at "
                                                  "position %5.")
                                       .arg(streamId, tenant)
                                       .arg(seen.version)
                                       .arg(version)
                                       .arg(position));
        }
        if (!seen.type.isEmpty() && seen.type != type) {
            findings.add(position, QStringLiteral("Stream %1 of tenant %2 changes its type from %3 to %4 at "
                                                  "position %5.")
                                       .arg(streamId, tenant, seen.type, type)
                                       .arg(position));
        }
        seen.type = type;
        seen.version = version;
        seen.lastPosition = position;

        const qint64 recordedAt = walk.int64(10);
        if (recordedAt < lastRecordedAt) {
            findings.add(position, QStringLiteral("The event at position %1 was recorded before the one at position "
                                                  "%2: recorded times go back.")
                                       .arg(position)
                                       .arg(lastRecordedPosition));
        }
        lastRecordedAt = std::max(lastRecordedAt, recordedAt);
        lastRecordedPosition = position;

        if (anchor && position == anchor->position)
            anchoredHash = storedHash;
        previousHash = storedHash;
        expected = position + 1;
        ++report.eventsChecked;
        report.headPosition = position;
        report.headHash = storedHash;
    }
    if (rc != SQLITE_DONE) {
        const Error e = d->sqliteError(rc, QStringLiteral("verify the store"));
        walk = SqliteStatement();
        endRead();
        return fail(e);
    }
    walk = SqliteStatement();

    // The streams table decides expected versions: it must agree with the log.
    SqliteStatement table;
    rc = table.prepare(d->db, "SELECT tenant, stream_id, stream_type, version FROM streams");
    QSet<QString> listed;
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        rc = table.step();
        if (rc != SQLITE_ROW)
            break;
        const QString tenant = table.text(0);
        const QString streamId = table.text(1);
        const QString key = tenant + QChar(0x1f) + streamId;
        listed.insert(key);
        const auto it = streams.constFind(key);
        if (it == streams.cend()) {
            findings.add(0, QStringLiteral("The streams table lists stream %1 of tenant %2 at version %3, but the log "
                                           "has no event of it.")
                                .arg(streamId, tenant)
                                .arg(table.int64(3)));
        } else if (it->version != table.int64(3) || it->type != table.text(2)) {
            findings.add(it->lastPosition, QStringLiteral("The streams table says stream %1 of tenant %2 is a %3 at "
                                                          "version %4, but the log has a %5 at version %6 (last "
                                                          "event at position %7).")
                                               .arg(streamId, tenant, table.text(2))
                                               .arg(table.int64(3))
                                               .arg(it->type)
                                               .arg(it->version)
                                               .arg(it->lastPosition));
        }
    }
    if (rc != SQLITE_DONE) {
        const Error e = d->sqliteError(rc, QStringLiteral("verify the streams table"));
        table = SqliteStatement();
        endRead();
        return fail(e);
    }
    table = SqliteStatement();
    endRead();
    for (auto it = streams.cbegin(); it != streams.cend(); ++it) {
        if (!listed.contains(it.key())) {
            const QStringList parts = it.key().split(QChar(0x1f));
            findings.add(it->lastPosition, QStringLiteral("Stream %1 of tenant %2 has events up to position %3 but is "
                                                          "missing from the streams table.")
                                               .arg(parts.value(1), parts.value(0))
                                               .arg(it->lastPosition));
        }
    }

    if (anchor && anchor->position > 0) {
        if (report.headPosition < anchor->position) {
            findings.add(report.headPosition + 1,
                         QStringLiteral("The log ends at position %1, but position %2 was recorded as committed in %3: "
                                        "the newest events were removed.")
                             .arg(report.headPosition)
                             .arg(anchor->position)
                             .arg(anchorFile));
        } else if (anchoredHash != anchor->hash) {
            findings.add(anchor->position, QStringLiteral("The event at position %1 has another hash than the one "
                                                          "recorded in %2: the log was rewritten.")
                                               .arg(anchor->position)
                                               .arg(anchorFile));
        }
    }
    if (findings.total > MaxProblems)
        report.problems << QStringLiteral("… and %1 more problems.").arg(findings.total - MaxProblems);
    return report;
}

} // namespace Billstream
