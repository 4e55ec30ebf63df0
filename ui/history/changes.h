#pragma once

#include "core/domain/customer.h"
#include "core/domain/invoice.h"

#include <QSet>
#include <QStringList>

namespace Billstream {

// What differs between two states of an aggregate, in sentences a person understands
// ("Quantity of 'Consulting' 2 → 3") and as keys the editors highlight:
//   customer currency dueDate notes status number issueDate payments
//   line:<id> (added) · line:<id>:description|quantity|unitPrice|taxRate|discountPercent
//   name email address taxId archived
struct Changes
{
    QStringList sentences;
    QSet<QString> keys;
};

// `customerName` turns customer ids into names for the sentences.
Changes invoiceChanges(const InvoiceState &before, const InvoiceState &after,
                       const std::function<QString(const QString &)> &customerName = {});
Changes customerChanges(const CustomerState &before, const CustomerState &after);

// The sentence of one event, from the state before and after it.
QString describeInvoiceEvent(const RecordedEvent &event, const InvoiceState &before, const InvoiceState &after,
                             const std::function<QString(const QString &)> &customerName = {});
QString describeCustomerEvent(const RecordedEvent &event, const CustomerState &before, const CustomerState &after);

// "Partially paid" for PARTIALLY_PAID.
QString statusText(InvoiceStatus status);

} // namespace Billstream
