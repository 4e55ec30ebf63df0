#include "core/domain/commands.h"

#include "core/domain/domainevents.h"
#include "core/domain/invoicingservice.h"
#include "core/domain/jsonreader.h"
#include "core/domain/money.h"
#include "core/domain/numbering.h"
#include "core/domain/totals.h"

#include <QLocale>
#include <QRegularExpression>
#include <QUrl>

#include <functional>

namespace Billstream {

namespace {

const QString kStreet = QStringLiteral("street");
const QString kPostalCode = QStringLiteral("postalCode");
const QString kCity = QStringLiteral("city");
const QString kCountry = QStringLiteral("country");

constexpr TextRule NameRule{Presence::Required, 200, false, false};
constexpr TextRule OptionalShortRule{Presence::Optional, 50, true, false};

// --- field readers shared by several commands ----------------------------------------------------

std::optional<Address> readAddress(JsonReader &r, const QString &key, Presence presence)
{
    Address a;
    bool complete = true;
    const bool ok = r.object(key, presence, [&](JsonReader &o) {
        const auto street = o.text(kStreet, {Presence::Required, 200, false, false});
        // Some countries have no postal codes: the key is required, the value may be empty.
        const auto postalCode = o.text(kPostalCode, {Presence::Required, 20, true, false});
        const auto city = o.text(kCity, {Presence::Required, 100, false, false});
        const auto country = o.text(kCountry, {Presence::Required, 2, false, false});
        static const QRegularExpression alpha2(QStringLiteral("^[A-Z]{2}$"));
        if (country && !alpha2.match(*country).hasMatch()) {
            o.addViolation(o.pathOf(kCountry), QStringLiteral("must be an ISO 3166-1 alpha-2 code such as DE or US"));
            complete = false;
        }
        complete = complete && street && postalCode && city && country;
        if (complete)
            a = Address{*street, *postalCode, *city, *country};
    });
    if (!ok || !complete)
        return std::nullopt;
    return a;
}

// A currency for new input: listed in ISO 4217 and still active.
std::optional<QString> readCurrency(JsonReader &r, const QString &key, Presence presence)
{
    const auto code = r.text(key, {presence, 3, false, false});
    if (!code)
        return std::nullopt;
    const Result<Currency> currency = Currency::parse(*code, r.pathOf(key));
    if (!currency) {
        for (const Violation &v : violationsOf(currency.error(), r.pathOf(key)))
            r.addViolation(v.field, v.message);
        return std::nullopt;
    }
    if (!currency->isActive()) {
        r.addViolation(r.pathOf(key), QStringLiteral("%1 has been withdrawn from ISO 4217").arg(*code));
        return std::nullopt;
    }
    return currency->code();
}

std::optional<LineItemInput> readLineItem(JsonReader &r)
{
    const auto id = r.identifier(QStringLiteral("lineItemId"), Presence::Optional);
    const auto description = r.text(QStringLiteral("description"), {Presence::Required, 2000, false, true});
    const auto quantity = r.decimal(QStringLiteral("quantity"), Presence::Required, parseQuantity);
    const auto unitPrice = r.decimal(QStringLiteral("unitPrice"), Presence::Required, parseUnitPrice);
    const auto taxRate = r.decimal(QStringLiteral("taxRate"), Presence::Optional, parseTaxRate);
    const bool discountGiven = r.has(QStringLiteral("discountPercent"));
    const auto discount = r.decimal(QStringLiteral("discountPercent"), Presence::Optional, parseDiscountPercent);
    if (!description || !quantity || !unitPrice || (discountGiven && !discount))
        return std::nullopt;
    return LineItemInput{id.value_or(QString()), *description, *quantity, *unitPrice, taxRate,
                         discount.value_or(Decimal())};
}

// --- per-command payload decoders ----------------------------------------------------------------

using Decoder = std::function<std::optional<Command>(JsonReader &)>;

std::optional<Command> decodeCreateCustomer(JsonReader &r)
{
    const auto name = r.text(QStringLiteral("name"), NameRule);
    const auto email = r.email(QStringLiteral("email"), Presence::Required);
    const auto address = readAddress(r, QStringLiteral("address"), Presence::Required);
    const bool taxGiven = r.has(QStringLiteral("taxId"));
    const auto taxId = r.text(QStringLiteral("taxId"), OptionalShortRule);
    if (!name || !email || !address || (taxGiven && !taxId))
        return std::nullopt;
    std::optional<QString> tax;
    if (taxId && !taxId->isEmpty())
        tax = *taxId;
    return CustomerCommand(CreateCustomer{*name, *email, *address, tax});
}

std::optional<Command> decodeRenameCustomer(JsonReader &r)
{
    const auto name = r.text(QStringLiteral("name"), NameRule);
    if (!name)
        return std::nullopt;
    return CustomerCommand(RenameCustomer{*name});
}

std::optional<Command> decodeChangeCustomerEmail(JsonReader &r)
{
    const auto email = r.email(QStringLiteral("email"), Presence::Required);
    if (!email)
        return std::nullopt;
    return CustomerCommand(ChangeCustomerEmail{*email});
}

std::optional<Command> decodeChangeCustomerAddress(JsonReader &r)
{
    const auto address = readAddress(r, QStringLiteral("address"), Presence::Required);
    if (!address)
        return std::nullopt;
    return CustomerCommand(ChangeCustomerAddress{*address});
}

std::optional<Command> decodeChangeCustomerTaxId(JsonReader &r)
{
    const auto taxId = r.text(QStringLiteral("taxId"), {Presence::Required, 50, true, false});
    if (!taxId)
        return std::nullopt;
    return CustomerCommand(ChangeCustomerTaxId{*taxId});
}

std::optional<Command> decodeArchiveCustomer(JsonReader &)
{
    return CustomerCommand(ArchiveCustomer{});
}

std::optional<Command> decodeCreateInvoice(JsonReader &r)
{
    const auto customerId = r.identifier(QStringLiteral("customerId"), Presence::Required);
    const bool currencyGiven = r.has(QStringLiteral("currency"));
    const auto currency = readCurrency(r, QStringLiteral("currency"), Presence::Optional);
    const bool dueGiven = r.has(QStringLiteral("dueDate"));
    const auto dueDate = r.date(QStringLiteral("dueDate"), Presence::Optional);
    const bool notesGiven = r.has(QStringLiteral("notes"));
    const auto notes = r.text(QStringLiteral("notes"), {Presence::Optional, Limits::MaxNotes, true, true});
    QList<LineItemInput> items;
    bool itemsOk = true;
    QSet<QString> ids;
    r.objectArray(QStringLiteral("lineItems"), Presence::Optional, Limits::MaxLineItems, [&](JsonReader &item, int) {
        const auto line = readLineItem(item);
        if (!line) {
            itemsOk = false;
            return;
        }
        if (!line->lineItemId.isEmpty() && ids.contains(line->lineItemId)) {
            item.addViolation(item.pathOf(QStringLiteral("lineItemId")),
                              QStringLiteral("repeats the id of an earlier line item"));
            itemsOk = false;
            return;
        }
        ids.insert(line->lineItemId);
        items.append(*line);
    });
    if (!customerId || (currencyGiven && !currency) || (dueGiven && !dueDate) || (notesGiven && !notes) || !itemsOk)
        return std::nullopt;
    return InvoiceCommand(CreateInvoice{*customerId, currency, dueDate, notes.value_or(QString()), items});
}

std::optional<Command> decodeSetInvoiceCustomer(JsonReader &r)
{
    const auto customerId = r.identifier(QStringLiteral("customerId"), Presence::Required);
    if (!customerId)
        return std::nullopt;
    return InvoiceCommand(SetInvoiceCustomer{*customerId});
}

std::optional<Command> decodeSetInvoiceCurrency(JsonReader &r)
{
    const auto currency = readCurrency(r, QStringLiteral("currency"), Presence::Required);
    if (!currency)
        return std::nullopt;
    return InvoiceCommand(SetInvoiceCurrency{*currency});
}

std::optional<Command> decodeSetInvoiceDueDate(JsonReader &r)
{
    const auto dueDate = r.date(QStringLiteral("dueDate"), Presence::Required);
    if (!dueDate)
        return std::nullopt;
    return InvoiceCommand(SetInvoiceDueDate{*dueDate});
}

std::optional<Command> decodeSetInvoiceNotes(JsonReader &r)
{
    const auto notes = r.text(QStringLiteral("notes"), {Presence::Required, Limits::MaxNotes, true, true});
    if (!notes)
        return std::nullopt;
    return InvoiceCommand(SetInvoiceNotes{*notes});
}

std::optional<Command> decodeAddLineItem(JsonReader &r)
{
    const auto line = readLineItem(r);
    if (!line)
        return std::nullopt;
    return InvoiceCommand(AddLineItem{*line});
}

std::optional<Command> decodeUpdateLineItem(JsonReader &r)
{
    UpdateLineItem u;
    const auto id = r.identifier(QStringLiteral("lineItemId"), Presence::Required);
    bool ok = true;
    int changed = 0;
    const auto optionalField = [&](const QString &key, auto read, auto &target) {
        if (!r.has(key))
            return;
        ++changed;
        target = read(key);
        ok = ok && target.has_value();
    };
    optionalField(QStringLiteral("description"), [&](const QString &k) {
        return r.text(k, {Presence::Required, 2000, false, true});
    }, u.description);
    optionalField(QStringLiteral("quantity"), [&](const QString &k) {
        return r.decimal(k, Presence::Required, parseQuantity);
    }, u.quantity);
    optionalField(QStringLiteral("unitPrice"), [&](const QString &k) {
        return r.decimal(k, Presence::Required, parseUnitPrice);
    }, u.unitPrice);
    optionalField(QStringLiteral("taxRate"), [&](const QString &k) {
        return r.decimal(k, Presence::Required, parseTaxRate);
    }, u.taxRate);
    optionalField(QStringLiteral("discountPercent"), [&](const QString &k) {
        return r.decimal(k, Presence::Required, parseDiscountPercent);
    }, u.discountPercent);
    if (changed == 0) {
        r.addViolation(r.path(),
                       QStringLiteral("names no field to change (description, quantity, unitPrice, taxRate, discountPercent)"));
        ok = false;
    }
    if (!id || !ok)
        return std::nullopt;
    u.lineItemId = *id;
    return InvoiceCommand(u);
}

std::optional<Command> decodeRemoveLineItem(JsonReader &r)
{
    const auto id = r.identifier(QStringLiteral("lineItemId"), Presence::Required);
    if (!id)
        return std::nullopt;
    return InvoiceCommand(RemoveLineItem{*id});
}

std::optional<Command> decodeIssueInvoice(JsonReader &r)
{
    const bool given = r.has(QStringLiteral("issueDate"));
    const auto issueDate = r.date(QStringLiteral("issueDate"), Presence::Optional);
    if (given && !issueDate)
        return std::nullopt;
    return InvoiceCommand(IssueInvoice{issueDate});
}

std::optional<Command> decodeSendInvoiceToCustomer(JsonReader &r)
{
    SendInvoiceToCustomer s;
    bool ok = true;
    // The subject becomes a mail header: one line, so nothing can be injected into the headers.
    if (r.has(QStringLiteral("subject"))) {
        s.subject = r.text(QStringLiteral("subject"), {Presence::Required, 200, false, false});
        ok = ok && s.subject.has_value();
    }
    if (r.has(QStringLiteral("message"))) {
        s.message = r.text(QStringLiteral("message"), {Presence::Required, Limits::MaxMessage, false, true});
        ok = ok && s.message.has_value();
    }
    if (r.has(QStringLiteral("to"))) {
        s.to = r.email(QStringLiteral("to"), Presence::Required);
        ok = ok && s.to.has_value();
    }
    if (!ok)
        return std::nullopt;
    return InvoiceCommand(s);
}

// Amounts are judged against the invoice's currency in decide(); here only the shape and sign,
// with the largest minor unit ISO 4217 knows (4 digits).
Result<Decimal> parseAmountShape(QStringView text, const QString &field)
{
    return Decimal::parse(text, field, 4, Money::maxParsedAmount(), SignRule::Positive);
}

std::optional<Command> decodeRecordPayment(JsonReader &r)
{
    const auto id = r.identifier(QStringLiteral("paymentId"), Presence::Optional);
    const auto amount = r.decimal(QStringLiteral("amount"), Presence::Required, parseAmountShape);
    const auto date = r.date(QStringLiteral("date"), Presence::Required);
    const bool methodGiven = r.has(QStringLiteral("method"));
    const auto method = r.text(QStringLiteral("method"), {Presence::Optional, 100, true, false});
    if (!amount || !date || (methodGiven && !method))
        return std::nullopt;
    return InvoiceCommand(RecordPayment{id.value_or(QString()), *amount, *date, method.value_or(QString())});
}

std::optional<Command> decodeVoidInvoice(JsonReader &r)
{
    const auto reason = r.text(QStringLiteral("reason"), {Presence::Required, 1000, false, true});
    if (!reason)
        return std::nullopt;
    return InvoiceCommand(VoidInvoice{*reason});
}

std::optional<Command> decodeDeleteInvoice(JsonReader &)
{
    return InvoiceCommand(DeleteInvoice{});
}

// ISO 13616: country, check digits, BBAN; the check is mod 97 of the rearranged digits.
bool isValidIban(const QString &iban)
{
    static const QRegularExpression re(QStringLiteral("^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$"));
    if (!re.match(iban).hasMatch())
        return false;
    const QString rearranged = iban.mid(4) + iban.left(4);
    int remainder = 0;
    for (const QChar c : rearranged) {
        const int value = c.isDigit() ? c.digitValue() : c.unicode() - u'A' + 10;
        remainder = (value >= 10 ? remainder * 100 : remainder * 10) + value;
        remainder %= 97;
    }
    return remainder == 1;
}

std::optional<Command> decodeSetCompanyProfile(JsonReader &r)
{
    CompanyProfile p;
    bool ok = true;
    const auto name = r.text(QStringLiteral("name"), NameRule);
    const auto address = readAddress(r, QStringLiteral("address"), Presence::Required);
    ok = name && address;
    const auto optionalText = [&](const QString &key, int maxLength, QString &target) {
        if (!r.has(key))
            return;
        const auto value = r.text(key, {Presence::Optional, maxLength, true, false});
        ok = ok && value.has_value();
        target = value.value_or(QString());
    };
    optionalText(QStringLiteral("taxId"), 50, p.taxId);
    optionalText(QStringLiteral("phone"), 50, p.phone);
    if (r.has(QStringLiteral("email"))) {
        const auto email = r.email(QStringLiteral("email"), Presence::Optional);
        ok = ok && email.has_value();
        p.email = email.value_or(QString());
    }
    if (r.has(QStringLiteral("iban"))) {
        const auto iban = r.text(QStringLiteral("iban"), {Presence::Optional, 50, true, false});
        // Stored compact and upper-case; documents group it in fours for print.
        p.iban = iban.value_or(QString()).remove(QLatin1Char(' ')).toUpper();
        if (!iban)
            ok = false;
        else if (!p.iban.isEmpty() && !isValidIban(p.iban)) {
            r.addViolation(r.pathOf(QStringLiteral("iban")), QStringLiteral("is not a valid IBAN (check digits or format)"));
            ok = false;
        }
    }
    if (r.has(QStringLiteral("bic"))) {
        const auto bic = r.text(QStringLiteral("bic"), {Presence::Optional, 11, true, false});
        static const QRegularExpression re(QStringLiteral("^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$"));
        p.bic = bic.value_or(QString()).toUpper();
        if (!bic)
            ok = false;
        else if (!p.bic.isEmpty() && !re.match(p.bic).hasMatch()) {
            r.addViolation(r.pathOf(QStringLiteral("bic")), QStringLiteral("must be a BIC of 8 or 11 characters"));
            ok = false;
        }
    }
    if (r.has(QStringLiteral("logo"))) {
        const QString field = r.pathOf(QStringLiteral("logo"));
        const auto logo = r.text(QStringLiteral("logo"), {Presence::Optional, (Limits::MaxLogoBytes / 3 + 1) * 4, true, false});
        if (!logo) {
            ok = false;
        } else if (!logo->isEmpty()) {
            const QByteArray::FromBase64Result result = QByteArray::fromBase64Encoding(
                logo->toLatin1(), QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
            const QByteArray *decoded = &result.decoded;
            if (!result || decoded->isEmpty()) {
                r.addViolation(field, QStringLiteral("must be base64 (RFC 4648) of a PNG or SVG image"));
                ok = false;
            } else if (decoded->size() > Limits::MaxLogoBytes) {
                r.addViolation(field, QStringLiteral("is larger than 1 MiB"));
                ok = false;
            } else if (decoded->startsWith("\x89PNG\r\n\x1a\n")) {
                p.logo = *logo;
                p.logoMimeType = QStringLiteral("image/png");
            } else if (decoded->left(4096).contains("<svg")) {
                p.logo = *logo;
                p.logoMimeType = QStringLiteral("image/svg+xml");
            } else {
                r.addViolation(field, QStringLiteral("must be a PNG or SVG image"));
                ok = false;
            }
        }
    }
    if (!ok)
        return std::nullopt;
    p.name = *name;
    p.address = *address;
    return TenantCommand(SetCompanyProfile{p});
}

std::optional<Command> decodeSetNumberingPattern(JsonReader &r)
{
    const auto text = r.text(QStringLiteral("pattern"), {Presence::Required, 1000, false, false});
    if (!text)
        return std::nullopt;
    const Result<NumberingPattern> pattern = NumberingPattern::parse(*text, r.pathOf(QStringLiteral("pattern")));
    if (!pattern) {
        for (const Violation &violation : pattern.error().violations)
            r.addViolation(violation.field, violation.message);
        return std::nullopt;
    }
    return TenantCommand(SetNumberingPattern{pattern->text()});
}

std::optional<Command> decodeSetInvoiceDefaults(JsonReader &r)
{
    SetInvoiceDefaults d;
    bool ok = true;
    int given = 0;
    if (r.has(QStringLiteral("currency"))) {
        ++given;
        d.currency = readCurrency(r, QStringLiteral("currency"), Presence::Required);
        ok = ok && d.currency.has_value();
    }
    if (r.has(QStringLiteral("taxRate"))) {
        ++given;
        d.taxRate = r.decimal(QStringLiteral("taxRate"), Presence::Required, parseTaxRate);
        ok = ok && d.taxRate.has_value();
    }
    if (r.has(QStringLiteral("paymentTermsDays"))) {
        ++given;
        const auto days = r.integer(QStringLiteral("paymentTermsDays"), Presence::Required, 0, Limits::MaxPaymentTermsDays);
        if (days)
            d.paymentTermsDays = int(*days);
        ok = ok && days.has_value();
    }
    if (r.has(QStringLiteral("locale"))) {
        ++given;
        const auto locale = r.text(QStringLiteral("locale"), {Presence::Required, 10, false, false});
        static const QRegularExpression re(QStringLiteral("^[a-z]{2,3}(_[A-Z]{2})?$"));
        if (locale && (!re.match(*locale).hasMatch() || QLocale(*locale).language() == QLocale::C)) {
            r.addViolation(r.pathOf(QStringLiteral("locale")), QStringLiteral("must be a locale name such as en_US or de_DE"));
            ok = false;
        } else {
            d.locale = locale;
            ok = ok && locale.has_value();
        }
    }
    if (given == 0) {
        r.addViolation(r.path(),
                       QStringLiteral("names no default to set (currency, taxRate, paymentTermsDays, locale)"));
        ok = false;
    }
    if (!ok)
        return std::nullopt;
    return TenantCommand(d);
}

std::optional<Command> decodeSetMailSettings(JsonReader &r)
{
    // Passwords live in the system keychain or $BILLSTREAM_SMTP_PASSWORD, never in the log.
    if (r.has(QStringLiteral("password")))
        r.addViolation(r.pathOf(QStringLiteral("password")),
                       QStringLiteral("is never stored in the event log; keep it in the system keychain or "
                                      "$BILLSTREAM_SMTP_PASSWORD"));
    const auto url = r.text(QStringLiteral("smtpUrl"), {Presence::Required, 500, false, false});
    bool ok = url.has_value();
    if (url) {
        const QUrl parsed(*url, QUrl::StrictMode);
        const QString field = r.pathOf(QStringLiteral("smtpUrl"));
        if (!parsed.isValid() || (parsed.scheme() != QLatin1String("smtp") && parsed.scheme() != QLatin1String("smtps"))
            || parsed.host().isEmpty()) {
            r.addViolation(field, QStringLiteral("must be smtp://[user@]host[:port] or smtps://[user@]host[:port]"));
            ok = false;
        } else if (!parsed.password().isEmpty()) {
            r.addViolation(field, QStringLiteral("must not contain a password; keep it in the system keychain or "
                                                 "$BILLSTREAM_SMTP_PASSWORD"));
            ok = false;
        } else if (!parsed.path().isEmpty() && parsed.path() != QLatin1String("/")) {
            r.addViolation(field, QStringLiteral("must not have a path"));
            ok = false;
        } else if (parsed.hasQuery() || parsed.hasFragment()) {
            r.addViolation(field, QStringLiteral("must not have a query or fragment"));
            ok = false;
        }
    }
    const auto from = r.email(QStringLiteral("fromAddress"), Presence::Required);
    const bool nameGiven = r.has(QStringLiteral("fromName"));
    const auto fromName = r.text(QStringLiteral("fromName"), {Presence::Optional, 200, true, false});
    if (!ok || !from || (nameGiven && !fromName) || r.has(QStringLiteral("password")))
        return std::nullopt;
    return TenantCommand(SetMailSettings{*url, *from, fromName.value_or(QString())});
}

struct CommandSpec
{
    QString streamType;
    bool isCreation = false;
    Decoder decode;
};

const QHash<QString, CommandSpec> &commandSpecs()
{
    static const QHash<QString, CommandSpec> specs{
        {Wire::Command::CreateCustomer, {Wire::StreamType::Customer, true, decodeCreateCustomer}},
        {Wire::Command::RenameCustomer, {Wire::StreamType::Customer, false, decodeRenameCustomer}},
        {Wire::Command::ChangeCustomerEmail, {Wire::StreamType::Customer, false, decodeChangeCustomerEmail}},
        {Wire::Command::ChangeCustomerAddress, {Wire::StreamType::Customer, false, decodeChangeCustomerAddress}},
        {Wire::Command::ChangeCustomerTaxId, {Wire::StreamType::Customer, false, decodeChangeCustomerTaxId}},
        {Wire::Command::ArchiveCustomer, {Wire::StreamType::Customer, false, decodeArchiveCustomer}},
        {Wire::Command::CreateInvoice, {Wire::StreamType::Invoice, true, decodeCreateInvoice}},
        {Wire::Command::SetInvoiceCustomer, {Wire::StreamType::Invoice, false, decodeSetInvoiceCustomer}},
        {Wire::Command::SetInvoiceCurrency, {Wire::StreamType::Invoice, false, decodeSetInvoiceCurrency}},
        {Wire::Command::SetInvoiceDueDate, {Wire::StreamType::Invoice, false, decodeSetInvoiceDueDate}},
        {Wire::Command::SetInvoiceNotes, {Wire::StreamType::Invoice, false, decodeSetInvoiceNotes}},
        {Wire::Command::AddLineItem, {Wire::StreamType::Invoice, false, decodeAddLineItem}},
        {Wire::Command::UpdateLineItem, {Wire::StreamType::Invoice, false, decodeUpdateLineItem}},
        {Wire::Command::RemoveLineItem, {Wire::StreamType::Invoice, false, decodeRemoveLineItem}},
        {Wire::Command::IssueInvoice, {Wire::StreamType::Invoice, false, decodeIssueInvoice}},
        {Wire::Command::SendInvoiceToCustomer, {Wire::StreamType::Invoice, false, decodeSendInvoiceToCustomer}},
        {Wire::Command::RecordPayment, {Wire::StreamType::Invoice, false, decodeRecordPayment}},
        {Wire::Command::VoidInvoice, {Wire::StreamType::Invoice, false, decodeVoidInvoice}},
        {Wire::Command::DeleteInvoice, {Wire::StreamType::Invoice, false, decodeDeleteInvoice}},
        {Wire::Command::SetCompanyProfile, {Wire::StreamType::Tenant, false, decodeSetCompanyProfile}},
        {Wire::Command::SetNumberingPattern, {Wire::StreamType::Tenant, false, decodeSetNumberingPattern}},
        {Wire::Command::SetInvoiceDefaults, {Wire::StreamType::Tenant, false, decodeSetInvoiceDefaults}},
        {Wire::Command::SetMailSettings, {Wire::StreamType::Tenant, false, decodeSetMailSettings}},
    };
    return specs;
}

} // namespace

QJsonObject Address::toJson() const
{
    return {{kStreet, street}, {kPostalCode, postalCode}, {kCity, city}, {kCountry, country}};
}

Address Address::fromJson(const QJsonObject &o)
{
    return {o.value(kStreet).toString(), o.value(kPostalCode).toString(), o.value(kCity).toString(),
            o.value(kCountry).toString()};
}

QJsonObject CompanyProfile::toJson() const
{
    QJsonObject o{{QStringLiteral("name"), name}, {QStringLiteral("address"), address.toJson()}};
    const auto put = [&o](const QString &key, const QString &value) {
        if (!value.isEmpty())
            o.insert(key, value);
    };
    put(QStringLiteral("taxId"), taxId);
    put(QStringLiteral("email"), email);
    put(QStringLiteral("phone"), phone);
    put(QStringLiteral("iban"), iban);
    put(QStringLiteral("bic"), bic);
    put(QStringLiteral("logo"), logo);
    put(QStringLiteral("logoMimeType"), logoMimeType);
    return o;
}

CompanyProfile CompanyProfile::fromJson(const QJsonObject &o)
{
    CompanyProfile p;
    p.name = o.value(QStringLiteral("name")).toString();
    p.address = Address::fromJson(o.value(QStringLiteral("address")).toObject());
    p.taxId = o.value(QStringLiteral("taxId")).toString();
    p.email = o.value(QStringLiteral("email")).toString();
    p.phone = o.value(QStringLiteral("phone")).toString();
    p.iban = o.value(QStringLiteral("iban")).toString();
    p.bic = o.value(QStringLiteral("bic")).toString();
    p.logo = o.value(QStringLiteral("logo")).toString();
    p.logoMimeType = o.value(QStringLiteral("logoMimeType")).toString();
    return p;
}

Result<DecodedCommand> decodeCommand(const QJsonObject &json)
{
    QList<Violation> violations;
    JsonReader envelope(json, QString(), violations);
    DecodedCommand decoded;

    const auto name = envelope.text(QStringLiteral("command"), {Presence::Required, 100, false, false});
    const CommandSpec *spec = nullptr;
    if (name) {
        const auto it = commandSpecs().constFind(*name);
        if (it == commandSpecs().constEnd())
            envelope.addViolation(QStringLiteral("command"), QStringLiteral("unknown command \"%1\"").arg(printable(*name)));
        else
            spec = &*it;
    }

    const bool idGiven = envelope.has(QStringLiteral("aggregateId"));
    const auto aggregateId = envelope.identifier(QStringLiteral("aggregateId"), Presence::Optional);
    if (spec && !idGiven && !spec->isCreation && spec->streamType != Wire::StreamType::Tenant)
        envelope.addViolation(QStringLiteral("aggregateId"), QStringLiteral("is required for %1").arg(*name));
    // Sequence streams share the tenant's id space; a customer or invoice must not take their ids.
    if (spec && spec->isCreation && aggregateId && aggregateId->startsWith(QLatin1String("invoice-number-")))
        envelope.addViolation(QStringLiteral("aggregateId"), QStringLiteral("is reserved for invoice number sequences"));

    // 2^53: the largest integer a JSON number carries exactly.
    decoded.expectedVersion = envelope.integer(QStringLiteral("expectedVersion"), Presence::Optional, 0,
                                               qint64(1) << 53);
    const auto commandId = envelope.text(QStringLiteral("commandId"), {Presence::Optional, 200, false, false});

    QJsonObject payload;
    bool payloadIsObject = true;
    if (envelope.has(QStringLiteral("payload"))) {
        const QJsonValue p = json.value(QStringLiteral("payload"));
        payloadIsObject = p.isObject();
        if (payloadIsObject)
            payload = p.toObject();
        else
            envelope.addViolation(QStringLiteral("payload"), QStringLiteral("must be an object, not %1").arg(jsonTypeName(p)));
    }
    envelope.finish();

    std::optional<Command> command;
    // A payload of the wrong type is one problem, not one per field it lacks.
    if (spec && payloadIsObject) {
        JsonReader reader(payload, QStringLiteral("payload"), violations);
        command = spec->decode(reader);
        reader.finish();
    }

    if (!violations.isEmpty() || !command) {
        if (violations.isEmpty())
            violations.append({QStringLiteral("payload"), QStringLiteral("is invalid")});
        const QString what = name && spec ? *name : QStringLiteral("the command");
        const QString message = violations.size() == 1
                                    ? violations.first().field + QStringLiteral(": ") + violations.first().message
                                    : QStringLiteral("%1 has %2 invalid fields").arg(what).arg(violations.size());
        return fail(Error::validation(message, violations));
    }

    decoded.name = *name;
    decoded.streamType = spec->streamType;
    decoded.isCreation = spec->isCreation;
    decoded.aggregateIdGiven = aggregateId.has_value();
    decoded.aggregateId = aggregateId ? *aggregateId
                                      : (spec->isCreation ? QUuid::createUuid().toString(QUuid::WithoutBraces) : QString());
    decoded.commandId = commandId.value_or(QString());
    decoded.payload = payload;
    decoded.command = std::move(*command);
    return decoded;
}

} // namespace Billstream
