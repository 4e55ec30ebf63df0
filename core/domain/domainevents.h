#pragma once

#include <QString>

#include <algorithm>

// The wire names of DOMAIN.md: they appear in the event log and in command JSON, so they never
// change once released. Code compares against these constants, never against ad-hoc literals.
namespace Billstream::Wire {

namespace StreamType {
inline const QString Customer = QStringLiteral("customer");
inline const QString Invoice = QStringLiteral("invoice");
inline const QString Tenant = QStringLiteral("tenant");
inline const QString Sequence = QStringLiteral("sequence");
} // namespace StreamType

namespace Event {
// customer
inline const QString CustomerCreated = QStringLiteral("CustomerCreated");
inline const QString CustomerRenamed = QStringLiteral("CustomerRenamed");
inline const QString CustomerEmailChanged = QStringLiteral("CustomerEmailChanged");
inline const QString CustomerAddressChanged = QStringLiteral("CustomerAddressChanged");
inline const QString CustomerTaxIdChanged = QStringLiteral("CustomerTaxIdChanged");
inline const QString CustomerArchived = QStringLiteral("CustomerArchived");
// invoice
inline const QString InvoiceCreated = QStringLiteral("InvoiceCreated");
inline const QString InvoiceCustomerSet = QStringLiteral("InvoiceCustomerSet");
inline const QString InvoiceCurrencySet = QStringLiteral("InvoiceCurrencySet");
inline const QString InvoiceStatusSet = QStringLiteral("InvoiceStatusSet");
inline const QString InvoiceDueDateSet = QStringLiteral("InvoiceDueDateSet");
inline const QString InvoiceNotesSet = QStringLiteral("InvoiceNotesSet");
inline const QString LineItemAdded = QStringLiteral("LineItemAdded");
inline const QString LineItemUpdated = QStringLiteral("LineItemUpdated");
inline const QString LineItemRemoved = QStringLiteral("LineItemRemoved");
inline const QString InvoiceNumberAssigned = QStringLiteral("InvoiceNumberAssigned");
inline const QString InvoicePartiesRecorded = QStringLiteral("InvoicePartiesRecorded");
inline const QString InvoiceSendRequested = QStringLiteral("InvoiceSendRequested");
inline const QString InvoiceSent = QStringLiteral("InvoiceSent");
inline const QString InvoiceSendFailed = QStringLiteral("InvoiceSendFailed");
inline const QString PaymentRecorded = QStringLiteral("PaymentRecorded");
// tenant
inline const QString CompanyProfileSet = QStringLiteral("CompanyProfileSet");
inline const QString NumberingPatternSet = QStringLiteral("NumberingPatternSet");
inline const QString InvoiceDefaultsSet = QStringLiteral("InvoiceDefaultsSet");
inline const QString MailSettingsSet = QStringLiteral("MailSettingsSet");
// sequence
inline const QString InvoiceNumberReserved = QStringLiteral("InvoiceNumberReserved");

// The stream type a known event type is appended to; empty for a type this version does not know.
inline QString streamTypeOf(const QString &type)
{
    static const QString *const customer[] = {&CustomerCreated, &CustomerRenamed, &CustomerEmailChanged,
                                              &CustomerAddressChanged, &CustomerTaxIdChanged, &CustomerArchived};
    static const QString *const invoice[] = {
        &InvoiceCreated, &InvoiceCustomerSet, &InvoiceCurrencySet, &InvoiceStatusSet, &InvoiceDueDateSet,
        &InvoiceNotesSet, &LineItemAdded, &LineItemUpdated, &LineItemRemoved, &InvoiceNumberAssigned,
        &InvoicePartiesRecorded, &InvoiceSendRequested, &InvoiceSent, &InvoiceSendFailed, &PaymentRecorded};
    static const QString *const tenant[] = {&CompanyProfileSet, &NumberingPatternSet, &InvoiceDefaultsSet,
                                            &MailSettingsSet};
    const auto in = [&type](const auto &names) {
        return std::any_of(std::begin(names), std::end(names), [&type](const QString *n) { return *n == type; });
    };
    if (in(invoice))
        return StreamType::Invoice;
    if (in(customer))
        return StreamType::Customer;
    if (in(tenant))
        return StreamType::Tenant;
    if (type == InvoiceNumberReserved)
        return StreamType::Sequence;
    return {};
}

// Whether this version of the program knows the event type.
inline bool isKnown(const QString &type)
{
    return !streamTypeOf(type).isEmpty();
}
} // namespace Event

namespace Command {
inline const QString CreateCustomer = QStringLiteral("CreateCustomer");
inline const QString RenameCustomer = QStringLiteral("RenameCustomer");
inline const QString ChangeCustomerEmail = QStringLiteral("ChangeCustomerEmail");
inline const QString ChangeCustomerAddress = QStringLiteral("ChangeCustomerAddress");
inline const QString ChangeCustomerTaxId = QStringLiteral("ChangeCustomerTaxId");
inline const QString ArchiveCustomer = QStringLiteral("ArchiveCustomer");
inline const QString CreateInvoice = QStringLiteral("CreateInvoice");
inline const QString SetInvoiceCustomer = QStringLiteral("SetInvoiceCustomer");
inline const QString SetInvoiceCurrency = QStringLiteral("SetInvoiceCurrency");
inline const QString SetInvoiceDueDate = QStringLiteral("SetInvoiceDueDate");
inline const QString SetInvoiceNotes = QStringLiteral("SetInvoiceNotes");
inline const QString AddLineItem = QStringLiteral("AddLineItem");
inline const QString UpdateLineItem = QStringLiteral("UpdateLineItem");
inline const QString RemoveLineItem = QStringLiteral("RemoveLineItem");
inline const QString IssueInvoice = QStringLiteral("IssueInvoice");
inline const QString SendInvoiceToCustomer = QStringLiteral("SendInvoiceToCustomer");
inline const QString RecordPayment = QStringLiteral("RecordPayment");
inline const QString VoidInvoice = QStringLiteral("VoidInvoice");
inline const QString DeleteInvoice = QStringLiteral("DeleteInvoice");
inline const QString SetCompanyProfile = QStringLiteral("SetCompanyProfile");
inline const QString SetNumberingPattern = QStringLiteral("SetNumberingPattern");
inline const QString SetInvoiceDefaults = QStringLiteral("SetInvoiceDefaults");
inline const QString SetMailSettings = QStringLiteral("SetMailSettings");
} // namespace Command

// InvoiceStatusSet{status}; OVERDUE is never stored (it is derived, see isOverdue()).
namespace Status {
inline const QString Draft = QStringLiteral("DRAFT");
inline const QString Issued = QStringLiteral("ISSUED");
inline const QString Sent = QStringLiteral("SENT");
inline const QString PartiallyPaid = QStringLiteral("PARTIALLY_PAID");
inline const QString Paid = QStringLiteral("PAID");
inline const QString Void = QStringLiteral("VOID");
inline const QString Deleted = QStringLiteral("DELETED");
} // namespace Status

// Kinds of the store's unique claims (per tenant).
namespace Claim {
inline const QString CustomerEmail = QStringLiteral("customer-email");
inline const QString InvoiceNumber = QStringLiteral("invoice-number");
} // namespace Claim

} // namespace Billstream::Wire
