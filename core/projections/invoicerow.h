#pragma once

#include "core/domain/invoice.h"

#include <QDate>
#include <QHash>
#include <QString>

#include <list>
#include <optional>

namespace Billstream {

// One invoice as the invoice list shows it: what the projection row stores, derived from the
// domain's folded InvoiceState and its EN 16931 totals (never re-implemented here).
struct InvoiceRow
{
    QString id;
    QString number;
    QString customerId;
    QString status;          // the stored status name; OVERDUE is never stored
    QDate issueDate;
    QDate dueDate;
    QString currency;
    int digits = 0;          // the currency's minor-unit digits, so amounts format exactly
    Int128 net = 0;          // minor units
    Int128 tax = 0;
    Int128 total = 0;
    Int128 paid = 0;
    Int128 due = 0;
    QString notes;
    int lineCount = 0;
    qint64 version = 0;
    QString lastEventId;     // the row's guard: which event it is at, not only which version
    qint64 createdAtMs = 0;
    qint64 updatedAtMs = 0;

    friend bool operator==(const InvoiceRow &, const InvoiceRow &) = default;
};

// What the revenue reads of an invoice: its figures as issued (frozen since).
struct RevenueFigures
{
    QString currency;
    int digits = 0;
    Int128 net = 0;          // minor units
    Int128 tax = 0;
    Int128 total = 0;
    QDate issueDate;

    static RevenueFigures of(const InvoiceRow &row)
    {
        return {row.currency, row.digits, row.net, row.tax, row.total, row.issueDate};
    }
};

// What the revenue takes from an invoice event during a replay that folds the invoices in the
// same pass (InvoiceListProjection::revenueFactAt()): an ISSUED or VOID status with the
// invoice's figures as of that event, or a payment with what it recorded. (Only what the
// revenue reads: a whole row per fact cost the folding thread 5 %, its strings' reference
// counts moving between the threads.)
struct RevenueFact
{
    enum class Kind { Issued, Voided, Payment };
    Kind kind = Kind::Issued;
    RevenueFigures figures;
    Decimal paymentAmount;   // Kind::Payment
    QDate paymentDate;
};

// What an invoice adds to its customer's figures (invoice count, open balance per currency).
struct CustomerContribution
{
    QString customerId;
    bool counted = false;    // every invoice but a DELETED one
    bool open = false;       // ISSUED, SENT, PARTIALLY_PAID
    QString currency;
    int digits = 0;
    Int128 due = 0;
    friend bool operator==(const CustomerContribution &, const CustomerContribution &) = default;
};

// Statuses whose amount due is owed (DOMAIN.md, CLI.md openBalances).
bool isOpenStatus(const QString &status);
CustomerContribution contributionOf(const InvoiceRow &row);
// contributionOf(row).counted, without the rest.
bool isCounted(const InvoiceRow &row);

// Whether an event can change an invoice's amounts (lines, currency, payments). Events of a
// type not known here count as changing them.
bool changesAmounts(const RecordedEvent &event);

// The row for a folded state at an event. Totals come from invoiceTotals(); a state without a
// known currency yet (inside CreateInvoice) has zero amounts. With `previous` (the row before
// `last`) and an event that cannot change amounts, the amounts are taken over from it.
InvoiceRow invoiceRowFromState(const InvoiceState &state, const RecordedEvent &last, qint64 createdAtMs,
                               const InvoiceRow *previous = nullptr);

// The invoice (or another aggregate's) state after an event, folded from the log.
struct FoldedInvoice
{
    InvoiceState state;
    InvoiceRow row;
    qint64 validFrom = 0;    // the position from which the stored row version is visible
};

// A small cache of recently folded invoices keyed by (tenant, stream). An entry is only a
// candidate: the projection uses it for event version v when the entry is at v − 1, and only
// after its row guard (version and last event id, checked by SQL in the same transaction)
// proves the entry matches the committed log, so a rolled-back transaction cannot poison it.
class InvoiceFoldCache final
{
public:
    explicit InvoiceFoldCache(int capacity = 8192) : m_capacity(capacity) {}

    const FoldedInvoice *find(const QString &tenant, const QString &id);
    void put(const QString &tenant, const QString &id, FoldedInvoice folded);
    void remove(const QString &tenant, const QString &id);
    void clear();
    int size() const { return int(m_index.size()); }

private:
    using Key = QString;
    static Key keyOf(const QString &tenant, const QString &id);
    struct Node
    {
        Key key;
        FoldedInvoice value;
    };
    int m_capacity;
    std::list<Node> m_lru;   // most recently used first
    QHash<Key, std::list<Node>::iterator> m_index;
};

} // namespace Billstream
