#include "ui/history/changes.h"

#include "core/domain/domainevents.h"

#include <QCoreApplication>

namespace Billstream {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Changes", text);
}

QString quoted(const QString &s)
{
    return QStringLiteral("'%1'").arg(s.size() > 40 ? s.left(39) + QChar(0x2026) : s);
}

QString shown(const QString &s)
{
    return s.isEmpty() ? tr("(none)") : s;
}

QString arrow(const QString &from, const QString &to)
{
    return QStringLiteral("%1 → %2").arg(shown(from), shown(to));
}

QString dateText(const QDate &d)
{
    return d.isValid() ? d.toString(Qt::ISODate) : QString();
}

QString addressText(const Address &a)
{
    QStringList parts;
    for (const QString &p : {a.street, QStringLiteral("%1 %2").arg(a.postalCode, a.city).trimmed(), a.country})
        if (!p.isEmpty())
            parts << p;
    return parts.join(QStringLiteral(", "));
}

} // namespace

QString statusText(InvoiceStatus status)
{
    switch (status) {
    case InvoiceStatus::None: return {};
    case InvoiceStatus::Draft: return tr("Draft");
    case InvoiceStatus::Issued: return tr("Issued");
    case InvoiceStatus::Sent: return tr("Sent");
    case InvoiceStatus::PartiallyPaid: return tr("Partially paid");
    case InvoiceStatus::Paid: return tr("Paid");
    case InvoiceStatus::Void: return tr("Void");
    case InvoiceStatus::Deleted: return tr("Deleted");
    }
    return {};
}

Changes invoiceChanges(const InvoiceState &a, const InvoiceState &b,
                       const std::function<QString(const QString &)> &customerName)
{
    Changes c;
    const auto name = [&](const QString &id) { return customerName && !id.isEmpty() ? customerName(id) : id; };
    if (a.customerId != b.customerId) {
        c.keys << QStringLiteral("customer");
        c.sentences << (a.customerId.isEmpty() ? tr("Customer set to %1").arg(name(b.customerId))
                                               : tr("Customer %1").arg(arrow(name(a.customerId), name(b.customerId))));
    }
    if (a.currency != b.currency) {
        c.keys << QStringLiteral("currency");
        c.sentences << (a.currency.isEmpty() ? tr("Currency set to %1").arg(b.currency)
                                             : tr("Currency %1").arg(arrow(a.currency, b.currency)));
    }
    if (a.dueDate != b.dueDate) {
        c.keys << QStringLiteral("dueDate");
        c.sentences << (a.dueDate.isValid() ? tr("Due date %1").arg(arrow(dateText(a.dueDate), dateText(b.dueDate)))
                                            : tr("Due date set to %1").arg(dateText(b.dueDate)));
    }
    if (a.notes != b.notes) {
        c.keys << QStringLiteral("notes");
        c.sentences << (b.notes.isEmpty() ? tr("Notes cleared") : tr("Notes changed to %1").arg(quoted(b.notes)));
    }
    if (a.number != b.number) {
        c.keys << QStringLiteral("number") << QStringLiteral("issueDate");
        c.sentences << tr("Number %1 assigned, issued on %2").arg(b.number, dateText(b.issueDate));
    }
    // Line items: removed, added, then field by field for those in both.
    for (const LineItem &old : a.lineItems) {
        if (!b.lineItem(old.lineItemId)) {
            c.keys << QStringLiteral("lines");
            c.sentences << tr("Line %1 removed").arg(quoted(old.description));
        }
    }
    for (const LineItem &item : b.lineItems) {
        const LineItem *old = a.lineItem(item.lineItemId);
        const QString key = QStringLiteral("line:") + item.lineItemId;
        if (!old) {
            c.keys << key;
            c.sentences << tr("Line %1 added: %2 × %3 at %4 %")
                               .arg(quoted(item.description), item.quantity.toString(), item.unitPrice.toString(),
                                    item.taxRate.toString());
            continue;
        }
        const QString what = quoted(item.description);
        if (old->description != item.description) {
            c.keys << key + QStringLiteral(":description");
            c.sentences << tr("Description %1 → %2").arg(quoted(old->description), quoted(item.description));
        }
        if (old->quantity != item.quantity || old->quantity.toString() != item.quantity.toString()) {
            c.keys << key + QStringLiteral(":quantity");
            c.sentences << tr("Quantity of %1 %2").arg(what, arrow(old->quantity.toString(), item.quantity.toString()));
        }
        if (old->unitPrice != item.unitPrice) {
            c.keys << key + QStringLiteral(":unitPrice");
            c.sentences << tr("Unit price of %1 %2").arg(what, arrow(old->unitPrice.toString(), item.unitPrice.toString()));
        }
        if (old->taxRate != item.taxRate) {
            c.keys << key + QStringLiteral(":taxRate");
            c.sentences << tr("Tax rate of %1 %2 %").arg(what, arrow(old->taxRate.toString(), item.taxRate.toString()));
        }
        if (old->discountPercent != item.discountPercent) {
            c.keys << key + QStringLiteral(":discountPercent");
            c.sentences << tr("Discount on %1 %2 %")
                               .arg(what, arrow(old->discountPercent.toString(), item.discountPercent.toString()));
        }
    }
    bool reordered = false;
    {
        QStringList orderA, orderB;
        for (const LineItem &i : a.lineItems)
            if (b.lineItem(i.lineItemId))
                orderA << i.lineItemId;
        for (const LineItem &i : b.lineItems)
            if (a.lineItem(i.lineItemId))
                orderB << i.lineItemId;
        reordered = orderA != orderB;
    }
    if (reordered) {
        c.keys << QStringLiteral("lines");
        c.sentences << tr("Lines reordered");
    }
    for (int i = int(a.payments.size()); i < b.payments.size(); ++i) {
        const Payment &p = b.payments[i];
        c.keys << QStringLiteral("payments");
        c.sentences << tr("Payment of %1 %2 recorded for %3").arg(b.currency, p.amount.toString(), dateText(p.date));
    }
    for (int i = 0; i < b.deliveries.size(); ++i) {
        const Delivery &d = b.deliveries[i];
        const Delivery *old = i < a.deliveries.size() ? &a.deliveries[i] : nullptr;
        if (!old)
            c.sentences << tr("Sending to %1 requested").arg(d.to);
        else if (old->status != d.status && d.status == Delivery::Status::Sent)
            c.sentences << tr("Sent to %1").arg(d.to);
        else if (old->failures != d.failures)
            c.sentences << tr("Sending to %1 failed: %2").arg(d.to, d.failureReason);
    }
    if (a.status != b.status) {
        c.keys << QStringLiteral("status");
        QString s = a.status == InvoiceStatus::None ? tr("Created as %1").arg(statusText(b.status))
                                                    : tr("Status %1").arg(arrow(statusText(a.status), statusText(b.status)));
        if (b.status == InvoiceStatus::Void && !b.voidReason.isEmpty())
            s += tr(" (%1)").arg(b.voidReason);
        c.sentences << s;
    }
    if (a.seller != b.seller || a.buyer != b.buyer)
        c.sentences << tr("Seller and buyer recorded as of the issue");
    return c;
}

Changes customerChanges(const CustomerState &a, const CustomerState &b)
{
    Changes c;
    if (a.name != b.name) {
        c.keys << QStringLiteral("name");
        c.sentences << (a.name.isEmpty() ? tr("Named %1").arg(quoted(b.name))
                                         : tr("Renamed %1 → %2").arg(quoted(a.name), quoted(b.name)));
    }
    if (a.email != b.email) {
        c.keys << QStringLiteral("email");
        c.sentences << tr("E-mail %1").arg(arrow(a.email, b.email));
    }
    if (!(a.address == b.address)) {
        c.keys << QStringLiteral("address");
        c.sentences << tr("Address %1").arg(arrow(addressText(a.address), addressText(b.address)));
    }
    if (a.taxId != b.taxId) {
        c.keys << QStringLiteral("taxId");
        c.sentences << tr("Tax id %1").arg(arrow(a.taxId, b.taxId));
    }
    if (a.archived != b.archived) {
        c.keys << QStringLiteral("archived");
        c.sentences << tr("Archived");
    }
    return c;
}

QString describeInvoiceEvent(const RecordedEvent &e, const InvoiceState &before, const InvoiceState &after,
                             const std::function<QString(const QString &)> &customerName)
{
    if (e.type == Wire::Event::InvoiceCreated)
        return tr("Invoice created");
    if (e.type == Wire::Event::InvoicePartiesRecorded)
        return tr("Seller and buyer recorded as of the issue");
    const Changes c = invoiceChanges(before, after, customerName);
    if (!c.sentences.isEmpty())
        return c.sentences.join(QStringLiteral("; "));
    // An event that changed nothing visible (the same value set again).
    if (e.type == Wire::Event::InvoiceNotesSet)
        return tr("Notes set (unchanged)");
    return e.type;
}

QString describeCustomerEvent(const RecordedEvent &e, const CustomerState &before, const CustomerState &after)
{
    if (e.type == Wire::Event::CustomerCreated)
        return tr("Customer created");
    const Changes c = customerChanges(before, after);
    return c.sentences.isEmpty() ? e.type : c.sentences.join(QStringLiteral("; "));
}

} // namespace Billstream
