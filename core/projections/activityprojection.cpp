#include "core/projections/activityprojection.h"

#include "core/domain/customer.h"
#include "core/domain/domainevents.h"
#include "core/domain/invoice.h"
#include "core/domain/tenant.h"


#include <sqlite3.h>

#include <algorithm>
#include <numeric>

namespace Billstream {

using ReadSql::ResetGuard;

namespace {

// An entry is the span of positions its events hold (contiguous by construction); what the
// feed shows of it (stream, time, type, actor) is its first event's, read by a join on the log.
constexpr const char *Schema =
    "CREATE TABLE IF NOT EXISTS activity ("
    " tenant TEXT NOT NULL, position INTEGER NOT NULL, last_position INTEGER NOT NULL,"
    " PRIMARY KEY (tenant, position)) WITHOUT ROWID;";

constexpr const char *DropSchema = "DROP TABLE IF EXISTS activity;";

// The entry that ends at ?2, with what continues() compares, from its last event.
constexpr const char *SqlByEnd =
    "SELECT a.position, e.tenant, e.stream_id, e.recorded_at, coalesce(json_extract(e.metadata, '$.commandId'), '')"
    " FROM (SELECT position, last_position FROM activity WHERE tenant = ?1 AND position <= ?2"
    "       ORDER BY position DESC LIMIT 1) a"
    " JOIN events e ON e.position = a.last_position WHERE a.last_position = ?2";
constexpr const char *SqlInsert =
    "INSERT INTO activity (tenant, position, last_position) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (tenant, position) DO NOTHING";
constexpr const char *SqlContinue =
    "UPDATE activity SET last_position = ?3 WHERE tenant = ?1 AND position = ?2 AND last_position = ?3 - 1";

constexpr int MaxSummary = 200;

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
// an empty state) where a field is read, so the feed never disagrees with the aggregates.
void ActivityProjection::accumulate(Facts &f, const RecordedEvent &e)
{
    using namespace Wire::Event;
    if (e.streamType == Wire::StreamType::Invoice) {
        // Events whose mere presence is the fact need no reading.
        if (e.type == LineItemAdded) {
            f.add(Facts::LinesAdded);
            return;
        }
        if (e.type == LineItemUpdated) {
            f.add(Facts::LinesChanged);
            return;
        }
        if (e.type == LineItemRemoved) {
            f.add(Facts::LinesRemoved);
            return;
        }
        if (e.type == InvoiceCreated) {
            f.set(Facts::Created);
            return;
        }
        if (e.type == InvoiceNotesSet) {
            f.set(Facts::Notes);
            return;
        }
        if (e.type == InvoicePartiesRecorded) {
            f.set(Facts::Parties);
            return;
        }
        if (e.type == InvoiceSent) {
            f.set(Facts::Sent);
            return;
        }
        const InvoiceState s = evolveInvoice(InvoiceState{}, e);
        if (e.type == InvoiceCustomerSet)
            f.set(Facts::Customer, s.customerId);
        else if (e.type == InvoiceCurrencySet)
            f.set(Facts::Currency, s.currency);
        else if (e.type == InvoiceStatusSet) {
            f.set(Facts::Status, statusName(s.status));
            if (s.status == InvoiceStatus::Void)
                f.set(Facts::VoidReason, s.voidReason);
        } else if (e.type == InvoiceDueDateSet)
            f.set(Facts::DueDate, dateText(s.dueDate));
        else if (e.type == InvoiceNumberAssigned) {
            f.set(Facts::Number, s.number);
            f.set(Facts::IssueDate, dateText(s.issueDate));
        } else if (e.type == InvoiceSendRequested && !s.deliveries.isEmpty())
            f.set(Facts::SendTo, s.deliveries.constFirst().to);
        else if (e.type == InvoiceSendFailed)
            f.set(Facts::SendFailed, e.payload.value(QStringLiteral("reason")).toString());
        else if (e.type == PaymentRecorded && !s.payments.isEmpty()) {
            f.set(Facts::Payment, s.payments.constFirst().amount.toString());
            f.set(Facts::PaymentDate, dateText(s.payments.constFirst().date));
        }
    } else if (e.streamType == Wire::StreamType::Customer) {
        if (e.type == CustomerCreated) {
            f.set(Facts::Created);
            return;
        }
        if (e.type == CustomerAddressChanged) {
            f.set(Facts::Address);
            return;
        }
        if (e.type == CustomerTaxIdChanged) {
            f.set(Facts::TaxId);
            return;
        }
        if (e.type == CustomerArchived) {
            f.set(Facts::Archived);
            return;
        }
        const CustomerState s = evolveCustomer(CustomerState{}, e);
        if (e.type == CustomerRenamed)
            f.set(Facts::Name, s.name);
        else if (e.type == CustomerEmailChanged)
            f.set(Facts::Email, s.email);
    } else if (e.streamType == Wire::StreamType::Tenant) {
        const TenantState s = evolveTenant(TenantState{}, e);
        if (e.type == CompanyProfileSet)
            f.set(Facts::Profile, s.profile ? s.profile->name : QString());
        else if (e.type == NumberingPatternSet)
            f.set(Facts::Pattern, s.numberingPattern);
        else if (e.type == InvoiceDefaultsSet)
            f.set(Facts::Defaults);
        else if (e.type == MailSettingsSet)
            f.set(Facts::Mail);
    }
}

QString ActivityProjection::render(const QString &streamType, const Facts &f)
{
    QStringList parts;
    const auto text = [&f](Facts::Key k) { return f.text(k); };
    const int lines = f.has(Facts::LinesAdded) ? f.count(Facts::LinesAdded) : 0;
    if (streamType == Wire::StreamType::Invoice) {
        const QString status = text(Facts::Status);
        if (f.has(Facts::Created)) {
            QString s = QStringLiteral("Invoice drafted: %1").arg(plural(lines, QStringLiteral("line item"), QStringLiteral("line items")));
            if (f.has(Facts::Currency))
                s += QStringLiteral(" in ") + text(Facts::Currency);
            if (f.has(Facts::DueDate))
                s += QStringLiteral(", due ") + text(Facts::DueDate);
            parts << s;
        } else if (f.has(Facts::Number)) {
            parts << QStringLiteral("Invoice %1 issued on %2").arg(text(Facts::Number), text(Facts::IssueDate));
            if (f.has(Facts::DueDate))
                parts << QStringLiteral("due ") + text(Facts::DueDate);
        } else if (f.has(Facts::Payment)) {
            QString s = QStringLiteral("Payment of %1 recorded for %2").arg(text(Facts::Payment), text(Facts::PaymentDate));
            if (!status.isEmpty())
                s += QStringLiteral("; now ") + statusWords(status);
            parts << s;
        } else if (status == Wire::Status::Void) {
            parts << QStringLiteral("Invoice voided: ") + text(Facts::VoidReason);
        } else if (status == Wire::Status::Deleted) {
            parts << QStringLiteral("Draft deleted");
        } else if (f.has(Facts::SendTo)) {
            parts << QStringLiteral("Sending requested to ") + text(Facts::SendTo);
        } else if (f.has(Facts::Sent)) {
            parts << (status.isEmpty() ? QStringLiteral("Invoice sent") : QStringLiteral("Invoice sent; now ") + statusWords(status));
        } else if (f.has(Facts::SendFailed)) {
            parts << QStringLiteral("Sending failed: ") + text(Facts::SendFailed);
        } else {
            if (lines > 0)
                parts << plural(lines, QStringLiteral("line item added"), QStringLiteral("line items added"));
            if (f.has(Facts::LinesChanged))
                parts << plural(f.count(Facts::LinesChanged), QStringLiteral("line item changed"), QStringLiteral("line items changed"));
            if (f.has(Facts::LinesRemoved))
                parts << plural(f.count(Facts::LinesRemoved), QStringLiteral("line item removed"), QStringLiteral("line items removed"));
            if (f.has(Facts::Customer))
                parts << QStringLiteral("Customer changed");
            if (f.has(Facts::Currency))
                parts << QStringLiteral("Currency set to ") + text(Facts::Currency);
            if (f.has(Facts::DueDate))
                parts << QStringLiteral("Due date set to ") + text(Facts::DueDate);
            if (f.has(Facts::Notes))
                parts << QStringLiteral("Notes changed");
            if (!status.isEmpty())
                parts << QStringLiteral("Status set to ") + statusWords(status);
            if (parts.isEmpty())
                parts << QStringLiteral("Invoice changed");
        }
    } else if (streamType == Wire::StreamType::Customer) {
        if (f.has(Facts::Created)) {
            parts << QStringLiteral("Customer %1 created").arg(text(Facts::Name));
        } else {
            if (f.has(Facts::Name))
                parts << QStringLiteral("Renamed to ") + text(Facts::Name);
            if (f.has(Facts::Email))
                parts << QStringLiteral("E-mail changed to ") + text(Facts::Email);
            if (f.has(Facts::Address))
                parts << QStringLiteral("Address changed");
            if (f.has(Facts::TaxId))
                parts << QStringLiteral("Tax id changed");
            if (f.has(Facts::Archived))
                parts << QStringLiteral("Customer archived");
            if (parts.isEmpty())
                parts << QStringLiteral("Customer changed");
        }
    } else {
        if (f.has(Facts::Profile))
            parts << QStringLiteral("Company profile set: ") + text(Facts::Profile);
        if (f.has(Facts::Pattern))
            parts << QStringLiteral("Numbering pattern set to ") + text(Facts::Pattern);
        if (f.has(Facts::Defaults))
            parts << QStringLiteral("Invoice defaults changed");
        if (f.has(Facts::Mail))
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

Status ActivityProjection::insert(QSqlDatabase &db, const Entry &entry)
{
    auto ins = m_sql.get(db, SqlInsert);
    if (!ins)
        return fail(ins.error());
    ins->bind(1, entry.tenant);
    ins->bind(2, entry.position);
    ins->bind(3, entry.lastPosition);
    if (auto r = ReadSql::run(*ins, ReadSql::handleOf(db), "update the activity feed"); !r)
        return fail(r.error());
    return {};
}

Status ActivityProjection::apply(QSqlDatabase &db, const RecordedEvent &event)
{
    if (event.streamType != Wire::StreamType::Invoice && event.streamType != Wire::StreamType::Customer
        && event.streamType != Wire::StreamType::Tenant)
        return {};
    std::optional<RecordedEvent> upcast;
    if (!m_upcasters->isEmpty())
        upcast = m_upcasters->upcast(event);
    const RecordedEvent &e = upcast ? *upcast : event;
    sqlite3 *h = ReadSql::handleOf(db);
    const QString doing = QStringLiteral("update the activity feed");

    if (m_bulk) {
        // A replay sees every entry whole: each is written once, when the next one starts.
        if (continues(m_last, e)) {
            m_last.lastPosition = e.position;
            return {};
        }
        if (m_pending) {
            if (Status s = insert(db, m_last); !s)
                return s;
        }
    } else if (m_last.lastPosition != e.position - 1) {
        // Not contiguous with what this instance applied last: ask the table.
        m_last = Entry{};
        auto find = m_sql.get(db, SqlByEnd);
        if (!find)
            return fail(find.error());
        ResetGuard guard(*find);
        find->bind(1, e.tenantId);
        find->bind(2, e.position - 1);
        const int rc = find->step();
        if (rc == SQLITE_ROW) {
            m_last.position = find->int64(0);
            m_last.lastPosition = e.position - 1;
            m_last.tenant = find->text(1);
            m_last.streamId = find->text(2);
            m_last.recordedAtMs = find->int64(3);
            m_last.commandId = find->text(4);
        } else if (rc != SQLITE_DONE) {
            return fail(ReadSql::sqlError(h, rc, doing));
        }
    }

    if (!m_bulk && continues(m_last, e)) {
        m_last.lastPosition = e.position;
        auto upd = m_sql.get(db, SqlContinue);
        if (!upd)
            return fail(upd.error());
        upd->bind(1, m_last.tenant);
        upd->bind(2, m_last.position);
        upd->bind(3, e.position);
        auto r = ReadSql::run(*upd, h, "update the activity feed");
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
    entry.recordedAtMs = e.recordedAt.toMSecsSinceEpoch();
    entry.commandId = e.metadata.commandId;
    if (m_bulk) {
        m_last = std::move(entry);
        m_pending = true;
        return {};
    }
    if (Status s = insert(db, entry); !s)
        return s;
    m_last = std::move(entry);
    return {};
}

Status ActivityProjection::summarize(SqliteEventStore &store, const Upcasters &upcasters, const QString &tenantId,
                                    QList<ActivityEntry> &entries)
{
    if (entries.isEmpty())
        return {};
    // The entries by first position; their events are contiguous, so one ascending scan over
    // the span of all of them hands each event to at most one entry.
    QList<qsizetype> order(entries.size());
    std::iota(order.begin(), order.end(), qsizetype(0));
    std::sort(order.begin(), order.end(),
              [&](qsizetype a, qsizetype b) { return entries.at(a).position < entries.at(b).position; });
    const qint64 from = entries.at(order.first()).position;
    qint64 to = from;
    for (const ActivityEntry &e : std::as_const(entries))
        to = std::max(to, e.lastPosition);
    std::vector<Facts> facts(size_t(entries.size()));
    qsizetype next = 0;  // in `order`: the first entry that may still hold the next event
    Status scanned = store.scan(tenantId, from, to, [&](const RecordedEvent &event) {
        while (next < order.size() && entries.at(order.at(next)).lastPosition < event.position)
            ++next;
        if (next == order.size())
            return false;
        const qsizetype at = order.at(next);
        if (event.position < entries.at(at).position)
            return true;  // between entries: a number sequence, or left out
        if (upcasters.isEmpty())
            accumulate(facts[size_t(at)], event);
        else
            accumulate(facts[size_t(at)], upcasters.upcast(event));
        return true;
    });
    if (!scanned)
        return scanned;
    for (qsizetype i = 0; i < entries.size(); ++i)
        entries[i].summary = render(entries.at(i).streamType, facts[size_t(i)]);
    return {};
}

Status ActivityProjection::beginBulk(QSqlDatabase &)
{
    abortBulk();
    m_bulk = true;
    return {};
}

void ActivityProjection::abortBulk()
{
    m_bulk = false;
    m_pending = false;
    m_last = Entry{};
}

Status ActivityProjection::endBulk(QSqlDatabase &db)
{
    if (!m_bulk)
        return {};
    if (m_pending) {
        if (Status s = insert(db, m_last); !s)
            return s;
    }
    // The next catch-up finds the last entry in the table (it may continue it).
    abortBulk();
    return {};
}

// Entries are told from their events when they are read (summarize()); the replay needs none.
SqliteEventStore::Payload ActivityProjection::payloadOf(const QString &t) const
{
    return Wire::Event::isKnown(t) ? SqliteEventStore::Payload::None : SqliteEventStore::Payload::Parsed;
}

} // namespace Billstream
