#include "core/domain/invoice.h"

#include "core/domain/domainevents.h"
#include "core/domain/jsonreader.h"
#include "core/es/payloadjson.h"

#include <QJsonArray>
#include <QVarLengthArray>

#include <algorithm>

namespace Billstream {

namespace {

const QString kInvoiceId = QStringLiteral("invoiceId");
const QString kCustomerId = QStringLiteral("customerId");
const QString kCurrency = QStringLiteral("currency");
const QString kStatus = QStringLiteral("status");
const QString kReason = QStringLiteral("reason");
const QString kDueDate = QStringLiteral("dueDate");
const QString kIssueDate = QStringLiteral("issueDate");
const QString kNotes = QStringLiteral("notes");
const QString kNumber = QStringLiteral("number");
const QString kLineItemId = QStringLiteral("lineItemId");
const QString kDescription = QStringLiteral("description");
const QString kQuantity = QStringLiteral("quantity");
const QString kUnitPrice = QStringLiteral("unitPrice");
const QString kTaxRate = QStringLiteral("taxRate");
const QString kDiscountPercent = QStringLiteral("discountPercent");
const QString kSeller = QStringLiteral("seller");
const QString kBuyer = QStringLiteral("buyer");
const QString kDeliveryId = QStringLiteral("deliveryId");
const QString kTo = QStringLiteral("to");
const QString kSubject = QStringLiteral("subject");
const QString kMessage = QStringLiteral("message");
const QString kPaymentId = QStringLiteral("paymentId");
const QString kAmount = QStringLiteral("amount");
const QString kDate = QStringLiteral("date");
const QString kMethod = QStringLiteral("method");

// Events are read tolerantly: a value that does not parse reads as zero / invalid / empty.
Decimal decimalOf(QStringView text)
{
    const Result<Decimal> d = Decimal::parse(text, QString(), Decimal::MaxScale);
    return d ? *d : Decimal();
}

Decimal decimalOf(const QString &text)
{
    return decimalOf(QStringView(text));
}

Decimal decimalOf(const QJsonValue &value)
{
    return decimalOf(value.toString());
}

// A decimal as written (its scale kept): "100.00" stays "100.00".
QString decimalText(const Decimal &d)
{
    return d.toString(d.scale());
}

QDate dateOf(QStringView text)
{
    return QDate::fromString(text, Qt::ISODate);
}

QDate dateOf(const QString &text)
{
    return dateOf(QStringView(text));
}

QDate dateOf(const QJsonValue &value)
{
    return dateOf(value.toString());
}

QString dateText(const QDate &date)
{
    return date.toString(Qt::ISODate);
}

QJsonValue dateOrNull(const QDate &date)
{
    return date.isValid() ? QJsonValue(dateText(date)) : QJsonValue();
}

QJsonObject lineItemPayload(const LineItem &item)
{
    return {{kLineItemId, item.lineItemId},
            {kDescription, item.description},
            {kQuantity, decimalText(item.quantity)},
            {kUnitPrice, decimalText(item.unitPrice)},
            {kTaxRate, decimalText(item.taxRate)},
            {kDiscountPercent, decimalText(item.discountPercent)}};
}

// An event's payload as the fold reads it: a parsed object (ObjectFields) or, in a replay of
// the whole log, the stored text read with PayloadJson. Both read a member that is missing or
// not a string as a null string.
struct ObjectFields
{
    const QJsonObject &p;
    bool contains(const QString &key) const { return p.contains(key); }
    QString string(const QString &key) const { return p.value(key).toString(); }
    QJsonObject object(const QString &key) const { return p.value(key).toObject(); }
};

// Numbers, dates and status names, read in place: from a parsed object through its string,
// from stored text (PayloadJson) without making one (short ASCII text is widened on the
// stack). A replay reads a third of a million line items, four numbers each.
template <typename Read>
auto readText(QByteArrayView utf8, Read read)
{
    char16_t buffer[64];
    if (utf8.size() <= qsizetype(std::size(buffer))) {
        qsizetype i = 0;
        for (; i < utf8.size() && uchar(utf8[i]) < 0x80; ++i)
            buffer[i] = char16_t(uchar(utf8[i]));
        if (i == utf8.size())
            return read(QStringView(buffer, i));
    }
    return read(QStringView(QString::fromUtf8(utf8)));
}

Decimal decimalField(const ObjectFields &p, const QString &key) { return decimalOf(p.string(key)); }
Decimal decimalField(const PayloadJson &p, const QString &key)
{
    return readText(p.utf8(key), [](QStringView text) { return decimalOf(text); });
}
QDate dateField(const ObjectFields &p, const QString &key) { return dateOf(p.string(key)); }
QDate dateField(const PayloadJson &p, const QString &key)
{
    return readText(p.utf8(key), [](QStringView text) { return dateOf(text); });
}
InvoiceStatus statusField(const ObjectFields &p, const QString &key) { return statusFromName(p.string(key)); }
InvoiceStatus statusField(const PayloadJson &p, const QString &key)
{
    return readText(p.utf8(key), [](QStringView text) { return statusFromName(text); });
}

template <typename Fields>
LineItem lineItemFrom(const Fields &p)
{
    return LineItem{p.string(kLineItemId), p.string(kDescription), decimalField(p, kQuantity),
                    decimalField(p, kUnitPrice), decimalField(p, kTaxRate), decimalField(p, kDiscountPercent)};
}

LineItem lineItemFrom(const QJsonObject &p)
{
    return lineItemFrom(ObjectFields{p});
}

// How messages name an invoice: by its number once it has one.
QString label(const InvoiceState &s)
{
    return s.number.isEmpty() ? s.id : s.number;
}

NewEvent statusSet(InvoiceStatus status, const QString &reason = {})
{
    QJsonObject payload{{kStatus, statusName(status)}};
    if (!reason.isEmpty())
        payload.insert(kReason, reason);
    return makeEvent(Wire::Event::InvoiceStatusSet, payload);
}

Error frozen(const InvoiceState &s)
{
    return refusal(QStringLiteral("invoice %1 is %2: only a draft can be edited (void an issued invoice to correct it)")
                       .arg(label(s), statusName(s.status)));
}

// The customer named by a payload must exist in the tenant and be active (DOMAIN.md level 2:
// a violation of that field, not NotFound).
void checkCustomer(const std::optional<CustomerState> &customer, const QString &customerId,
                   QList<Violation> &violations)
{
    const QString field = QStringLiteral("payload.customerId");
    if (!customer || !customer->exists)
        violations.append({field, QStringLiteral("no customer with id '%1'").arg(customerId)});
    else if (customer->archived)
        violations.append({field, QStringLiteral("customer %1 is archived").arg(customerId)});
}

std::optional<LineItem> lineItemFromInput(const LineItemInput &in, const InvoiceContext &ctx, const QString &path,
                                          QList<Violation> &violations)
{
    const std::optional<Decimal> rate = in.taxRate ? in.taxRate : ctx.tenant.defaults.taxRate;
    if (!rate) {
        violations.append({path + QStringLiteral(".taxRate"),
                           QStringLiteral("is required (the tenant has no default tax rate; see SetInvoiceDefaults)")});
        return std::nullopt;
    }
    return LineItem{in.lineItemId.isEmpty() ? ctx.newId() : in.lineItemId, in.description, in.quantity, in.unitPrice,
                    *rate, in.discountPercent};
}

QList<LineAmounts> lineAmounts(const QList<LineItem> &items)
{
    QList<LineAmounts> lines;
    lines.reserve(items.size());
    for (const LineItem &item : items)
        lines.append({item.quantity, item.unitPrice, item.taxRate, item.discountPercent});
    return lines;
}

// The lines must add up inside Money's range in the invoice's currency.
void checkTotals(const QString &currencyCode, const QList<LineItem> &items, const QString &field,
                 QList<Violation> &violations)
{
    const std::optional<Currency> currency = Currency::find(currencyCode);
    if (!currency)
        return;
    const Result<InvoiceTotals> totals = computeTotals(*currency, lineAmounts(items));
    if (!totals)
        violations.append({field, totals.error().message});
}

Result<Decision> createInvoice(const InvoiceState &s, const CreateInvoice &c, const QString &invoiceId,
                               const InvoiceContext &ctx)
{
    using namespace Wire::Event;
    if (s.exists)
        return fail(Error::invalidField(QStringLiteral("aggregateId"),
                                        QStringLiteral("invoice %1 already exists").arg(invoiceId)));
    QList<Violation> violations;
    checkCustomer(ctx.customer, c.customerId, violations);
    const QString currency = c.currency.value_or(ctx.tenant.defaults.currency);
    if (currency.isEmpty())
        violations.append({QStringLiteral("payload.currency"),
                           QStringLiteral("is required (the tenant has no default currency; see SetInvoiceDefaults)")});
    QList<LineItem> items;
    for (int i = 0; i < c.lineItems.size(); ++i) {
        const auto item = lineItemFromInput(c.lineItems[i], ctx, QStringLiteral("payload.lineItems[%1]").arg(i), violations);
        if (item)
            items.append(*item);
    }
    if (violations.isEmpty())
        checkTotals(currency, items, QStringLiteral("payload.lineItems"), violations);
    if (!violations.isEmpty())
        return fail(refusal(violations));

    // Talk slide 3: this order, then the optional parts.
    Decision d;
    d.events << makeEvent(InvoiceCreated, {{kInvoiceId, invoiceId}})
             << makeEvent(InvoiceCustomerSet, {{kCustomerId, c.customerId}})
             << makeEvent(InvoiceCurrencySet, {{kCurrency, currency}})
             << statusSet(InvoiceStatus::Draft);
    for (const LineItem &item : std::as_const(items))
        d.events << makeEvent(LineItemAdded, lineItemPayload(item));
    if (c.dueDate)
        d.events << makeEvent(InvoiceDueDateSet, {{kDueDate, dateText(*c.dueDate)}});
    if (!c.notes.isEmpty())
        d.events << makeEvent(InvoiceNotesSet, {{kNotes, c.notes}});
    return d;
}

Result<Decision> addLineItem(const InvoiceState &s, const AddLineItem &c, const InvoiceContext &ctx)
{
    QList<Violation> violations;
    if (!c.item.lineItemId.isEmpty() && s.lineItem(c.item.lineItemId))
        violations.append({QStringLiteral("payload.lineItemId"),
                           QStringLiteral("line item %1 already exists").arg(c.item.lineItemId)});
    if (s.lineItems.size() >= Limits::MaxLineItems)
        violations.append({QStringLiteral("payload"), QStringLiteral("the invoice has %1 line items, the most it may have")
                                                          .arg(Limits::MaxLineItems)});
    const auto item = lineItemFromInput(c.item, ctx, QStringLiteral("payload"), violations);
    if (item && violations.isEmpty())
        checkTotals(s.currency, QList<LineItem>(s.lineItems) << *item, QStringLiteral("payload"), violations);
    if (!violations.isEmpty())
        return fail(refusal(violations));
    Decision d;
    d.events << makeEvent(Wire::Event::LineItemAdded, lineItemPayload(*item));
    return d;
}

Result<Decision> updateLineItem(const InvoiceState &s, const UpdateLineItem &c)
{
    const LineItem *current = s.lineItem(c.lineItemId);
    if (!current)
        return fail(Error::invalidField(QStringLiteral("payload.lineItemId"),
                                        QStringLiteral("no line item with id '%1'").arg(c.lineItemId)));
    LineItem updated = *current;
    QJsonObject payload{{kLineItemId, c.lineItemId}};
    if (c.description) {
        updated.description = *c.description;
        payload.insert(kDescription, *c.description);
    }
    const auto setDecimal = [&payload](const std::optional<Decimal> &value, const QString &key, Decimal &target) {
        if (value) {
            target = *value;
            payload.insert(key, decimalText(*value));
        }
    };
    setDecimal(c.quantity, kQuantity, updated.quantity);
    setDecimal(c.unitPrice, kUnitPrice, updated.unitPrice);
    setDecimal(c.taxRate, kTaxRate, updated.taxRate);
    setDecimal(c.discountPercent, kDiscountPercent, updated.discountPercent);
    QList<LineItem> items = s.lineItems;
    std::replace_if(items.begin(), items.end(), [&](const LineItem &i) { return i.lineItemId == c.lineItemId; }, updated);
    QList<Violation> violations;
    checkTotals(s.currency, items, QStringLiteral("payload"), violations);
    if (!violations.isEmpty())
        return fail(refusal(violations));
    Decision d;
    d.events << makeEvent(Wire::Event::LineItemUpdated, payload);
    return d;
}

QString defaultMessage(const InvoiceState &s, const InvoiceTotals &totals)
{
    const QString greeting = s.buyer && !s.buyer->name.isEmpty()
                                 ? QStringLiteral("Dear %1,").arg(s.buyer->name)
                                 : QStringLiteral("Hello,");
    const QString company = s.seller ? s.seller->name : QString();
    return QStringLiteral("%1\n\nplease find attached invoice %2 for %3 %4, due on %5.\n\nKind regards,\n%6")
        .arg(greeting, s.number, totals.total.toString(), s.currency, dateText(s.dueDate), company);
}

Result<Decision> issueInvoice(const InvoiceState &s, const IssueInvoice &c, const QString &invoiceId,
                              const InvoiceContext &ctx)
{
    using namespace Wire::Event;
    if (!s.isDraft())
        return fail(refusal(QStringLiteral("invoice %1 is %2: only a draft can be issued")
                                .arg(label(s), statusName(s.status))));
    const QDate issueDate = effectiveIssueDate(c, ctx.today);
    const QString issueField = c.issueDate ? QStringLiteral("payload.issueDate") : QStringLiteral("issueDate");
    QList<Violation> violations;
    if (s.lineItems.isEmpty())
        violations.append({QStringLiteral("lineItems"), QStringLiteral("the invoice has no line items")});
    const std::optional<CompanyProfile> &profile = ctx.tenant.profile;
    if (!profile) {
        violations.append({QStringLiteral("companyProfile"),
                           QStringLiteral("the tenant has no company profile; its name and address are printed on "
                                          "every invoice (see SetCompanyProfile)")});
    } else {
        if (profile->name.trimmed().isEmpty())
            violations.append({QStringLiteral("companyProfile.name"), QStringLiteral("the company profile has no name")});
        if (profile->address.street.isEmpty() || profile->address.city.isEmpty() || profile->address.country.isEmpty())
            violations.append({QStringLiteral("companyProfile.address"),
                               QStringLiteral("the company profile has no complete address")});
    }
    if (!ctx.customer || !ctx.customer->exists)
        violations.append({QStringLiteral("customerId"), QStringLiteral("no customer with id '%1'").arg(s.customerId)});
    else if (ctx.customer->archived)
        violations.append({QStringLiteral("customerId"), QStringLiteral("customer %1 is archived").arg(s.customerId)});
    const std::optional<Currency> currency = Currency::find(s.currency);
    if (!currency)
        violations.append({QStringLiteral("currency"), QStringLiteral("unknown currency '%1'").arg(s.currency)});
    std::optional<InvoiceTotals> totals;
    if (currency) {
        Result<InvoiceTotals> t = invoiceTotals(s);
        if (!t)
            violations.append({QStringLiteral("lineItems"), t.error().message});
        else if (t->total.isNegative())
            violations.append({QStringLiteral("lineItems"), QStringLiteral("the total is negative")});
        else
            totals = *t;
    }
    // Numbers follow issue dates within a year's sequence (no "earlier" invoice with a later number).
    if (ctx.sequence.lastIssueDate.isValid() && issueDate < ctx.sequence.lastIssueDate)
        violations.append({issueField, QStringLiteral("%1 is before %2, the issue date of %3, the last invoice issued")
                                           .arg(dateText(issueDate), dateText(ctx.sequence.lastIssueDate),
                                                ctx.sequence.lastNumber)});
    const Result<NumberingPattern> pattern = NumberingPattern::parse(ctx.tenant.effectivePattern(),
                                                                     QStringLiteral("numberingPattern"));
    if (!pattern)
        violations.append(pattern.error().violations);
    if (!violations.isEmpty())
        return fail(refusal(violations));

    const qint64 seq = ctx.sequence.lastSeq + 1;
    const QString number = pattern->format(issueDate.year(), seq);
    const CompanyProfile &p = *profile;
    const Party seller{p.name, p.address, p.taxId, p.email, p.phone, p.iban, p.bic};
    const CustomerState &cust = *ctx.customer;
    const Party buyer{cust.name, cust.address, cust.taxId, cust.email, {}, {}, {}};

    Decision d;
    d.events << makeEvent(InvoiceNumberAssigned, {{kNumber, number}, {kIssueDate, dateText(issueDate)}});
    if (!s.dueDate.isValid())
        d.events << makeEvent(InvoiceDueDateSet,
                              {{kDueDate, dateText(issueDate.addDays(ctx.tenant.defaults.paymentTermsDays))}});
    d.events << makeEvent(InvoicePartiesRecorded, {{kSeller, seller.toJson()}, {kBuyer, buyer.toJson()}})
             << statusSet(InvoiceStatus::Issued);
    // Same atomic append: the sequence stream at exactly the version read, so no gap, no reuse.
    StreamAppend sequence;
    sequence.streamType = Wire::StreamType::Sequence;
    sequence.streamId = sequenceStreamId(issueDate.year());
    sequence.expected = ctx.sequence.lastSeq == 0 ? ExpectedVersion::noStream() : ExpectedVersion::exact(ctx.sequence.lastSeq);
    sequence.events << numberReserved(seq, number, invoiceId, issueDate);
    d.otherStreams << sequence;
    // A pattern changed mid-year could repeat an earlier number: the claim refuses that.
    d.claims << UniqueClaim{Wire::Claim::InvoiceNumber, number, invoiceId};
    return d;
}

Result<Decision> sendInvoice(const InvoiceState &s, const SendInvoiceToCustomer &c, const InvoiceContext &ctx)
{
    switch (s.status) {
    case InvoiceStatus::Issued:
    case InvoiceStatus::Sent:
    case InvoiceStatus::PartiallyPaid:
    case InvoiceStatus::Paid:
        break;
    default:
        return fail(refusal(QStringLiteral("invoice %1 is %2: only an issued invoice can be sent")
                                .arg(label(s), statusName(s.status))));
    }
    QString to = c.to.value_or(QString());
    if (to.isEmpty() && ctx.customer)
        to = ctx.customer->email;
    if (to.isEmpty() && s.buyer)
        to = s.buyer->email;
    if (to.isEmpty())
        return fail(Error::invalidField(QStringLiteral("payload.to"), QStringLiteral("is required: the customer has no e-mail address")));
    const Result<InvoiceTotals> totals = invoiceTotals(s);
    if (!totals)
        return fail(totals.error());
    const QString company = s.seller ? s.seller->name : QString();
    const QString subject = c.subject.value_or(QStringLiteral("Invoice %1 from %2").arg(s.number, company));
    const QString message = c.message.value_or(defaultMessage(s, *totals));
    Decision d;
    d.events << makeEvent(Wire::Event::InvoiceSendRequested,
                          {{kDeliveryId, ctx.newId()}, {kTo, to}, {kSubject, subject}, {kMessage, message}});
    return d;
}

Result<Decision> recordPayment(const InvoiceState &s, const RecordPayment &c, const InvoiceContext &ctx)
{
    switch (s.status) {
    case InvoiceStatus::Issued:
    case InvoiceStatus::Sent:
    case InvoiceStatus::PartiallyPaid:
        break;
    case InvoiceStatus::Draft:
        return fail(refusal(QStringLiteral("invoice %1 is a draft: issue it before recording payments").arg(s.id)));
    default:
        return fail(refusal(QStringLiteral("invoice %1 is %2: it takes no more payments")
                                .arg(label(s), statusName(s.status))));
    }
    const std::optional<Currency> currency = Currency::find(s.currency);
    if (!currency)
        return fail(Error::failure(QStringLiteral("invoice %1 has an unknown currency '%2'").arg(s.id, s.currency)));
    QList<Violation> violations;
    const QString amountField = QStringLiteral("payload.amount");
    const Result<Money> amount = parsePaymentAmount(decimalText(c.amount), *currency, amountField);
    if (!amount)
        violations.append(violationsOf(amount.error(), amountField));
    if (!c.paymentId.isEmpty()
        && std::any_of(s.payments.begin(), s.payments.end(), [&](const Payment &p) { return p.paymentId == c.paymentId; }))
        violations.append({QStringLiteral("payload.paymentId"), QStringLiteral("payment %1 is already recorded").arg(c.paymentId)});
    const Result<InvoiceTotals> totals = invoiceTotals(s);
    if (!totals)
        return fail(totals.error());
    if (amount && *amount > totals->due)
        violations.append({amountField, QStringLiteral("%1 is more than the amount due, %2 %3")
                                            .arg(amount->toString(), totals->due.toString(), s.currency)});
    if (!violations.isEmpty())
        return fail(refusal(violations));

    Decision d;
    QJsonObject payload{{kPaymentId, c.paymentId.isEmpty() ? ctx.newId() : c.paymentId},
                        {kAmount, amount->toString()},
                        {kDate, dateText(c.date)}};
    if (!c.method.isEmpty())
        payload.insert(kMethod, c.method);
    d.events << makeEvent(Wire::Event::PaymentRecorded, payload);
    const InvoiceStatus next = *amount == totals->due ? InvoiceStatus::Paid : InvoiceStatus::PartiallyPaid;
    if (next != s.status)
        d.events << statusSet(next);
    return d;
}

} // namespace

// --- status -------------------------------------------------------------------------------------

QString statusName(InvoiceStatus status)
{
    using namespace Wire::Status;
    switch (status) {
    case InvoiceStatus::None: return {};
    case InvoiceStatus::Draft: return Draft;
    case InvoiceStatus::Issued: return Issued;
    case InvoiceStatus::Sent: return Sent;
    case InvoiceStatus::PartiallyPaid: return PartiallyPaid;
    case InvoiceStatus::Paid: return Paid;
    case InvoiceStatus::Void: return Void;
    case InvoiceStatus::Deleted: return Deleted;
    }
    return {};
}

InvoiceStatus statusFromName(QStringView name)
{
    for (InvoiceStatus s : {InvoiceStatus::Draft, InvoiceStatus::Issued, InvoiceStatus::Sent, InvoiceStatus::PartiallyPaid,
                            InvoiceStatus::Paid, InvoiceStatus::Void, InvoiceStatus::Deleted}) {
        if (statusName(s) == name)
            return s;
    }
    return InvoiceStatus::None;
}

QList<InvoiceStatus> allowedNextStatuses(InvoiceStatus status)
{
    switch (status) {
    case InvoiceStatus::None: return {InvoiceStatus::Draft};
    case InvoiceStatus::Draft: return {InvoiceStatus::Issued, InvoiceStatus::Deleted};
    case InvoiceStatus::Issued:
        return {InvoiceStatus::Sent, InvoiceStatus::PartiallyPaid, InvoiceStatus::Paid, InvoiceStatus::Void};
    case InvoiceStatus::Sent: return {InvoiceStatus::PartiallyPaid, InvoiceStatus::Paid, InvoiceStatus::Void};
    case InvoiceStatus::PartiallyPaid: return {InvoiceStatus::Paid, InvoiceStatus::Void};
    case InvoiceStatus::Paid:
    case InvoiceStatus::Void:
    case InvoiceStatus::Deleted: return {};
    }
    return {};
}

// --- state --------------------------------------------------------------------------------------

QJsonObject Party::toJson() const
{
    QJsonObject o{{QStringLiteral("name"), name}, {QStringLiteral("address"), address.toJson()},
                  {QStringLiteral("taxId"), taxId}};
    const auto put = [&o](const QString &key, const QString &value) {
        if (!value.isEmpty())
            o.insert(key, value);
    };
    put(QStringLiteral("email"), email);
    put(QStringLiteral("phone"), phone);
    put(QStringLiteral("iban"), iban);
    put(QStringLiteral("bic"), bic);
    return o;
}

Party Party::fromJson(const QJsonObject &o)
{
    return Party{o.value(QStringLiteral("name")).toString(),
                 Address::fromJson(o.value(QStringLiteral("address")).toObject()),
                 o.value(QStringLiteral("taxId")).toString(),
                 o.value(QStringLiteral("email")).toString(),
                 o.value(QStringLiteral("phone")).toString(),
                 o.value(QStringLiteral("iban")).toString(),
                 o.value(QStringLiteral("bic")).toString()};
}

const LineItem *InvoiceState::lineItem(const QString &lineItemId) const
{
    for (const LineItem &item : lineItems) {
        if (item.lineItemId == lineItemId)
            return &item;
    }
    return nullptr;
}

const Delivery *InvoiceState::delivery(const QString &deliveryId) const
{
    for (const Delivery &d : deliveries) {
        if (d.deliveryId == deliveryId)
            return &d;
    }
    return nullptr;
}

namespace {

// The invoice's currency and its payments in it, for its totals.
template <typename Payments>
Result<Currency> paymentsOf(const InvoiceState &s, Payments &payments)
{
    const std::optional<Currency> currency = Currency::find(s.currency);
    if (!currency)
        return fail(Error::failure(QStringLiteral("invoice %1 has an unknown currency '%2'").arg(s.id, s.currency)));
    payments.reserve(s.payments.size());
    for (const Payment &p : s.payments) {
        const std::optional<Money> m = Money::fromDecimalRounded(p.amount, *currency);
        if (!m)
            return fail(Error::failure(QStringLiteral("payment %1 is out of range").arg(p.paymentId)));
        payments.append(*m);
    }
    return *currency;
}

} // namespace

Result<InvoiceTotals> invoiceTotals(const InvoiceState &s)
{
    QList<Money> payments;
    const Result<Currency> currency = paymentsOf(s, payments);
    if (!currency)
        return fail(currency.error());
    return computeTotals(*currency, lineAmounts(s.lineItems), payments);
}

Result<TotalsSums> invoiceSums(const InvoiceState &s)
{
    QVarLengthArray<Money, 8> payments;
    const Result<Currency> currency = paymentsOf(s, payments);
    if (!currency)
        return fail(currency.error());
    QVarLengthArray<LineAmounts, 16> lines;
    lines.reserve(s.lineItems.size());
    for (const LineItem &item : s.lineItems)
        lines.append({item.quantity, item.unitPrice, item.taxRate, item.discountPercent});
    return computeSums(*currency, lines, payments);
}

bool isOverdue(const InvoiceState &s, const QDate &today)
{
    switch (s.status) {
    case InvoiceStatus::Issued:
    case InvoiceStatus::Sent:
    case InvoiceStatus::PartiallyPaid:
        return s.dueDate.isValid() && s.dueDate < today;
    default:
        return false;
    }
}

QDate effectiveIssueDate(const IssueInvoice &command, const QDate &today)
{
    return command.issueDate.value_or(today);
}

QString customerNeeded(const InvoiceState &state, const InvoiceCommand &command)
{
    if (const auto *c = std::get_if<CreateInvoice>(&command))
        return c->customerId;
    if (const auto *c = std::get_if<SetInvoiceCustomer>(&command))
        return c->customerId;
    if (std::holds_alternative<IssueInvoice>(command) || std::holds_alternative<SendInvoiceToCustomer>(command))
        return state.customerId;
    return {};
}

bool tenantNeeded(const InvoiceCommand &command)
{
    if (const auto *c = std::get_if<CreateInvoice>(&command)) {
        return !c->currency || std::any_of(c->lineItems.begin(), c->lineItems.end(),
                                           [](const LineItemInput &item) { return !item.taxRate; });
    }
    if (const auto *c = std::get_if<AddLineItem>(&command))
        return !c->item.taxRate;
    return std::holds_alternative<IssueInvoice>(command);
}

namespace {

template <typename Fields>
void foldInvoiceEvent(InvoiceState &s, const RecordedEvent &e, const Fields &p)
{
    using namespace Wire::Event;
    if (e.type == InvoiceCreated) {
        s.id = e.streamId;
        s.exists = true;
        s.createdAt = e.recordedAt;
    } else if (e.type == InvoiceCustomerSet) {
        s.customerId = p.string(kCustomerId);
    } else if (e.type == InvoiceCurrencySet) {
        s.currency = p.string(kCurrency);
    } else if (e.type == InvoiceStatusSet) {
        s.status = statusField(p, kStatus);
        if (s.status == InvoiceStatus::Void)
            s.voidReason = p.string(kReason);
    } else if (e.type == InvoiceDueDateSet) {
        s.dueDate = dateField(p, kDueDate);
    } else if (e.type == InvoiceNotesSet) {
        s.notes = p.string(kNotes);
    } else if (e.type == LineItemAdded) {
        s.lineItems.append(lineItemFrom(p));
    } else if (e.type == LineItemUpdated) {
        const QString id = p.string(kLineItemId);
        for (LineItem &item : s.lineItems) {
            if (item.lineItemId != id)
                continue;
            if (p.contains(kDescription))
                item.description = p.string(kDescription);
            if (p.contains(kQuantity))
                item.quantity = decimalField(p, kQuantity);
            if (p.contains(kUnitPrice))
                item.unitPrice = decimalField(p, kUnitPrice);
            if (p.contains(kTaxRate))
                item.taxRate = decimalField(p, kTaxRate);
            if (p.contains(kDiscountPercent))
                item.discountPercent = decimalField(p, kDiscountPercent);
        }
    } else if (e.type == LineItemRemoved) {
        const QString id = p.string(kLineItemId);
        s.lineItems.removeIf([&id](const LineItem &item) { return item.lineItemId == id; });
    } else if (e.type == InvoiceNumberAssigned) {
        s.number = p.string(kNumber);
        s.issueDate = dateField(p, kIssueDate);
    } else if (e.type == InvoicePartiesRecorded) {
        s.seller = Party::fromJson(p.object(kSeller));
        s.buyer = Party::fromJson(p.object(kBuyer));
    } else if (e.type == InvoiceSendRequested) {
        s.deliveries.append(Delivery{p.string(kDeliveryId), p.string(kTo),
                                     p.string(kSubject), p.string(kMessage),
                                     Delivery::Status::Requested, {}, 0});
    } else if (e.type == InvoiceSent || e.type == InvoiceSendFailed) {
        const QString id = p.string(kDeliveryId);
        for (Delivery &d : s.deliveries) {
            if (d.deliveryId != id)
                continue;
            if (e.type == InvoiceSent) {
                d.status = Delivery::Status::Sent;
            } else {
                d.status = Delivery::Status::Failed;
                d.failureReason = p.string(kReason);
                ++d.failures;
            }
        }
    } else if (e.type == PaymentRecorded) {
        s.payments.append(Payment{p.string(kPaymentId), decimalField(p, kAmount), dateField(p, kDate),
                                  p.string(kMethod)});
    }
}

} // namespace

void applyInvoiceEvent(InvoiceState &s, const RecordedEvent &e)
{
    foldInvoiceEvent(s, e, ObjectFields{e.payload});
}

void applyInvoiceEvent(InvoiceState &s, const RecordedEvent &e, const PayloadJson &payload)
{
    foldInvoiceEvent(s, e, payload);
}

InvoiceState evolveInvoice(InvoiceState s, const RecordedEvent &e)
{
    applyInvoiceEvent(s, e);
    return s;
}

Result<Decision> decideInvoice(const InvoiceState &s, const InvoiceCommand &command, const QString &invoiceId,
                               const InvoiceContext &ctx)
{
    using namespace Wire::Event;
    return std::visit(
        [&](const auto &cmd) -> Result<Decision> {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, CreateInvoice>)
                return createInvoice(s, cmd, invoiceId, ctx);
            if (!s.exists)
                return fail(Error::notFound(QStringLiteral("no invoice with id '%1'").arg(invoiceId)));
            if (s.status == InvoiceStatus::Deleted)
                return fail(refusal(QStringLiteral("invoice %1 is deleted").arg(invoiceId)));
            constexpr bool isEdit = std::is_same_v<T, SetInvoiceCustomer> || std::is_same_v<T, SetInvoiceCurrency>
                                    || std::is_same_v<T, SetInvoiceDueDate> || std::is_same_v<T, SetInvoiceNotes>
                                    || std::is_same_v<T, AddLineItem> || std::is_same_v<T, UpdateLineItem>
                                    || std::is_same_v<T, RemoveLineItem>;
            if constexpr (isEdit) {
                if (!s.isDraft())
                    return fail(frozen(s));
            }
            Decision d;
            if constexpr (std::is_same_v<T, SetInvoiceCustomer>) {
                QList<Violation> violations;
                checkCustomer(ctx.customer, cmd.customerId, violations);
                if (!violations.isEmpty())
                    return fail(refusal(violations));
                d.events << makeEvent(InvoiceCustomerSet, {{kCustomerId, cmd.customerId}});
            } else if constexpr (std::is_same_v<T, SetInvoiceCurrency>) {
                // Unit prices carry up to 6 digits whatever the currency, so nothing to re-check.
                d.events << makeEvent(InvoiceCurrencySet, {{kCurrency, cmd.currency}});
            } else if constexpr (std::is_same_v<T, SetInvoiceDueDate>) {
                d.events << makeEvent(InvoiceDueDateSet, {{kDueDate, dateText(cmd.dueDate)}});
            } else if constexpr (std::is_same_v<T, SetInvoiceNotes>) {
                d.events << makeEvent(InvoiceNotesSet, {{kNotes, cmd.notes}});
            } else if constexpr (std::is_same_v<T, AddLineItem>) {
                return addLineItem(s, cmd, ctx);
            } else if constexpr (std::is_same_v<T, UpdateLineItem>) {
                return updateLineItem(s, cmd);
            } else if constexpr (std::is_same_v<T, RemoveLineItem>) {
                if (!s.lineItem(cmd.lineItemId))
                    return fail(Error::invalidField(QStringLiteral("payload.lineItemId"),
                                                    QStringLiteral("no line item with id '%1'").arg(cmd.lineItemId)));
                d.events << makeEvent(LineItemRemoved, {{kLineItemId, cmd.lineItemId}});
            } else if constexpr (std::is_same_v<T, IssueInvoice>) {
                return issueInvoice(s, cmd, invoiceId, ctx);
            } else if constexpr (std::is_same_v<T, SendInvoiceToCustomer>) {
                return sendInvoice(s, cmd, ctx);
            } else if constexpr (std::is_same_v<T, RecordPayment>) {
                return recordPayment(s, cmd, ctx);
            } else if constexpr (std::is_same_v<T, VoidInvoice>) {
                if (s.status != InvoiceStatus::Issued && s.status != InvoiceStatus::Sent
                    && s.status != InvoiceStatus::PartiallyPaid)
                    return fail(refusal(QStringLiteral("invoice %1 is %2: only an issued, sent or partially paid invoice can be voided")
                                            .arg(label(s), statusName(s.status))));
                d.events << statusSet(InvoiceStatus::Void, cmd.reason);
            } else if constexpr (std::is_same_v<T, DeleteInvoice>) {
                if (!s.isDraft())
                    return fail(refusal(QStringLiteral("invoice %1 is %2: only a draft can be deleted (void an issued invoice)")
                                            .arg(label(s), statusName(s.status))));
                d.events << statusSet(InvoiceStatus::Deleted);
            }
            return d;
        },
        command);
}

bool invoiceConflicts(const InvoiceCommand &command, const RecordedEvent &e)
{
    using namespace Wire::Event;
    if (e.type == InvoiceStatusSet)
        return true;
    return std::visit(
        [&](const auto &cmd) {
            using T = std::decay_t<decltype(cmd)>;
            const auto sameLineItem = [&e](const QString &id) {
                return (e.type == LineItemAdded || e.type == LineItemUpdated || e.type == LineItemRemoved)
                       && e.payload.value(kLineItemId).toString() == id;
            };
            if constexpr (std::is_same_v<T, CreateInvoice> || std::is_same_v<T, IssueInvoice>)
                return true;   // the issuer must have seen everything that gets frozen
            else if constexpr (std::is_same_v<T, SetInvoiceCustomer>)
                return e.type == InvoiceCustomerSet;
            else if constexpr (std::is_same_v<T, SetInvoiceCurrency>)
                return e.type == InvoiceCurrencySet;
            else if constexpr (std::is_same_v<T, SetInvoiceDueDate>)
                return e.type == InvoiceDueDateSet;
            else if constexpr (std::is_same_v<T, SetInvoiceNotes>)
                return e.type == InvoiceNotesSet;
            else if constexpr (std::is_same_v<T, AddLineItem>)
                return !cmd.item.lineItemId.isEmpty() && sameLineItem(cmd.item.lineItemId);
            else if constexpr (std::is_same_v<T, UpdateLineItem> || std::is_same_v<T, RemoveLineItem>)
                return sameLineItem(cmd.lineItemId);
            else
                return false;  // sending, payments, void, delete: only status changes conflict
        },
        command);
}

Result<Decision> decideDeliveryOutcome(const InvoiceState &s, const DeliveryOutcome &outcome)
{
    using namespace Wire::Event;
    const Delivery *delivery = s.delivery(outcome.deliveryId);
    if (!delivery)
        return fail(Error::invalidField(QStringLiteral("deliveryId"),
                                        QStringLiteral("invoice %1 has no delivery '%2'").arg(s.id, outcome.deliveryId)));
    Decision d;
    if (outcome.sent) {
        if (delivery->status == Delivery::Status::Sent)
            return d;  // reported twice (a mailer restart): the first report stands
        d.events << makeEvent(InvoiceSent, {{kDeliveryId, outcome.deliveryId}});
        if (s.status == InvoiceStatus::Issued)
            d.events << statusSet(InvoiceStatus::Sent);
        return d;
    }
    if (delivery->status == Delivery::Status::Sent)
        return fail(refusal(QStringLiteral("delivery %1 was already sent").arg(outcome.deliveryId)));
    const QString reason = outcome.reason.trimmed().isEmpty() ? QStringLiteral("unknown reason") : outcome.reason.trimmed();
    d.events << makeEvent(InvoiceSendFailed, {{kDeliveryId, outcome.deliveryId}, {kReason, reason.left(2000)}});
    return d;
}

// --- read side ----------------------------------------------------------------------------------

QJsonObject invoiceStateJson(const Loaded<InvoiceState> &loaded, const QDate &today)
{
    const InvoiceState &s = loaded.state;
    const Result<InvoiceTotals> totals = invoiceTotals(s);
    QJsonArray items;
    for (qsizetype i = 0; i < s.lineItems.size(); ++i) {
        QJsonObject item = lineItemPayload(s.lineItems[i]);
        item.insert(QStringLiteral("netAmount"), totals ? QJsonValue(totals->lineNetAmounts.value(i).toString()) : QJsonValue());
        items.append(item);
    }
    QJsonArray payments;
    for (const Payment &p : s.payments) {
        QJsonObject o{{kPaymentId, p.paymentId}, {kAmount, decimalText(p.amount)}, {kDate, dateOrNull(p.date)}};
        if (!p.method.isEmpty())
            o.insert(kMethod, p.method);
        payments.append(o);
    }
    QJsonArray deliveries;
    for (const Delivery &d : s.deliveries) {
        static const QString names[] = {QStringLiteral("REQUESTED"), QStringLiteral("SENT"), QStringLiteral("FAILED")};
        QJsonObject o{{kDeliveryId, d.deliveryId}, {kTo, d.to}, {kSubject, d.subject},
                      {kStatus, names[int(d.status)]}, {QStringLiteral("failures"), d.failures}};
        if (!d.failureReason.isEmpty())
            o.insert(kReason, d.failureReason);
        deliveries.append(o);
    }
    QJsonObject o{
        {QStringLiteral("id"), s.id},
        {QStringLiteral("version"), loaded.version},
        {kStatus, statusName(s.status)},
        {kNumber, s.number.isEmpty() ? QJsonValue() : QJsonValue(s.number)},
        {kCustomerId, s.customerId},
        {kCurrency, s.currency},
        {kIssueDate, dateOrNull(s.issueDate)},
        {kDueDate, dateOrNull(s.dueDate)},
        {kNotes, s.notes},
        {QStringLiteral("lineItems"), items},
        {QStringLiteral("taxes"), totals ? totals->taxesJson() : QJsonArray()},
        {QStringLiteral("totals"), totals ? QJsonValue(totals->totalsJson()) : QJsonValue()},
        {QStringLiteral("payments"), payments},
        {QStringLiteral("deliveries"), deliveries},
        {QStringLiteral("overdue"), isOverdue(s, today)},
        {QStringLiteral("createdAt"), formatTimestamp(s.createdAt)},
        {QStringLiteral("updatedAt"), formatTimestamp(loaded.updatedAt)},
    };
    if (s.status == InvoiceStatus::Void)
        o.insert(QStringLiteral("voidReason"), s.voidReason);
    if (s.seller)
        o.insert(kSeller, s.seller->toJson());
    if (s.buyer)
        o.insert(kBuyer, s.buyer->toJson());
    return o;
}

// --- snapshots ----------------------------------------------------------------------------------

QJsonObject invoiceToSnapshot(const InvoiceState &s)
{
    QJsonArray items;
    for (const LineItem &item : s.lineItems)
        items.append(lineItemPayload(item));
    QJsonArray payments;
    for (const Payment &p : s.payments)
        payments.append(QJsonObject{{kPaymentId, p.paymentId}, {kAmount, decimalText(p.amount)},
                                    {kDate, dateText(p.date)}, {kMethod, p.method}});
    QJsonArray deliveries;
    for (const Delivery &d : s.deliveries)
        deliveries.append(QJsonObject{{kDeliveryId, d.deliveryId}, {kTo, d.to}, {kSubject, d.subject},
                                      {kMessage, d.message}, {kStatus, int(d.status)},
                                      {kReason, d.failureReason}, {QStringLiteral("failures"), d.failures}});
    QJsonObject o{{QStringLiteral("id"), s.id},
                  {QStringLiteral("exists"), s.exists},
                  {kStatus, statusName(s.status)},
                  {kCustomerId, s.customerId},
                  {kCurrency, s.currency},
                  {kIssueDate, dateText(s.issueDate)},
                  {kDueDate, dateText(s.dueDate)},
                  {kNumber, s.number},
                  {kNotes, s.notes},
                  {QStringLiteral("voidReason"), s.voidReason},
                  {QStringLiteral("lineItems"), items},
                  {QStringLiteral("payments"), payments},
                  {QStringLiteral("deliveries"), deliveries},
                  {QStringLiteral("createdAt"), s.createdAt.isValid() ? QJsonValue(s.createdAt.toMSecsSinceEpoch()) : QJsonValue()}};
    if (s.seller)
        o.insert(kSeller, s.seller->toJson());
    if (s.buyer)
        o.insert(kBuyer, s.buyer->toJson());
    return o;
}

std::optional<InvoiceState> invoiceFromSnapshot(const QJsonObject &o)
{
    if (!o.value(QStringLiteral("exists")).isBool() || !o.value(QStringLiteral("lineItems")).isArray())
        return std::nullopt;
    InvoiceState s;
    s.id = o.value(QStringLiteral("id")).toString();
    s.exists = o.value(QStringLiteral("exists")).toBool();
    s.status = statusFromName(o.value(kStatus).toString());
    s.customerId = o.value(kCustomerId).toString();
    s.currency = o.value(kCurrency).toString();
    s.issueDate = dateOf(o.value(kIssueDate));
    s.dueDate = dateOf(o.value(kDueDate));
    s.number = o.value(kNumber).toString();
    s.notes = o.value(kNotes).toString();
    s.voidReason = o.value(QStringLiteral("voidReason")).toString();
    for (const QJsonValue &v : o.value(QStringLiteral("lineItems")).toArray())
        s.lineItems.append(lineItemFrom(v.toObject()));
    for (const QJsonValue &v : o.value(QStringLiteral("payments")).toArray()) {
        const QJsonObject p = v.toObject();
        s.payments.append(Payment{p.value(kPaymentId).toString(), decimalOf(p.value(kAmount)), dateOf(p.value(kDate)),
                                  p.value(kMethod).toString()});
    }
    for (const QJsonValue &v : o.value(QStringLiteral("deliveries")).toArray()) {
        const QJsonObject d = v.toObject();
        const int status = std::clamp(d.value(kStatus).toInt(), 0, 2);
        s.deliveries.append(Delivery{d.value(kDeliveryId).toString(), d.value(kTo).toString(),
                                     d.value(kSubject).toString(), d.value(kMessage).toString(),
                                     Delivery::Status(status), d.value(kReason).toString(),
                                     d.value(QStringLiteral("failures")).toInt()});
    }
    if (o.contains(kSeller))
        s.seller = Party::fromJson(o.value(kSeller).toObject());
    if (o.contains(kBuyer))
        s.buyer = Party::fromJson(o.value(kBuyer).toObject());
    if (o.value(QStringLiteral("createdAt")).isDouble())
        s.createdAt = QDateTime::fromMSecsSinceEpoch(o.value(QStringLiteral("createdAt")).toInteger(), Qt::UTC);
    return s;
}

AggregateType<InvoiceState> invoiceAggregateType()
{
    AggregateType<InvoiceState> type;
    type.streamType = Wire::StreamType::Invoice;
    type.evolve = evolveInvoice;
    type.snapshotEvery = InvoiceSnapshotEvery;
    type.snapshotSchemaVersion = InvoiceSnapshotSchema;
    type.toSnapshot = invoiceToSnapshot;
    type.fromSnapshot = invoiceFromSnapshot;
    return type;
}

} // namespace Billstream
