#include "core/es/commandbus.h"

#include <QJsonArray>

namespace Billstream {

namespace {

Error concurrentModification(const CommandContext &ctx, qint64 actual, const QList<RecordedEvent> &conflicts)
{
    QStringList names;
    QJsonArray list;
    for (const RecordedEvent &e : conflicts) {
        names << QStringLiteral("%1 (version %2)").arg(e.type).arg(e.version);
        list.append(QJsonObject{{QStringLiteral("version"), e.version}, {QStringLiteral("type"), e.type}});
    }
    const QString message = QStringLiteral("%1 was changed meanwhile: expected version %2, now %3; conflicting: %4")
                                 .arg(ctx.streamId)
                                 .arg(*ctx.expectedVersion)
                                 .arg(actual)
                                 .arg(names.join(QStringLiteral(", ")));
    return Error::conflict(message, QJsonObject{{QStringLiteral("streamId"), ctx.streamId},
                                                {QStringLiteral("expectedVersion"), *ctx.expectedVersion},
                                                {QStringLiteral("actualVersion"), actual},
                                                {QStringLiteral("conflictingEvents"), list}});
}

// Checks the sender's expected version against the stream as it is now.
Status checkExpected(EventStore &store, const CommandContext &ctx, const CommandHandler &handler)
{
    if (!ctx.expectedVersion)
        return {};
    const Result<qint64> actual = store.streamVersion(ctx.tenantId, ctx.streamId);
    if (!actual)
        return fail(actual.error());
    const qint64 expected = *ctx.expectedVersion;
    if (expected == *actual)
        return {};
    if (expected > *actual) {
        return fail(Error::conflict(
            QStringLiteral("%1 has version %2, but version %3 was expected").arg(ctx.streamId).arg(*actual).arg(expected),
            QJsonObject{{QStringLiteral("streamId"), ctx.streamId},
                        {QStringLiteral("expectedVersion"), expected},
                        {QStringLiteral("actualVersion"), *actual}}));
    }
    const Result<QList<RecordedEvent>> since = store.readStream(ctx.tenantId, ctx.streamId, expected + 1, *actual);
    if (!since)
        return fail(since.error());
    const QList<RecordedEvent> conflicts = handler.conflicting ? handler.conflicting(*since) : *since;
    if (!conflicts.isEmpty())
        return fail(concurrentModification(ctx, *actual, conflicts));
    return {};
}

} // namespace

Result<AppendResult> executeCommand(EventStore &store, const CommandContext &ctx, const CommandHandler &handler)
{
    // A retry of a command that already ran reports its first run's events.
    if (!ctx.metadata.commandId.isEmpty()) {
        auto earlier = store.findCommand(ctx.tenantId, ctx.metadata.commandId);
        if (!earlier)
            return fail(earlier.error());
        if (*earlier) {
            // The store refuses a reused id with another fingerprint inside append as well;
            // here we only short-cut the common retry, letting append judge the rest.
            AppendRequest probe;
            probe.tenantId = ctx.tenantId;
            probe.metadata = ctx.metadata;
            probe.commandFingerprint = ctx.fingerprint;
            return store.append(probe);
        }
    }

    Error lastConflict = Error::conflict(QStringLiteral("%1 kept changing; gave up after %2 attempts")
                                             .arg(ctx.streamId)
                                             .arg(ctx.maxAttempts));
    for (int attempt = 0; attempt < ctx.maxAttempts; ++attempt) {
        if (Status s = checkExpected(store, ctx, handler); !s)
            return fail(s.error());
        Result<AppendRequest> request = handler.decide();
        if (!request)
            return fail(request.error());
        request->tenantId = ctx.tenantId;
        request->metadata = ctx.metadata;
        request->commandFingerprint = ctx.fingerprint;
        Result<AppendResult> appended = store.append(*request);
        if (appended || appended.error().kind != ErrorKind::ConcurrentModification)
            return appended;
        // Lost a race between our read and our write lock: look again at what landed.
        lastConflict = appended.error();
    }
    return fail(lastConflict);
}

} // namespace Billstream
