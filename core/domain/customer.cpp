#include "core/domain/customer.h"

#include "core/domain/domainevents.h"

namespace Billstream {

namespace {

const QString kCustomerId = QStringLiteral("customerId");
const QString kName = QStringLiteral("name");
const QString kEmail = QStringLiteral("email");
const QString kAddress = QStringLiteral("address");
const QString kTaxId = QStringLiteral("taxId");

UniqueClaim emailClaim(const QString &email, const QString &customerId)
{
    return UniqueClaim{Wire::Claim::CustomerEmail, emailClaimValue(email), customerId};
}

} // namespace

QString emailClaimValue(const QString &email)
{
    return email.trimmed().toLower();
}

CustomerState evolveCustomer(CustomerState s, const RecordedEvent &e)
{
    using namespace Wire::Event;
    const QJsonObject &p = e.payload;
    if (e.type == CustomerCreated) {
        s.id = e.streamId;
        s.exists = true;
    } else if (e.type == CustomerRenamed) {
        s.name = p.value(kName).toString();
    } else if (e.type == CustomerEmailChanged) {
        s.email = p.value(kEmail).toString();
    } else if (e.type == CustomerAddressChanged) {
        s.address = Address::fromJson(p.value(kAddress).toObject());
    } else if (e.type == CustomerTaxIdChanged) {
        s.taxId = p.value(kTaxId).toString();
    } else if (e.type == CustomerArchived) {
        s.archived = true;
    }
    return s;
}

Result<Decision> decideCustomer(const CustomerState &s, const CustomerCommand &command, const QString &customerId)
{
    using namespace Wire::Event;
    Decision d;
    if (const auto *c = std::get_if<CreateCustomer>(&command)) {
        if (s.exists)
            return fail(Error::invalidField(QStringLiteral("aggregateId"),
                                            QStringLiteral("customer %1 already exists").arg(customerId)));
        d.events = {makeEvent(CustomerCreated, {{kCustomerId, customerId}}),
                    makeEvent(CustomerRenamed, {{kName, c->name}}),
                    makeEvent(CustomerEmailChanged, {{kEmail, c->email}}),
                    makeEvent(CustomerAddressChanged, {{kAddress, c->address.toJson()}})};
        if (c->taxId)
            d.events << makeEvent(CustomerTaxIdChanged, {{kTaxId, *c->taxId}});
        d.claims << emailClaim(c->email, customerId);
        return d;
    }

    if (!s.exists)
        return fail(Error::notFound(QStringLiteral("no customer with id '%1'").arg(customerId)));
    if (s.archived)
        return fail(refusal(QStringLiteral("customer %1 is archived").arg(customerId)));

    std::visit(
        [&](const auto &cmd) {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, RenameCustomer>) {
                d.events << makeEvent(CustomerRenamed, {{kName, cmd.name}});
            } else if constexpr (std::is_same_v<T, ChangeCustomerEmail>) {
                d.events << makeEvent(CustomerEmailChanged, {{kEmail, cmd.email}});
                // A change of case only keeps the claim; another address moves it.
                if (emailClaimValue(cmd.email) != emailClaimValue(s.email)) {
                    d.releases << emailClaim(s.email, customerId);
                    d.claims << emailClaim(cmd.email, customerId);
                }
            } else if constexpr (std::is_same_v<T, ChangeCustomerAddress>) {
                d.events << makeEvent(CustomerAddressChanged, {{kAddress, cmd.address.toJson()}});
            } else if constexpr (std::is_same_v<T, ChangeCustomerTaxId>) {
                d.events << makeEvent(CustomerTaxIdChanged, {{kTaxId, cmd.taxId}});
            } else if constexpr (std::is_same_v<T, ArchiveCustomer>) {
                d.events << makeEvent(CustomerArchived);
                d.releases << emailClaim(s.email, customerId);
            }
        },
        command);
    return d;
}

bool customerConflicts(const CustomerCommand &command, const RecordedEvent &e)
{
    using namespace Wire::Event;
    if (e.type == CustomerArchived)
        return true;
    return std::visit(
        [&](const auto &cmd) {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, RenameCustomer>)
                return e.type == CustomerRenamed;
            else if constexpr (std::is_same_v<T, ChangeCustomerEmail>)
                return e.type == CustomerEmailChanged;
            else if constexpr (std::is_same_v<T, ChangeCustomerAddress>)
                return e.type == CustomerAddressChanged;
            else if constexpr (std::is_same_v<T, ChangeCustomerTaxId>)
                return e.type == CustomerTaxIdChanged;
            else if constexpr (std::is_same_v<T, CreateCustomer>)
                return true;   // anything on the id means it exists already
            else
                return false;  // ArchiveCustomer sets no field others set
        },
        command);
}

QJsonObject customerStateJson(const Loaded<CustomerState> &loaded)
{
    const CustomerState &s = loaded.state;
    return QJsonObject{
        {QStringLiteral("id"), s.id},
        {QStringLiteral("version"), loaded.version},
        {kName, s.name},
        {kEmail, s.email},
        {kAddress, s.address.toJson()},
        {kTaxId, s.taxId},
        {QStringLiteral("archived"), s.archived},
        {QStringLiteral("createdAt"), formatTimestamp(loaded.createdAt)},
        {QStringLiteral("updatedAt"), formatTimestamp(loaded.updatedAt)},
    };
}

AggregateType<CustomerState> customerAggregateType()
{
    AggregateType<CustomerState> type;
    type.streamType = Wire::StreamType::Customer;
    type.evolve = evolveCustomer;
    return type;
}

} // namespace Billstream
