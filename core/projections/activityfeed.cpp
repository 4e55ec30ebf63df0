#include "core/projections/activityfeed.h"

#include "core/domain/customer.h"
#include "core/domain/domainevents.h"
#include "core/domain/invoice.h"
#include "core/domain/tenant.h"

#include <algorithm>
#include <numeric>

namespace Billstream {

namespace {

constexpr int MaxSummary = 200;

QString dateText(const QDate &d)
{
    return d.isValid() ? d.toString(Qt::ISODate) : QString();
}

QString plural(int n, const QString &one, const QString &many)
{
    return n == 1 ? QString(QStringLiteral("1 ") + one) : QString(QString::number(n) + QLatin1Char(' ') + many);
}

QString statusWords(const QString &status)
{
    return status.toLower().replace(QLatin1Char('_'), QLatin1Char(' '));
}

} // namespace

// The facts come from the domain's own reading of each event (its evolve functions applied to
// an empty state) where a field is read, so the feed never disagrees with the aggregates.
void ActivityFeed::accumulate(Facts &f, const RecordedEvent &e)
{
    using namespace Wire::Event;
    if (e.streamType == Wire::StreamType::Invoice) {
        // Events whose mere presence is the fact need no reading.
        if (e.type == LineItemAdded) {
            f.add(Facts::LinesAdded);
            return;
        }
        if (e.type == LineItemUpdated) {
            f.add(Facts::LinesChanged);
            return;
        }
        if (e.type == LineItemRemoved) {
            f.add(Facts::LinesRemoved);
            return;
        }
        if (e.type == InvoiceCreated) {
            f.set(Facts::Created);
            return;
        }
        if (e.type == InvoiceNotesSet) {
            f.set(Facts::Notes);
            return;
        }
        if (e.type == InvoicePartiesRecorded) {
            f.set(Facts::Parties);
            return;
        }
        if (e.type == InvoiceSent) {
            f.set(Facts::Sent);
            return;
        }
        const InvoiceState s = evolveInvoice(InvoiceState{}, e);
        if (e.type == InvoiceCustomerSet)
            f.set(Facts::Customer, s.customerId);
        else if (e.type == InvoiceCurrencySet)
            f.set(Facts::Currency, s.currency);
        else if (e.type == InvoiceStatusSet) {
            f.set(Facts::Status, statusName(s.status));
            if (s.status == InvoiceStatus::Void)
                f.set(Facts::VoidReason, s.voidReason);
        } else if (e.type == InvoiceDueDateSet)
            f.set(Facts::DueDate, dateText(s.dueDate));
        else if (e.type == InvoiceNumberAssigned) {
            f.set(Facts::Number, s.number);
            f.set(Facts::IssueDate, dateText(s.issueDate));
        } else if (e.type == InvoiceSendRequested && !s.deliveries.isEmpty())
            f.set(Facts::SendTo, s.deliveries.constFirst().to);
        else if (e.type == InvoiceSendFailed)
            f.set(Facts::SendFailed, e.payload.value(QStringLiteral("reason")).toString());
        else if (e.type == PaymentRecorded && !s.payments.isEmpty()) {
            f.set(Facts::Payment, s.payments.constFirst().amount.toString());
            f.set(Facts::PaymentDate, dateText(s.payments.constFirst().date));
        }
    } else if (e.streamType == Wire::StreamType::Customer) {
        if (e.type == CustomerCreated) {
            f.set(Facts::Created);
            return;
        }
        if (e.type == CustomerAddressChanged) {
            f.set(Facts::Address);
            return;
        }
        if (e.type == CustomerTaxIdChanged) {
            f.set(Facts::TaxId);
            return;
        }
        if (e.type == CustomerArchived) {
            f.set(Facts::Archived);
            return;
        }
        const CustomerState s = evolveCustomer(CustomerState{}, e);
        if (e.type == CustomerRenamed)
            f.set(Facts::Name, s.name);
        else if (e.type == CustomerEmailChanged)
            f.set(Facts::Email, s.email);
    } else if (e.streamType == Wire::StreamType::Tenant) {
        const TenantState s = evolveTenant(TenantState{}, e);
        if (e.type == CompanyProfileSet)
            f.set(Facts::Profile, s.profile ? s.profile->name : QString());
        else if (e.type == NumberingPatternSet)
            f.set(Facts::Pattern, s.numberingPattern);
        else if (e.type == InvoiceDefaultsSet)
            f.set(Facts::Defaults);
        else if (e.type == MailSettingsSet)
            f.set(Facts::Mail);
    }
}

QString ActivityFeed::render(const QString &streamType, const Facts &f)
{
    QStringList parts;
    const auto text = [&f](Facts::Key k) { return f.text(k); };
    const int lines = f.has(Facts::LinesAdded) ? f.count(Facts::LinesAdded) : 0;
    if (streamType == Wire::StreamType::Invoice) {
        const QString status = text(Facts::Status);
        if (f.has(Facts::Created)) {
            QString s = QStringLiteral("Invoice drafted: %1").arg(plural(lines, QStringLiteral("line item"), QStringLiteral("line items")));
            if (f.has(Facts::Currency))
                s += QStringLiteral(" in ") + text(Facts::Currency);
            if (f.has(Facts::DueDate))
                s += QStringLiteral(", due ") + text(Facts::DueDate);
            parts << s;
        } else if (f.has(Facts::Number)) {
            parts << QStringLiteral("Invoice %1 issued on %2").arg(text(Facts::Number), text(Facts::IssueDate));
            if (f.has(Facts::DueDate))
                parts << QStringLiteral("due ") + text(Facts::DueDate);
        } else if (f.has(Facts::Payment)) {
            QString s = QStringLiteral("Payment of %1 recorded for %2").arg(text(Facts::Payment), text(Facts::PaymentDate));
            if (!status.isEmpty())
                s += QStringLiteral("; now ") + statusWords(status);
            parts << s;
        } else if (status == Wire::Status::Void) {
            parts << QStringLiteral("Invoice voided: ") + text(Facts::VoidReason);
        } else if (status == Wire::Status::Deleted) {
            parts << QStringLiteral("Draft deleted");
        } else if (f.has(Facts::SendTo)) {
            parts << QStringLiteral("Sending requested to ") + text(Facts::SendTo);
        } else if (f.has(Facts::Sent)) {
            parts << (status.isEmpty() ? QStringLiteral("Invoice sent") : QStringLiteral("Invoice sent; now ") + statusWords(status));
        } else if (f.has(Facts::SendFailed)) {
            parts << QStringLiteral("Sending failed: ") + text(Facts::SendFailed);
        } else {
            if (lines > 0)
                parts << plural(lines, QStringLiteral("line item added"), QStringLiteral("line items added"));
            if (f.has(Facts::LinesChanged))
                parts << plural(f.count(Facts::LinesChanged), QStringLiteral("line item changed"), QStringLiteral("line items changed"));
            if (f.has(Facts::LinesRemoved))
                parts << plural(f.count(Facts::LinesRemoved), QStringLiteral("line item removed"), QStringLiteral("line items removed"));
            if (f.has(Facts::Customer))
                parts << QStringLiteral("Customer changed");
            if (f.has(Facts::Currency))
                parts << QStringLiteral("Currency set to ") + text(Facts::Currency);
            if (f.has(Facts::DueDate))
                parts << QStringLiteral("Due date set to ") + text(Facts::DueDate);
            if (f.has(Facts::Notes))
                parts << QStringLiteral("Notes changed");
            if (!status.isEmpty())
                parts << QStringLiteral("Status set to ") + statusWords(status);
            if (parts.isEmpty())
                parts << QStringLiteral("Invoice changed");
        }
    } else if (streamType == Wire::StreamType::Customer) {
        if (f.has(Facts::Created)) {
            parts << QStringLiteral("Customer %1 created").arg(text(Facts::Name));
        } else {
            if (f.has(Facts::Name))
                parts << QStringLiteral("Renamed to ") + text(Facts::Name);
            if (f.has(Facts::Email))
                parts << QStringLiteral("E-mail changed to ") + text(Facts::Email);
            if (f.has(Facts::Address))
                parts << QStringLiteral("Address changed");
            if (f.has(Facts::TaxId))
                parts << QStringLiteral("Tax id changed");
            if (f.has(Facts::Archived))
                parts << QStringLiteral("Customer archived");
            if (parts.isEmpty())
                parts << QStringLiteral("Customer changed");
        }
    } else {
        if (f.has(Facts::Profile))
            parts << QStringLiteral("Company profile set: ") + text(Facts::Profile);
        if (f.has(Facts::Pattern))
            parts << QStringLiteral("Numbering pattern set to ") + text(Facts::Pattern);
        if (f.has(Facts::Defaults))
            parts << QStringLiteral("Invoice defaults changed");
        if (f.has(Facts::Mail))
            parts << QStringLiteral("Mail settings changed");
        if (parts.isEmpty())
            parts << QStringLiteral("Settings changed");
    }
    QString summary = parts.join(QStringLiteral(", "));
    // One line: text from the store never breaks the feed's layout.
    summary.replace(QLatin1Char('\n'), QLatin1Char(' ')).replace(QLatin1Char('\r'), QLatin1Char(' '));
    if (summary.size() > MaxSummary)
        summary = summary.left(MaxSummary - 1) + QChar(0x2026);
    return summary;
}

bool ActivityFeed::isTold(const QString &streamType)
{
    return streamType == Wire::StreamType::Invoice || streamType == Wire::StreamType::Customer
        || streamType == Wire::StreamType::Tenant;
}

bool ActivityFeed::continues(qint64 position, const QString &streamId, qint64 timeMs, const QString &commandId,
                             qint64 entryPosition, const QString &entryStreamId, qint64 entryTimeMs,
                             const QString &entryCommandId)
{
    return position == entryPosition - 1 && timeMs == entryTimeMs && streamId == entryStreamId
        && commandId == entryCommandId;
}

Status ActivityFeed::summarize(SqliteEventStore &store, const Upcasters &upcasters, const QString &tenantId,
                               QList<ActivityEntry> &entries)
{
    if (entries.isEmpty())
        return {};
    // The entries by first position; their events are contiguous, so one ascending scan over
    // the span of all of them hands each event to at most one entry.
    QList<qsizetype> order(entries.size());
    std::iota(order.begin(), order.end(), qsizetype(0));
    std::sort(order.begin(), order.end(),
              [&](qsizetype a, qsizetype b) { return entries.at(a).position < entries.at(b).position; });
    const qint64 from = entries.at(order.first()).position;
    qint64 to = from;
    for (const ActivityEntry &e : std::as_const(entries))
        to = std::max(to, e.lastPosition);
    std::vector<Facts> facts(size_t(entries.size()));
    qsizetype next = 0;  // in `order`: the first entry that may still hold the next event
    Status scanned = store.scan(tenantId, from, to, [&](const RecordedEvent &event) {
        while (next < order.size() && entries.at(order.at(next)).lastPosition < event.position)
            ++next;
        if (next == order.size())
            return false;
        const qsizetype at = order.at(next);
        if (event.position < entries.at(at).position)
            return true;  // between entries: a number sequence, or left out
        if (upcasters.isEmpty())
            accumulate(facts[size_t(at)], event);
        else
            accumulate(facts[size_t(at)], upcasters.upcast(event));
        return true;
    });
    if (!scanned)
        return scanned;
    for (qsizetype i = 0; i < entries.size(); ++i)
        entries[i].summary = render(entries.at(i).streamType, facts[size_t(i)]);
    return {};
}

} // namespace Billstream
