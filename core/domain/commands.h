#pragma once

#include "core/domain/currency.h"
#include "core/domain/decimal.h"

#include <QDate>
#include <QJsonObject>
#include <QString>

#include <optional>
#include <variant>

namespace Billstream {

// The typed commands of DOMAIN.md, as decodeCommand() leaves them after input validation: every
// value here is already well-formed (level 1); decide() judges them against state (level 2).

struct Address
{
    QString street;
    QString postalCode;
    QString city;
    QString country;     // ISO 3166-1 alpha-2 (EN 16931 BT-40/BT-55)

    QJsonObject toJson() const;
    static Address fromJson(const QJsonObject &o);   // tolerant: missing keys read as ""
    friend bool operator==(const Address &, const Address &) = default;
};

// --- customer ---------------------------------------------------------------------------------
struct CreateCustomer
{
    QString name;
    QString email;
    Address address;
    std::optional<QString> taxId;
};
struct RenameCustomer { QString name; };
struct ChangeCustomerEmail { QString email; };
struct ChangeCustomerAddress { Address address; };
struct ChangeCustomerTaxId { QString taxId; };       // "" removes it
struct ArchiveCustomer {};

using CustomerCommand = std::variant<CreateCustomer, RenameCustomer, ChangeCustomerEmail, ChangeCustomerAddress,
                                     ChangeCustomerTaxId, ArchiveCustomer>;

// --- invoice ----------------------------------------------------------------------------------
struct LineItemInput
{
    QString lineItemId;                  // "" → generated
    QString description;
    Decimal quantity;
    Decimal unitPrice;
    std::optional<Decimal> taxRate;      // none → the tenant's default tax rate
    Decimal discountPercent;
};

struct CreateInvoice
{
    QString customerId;
    std::optional<QString> currency;     // none → the tenant's default currency
    std::optional<QDate> dueDate;
    QString notes;
    QList<LineItemInput> lineItems;
};
struct SetInvoiceCustomer { QString customerId; };
struct SetInvoiceCurrency { QString currency; };
struct SetInvoiceDueDate { QDate dueDate; };
struct SetInvoiceNotes { QString notes; };
struct AddLineItem { LineItemInput item; };
struct UpdateLineItem
{
    QString lineItemId;
    std::optional<QString> description;
    std::optional<Decimal> quantity;
    std::optional<Decimal> unitPrice;
    std::optional<Decimal> taxRate;
    std::optional<Decimal> discountPercent;
};
struct RemoveLineItem { QString lineItemId; };
struct IssueInvoice { std::optional<QDate> issueDate; };
struct SendInvoiceToCustomer
{
    std::optional<QString> subject;
    std::optional<QString> message;
    std::optional<QString> to;
};
struct RecordPayment
{
    QString paymentId;                   // "" → generated
    Decimal amount;
    QDate date;
    QString method;
};
struct VoidInvoice { QString reason; };
struct DeleteInvoice {};

using InvoiceCommand = std::variant<CreateInvoice, SetInvoiceCustomer, SetInvoiceCurrency, SetInvoiceDueDate,
                                    SetInvoiceNotes, AddLineItem, UpdateLineItem, RemoveLineItem, IssueInvoice,
                                    SendInvoiceToCustomer, RecordPayment, VoidInvoice, DeleteInvoice>;

// --- tenant -----------------------------------------------------------------------------------
struct CompanyProfile
{
    QString name;
    Address address;
    QString taxId;
    QString email;
    QString phone;
    QString iban;
    QString bic;
    QString logo;                        // base64 of a PNG or SVG, "" for none
    QString logoMimeType;                // "image/png" or "image/svg+xml"

    QJsonObject toJson() const;
    static CompanyProfile fromJson(const QJsonObject &o);
    friend bool operator==(const CompanyProfile &, const CompanyProfile &) = default;
};

struct SetCompanyProfile { CompanyProfile profile; };
struct SetNumberingPattern { QString pattern; };
struct SetInvoiceDefaults
{
    std::optional<QString> currency;
    std::optional<Decimal> taxRate;
    std::optional<int> paymentTermsDays;
    std::optional<QString> locale;
};
struct SetMailSettings
{
    QString smtpUrl;
    QString fromAddress;
    QString fromName;
};

using TenantCommand = std::variant<SetCompanyProfile, SetNumberingPattern, SetInvoiceDefaults, SetMailSettings>;

using Command = std::variant<CustomerCommand, InvoiceCommand, TenantCommand>;

// Input limits beyond those of totals.h (docs/domain.md).
namespace Limits {
constexpr int MaxLineItems = 1000;
constexpr int MaxLogoBytes = 1024 * 1024;
constexpr int MaxPaymentTermsDays = 3650;
constexpr int MaxNotes = 10000;
constexpr int MaxMessage = 20000;
} // namespace Limits

} // namespace Billstream
