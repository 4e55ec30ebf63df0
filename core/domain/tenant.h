#pragma once

#include "core/domain/commands.h"
#include "core/domain/decision.h"
#include "core/es/aggregate.h"

namespace Billstream {

struct InvoiceDefaults
{
    QString currency;                 // "" when none is set
    std::optional<Decimal> taxRate;
    int paymentTermsDays = 30;
    QString locale = QStringLiteral("en_US");
    friend bool operator==(const InvoiceDefaults &, const InvoiceDefaults &) = default;
};

struct MailSettings
{
    QString smtpUrl;
    QString fromAddress;
    QString fromName;
    friend bool operator==(const MailSettings &, const MailSettings &) = default;
};

// The business that issues invoices (stream type `tenant`, stream id = tenant id). A tenant
// needs no creation: one without events is this default state.
struct TenantState
{
    QString id;
    std::optional<CompanyProfile> profile;
    QString numberingPattern;         // "" → NumberingPattern::defaultText()
    InvoiceDefaults defaults;
    std::optional<MailSettings> mail;
    friend bool operator==(const TenantState &, const TenantState &) = default;

    QString effectivePattern() const;
};

TenantState evolveTenant(TenantState state, const RecordedEvent &event);
Result<Decision> decideTenant(const TenantState &state, const TenantCommand &command);
// A command conflicts with events that set the same field (for defaults: the same keys).
bool tenantConflicts(const TenantCommand &command, const RecordedEvent &event);

QJsonObject tenantStateJson(const TenantState &state, qint64 version);
AggregateType<TenantState> tenantAggregateType();

} // namespace Billstream
