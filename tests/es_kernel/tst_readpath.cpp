// The read path's shortcuts never change what is read: metadata of every shape round-trips,
// and a store too large for the check at open still has its damage found by verify().
#include "core/es/clock.h"
#include "core/es/payloadjson.h"
#include "core/es/sqliteeventstore.h"
#include "core/es/sqlitestatement.h"

#include <QFile>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

using namespace Billstream;

class TestReadPath : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    std::unique_ptr<SqliteEventStore> open(const QString &name, StoreOptions o = {})
    {
        o.anchorPath = m_dir.filePath(name + QStringLiteral(".anchor"));
        auto s = SqliteEventStore::open(m_dir.filePath(name), o);
        if (!s)
            qFatal("%s", qPrintable(s.error().message));
        return std::move(*s);
    }

private slots:
    void metadataRoundTrips_data()
    {
        QTest::addColumn<QString>("actor");
        QTest::newRow("plain") << QStringLiteral("cli:ann");
        QTest::newRow("empty") << QString();
        QTest::newRow("quote and backslash") << QStringLiteral("a \"quoted\" back\\slash");
        QTest::newRow("unicode") << QStringLiteral("Zoë 東京 🧾");
        QTest::newRow("control characters") << QStringLiteral("tab\there\nnewline");
        QTest::newRow("json-looking") << QStringLiteral("{\"actor\":\"x\"}");
    }

    void metadataRoundTrips()
    {
        QFETCH(QString, actor);
        auto store = open(QStringLiteral("meta-%1.sqlite").arg(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-')));
        AppendRequest r;
        r.tenantId = QStringLiteral("t");
        r.metadata.actor = actor;
        r.metadata.commandId = QStringLiteral("c-1");
        r.metadata.correlationId = QStringLiteral("corr");
        r.metadata.causationId = QStringLiteral("cause");
        r.streams = {StreamAppend{QStringLiteral("x"), QStringLiteral("s"), ExpectedVersion::any(),
                                  {NewEvent{QStringLiteral("Happened"), {{QStringLiteral("k"), 1}}, 1}}}};
        auto appended = store->append(r);
        QVERIFY(appended.has_value());
        auto read = store->readStream(QStringLiteral("t"), QStringLiteral("s"));
        QVERIFY(read.has_value());
        QCOMPARE(read->size(), 1);
        QCOMPARE(read->first().metadata.actor, actor);
        QCOMPARE(read->first().metadata.commandId, QStringLiteral("c-1"));
        QCOMPARE(read->first().metadata.correlationId, QStringLiteral("corr"));
        QCOMPARE(read->first().metadata.causationId, QStringLiteral("cause"));
        QCOMPARE(read->first().metadata, appended->events.first().metadata);
        QList<RecordedEvent> scanned;
        QVERIFY(store->scan({}, 1, -1, [&](const RecordedEvent &e) { scanned << e; return true; }).has_value());
        QCOMPARE(scanned.first().metadata, read->first().metadata);
    }

    void repeatedStringsStayDistinct()
    {
        auto store = open(QStringLiteral("strings.sqlite"));
        QList<AppendRequest> batch;
        for (int i = 0; i < 40; ++i) {
            AppendRequest r;
            r.tenantId = i % 3 ? QStringLiteral("t1") : QStringLiteral("t2");
            r.streams = {StreamAppend{i % 2 ? QStringLiteral("a") : QStringLiteral("b"), QStringLiteral("s%1").arg(i % 5),
                                      ExpectedVersion::any(), {NewEvent{QStringLiteral("E%1").arg(i % 4), {}, 1}}}};
            batch << r;
        }
        // Stream types must stay per stream: give each stream one type.
        for (AppendRequest &r : batch)
            r.streams.first().streamType = QStringLiteral("type-") + r.streams.first().streamId;
        QVERIFY(store->appendBatch(batch).has_value());
        qint64 i = 0;
        QVERIFY(store->scan({}, 1, -1, [&](const RecordedEvent &e) {
            const AppendRequest &r = batch.at(i++);
            return e.tenantId == r.tenantId && e.streamId == r.streams.first().streamId
                && e.streamType == r.streams.first().streamType && e.type == r.streams.first().events.first().type;
        }).has_value());
        QCOMPARE(i, 40);
    }

    // A replay reads what a scan reads, in the same order, except that each type's payload comes
    // as asked for (parsed, as stored, or not at all; asked once per type) and the hash is left out.
    void replayParsesOnlyTheWantedPayloads()
    {
        auto store = open(QStringLiteral("replay.sqlite"));
        QList<AppendRequest> batch;
        for (int i = 0; i < 30; ++i) {
            AppendRequest r;
            r.tenantId = i % 4 ? QStringLiteral("t1") : QStringLiteral("t2");
            r.metadata.actor = QStringLiteral("actor-%1").arg(i % 3);
            r.streams = {StreamAppend{QStringLiteral("x"), QStringLiteral("s%1").arg(i % 5), ExpectedVersion::any(),
                                      {NewEvent{i % 3 == 0   ? QStringLiteral("Skipped")
                                                : i % 3 == 1 ? QStringLiteral("Wanted")
                                                             : QStringLiteral("Stored"),
                                                {{QStringLiteral("i"), i}, {QStringLiteral("text"), QStringLiteral("Zoë")}},
                                                1}}}};
            batch << r;
        }
        QVERIFY(store->appendBatch(batch).has_value());
        QList<RecordedEvent> scanned;
        QVERIFY(store->scan({}, 1, -1, [&](const RecordedEvent &e) { scanned << e; return true; }).has_value());
        QCOMPARE(scanned.size(), 30);

        QStringList asked;
        SqliteEventStore::ReplayOptions options;
        options.payload = [&](const QString &type) {
            asked << type;
            using P = SqliteEventStore::Payload;
            return type == QStringLiteral("Wanted") ? P::Parsed : type == QStringLiteral("Stored") ? P::Stored : P::None;
        };
        QList<RecordedEvent> replayed;
        QVERIFY(store->replay(1, -1, options, [&](RecordedEvent &e) {
            replayed << std::move(e);
            return true;
        }).has_value());
        QCOMPARE(replayed.size(), scanned.size());
        asked.sort();
        QCOMPARE(asked, (QStringList{QStringLiteral("Skipped"), QStringLiteral("Stored"), QStringLiteral("Wanted")}));
        PayloadJson stored;
        for (qsizetype i = 0; i < scanned.size(); ++i) {
            const RecordedEvent &a = scanned.at(i);
            const RecordedEvent &b = replayed.at(i);
            QCOMPARE(b.position, a.position);
            QCOMPARE(b.tenantId, a.tenantId);
            QCOMPARE(b.streamType, a.streamType);
            QCOMPARE(b.streamId, a.streamId);
            QCOMPARE(b.version, a.version);
            QCOMPARE(b.eventId, a.eventId);
            QCOMPARE(b.type, a.type);
            QCOMPARE(b.schemaVersion, a.schemaVersion);
            QCOMPARE(b.metadata, a.metadata);
            QCOMPARE(b.recordedAt, a.recordedAt);
            QVERIFY(b.hash.isEmpty());
            QCOMPARE(b.payload, a.type == QStringLiteral("Wanted") ? a.payload : QJsonObject());
            if (a.type == QStringLiteral("Stored")) {
                // As stored: the same object, and read without QJsonDocument the same text.
                QCOMPARE(QJsonDocument::fromJson(b.payloadJson).object(), a.payload);
                QVERIFY(stored.parse(b.payloadJson));
                QCOMPARE(stored.string(QStringLiteral("text")), QStringLiteral("Zoë"));
                QVERIFY(stored.contains(QStringLiteral("i")));
                QVERIFY(stored.string(QStringLiteral("i")).isNull());  // a number, not a string
                // In place, as UTF-8: the same text; null where string() is null.
                QCOMPARE(stored.utf8(QStringLiteral("text")), QByteArrayView("Zo\xc3\xab"));
                QVERIFY(stored.utf8(QStringLiteral("i")).isNull());
                QVERIFY(stored.utf8(QStringLiteral("missing")).isNull());
                PayloadJson empty;
                QVERIFY(empty.parse(R"({"e":"","n":null})"));
                QVERIFY(!empty.utf8(QStringLiteral("e")).isNull());
                QVERIFY(empty.utf8(QStringLiteral("e")).isEmpty());
                QVERIFY(!empty.string(QStringLiteral("e")).isNull());
                QVERIFY(empty.utf8(QStringLiteral("n")).isNull());
            } else {
                QVERIFY(b.payloadJson.isNull());
            }
        }

        // Without a choice every payload is parsed; a range and an early stop are kept to.
        QList<RecordedEvent> all;
        QVERIFY(store->replay(5, 12, {}, [&](RecordedEvent &e) {
            all << e;
            return all.size() < 6;
        }).has_value());
        QCOMPARE(all.size(), 6);
        QCOMPARE(all.first().position, 5);
        QCOMPARE(all.last().payload, scanned.at(9).payload);
        QCOMPARE(all.last().metadata, scanned.at(9).metadata);
        QCOMPARE(all.last().metadata.actor, QStringLiteral("actor-0"));  // the tenth request

        // Skipped types are not handed over; the replay still reads up to its end.
        options.payload = [](const QString &type) {
            return type == QStringLiteral("Skipped") ? SqliteEventStore::Payload::Skip : SqliteEventStore::Payload::None;
        };
        QList<qint64> positions;
        const Result<qint64> lastRead = store->replay(1, 30, options, [&](RecordedEvent &e) {
            positions << e.position;
            return true;
        });
        QVERIFY(lastRead);
        QCOMPARE(*lastRead, 30);  // request 29 (i % 3 == 2): Stored
        QCOMPARE(positions.size(), 20);
        for (const qint64 p : std::as_const(positions))
            QVERIFY(scanned.at(p - 1).type != QStringLiteral("Skipped"));
        const Result<qint64> toSkipped = store->replay(1, 28, options, [](RecordedEvent &) { return true; });
        QVERIFY(toSkipped);
        QCOMPARE(*toSkipped, 28);  // the last one read is skipped, and counts
        options.payload = {};

        // Without the metadata: the rest of the envelope as before.
        options.metadata = false;
        QList<RecordedEvent> bare;
        QVERIFY(store->replay(1, -1, options, [&](RecordedEvent &e) {
            bare << std::move(e);
            return true;
        }).has_value());
        QCOMPARE(bare.size(), scanned.size());
        for (qsizetype i = 0; i < scanned.size(); ++i) {
            QCOMPARE(bare.at(i).metadata, EventMetadata());
            QCOMPARE(bare.at(i).eventId, scanned.at(i).eventId);
            QCOMPARE(bare.at(i).recordedAt, scanned.at(i).recordedAt);
            QCOMPARE(bare.at(i).payload, scanned.at(i).payload);
        }
    }

    // Stored payloads of a replay share large blocks: each reads as its own text (ended by a
    // '\0' as any QByteArray), a change to one copies it and leaves the others as they were,
    // and one larger than a block's share is a copy of its own.
    void replayedPayloadsAreTheirOwn()
    {
        auto store = open(QStringLiteral("payloads.sqlite"));
        QList<AppendRequest> batch;
        for (int i = 0; i < 200; ++i) {
            AppendRequest r;
            r.tenantId = QStringLiteral("t1");
            const QString text = i % 50 == 7 ? QString(100000, QChar(u'a' + i % 26)) : QStringLiteral("n%1").arg(i);
            r.streams = {StreamAppend{QStringLiteral("x"), QStringLiteral("s%1").arg(i % 9), ExpectedVersion::any(),
                                      {NewEvent{QStringLiteral("E"), {{QStringLiteral("text"), text}}, 1}}}};
            batch << r;
        }
        QVERIFY(store->appendBatch(batch).has_value());
        QList<QJsonObject> scanned;
        QVERIFY(store->scan({}, 1, -1, [&](const RecordedEvent &e) {
            scanned << e.payload;
            return true;
        }).has_value());
        SqliteEventStore::ReplayOptions options;
        options.payload = [](const QString &) { return SqliteEventStore::Payload::Stored; };
        QList<QByteArray> payloads;
        QVERIFY(store->replay(1, -1, options, [&](RecordedEvent &e) {
            payloads << e.payloadJson;
            return true;
        }).has_value());
        QCOMPARE(payloads.size(), 200);
        for (qsizetype i = 0; i < payloads.size(); ++i) {
            QCOMPARE(QJsonDocument::fromJson(payloads.at(i)).object(), scanned.at(i));
            QCOMPARE(payloads.at(i).constData()[payloads.at(i).size()], '\0');
        }
        const QByteArray before = payloads.at(4);
        const QByteArray next = payloads.at(5);
        payloads[4][1] = 'X';
        payloads[4].append("tail");
        QCOMPARE(payloads.at(5), next);
        QCOMPARE(QJsonDocument::fromJson(payloads.at(5)).object(), scanned.at(5));
        QVERIFY(payloads.at(4) != before);
        QCOMPARE(QJsonDocument::fromJson(before).object(), scanned.at(4));
    }

    // More event types than the names table keeps (and many of one length, which share its
    // slots) still read back as written, by scan and by replay.
    void manyNamesReadBackAsWritten()
    {
        auto store = open(QStringLiteral("many-names.sqlite"));
        QList<AppendRequest> batch;
        QStringList types;
        for (int i = 0; i < 300; ++i) {
            // Each type twice, apart, and then again in the second half.
            const QString type = QStringLiteral("Type%1").arg((i * 7) % 150, 3, 10, QLatin1Char('0'))
                + (i % 2 ? QString() : QStringLiteral("x"));
            types << type;
            AppendRequest r;
            r.tenantId = QStringLiteral("t1");
            r.streams = {StreamAppend{QStringLiteral("x"), QStringLiteral("s%1").arg(i % 7), ExpectedVersion::any(),
                                      {NewEvent{type, {}, 1}}}};
            batch << r;
        }
        QVERIFY(store->appendBatch(batch).has_value());
        QStringList scanned;
        QVERIFY(store->scan({}, 1, -1, [&](const RecordedEvent &e) {
            scanned << e.type;
            return true;
        }).has_value());
        QCOMPARE(scanned, types);
        QStringList replayed;
        QVERIFY(store->replay(1, -1, {}, [&](RecordedEvent &e) {
            replayed << e.type;
            return true;
        }).has_value());
        QCOMPARE(replayed, types);
    }

    // EventIds::LastOfRun: exactly the events that end a run of one tenant's stream at one
    // recorded time (among those handed over) carry their ids, the rest none.
    void replayGivesIdsToTheLastOfEachRun()
    {
        ManualClock clock(QDateTime(QDate(2026, 3, 1), QTime(9, 0), Qt::UTC));
        StoreOptions o;
        o.clock = &clock;
        auto store = open(QStringLiteral("runs.sqlite"), o);
        const auto ev = [](const QString &type) { return NewEvent{type, {{QStringLiteral("k"), 1}}, 1}; };
        const auto append = [&](const QString &tenant, const QList<StreamAppend> &streams) {
            AppendRequest r;
            r.tenantId = tenant;
            r.streams = streams;
            QVERIFY(store->append(r).has_value());
        };
        const auto in = [&](const QString &id, const QList<NewEvent> &events) {
            return StreamAppend{QStringLiteral("x"), id, ExpectedVersion::any(), events};
        };
        const QString a = QStringLiteral("a"), b = QStringLiteral("b"), t = QStringLiteral("t1");
        append(t, {in(a, {ev(QStringLiteral("E")), ev(QStringLiteral("E")), ev(QStringLiteral("E"))})});  // 1-3: one run
        append(t, {in(a, {ev(QStringLiteral("E"))})});  // 4: same stream, same time: the run goes on
        clock.advanceMSecs(5);
        append(t, {in(a, {ev(QStringLiteral("E"))})});  // 5: a later time: a run of its own
        append(t, {in(a, {ev(QStringLiteral("E"))}), in(b, {ev(QStringLiteral("E"))})});  // 6 (a), 7 (b)
        append(QStringLiteral("t2"), {in(b, {ev(QStringLiteral("E"))})});  // 8: another tenant's b
        append(t, {in(b, {ev(QStringLiteral("E")), ev(QStringLiteral("Skipped")), ev(QStringLiteral("E"))})});  // 9-11
        append(t, {in(a, {ev(QStringLiteral("E")), ev(QStringLiteral("E"))})});  // 12-13: the log's end

        QHash<qint64, QString> ids;
        QVERIFY(store->scan({}, 1, -1, [&](const RecordedEvent &e) {
            ids.insert(e.position, e.eventId);
            return true;
        }).has_value());
        QCOMPARE(ids.size(), 13);

        SqliteEventStore::ReplayOptions options;
        options.eventIds = SqliteEventStore::EventIds::LastOfRun;
        options.payload = [](const QString &type) {
            return type == QStringLiteral("Skipped") ? SqliteEventStore::Payload::Skip : SqliteEventStore::Payload::Stored;
        };
        QList<qint64> handed;
        QList<qint64> withIds;
        int wrong = 0;  // ids that are not the event's, payloads lost
        const Result<qint64> last = store->replay(1, -1, options, [&](RecordedEvent &e) {
            handed << e.position;
            if (!e.eventId.isEmpty()) {
                withIds << e.position;
                wrong += e.eventId != ids.value(e.position);
            }
            wrong += e.payloadJson.isEmpty();
            return true;
        });
        QCOMPARE(wrong, 0);
        QVERIFY(last);
        QCOMPARE(*last, 13);
        QCOMPARE(handed, (QList<qint64>{1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13}));
        // 10 is skipped, so 9 and 11 are one run.
        QCOMPARE(withIds, (QList<qint64>{4, 6, 7, 8, 11, 13}));

        // An early stop hands over no more than asked; every event before it as above.
        handed.clear();
        withIds.clear();
        QVERIFY(store->replay(1, -1, options, [&](RecordedEvent &e) {
            handed << e.position;
            if (!e.eventId.isEmpty())
                withIds << e.position;
            return handed.size() < 5;
        }).has_value());
        QCOMPARE(handed, (QList<qint64>{1, 2, 3, 4, 5}));
        QCOMPARE(withIds, (QList<qint64>{4}));  // 5 is the last of its run: 6 had been read
        // Every id, as by default, when asked for.
        options.eventIds = SqliteEventStore::EventIds::Every;
        withIds.clear();
        QVERIFY(store->replay(1, -1, options, [&](RecordedEvent &e) {
            if (e.eventId == ids.value(e.position))
                withIds << e.position;
            return true;
        }).has_value());
        QCOMPARE(withIds.size(), 12);
    }

    // Text is bound as UTF-8 however it is made of: the ASCII shortcut (sixteen code units at a
    // time) hands over exactly the ASCII strings and leaves every other one to Qt's conversion.
    void bindsTextAsUtf8()
    {
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(":memory:", &db), SQLITE_OK);
        const auto closeDb = qScopeGuard([db] { sqlite3_close(db); });
        sqlite3_stmt *stmt = nullptr;
        QCOMPARE(sqlite3_prepare_v2(db, "SELECT ?1", -1, &stmt, nullptr), SQLITE_OK);
        const auto finalize = qScopeGuard([stmt] { sqlite3_finalize(stmt); });
        const auto roundTrip = [&](const QString &text) {
            sqlite3_reset(stmt);
            if (bindUtf16AsUtf8(stmt, 1, text) != SQLITE_OK || sqlite3_step(stmt) != SQLITE_ROW)
                return QByteArray("(failed)");
            return QByteArray(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)),
                              sqlite3_column_bytes(stmt, 0));
        };
        const QList<QString> odd = {QStringLiteral("\u0080"), QStringLiteral("é"), QStringLiteral("\u00ff"),
                                    QStringLiteral("\u0100"), QStringLiteral("€"), QString(QChar(0xff80)),
                                    QStringLiteral("🧾")};
        for (const int length : {0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 36, 100, 255, 256, 257, 600}) {
            QString ascii;
            for (int i = 0; i < length; ++i)
                ascii += QChar(i % 2 ? 0x7f - i % 50 : 0x20 + i % 90);
            QCOMPARE(roundTrip(ascii), ascii.toUtf8());
            for (const QString &c : odd) {
                for (int at = 0; at < length; ++at) {
                    const QString text = QString(ascii).replace(at, 1, c);
                    const QByteArray got = roundTrip(text);
                    if (got != text.toUtf8())
                        QFAIL(qPrintable(QStringLiteral("length %1, %2 at %3").arg(length).arg(c).arg(at)));
                }
            }
        }
        QCOMPARE(roundTrip(QString()), QByteArray());
        QCOMPARE(sqlite3_column_type(stmt, 0), SQLITE_TEXT);  // null text binds '', not NULL
    }

    // Tenants, stream types and event types are converted once per process and shared without
    // reference counts (three threads copy them for every event of a rebuild).
    void replayedNamesAreSharedWithoutCounting()
    {
        auto store = open(QStringLiteral("names.sqlite"));
        for (int i = 0; i < 3; ++i) {
            AppendRequest r;
            r.tenantId = QStringLiteral("tenant-a");
            r.streams = {StreamAppend{QStringLiteral("kind"), QStringLiteral("s%1").arg(i), ExpectedVersion::any(),
                                      {NewEvent{QStringLiteral("Named"), {{QStringLiteral("i"), i}}, 1}}}};
            QVERIFY(store->append(r).has_value());
        }
        QList<RecordedEvent> first, second;
        for (QList<RecordedEvent> *into : {&first, &second}) {
            QVERIFY(store->replay(1, -1, {}, [into](RecordedEvent &e) {
                *into << std::move(e);
                return true;
            }).has_value());
        }
        QCOMPARE(first.size(), 3);
        for (const QList<RecordedEvent> *events : {&first, &second}) {
            for (const RecordedEvent &e : *events) {
                QCOMPARE(e.type, QStringLiteral("Named"));
                QCOMPARE(e.tenantId, QStringLiteral("tenant-a"));
                QCOMPARE(e.streamType, QStringLiteral("kind"));
                for (QString name : {e.type, e.tenantId, e.streamType})
                    QVERIFY(name.data_ptr().d_ptr() == nullptr);  // a copy without a reference count
                QCOMPARE(e.type.constData(), first.first().type.constData());
                QCOMPARE(e.tenantId.constData(), first.first().tenantId.constData());
            }
        }
        // A copy changed later is a copy of its own.
        QString copy = first.first().type;
        copy.append(u'!');
        QCOMPARE(copy, QStringLiteral("Named!"));
        QCOMPARE(second.first().type, QStringLiteral("Named"));
    }

    // SQLite keeps no memory statistics in a program that uses the store (they cost a
    // process-wide mutex per allocation): the store turned them off before SQLite started.
    void sqliteKeepsNoMemoryStatistics()
    {
        auto store = open(QStringLiteral("memstatus.sqlite"));
        AppendRequest r;
        r.tenantId = QStringLiteral("t");
        r.streams = {StreamAppend{QStringLiteral("x"), QStringLiteral("s"), ExpectedVersion::any(),
                                  {NewEvent{QStringLiteral("E"), {{QStringLiteral("i"), 1}}, 1}}}};
        QVERIFY(store->append(r).has_value());
        QCOMPARE(sqlite3_memory_used(), sqlite3_int64(0));
    }

    // POSIX locks belong to the process: a second instance opening the same file here must not
    // drop the first one's locks, or another process closing its connection takes itself for
    // the last user and deletes the WAL the first instance still writes to.
    void secondOpenInProcessKeepsTheFirstOnesLocks()
    {
        const QString name = QStringLiteral("locks.sqlite");
        auto first = open(name);
        const auto appendOne = [&](SqliteEventStore &store, int i) {
            AppendRequest r;
            r.tenantId = QStringLiteral("t");
            r.streams = {StreamAppend{QStringLiteral("x"), QStringLiteral("s"), ExpectedVersion::any(),
                                      {NewEvent{QStringLiteral("E"), {{QStringLiteral("i"), i}}, 1}}}};
            QVERIFY(store.append(r).has_value());
        };
        appendOne(*first, 1);
        {
            StoreOptions o;
            o.readOnly = true;
            auto second = open(name, o);
            QCOMPARE(*second->headPosition(), 1);
        }
        // Another process opens and closes the store: it must see that we still use it.
        QProcess sqlite;
        sqlite.start(QStringLiteral("sqlite3"), {m_dir.filePath(name), QStringLiteral("SELECT count(*) FROM events;")});
        QVERIFY(sqlite.waitForFinished());
        QCOMPARE(sqlite.exitCode(), 0);
        QVERIFY2(QFile::exists(m_dir.filePath(name) + QStringLiteral("-wal")), "the WAL of an open store was deleted");
        appendOne(*first, 2);
        first.reset();
        // Everything the first instance appended is in the store.
        sqlite.start(QStringLiteral("sqlite3"), {m_dir.filePath(name), QStringLiteral("SELECT count(*) FROM events;")});
        QVERIFY(sqlite.waitForFinished());
        QCOMPARE(QString::fromUtf8(sqlite.readAllStandardOutput()).trimmed(), QStringLiteral("2"));
    }

    void verifyFindsDamageInALargeStore()
    {
        const QString name = QStringLiteral("damaged.sqlite");
        {
            auto store = open(name);
            QList<AppendRequest> batch;
            for (int i = 0; i < 3000; ++i) {
                AppendRequest r;
                r.tenantId = QStringLiteral("t");
                r.streams = {StreamAppend{QStringLiteral("x"), QStringLiteral("s%1").arg(i), ExpectedVersion::noStream(),
                                          {NewEvent{QStringLiteral("E"), {{QStringLiteral("text"), QString(200, u'x')}}, 1}}}};
                batch << r;
            }
            QVERIFY(store->appendBatch(batch).has_value());
            QVERIFY(store->writeTransaction([](QSqlDatabase &) { return Status{}; }).has_value());
        }
        // Checkpoint the WAL into the file, then scribble over a page in the middle of it.
        QProcess sqlite;
        sqlite.start(QStringLiteral("sqlite3"), {m_dir.filePath(name), QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE);")});
        QVERIFY(sqlite.waitForFinished());
        QFile f(m_dir.filePath(name));
        QVERIFY(f.open(QIODevice::ReadWrite));
        const qint64 size = f.size();
        QVERIFY(size > 64 * 4096);
        f.seek((size / 4096 / 2) * 4096 + 8);
        f.write(QByteArray(3000, '\xee'));
        f.close();

        // Opened as a "large" store: no full check at open, but verify finds the damage.
        StoreOptions o;
        o.quickCheckMaxBytes = 0;
        o.anchorPath = m_dir.filePath(name + QStringLiteral(".anchor"));
        auto store = SqliteEventStore::open(m_dir.filePath(name), o);
        if (!store) {
            // SQLite may already refuse the damaged page while reading the schema; that is a
            // clear error too.
            QVERIFY(store.error().message.contains(m_dir.filePath(name)));
            return;
        }
        auto report = (*store)->verify();
        if (report) {
            QVERIFY(!report->ok);
            QVERIFY2(report->problems.join(u' ').contains(QStringLiteral("damaged")) || report->firstBrokenPosition > 0,
                     qPrintable(report->problems.join(u' ')));
        } else {
            QVERIFY(report.error().message.contains(m_dir.filePath(name)));
        }
    }
};

QTEST_GUILESS_MAIN(TestReadPath)
#include "tst_readpath.moc"
