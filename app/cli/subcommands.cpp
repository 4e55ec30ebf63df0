#include "app/cli/cli.h"

namespace Billstream::Cli {

// Each subcommand lives in its own cmd_*.cpp; this table is where they are listed.
const QList<Subcommand> &subcommands()
{
    static const QList<Subcommand> all = {};
    return all;
}

} // namespace Billstream::Cli
