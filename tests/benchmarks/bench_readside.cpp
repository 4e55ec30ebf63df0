// Read-side scenarios over a demo history (`demo --invoices 100000`, about 1.7M events; --quick:
// 10,000): open-list, search, rebuild, as-of, memory, and invoice-create through the command path.
#include "bench.h"

#include "core/domain/invoicingservice.h"
#include "core/es/clock.h"
#include "core/es/sqliteeventstore.h"
#include "core/projections/book.h"
#include "core/projections/demodata.h"
#include "core/projections/invoicelistmodel.h"
#include "core/projections/readside.h"
#include "core/projections/reportmodels.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>

#include <sqlite3.h>

#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <memory>
#include <optional>
#include <thread>

using namespace Billstream;

namespace Bench {
namespace {

const QString Tenant = QStringLiteral("default");
constexpr const char *MemoryChildVariable = "BILLSTREAM_BENCH_MEMORY_STORE";

[[noreturn]] void die(const QString &what, const Error &e)
{
    std::fprintf(stderr, "%s: %s\n", qPrintable(what), qPrintable(e.message));
    std::exit(1);
}

StoreOptions options(const QString &dir, bool quickCheck = false)
{
    StoreOptions o;
    o.anchorPath = dir + QStringLiteral("/anchor.json");
    o.appVersion = QStringLiteral("0.1.0");
    // The 300 ms goal is about the read side; a quick_check reads the whole file first (its
    // cost is reported beside, as open-list ms_quick_check).
    o.quickCheckOnOpen = quickCheck;
    return o;
}

ReadSideOptions quietReadSide()
{
    ReadSideOptions o;
    o.autoCatchUp = false;
    return o;
}

// The demo store every scenario reads: written once per process, in a temporary folder beside
// the scenarios' own (so --dir is honoured), removed at exit.
QString demoStore(const Options &opt, const QString &workDir)
{
    static std::unique_ptr<QTemporaryDir> dir;
    static QString path;
    if (!path.isEmpty())
        return path;
    dir = std::make_unique<QTemporaryDir>(QFileInfo(workDir).absolutePath() + QStringLiteral("/readside-XXXXXX"));
    path = dir->filePath(QStringLiteral("demo.sqlite"));
    if (!opt.demoStore.isEmpty()) {
        if (!QFile::copy(opt.demoStore, path)) {
            std::fprintf(stderr, "readside: cannot copy %s\n", qPrintable(opt.demoStore));
            std::exit(1);
        }
        std::fprintf(stderr, "readside: using a copy of %s\n", qPrintable(opt.demoStore));
        return path;
    }
    const int invoices = opt.quick ? 10'000 : 100'000;
    std::fprintf(stderr, "readside: writing demo --invoices %d (once for all read-side scenarios)...\n", invoices);
    ManualClock clock;
    StoreOptions o = options(dir->path());
    o.clock = &clock;
    auto store = SqliteEventStore::open(path, o);
    if (!store)
        die(QStringLiteral("demo store"), store.error());
    auto rs = ReadSide::attach(**store, quietReadSide());
    if (!rs)
        die(QStringLiteral("demo read side"), rs.error());
    InvoicingService service(**store, clock);
    DemoOptions demo;
    demo.invoices = invoices;
    demo.customers = invoices / 10;
    demo.seed = 1;
    demo.until = QDate(2026, 11, 27);
    QElapsedTimer t;
    t.start();
    auto summary = writeDemoHistory(service, clock, demo);
    if (!summary)
        die(QStringLiteral("demo"), summary.error());
    if (auto r = (*rs)->catchUp(); !r)
        die(QStringLiteral("demo catch-up"), r.error());
    std::fprintf(stderr, "readside: %lld events, %lld commands in %.0f s\n", qlonglong(summary->events),
                 qlonglong(summary->commands), double(t.elapsed()) / 1000.0);
    return path;
}

qint64 rssKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return 0;
}

// Opens the store and produces the first page of the invoice list model, as the GUI does.
struct OpenList
{
    std::unique_ptr<ReadSide> readSide;
    std::unique_ptr<ReadModels::InvoiceListModel> model;
};

OpenList openList(const QString &path, const QString &dir, bool quickCheck)
{
    OpenList ol;
    auto rs = ReadSide::open(path, options(dir, quickCheck), {}, quietReadSide());
    if (!rs)
        die(QStringLiteral("open"), rs.error());
    ol.readSide = std::move(*rs);
    ol.model = std::make_unique<ReadModels::InvoiceListModel>(ol.readSide->store(), Tenant);
    if (ol.model->rowCount() == 0 || !ol.model->errorString().isEmpty()) {
        std::fprintf(stderr, "open-list: no rows (%s)\n", qPrintable(ol.model->errorString()));
        std::exit(1);
    }
    // Touch the page as a view would.
    for (int r = 0; r < ol.model->rowCount(); ++r)
        (void)ol.model->data(ol.model->index(r, ReadModels::InvoiceListModel::Total));
    return ol;
}

double bareFirstPageMs(const QString &path)
{
    QElapsedTimer t;
    t.start();
    sqlite3 *db = nullptr;
    sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt *s = nullptr;
    sqlite3_prepare_v2(db, "SELECT id, number, status, customer_name, total, due FROM invoice_list WHERE tenant = ?1"
                           " AND status <> 'DELETED' ORDER BY created_at DESC LIMIT 200", -1, &s, nullptr);
    sqlite3_bind_text(s, 1, "default", -1, SQLITE_STATIC);
    int n = 0;
    while (sqlite3_step(s) == SQLITE_ROW)
        ++n;
    sqlite3_finalize(s);
    sqlite3_close(db);
    if (n == 0)
        std::exit(1);
    return double(t.nsecsElapsed()) / 1e6;
}

QList<Figure> openListScenario(const Options &opt, const QString &workDir)
{
    const QString path = demoStore(opt, workDir);
    QList<double> ours, ourQuick, bare;
    for (int run = 0; run < opt.runs + 1; ++run) {
        QElapsedTimer t;
        t.start();
        { const OpenList ol = openList(path, workDir, false); ours << double(t.nsecsElapsed()) / 1e6; }
        bare << bareFirstPageMs(path);
        t.restart();
        { const OpenList ol = openList(path, workDir, true); ourQuick << double(t.nsecsElapsed()) / 1e6; }
        if (run == 0) {  // warm-up
            ours.clear();
            ourQuick.clear();
            bare.clear();
        }
    }
    return {Figure{QStringLiteral("open-list"), QStringLiteral("ms"), median(ours), 0, 300, true},
            Figure{QStringLiteral("open-list"), QStringLiteral("ms_quick_check"), median(ourQuick), 0, 0, true},
            Figure{QStringLiteral("open-list"), QStringLiteral("bare_page_ms"), median(bare), 0, 0, true}};
}

// The Activity view's first page: 200 entries read from the log with their summaries rendered
// from their events (ActivityFeed::summarize), beside the same span of the log's rows read bare.
QList<Figure> activityPageScenario(const Options &opt, const QString &workDir)
{
    const QString path = demoStore(opt, workDir);
    OpenList ol = openList(path, workDir, false);
    QList<double> ours, bare;
    sqlite3 *db = nullptr;
    sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    for (int run = 0; run < opt.runs + 1; ++run) {
        QElapsedTimer t;
        t.start();
        ReadModels::ActivityModel model(*ol.readSide, Tenant);
        for (int r = 0; r < model.rowCount(); ++r)
            (void)model.data(model.index(r, ReadModels::ActivityModel::Summary));
        const double ms = double(t.nsecsElapsed()) / 1e6;
        if (model.rowCount() != 200 || model.data(model.index(0, ReadModels::ActivityModel::Summary)).toString().isEmpty()) {
            std::fprintf(stderr, "activity-page: %d rows (%s)\n", model.rowCount(), qPrintable(model.errorString()));
            std::exit(1);
        }
        const qint64 oldest = model.entry(model.rowCount() - 1).position;
        t.restart();
        sqlite3_stmt *q = nullptr;
        sqlite3_prepare_v2(db,
                           "SELECT position, stream_type, stream_id, recorded_at, type, metadata FROM events"
                           " WHERE tenant = ?1 AND position >= ?2 ORDER BY position DESC",
                           -1, &q, nullptr);
        sqlite3_bind_text(q, 1, "default", -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 2, oldest);
        qint64 told = 0;  // the events the feed tells (not the number sequences')
        while (sqlite3_step(q) == SQLITE_ROW)
            told += std::strcmp(reinterpret_cast<const char *>(sqlite3_column_text(q, 1)), "sequence") != 0;
        sqlite3_finalize(q);
        const double bareMs = double(t.nsecsElapsed()) / 1e6;
        // The page's entries hold every told event from its oldest entry on, each once.
        qint64 inEntries = 0;
        for (int r = 0; r < model.rowCount(); ++r)
            inEntries += model.entry(r).eventCount;
        if (inEntries != told) {
            std::fprintf(stderr, "activity-page: the entries hold %lld events, the log %lld\n", qlonglong(inEntries),
                         qlonglong(told));
            std::exit(1);
        }
        if (run > 0) {
            ours << ms;
            bare << bareMs;
        }
    }
    sqlite3_close(db);
    return {Figure{QStringLiteral("activity-page"), QStringLiteral("ms"), median(ours), 0, 0, true},
            Figure{QStringLiteral("activity-page"), QStringLiteral("bare_rows_ms"), median(bare), 0, 0, true}};
}

QList<Figure> searchScenario(const Options &opt, const QString &workDir)
{
    const QString path = demoStore(opt, workDir);
    OpenList ol = openList(path, workDir, false);
    // A note in one invoice of twenty, a customer word in hundreds, a number prefix, a miss.
    const QStringList terms{QStringLiteral("phoenix"), QStringLiteral("northwind"), QStringLiteral("INV-2025-01"),
                            QStringLiteral("zzzq"), QStringLiteral("keller")};
    QList<double> ours, bare;
    sqlite3 *db = nullptr;
    sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    for (int run = 0; run < opt.runs + 1; ++run) {
        for (const QString &term : terms) {
            QElapsedTimer t;
            t.start();
            ol.model->setSearch(term);
            for (int r = 0; r < ol.model->rowCount(); ++r)
                (void)ol.model->data(ol.model->index(r, ReadModels::InvoiceListModel::Number));
            const double ms = double(t.nsecsElapsed()) / 1e6;
            const int found = ol.model->rowCount();
            ol.model->setSearch({});
            t.restart();
            sqlite3_stmt *s = nullptr;
            sqlite3_prepare_v2(db, "SELECT rowid FROM invoice_list_fts WHERE invoice_list_fts MATCH ?1 LIMIT 200", -1, &s,
                               nullptr);
            const QByteArray phrase = (QLatin1Char('"') + term + QLatin1Char('"')).toUtf8();
            sqlite3_bind_text(s, 1, phrase.constData(), int(phrase.size()), SQLITE_STATIC);
            int bareFound = 0;
            while (sqlite3_step(s) == SQLITE_ROW)
                ++bareFound;
            sqlite3_finalize(s);
            // What was timed found what the index holds: every term but the miss matches.
            const bool miss = term == QStringLiteral("zzzq");
            if ((found == 0) != miss || (bareFound == 0) != miss || !ol.model->errorString().isEmpty()) {
                std::fprintf(stderr, "search: '%s' found %d rows, the index %d (%s)\n", qPrintable(term), found,
                             bareFound, qPrintable(ol.model->errorString()));
                std::exit(1);
            }
            if (run > 0) {
                ours << ms;
                bare << double(t.nsecsElapsed()) / 1e6;
            }
        }
    }
    sqlite3_close(db);
    return {Figure{QStringLiteral("search"), QStringLiteral("p50_ms"), median(ours), 0, 50, true},
            Figure{QStringLiteral("search"), QStringLiteral("max_ms"), percentile(ours, 1.0), 0, 0, true},
            Figure{QStringLiteral("search"), QStringLiteral("bare_fts_ms"), median(bare), 0, 0, true}};
}

// The one number a query gives, read-only; -1 when it cannot be read.
qint64 countRows(const QString &path, const char *sql)
{
    sqlite3 *db = nullptr;
    qint64 n = -1;
    if (sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt *q = nullptr;
        if (sqlite3_prepare_v2(db, sql, -1, &q, nullptr) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
            n = sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    return n;
}

// Bare scan + JSON parse of the same log (the read-all baseline).
double bareScanRate(const QString &path)
{
    sqlite3 *db = nullptr;
    sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    QElapsedTimer t;
    t.start();
    sqlite3_stmt *s = nullptr;
    sqlite3_prepare_v2(db, "SELECT position, tenant, stream_type, stream_id, version, event_id, type, schema_version, "
                           "payload, metadata, recorded_at, hash FROM events ORDER BY position", -1, &s, nullptr);
    qint64 n = 0, sum = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(s, 8));
        sum += QJsonDocument::fromJson(QByteArray::fromRawData(text, sqlite3_column_bytes(s, 8))).object().size();
        ++n;
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    if (sum < 0)
        std::exit(1);
    return double(n) / (double(t.nsecsElapsed()) / 1e9);
}

QList<Figure> rebuildScenario(const Options &opt, const QString &workDir)
{
    const QString source = demoStore(opt, workDir);
    const QString path = workDir + QStringLiteral("/rebuild.sqlite");
    QFile::remove(path);
    if (!QFile::copy(source, path))
        std::exit(1);
    auto rs = ReadSide::open(path, options(workDir), {}, quietReadSide());
    if (!rs)
        die(QStringLiteral("open"), rs.error());
    const qint64 events = *(*rs)->store().headPosition();
    QList<double> ours, bare;
    const int runs = std::min(opt.runs, 3);
    for (int run = 0; run < runs; ++run) {
        QElapsedTimer t;
        t.start();
        if (Status s = (*rs)->rebuild(); !s)
            die(QStringLiteral("rebuild"), s.error());
        ours << double(events) / (double(t.nsecsElapsed()) / 1e9);
        bare << bareScanRate(path);
    }
    // What was timed did the whole work: every projection at the head, a row per invoice
    // stream, the search index built.
    const auto status = (*rs)->status();
    if (!status)
        die(QStringLiteral("rebuild status"), status.error());
    for (const ProjectionStatus &st : *status) {
        if (st.position != events || st.storedSchemaVersion != st.schemaVersion) {
            std::fprintf(stderr, "rebuild: %s at %lld of %lld\n", qPrintable(st.name), qlonglong(st.position),
                         qlonglong(events));
            std::exit(1);
        }
    }
    const qint64 rows = countRows(path, "SELECT count(*) FROM invoice_list");
    const qint64 invoices = countRows(path, "SELECT count(*) FROM streams WHERE stream_type = 'invoice'");
    const qint64 stale = countRows(path, "SELECT stale FROM invoice_list_search_state");
    if (rows != invoices || stale != 0) {
        std::fprintf(stderr, "rebuild: %lld invoice rows for %lld invoices, search index stale %lld\n", qlonglong(rows),
                     qlonglong(invoices), qlonglong(stale));
        std::exit(1);
    }
    return {Figure{QStringLiteral("rebuild"), QStringLiteral("events_per_s"), median(ours), median(bare), 2.0, false}};
}

QList<Figure> asOfScenario(const Options &opt, const QString &workDir)
{
    const QString path = demoStore(opt, workDir);
    auto rs = ReadSide::open(path, options(workDir), {}, quietReadSide());
    if (!rs)
        die(QStringLiteral("open"), rs.error());
    SqliteEventStore &store = (*rs)->store();
    const qint64 head = *store.headPosition();
    auto middle = store.readAllTenants(head / 2, 1);
    if (!middle || middle->isEmpty())
        std::exit(1);
    const QDateTime t = middle->first().recordedAt;
    // What the window reads of a book: the lists, aging and revenue.
    struct Read
    {
        QList<InvoiceListEntry> invoices;
        QList<CustomerListEntry> customers;
        QList<AgingRow> aging;
        QList<RevenueRow> revenue;
        bool operator==(const Read &) const = default;
    };
    const auto read = [](const Book &book, const QString &scenario) {
        auto invoices = book.invoices({});
        auto customers = book.customers({});
        auto aging = book.aging();
        auto revenue = book.revenue();
        for (const Error *e : {invoices ? nullptr : &invoices.error(), customers ? nullptr : &customers.error(),
                               aging ? nullptr : &aging.error(), revenue ? nullptr : &revenue.error()}) {
            if (e)
                die(scenario, *e);
        }
        return Read{*invoices, *customers, *aging, *revenue};
    };
    QList<double> ours;
    Read expected;
    for (int run = 0; run < opt.runs + 1; ++run) {
        QElapsedTimer timer;
        timer.start();
        auto book = Book::asOf(store, Tenant, t);
        if (!book)
            die(QStringLiteral("as-of"), book.error());
        expected = read(*book, QStringLiteral("as-of"));
        if (run > 0)
            ours << double(timer.nsecsElapsed()) / 1e6;
    }
    if (expected.invoices.isEmpty() || expected.customers.isEmpty() || expected.revenue.isEmpty()) {
        std::fprintf(stderr, "as-of: an empty book mid-history\n");
        std::exit(1);
    }
    std::fprintf(stderr, "as-of: %lld rows as of %s (position %lld of %lld)\n",
                 qlonglong(expected.invoices.size() + expected.customers.size()), qPrintable(t.toString(Qt::ISODate)),
                 qlonglong(head / 2), qlonglong(head));
    // As the window builds it: on a worker's connection, into tables the first one attaches;
    // it has to read as the book built on one connection.
    QList<double> worker;
    for (int run = 0; run < opt.runs + 1; ++run) {
        QElapsedTimer timer;
        timer.start();
        auto shared = SharedBookTables::attach(store);
        if (!shared)
            die(QStringLiteral("as-of-worker"), shared.error());
        std::optional<Book> built;
        std::optional<Error> error;
        std::thread thread([&] {
            StoreOptions o;
            o.quickCheckOnOpen = false;
            auto own = SqliteEventStore::open(path, o);
            if (!own) {
                error = own.error();
                return;
            }
            auto book = Book::asOf(**own, Tenant, t, nullptr, *shared);
            if (!book)
                error = book.error();
            else
                built = std::move(*book);
        });
        thread.join();
        if (error)
            die(QStringLiteral("as-of-worker"), *error);
        if (read(*built, QStringLiteral("as-of-worker")) != expected) {
            std::fprintf(stderr, "as-of-worker: the book built on a worker differs from the one built on one connection\n");
            std::exit(1);
        }
        if (run > 0)
            worker << double(timer.nsecsElapsed()) / 1e6;
    }
    return {Figure{QStringLiteral("as-of"), QStringLiteral("ms"), median(ours), 0, 2000, true},
            Figure{QStringLiteral("as-of-worker"), QStringLiteral("ms"), median(worker), 0, 2000, true}};
}

// Resident memory after open-list, measured in a fresh process (this one has run the others).
QList<Figure> memoryScenario(const Options &opt, const QString &workDir)
{
    const QByteArray child = qgetenv(MemoryChildVariable);
    if (!child.isEmpty()) {
        const OpenList ol = openList(QString::fromUtf8(child), workDir, false);
        std::printf("rss_kb %lld\n", qlonglong(rssKb()));
        std::fflush(stdout);
        std::exit(0);
    }
    const QString path = demoStore(opt, workDir);
    QList<double> mb;
    for (int run = 0; run < std::min(opt.runs, 3); ++run) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QString::fromLatin1(MemoryChildVariable), path);
        p.setProcessEnvironment(env);
        p.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--scenario"), QStringLiteral("memory"),
                                                          QStringLiteral("--dir"), QFileInfo(workDir).absolutePath()});
        p.waitForFinished(120000);
        const QByteArray out = p.readAllStandardOutput();
        const qsizetype at = out.indexOf("rss_kb ");
        if (at < 0) {
            std::fprintf(stderr, "memory: the child printed no figure: %s\n", p.readAllStandardError().constData());
            std::exit(1);
        }
        mb << out.mid(at + 7).trimmed().toDouble() / 1024.0;
    }
    return {Figure{QStringLiteral("memory"), QStringLiteral("mb"), median(mb), 0, 200, true}};
}

QJsonObject fiveLines(int i)
{
    QJsonArray lines;
    for (int k = 0; k < 5; ++k) {
        lines.append(QJsonObject{{QStringLiteral("lineItemId"), QStringLiteral("L%1").arg(k)},
                                 {QStringLiteral("description"), QStringLiteral("Consulting, week %1").arg(i % 52 + 1)},
                                 {QStringLiteral("quantity"), QString::number(k + 1)},
                                 {QStringLiteral("unitPrice"), QStringLiteral("%1.50").arg(100 + i % 900)},
                                 {QStringLiteral("taxRate"), k % 2 ? QStringLiteral("7") : QStringLiteral("19")}});
    }
    return QJsonObject{{QStringLiteral("customerId"), QStringLiteral("c1")},
                       {QStringLiteral("currency"), QStringLiteral("EUR")},
                       {QStringLiteral("lineItems"), lines}};
}

// CreateInvoice with 5 lines + IssueInvoice through InvoicingService, durable, read side attached.
QList<Figure> invoiceCreateScenario(const Options &opt, const QString &workDir)
{
    const int count = opt.quick ? 300 : 1000;
    QList<double> ours, bare;
    for (int run = 0; run < std::min(opt.runs, 3); ++run) {
        const QString path = workDir + QStringLiteral("/create-%1.sqlite").arg(run);
        const QString barePath = workDir + QStringLiteral("/create-bare-%1.sqlite").arg(run);
        removeStore(path);
        removeStore(barePath);
        {
            const SystemClock clock;
            auto rs = ReadSide::open(path, options(workDir), {}, quietReadSide());
            if (!rs)
                die(QStringLiteral("open"), rs.error());
            InvoicingService service((*rs)->store(), clock);
            const auto run1 = [&](const QJsonObject &c) {
                if (auto r = service.execute(Tenant, c, QStringLiteral("bench")); !r)
                    die(QStringLiteral("invoice-create"), r.error());
            };
            run1(QJsonObject{{QStringLiteral("command"), QStringLiteral("SetCompanyProfile")},
                             {QStringLiteral("payload"),
                              QJsonObject{{QStringLiteral("name"), QStringLiteral("Bench GmbH")},
                                          {QStringLiteral("address"), QJsonObject{{QStringLiteral("street"), QStringLiteral("a 1")},
                                                                                  {QStringLiteral("postalCode"), QStringLiteral("10115")},
                                                                                  {QStringLiteral("city"), QStringLiteral("Berlin")},
                                                                                  {QStringLiteral("country"), QStringLiteral("DE")}}}}}});
            run1(QJsonObject{{QStringLiteral("command"), QStringLiteral("CreateCustomer")},
                             {QStringLiteral("aggregateId"), QStringLiteral("c1")},
                             {QStringLiteral("payload"),
                              QJsonObject{{QStringLiteral("name"), QStringLiteral("Customer")},
                                          {QStringLiteral("email"), QStringLiteral("c1@example.com")},
                                          {QStringLiteral("address"), QJsonObject{{QStringLiteral("street"), QStringLiteral("b 2")},
                                                                                  {QStringLiteral("postalCode"), QStringLiteral("10115")},
                                                                                  {QStringLiteral("city"), QStringLiteral("Berlin")},
                                                                                  {QStringLiteral("country"), QStringLiteral("DE")}}}}}});
            QElapsedTimer t;
            t.start();
            for (int i = 0; i < count; ++i) {
                const QString id = QStringLiteral("inv-%1").arg(i);
                run1(QJsonObject{{QStringLiteral("command"), QStringLiteral("CreateInvoice")},
                                 {QStringLiteral("aggregateId"), id},
                                 {QStringLiteral("payload"), fiveLines(i)}});
                run1(QJsonObject{{QStringLiteral("command"), QStringLiteral("IssueInvoice")},
                                 {QStringLiteral("aggregateId"), id},
                                 {QStringLiteral("payload"), QJsonObject{}}});
            }
            ours << double(count) / (double(t.nsecsElapsed()) / 1e9);
        }
        // What was timed is in the list: every invoice issued, with its number.
        const qint64 issued = countRows(path, "SELECT count(*) FROM invoice_list WHERE status = 'ISSUED' AND number <> ''");
        if (issued != count) {
            std::fprintf(stderr, "invoice-create: %lld issued invoices listed, %d created\n", qlonglong(issued), count);
            std::exit(1);
        }
        // Bare SQLite doing the same storage work: two durable transactions per invoice with the
        // same number of event rows (9, then 4 + 1 for the number sequence).
        {
            sqlite3 *db = nullptr;
            sqlite3_open(barePath.toUtf8().constData(), &db);
            sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                             "CREATE TABLE events(position INTEGER PRIMARY KEY, tenant TEXT, stream_id TEXT, version INTEGER,"
                             " payload TEXT, UNIQUE(tenant, stream_id, version))", nullptr, nullptr, nullptr);
            sqlite3_stmt *ins = nullptr;
            sqlite3_prepare_v2(db, "INSERT INTO events(tenant, stream_id, version, payload) VALUES('default', ?1, ?2, ?3)",
                               -1, &ins, nullptr);
            const QByteArray payload = QJsonDocument(fiveLines(1)).toJson(QJsonDocument::Compact);
            QElapsedTimer t;
            t.start();
            for (int i = 0; i < count; ++i) {
                const QByteArray id = "inv-" + QByteArray::number(i);
                for (int tx = 0; tx < 2; ++tx) {
                    sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
                    const int rows = tx == 0 ? 9 : 5;
                    for (int v = 0; v < rows; ++v) {
                        const QByteArray stream = tx == 1 && v == 4 ? QByteArray("sequence-2026") : id;
                        sqlite3_bind_text(ins, 1, stream.constData(), int(stream.size()), SQLITE_TRANSIENT);
                        sqlite3_bind_int64(ins, 2, stream == id ? tx * 9 + v + 1 : i + 1);
                        sqlite3_bind_text(ins, 3, payload.constData(), int(payload.size() / 5), SQLITE_STATIC);
                        sqlite3_step(ins);
                        sqlite3_reset(ins);
                    }
                    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
                }
            }
            bare << double(count) / (double(t.nsecsElapsed()) / 1e9);
            sqlite3_finalize(ins);
            sqlite3_close(db);
            if (countRows(barePath, "SELECT count(*) FROM events") != qint64(count) * 14) {
                std::fprintf(stderr, "invoice-create: the bare baseline did not write its rows\n");
                std::exit(1);
            }
        }
    }
    return {Figure{QStringLiteral("invoice-create"), QStringLiteral("invoices_per_s"), median(ours), 0, 1000, false},
            Figure{QStringLiteral("invoice-create"), QStringLiteral("bare_inv_per_s"), median(bare), 0, 0, false}};
}

const Register r1{{QStringLiteral("open-list"), QStringLiteral("open the store, first page of the invoice list"), openListScenario}};
const Register r2{{QStringLiteral("search"), QStringLiteral("text search over the invoice list"), searchScenario}};
const Register r7{{QStringLiteral("activity-page"), QStringLiteral("the Activity view's first page, summaries rendered"),
                   activityPageScenario}};
const Register r3{{QStringLiteral("rebuild"), QStringLiteral("all projections from the demo log"), rebuildScenario}};
const Register r4{{QStringLiteral("as-of"), QStringLiteral("whole book as of mid-history"), asOfScenario}};
const Register r5{{QStringLiteral("memory"), QStringLiteral("resident memory after open-list"), memoryScenario}};
const Register r6{{QStringLiteral("invoice-create"), QStringLiteral("CreateInvoice (5 lines) + IssueInvoice, durable"), invoiceCreateScenario}};

} // namespace
} // namespace Bench
