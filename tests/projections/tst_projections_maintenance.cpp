// Projection maintenance: rebuilds after tables were removed by hand, verify against a fresh
// rebuild, a changed schema version rebuilding on open, position and lag, clean closing.
#include "projectiontesthelpers.h"

#include "core/domain/domainevents.h"
#include "core/projections/book.h"
#include "core/projections/demodata.h"
#include "core/projections/sqlaccess.h"

#include <sqlite3.h>

using namespace Billstream;
using namespace Billstream::Testing;

namespace {

// Every row of every projection table as text, sorted, with its rowid where the table has
// one (the lists break ties by it, and the search index refers to it): what "restored
// exactly" compares.
QStringList contents(SqliteEventStore &store)
{
    QStringList out;
    sqlite3 *h = ReadSql::handleOf(store.database());
    for (const QString &projection : ReadSide::projectionNames()) {
        for (const QString &table : ReadSide::tablesOf(projection)) {
            sqlite3_stmt *stmt = nullptr;
            const QByteArray withRowid = QStringLiteral("SELECT rowid, * FROM %1").arg(table).toUtf8();
            const QByteArray plain = QStringLiteral("SELECT * FROM %1").arg(table).toUtf8();
            if (sqlite3_prepare_v2(h, withRowid.constData(), -1, &stmt, nullptr) != SQLITE_OK) {
                sqlite3_finalize(stmt);
                stmt = nullptr;
                (void)sqlite3_prepare_v2(h, plain.constData(), -1, &stmt, nullptr);
            }
            if (!stmt) {
                out << table + QStringLiteral(": missing");
                sqlite3_finalize(stmt);
                continue;
            }
            QStringList rows;
            while (sqlite3_step(stmt) == SQLITE_ROW) {
                QStringList cells;
                for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
                    const int type = sqlite3_column_type(stmt, c);
                    cells << QString::number(type) + QLatin1Char(':')
                            + QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, c)));
                }
                rows << table + QLatin1Char('|') + cells.join(QLatin1Char('|'));
            }
            sqlite3_finalize(stmt);
            rows.sort();
            out << rows;
        }
    }
    // The schema too: a rebuild builds the indexes after the rows, and must not forget one.
    sqlite3_stmt *schema = nullptr;
    if (sqlite3_prepare_v2(h, "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'"
                              " ORDER BY type, name", -1, &schema, nullptr) == SQLITE_OK) {
        while (sqlite3_step(schema) == SQLITE_ROW) {
            QStringList cells;
            for (int c = 0; c < 4; ++c)
                cells << QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(schema, c)));
            out << QStringLiteral("schema|") + cells.join(QLatin1Char('|'));
        }
    }
    sqlite3_finalize(schema);
    return out;
}

bool execSql(SqliteEventStore &store, const char *sql)
{
    return bool(ReadSql::exec(ReadSql::handleOf(store.database()), sql, QStringLiteral("run test SQL")));
}

bool tableExists(SqliteEventStore &store, const char *name)
{
    sqlite3_stmt *q = nullptr;
    sqlite3_prepare_v2(ReadSql::handleOf(store.database()), "SELECT 1 FROM sqlite_schema WHERE name = ?1", -1, &q,
                       nullptr);
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    const bool found = sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
    return found;
}

constexpr const char *DropEverything =
    "DROP TABLE invoice_list_fts; DROP TABLE invoice_list;"
    " DROP TABLE invoice_list_customers; DROP TABLE invoice_list_balances; DROP TABLE invoice_list_search_state;"
    " DROP TABLE customer_list; DROP TABLE customer_list_history;"
    " DROP TABLE revenue_payments; DROP TABLE revenue_by_month;";

} // namespace

class TestProjectionsMaintenance : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestStore> t;
    QStringList m_original;

private slots:
    void init()
    {
        t = std::make_unique<TestStore>();
        QVERIFY(t->open());
        DemoOptions demo;
        demo.customers = 25;
        demo.invoices = 150;
        demo.seed = 3;
        demo.until = QDate(2026, 6, 30);
        auto written = writeDemoHistory(*t->service, t->clock, demo);
        QVERIFY2(written, qPrintable(written ? QString() : written.error().message));
        QVERIFY(written->events > 1000);
        QVERIFY(t->readSide->catchUp());
        m_original = contents(*t->store);
        QVERIFY2(m_original.size() > 400, qPrintable(QString::number(m_original.size())));
    }

    void cleanup()
    {
        t.reset();
    }

    void rebuildAfterDroppingTablesByHand()
    {
        QVERIFY(execSql(*t->store, DropEverything));
        QVERIFY(contents(*t->store).contains(s("invoice_list: missing")));
        QVERIFY(t->readSide->rebuild());
        QCOMPARE(contents(*t->store), m_original);
        // The search index came back too.
        auto book = Book::live(*t->store, t->tenant, QDate(2026, 6, 30));
        QVERIFY(book && book->hasSearchIndex());
        auto hits = book->invoices(ListFilter{{}, s("INV-2025")});
        QVERIFY(hits && !hits->isEmpty());
    }

    // A cancelled rebuild rolls back: the projections are exactly as they were.
    void cancelledRebuildChangesNothing()
    {
        QVERIFY(execSql(*t->store, "UPDATE invoice_list SET notes = 'edited by hand' WHERE rowid = 1"));
        const QStringList before = contents(*t->store);
        int asked = 0;
        const Status cancelled = t->readSide->rebuild({}, {}, [&asked] { return ++asked > 1; });
        QVERIFY(!cancelled);
        QVERIFY2(cancelled.error().message.contains(s("cancelled")), qPrintable(cancelled.error().message));
        QVERIFY(asked > 1);
        QCOMPARE(contents(*t->store), before);
        // Not cancelled, the same call rebuilds (and the hand edit goes).
        QVERIFY(t->readSide->rebuild({}, {}, [] { return false; }));
        QCOMPARE(contents(*t->store), m_original);
    }

    // Tables removed while the program was closed are rebuilt when it opens the store.
    void missingTablesRebuildOnOpen()
    {
        QVERIFY(execSql(*t->store, DropEverything));
        QVERIFY(t->open());
        QCOMPARE(contents(*t->store), m_original);
    }

    void rebuildOneProjection()
    {
        QVERIFY(execSql(*t->store, "DELETE FROM customer_list; DELETE FROM revenue_payments WHERE position % 2 = 0"));
        QVERIFY(t->readSide->rebuild({s("customer_list"), s("revenue")}));
        QCOMPARE(contents(*t->store), m_original);
        for (const QString &name : {s("invoices"), s("activity")}) {  // the feed is read from the log
            const Status unknown = t->readSide->rebuild({name});
            QVERIFY(!unknown);
            QCOMPARE(unknown.error().kind, ErrorKind::UsageError);
            QVERIFY2(unknown.error().message.contains(s("revenue")), qPrintable(unknown.error().message));
        }
    }

    void verifyFindsHandEdits()
    {
        auto clean = verifyProjections(*t->store);
        QVERIFY(clean);
        QVERIFY2(clean->problems.isEmpty(), qPrintable(clean->problems.join(QLatin1Char('\n'))));

        QVERIFY(execSql(*t->store, "UPDATE invoice_list SET total = total + 1 WHERE rowid = 7;"
                                   " DELETE FROM customer_list_history WHERE rowid = (SELECT min(rowid) FROM customer_list_history);"
                                   " UPDATE revenue_by_month SET received = received + 1 WHERE month = (SELECT min(month) FROM revenue_by_month)"));
        auto found = verifyProjections(*t->store);
        QVERIFY(found);
        QVERIFY(found->problems.size() >= 3);
        const QString all = found->problems.join(QLatin1Char('\n'));
        QVERIFY2(all.contains(s("in table invoice_list, the row (tenant default, id ")) && all.contains(s("has total is ")),
                 qPrintable(all));
        QVERIFY2(all.contains(s("table customer_list_history lacks the row")), qPrintable(all));
        QVERIFY2(all.contains(s("Projection revenue differs")), qPrintable(all));
    }

    // A projection built by another schema version is rebuilt when the store opens.
    void changedSchemaRebuildsOnOpen()
    {
        // Schema 3 of the invoice list kept its superseded versions in a table of their own,
        // schema 1 of the revenue one row per issued invoice (and up to 2 the positions it counted).
        QVERIFY(execSql(*t->store, "UPDATE invoice_list SET customer_name = 'stale';"
                                   " CREATE TABLE invoice_list_history (tenant TEXT, id TEXT, valid_to INTEGER);"
                                   // Up to schema 4 the search index kept its column sizes.
                                   " DROP TABLE invoice_list_fts; CREATE VIRTUAL TABLE invoice_list_fts USING fts5("
                                   "  number, customer_name, notes, content='invoice_list', content_rowid='rowid',"
                                   "  tokenize='trigram');"
                                   " UPDATE projection_checkpoints SET schema_version = 3 WHERE name = 'invoice_list';"
                                   " CREATE TABLE revenue_invoices (tenant TEXT, invoice_id TEXT);"
                                   " CREATE TABLE revenue_applied (tenant TEXT, position INTEGER);"
                                   " UPDATE projection_checkpoints SET schema_version = 1 WHERE name = 'revenue';"
                                   // The activity feed's entries were a projection up to schema 4.
                                   " CREATE TABLE activity (tenant TEXT NOT NULL, position INTEGER NOT NULL,"
                                   "  last_position INTEGER NOT NULL, PRIMARY KEY (tenant, position)) WITHOUT ROWID;"
                                   " INSERT INTO activity VALUES ('default', 1, 1);"
                                   " INSERT INTO projection_checkpoints (name, schema_version, position)"
                                   "  VALUES ('activity', 4, 1)"));
        QVERIFY(t->open());
        QCOMPARE(contents(*t->store), m_original);
        QVERIFY(!tableExists(*t->store, "invoice_list_history"));
        QVERIFY(!tableExists(*t->store, "revenue_invoices"));
        QVERIFY(!tableExists(*t->store, "revenue_applied"));
        QVERIFY(!tableExists(*t->store, "invoice_list_fts_docsize"));
        QVERIFY(!tableExists(*t->store, "activity"));
        QCOMPARE(*t->store->storedProjectionSchema(s("activity")), 0);
        auto status = t->readSide->status();
        QVERIFY(status);
        for (const ProjectionStatus &st : std::as_const(*status))
            QCOMPARE(st.storedSchemaVersion, st.schemaVersion);
    }

    // Position and lag: a writer without the read side leaves every projection behind until
    // the read side catches up.
    void positionAndLag()
    {
        auto head = t->store->headPosition();
        QVERIFY(head);
        {
            auto plain = SqliteEventStore::open(t->path(), TestStore::options(t->dir, &t->clock));
            QVERIFY(plain);
            InvoicingService bare(**plain, t->clock);
            QVERIFY(bare.execute(t->tenant, createCustomer(s("late"), s("Late Comer"), s("late@example.com"))));
        }
        auto status = t->readSide->status();
        QVERIFY(status);
        QCOMPARE(status->size(), 3);
        for (const ProjectionStatus &st : std::as_const(*status)) {
            QCOMPARE(st.position, *head);
            QVERIFY2(st.lag > 0, qPrintable(st.name));
        }
        QCOMPARE(status->at(0).name, s("invoice_list"));
        QVERIFY(status->at(0).isInline);
        QVERIFY(!status->at(2).isInline);
        QVERIFY(t->readSide->catchUp());
        status = t->readSide->status();
        QVERIFY(status);
        for (const ProjectionStatus &st : std::as_const(*status))
            QCOMPARE(st.lag, 0);
        auto book = Book::live(*t->store, t->tenant, QDate(2026, 7, 1));
        QVERIFY(book);
        auto late = book->customers(ListFilter{{}, s("Late Comer")});
        QVERIFY(late);
        QCOMPARE(late->size(), 1);
    }

    // An append that rolls back after the invoice list applied it leaves a folded state in the
    // list's cache that the log never had. Another writer then appends that version with other
    // content; the next event through this instance must fold from the log, not from the cache.
    void rolledBackAppendNeverPoisonsTheCache()
    {
        // A projection registered after the read side that refuses one event: the kernel rolls
        // the whole append back, the invoice list's work included.
        struct Refuser final : Projection
        {
            QString name() const override { return QStringLiteral("test_refuser"); }
            int schemaVersion() const override { return 1; }
            Status createSchema(QSqlDatabase &) override { return {}; }
            Status dropSchema(QSqlDatabase &) override { return {}; }
            Status apply(QSqlDatabase &, const RecordedEvent &e) override
            {
                if (e.payload.value(QStringLiteral("description")).toString() == QStringLiteral("boom"))
                    return fail(Error::failure(QStringLiteral("refused for the test")));
                return {};
            }
        };
        QVERIFY(t->store->registerInlineProjection(std::make_shared<Refuser>()));
        t->exec(createCustomer(s("rb"), s("Roll Back"), s("rb@example.com")));
        t->exec(createInvoice(s("rbi"), s("rb"), s("EUR"), {line(s("L1"), s("1"), s("10.00"), s("19"))}));
        QJsonObject boom = line(s("L2"), s("1000"), s("1000.00"), s("19"));
        boom.insert(s("description"), s("boom"));
        QVERIFY(!t->tryExec(command(s("AddLineItem"), s("rbi"), boom)));

        {
            auto other = SqliteEventStore::open(t->path(), TestStore::options(t->dir, &t->clock));
            QVERIFY(other);
            auto rs = ReadSide::attach(**other, ReadSideOptions{true, false, 0});
            QVERIFY(rs);
            InvoicingService service(**other, t->clock);
            QVERIFY(service.execute(t->tenant, command(s("AddLineItem"), s("rbi"), line(s("L2"), s("1"), s("5.00"), s("19")))));
        }
        t->exec(command(s("SetInvoiceNotes"), s("rbi"), {{s("notes"), s("after the race")}}));

        auto book = Book::live(*t->store, t->tenant, QDate(2026, 7, 1));
        QVERIFY(book);
        auto rows = book->invoices(ListFilter{{}, s("after the race")});
        QVERIFY(rows);
        QCOMPARE(rows->size(), 1);
        QCOMPARE(formatMinorUnits(rows->first().total, 2), s("17.85"));  // 15.00 + 19 %, no "boom" line
        QCOMPARE(rows->first().lineCount, 2);
        auto check = verifyProjections(*t->store);
        QVERIFY(check);
        QVERIFY2(check->problems.isEmpty(), qPrintable(check->problems.join(QLatin1Char('\n'))));
    }

    // The read side's prepared statements do not keep the file open after the store closes.
    // The activity feed is read from the log: an entry is a run of contiguous events of one
    // stream, time and command; a page ends with a whole entry and the next starts before it;
    // another tenant's events and the number sequences make no entries; a book as of a
    // position tells the log up to there.
    void activityEntriesAreRunsOfTheLog()
    {
        QTemporaryDir dir;
        ManualClock clock(utc("2026-02-01T10:00:00.000Z"));
        auto opened = ReadSide::open(dir.filePath(s("feed.sqlite")), TestStore::options(dir, &clock));
        QVERIFY(opened);
        SqliteEventStore &store = (*opened)->store();
        const auto appendRun = [&](const QString &tenant, const QString &type, const QString &stream, int events,
                                   const QString &command) {
            AppendRequest r;
            r.tenantId = tenant;
            r.metadata.commandId = command;
            r.metadata.actor = s("ann");
            StreamAppend a{type, stream, ExpectedVersion::any(), {}};
            for (int i = 0; i < events; ++i)
                a.events << NewEvent{Wire::Event::InvoiceDefaultsSet, {{s("paymentTermsDays"), 10 + i}}, 1};
            r.streams = {a};
            QVERIFY(store.append(r).has_value());
        };
        const auto feed = [&](const Book &book, int limit, qint64 before) {
            QStringList rows;
            const auto entries = book.activity(limit, before);
            if (!entries)
                qFatal("read the feed: %s", qPrintable(entries.error().message));
            for (const ActivityEntry &e : *entries)
                rows << s("%1-%2:%3:%4").arg(e.position).arg(e.lastPosition).arg(e.eventCount).arg(e.streamId);
            return rows.join(QLatin1Char(' '));
        };
        const QString tenant = s("default");
        appendRun(tenant, Wire::StreamType::Tenant, s("t1"), 3, QString());                 // 1-3
        appendRun(tenant, Wire::StreamType::Tenant, s("t1"), 2, QString());                 // 4-5: one entry with 1-3
        appendRun(s("other"), Wire::StreamType::Tenant, s("t1"), 2, QString());             // 6-7: not this tenant's
        appendRun(tenant, Wire::StreamType::Tenant, s("t1"), 1, QString());                 // 8: not contiguous
        clock.advanceMSecs(1000);
        appendRun(tenant, Wire::StreamType::Tenant, s("t2"), 3, s("cmd-2"));                // 9-11
        appendRun(tenant, Wire::StreamType::Tenant, s("t2"), 2, s("cmd-3"));                // 12-13: another command
        {
            // An issue's command also appends to a number sequence: 14-15 and 16, not told.
            AppendRequest r;
            r.tenantId = tenant;
            r.metadata.commandId = s("cmd-4");
            const NewEvent event{Wire::Event::InvoiceDefaultsSet, {{s("paymentTermsDays"), 30}}, 1};
            r.streams = {StreamAppend{Wire::StreamType::Tenant, s("t3"), ExpectedVersion::any(), {event, event}},
                         StreamAppend{Wire::StreamType::Sequence, s("INV-{YYYY}-{####}"), ExpectedVersion::any(), {event}}};
            QVERIFY(store.append(r).has_value());
        }

        QCOMPARE(*store.headPosition(), 16);
        auto live = Book::live(store, tenant, QDate(2026, 2, 1));
        QVERIFY(live);
        const QStringList runs{s("14-15:2:t3"), s("12-13:2:t2"), s("9-11:3:t2"), s("8-8:1:t1"), s("1-5:5:t1")};
        const QString whole = runs.join(QLatin1Char(' '));
        QCOMPARE(feed(*live, 0, 0), whole);
        QCOMPARE(feed(*live, 3, 0), runs.mid(0, 3).join(QLatin1Char(' ')));
        QCOMPARE(feed(*live, 2, 9), runs.mid(3).join(QLatin1Char(' ')));  // before the third entry
        QCOMPARE(feed(*live, 1, 3), s("1-2:2:t1"));  // before a position inside an entry
        auto other = Book::live(store, s("other"), QDate(2026, 2, 1));
        QVERIFY(other);
        QCOMPARE(feed(*other, 0, 0), s("6-7:2:t1"));
        auto then = Book::asOfPosition(store, tenant, 8);  // the last of the first second
        QVERIFY(then);
        QCOMPARE(feed(*then, 0, 0), runs.mid(3).join(QLatin1Char(' ')));
        // The first event's type and actor, as many events as the entry has.
        const auto entries = live->activity(1, 6);
        QVERIFY(entries);
        QCOMPARE(entries->size(), 1);
        QCOMPARE(entries->first().eventType, Wire::Event::InvoiceDefaultsSet);
        QCOMPARE(entries->first().actor, s("ann"));
        QCOMPARE(entries->first().recordedAt, utc("2026-02-01T10:00:00.000Z"));
    }

    // The search index is built after the rebuilt rows are committed, in a transaction of its
    // own (while another connection copies the rows into the store file). Until then, or after
    // a crash in between, it is marked stale and searches scan the rows; the next open builds it.
    void searchIndexFollowsTheRows()
    {
        const auto scalar = [&](const char *sql) {
            sqlite3_stmt *q = nullptr;
            sqlite3_prepare_v2(ReadSql::handleOf(t->store->database()), sql, -1, &q, nullptr);
            const QString value = sqlite3_step(q) == SQLITE_ROW
                ? QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(q, 0)))
                : QString();
            sqlite3_finalize(q);
            return value;
        };
        const auto found = [&](const QString &text) {
            QStringList ids;
            auto book = Book::live(*t->store, t->tenant, QDate(2026, 7, 1));
            if (!book)
                qFatal("open the book");
            auto rows = book->invoices(ListFilter{{}, text});
            if (!rows)
                qFatal("search: %s", qPrintable(rows.error().message));
            for (const InvoiceListEntry &e : *rows)
                ids << e.id;
            ids.sort();
            return ids;
        };
        // Four letters from the middle of a customer's name, as a user would type them.
        const QString name = scalar("SELECT customer_name FROM invoice_list WHERE length(customer_name) > 8 LIMIT 1");
        const QString term = name.mid(2, 4).toUpper();
        const QStringList expected = found(term);
        QVERIFY2(!expected.isEmpty(), qPrintable(term));
        {
            // What a plain scan finds.
            sqlite3_stmt *q = nullptr;
            sqlite3_prepare_v2(ReadSql::handleOf(t->store->database()),
                               "SELECT count(*) FROM invoice_list WHERE status <> 'DELETED' AND (customer_name LIKE ?1"
                               " OR number LIKE ?1 OR notes LIKE ?1)",
                               -1, &q, nullptr);
            const QByteArray pattern = '%' + term.toUtf8() + '%';
            sqlite3_bind_text(q, 1, pattern.constData(), int(pattern.size()), SQLITE_TRANSIENT);
            QCOMPARE(sqlite3_step(q), SQLITE_ROW);
            QCOMPARE(sqlite3_column_int(q, 0), int(expected.size()));
            sqlite3_finalize(q);
        }

        QVERIFY(t->readSide->rebuild());
        QCOMPARE(scalar("SELECT stale FROM invoice_list_search_state"), s("0"));
        QCOMPARE(found(term), expected);
        QVERIFY(scalar("SELECT count(*) FROM invoice_list_fts_data").toInt() > 1);

        // The rows rebuilt, the index not yet: stale and empty.
        QVERIFY(execSql(*t->store, "INSERT INTO invoice_list_fts (invoice_list_fts) VALUES ('delete-all');"
                                   " UPDATE invoice_list_search_state SET stale = 1"));
        QCOMPARE(found(term), expected);  // by scanning
        QVERIFY(t->open());
        QCOMPARE(scalar("SELECT stale FROM invoice_list_search_state"), s("0"));
        QCOMPARE(found(term), expected);
        QVERIFY(scalar("SELECT count(*) FROM invoice_list_fts_data").toInt() > 1);
    }

    void closesCleanly()
    {
        const QString wal = t->path() + QStringLiteral("-wal");
        t->close();
        QVERIFY2(!QFile::exists(wal), "the WAL file outlived the store: a connection was left open");
        QVERIFY(t->open());
        auto book = Book::live(*t->store, t->tenant, QDate(2026, 7, 1));
        QVERIFY(book);
        auto rows = book->invoices({});
        QVERIFY(rows && !rows->isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestProjectionsMaintenance)
#include "tst_projections_maintenance.moc"
