#include "app/cli/cli.h"

namespace Billstream::Cli {

// Each subcommand lives in its own cmd_*.cpp; this table is where they are listed.
const QList<Subcommand> &subcommands()
{
    static const QList<Subcommand> all = {
        {QStringLiteral("exec"), QStringLiteral("Execute commands (JSON) and print the resulting events [FILE|-]"), runExec},
        {QStringLiteral("state"), QStringLiteral("An invoice or customer as JSON: invoice|customer ID [--version N | --as-of TIME]"), runState},
        {QStringLiteral("events"), QStringLiteral("The event log as JSON lines [--stream ID] [--from-position N] [--type T] [--limit N]"), runEvents},
        {QStringLiteral("verify"), QStringLiteral("Check the hash chain, versions and projections [--anchor FILE]"), runVerify},
        {QStringLiteral("list"), QStringLiteral("A list as it stands or stood: invoices|customers [--as-of TIME] [--status S] [--search TEXT] [--format table|json|csv]"), runList},
        {QStringLiteral("rebuild"), QStringLiteral("Drop and rebuild projections from the log, with progress on stderr [NAME...]"), runRebuild},
        {QStringLiteral("demo"), QStringLiteral("Write a sample history over three years [--customers N] [--invoices N] [--seed S] [--until DATE]"), runDemo},
        {QStringLiteral("pdf"), QStringLiteral("Render an invoice as PDF: INVOICE_ID --out FILE [--paper a4|letter]"), runPdf},
        {QStringLiteral("send"), QStringLiteral("E-mail an invoice and wait for the outcome: INVOICE_ID [--to ADDR] [--subject S] [--message M] [--smtp URL] [--ca-file F] [--allow-plaintext] [--attempts N]"), runSend},
    };
    return all;
}

} // namespace Billstream::Cli
