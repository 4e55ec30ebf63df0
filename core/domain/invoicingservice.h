#pragma once

#include "core/domain/commands.h"
#include "core/domain/customer.h"
#include "core/domain/invoice.h"
#include "core/domain/tenant.h"
#include "core/es/aggregate.h"
#include "core/es/clock.h"
#include "core/es/eventstore.h"

#include <QDate>

namespace Billstream {

class SqliteEventStore;

// A command as decoded from its JSON envelope (DOMAIN.md): strict, unknown fields refused.
struct DecodedCommand
{
    QString name;                            // "CreateInvoice"
    QString aggregateId;                     // generated (UUID) for creation commands without one
    std::optional<qint64> expectedVersion;
    QString commandId;
    QJsonObject payload;
    QString streamType;                      // "invoice", "customer", "tenant"
    bool isCreation = false;
    bool aggregateIdGiven = false;           // false: aggregateId was generated or is the tenant's
    Command command;                         // the payload, typed and validated
};

// Input-level decoding and validation of one command object; every violation at once, each
// with its field path. Pure: no store. (The fuzz target drives this.)
Result<DecodedCommand> decodeCommand(const QJsonObject &json);

// What identifies a command for commandId reuse: SHA-256 of the canonical (compact, key-sorted)
// JSON of {command, aggregateId as given ("" when generated), payload}.
QByteArray commandFingerprint(const DecodedCommand &command);

// The write side of the invoicing domain: every change, from the GUI or billstream-cli,
// goes through execute(). One instance per store connection and thread.
class InvoicingService
{
public:
    InvoicingService(SqliteEventStore &store, const Clock &clock);
    ~InvoicingService();

    // Decodes, validates (three levels), decides and appends; idempotent per commandId.
    Result<AppendResult> execute(const QString &tenantId, const QJsonObject &command,
                                 const QString &actor = {});

    // The state JSON of CLI.md (`state invoice|customer ID`), at head, a version or a time.
    Result<QJsonObject> invoiceState(const QString &tenantId, const QString &invoiceId,
                                     const LoadPoint &at = LoadPoint::head());
    Result<QJsonObject> customerState(const QString &tenantId, const QString &customerId,
                                      const LoadPoint &at = LoadPoint::head());
    // The tenant's settings (company profile, numbering pattern, defaults, mail settings).
    Result<QJsonObject> tenantState(const QString &tenantId, const LoadPoint &at = LoadPoint::head());

    // The aggregates as values, for the read side (documents, the editor, time travel). A
    // stream of another tenant or type is NotFound exactly like an id nobody uses.
    Result<Loaded<InvoiceState>> loadInvoice(const QString &tenantId, const QString &invoiceId,
                                             const LoadPoint &at = LoadPoint::head());
    Result<Loaded<CustomerState>> loadCustomer(const QString &tenantId, const QString &customerId,
                                               const LoadPoint &at = LoadPoint::head());
    // A tenant without events (at head) is the default state at version 0.
    Result<Loaded<TenantState>> loadTenant(const QString &tenantId, const LoadPoint &at = LoadPoint::head());

    // The mailer's report on one InvoiceSendRequested: appends InvoiceSent (plus
    // InvoiceStatusSet{SENT} when the invoice is ISSUED) or InvoiceSendFailed{deliveryId, reason}.
    // Not a command of `exec`. Reporting a success twice appends nothing the second time.
    Result<AppendResult> recordDeliveryOutcome(const QString &tenantId, const QString &invoiceId,
                                               const DeliveryOutcome &outcome, const EventMetadata &metadata = {});

    // Today in UTC by the service's clock (default issue dates, OVERDUE).
    QDate today() const;

    SqliteEventStore &store() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace Billstream
