#include "core/mail/mailer.h"

#include "core/documents/invoicedocument.h"
#include "core/documents/invoicerenderer.h"
#include "core/domain/domainevents.h"
#include "core/mail/mailheaders.h"
#include "core/mail/smtpclient.h"

#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QSysInfo>
#include <QThread>
#include <QUuid>

#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace Billstream {

namespace {

// The outbox and the checkpoint live in the store file beside the log; they are the mailer's
// memory of what it did, so no rebuild ever drops them (they are not projections).
constexpr const char *kSchema[] = {
    "CREATE TABLE IF NOT EXISTS mailer_outbox ("
    " tenant TEXT NOT NULL,"
    " delivery_id TEXT NOT NULL,"
    " invoice_id TEXT NOT NULL,"
    " request_position INTEGER NOT NULL,"
    " request_event_id TEXT NOT NULL,"
    " state TEXT NOT NULL CHECK (state IN ('pending', 'attempting', 'retry', 'sent', 'failed')),"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_try_ms INTEGER NOT NULL DEFAULT 0,"
    " owner TEXT NOT NULL DEFAULT '',"
    " lease_until_ms INTEGER NOT NULL DEFAULT 0,"
    " reason TEXT NOT NULL DEFAULT '',"
    " recorded INTEGER NOT NULL DEFAULT 0,"
    " updated_ms INTEGER NOT NULL,"
    " PRIMARY KEY (tenant, delivery_id)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS mailer_outbox_by_state ON mailer_outbox (tenant, state, next_try_ms)",
    "CREATE TABLE IF NOT EXISTS mailer_checkpoint ("
    " tenant TEXT PRIMARY KEY, position INTEGER NOT NULL, started_ms INTEGER NOT NULL) WITHOUT ROWID",
};

const QString kColumns = QStringLiteral(
    "tenant, delivery_id, invoice_id, request_position, state, attempts, next_try_ms, reason, recorded");

const QString kNotSentBeforeSetup = QStringLiteral(
    "Not sent: this request was made before e-mail sending was first started on this store, and old "
    "requests are never sent automatically. Send the invoice again to deliver it.");
const QString kInterrupted = QStringLiteral(
    "Sending was interrupted: Billstream stopped while it was handing the message to the mail server, so it "
    "may or may not have been delivered. It is not sent again automatically; send the invoice again if the "
    "customer did not get it.");
const QString kMayHaveBeenDelivered = QStringLiteral(
    " The server may have received the message before the failure, so it is not sent again automatically; "
    "send the invoice again if the customer did not get it.");

QString stateText(OutboxState state)
{
    switch (state) {
    case OutboxState::Pending: return QStringLiteral("pending");
    case OutboxState::Attempting: return QStringLiteral("attempting");
    case OutboxState::Retry: return QStringLiteral("retry");
    case OutboxState::Sent: return QStringLiteral("sent");
    case OutboxState::Failed: return QStringLiteral("failed");
    }
    return QString();
}

OutboxState stateFromText(const QString &text)
{
    if (text == QLatin1String("attempting"))
        return OutboxState::Attempting;
    if (text == QLatin1String("retry"))
        return OutboxState::Retry;
    if (text == QLatin1String("sent"))
        return OutboxState::Sent;
    if (text == QLatin1String("failed"))
        return OutboxState::Failed;
    return OutboxState::Pending;
}

// A null QString binds as SQL NULL; the outbox's text columns are NOT NULL.
QString text(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

Error sqlError(const QSqlQuery &query, const QString &doing)
{
    return Error::failure(QStringLiteral("The mailer could not %1: %2").arg(doing, query.lastError().text()));
}

// Runs a prepared statement with its bound values; an error names what it was doing.
Status run(QSqlQuery &query, const QString &doing)
{
    if (!query.exec())
        return fail(sqlError(query, doing));
    return {};
}

OutboxEntry entryFrom(const QSqlQuery &q)
{
    OutboxEntry e;
    e.tenantId = q.value(0).toString();
    e.deliveryId = q.value(1).toString();
    e.invoiceId = q.value(2).toString();
    e.requestPosition = q.value(3).toLongLong();
    e.state = stateFromText(q.value(4).toString());
    e.attempts = q.value(5).toInt();
    const qint64 nextMs = q.value(6).toLongLong();
    if (nextMs > 0)
        e.nextTry = QDateTime::fromMSecsSinceEpoch(nextMs, Qt::UTC);
    e.reason = q.value(7).toString();
    e.outcomeRecorded = q.value(8).toInt() != 0;
    return e;
}

// --- who is attempting ---------------------------------------------------------------------------

// The kernel's start time of a process (field 22 of /proc/PID/stat), "" when unknown: with the
// pid it names one process, even after the pid is reused.
QString processStartTicks(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return QString();
    const QByteArray text = stat.readAll();
    const qsizetype close = text.lastIndexOf(')');
    if (close < 0)
        return QString();
    const QList<QByteArray> fields = text.mid(close + 2).split(' ');
    return fields.size() > 19 ? QString::fromLatin1(fields.at(19)) : QString();
}

// Whether the process that wrote `owner` (processOwner()) still runs. Another machine's
// process cannot be checked; its lease decides.
bool ownerMayBeAlive(const QString &owner)
{
    const QStringList parts = owner.split(QLatin1Char('|'));
    if (parts.size() < 3)
        return false;
    if (parts.at(0) != QSysInfo::machineHostName())
        return true;
    bool ok = false;
    const qint64 pid = parts.at(1).toLongLong(&ok);
    if (!ok || pid <= 0)
        return false;
    if (::kill(pid_t(pid), 0) != 0 && errno == ESRCH)
        return false;
    const QString ticks = processStartTicks(pid);
    return ticks.isEmpty() || parts.at(2).isEmpty() || ticks == parts.at(2);
}

QString domainOf(const QString &address)
{
    return address.mid(address.lastIndexOf(QLatin1Char('@')) + 1);
}

} // namespace

QString outboxStateName(OutboxState state)
{
    return stateText(state);
}

QString Mailer::processOwner()
{
    static const QString owner = QStringLiteral("%1|%2|%3|%4")
                                     .arg(QSysInfo::machineHostName())
                                     .arg(qint64(::getpid()))
                                     .arg(processStartTicks(::getpid()))
                                     .arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
    return owner;
}

// --- Mailer -------------------------------------------------------------------------------------

struct Mailer::Prepared
{
    SmtpSettings settings;
    MailMessage message;
};

Mailer::Mailer(InvoicingService &service, const QString &tenantId, MailerOptions options, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_tenantId(tenantId)
    , m_options(std::move(options))
{
    if (m_options.clock) {
        m_clock = m_options.clock;
    } else {
        m_systemClock = std::make_unique<SystemClock>();
        m_clock = m_systemClock.get();
    }
    m_options.maxAttempts = std::max(1, m_options.maxAttempts);
}

Mailer::~Mailer() = default;

QDateTime Mailer::now() const
{
    return m_clock->nowUtc();
}

qint64 Mailer::retryDelayMs(int attempts) const
{
    qint64 delay = std::max<qint64>(0, m_options.firstRetryDelayMs);
    for (int i = 1; i < attempts && delay < m_options.maxRetryDelayMs; ++i)
        delay *= 4;
    return std::min(delay, std::max<qint64>(0, m_options.maxRetryDelayMs));
}

Status Mailer::open()
{
    SqliteEventStore &store = m_service.store();
    if (store.isReadOnly())
        return fail(Error::failure(QStringLiteral("The store %1 is read-only: nothing can be sent from it").arg(store.path())));
    if (Status s = store.writeTransaction([](QSqlDatabase &db) -> Status {
            for (const char *sql : kSchema) {
                QSqlQuery q(db);
                if (!q.exec(QString::fromLatin1(sql)))
                    return fail(sqlError(q, QStringLiteral("create its outbox")));
            }
            return {};
        });
        !s)
        return s;

    QSqlQuery has(store.database());
    has.prepare(QStringLiteral("SELECT position FROM mailer_checkpoint WHERE tenant = ?"));
    has.addBindValue(m_tenantId);
    if (Status s = run(has, QStringLiteral("read its checkpoint")); !s)
        return s;
    const bool firstStart = !has.next();
    has.finish();

    if (firstStart) {
        // The requests already in the log that never got an outcome: recorded as not sent.
        // Read outside the write lock (the log may be long); a request appended meanwhile lies
        // after `head` and is sent normally.
        const Result<qint64> head = store.headPosition();
        if (!head)
            return fail(head.error());
        QList<RecordedEvent> requests;
        QSet<QString> settled;
        if (Status s = store.scan(m_tenantId, 1, *head,
                                  [&](const RecordedEvent &e) {
                                      if (e.type == Wire::Event::InvoiceSendRequested)
                                          requests << e;
                                      else if (e.type == Wire::Event::InvoiceSent || e.type == Wire::Event::InvoiceSendFailed)
                                          settled.insert(e.payload.value(QStringLiteral("deliveryId")).toString());
                                      return true;
                                  });
            !s)
            return s;
        const qint64 nowMs = now().toMSecsSinceEpoch();
        if (Status s = store.writeTransaction([&](QSqlDatabase &db) -> Status {
                QSqlQuery again(db);
                again.prepare(QStringLiteral("SELECT 1 FROM mailer_checkpoint WHERE tenant = ?"));
                again.addBindValue(m_tenantId);
                if (Status r = run(again, QStringLiteral("read its checkpoint")); !r)
                    return r;
                if (again.next())
                    return {};  // another mailer started first
                again.finish();
                QSqlQuery cp(db);
                cp.prepare(QStringLiteral("INSERT INTO mailer_checkpoint (tenant, position, started_ms) VALUES (?, ?, ?)"));
                cp.addBindValue(m_tenantId);
                cp.addBindValue(*head);
                cp.addBindValue(nowMs);
                if (Status r = run(cp, QStringLiteral("set its checkpoint")); !r)
                    return r;
                for (const RecordedEvent &e : std::as_const(requests)) {
                    const QString deliveryId = e.payload.value(QStringLiteral("deliveryId")).toString();
                    if (deliveryId.isEmpty() || settled.contains(deliveryId))
                        continue;
                    QSqlQuery row(db);
                    row.prepare(QStringLiteral(
                        "INSERT OR IGNORE INTO mailer_outbox (tenant, delivery_id, invoice_id, request_position,"
                        " request_event_id, state, reason, recorded, updated_ms) VALUES (?, ?, ?, ?, ?, 'failed', ?, 0, ?)"));
                    row.addBindValue(m_tenantId);
                    row.addBindValue(deliveryId);
                    row.addBindValue(e.streamId);
                    row.addBindValue(e.position);
                    row.addBindValue(e.eventId);
                    row.addBindValue(kNotSentBeforeSetup);
                    row.addBindValue(nowMs);
                    if (Status r = run(row, QStringLiteral("record an old request")); !r)
                        return r;
                }
                return {};
            });
            !s)
            return s;
    }
    const Result<int> recovered = recover();
    if (!recovered)
        return fail(recovered.error());
    return {};
}

Result<int> Mailer::recover()
{
    SqliteEventStore &store = m_service.store();
    const qint64 nowMs = now().toMSecsSinceEpoch();

    // Attempts whose process is gone (or whose lease ran out): interrupted, never resent.
    QSqlQuery attempting(store.database());
    attempting.prepare(QStringLiteral("SELECT delivery_id, owner, lease_until_ms FROM mailer_outbox"
                                      " WHERE tenant = ? AND state = 'attempting'"));
    attempting.addBindValue(m_tenantId);
    if (Status s = run(attempting, QStringLiteral("read its outbox")); !s)
        return fail(s.error());
    QList<QPair<QString, QString>> orphans;
    while (attempting.next()) {
        const QString owner = attempting.value(1).toString();
        const bool leaseOver = attempting.value(2).toLongLong() < nowMs;
        if (owner != processOwner() && (leaseOver || !ownerMayBeAlive(owner)))
            orphans << qMakePair(attempting.value(0).toString(), owner);
    }
    attempting.finish();
    for (const auto &[deliveryId, owner] : std::as_const(orphans)) {
        Status s = store.writeTransaction([&](QSqlDatabase &db) -> Status {
            QSqlQuery q(db);
            q.prepare(QStringLiteral("UPDATE mailer_outbox SET state = 'failed', reason = ?, recorded = 0, owner = '',"
                                     " updated_ms = ? WHERE tenant = ? AND delivery_id = ? AND state = 'attempting'"
                                     " AND owner = ?"));
            q.addBindValue(kInterrupted);
            q.addBindValue(nowMs);
            q.addBindValue(m_tenantId);
            q.addBindValue(deliveryId);
            q.addBindValue(owner);
            return run(q, QStringLiteral("mark an interrupted attempt"));
        });
        if (!s)
            return fail(s.error());
    }

    // Outcomes in the outbox that the log does not have yet.
    QSqlQuery unrecorded(store.database());
    unrecorded.prepare(QStringLiteral("SELECT %1 FROM mailer_outbox WHERE tenant = ? AND state IN ('sent', 'failed')"
                                      " AND recorded = 0 ORDER BY request_position")
                           .arg(kColumns));
    unrecorded.addBindValue(m_tenantId);
    if (Status s = run(unrecorded, QStringLiteral("read its outbox")); !s)
        return fail(s.error());
    QList<OutboxEntry> toRecord;
    while (unrecorded.next())
        toRecord << entryFrom(unrecorded);
    unrecorded.finish();
    int settled = 0;
    for (const OutboxEntry &e : std::as_const(toRecord)) {
        if (Status s = recordOutcome(e); !s)
            return fail(s.error());
        ++settled;
        if (e.state == OutboxState::Sent)
            emit deliverySent(e.invoiceId, e.deliveryId);
        else
            emit deliveryFailed(e.invoiceId, e.deliveryId, e.reason);
    }
    return settled;
}

Result<QStringList> Mailer::catchUp()
{
    SqliteEventStore &store = m_service.store();
    QStringList added;
    QList<QPair<QString, QString>> queued;  // invoice, delivery
    const qint64 nowMs = now().toMSecsSinceEpoch();
    Status s = store.writeTransaction([&](QSqlDatabase &db) -> Status {
        added.clear();
        queued.clear();
        QSqlQuery cp(db);
        cp.prepare(QStringLiteral("SELECT position FROM mailer_checkpoint WHERE tenant = ?"));
        cp.addBindValue(m_tenantId);
        if (Status r = run(cp, QStringLiteral("read its checkpoint")); !r)
            return r;
        if (!cp.next())
            return fail(Error::failure(QStringLiteral("The mailer was not opened (it has no checkpoint)")));
        const qint64 from = cp.value(0).toLongLong() + 1;
        cp.finish();
        const Result<qint64> head = store.headPosition();
        if (!head)
            return fail(head.error());
        if (*head < from)
            return {};
        Status inserted;
        Status scanned = store.scan(m_tenantId, from, *head, [&](const RecordedEvent &e) {
            if (e.type != Wire::Event::InvoiceSendRequested)
                return true;
            const QString deliveryId = e.payload.value(QStringLiteral("deliveryId")).toString();
            if (deliveryId.isEmpty())
                return true;
            QSqlQuery row(db);
            row.prepare(QStringLiteral(
                "INSERT OR IGNORE INTO mailer_outbox (tenant, delivery_id, invoice_id, request_position,"
                " request_event_id, state, next_try_ms, updated_ms) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)"));
            row.addBindValue(m_tenantId);
            row.addBindValue(deliveryId);
            row.addBindValue(e.streamId);
            row.addBindValue(e.position);
            row.addBindValue(e.eventId);
            row.addBindValue(nowMs);
            row.addBindValue(nowMs);
            inserted = run(row, QStringLiteral("queue a delivery"));
            if (!inserted)
                return false;
            if (row.numRowsAffected() == 1) {
                added << deliveryId;
                queued << qMakePair(e.streamId, deliveryId);
            }
            return true;
        });
        if (!scanned)
            return scanned;
        if (!inserted)
            return inserted;
        QSqlQuery advance(db);
        advance.prepare(QStringLiteral("UPDATE mailer_checkpoint SET position = ? WHERE tenant = ?"));
        advance.addBindValue(*head);
        advance.addBindValue(m_tenantId);
        return run(advance, QStringLiteral("advance its checkpoint"));
    });
    if (!s)
        return fail(s.error());
    for (const auto &[invoiceId, deliveryId] : std::as_const(queued))
        emit deliveryQueued(invoiceId, deliveryId);
    return added;
}

Result<OutboxEntry> Mailer::entry(const QString &deliveryId)
{
    QSqlQuery q(m_service.store().database());
    q.prepare(QStringLiteral("SELECT %1 FROM mailer_outbox WHERE tenant = ? AND delivery_id = ?").arg(kColumns));
    q.addBindValue(m_tenantId);
    q.addBindValue(deliveryId);
    if (Status s = run(q, QStringLiteral("read its outbox")); !s)
        return fail(s.error());
    if (!q.next())
        return fail(Error::notFound(QStringLiteral("The mailer has no delivery %1").arg(deliveryId)));
    const OutboxEntry e = entryFrom(q);
    q.finish();
    return e;
}

Result<QList<OutboxEntry>> Mailer::entries()
{
    QSqlQuery q(m_service.store().database());
    q.prepare(QStringLiteral("SELECT %1 FROM mailer_outbox WHERE tenant = ? ORDER BY request_position").arg(kColumns));
    q.addBindValue(m_tenantId);
    if (Status s = run(q, QStringLiteral("read its outbox")); !s)
        return fail(s.error());
    QList<OutboxEntry> out;
    while (q.next())
        out << entryFrom(q);
    return out;
}

Result<std::optional<QDateTime>> Mailer::nextDue()
{
    QSqlQuery q(m_service.store().database());
    q.prepare(QStringLiteral("SELECT MIN(next_try_ms) FROM mailer_outbox WHERE tenant = ? AND state IN ('pending', 'retry')"));
    q.addBindValue(m_tenantId);
    if (Status s = run(q, QStringLiteral("read its outbox")); !s)
        return fail(s.error());
    if (!q.next() || q.value(0).isNull())
        return std::optional<QDateTime>();
    return std::optional<QDateTime>(QDateTime::fromMSecsSinceEpoch(q.value(0).toLongLong(), Qt::UTC));
}

Result<Mailer::Prepared> Mailer::prepare(const InvoiceState &invoice, const Delivery &delivery)
{
    const auto refuse = [](const QString &reason) { return fail(Error::validation(reason)); };
    if (invoice.status == InvoiceStatus::Void || invoice.status == InvoiceStatus::Deleted)
        return refuse(QStringLiteral("Not sent: invoice %1 was %2 before it could be sent")
                          .arg(invoice.number.isEmpty() ? invoice.id : invoice.number,
                               invoice.status == InvoiceStatus::Void ? QStringLiteral("voided") : QStringLiteral("deleted")));

    const Result<Loaded<TenantState>> tenant = m_service.loadTenant(m_tenantId);
    if (!tenant && tenant.error().kind != ErrorKind::NotFound)
        return fail(tenant.error());
    const std::optional<MailSettings> mail = tenant ? tenant->state.mail : std::nullopt;
    const QString url = !m_options.smtpUrl.isEmpty() ? m_options.smtpUrl : (mail ? mail->smtpUrl : QString());
    if (url.isEmpty())
        return refuse(QStringLiteral("No mail server is set up: set the SMTP server and sender address in Settings "
                                     "(SetMailSettings), or give billstream-cli send --smtp"));
    Result<SmtpSettings> parsed = parseSmtpUrl(url);
    if (!parsed)
        return refuse(QStringLiteral("The mail settings are not valid: ") + parsed.error().message);
    Prepared p;
    p.settings = *parsed;
    p.settings.caFile = m_options.caFile;
    p.settings.allowPlaintext = m_options.allowPlaintext;
    p.settings.timeoutSeconds = m_options.timeoutSeconds;
    p.settings.resolveTo = m_options.resolveTo;
    if (!p.settings.username.isEmpty()) {
        const SmtpAccount account{p.settings.url.host(QUrl::FullyEncoded), p.settings.url.port(), p.settings.username};
        Result<QString> password = m_options.password ? m_options.password(account) : SmtpPasswordStore::read(account);
        if (!password)
            return refuse(password.error().message);
        p.settings.password = *password;
    }
    if (Status valid = validateSmtpSettings(p.settings); !valid)
        return refuse(QStringLiteral("The mail settings are not valid: ") + valid.error().message);

    // The sender: the mail settings, else the company's own address as frozen on the invoice.
    QString from = mail ? mail->fromAddress : QString();
    QString fromName = mail ? mail->fromName : QString();
    if (from.isEmpty() && invoice.seller)
        from = invoice.seller->email;
    if (from.isEmpty() && tenant && tenant->state.profile)
        from = tenant->state.profile->email;
    if (fromName.isEmpty() && invoice.seller)
        fromName = invoice.seller->name;
    if (!isValidMailAddress(from))
        return refuse(from.isEmpty() ? QStringLiteral("No sender address: set one in Settings (SetMailSettings fromAddress)")
                                     : QStringLiteral("The sender address '%1' is not valid").arg(from));
    if (!isValidMailAddress(delivery.to))
        return refuse(QStringLiteral("The recipient address '%1' is not valid").arg(delivery.to));

    Result<InvoiceDocument> document = loadInvoiceDocument(m_service, m_tenantId, invoice.id);
    if (!document)
        return refuse(QStringLiteral("The invoice PDF could not be made: ") + document.error().message);
    Result<QByteArray> pdf = renderInvoicePdf(*document, m_options.paper.value_or(defaultPaperSize(*document)));
    if (!pdf)
        return refuse(QStringLiteral("The invoice PDF could not be made: ") + pdf.error().message);

    p.message.fromAddress = from;
    p.message.fromName = fromName;
    p.message.to = {delivery.to};
    p.message.subject = delivery.subject;
    p.message.textBody = delivery.message;
    p.message.attachments = {{document->fileName(), QStringLiteral("application/pdf"), *pdf}};
    p.message.messageId = makeMessageId(delivery.deliveryId, domainOf(from));
    p.message.date = now();
    if (Status valid = validateMailMessage(p.message); !valid)
        return refuse(valid.error().message);
    return p;
}

Status Mailer::recordOutcome(const OutboxEntry &e)
{
    SqliteEventStore &store = m_service.store();
    const auto markRecorded = [&]() -> Status {
        return store.writeTransaction([&](QSqlDatabase &db) -> Status {
            QSqlQuery q(db);
            q.prepare(QStringLiteral("UPDATE mailer_outbox SET recorded = 1, updated_ms = ? WHERE tenant = ? AND delivery_id = ?"));
            q.addBindValue(now().toMSecsSinceEpoch());
            q.addBindValue(m_tenantId);
            q.addBindValue(e.deliveryId);
            return run(q, QStringLiteral("note a recorded outcome"));
        });
    };
    Result<Loaded<InvoiceState>> invoice = m_service.loadInvoice(m_tenantId, e.invoiceId);
    if (!invoice)
        return fail(invoice.error());
    const Delivery *delivery = invoice->state.delivery(e.deliveryId);
    // Already in the log (a crash after the append, before the outbox knew): nothing to add.
    // A failure never overwrites a success; a success after a failure (the interrupted attempt
    // that did go through) is appended, since the domain allows it.
    const bool inLog = delivery
        && (delivery->status == Delivery::Status::Sent
            || (delivery->status == Delivery::Status::Failed && e.state == OutboxState::Failed));
    if (delivery && !inLog) {
        EventMetadata metadata;
        metadata.actor = m_options.actor;
        metadata.correlationId = e.deliveryId;
        Result<QList<RecordedEvent>> request = store.readAll(m_tenantId, e.requestPosition, 1);
        if (request && !request->isEmpty() && request->first().position == e.requestPosition)
            metadata.causationId = request->first().eventId;
        const DeliveryOutcome outcome{e.deliveryId, e.state == OutboxState::Sent, e.reason};
        const Result<AppendResult> appended = m_service.recordDeliveryOutcome(m_tenantId, e.invoiceId, outcome, metadata);
        if (!appended)
            return fail(appended.error());
    }
    return markRecorded();
}

Result<OutboxEntry> Mailer::attempt(const QString &deliveryId)
{
    SqliteEventStore &store = m_service.store();
    Result<OutboxEntry> current = entry(deliveryId);
    if (!current && current.error().kind == ErrorKind::NotFound) {
        // Requested after the last catch-up.
        if (Result<QStringList> queued = catchUp(); !queued)
            return fail(queued.error());
        current = entry(deliveryId);
    }
    if (!current)
        return current;
    if (current->isSettled()) {
        if (!current->outcomeRecorded) {
            if (Status s = recordOutcome(*current); !s)
                return fail(s.error());
            return entry(deliveryId);
        }
        return current;
    }
    if (current->state == OutboxState::Attempting)
        return current;
    if (current->state == OutboxState::Retry && current->nextTry.isValid() && current->nextTry > now())
        return current;

    Result<Loaded<InvoiceState>> invoice = m_service.loadInvoice(m_tenantId, current->invoiceId);
    if (!invoice)
        return fail(invoice.error());
    const Delivery *delivery = invoice->state.delivery(deliveryId);
    if (!delivery)
        return fail(Error::failure(QStringLiteral("Invoice %1 has no delivery %2").arg(current->invoiceId, deliveryId)));

    const qint64 nowMs = now().toMSecsSinceEpoch();
    // Settles the row in one conditional UPDATE; false when another mailer changed it first.
    const auto settle = [&](OutboxState state, const QString &reason, const QString &onlyFrom,
                            const QString &owner) -> Result<bool> {
        bool changed = false;
        Status s = store.writeTransaction([&](QSqlDatabase &db) -> Status {
            QSqlQuery q(db);
            QString sql = QStringLiteral("UPDATE mailer_outbox SET state = ?, reason = ?, recorded = 0, owner = '',"
                                         " updated_ms = ? WHERE tenant = ? AND delivery_id = ? AND %1")
                              .arg(onlyFrom);
            if (!owner.isEmpty())
                sql += QStringLiteral(" AND owner = ?");
            q.prepare(sql);
            q.addBindValue(stateText(state));
            q.addBindValue(text(reason));
            q.addBindValue(now().toMSecsSinceEpoch());
            q.addBindValue(m_tenantId);
            q.addBindValue(deliveryId);
            if (!owner.isEmpty())
                q.addBindValue(owner);
            if (Status r = run(q, QStringLiteral("update its outbox")); !r)
                return r;
            changed = q.numRowsAffected() == 1;
            return {};
        });
        if (!s)
            return fail(s.error());
        return changed;
    };
    const QString waiting = QStringLiteral("state IN ('pending', 'retry')");

    // The log already has an outcome (recorded by a mailer that lost its outbox row's update).
    if (delivery->status != Delivery::Status::Requested) {
        const OutboxState state = delivery->status == Delivery::Status::Sent ? OutboxState::Sent : OutboxState::Failed;
        Result<bool> changed = settle(state, delivery->failureReason, waiting, {});
        if (!changed)
            return fail(changed.error());
        Result<OutboxEntry> settled = entry(deliveryId);
        if (settled && *changed) {
            if (Status s = recordOutcome(*settled); !s)
                return fail(s.error());
        }
        return entry(deliveryId);
    }

    Result<Prepared> prepared = prepare(invoice->state, *delivery);
    if (!prepared) {
        if (prepared.error().kind != ErrorKind::ValidationFailed)
            return fail(prepared.error());
        // Nothing was sent and trying again cannot help: failed at once.
        Result<bool> changed = settle(OutboxState::Failed, prepared.error().message, waiting, {});
        if (!changed)
            return fail(changed.error());
        if (*changed) {
            Result<OutboxEntry> failed = entry(deliveryId);
            if (!failed)
                return failed;
            if (Status s = recordOutcome(*failed); !s)
                return fail(s.error());
            emit deliveryFailed(failed->invoiceId, deliveryId, failed->reason);
        }
        return entry(deliveryId);
    }

    // Claim: committed before the SMTP call, so a crash from here on is seen as interrupted.
    const QString owner = processOwner();
    const qint64 leaseMs = (qint64(m_options.timeoutSeconds) * 20 + 120) * 1000;
    bool claimed = false;
    Status claim = store.writeTransaction([&](QSqlDatabase &db) -> Status {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("UPDATE mailer_outbox SET state = 'attempting', attempts = attempts + 1, owner = ?,"
                                 " lease_until_ms = ?, updated_ms = ? WHERE tenant = ? AND delivery_id = ? AND %1")
                      .arg(waiting));
        q.addBindValue(owner);
        q.addBindValue(nowMs + leaseMs);
        q.addBindValue(nowMs);
        q.addBindValue(m_tenantId);
        q.addBindValue(deliveryId);
        if (Status r = run(q, QStringLiteral("claim a delivery")); !r)
            return r;
        claimed = q.numRowsAffected() == 1;
        return {};
    });
    if (!claim)
        return fail(claim.error());
    if (!claimed)
        return entry(deliveryId);
    const int attemptNumber = current->attempts + 1;
    emit deliveryAttempting(current->invoiceId, deliveryId, attemptNumber);

    const SendOutcome outcome = SmtpClient(prepared->settings).send(prepared->message);

    const QString attempting = QStringLiteral("state = 'attempting'");
    if (outcome.sent) {
        // Stored even when another mailer declared this attempt interrupted meanwhile: the
        // server did accept it, and the log should say so.
        Result<bool> changed = settle(OutboxState::Sent, outcome.reason, QStringLiteral("state IN ('attempting', 'failed')"), {});
        if (!changed)
            return fail(changed.error());
        Result<OutboxEntry> sent = entry(deliveryId);
        if (!sent)
            return sent;
        if (Status s = recordOutcome(*sent); !s)
            return fail(s.error());
        emit deliverySent(sent->invoiceId, deliveryId);
        return entry(deliveryId);
    }

    const bool final = outcome.permanent || outcome.mayHaveBeenDelivered || attemptNumber >= m_options.maxAttempts;
    if (!final) {
        const qint64 delay = retryDelayMs(attemptNumber);
        const QDateTime next = now().addMSecs(delay);
        bool changed = false;
        Status s = store.writeTransaction([&](QSqlDatabase &db) -> Status {
            QSqlQuery q(db);
            q.prepare(QStringLiteral("UPDATE mailer_outbox SET state = 'retry', next_try_ms = ?, reason = ?, owner = '',"
                                     " updated_ms = ? WHERE tenant = ? AND delivery_id = ? AND state = 'attempting'"
                                     " AND owner = ?"));
            q.addBindValue(next.toMSecsSinceEpoch());
            q.addBindValue(text(outcome.reason));
            q.addBindValue(now().toMSecsSinceEpoch());
            q.addBindValue(m_tenantId);
            q.addBindValue(deliveryId);
            q.addBindValue(owner);
            if (Status r = run(q, QStringLiteral("schedule a retry")); !r)
                return r;
            changed = q.numRowsAffected() == 1;
            return {};
        });
        if (!s)
            return fail(s.error());
        if (changed)
            emit deliveryRetryScheduled(current->invoiceId, deliveryId, attemptNumber, next, outcome.reason);
        return entry(deliveryId);
    }

    QString reason = outcome.reason;
    if (outcome.mayHaveBeenDelivered)
        reason += QLatin1Char('.') + kMayHaveBeenDelivered;
    else if (!outcome.permanent && attemptNumber > 1)
        reason += QStringLiteral(" (gave up after %1 attempts)").arg(attemptNumber);
    Result<bool> changed = settle(OutboxState::Failed, reason, attempting, owner);
    if (!changed)
        return fail(changed.error());
    if (*changed) {
        Result<OutboxEntry> failed = entry(deliveryId);
        if (!failed)
            return failed;
        if (Status s = recordOutcome(*failed); !s)
            return fail(s.error());
        emit deliveryFailed(failed->invoiceId, deliveryId, failed->reason);
    }
    return entry(deliveryId);
}

Result<int> Mailer::attemptDue()
{
    if (Result<int> r = recover(); !r)
        return fail(r.error());
    if (Result<QStringList> r = catchUp(); !r)
        return fail(r.error());
    QSqlQuery q(m_service.store().database());
    q.prepare(QStringLiteral("SELECT delivery_id FROM mailer_outbox WHERE tenant = ? AND state IN ('pending', 'retry')"
                             " AND next_try_ms <= ? ORDER BY request_position"));
    q.addBindValue(m_tenantId);
    q.addBindValue(now().toMSecsSinceEpoch());
    if (Status s = run(q, QStringLiteral("read its outbox")); !s)
        return fail(s.error());
    QStringList due;
    while (q.next())
        due << q.value(0).toString();
    q.finish();
    int attempted = 0;
    for (const QString &deliveryId : std::as_const(due)) {
        Result<OutboxEntry> r = attempt(deliveryId);
        if (!r)
            return fail(r.error());
        ++attempted;
    }
    return attempted;
}

Result<OutboxEntry> Mailer::deliver(const QString &deliveryId, const std::function<void(qint64)> &wait)
{
    const auto pause = [&](qint64 ms) {
        if (wait)
            wait(ms);
        else if (ms > 0)
            QThread::msleep(static_cast<unsigned long>(ms));
    };
    for (;;) {
        Result<OutboxEntry> e = attempt(deliveryId);
        if (!e || e->isSettled())
            return e;
        if (e->state == OutboxState::Retry && e->nextTry.isValid()) {
            pause(std::max<qint64>(0, now().msecsTo(e->nextTry)));
        } else if (e->state == OutboxState::Attempting) {
            // Another mailer has it; see whether it finishes or dies.
            pause(1000);
            if (Result<int> r = recover(); !r)
                return fail(r.error());
        }
    }
}

Result<QJsonObject> retrySendCommand(const InvoiceState &invoice, const QString &deliveryId)
{
    const Delivery *delivery = invoice.delivery(deliveryId);
    if (!delivery)
        return fail(Error::notFound(QStringLiteral("Invoice %1 has no delivery %2").arg(invoice.id, deliveryId)));
    return QJsonObject{{QStringLiteral("command"), Wire::Command::SendInvoiceToCustomer},
                       {QStringLiteral("aggregateId"), invoice.id},
                       {QStringLiteral("payload"), QJsonObject{{QStringLiteral("to"), delivery->to},
                                                               {QStringLiteral("subject"), delivery->subject},
                                                               {QStringLiteral("message"), delivery->message}}}};
}

} // namespace Billstream
