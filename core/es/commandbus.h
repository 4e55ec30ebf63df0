#pragma once

#include "core/es/eventstore.h"

#include <optional>

namespace Billstream {

// What the caller knows about a command before deciding it.
struct CommandContext
{
    QString tenantId;
    QString streamId;                        // the command's own stream
    std::optional<qint64> expectedVersion;   // what the sender last saw; none: no check
    EventMetadata metadata;                  // commandId makes the command idempotent
    QByteArray fingerprint;                  // identifies the command for commandId reuse checks
    int maxAttempts = 8;                     // bounded rebase retries
};

// The domain's part of handling one command.
struct CommandHandler
{
    // Loads the current state, decides, and returns the append with the versions it loaded
    // as exact expected versions. Called again after each lost race.
    std::function<Result<AppendRequest>()> decide;
    // Of the events appended to the stream since the sender's expected version, those that
    // conflict with the command (talk slides 27–34). Empty: the command rebases.
    std::function<QList<RecordedEvent>(const QList<RecordedEvent> &since)> conflicting;
};

// load → decide → append with the loaded version; on a lost race, the events appended since
// are put to the aggregate's conflict rule: rebase (decide again on the fresh state) or fail
// with a ConcurrentModification naming the conflicting events.
Result<AppendResult> executeCommand(EventStore &store, const CommandContext &context,
                                    const CommandHandler &handler);

} // namespace Billstream
