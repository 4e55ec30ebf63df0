#pragma once

#include "core/es/clock.h"
#include "core/es/result.h"

#include <QDate>
#include <QString>

#include <functional>

namespace Billstream {

class InvoicingService;
class SqliteEventStore;

// What `billstream-cli demo` writes: a business's history over three years, through the same
// commands the GUI issues (InvoicingService::execute), so every event is one the domain decided.
struct DemoOptions
{
    QString tenantId = QStringLiteral("default");
    int customers = 200;
    int invoices = 2000;
    quint64 seed = 1;
    QDate until;                 // the last day of the history; invalid: today (UTC)
    QString actor = QStringLiteral("demo");
    // Bulk mode: the store's connection commits without syncing to disk while the demo runs
    // (PRAGMA synchronous = OFF) and is synced once at the end. A crash of the machine midway
    // may lose the demo data written so far; nothing that existed before is at risk of loss in
    // an application crash, and the log stays append-only and hash-chained.
    bool bulk = true;
    std::function<void(qint64 done, qint64 total)> progress;
};

struct DemoSummary
{
    qint64 commands = 0;
    qint64 events = 0;
    int customers = 0;
    int invoices = 0;
    QDate from;
    QDate until;
};

// Writes the history. `clock` must be the clock the store was opened with (StoreOptions.clock)
// and the service's clock: the demo sets it before every command, so recorded times spread
// over the three years and time travel has something to show. The same seed gives the same
// ids, names, amounts and times (event ids and hashes still differ: they are the store's).
Result<DemoSummary> writeDemoHistory(InvoicingService &service, ManualClock &clock, const DemoOptions &options);

} // namespace Billstream
