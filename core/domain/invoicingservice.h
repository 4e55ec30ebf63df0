#pragma once

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
};

// Input-level decoding and validation of one command object; every violation at once, each
// with its field path. Pure: no store. (The fuzz target drives this.)
Result<DecodedCommand> decodeCommand(const QJsonObject &json);

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

    SqliteEventStore &store() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace Billstream
