#include "core/domain/tenant.h"

#include "core/domain/domainevents.h"
#include "core/domain/numbering.h"

#include <QJsonArray>

namespace Billstream {

namespace {

const QString kPattern = QStringLiteral("pattern");
const QString kCurrency = QStringLiteral("currency");
const QString kTaxRate = QStringLiteral("taxRate");
const QString kPaymentTermsDays = QStringLiteral("paymentTermsDays");
const QString kLocale = QStringLiteral("locale");
const QString kSmtpUrl = QStringLiteral("smtpUrl");
const QString kFromAddress = QStringLiteral("fromAddress");
const QString kFromName = QStringLiteral("fromName");

QJsonObject defaultsPayload(const SetInvoiceDefaults &c)
{
    QJsonObject o;
    if (c.currency)
        o.insert(kCurrency, *c.currency);
    if (c.taxRate)
        o.insert(kTaxRate, c.taxRate->toString(c.taxRate->scale()));
    if (c.paymentTermsDays)
        o.insert(kPaymentTermsDays, *c.paymentTermsDays);
    if (c.locale)
        o.insert(kLocale, *c.locale);
    return o;
}

} // namespace

QString TenantState::effectivePattern() const
{
    return numberingPattern.isEmpty() ? NumberingPattern::defaultText() : numberingPattern;
}

TenantState evolveTenant(TenantState s, const RecordedEvent &e)
{
    using namespace Wire::Event;
    const QJsonObject &p = e.payload;
    s.id = e.streamId;
    if (e.type == CompanyProfileSet) {
        s.profile = CompanyProfile::fromJson(p);
    } else if (e.type == NumberingPatternSet) {
        s.numberingPattern = p.value(kPattern).toString();
    } else if (e.type == InvoiceDefaultsSet) {
        // Only the keys present change (SetInvoiceDefaults sets some defaults, keeps the others).
        if (p.contains(kCurrency))
            s.defaults.currency = p.value(kCurrency).toString();
        if (p.contains(kTaxRate)) {
            const auto rate = Decimal::parse(p.value(kTaxRate).toString(), kTaxRate, Decimal::MaxScale);
            if (rate)
                s.defaults.taxRate = *rate;
        }
        if (p.contains(kPaymentTermsDays))
            s.defaults.paymentTermsDays = p.value(kPaymentTermsDays).toInt(s.defaults.paymentTermsDays);
        if (p.contains(kLocale))
            s.defaults.locale = p.value(kLocale).toString();
    } else if (e.type == MailSettingsSet) {
        s.mail = MailSettings{p.value(kSmtpUrl).toString(), p.value(kFromAddress).toString(),
                              p.value(kFromName).toString()};
    }
    return s;
}

Result<Decision> decideTenant(const TenantState &, const TenantCommand &command)
{
    using namespace Wire::Event;
    Decision d;
    std::visit(
        [&](const auto &cmd) {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, SetCompanyProfile>) {
                d.events << makeEvent(CompanyProfileSet, cmd.profile.toJson());
            } else if constexpr (std::is_same_v<T, SetNumberingPattern>) {
                d.events << makeEvent(NumberingPatternSet, {{kPattern, cmd.pattern}});
            } else if constexpr (std::is_same_v<T, SetInvoiceDefaults>) {
                d.events << makeEvent(InvoiceDefaultsSet, defaultsPayload(cmd));
            } else if constexpr (std::is_same_v<T, SetMailSettings>) {
                QJsonObject o{{kSmtpUrl, cmd.smtpUrl}, {kFromAddress, cmd.fromAddress}};
                if (!cmd.fromName.isEmpty())
                    o.insert(kFromName, cmd.fromName);
                d.events << makeEvent(MailSettingsSet, o);
            }
        },
        command);
    return d;
}

bool tenantConflicts(const TenantCommand &command, const RecordedEvent &e)
{
    using namespace Wire::Event;
    return std::visit(
        [&](const auto &cmd) {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, SetCompanyProfile>) {
                return e.type == CompanyProfileSet;
            } else if constexpr (std::is_same_v<T, SetNumberingPattern>) {
                return e.type == NumberingPatternSet;
            } else if constexpr (std::is_same_v<T, SetMailSettings>) {
                return e.type == MailSettingsSet;
            } else {
                if (e.type != InvoiceDefaultsSet)
                    return false;
                const QJsonObject mine = defaultsPayload(cmd);
                for (auto it = mine.begin(); it != mine.end(); ++it) {
                    if (e.payload.contains(it.key()))
                        return true;
                }
                return false;
            }
        },
        command);
}

QJsonObject tenantStateJson(const TenantState &s, qint64 version)
{
    QJsonObject defaults{{kCurrency, s.defaults.currency.isEmpty() ? QJsonValue() : QJsonValue(s.defaults.currency)},
                         {kTaxRate, s.defaults.taxRate ? QJsonValue(s.defaults.taxRate->toString(s.defaults.taxRate->scale()))
                                                       : QJsonValue()},
                         {kPaymentTermsDays, s.defaults.paymentTermsDays},
                         {kLocale, s.defaults.locale}};
    QJsonValue mail;
    if (s.mail) {
        mail = QJsonObject{{kSmtpUrl, s.mail->smtpUrl}, {kFromAddress, s.mail->fromAddress}, {kFromName, s.mail->fromName}};
    }
    return QJsonObject{
        {QStringLiteral("id"), s.id},
        {QStringLiteral("version"), version},
        {QStringLiteral("companyProfile"), s.profile ? QJsonValue(s.profile->toJson()) : QJsonValue()},
        {QStringLiteral("numberingPattern"), s.effectivePattern()},
        {QStringLiteral("invoiceDefaults"), defaults},
        {QStringLiteral("mailSettings"), mail},
    };
}

AggregateType<TenantState> tenantAggregateType()
{
    AggregateType<TenantState> type;
    type.streamType = Wire::StreamType::Tenant;
    type.evolve = evolveTenant;
    return type;
}

} // namespace Billstream
