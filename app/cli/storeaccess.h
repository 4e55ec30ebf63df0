#pragma once

#include "app/cli/cli.h"
#include "core/es/sqliteeventstore.h"

#include <QDateTime>

namespace Billstream::Cli {

enum class Access { Read, Write };

// Opens the store of --store for a subcommand. Reading a store file that does not exist is
// NotFound; writing creates it. A store that cannot be written still opens for reading.
Result<std::unique_ptr<SqliteEventStore>> openStore(const Context &ctx, Access access);

// TIME of CLI.md: ISO 8601 with optional fractional seconds and `Z` or `±hh:mm` (none means
// UTC), or a date meaning the end of that day, UTC.
Result<QDateTime> parseTime(const QString &option, const QString &text);

// A non-negative integer option value, or a UsageError naming the option.
Result<qint64> parseCount(const QString &option, const QString &text, qint64 minimum = 0);


} // namespace Billstream::Cli
