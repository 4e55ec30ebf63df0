// libFuzzer target: any bytes, parsed as JSON the way `billstream-cli exec` does, through
// decodeCommand() and, for what decodes, the pure decide functions on fixed states. Nothing may
// crash, hang or trip a sanitizer, and every refusal must be a ValidationFailed naming fields.
// Built only with -DBILLSTREAM_FUZZ=ON and clang (see run-fuzz.sh).
#include "core/domain/invoicingservice.h"

#include <QJsonDocument>

#include <cstdint>
#include <cstdlib>

using namespace Billstream;

namespace {

RecordedEvent event(const QString &type, const QJsonObject &payload, qint64 version)
{
    RecordedEvent e;
    e.streamType = QStringLiteral("invoice");
    e.streamId = QStringLiteral("i1");
    e.version = version;
    e.type = type;
    e.payload = payload;
    return e;
}

// A draft with one line and its issued twin, for decide() to judge fuzzed commands against.
const InvoiceState &draftInvoice()
{
    static const InvoiceState state = [] {
        InvoiceState s;
        const QList<RecordedEvent> events{
            event(QStringLiteral("InvoiceCreated"), {}, 1),
            event(QStringLiteral("InvoiceCustomerSet"), {{QStringLiteral("customerId"), QStringLiteral("c1")}}, 2),
            event(QStringLiteral("InvoiceCurrencySet"), {{QStringLiteral("currency"), QStringLiteral("EUR")}}, 3),
            event(QStringLiteral("InvoiceStatusSet"), {{QStringLiteral("status"), QStringLiteral("DRAFT")}}, 4),
            event(QStringLiteral("LineItemAdded"), {{QStringLiteral("lineItemId"), QStringLiteral("l1")},
                                                    {QStringLiteral("description"), QStringLiteral("Work")},
                                                    {QStringLiteral("quantity"), QStringLiteral("2")},
                                                    {QStringLiteral("unitPrice"), QStringLiteral("100.00")},
                                                    {QStringLiteral("taxRate"), QStringLiteral("19")}}, 5)};
        for (const RecordedEvent &e : events)
            s = evolveInvoice(std::move(s), e);
        return s;
    }();
    return state;
}

InvoiceContext context()
{
    InvoiceContext ctx;
    ctx.today = QDate(2026, 11, 27);
    CompanyProfile profile;
    profile.name = QStringLiteral("Lidan Ltd.");
    profile.address = Address{QStringLiteral("Main St 1"), QStringLiteral("10115"), QStringLiteral("Berlin"), QStringLiteral("DE")};
    ctx.tenant.profile = profile;
    CustomerState customer;
    customer.id = QStringLiteral("c1");
    customer.exists = true;
    customer.name = QStringLiteral("Ann");
    customer.email = QStringLiteral("ann@example.com");
    ctx.customer = customer;
    ctx.newId = [] { return QStringLiteral("generated"); };
    return ctx;
}

void check(bool condition)
{
    if (!condition)
        std::abort();
}

void exerciseDecide(const DecodedCommand &command)
{
    if (const auto *c = std::get_if<InvoiceCommand>(&command.command)) {
        const InvoiceContext ctx = context();
        for (const InvoiceState &state : {InvoiceState{}, draftInvoice()}) {
            Result<Decision> d = decideInvoice(state, *c, command.aggregateId, ctx);
            if (d && d->events.size() > 0) {
                // What decide() proposes folds back without trouble.
                InvoiceState next = state;
                qint64 version = 10;
                for (const NewEvent &e : d->events)
                    next = evolveInvoice(std::move(next), event(e.type, e.payload, ++version));
                (void)invoiceStateJson({next, version, {}, {}}, ctx.today);
            }
        }
    } else if (const auto *c = std::get_if<CustomerCommand>(&command.command)) {
        (void)decideCustomer(CustomerState{}, *c, command.aggregateId);
    } else if (const auto *c = std::get_if<TenantCommand>(&command.command)) {
        (void)decideTenant(TenantState{}, *c);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return 0;
    const Result<DecodedCommand> decoded = decodeCommand(doc.object());
    if (!decoded) {
        const Error &e = decoded.error();
        check(e.kind == ErrorKind::ValidationFailed);
        check(!e.violations.isEmpty());
        for (const Violation &v : e.violations)
            check(!v.field.isEmpty() && !v.message.isEmpty());
        (void)e.toLine();
        (void)e.toJson();
        return 0;
    }
    check(!decoded->name.isEmpty() && !decoded->streamType.isEmpty());
    check(commandFingerprint(*decoded).size() == 32);
    exerciseDecide(*decoded);
    return 0;
}
