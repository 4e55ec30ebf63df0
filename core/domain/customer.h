#pragma once

#include "core/domain/commands.h"
#include "core/domain/decision.h"
#include "core/es/aggregate.h"

namespace Billstream {

// A customer as its events leave it (stream type `customer`).
struct CustomerState
{
    QString id;
    bool exists = false;
    QString name;
    QString email;        // trimmed, as entered
    Address address;
    QString taxId;
    bool archived = false;
    friend bool operator==(const CustomerState &, const CustomerState &) = default;
};

// The unique-claim value of an e-mail: whole address, trimmed, compared case-insensitively.
QString emailClaimValue(const QString &email);

CustomerState evolveCustomer(CustomerState state, const RecordedEvent &event);
// Level 2 of DOMAIN.md for customers; `customerId` is the command's stream.
Result<Decision> decideCustomer(const CustomerState &state, const CustomerCommand &command,
                                const QString &customerId);
// Concurrency (DOMAIN.md): a command conflicts with events setting the same field;
// CustomerArchived conflicts with everything.
bool customerConflicts(const CustomerCommand &command, const RecordedEvent &event);

// `state customer ID` of CLI.md.
QJsonObject customerStateJson(const Loaded<CustomerState> &loaded);
AggregateType<CustomerState> customerAggregateType();

} // namespace Billstream
