#include "app/cli/cli.h"

namespace Billstream::Cli {

// Each subcommand lives in its own cmd_*.cpp; this table is where they are listed.
const QList<Subcommand> &subcommands()
{
    static const QList<Subcommand> all = {
        {QStringLiteral("events"), QStringLiteral("The event log as JSON lines [--stream ID] [--from-position N] [--type T] [--limit N]"), runEvents},
        {QStringLiteral("verify"), QStringLiteral("Check the hash chain, versions and projections [--anchor FILE]"), runVerify},
    };
    return all;
}

} // namespace Billstream::Cli
