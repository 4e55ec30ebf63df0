#include "core/projections/activityprojection.h"

#include "core/domain/customer.h"
#include "core/domain/domainevents.h"
#include "core/domain/invoice.h"
#include "core/domain/tenant.h"

#include <QJsonDocument>

#include <sqlite3.h>

namespace Billstream {

using ReadSql::ResetGuard;

namespace {

constexpr const char *Schema =
    "CREATE TABLE IF NOT EXISTS activity ("
    " position INTEGER PRIMARY KEY, last_position INTEGER NOT NULL, tenant TEXT NOT NULL,"
    " recorded_at INTEGER NOT NULL, stream_type TEXT NOT NULL, stream_id TEXT NOT NULL,"
    " event_type TEXT NOT NULL, event_count INTEGER NOT NULL, summary TEXT NOT NULL, actor TEXT NOT NULL,"
    " command_id TEXT NOT NULL, facts TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS activity_by_tenant ON activity (tenant, position);"
    "CREATE INDEX IF NOT EXISTS activity_by_stream ON activity (tenant, stream_id, position);"
    "CREATE UNIQUE INDEX IF NOT EXISTS activity_by_end ON activity (last_position);";

constexpr const char *DropSchema = "DROP TABLE IF EXISTS activity;";

constexpr const char *SqlByEnd =
    "SELECT position, tenant, stream_id, recorded_at, command_id, event_count, facts, stream_type"
    " FROM activity WHERE last_position = ?1";
constexpr const char *SqlInsert =
    "INSERT INTO activity (position, last_position, tenant, recorded_at, stream_type, stream_id, event_type,"
    " event_count, summary, actor, command_id, facts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
    " ON CONFLICT (position) DO NOTHING";
constexpr const char *SqlContinue =
    "UPDATE activity SET last_position = ?2, event_count = ?3, summary = ?4, facts = ?5"
    " WHERE position = ?1 AND last_position = ?2 - 1";

constexpr int MaxSummary = 200;

const QString kCreated = QStringLiteral("created");
const QString kLines = QStringLiteral("linesAdded");
const QString kLinesChanged = QStringLiteral("linesChanged");
const QString kLinesRemoved = QStringLiteral("linesRemoved");
const QString kCustomer = QStringLiteral("customer");
const QString kCurrency = QStringLiteral("currency");
const QString kStatus = QStringLiteral("status");
const QString kDueDate = QStringLiteral("dueDate");
const QString kNotes = QStringLiteral("notes");
const QString kNumber = QStringLiteral("number");
const QString kIssueDate = QStringLiteral("issueDate");
const QString kPayment = QStringLiteral("payment");
const QString kPaymentDate = QStringLiteral("paymentDate");
const QString kVoidReason = QStringLiteral("voidReason");
const QString kSendTo = QStringLiteral("sendTo");
const QString kSent = QStringLiteral("sent");
const QString kSendFailed = QStringLiteral("sendFailed");
const QString kName = QStringLiteral("name");
const QString kEmail = QStringLiteral("email");
const QString kAddress = QStringLiteral("address");
const QString kTaxId = QStringLiteral("taxId");
const QString kArchived = QStringLiteral("archived");
const QString kProfile = QStringLiteral("profile");
const QString kPattern = QStringLiteral("pattern");
const QString kDefaults = QStringLiteral("defaults");
const QString kMail = QStringLiteral("mail");
const QString kParties = QStringLiteral("parties");

void increment(QJsonObject &facts, const QString &key)
{
    facts.insert(key, facts.value(key).toInt() + 1);
}

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

ActivityProjection::ActivityProjection(std::shared_ptr<const Upcasters> upcasters)
    : m_upcasters(std::move(upcasters))
{
}

ActivityProjection::~ActivityProjection() = default;

QStringList ActivityProjection::tables()
{
    return {QStringLiteral("activity")};
}

Status ActivityProjection::createSchema(QSqlDatabase &db)
{
    m_last = Entry{};
    return ReadSql::exec(ReadSql::handleOf(db), Schema, QStringLiteral("create the activity table"));
}

Status ActivityProjection::dropSchema(QSqlDatabase &db)
{
    m_last = Entry{};
    m_sql.clear();
    return ReadSql::exec(ReadSql::handleOf(db), DropSchema, QStringLiteral("drop the activity table"));
}

// The facts come from the domain's own reading of each event (its evolve functions applied to
// an empty state), so the feed never disagrees with the aggregates about what an event means.
QJsonObject ActivityProjection::accumulate(QJsonObject facts, const RecordedEvent &e)
{
    using namespace Wire::Event;
    if (e.streamType == Wire::StreamType::Invoice) {
        const InvoiceState s = evolveInvoice(InvoiceState{}, e);
        if (e.type == InvoiceCreated)
            facts.insert(kCreated, true);
        else if (e.type == InvoiceCustomerSet)
            facts.insert(kCustomer, s.customerId);
        else if (e.type == InvoiceCurrencySet)
            facts.insert(kCurrency, s.currency);
        else if (e.type == InvoiceStatusSet) {
            facts.insert(kStatus, statusName(s.status));
            if (s.status == InvoiceStatus::Void)
                facts.insert(kVoidReason, s.voidReason);
        } else if (e.type == InvoiceDueDateSet)
            facts.insert(kDueDate, dateText(s.dueDate));
        else if (e.type == InvoiceNotesSet)
            facts.insert(kNotes, true);
        else if (e.type == LineItemAdded)
            increment(facts, kLines);
        else if (e.type == LineItemUpdated)
            increment(facts, kLinesChanged);
        else if (e.type == LineItemRemoved)
            increment(facts, kLinesRemoved);
        else if (e.type == InvoiceNumberAssigned) {
            facts.insert(kNumber, s.number);
            facts.insert(kIssueDate, dateText(s.issueDate));
        } else if (e.type == InvoicePartiesRecorded)
            facts.insert(kParties, true);
        else if (e.type == InvoiceSendRequested && !s.deliveries.isEmpty())
            facts.insert(kSendTo, s.deliveries.constFirst().to);
        else if (e.type == InvoiceSent)
            facts.insert(kSent, true);
        else if (e.type == InvoiceSendFailed)
            facts.insert(kSendFailed, e.payload.value(QStringLiteral("reason")).toString());
        else if (e.type == PaymentRecorded && !s.payments.isEmpty()) {
            facts.insert(kPayment, s.payments.constFirst().amount.toString());
            facts.insert(kPaymentDate, dateText(s.payments.constFirst().date));
        }
    } else if (e.streamType == Wire::StreamType::Customer) {
        const CustomerState s = evolveCustomer(CustomerState{}, e);
        if (e.type == CustomerCreated)
            facts.insert(kCreated, true);
        else if (e.type == CustomerRenamed)
            facts.insert(kName, s.name);
        else if (e.type == CustomerEmailChanged)
            facts.insert(kEmail, s.email);
        else if (e.type == CustomerAddressChanged)
            facts.insert(kAddress, true);
        else if (e.type == CustomerTaxIdChanged)
            facts.insert(kTaxId, true);
        else if (e.type == CustomerArchived)
            facts.insert(kArchived, true);
    } else if (e.streamType == Wire::StreamType::Tenant) {
        const TenantState s = evolveTenant(TenantState{}, e);
        if (e.type == CompanyProfileSet)
            facts.insert(kProfile, s.profile ? s.profile->name : QString());
        else if (e.type == NumberingPatternSet)
            facts.insert(kPattern, s.numberingPattern);
        else if (e.type == InvoiceDefaultsSet)
            facts.insert(kDefaults, true);
        else if (e.type == MailSettingsSet)
            facts.insert(kMail, true);
    }
    return facts;
}

QString ActivityProjection::render(const QString &streamType, const QJsonObject &f)
{
    QStringList parts;
    const auto text = [&f](const QString &key) { return f.value(key).toString(); };
    const int lines = f.value(kLines).toInt();
    if (streamType == Wire::StreamType::Invoice) {
        const QString status = text(kStatus);
        if (f.contains(kCreated)) {
            QString s = QStringLiteral("Invoice drafted: %1").arg(plural(lines, QStringLiteral("line item"), QStringLiteral("line items")));
            if (f.contains(kCurrency))
                s += QStringLiteral(" in ") + text(kCurrency);
            if (f.contains(kDueDate))
                s += QStringLiteral(", due ") + text(kDueDate);
            parts << s;
        } else if (f.contains(kNumber)) {
            parts << QStringLiteral("Invoice %1 issued on %2").arg(text(kNumber), text(kIssueDate));
            if (f.contains(kDueDate))
                parts << QStringLiteral("due ") + text(kDueDate);
        } else if (f.contains(kPayment)) {
            QString s = QStringLiteral("Payment of %1 recorded for %2").arg(text(kPayment), text(kPaymentDate));
            if (!status.isEmpty())
                s += QStringLiteral("; now ") + statusWords(status);
            parts << s;
        } else if (status == Wire::Status::Void) {
            parts << QStringLiteral("Invoice voided: ") + text(kVoidReason);
        } else if (status == Wire::Status::Deleted) {
            parts << QStringLiteral("Draft deleted");
        } else if (f.contains(kSendTo)) {
            parts << QStringLiteral("Sending requested to ") + text(kSendTo);
        } else if (f.contains(kSent)) {
            parts << (status.isEmpty() ? QStringLiteral("Invoice sent") : QStringLiteral("Invoice sent; now ") + statusWords(status));
        } else if (f.contains(kSendFailed)) {
            parts << QStringLiteral("Sending failed: ") + text(kSendFailed);
        } else {
            if (lines > 0)
                parts << plural(lines, QStringLiteral("line item added"), QStringLiteral("line items added"));
            if (const int n = f.value(kLinesChanged).toInt())
                parts << plural(n, QStringLiteral("line item changed"), QStringLiteral("line items changed"));
            if (const int n = f.value(kLinesRemoved).toInt())
                parts << plural(n, QStringLiteral("line item removed"), QStringLiteral("line items removed"));
            if (f.contains(kCustomer))
                parts << QStringLiteral("Customer changed");
            if (f.contains(kCurrency))
                parts << QStringLiteral("Currency set to ") + text(kCurrency);
            if (f.contains(kDueDate))
                parts << QStringLiteral("Due date set to ") + text(kDueDate);
            if (f.contains(kNotes))
                parts << QStringLiteral("Notes changed");
            if (!status.isEmpty())
                parts << QStringLiteral("Status set to ") + statusWords(status);
            if (parts.isEmpty())
                parts << QStringLiteral("Invoice changed");
        }
    } else if (streamType == Wire::StreamType::Customer) {
        if (f.contains(kCreated)) {
            parts << QStringLiteral("Customer %1 created").arg(text(kName));
        } else {
            if (f.contains(kName))
                parts << QStringLiteral("Renamed to ") + text(kName);
            if (f.contains(kEmail))
                parts << QStringLiteral("E-mail changed to ") + text(kEmail);
            if (f.contains(kAddress))
                parts << QStringLiteral("Address changed");
            if (f.contains(kTaxId))
                parts << QStringLiteral("Tax id changed");
            if (f.contains(kArchived))
                parts << QStringLiteral("Customer archived");
            if (parts.isEmpty())
                parts << QStringLiteral("Customer changed");
        }
    } else {
        if (f.contains(kProfile))
            parts << QStringLiteral("Company profile set: ") + text(kProfile);
        if (f.contains(kPattern))
            parts << QStringLiteral("Numbering pattern set to ") + text(kPattern);
        if (f.contains(kDefaults))
            parts << QStringLiteral("Invoice defaults changed");
        if (f.contains(kMail))
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

bool ActivityProjection::continues(const Entry &entry, const RecordedEvent &e) const
{
    return entry.lastPosition == e.position - 1 && entry.tenant == e.tenantId && entry.streamId == e.streamId
        && entry.recordedAtMs == e.recordedAt.toMSecsSinceEpoch() && entry.commandId == e.metadata.commandId;
}

Status ActivityProjection::apply(QSqlDatabase &db, const RecordedEvent &event)
{
    if (event.streamType != Wire::StreamType::Invoice && event.streamType != Wire::StreamType::Customer
        && event.streamType != Wire::StreamType::Tenant)
        return {};
    const RecordedEvent e = m_upcasters->isEmpty() ? event : m_upcasters->upcast(event);
    sqlite3 *h = ReadSql::handleOf(db);
    const QString doing = QStringLiteral("update the activity feed for the event at position %1").arg(e.position);

    if (m_last.lastPosition != e.position - 1) {
        // Not contiguous with what this instance applied last: ask the table.
        m_last = Entry{};
        auto find = m_sql.get(db, SqlByEnd);
        if (!find)
            return fail(find.error());
        ResetGuard guard(*find);
        find->bind(1, e.position - 1);
        const int rc = find->step();
        if (rc == SQLITE_ROW) {
            m_last.position = find->int64(0);
            m_last.lastPosition = e.position - 1;
            m_last.tenant = find->text(1);
            m_last.streamId = find->text(2);
            m_last.recordedAtMs = find->int64(3);
            m_last.commandId = find->text(4);
            m_last.eventCount = int(find->int64(5));
            const QByteArrayView facts = find->textView(6);
            m_last.facts = QJsonDocument::fromJson(QByteArray(facts.data(), facts.size())).object();
            m_last.streamType = find->text(7);
        } else if (rc != SQLITE_DONE) {
            return fail(ReadSql::sqlError(h, rc, doing));
        }
    }

    if (continues(m_last, e)) {
        m_last.facts = accumulate(std::move(m_last.facts), e);
        ++m_last.eventCount;
        m_last.lastPosition = e.position;
        auto upd = m_sql.get(db, SqlContinue);
        if (!upd)
            return fail(upd.error());
        upd->bind(1, m_last.position);
        upd->bind(2, e.position);
        upd->bind(3, qint64(m_last.eventCount));
        upd->bind(4, render(m_last.streamType, m_last.facts));
        upd->bindUtf8(5, QJsonDocument(m_last.facts).toJson(QJsonDocument::Compact));
        auto r = ReadSql::run(*upd, h, doing);
        if (!r)
            return fail(r.error());
        if (*r == 0) {
            m_last = Entry{};
            return fail(Error::inconsistent(QStringLiteral("The activity entry at position %1 is not where the feed "
                                                           "expected it; rebuild the activity projection.")
                                                .arg(e.position)));
        }
        return {};
    }

    Entry entry;
    entry.position = e.position;
    entry.lastPosition = e.position;
    entry.tenant = e.tenantId;
    entry.streamId = e.streamId;
    entry.streamType = e.streamType;
    entry.recordedAtMs = e.recordedAt.toMSecsSinceEpoch();
    entry.commandId = e.metadata.commandId;
    entry.eventCount = 1;
    entry.facts = accumulate({}, e);
    auto ins = m_sql.get(db, SqlInsert);
    if (!ins)
        return fail(ins.error());
    ins->bind(1, e.position);
    ins->bind(2, e.position);
    ins->bind(3, e.tenantId);
    ins->bind(4, entry.recordedAtMs);
    ins->bind(5, e.streamType);
    ins->bind(6, e.streamId);
    ins->bind(7, e.type);
    ins->bind(8, qint64(1));
    ins->bind(9, render(e.streamType, entry.facts));
    ins->bind(10, e.metadata.actor);
    ins->bind(11, e.metadata.commandId);
    ins->bindUtf8(12, QJsonDocument(entry.facts).toJson(QJsonDocument::Compact));
    auto r = ReadSql::run(*ins, h, doing);
    if (!r)
        return fail(r.error());
    m_last = *r > 0 ? std::move(entry) : Entry{};
    return {};
}

} // namespace Billstream
