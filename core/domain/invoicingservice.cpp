#include "core/domain/invoicingservice.h"

#include "core/domain/domainevents.h"
#include "core/domain/numbering.h"
#include "core/es/commandbus.h"
#include "core/es/identity.h"
#include "core/es/sqliteeventstore.h"
#include "core/es/storelocation.h"

#include <QJsonDocument>

namespace Billstream {

namespace {

// Loads of another tenant's id, of an id of another stream type and of an unused id must read
// alike (QUALITY.md: tenant B cannot even detect tenant A's streams). Only a missing version of
// a stream this tenant has keeps the loader's message, which names the latest version.
Error sameNotFound(const Error &e, const QString &what, const QString &id)
{
    if (e.kind != ErrorKind::NotFound)
        return e;
    if (e.message.contains(QLatin1String("has no version")))
        return e;
    return Error::notFound(QStringLiteral("no %1 with id '%2'").arg(what, id));
}

QList<RecordedEvent> conflictsOf(const QList<RecordedEvent> &since, const std::function<bool(const RecordedEvent &)> &conflicts)
{
    QList<RecordedEvent> out;
    for (const RecordedEvent &e : since) {
        if (conflicts(e))
            out << e;
    }
    return out;
}

AppendRequest toRequest(const QString &streamType, const QString &streamId, ExpectedVersion expected, Decision d)
{
    AppendRequest r;
    r.streams << StreamAppend{streamType, streamId, expected, std::move(d.events)};
    r.streams << d.otherStreams;
    r.claims = std::move(d.claims);
    r.releases = std::move(d.releases);
    return r;
}

ExpectedVersion expectedFor(qint64 loadedVersion)
{
    return loadedVersion == 0 ? ExpectedVersion::noStream() : ExpectedVersion::exact(loadedVersion);
}

// The store reports a taken claim as a violation of "claim:<kind>", and an id that another
// writer took for a stream of another type meanwhile as one of "streamId"; the user needs the
// field of the command to change.
Error describeStoreRefusal(Error e)
{
    if (e.kind != ErrorKind::ValidationFailed)
        return e;
    for (const Violation &v : std::as_const(e.violations)) {
        if (v.field == QLatin1String("streamId"))
            return Error::invalidField(QStringLiteral("aggregateId"), v.message);
        if (v.field == QLatin1String("claim:") + Wire::Claim::CustomerEmail)
            return Error::invalidField(QStringLiteral("payload.email"),
                                       QStringLiteral("another customer of this tenant already uses this e-mail address"));
        if (v.field == QLatin1String("claim:") + Wire::Claim::InvoiceNumber)
            return Error::invalidField(QStringLiteral("numberingPattern"),
                                       QStringLiteral("the invoice number is already used by another invoice; the "
                                                      "numbering pattern must tell this year's numbers apart from "
                                                      "earlier ones"));
    }
    return e;
}

} // namespace

QByteArray commandFingerprint(const DecodedCommand &command)
{
    const QJsonObject canonical{{QStringLiteral("command"), command.name},
                                {QStringLiteral("aggregateId"), command.aggregateIdGiven ? command.aggregateId : QString()},
                                {QStringLiteral("payload"), command.payload}};
    return sha256(QJsonDocument(canonical).toJson(QJsonDocument::Compact));
}

struct InvoicingService::Private
{
    SqliteEventStore &store;
    const Clock &clock;
    Upcasters upcasters;
    AggregateType<CustomerState> customerType = customerAggregateType();
    AggregateType<InvoiceState> invoiceType = invoiceAggregateType();
    AggregateType<TenantState> tenantType = tenantAggregateType();

    // A stream id must be free within the tenant, whatever its type (DOMAIN.md).
    Status requireFree(const QString &tenantId, const QString &id, const QString &what)
    {
        const Result<QString> type = store.streamType(tenantId, id);
        if (!type)
            return fail(type.error());
        if (type->isEmpty())
            return {};
        if (*type == what)
            return fail(Error::invalidField(QStringLiteral("aggregateId"), QStringLiteral("%1 %2 already exists").arg(what, id)));
        return fail(Error::invalidField(QStringLiteral("aggregateId"), QStringLiteral("'%1' is already the id of a %2").arg(id, *type)));
    }

    // The customer a command names, or none when the tenant has no such customer.
    Result<std::optional<Loaded<CustomerState>>> optionalCustomer(const QString &tenantId, const QString &id)
    {
        Result<Loaded<CustomerState>> loaded = loadAggregate(store, upcasters, customerType, tenantId, id);
        if (!loaded) {
            if (loaded.error().kind == ErrorKind::NotFound)
                return std::optional<Loaded<CustomerState>>();
            return fail(loaded.error());
        }
        return std::optional<Loaded<CustomerState>>(std::move(*loaded));
    }

    // The last reservation of a year's sequence: two indexed reads however long the year was.
    Result<SequenceState> sequence(const QString &tenantId, int year)
    {
        const QString id = sequenceStreamId(year);
        const Result<qint64> version = store.streamVersion(tenantId, id);
        if (!version)
            return fail(version.error());
        SequenceState state;
        if (*version == 0)
            return state;
        const Result<QList<RecordedEvent>> last = store.readStream(tenantId, id, *version, *version);
        if (!last)
            return fail(last.error());
        for (const RecordedEvent &e : *last)
            state = evolveSequence(state, upcasters.upcast(e));
        return state;
    }

    Result<Loaded<TenantState>> tenant(const QString &tenantId, const LoadPoint &at)
    {
        Result<Loaded<TenantState>> loaded = loadAggregate(store, upcasters, tenantType, tenantId, tenantId, at);
        if (!loaded && loaded.error().kind == ErrorKind::NotFound && at.isHead()) {
            const Result<qint64> version = store.streamVersion(tenantId, tenantId);
            if (!version)
                return fail(version.error());
            if (*version == 0) {
                Loaded<TenantState> empty{tenantType.initial, 0, {}, {}};
                empty.state.id = tenantId;
                return empty;
            }
        }
        if (!loaded)
            return fail(sameNotFound(loaded.error(), QStringLiteral("tenant"), tenantId));
        return loaded;
    }

    Result<AppendRequest> decideCustomerCommand(const QString &tenantId, const DecodedCommand &cmd)
    {
        const auto &command = std::get<CustomerCommand>(cmd.command);
        CustomerState state;
        qint64 version = 0;
        if (cmd.isCreation) {
            if (Status s = requireFree(tenantId, cmd.aggregateId, Wire::StreamType::Customer); !s)
                return fail(s.error());
            // Read-store level first, for a plain message; the append's claim re-checks it.
            const auto &create = std::get<CreateCustomer>(command);
            if (Status s = requireEmailFree(tenantId, create.email, cmd.aggregateId); !s)
                return fail(s.error());
        } else {
            Result<Loaded<CustomerState>> loaded = loadAggregate(store, upcasters, customerType, tenantId, cmd.aggregateId);
            if (!loaded)
                return fail(sameNotFound(loaded.error(), QStringLiteral("customer"), cmd.aggregateId));
            state = std::move(loaded->state);
            version = loaded->version;
            if (const auto *change = std::get_if<ChangeCustomerEmail>(&command)) {
                if (Status s = requireEmailFree(tenantId, change->email, cmd.aggregateId); !s)
                    return fail(s.error());
            }
        }
        Result<Decision> decision = decideCustomer(state, command, cmd.aggregateId);
        if (!decision)
            return fail(decision.error());
        return toRequest(Wire::StreamType::Customer, cmd.aggregateId, expectedFor(version), std::move(*decision));
    }

    Status requireEmailFree(const QString &tenantId, const QString &email, const QString &customerId)
    {
        const Result<QString> holder = store.claimHolder(tenantId, Wire::Claim::CustomerEmail, emailClaimValue(email));
        if (!holder)
            return fail(holder.error());
        if (!holder->isEmpty() && *holder != customerId)
            return fail(Error::invalidField(QStringLiteral("payload.email"),
                                            QStringLiteral("another customer of this tenant already uses %1").arg(email)));
        return {};
    }

    Result<AppendRequest> decideInvoiceCommand(const QString &tenantId, const DecodedCommand &cmd)
    {
        const auto &command = std::get<InvoiceCommand>(cmd.command);
        InvoiceState state;
        qint64 version = 0;
        if (cmd.isCreation) {
            if (Status s = requireFree(tenantId, cmd.aggregateId, Wire::StreamType::Invoice); !s)
                return fail(s.error());
        } else {
            Result<Loaded<InvoiceState>> loaded = loadAggregate(store, upcasters, invoiceType, tenantId, cmd.aggregateId);
            if (!loaded)
                return fail(sameNotFound(loaded.error(), QStringLiteral("invoice"), cmd.aggregateId));
            state = std::move(loaded->state);
            version = loaded->version;
        }

        InvoiceContext context;
        context.today = clock.nowUtc().date();
        qint64 tenantVersion = 0;
        if (tenantNeeded(command)) {
            Result<Loaded<TenantState>> t = tenant(tenantId, LoadPoint::head());
            if (!t)
                return fail(t.error());
            context.tenant = std::move(t->state);
            tenantVersion = t->version;
        }
        const QString customerId = customerNeeded(state, command);
        qint64 customerVersion = 0;
        if (!customerId.isEmpty()) {
            Result<std::optional<Loaded<CustomerState>>> customer = optionalCustomer(tenantId, customerId);
            if (!customer)
                return fail(customer.error());
            if (*customer) {
                context.customer = std::move((*customer)->state);
                customerVersion = (*customer)->version;
            }
        }
        const auto *issue = std::get_if<IssueInvoice>(&command);
        if (issue) {
            Result<SequenceState> seq = sequence(tenantId, effectiveIssueDate(*issue, context.today).year());
            if (!seq)
                return fail(seq.error());
            context.sequence = *seq;
        }

        Result<Decision> decision = decideInvoice(state, command, cmd.aggregateId, context);
        if (!decision)
            return fail(decision.error());
        AppendRequest request = toRequest(Wire::StreamType::Invoice, cmd.aggregateId, expectedFor(version),
                                          std::move(*decision));
        // Re-checked inside the append's write lock (QUALITY.md): the customer the decision
        // relied on, and for IssueInvoice the tenant whose profile, pattern and terms it froze.
        // Streams without events only assert their version; a change meanwhile means decide again.
        if (!customerId.isEmpty())
            request.streams << StreamAppend{Wire::StreamType::Customer, customerId, ExpectedVersion::exact(customerVersion), {}};
        if (issue)
            request.streams << StreamAppend{Wire::StreamType::Tenant, tenantId, expectedFor(tenantVersion), {}};
        return request;
    }

    Result<AppendRequest> decideTenantCommand(const QString &tenantId, const DecodedCommand &cmd)
    {
        Result<Loaded<TenantState>> loaded = tenant(tenantId, LoadPoint::head());
        if (!loaded)
            return fail(loaded.error());
        Result<Decision> decision = decideTenant(loaded->state, std::get<TenantCommand>(cmd.command));
        if (!decision)
            return fail(decision.error());
        return toRequest(Wire::StreamType::Tenant, tenantId, expectedFor(loaded->version), std::move(*decision));
    }
};

InvoicingService::InvoicingService(SqliteEventStore &store, const Clock &clock)
    : d(std::make_unique<Private>(Private{store, clock, {}}))
{}

InvoicingService::~InvoicingService() = default;

SqliteEventStore &InvoicingService::store() const
{
    return d->store;
}

QDate InvoicingService::today() const
{
    return d->clock.nowUtc().date();
}

Result<AppendResult> InvoicingService::execute(const QString &tenantId, const QJsonObject &json, const QString &actor)
{
    if (!isValidIdentifier(tenantId))
        return fail(Error::invalidField(QStringLiteral("tenant"), QStringLiteral("must be 1–64 characters of A-Z a-z 0-9 . _ -")));
    Result<DecodedCommand> decoded = decodeCommand(json);
    if (!decoded)
        return fail(decoded.error());
    DecodedCommand &cmd = *decoded;
    if (cmd.streamType == Wire::StreamType::Tenant) {
        if (cmd.aggregateIdGiven && cmd.aggregateId != tenantId)
            return fail(Error::invalidField(QStringLiteral("aggregateId"),
                                            QStringLiteral("must be the tenant's id '%1' or be left out").arg(tenantId)));
        cmd.aggregateId = tenantId;
        cmd.aggregateIdGiven = true;
    } else if (cmd.isCreation && cmd.aggregateId == tenantId) {
        return fail(Error::invalidField(QStringLiteral("aggregateId"), QStringLiteral("is the tenant's own id")));
    }

    // The expected version is checked before the aggregate is loaded: a stream that is not there
    // must still answer NotFound, not a version conflict.
    if (cmd.expectedVersion && !cmd.isCreation && cmd.streamType != Wire::StreamType::Tenant) {
        const Result<QString> type = d->store.streamType(tenantId, cmd.aggregateId);
        if (!type)
            return fail(type.error());
        if (*type != cmd.streamType)
            return fail(Error::notFound(QStringLiteral("no %1 with id '%2'").arg(cmd.streamType, cmd.aggregateId)));
    }

    CommandContext ctx;
    ctx.tenantId = tenantId;
    ctx.streamId = cmd.aggregateId;
    ctx.expectedVersion = cmd.expectedVersion;
    ctx.metadata.commandId = cmd.commandId;
    ctx.metadata.actor = actor;
    ctx.fingerprint = commandFingerprint(cmd);
    // The number sequence is shared by every issuer of the tenant: a lost race there is no
    // conflict of content, so IssueInvoice retries longer before it gives up.
    if (std::holds_alternative<InvoiceCommand>(cmd.command)
        && std::holds_alternative<IssueInvoice>(std::get<InvoiceCommand>(cmd.command)))
        ctx.maxAttempts = 64;

    CommandHandler handler;
    if (cmd.streamType == Wire::StreamType::Customer) {
        handler.decide = [&] { return d->decideCustomerCommand(tenantId, cmd); };
        handler.conflicting = [&](const QList<RecordedEvent> &since) {
            return conflictsOf(since, [&](const RecordedEvent &e) {
                return customerConflicts(std::get<CustomerCommand>(cmd.command), e);
            });
        };
    } else if (cmd.streamType == Wire::StreamType::Invoice) {
        handler.decide = [&] { return d->decideInvoiceCommand(tenantId, cmd); };
        handler.conflicting = [&](const QList<RecordedEvent> &since) {
            return conflictsOf(since, [&](const RecordedEvent &e) {
                return invoiceConflicts(std::get<InvoiceCommand>(cmd.command), e);
            });
        };
    } else {
        handler.decide = [&] { return d->decideTenantCommand(tenantId, cmd); };
        handler.conflicting = [&](const QList<RecordedEvent> &since) {
            return conflictsOf(since, [&](const RecordedEvent &e) {
                return tenantConflicts(std::get<TenantCommand>(cmd.command), e);
            });
        };
    }

    Result<AppendResult> result = executeCommand(d->store, ctx, handler);
    if (!result)
        return fail(describeStoreRefusal(result.error()));
    return result;
}

Result<AppendResult> InvoicingService::recordDeliveryOutcome(const QString &tenantId, const QString &invoiceId,
                                                             const DeliveryOutcome &outcome, const EventMetadata &metadata)
{
    const auto decide = [&]() -> Result<std::pair<Decision, qint64>> {
        Result<Loaded<InvoiceState>> loaded = loadInvoice(tenantId, invoiceId);
        if (!loaded)
            return fail(loaded.error());
        Result<Decision> decision = decideDeliveryOutcome(loaded->state, outcome);
        if (!decision)
            return fail(decision.error());
        return std::pair{std::move(*decision), loaded->version};
    };
    // A repeated success report decides nothing: answer it without touching the store.
    Result<std::pair<Decision, qint64>> first = decide();
    if (!first)
        return fail(first.error());
    if (first->first.events.isEmpty())
        return AppendResult{};

    CommandContext ctx;
    ctx.tenantId = tenantId;
    ctx.streamId = invoiceId;
    ctx.metadata = metadata;
    CommandHandler handler;
    handler.decide = [&]() -> Result<AppendRequest> {
        Result<std::pair<Decision, qint64>> decided = decide();
        if (!decided)
            return fail(decided.error());
        return toRequest(Wire::StreamType::Invoice, invoiceId, ExpectedVersion::exact(decided->second),
                         std::move(decided->first));
    };
    return executeCommand(d->store, ctx, handler);
}

Result<Loaded<InvoiceState>> InvoicingService::loadInvoice(const QString &tenantId, const QString &invoiceId,
                                                           const LoadPoint &at)
{
    Result<Loaded<InvoiceState>> loaded = loadAggregate(d->store, d->upcasters, d->invoiceType, tenantId, invoiceId, at);
    if (!loaded)
        return fail(sameNotFound(loaded.error(), QStringLiteral("invoice"), invoiceId));
    return loaded;
}

Result<Loaded<CustomerState>> InvoicingService::loadCustomer(const QString &tenantId, const QString &customerId,
                                                             const LoadPoint &at)
{
    Result<Loaded<CustomerState>> loaded = loadAggregate(d->store, d->upcasters, d->customerType, tenantId, customerId, at);
    if (!loaded)
        return fail(sameNotFound(loaded.error(), QStringLiteral("customer"), customerId));
    return loaded;
}

Result<Loaded<TenantState>> InvoicingService::loadTenant(const QString &tenantId, const LoadPoint &at)
{
    return d->tenant(tenantId, at);
}

Result<QJsonObject> InvoicingService::invoiceState(const QString &tenantId, const QString &invoiceId, const LoadPoint &at)
{
    Result<Loaded<InvoiceState>> loaded = loadInvoice(tenantId, invoiceId, at);
    if (!loaded)
        return fail(loaded.error());
    // As of a time T, OVERDUE is judged at T (DOMAIN.md); otherwise today.
    const QDateTime *asOf = std::get_if<QDateTime>(&at.at);
    return invoiceStateJson(*loaded, asOf ? asOf->toUTC().date() : today());
}

Result<QJsonObject> InvoicingService::customerState(const QString &tenantId, const QString &customerId, const LoadPoint &at)
{
    Result<Loaded<CustomerState>> loaded = loadCustomer(tenantId, customerId, at);
    if (!loaded)
        return fail(loaded.error());
    return customerStateJson(*loaded);
}

Result<QJsonObject> InvoicingService::tenantState(const QString &tenantId, const LoadPoint &at)
{
    Result<Loaded<TenantState>> loaded = loadTenant(tenantId, at);
    if (!loaded)
        return fail(loaded.error());
    return tenantStateJson(loaded->state, loaded->version);
}

} // namespace Billstream
