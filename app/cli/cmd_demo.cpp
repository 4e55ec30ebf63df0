#include "app/cli/cli.h"
#include "app/cli/storeaccess.h"

#include "core/domain/invoicingservice.h"
#include "core/projections/demodata.h"
#include "core/projections/readside.h"

#include <billstream/version.h>

#include <QCommandLineParser>
#include <QElapsedTimer>

namespace Billstream::Cli {

// `demo [--customers N] [--invoices N] [--seed S] [--until DATE]`: a sample history through the
// normal command path, with recorded times spread over three years (the store runs on a
// ManualClock the demo sets before each command).
int runDemo(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption customersOpt(QStringLiteral("customers"),
                                          QStringLiteral("How many customers (default: a tenth of the invoices, 20 to 10000)."),
                                          QStringLiteral("N"));
    const QCommandLineOption invoicesOpt(QStringLiteral("invoices"), QStringLiteral("How many invoices (default 2000)."),
                                         QStringLiteral("N"));
    const QCommandLineOption seedOpt(QStringLiteral("seed"), QStringLiteral("The same seed writes the same history (default 1)."),
                                     QStringLiteral("S"));
    const QCommandLineOption untilOpt(QStringLiteral("until"),
                                      QStringLiteral("The history's last day (default: today, UTC)."), QStringLiteral("DATE"));
    parser.addOptions({customersOpt, invoicesOpt, seedOpt, untilOpt});
    if (auto code = parseArguments(ctx, parser, QStringLiteral("demo"), args, 0, 0))
        return *code;

    DemoOptions demo;
    demo.tenantId = ctx.tenantId;
    demo.invoices = 2000;
    if (parser.isSet(invoicesOpt)) {
        auto n = parseCount(QStringLiteral("--invoices"), parser.value(invoicesOpt), 0);
        if (!n)
            return ctx.report(n.error());
        if (*n > 10'000'000)
            return ctx.usage(QStringLiteral("--invoices: at most 10000000"));
        demo.invoices = int(*n);
    }
    demo.customers = std::clamp(demo.invoices / 10, 20, 10'000);
    if (parser.isSet(customersOpt)) {
        auto n = parseCount(QStringLiteral("--customers"), parser.value(customersOpt), 1);
        if (!n)
            return ctx.report(n.error());
        if (*n > 1'000'000)
            return ctx.usage(QStringLiteral("--customers: at most 1000000"));
        demo.customers = int(*n);
    }
    if (parser.isSet(seedOpt)) {
        auto n = parseCount(QStringLiteral("--seed"), parser.value(seedOpt), 0);
        if (!n)
            return ctx.report(n.error());
        demo.seed = quint64(*n);
    }
    if (parser.isSet(untilOpt)) {
        const QDate d = QDate::fromString(parser.value(untilOpt), Qt::ISODate);
        if (!d.isValid() || parser.value(untilOpt).size() != 10)
            return ctx.usage(QStringLiteral("--until: '%1' is not a date such as 2026-11-27").arg(parser.value(untilOpt)));
        demo.until = d;
    }

    // The store's clock is the demo's: recorded times follow the simulated days.
    ManualClock clock(QDateTime::currentDateTimeUtc());
    StoreOptions options;
    options.appVersion = QStringLiteral(BILLSTREAM_VERSION);
    options.clock = &clock;
    auto store = SqliteEventStore::open(ctx.storePath, options);
    if (!store)
        return ctx.report(store.error());
    if ((*store)->isReadOnly())
        return ctx.report(Error::failure(QStringLiteral("the store %1 is read-only").arg(ctx.storePath)));
    {
        auto existing = (*store)->readAll(ctx.tenantId, 1, 1);
        if (!existing)
            return ctx.report(existing.error());
        if (!existing->isEmpty()) {
            return ctx.report(Error::validation(
                QStringLiteral("the tenant '%1' already has a history in %2; write the demo to a new store or tenant")
                    .arg(ctx.tenantId, ctx.storePath)));
        }
    }

    const ReadSide::Progress progress = ReadSide::printProgress(*ctx.err, QStringLiteral("demo"));
    ReadSideOptions rsOptions;
    rsOptions.autoCatchUp = false;
    auto readSide = ReadSide::attach(**store, progress, rsOptions);
    if (!readSide)
        return ctx.report(readSide.error());

    InvoicingService service(**store, clock);
    demo.progress = [&](qint64 done, qint64 total) { progress(QStringLiteral("commands"), done, total); };
    QElapsedTimer timer;
    timer.start();
    Result<DemoSummary> summary = writeDemoHistory(service, clock, demo);
    if (!summary)
        return ctx.report(summary.error());
    // The async projection (revenue) catches up once, at the end.
    if (auto reached = (*readSide)->catchUp(); !reached)
        return ctx.report(reached.error());

    *ctx.out << QStringLiteral("demo: %1 customers, %2 invoices, %3 commands, %4 events, recorded from %5 to %6 for "
                               "tenant %7\n")
                    .arg(summary->customers)
                    .arg(summary->invoices)
                    .arg(summary->commands)
                    .arg(summary->events)
                    .arg(summary->from.toString(Qt::ISODate), summary->until.toString(Qt::ISODate), ctx.tenantId);
    *ctx.err << QStringLiteral("demo: done in %1 s\n").arg(double(timer.elapsed()) / 1000.0, 0, 'f', 1);
    ctx.out->flush();
    ctx.err->flush();
    return 0;
}

} // namespace Billstream::Cli
