#include "core/projections/invoicerow.h"

#include "core/domain/domainevents.h"

#include <array>

namespace Billstream {

bool isOpenStatus(const QString &status)
{
    return status == Wire::Status::Issued || status == Wire::Status::Sent || status == Wire::Status::PartiallyPaid;
}

bool isCounted(const InvoiceRow &row)
{
    return !row.status.isEmpty() && row.status != Wire::Status::Deleted;
}

CustomerContribution contributionOf(const InvoiceRow &row)
{
    CustomerContribution c;
    c.customerId = row.customerId;
    c.counted = isCounted(row);
    c.open = isOpenStatus(row.status);
    if (c.open) {
        c.currency = row.currency;
        c.digits = row.digits;
        c.due = row.due;
    }
    return c;
}

bool changesAmounts(const RecordedEvent &e)
{
    using namespace Wire::Event;
    // Compared by length first: this runs for every invoice event of a replay.
    static const std::array<const QString *, 10> keep{&InvoiceCreated,  &InvoiceCustomerSet,    &InvoiceStatusSet,
                                                      &InvoiceDueDateSet, &InvoiceNotesSet,     &InvoiceNumberAssigned,
                                                      &InvoicePartiesRecorded, &InvoiceSendRequested, &InvoiceSent,
                                                      &InvoiceSendFailed};
    for (const QString *k : keep) {
        if (k->size() == e.type.size() && *k == e.type)
            return false;
    }
    return true;
}


namespace {

// Recomputes the amounts of a row from its state.
void computeAmounts(InvoiceRow &row, const InvoiceState &s)
{
    row.digits = 0;
    row.net = row.tax = row.total = row.paid = row.due = 0;
    if (const std::optional<Currency> currency = Currency::find(s.currency)) {
        row.digits = currency->minorDigits();
        if (const Result<TotalsSums> totals = invoiceSums(s)) {
            row.net = totals->net.minorUnits();
            row.tax = totals->tax.minorUnits();
            row.total = totals->total.minorUnits();
            row.paid = totals->paid.minorUnits();
            row.due = totals->due.minorUnits();
        }
    }
}

} // namespace

InvoiceRow invoiceRowFromState(const InvoiceState &s, const RecordedEvent &last, qint64 createdAtMs,
                               const InvoiceRow *previous)
{
    InvoiceRow row;
    row.id = s.id.isEmpty() ? last.streamId : s.id;
    row.number = s.number;
    row.customerId = s.customerId;
    row.status = statusName(s.status);
    row.issueDate = s.issueDate;
    row.dueDate = s.dueDate;
    row.currency = s.currency;
    row.notes = s.notes;
    row.lineCount = int(s.lineItems.size());
    row.version = last.version;
    row.lastEventId = last.eventId;
    row.createdAtMs = s.createdAt.isValid() ? s.createdAt.toMSecsSinceEpoch() : createdAtMs;
    row.updatedAtMs = last.recordedAt.toMSecsSinceEpoch();
    if (previous && !changesAmounts(last)) {
        row.digits = previous->digits;
        row.net = previous->net;
        row.tax = previous->tax;
        row.total = previous->total;
        row.paid = previous->paid;
        row.due = previous->due;
    } else {
        computeAmounts(row, s);
    }
    return row;
}

InvoiceFoldCache::Key InvoiceFoldCache::keyOf(const QString &tenant, const QString &id)
{
    return tenant + QChar(0x1f) + id;
}

const FoldedInvoice *InvoiceFoldCache::find(const QString &tenant, const QString &id)
{
    const auto it = m_index.constFind(keyOf(tenant, id));
    if (it == m_index.cend())
        return nullptr;
    m_lru.splice(m_lru.begin(), m_lru, *it);
    return &(*it)->value;
}

void InvoiceFoldCache::put(const QString &tenant, const QString &id, FoldedInvoice folded)
{
    const Key key = keyOf(tenant, id);
    const auto it = m_index.constFind(key);
    if (it != m_index.cend()) {
        (*it)->value = std::move(folded);
        m_lru.splice(m_lru.begin(), m_lru, *it);
        return;
    }
    m_lru.push_front(Node{key, std::move(folded)});
    m_index.insert(key, m_lru.begin());
    while (m_capacity > 0 && int(m_lru.size()) > m_capacity) {
        m_index.remove(m_lru.back().key);
        m_lru.pop_back();
    }
}

void InvoiceFoldCache::remove(const QString &tenant, const QString &id)
{
    const auto it = m_index.constFind(keyOf(tenant, id));
    if (it == m_index.cend())
        return;
    m_lru.erase(*it);
    m_index.erase(it);
}

void InvoiceFoldCache::clear()
{
    m_index.clear();
    m_lru.clear();
}

} // namespace Billstream
