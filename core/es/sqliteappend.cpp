// SqliteEventStore: appends, inline projections, checkpoints and snapshots.
#include "core/es/sqliteeventstore_p.h"

#include <QJsonDocument>
#include <QSet>
#include <QSqlQuery>
#include <QSqlError>

#include <sqlite3.h>

#include <limits>

namespace Billstream {

namespace {

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonValue expectedAsJson(const ExpectedVersion &expected)
{
    if (expected.kind() == ExpectedVersion::Kind::Exact)
        return expected.version();
    return expected.toString();
}

// Checks the shape of a request before taking the write lock; all problems at once.
std::optional<Error> validateRequest(const AppendRequest &r)
{
    QList<Violation> violations;
    const auto need = [&](const QString &value, const QString &field) {
        if (value.isEmpty())
            violations.append({field, QStringLiteral("must not be empty")});
    };
    need(r.tenantId, QStringLiteral("tenantId"));
    QSet<QString> seen;
    for (qsizetype i = 0; i < r.streams.size(); ++i) {
        const StreamAppend &s = r.streams.at(i);
        const QString at = QStringLiteral("streams[%1]").arg(i);
        need(s.streamId, at + QStringLiteral(".streamId"));
        need(s.streamType, at + QStringLiteral(".streamType"));
        if (!s.streamId.isEmpty() && seen.contains(s.streamId)) {
            violations.append({at + QStringLiteral(".streamId"),
                               QStringLiteral("'%1' appears more than once in one append").arg(s.streamId)});
        }
        seen.insert(s.streamId);
        for (qsizetype j = 0; j < s.events.size(); ++j)
            need(s.events.at(j).type, at + QStringLiteral(".events[%1].type").arg(j));
    }
    const auto checkClaims = [&](const QList<UniqueClaim> &claims, const QString &name) {
        for (qsizetype i = 0; i < claims.size(); ++i) {
            const QString at = QStringLiteral("%1[%2]").arg(name).arg(i);
            need(claims.at(i).kind, at + QStringLiteral(".kind"));
            need(claims.at(i).value, at + QStringLiteral(".value"));
            need(claims.at(i).streamId, at + QStringLiteral(".streamId"));
        }
    };
    checkClaims(r.claims, QStringLiteral("claims"));
    checkClaims(r.releases, QStringLiteral("releases"));
    if (violations.isEmpty())
        return std::nullopt;
    return Error::validation(QStringLiteral("The append request is incomplete."), violations);
}

} // namespace

Result<LogTail> SqliteEventStore::Private::readTail()
{
    Error error;
    SqliteStatement *s = statement(Sql::Head, &error);
    if (!s)
        return fail(error);
    StatementReset guard(*s);
    LogTail tail;
    const int rc = s->step();
    if (rc == SQLITE_ROW) {
        tail.head = s->int64(0);
        tail.headHash = s->blob(1);
        tail.recordedAtMs = s->int64(2);
    } else if (rc != SQLITE_DONE) {
        return fail(sqliteError(rc, QStringLiteral("read the end of the log")));
    }
    return tail;
}

Result<std::optional<AppendResult>> SqliteEventStore::Private::commandRun(const QString &tenantId,
                                                                          const QString &commandId,
                                                                          QByteArray *fingerprint)
{
    Error error;
    SqliteStatement *s = statement(Sql::FindCommand, &error);
    if (!s)
        return fail(error);
    qint64 first = 0;
    qint64 last = 0;
    {
        StatementReset guard(*s);
        s->bind(1, tenantId);
        s->bind(2, commandId);
        const int rc = s->step();
        if (rc == SQLITE_DONE)
            return std::optional<AppendResult>();
        if (rc != SQLITE_ROW)
            return fail(sqliteError(rc, QStringLiteral("look up command %1").arg(commandId)));
        if (fingerprint)
            *fingerprint = s->blob(0);
        first = s->int64(1);
        last = s->int64(2);
    }
    SqliteStatement *events = statement(Sql::ReadCommandEvents, &error);
    if (!events)
        return fail(error);
    events->bind(1, first);
    events->bind(2, last);
    events->bind(3, tenantId);
    Result<QList<RecordedEvent>> read = collect(*events, QStringLiteral("read the events of command %1").arg(commandId));
    if (!read)
        return fail(read.error());
    AppendResult result;
    result.fromPosition = first;
    result.toPosition = last;
    result.events = std::move(*read);
    result.replayed = true;
    return std::optional<AppendResult>(std::move(result));
}

Result<AppendResult> SqliteEventStore::Private::appendOne(const AppendRequest &request, LogTail &tail,
                                                          QList<RecordedEvent> &appended)
{
    const QString &tenant = request.tenantId;
    const QString &commandId = request.metadata.commandId;

    // Idempotency first: a retry of a finished command needs no events of its own.
    if (!commandId.isEmpty()) {
        QByteArray storedFingerprint;
        Result<std::optional<AppendResult>> earlier = commandRun(tenant, commandId, &storedFingerprint);
        if (!earlier)
            return fail(earlier.error());
        if (*earlier) {
            if (storedFingerprint != request.commandFingerprint) {
                return fail(Error::invalidField(
                    QStringLiteral("commandId"),
                    QStringLiteral("the command id '%1' was already used for a different command").arg(commandId)));
            }
            return std::move(**earlier);
        }
    }

    Error error;
    QList<qint64> versions;
    qsizetype eventCount = 0;
    for (const StreamAppend &stream : request.streams) {
        const Result<StreamInfo> info = streamInfo(tenant, stream.streamId);
        if (!info)
            return fail(info.error());
        const qint64 actual = info->version;
        if (!info->type.isEmpty() && info->type != stream.streamType) {
            return fail(Error::invalidField(
                QStringLiteral("streamId"),
                QStringLiteral("the id '%1' is already used by a %2 stream").arg(stream.streamId, info->type)));
        }
        if (!stream.expected.matches(actual)) {
            return fail(Error::conflict(
                QStringLiteral("Stream %1 is at version %2, but the append expected %3.")
                    .arg(stream.streamId)
                    .arg(actual)
                    .arg(stream.expected.kind() == ExpectedVersion::Kind::Exact
                             ? QStringLiteral("version %1").arg(stream.expected.version())
                             : stream.expected.toString()),
                QJsonObject{{QStringLiteral("streamId"), stream.streamId},
                            {QStringLiteral("expectedVersion"), expectedAsJson(stream.expected)},
                            {QStringLiteral("actualVersion"), actual}}));
        }
        versions.append(actual);
        eventCount += stream.events.size();
    }

    if (eventCount == 0) {
        // Nothing to append is a no-op (a command that changes nothing); a claim, though,
        // must be stored with the events that justify it.
        if (!request.claims.isEmpty() || !request.releases.isEmpty()) {
            return fail(Error::validation(
                QStringLiteral("Unique claims and releases need at least one event in the same append.")));
        }
        return AppendResult{};
    }

    for (const UniqueClaim &release : request.releases) {
        SqliteStatement *s = statement(Sql::ReleaseClaim, &error);
        if (!s)
            return fail(error);
        StatementReset guard(*s);
        s->bind(1, tenant);
        s->bind(2, release.kind);
        s->bind(3, release.value);
        s->bind(4, release.streamId);
        if (const int rc = s->step(); rc != SQLITE_DONE)
            return fail(sqliteError(rc, QStringLiteral("release the %1 claim").arg(release.kind)));
    }
    QList<Violation> claimViolations;
    for (const UniqueClaim &claim : request.claims) {
        QString holder;
        {
            SqliteStatement *s = statement(Sql::ClaimHolder, &error);
            if (!s)
                return fail(error);
            StatementReset guard(*s);
            s->bind(1, tenant);
            s->bind(2, claim.kind);
            s->bind(3, claim.value);
            const int rc = s->step();
            if (rc == SQLITE_ROW)
                holder = s->text(0);
            else if (rc != SQLITE_DONE)
                return fail(sqliteError(rc, QStringLiteral("check the %1 claim").arg(claim.kind)));
        }
        if (holder == claim.streamId)
            continue;
        if (!holder.isEmpty()) {
            claimViolations.append({QStringLiteral("claim:") + claim.kind,
                                    QStringLiteral("'%1' is already used by %2").arg(claim.value, holder)});
            continue;
        }
        SqliteStatement *s = statement(Sql::InsertClaim, &error);
        if (!s)
            return fail(error);
        StatementReset guard(*s);
        s->bind(1, tenant);
        s->bind(2, claim.kind);
        s->bind(3, claim.value);
        s->bind(4, claim.streamId);
        if (const int rc = s->step(); rc != SQLITE_DONE)
            return fail(sqliteError(rc, QStringLiteral("take the %1 claim").arg(claim.kind)));
    }
    if (!claimViolations.isEmpty()) {
        const QString message = claimViolations.size() == 1
            ? claimViolations.first().message
            : QStringLiteral("%1 values are already used by other streams.").arg(claimViolations.size());
        return fail(Error::validation(message, claimViolations));
    }

    EventMetadata metadata = request.metadata;
    if (metadata.appVersion.isEmpty())
        metadata.appVersion = options.appVersion;
    const QByteArray metadataText = compact(metadata.toJson());
    const QByteArray tenantUtf8 = tenant.toUtf8();
    const QDateTime recordedAt = QDateTime::fromMSecsSinceEpoch(tail.recordedAtMs, Qt::UTC);

    AppendResult result;
    result.fromPosition = tail.head + 1;
    QByteArray scratch;
    for (qsizetype i = 0; i < request.streams.size(); ++i) {
        const StreamAppend &stream = request.streams.at(i);
        if (stream.events.isEmpty())
            continue;
        const QByteArray streamTypeUtf8 = stream.streamType.toUtf8();
        const QByteArray streamIdUtf8 = stream.streamId.toUtf8();
        qint64 version = versions.at(i);
        for (const NewEvent &event : stream.events) {
            RecordedEvent recorded;
            recorded.position = tail.head + 1;
            recorded.tenantId = tenant;
            recorded.streamType = stream.streamType;
            recorded.streamId = stream.streamId;
            recorded.version = ++version;
            recorded.eventId = newEventId();
            recorded.type = event.type;
            recorded.schemaVersion = event.schemaVersion;
            recorded.payload = event.payload;
            recorded.metadata = metadata;
            recorded.recordedAt = recordedAt;

            const QByteArray eventIdUtf8 = recorded.eventId.toUtf8();
            const QByteArray typeUtf8 = event.type.toUtf8();
            const QByteArray payloadText = compact(event.payload);
            recorded.hash = computeEventHash({tail.headHash, recorded.position, tenantUtf8, streamTypeUtf8,
                                              streamIdUtf8, recorded.version, eventIdUtf8, typeUtf8,
                                              event.schemaVersion, payloadText, metadataText, tail.recordedAtMs},
                                             scratch);

            SqliteStatement *insert = statement(Sql::InsertEvent, &error);
            if (!insert)
                return fail(error);
            StatementReset guard(*insert);
            insert->bind(1, recorded.position);
            insert->bindText(2, tenantUtf8);
            insert->bindText(3, streamTypeUtf8);
            insert->bindText(4, streamIdUtf8);
            insert->bind(5, recorded.version);
            insert->bindText(6, eventIdUtf8);
            insert->bindText(7, typeUtf8);
            insert->bind(8, qint64(event.schemaVersion));
            insert->bindText(9, payloadText);
            insert->bindText(10, metadataText);
            insert->bind(11, tail.recordedAtMs);
            insert->bindBlob(12, recorded.hash);
            if (const int rc = insert->step(); rc != SQLITE_DONE) {
                return fail(sqliteError(
                    rc, QStringLiteral("append event %1 to stream %2").arg(recorded.version).arg(stream.streamId)));
            }
            tail.head = recorded.position;
            tail.headHash = recorded.hash;
            appended.append(recorded);
            result.events.append(std::move(recorded));
        }

        SqliteStatement *upsert = statement(Sql::UpsertStream, &error);
        if (!upsert)
            return fail(error);
        StatementReset guard(*upsert);
        upsert->bindText(1, tenantUtf8);
        upsert->bindText(2, streamIdUtf8);
        upsert->bindText(3, streamTypeUtf8);
        upsert->bind(4, version);
        if (const int rc = upsert->step(); rc != SQLITE_DONE)
            return fail(sqliteError(rc, QStringLiteral("update the version of stream %1").arg(stream.streamId)));
    }
    result.toPosition = tail.head;

    if (!commandId.isEmpty()) {
        SqliteStatement *s = statement(Sql::InsertCommand, &error);
        if (!s)
            return fail(error);
        StatementReset guard(*s);
        s->bindText(1, tenantUtf8);
        s->bind(2, commandId);
        s->bindBlob(3, request.commandFingerprint);
        s->bind(4, result.fromPosition);
        s->bind(5, result.toPosition);
        if (const int rc = s->step(); rc != SQLITE_DONE)
            return fail(sqliteError(rc, QStringLiteral("record command %1").arg(commandId)));
    }
    return result;
}

Result<QList<AppendResult>> SqliteEventStore::Private::appendRequests(const QList<AppendRequest> &requests)
{
    const QString doing = requests.size() == 1 ? QStringLiteral("append the events")
                                               : QStringLiteral("append a batch of %1 commands").arg(requests.size());
    if (readOnly)
        return fail(readOnlyError(doing));
    for (const AppendRequest &r : requests) {
        if (std::optional<Error> e = validateRequest(r))
            return fail(*e);
    }
    if (requests.isEmpty())
        return QList<AppendResult>();

    if (Status s = begin(doing); !s)
        return fail(s.error());
    // Everything that decides the append is read from here on, under the write lock.
    Result<LogTail> tail = readTail();
    if (!tail) {
        rollback();
        return fail(tail.error());
    }
    const qint64 headBefore = tail->head;
    // Recorded times never decrease along the log, whatever the clock does (DOMAIN.md).
    tail->recordedAtMs = std::max(clock().nowUtc().toMSecsSinceEpoch(), tail->recordedAtMs);

    QList<AppendResult> results;
    QList<RecordedEvent> appended;
    results.reserve(requests.size());
    for (const AppendRequest &r : requests) {
        Result<AppendResult> one = appendOne(r, *tail, appended);
        if (!one) {
            rollback();
            return fail(one.error());
        }
        results.append(std::move(*one));
    }
    if (appended.isEmpty()) {
        rollback();  // replays and no-ops write nothing
        return results;
    }
    if (Status s = applyInline(headBefore, appended, tail->head); !s) {
        rollback();
        return fail(s.error());
    }
    if (Status s = commit(doing); !s)
        return fail(s.error());

    if (options.recordAnchor)
        recordAnchor(tail->head, tail->headHash);
    for (const AppendResult &r : std::as_const(results)) {
        if (!r.replayed && r.toPosition > 0)
            emit q->eventsAppended(r.events.first().tenantId, r.fromPosition, r.toPosition);
    }
    return results;
}

// ---------------------------------------------------------------------------------------------
// Projections

Result<std::optional<std::pair<int, qint64>>> SqliteEventStore::Private::storedCheckpoint(const QString &name)
{
    Error error;
    SqliteStatement *s = statement(Sql::Checkpoint, &error);
    if (!s)
        return fail(error);
    StatementReset guard(*s);
    s->bind(1, name);
    const int rc = s->step();
    if (rc == SQLITE_DONE)
        return std::optional<std::pair<int, qint64>>();
    if (rc != SQLITE_ROW)
        return fail(sqliteError(rc, QStringLiteral("read the checkpoint of projection %1").arg(name)));
    return std::optional<std::pair<int, qint64>>(std::pair<int, qint64>(int(s->int64(0)), s->int64(1)));
}

Status SqliteEventStore::Private::writeCheckpoint(const QString &name, int schemaVersion, qint64 position)
{
    Error error;
    SqliteStatement *s = statement(Sql::SetCheckpoint, &error);
    if (!s)
        return fail(error);
    StatementReset guard(*s);
    s->bind(1, name);
    s->bind(2, qint64(schemaVersion));
    s->bind(3, position);
    if (const int rc = s->step(); rc != SQLITE_DONE)
        return fail(sqliteError(rc, QStringLiteral("store the checkpoint of projection %1").arg(name)));
    return {};
}

// Applies the log's events [from, to] to each target, streaming them; checks `cancel` between events.
Status SqliteEventStore::Private::applyRange(const QList<Projection *> &targets, qint64 from, qint64 to,
                                            const std::function<void(qint64, qint64)> &progress,
                                            const std::function<bool()> &cancel, bool *cancelled)
{
    if (cancelled)
        *cancelled = false;
    if (targets.isEmpty() || to < from)
        return {};
    QSqlDatabase qdb = connection();
    const qint64 total = to - from + 1;
    qint64 done = 0;
    Status failed;
    Status scanned = q->scan({}, from, to, [&](const RecordedEvent &e) {
        if (cancel && (done % 256) == 0 && cancel()) {
            if (cancelled)
                *cancelled = true;
            return false;
        }
        for (Projection *p : targets) {
            if (Status s = p->apply(qdb, e); !s) {
                failed = fail(Error::failure(QStringLiteral("The projection %1 could not apply the event at position "
                                                            "%2 (%3): %4")
                                                 .arg(p->name())
                                                 .arg(e.position)
                                                 .arg(e.type, s.error().message)));
                return false;
            }
        }
        ++done;
        if (progress && (done % 1000 == 0 || done == total))
            progress(done, total);
        return true;
    });
    if (!scanned)
        return scanned;
    return failed;
}

Status SqliteEventStore::Private::applyInline(qint64 headBefore, const QList<RecordedEvent> &appended, qint64 headAfter)
{
    if (projections.isEmpty())
        return {};
    QSqlDatabase qdb = connection();
    for (const std::shared_ptr<Projection> &p : std::as_const(projections)) {
        Result<std::optional<std::pair<int, qint64>>> stored = storedCheckpoint(p->name());
        if (!stored)
            return fail(stored.error());
        // Maintained by a program with another version of this projection: not ours to change.
        if (!*stored || (*stored)->first != p->schemaVersion())
            continue;
        // A writer without this projection registered appended meanwhile: catch up first.
        if ((*stored)->second < headBefore) {
            if (Status s = applyRange({p.get()}, (*stored)->second + 1, headBefore, {}, {}, nullptr); !s)
                return s;
        }
        if (Status s = p->applyAppend(qdb, appended); !s) {
            return fail(Error::failure(
                QStringLiteral("The projection %1 could not apply %2; nothing was appended.").arg(p->name(), s.error().message)));
        }
        if (Status s = writeCheckpoint(p->name(), p->schemaVersion(), headAfter); !s)
            return s;
    }
    return {};
}

// ---------------------------------------------------------------------------------------------
// SqliteEventStore: writing

Result<AppendResult> SqliteEventStore::append(const AppendRequest &request)
{
    Result<QList<AppendResult>> results = d->appendRequests({request});
    if (!results)
        return fail(results.error());
    return results->first();
}

Result<QList<AppendResult>> SqliteEventStore::appendBatch(const QList<AppendRequest> &requests)
{
    return d->appendRequests(requests);
}

Status SqliteEventStore::writeTransaction(const std::function<Status(QSqlDatabase &)> &work)
{
    const QString doing = QStringLiteral("write");
    if (d->readOnly)
        return fail(d->readOnlyError(doing));
    if (Status s = d->begin(doing); !s)
        return s;
    QSqlDatabase qdb = d->connection();
    if (Status s = work(qdb); !s) {
        d->rollback();
        return s;
    }
    return d->commit(doing);
}

Status SqliteEventStore::setCheckpoint(QSqlDatabase &db, const QString &projectionName, int schemaVersion, qint64 position)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("INSERT INTO projection_checkpoints (name, schema_version, position) VALUES (?, ?, ?)"
                                 " ON CONFLICT (name) DO UPDATE SET schema_version = excluded.schema_version,"
                                 " position = excluded.position"));
    query.addBindValue(projectionName);
    query.addBindValue(schemaVersion);
    query.addBindValue(position);
    if (!query.exec()) {
        return fail(Error::failure(QStringLiteral("Could not store the checkpoint of projection %1 in the store %2: %3.")
                                       .arg(projectionName, d->path, query.lastError().text())));
    }
    return {};
}

Result<qint64> SqliteEventStore::checkpoint(const QString &projectionName)
{
    Result<std::optional<std::pair<int, qint64>>> stored = d->storedCheckpoint(projectionName);
    if (!stored)
        return fail(stored.error());
    return *stored ? (*stored)->second : 0;
}

Result<int> SqliteEventStore::storedProjectionSchema(const QString &projectionName)
{
    Result<std::optional<std::pair<int, qint64>>> stored = d->storedCheckpoint(projectionName);
    if (!stored)
        return fail(stored.error());
    return *stored ? (*stored)->first : 0;
}

QList<std::shared_ptr<Projection>> SqliteEventStore::inlineProjections() const
{
    return d->projections;
}

Status SqliteEventStore::registerInlineProjection(std::shared_ptr<Projection> projection,
                                                  const std::function<void(qint64, qint64)> &progress)
{
    if (!projection)
        return fail(Error::usage(QStringLiteral("No projection was given to register.")));
    const QString name = projection->name();
    for (const std::shared_ptr<Projection> &p : std::as_const(d->projections)) {
        if (p->name() == name)
            return fail(Error::usage(QStringLiteral("A projection named %1 is already registered.").arg(name)));
    }
    // A read-only store is never appended to, so its projections are read as they are.
    if (d->readOnly) {
        d->projections.append(std::move(projection));
        return {};
    }

    const QString doing = QStringLiteral("prepare projection %1").arg(name);
    if (Status s = d->begin(doing); !s)
        return s;
    const auto abort = [this](const Error &e) {
        d->rollback();
        return fail(e);
    };
    Result<std::optional<std::pair<int, qint64>>> stored = d->storedCheckpoint(name);
    if (!stored)
        return abort(stored.error());
    Result<LogTail> tail = d->readTail();
    if (!tail)
        return abort(tail.error());
    QSqlDatabase qdb = d->connection();
    qint64 from = 1;
    if (!*stored || (*stored)->first != projection->schemaVersion()) {
        // Never ran here, or its shape changed: start it over from the whole log.
        if (Status s = projection->dropSchema(qdb); !s)
            return abort(s.error());
    } else {
        from = (*stored)->second + 1;
    }
    if (Status s = projection->createSchema(qdb); !s)
        return abort(s.error());
    if (Status s = d->applyRange({projection.get()}, from, tail->head, progress, {}, nullptr); !s)
        return abort(s.error());
    if (Status s = d->writeCheckpoint(name, projection->schemaVersion(), tail->head); !s)
        return abort(s.error());
    if (Status s = d->commit(doing); !s)
        return s;
    d->projections.append(std::move(projection));
    return {};
}

Status SqliteEventStore::rebuildProjections(const QStringList &names, const std::function<void(qint64, qint64)> &progress,
                                            const std::function<bool()> &cancel)
{
    QList<Projection *> targets;
    for (const QString &name : names) {
        auto it = std::find_if(d->projections.cbegin(), d->projections.cend(),
                               [&](const std::shared_ptr<Projection> &p) { return p->name() == name; });
        if (it == d->projections.cend())
            return fail(Error::notFound(QStringLiteral("No projection named %1 is registered.").arg(name)));
        targets.append(it->get());
    }
    if (names.isEmpty()) {
        for (const std::shared_ptr<Projection> &p : std::as_const(d->projections))
            targets.append(p.get());
    }
    const QString doing = QStringLiteral("rebuild the projections");
    if (d->readOnly)
        return fail(d->readOnlyError(doing));
    if (Status s = d->begin(doing); !s)
        return s;
    const auto abort = [this](const Error &e) {
        d->rollback();
        return fail(e);
    };
    Result<LogTail> tail = d->readTail();
    if (!tail)
        return abort(tail.error());
    QSqlDatabase qdb = d->connection();
    for (Projection *p : std::as_const(targets)) {
        if (Status s = p->dropSchema(qdb); !s)
            return abort(s.error());
        if (Status s = p->createSchema(qdb); !s)
            return abort(s.error());
    }
    bool cancelled = false;
    if (Status s = d->applyRange(targets, 1, tail->head, progress, cancel, &cancelled); !s)
        return abort(s.error());
    if (cancelled) {
        return abort(Error::failure(
            QStringLiteral("The rebuild of the projections in %1 was cancelled; they are as they were.").arg(d->path)));
    }
    for (Projection *p : std::as_const(targets)) {
        if (Status s = d->writeCheckpoint(p->name(), p->schemaVersion(), tail->head); !s)
            return abort(s.error());
    }
    return d->commit(doing);
}

// ---------------------------------------------------------------------------------------------
// Snapshots

Result<std::optional<Snapshot>> SqliteEventStore::loadSnapshot(const QString &tenantId, const QString &streamId,
                                                               qint64 maxVersion)
{
    Error error;
    SqliteStatement *s = d->statement(Sql::LoadSnapshot, &error);
    if (!s)
        return fail(error);
    StatementReset guard(*s);
    s->bind(1, tenantId);
    s->bind(2, streamId);
    const int rc = s->step();
    if (rc == SQLITE_DONE)
        return std::optional<Snapshot>();
    if (rc != SQLITE_ROW)
        return fail(d->sqliteError(rc, QStringLiteral("read the snapshot of stream %1").arg(streamId)));
    Snapshot snap;
    snap.aggregateType = s->text(0);
    snap.schemaVersion = int(s->int64(1));
    snap.version = s->int64(2);
    snap.recordedAt = QDateTime::fromMSecsSinceEpoch(s->int64(3), Qt::UTC);
    const QByteArrayView state = s->textView(4);
    snap.state = QJsonDocument::fromJson(QByteArray::fromRawData(state.data(), state.size())).object();
    if (maxVersion >= 0 && snap.version > maxVersion)
        return std::optional<Snapshot>();
    return std::optional<Snapshot>(std::move(snap));
}

Status SqliteEventStore::saveSnapshot(const QString &tenantId, const QString &streamId, const Snapshot &snapshot)
{
    const QString doing = QStringLiteral("save the snapshot of stream %1").arg(streamId);
    if (d->readOnly)
        return fail(d->readOnlyError(doing));
    // Its own write transaction unless inside one: an autocommit write in WAL mode could fail
    // with SQLITE_BUSY_SNAPSHOT instead of waiting for another writer.
    const bool ownTransaction = !d->inTransaction;
    if (ownTransaction) {
        if (Status s = d->begin(doing); !s)
            return s;
    }
    Error error;
    SqliteStatement *s = d->statement(Sql::SaveSnapshot, &error);
    if (!s) {
        if (ownTransaction)
            d->rollback();
        return fail(error);
    }
    int rc = SQLITE_OK;
    {
        StatementReset guard(*s);
        s->bind(1, tenantId);
        s->bind(2, streamId);
        s->bind(3, snapshot.aggregateType);
        s->bind(4, qint64(snapshot.schemaVersion));
        s->bind(5, snapshot.version);
        s->bind(6, snapshot.recordedAt.isValid() ? snapshot.recordedAt.toMSecsSinceEpoch() : qint64(0));
        s->bindText(7, compact(snapshot.state));
        rc = s->step();
    }
    if (rc != SQLITE_DONE) {
        const Error e = d->sqliteError(rc, doing);
        if (ownTransaction)
            d->rollback();
        return fail(e);
    }
    return ownTransaction ? d->commit(doing) : Status();
}

} // namespace Billstream
