#pragma once

#include "core/domain/commands.h"
#include "core/domain/customer.h"
#include "core/domain/decision.h"
#include "core/domain/numbering.h"
#include "core/domain/tenant.h"
#include "core/domain/totals.h"
#include "core/es/aggregate.h"

#include <QDate>

#include <functional>

namespace Billstream {

class PayloadJson;

// The lifecycle of DOMAIN.md; OVERDUE is not a status (see isOverdue()).
enum class InvoiceStatus { None, Draft, Issued, Sent, PartiallyPaid, Paid, Void, Deleted };

QString statusName(InvoiceStatus status);                 // "DRAFT", … ("" for None)
InvoiceStatus statusFromName(QStringView name);           // None for an unknown name
// The statuses a status may change to, as the commands allow (Kraft's validFollowStates).
QList<InvoiceStatus> allowedNextStatuses(InvoiceStatus status);

struct LineItem
{
    QString lineItemId;
    QString description;
    Decimal quantity;
    Decimal unitPrice;
    Decimal taxRate;
    Decimal discountPercent;
    friend bool operator==(const LineItem &, const LineItem &) = default;
};

struct Payment
{
    QString paymentId;
    Decimal amount;
    QDate date;
    QString method;
    friend bool operator==(const Payment &, const Payment &) = default;
};

// One SendInvoiceToCustomer and what the mailer recorded about it.
struct Delivery
{
    enum class Status { Requested, Sent, Failed };
    QString deliveryId;
    QString to;
    QString subject;
    QString message;
    Status status = Status::Requested;
    QString failureReason;       // of the last failure
    int failures = 0;
    friend bool operator==(const Delivery &, const Delivery &) = default;
};

// Seller or buyer as InvoicePartiesRecorded froze them at issue.
struct Party
{
    QString name;
    Address address;
    QString taxId;
    QString email;
    QString phone;
    QString iban;
    QString bic;
    QJsonObject toJson() const;
    static Party fromJson(const QJsonObject &o);
    friend bool operator==(const Party &, const Party &) = default;
};

// An invoice as its events leave it (stream type `invoice`). The read side (CLI state, documents,
// projections) may use it directly; invoiceStateJson() gives the CLI.md shape.
struct InvoiceState
{
    QString id;
    bool exists = false;
    InvoiceStatus status = InvoiceStatus::None;
    QString customerId;
    QString currency;
    QDate issueDate;
    QDate dueDate;
    QString number;
    QString notes;
    QString voidReason;
    QList<LineItem> lineItems;
    QList<Payment> payments;
    QList<Delivery> deliveries;
    std::optional<Party> seller;
    std::optional<Party> buyer;
    QDateTime createdAt;         // recorded time of InvoiceCreated
    friend bool operator==(const InvoiceState &, const InvoiceState &) = default;

    const LineItem *lineItem(const QString &lineItemId) const;
    const Delivery *delivery(const QString &deliveryId) const;
    bool isDraft() const { return status == InvoiceStatus::Draft; }
};

// EN 16931 totals of the invoice as it stands (payments included).
Result<InvoiceTotals> invoiceTotals(const InvoiceState &state);
// The same sums without the per-line and per-rate detail (computeSums()), for list rows.
Result<TotalsSums> invoiceSums(const InvoiceState &state);
// OVERDUE (DOMAIN.md): ISSUED, SENT or PARTIALLY_PAID with a due date before `today`.
bool isOverdue(const InvoiceState &state, const QDate &today);

// Everything decide() may look at besides the invoice itself; filled by the service.
struct InvoiceContext
{
    QDate today;                                  // UTC, from the Clock
    TenantState tenant;
    // CreateInvoice / SetInvoiceCustomer: the customer named in the payload (none: no such
    // customer in the tenant); IssueInvoice / SendInvoiceToCustomer: the invoice's customer.
    std::optional<CustomerState> customer;
    SequenceState sequence;                       // IssueInvoice: the sequence of the issue year
    std::function<QString()> newId = newUuid;     // line item, payment and delivery ids
};

// The issue date IssueInvoice uses: the given one, else today (UTC).
QDate effectiveIssueDate(const IssueInvoice &command, const QDate &today);
// The customer decide() needs for a command, or "" when it needs none.
QString customerNeeded(const InvoiceState &state, const InvoiceCommand &command);
// Whether decide() reads the tenant: its defaults (a missing currency or tax rate) or, for
// IssueInvoice, its profile, pattern and payment terms.
bool tenantNeeded(const InvoiceCommand &command);

InvoiceState evolveInvoice(InvoiceState state, const RecordedEvent &event);
// The same fold step in place: for replays, where moving a whole state per event shows.
void applyInvoiceEvent(InvoiceState &state, const RecordedEvent &event);
// The same, reading the payload from `payload` (the event's payloadJson, parsed) instead.
void applyInvoiceEvent(InvoiceState &state, const RecordedEvent &event, const PayloadJson &payload);
Result<Decision> decideInvoice(const InvoiceState &state, const InvoiceCommand &command, const QString &invoiceId,
                               const InvoiceContext &context);
// Concurrency (DOMAIN.md): the same part (customer, currency, due date, notes, the same line
// item) or a status change conflicts; IssueInvoice conflicts with everything.
bool invoiceConflicts(const InvoiceCommand &command, const RecordedEvent &event);

// What the mailer reports about one delivery; appended through InvoicingService.
struct DeliveryOutcome
{
    QString deliveryId;
    bool sent = false;
    QString reason;              // why it failed
};
// InvoiceSent (+ InvoiceStatusSet{SENT} for an ISSUED invoice) or InvoiceSendFailed{reason}.
// A second success report for a delivery appends nothing; a failure after success is refused.
Result<Decision> decideDeliveryOutcome(const InvoiceState &state, const DeliveryOutcome &outcome);

// `state invoice ID` of CLI.md plus payments, deliveries, overdue (judged at `today`), times.
QJsonObject invoiceStateJson(const Loaded<InvoiceState> &loaded, const QDate &today);

// Snapshots of the full state; a changed layout must bump InvoiceSnapshotSchema.
constexpr int InvoiceSnapshotSchema = 1;
constexpr int InvoiceSnapshotEvery = 100;
QJsonObject invoiceToSnapshot(const InvoiceState &state);
std::optional<InvoiceState> invoiceFromSnapshot(const QJsonObject &snapshot);
AggregateType<InvoiceState> invoiceAggregateType();

} // namespace Billstream
