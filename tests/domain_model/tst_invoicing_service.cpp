// InvoicingService against a real SqliteEventStore on disk: the talk's scenarios (slide 3,
// slides 27–34), numbering, idempotency, unique e-mails, payments, OVERDUE, tenant isolation,
// the mailer's outcomes and snapshots of long invoices.
#include "domaintesthelpers.h"

#include "core/domain/invoice.h"
#include "core/es/sqliteeventstore.h"

#include <QTemporaryDir>

using namespace Billstream;
using namespace Billstream::Testing;

namespace {

const QString A = QStringLiteral("acme");
const QString B = QStringLiteral("bolt");
const QString kAddress = QStringLiteral(R"({"street":"Main St 1","postalCode":"10115","city":"Berlin","country":"DE"})");

QStringList typesOf(const QList<RecordedEvent> &events)
{
    QStringList types;
    for (const RecordedEvent &e : events)
        types << e.type;
    return types;
}

} // namespace

class TstInvoicingService : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    ManualClock m_clock{QDateTime(QDate(2026, 11, 27), QTime(10, 0), Qt::UTC)};
    std::unique_ptr<SqliteEventStore> m_store;
    std::unique_ptr<InvoicingService> m_service;

    Result<AppendResult> exec(const QString &tenant, const QString &command)
    {
        return m_service->execute(tenant, json(command), QStringLiteral("test"));
    }

    // Runs a command that must succeed; returns its events.
    QList<RecordedEvent> must(const QString &tenant, const QString &command)
    {
        const Result<AppendResult> r = exec(tenant, command);
        if (!r) {
            qWarning("%s\n  failed: %s", qPrintable(command), qPrintable(r.error().toLine()));
            return {};
        }
        return r->events;
    }

    void setUpTenant(const QString &tenant)
    {
        QVERIFY(!must(tenant, QStringLiteral(R"({"command":"SetCompanyProfile","payload":{"name":"Lidan Ltd.","address":%1,"taxId":"DE999"}})").arg(kAddress)).isEmpty());
        QVERIFY(!must(tenant, QStringLiteral(R"({"command":"SetInvoiceDefaults","payload":{"currency":"EUR","taxRate":"19"}})")).isEmpty());
    }

    void createCustomer(const QString &tenant, const QString &id, const QString &email)
    {
        QVERIFY(!must(tenant, QStringLiteral(R"({"command":"CreateCustomer","aggregateId":"%1","payload":{"name":"Customer %1","email":"%2","address":%3}})")
                                  .arg(id, email, kAddress)).isEmpty());
    }

    void createInvoice(const QString &tenant, const QString &id, const QString &customerId, const QString &extra = {})
    {
        QVERIFY(!must(tenant, QStringLiteral(R"({"command":"CreateInvoice","aggregateId":"%1","payload":{"customerId":"%2"%3,
            "lineItems":[{"description":"Consulting","quantity":"2","unitPrice":"100.00"}]}})").arg(id, customerId, extra)).isEmpty());
    }

    QString issue(const QString &tenant, const QString &id, const QString &issueDate = {})
    {
        const QString payload = issueDate.isEmpty() ? QStringLiteral("{}") : QStringLiteral(R"({"issueDate":"%1"})").arg(issueDate);
        const QList<RecordedEvent> events = must(tenant, QStringLiteral(R"({"command":"IssueInvoice","aggregateId":"%1","payload":%2})").arg(id, payload));
        for (const RecordedEvent &e : events) {
            if (e.type == QLatin1String("InvoiceNumberAssigned"))
                return e.payload.value(QStringLiteral("number")).toString();
        }
        return {};
    }

    QJsonObject invoiceState(const QString &tenant, const QString &id, const LoadPoint &at = LoadPoint::head())
    {
        const Result<QJsonObject> s = m_service->invoiceState(tenant, id, at);
        if (!s)
            qWarning("invoiceState: %s", qPrintable(s.error().toLine()));
        return s.value_or(QJsonObject());
    }

private slots:
    void init();
    void cleanup();

    void talkSlide3CreateInvoice();
    void talkSlides27to34Concurrency();
    void conflictsOnTheSamePart();
    void issueNumbersAndFreezes();
    void issueDateOrder();
    void issueRefusals();
    void numberingPattern();
    void idempotentCommandIds();
    void uniqueCustomerEmail();
    void payments();
    void overdueIsDerived();
    void deliveryOutcomes();
    void tenantCommandsUseTheTenantId();
    void streamIdsAreSharedAcrossTypes();
    void notFoundAndPayloadReferences();
    void tenantIsolation();
    void timeTravel();
    void snapshotsOfLongInvoices();
};

void TstInvoicingService::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_clock.set(QDateTime(QDate(2026, 11, 27), QTime(10, 0), Qt::UTC));
    StoreOptions options;
    options.clock = &m_clock;
    options.anchorPath = m_dir->filePath(QStringLiteral("anchor"));
    auto store = SqliteEventStore::open(m_dir->filePath(QStringLiteral("store.sqlite")), options);
    QVERIFY2(store.has_value(), store ? "" : qPrintable(store.error().toLine()));
    m_store = std::move(*store);
    m_service = std::make_unique<InvoicingService>(*m_store, m_clock);
}

void TstInvoicingService::cleanup()
{
    m_service.reset();
    m_store.reset();
    m_dir.reset();
}

void TstInvoicingService::talkSlide3CreateInvoice()
{
    setUpTenant(A);
    createCustomer(A, QStringLiteral("lidanh"), QStringLiteral("lidan@example.com"));
    const QList<RecordedEvent> events = must(A, QStringLiteral(R"({"command":"CreateInvoice","aggregateId":"809f142f-afba-4cad-93b5-d26b3ae7a021",
        "payload":{"customerId":"lidanh","currency":"USD","lineItems":[{"description":"A","quantity":"1","unitPrice":"10"},{"description":"B","quantity":"2","unitPrice":"5"}]}})"));
    QCOMPARE(typesOf(events), list("InvoiceCreated", "InvoiceCustomerSet", "InvoiceCurrencySet", "InvoiceStatusSet", "LineItemAdded", "LineItemAdded"));
    QCOMPARE(events[1].payload.value(QStringLiteral("customerId")).toString(), QStringLiteral("lidanh"));
    QCOMPARE(events[2].payload.value(QStringLiteral("currency")).toString(), QStringLiteral("USD"));
    QCOMPARE(events[3].payload.value(QStringLiteral("status")).toString(), QStringLiteral("DRAFT"));
    for (qsizetype i = 0; i < events.size(); ++i) {
        QCOMPARE(events[i].version, i + 1);
        QCOMPARE(events[i].streamType, QStringLiteral("invoice"));
        QCOMPARE(events[i].metadata.actor, QStringLiteral("test"));
    }
    // What the store holds is what the command reported.
    const auto stored = m_store->readStream(A, QStringLiteral("809f142f-afba-4cad-93b5-d26b3ae7a021"));
    QVERIFY(stored.has_value());
    QCOMPARE(typesOf(*stored), typesOf(events));
    const QJsonObject state = invoiceState(A, QStringLiteral("809f142f-afba-4cad-93b5-d26b3ae7a021"));
    QCOMPARE(state.value(QStringLiteral("status")).toString(), QStringLiteral("DRAFT"));
    QCOMPARE(state.value(QStringLiteral("lineItems")).toArray().size(), 2);
    QCOMPARE(state.value(QStringLiteral("totals")).toObject().value(QStringLiteral("total")).toString(), QStringLiteral("23.80"));
}

void TstInvoicingService::talkSlides27to34Concurrency()
{
    setUpTenant(A);
    createCustomer(A, QStringLiteral("lidanh"), QStringLiteral("lidan@example.com"));
    // An empty draft: versions 1–4 (created, customer, currency, DRAFT). Every client below saw 4.
    QVERIFY(!must(A, QStringLiteral(R"({"command":"CreateInvoice","aggregateId":"inv","payload":{"customerId":"lidanh","currency":"USD"}})")).isEmpty());
    const QString add = QStringLiteral(R"({"command":"AddLineItem","aggregateId":"inv","expectedVersion":4,"payload":{"description":"%1","quantity":"1","unitPrice":"1","taxRate":"0"}})");

    // Slide 30: the first line item lands at 5.
    const QList<RecordedEvent> first = must(A, add.arg(QStringLiteral("first")));
    QCOMPARE(first.size(), 1);
    QCOMPARE(first[0].version, 5);
    // Slide 31: the second, sent with the same expected version, does not conflict: it rebases to 6.
    const QList<RecordedEvent> second = must(A, add.arg(QStringLiteral("second")));
    QCOMPARE(second.size(), 1);
    QCOMPARE(second[0].version, 6);
    QCOMPARE(second[0].type, QStringLiteral("LineItemAdded"));

    // Slides 33–34: "update" and "delete" both sent at version 4. Delete sees only line items
    // since then, touches none of them, and lands; the update then meets the status change.
    const QList<RecordedEvent> deleted = must(A, QStringLiteral(R"({"command":"DeleteInvoice","aggregateId":"inv","expectedVersion":4})"));
    QCOMPARE(deleted.size(), 1);
    QCOMPARE(deleted[0].version, 7);
    QCOMPARE(deleted[0].payload.value(QStringLiteral("status")).toString(), QStringLiteral("DELETED"));
    const Result<AppendResult> update = exec(A, QStringLiteral(R"({"command":"SetInvoiceNotes","aggregateId":"inv","expectedVersion":4,"payload":{"notes":"late"}})"));
    QVERIFY(!update.has_value());
    QCOMPARE(update.error().kind, ErrorKind::ConcurrentModification);
    QCOMPARE(update.error().exitCode(), 3);
    QVERIFY2(update.error().message.contains(QLatin1String("InvoiceStatusSet (version 7)")), qPrintable(update.error().message));
    const QJsonArray conflicting = update.error().details.value(QStringLiteral("conflictingEvents")).toArray();
    QCOMPARE(conflicting.size(), 1);
    QCOMPARE(conflicting[0].toObject().value(QStringLiteral("version")).toInteger(), 7);
    QCOMPARE(*m_store->streamVersion(A, QStringLiteral("inv")), 7);

    // An expected version from the future is a ConcurrentModification too.
    const Result<AppendResult> future = exec(A, QStringLiteral(R"({"command":"SetInvoiceNotes","aggregateId":"inv","expectedVersion":99,"payload":{"notes":"x"}})"));
    QVERIFY(!future.has_value());
    QCOMPARE(future.error().kind, ErrorKind::ConcurrentModification);
}

void TstInvoicingService::conflictsOnTheSamePart()
{
    setUpTenant(A);
    createCustomer(A, QStringLiteral("c1"), QStringLiteral("c1@example.com"));
    createInvoice(A, QStringLiteral("inv"), QStringLiteral("c1"));   // versions 1–5
    const QString notes = QStringLiteral(R"({"command":"SetInvoiceNotes","aggregateId":"inv","expectedVersion":5,"payload":{"notes":"%1"}})");
    QVERIFY(!must(A, notes.arg(QStringLiteral("one"))).isEmpty());
    // Same part: refused.
    const Result<AppendResult> again = exec(A, notes.arg(QStringLiteral("two")));
    QVERIFY(!again.has_value());
    QCOMPARE(again.error().kind, ErrorKind::ConcurrentModification);
    // Another part at the same expected version: rebased.
    QCOMPARE(must(A, QStringLiteral(R"({"command":"SetInvoiceDueDate","aggregateId":"inv","expectedVersion":5,"payload":{"dueDate":"2027-01-31"}})")).value(0).version, 7);
    // IssueInvoice conflicts with everything since its expected version.
    const Result<AppendResult> issued = exec(A, QStringLiteral(R"({"command":"IssueInvoice","aggregateId":"inv","expectedVersion":6})"));
    QVERIFY(!issued.has_value());
    QCOMPARE(issued.error().kind, ErrorKind::ConcurrentModification);
    QVERIFY(exec(A, QStringLiteral(R"({"command":"IssueInvoice","aggregateId":"inv","expectedVersion":7})")).has_value());

    // Customers: same field conflicts, other fields rebase, CustomerArchived conflicts with all.
    const QString rename = QStringLiteral(R"({"command":"RenameCustomer","aggregateId":"c1","expectedVersion":4,"payload":{"name":"%1"}})");
    QVERIFY(!must(A, rename.arg(QStringLiteral("N1"))).isEmpty());
    QCOMPARE(exec(A, rename.arg(QStringLiteral("N2"))).error().kind, ErrorKind::ConcurrentModification);
    QVERIFY(!must(A, QStringLiteral(R"({"command":"ChangeCustomerTaxId","aggregateId":"c1","expectedVersion":4,"payload":{"taxId":"X1"}})")).isEmpty());
    QVERIFY(!must(A, QStringLiteral(R"({"command":"ArchiveCustomer","aggregateId":"c1","expectedVersion":4})")).isEmpty());
    QCOMPARE(exec(A, QStringLiteral(R"({"command":"ChangeCustomerAddress","aggregateId":"c1","expectedVersion":6,"payload":{"address":%1}})").arg(kAddress)).error().kind,
             ErrorKind::ConcurrentModification);

    // Tenant: same field conflicts.
    const Result<qint64> tv = m_store->streamVersion(A, A);
    const QString pattern = QStringLiteral(R"({"command":"SetNumberingPattern","expectedVersion":%1,"payload":{"pattern":"%2"}})");
    QVERIFY(!must(A, pattern.arg(*tv).arg(QStringLiteral("A{YYYY}{SEQ}"))).isEmpty());
    QCOMPARE(exec(A, pattern.arg(*tv).arg(QStringLiteral("B{YYYY}{SEQ}"))).error().kind, ErrorKind::ConcurrentModification);
    QVERIFY(!must(A, QStringLiteral(R"({"command":"SetInvoiceDefaults","expectedVersion":%1,"payload":{"paymentTermsDays":7}})").arg(*tv)).isEmpty());
}

void TstInvoicingService::issueNumbersAndFreezes()
{
    setUpTenant(A);
    createCustomer(A, QStringLiteral("c1"), QStringLiteral("c1@example.com"));
    createInvoice(A, QStringLiteral("i1"), QStringLiteral("c1"));
    createInvoice(A, QStringLiteral("i2"), QStringLiteral("c1"));
    QCOMPARE(issue(A, QStringLiteral("i1")), QStringLiteral("INV-2026-0001"));
    QCOMPARE(issue(A, QStringLiteral("i2")), QStringLiteral("INV-2026-0002"));

    // The sequence stream: InvoiceNumberReserved at version = seq, one per issued invoice.
    const auto seq = m_store->readStream(A, QStringLiteral("invoice-number-2026"));
    QVERIFY(seq.has_value());
    QCOMPARE(seq->size(), 2);
    QCOMPARE((*seq)[1].streamType, QStringLiteral("sequence"));
    QCOMPARE((*seq)[1].type, QStringLiteral("InvoiceNumberReserved"));
    QCOMPARE((*seq)[1].version, 2);
    QCOMPARE((*seq)[1].payload.value(QStringLiteral("seq")).toInteger(), 2);
    QCOMPARE((*seq)[1].payload.value(QStringLiteral("invoiceId")).toString(), QStringLiteral("i2"));
    QCOMPARE((*seq)[1].payload.value(QStringLiteral("number")).toString(), QStringLiteral("INV-2026-0002"));
    // Same append, same position range as the invoice's events.
    const auto inv = m_store->readStream(A, QStringLiteral("i2"));
    QCOMPARE((*seq)[1].recordedAt, inv->last().recordedAt);

    QJsonObject state = invoiceState(A, QStringLiteral("i1"));
    QCOMPARE(state.value(QStringLiteral("status")).toString(), QStringLiteral("ISSUED"));
    QCOMPARE(state.value(QStringLiteral("issueDate")).toString(), QStringLiteral("2026-11-27"));
    QCOMPARE(state.value(QStringLiteral("dueDate")).toString(), QStringLiteral("2026-12-27"));   // 30 days by default
    QCOMPARE(state.value(QStringLiteral("seller")).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("Lidan Ltd."));
    QCOMPARE(state.value(QStringLiteral("buyer")).toObject().value(QStringLiteral("address")).toObject().value(QStringLiteral("city")).toString(), QStringLiteral("Berlin"));

    // Later changes of the customer or the company never alter the issued invoice.
    QVERIFY(!must(A, QStringLiteral(R"({"command":"ChangeCustomerAddress","aggregateId":"c1","payload":{"address":{"street":"Elm 2","postalCode":"1","city":"Dublin","country":"IE"}}})")).isEmpty());
    QVERIFY(!must(A, QStringLiteral(R"({"command":"SetCompanyProfile","payload":{"name":"Renamed Ltd.","address":%1}})").arg(kAddress)).isEmpty());
    QCOMPARE(invoiceState(A, QStringLiteral("i1")).value(QStringLiteral("buyer")), state.value(QStringLiteral("buyer")));
    QCOMPARE(invoiceState(A, QStringLiteral("i1")).value(QStringLiteral("seller")), state.value(QStringLiteral("seller")));
    // And its content is frozen.
    const Result<AppendResult> edit = exec(A, QStringLiteral(R"({"command":"SetInvoiceNotes","aggregateId":"i1","payload":{"notes":"x"}})"));
    QVERIFY(!edit.has_value());
    QCOMPARE(edit.error().kind, ErrorKind::ValidationFailed);
}

void TstInvoicingService::issueDateOrder()
{
    setUpTenant(A);
    createCustomer(A, QStringLiteral("c1"), QStringLiteral("c1@example.com"));
    for (const char *id : {"i1", "i2", "i3", "i4"})
        createInvoice(A, QString::fromLatin1(id), QStringLiteral("c1"));
    QCOMPARE(issue(A, QStringLiteral("i1"), QStringLiteral("2026-11-20")), QStringLiteral("INV-2026-0001"));
    const Result<AppendResult> earlier = exec(A, QStringLiteral(R"({"command":"IssueInvoice","aggregateId":"i2","payload":{"issueDate":"2026-11-19"}})"));
    QVERIFY(!earlier.has_value());
    QCOMPARE(errorSummary(earlier.error()), QStringLiteral("ValidationFailed: payload.issueDate"));
    QVERIFY2(earlier.error().message.contains(QLatin1String("INV-2026-0001")), qPrintable(earlier.error().message));
    // The same day is fine; another year has its own sequence.
    QCOMPARE(issue(A, QStringLiteral("i2"), QStringLiteral("2026-11-20")), QStringLiteral("INV-2026-0002"));
    QCOMPARE(issue(A, QStringLiteral("i3"), QStringLiteral("2025-12-31")), QStringLiteral("INV-2025-0001"));
    // The refused attempt took no number: the next is 3, without a gap.
    QCOMPARE(issue(A, QStringLiteral("i4")), QStringLiteral("INV-2026-0003"));
}

void TstInvoicingService::issueRefusals()
{
    createCustomer(A, QStringLiteral("c1"), QStringLiteral("c1@example.com"));
    QVERIFY(!must(A, QStringLiteral(R"({"command":"CreateInvoice","aggregateId":"empty","payload":{"customerId":"c1","currency":"EUR"}})")).isEmpty());
    QVERIFY(!must(A, QStringLiteral(R"({"command":"CreateInvoice","aggregateId":"full","payload":{"customerId":"c1","currency":"EUR",
        "lineItems":[{"description":"x","quantity":"1","unitPrice":"1","taxRate":"0"}]}})")).isEmpty());
    // No company profile yet (the tenant has no events) and no line items: both named.
    const Result<AppendResult> r = exec(A, QStringLiteral(R"({"command":"IssueInvoice","aggregateId":"empty"})"));
    QVERIFY(!r.has_value());
    QCOMPARE(errorSummary(r.error()), QStringLiteral("ValidationFailed: lineItems, companyProfile"));
    QVERIFY(r.error().message.contains(QLatin1String("no line items")));
    QVERIFY(r.error().message.contains(QLatin1String("company profile")));
    QCOMPARE(exec(A, QStringLiteral(R"({"command":"IssueInvoice","aggregateId":"full"})")).error().kind, ErrorKind::ValidationFailed);
    // No number was used by the refusals.
    QCOMPARE(*m_store->streamVersion(A, QStringLiteral("invoice-number-2026")), 0);
    setUpTenant(A);
    QCOMPARE(issue(A, QStringLiteral("full")), QStringLiteral("INV-2026-0001"));
}

void TstInvoicingService::numberingPattern()
{
    setUpTenant(A);
    createCustomer(A, QStringLiteral("c1"), QStringLiteral("c1@example.com"));
    for (const char *id : {"i1", "i2", "i3", "i4"})
        createInvoice(A, QString::fromLatin1(id), QStringLiteral("c1"));
    QCOMPARE(issue(A, QStringLiteral("i1")), QStringLiteral("INV-2026-0001"));
    const Result<AppendResult> bad = exec(A, QStringLiteral(R"({"command":"SetNumberingPattern","payload":{"pattern":"RE-{SEQ}"}})"));
    QVERIFY(!bad.has_value());
    QCOMPARE(errorSummary(bad.error()), QStringLiteral("ValidationFailed: payload.pattern"));
    QVERIFY(!must(A, QStringLiteral(R"({"command":"SetNumberingPattern","payload":{"pattern":"RE{YY}/{SEQ:3}"}})")).isEmpty());
    // The sequence of the year goes on under the new pattern.
    QCOMPARE(issue(A, QStringLiteral("i2")), QStringLiteral("RE26/002"));
    // {YY} repeats every century: 2126 starts its own sequence, and its second number would be
    // RE26/002 again. The number's unique claim refuses it, and no number of 2126 is used up.
    QCOMPARE(issue(A, QStringLiteral("i3"), QStringLiteral("2126-01-02")), QStringLiteral("RE26/001"));
    const Result<AppendResult> repeat = exec(A, QStringLiteral(R"({"command":"IssueInvoice","aggregateId":"i4","payload":{"issueDate":"2126-01-03"}})"));
    QVERIFY(!repeat.has_value());
    QCOMPARE(errorSummary(repeat.error()), QStringLiteral("ValidationFailed: numberingPattern"));
    QCOMPARE(*m_store->streamVersion(A, QStringLiteral("invoice-number-2126")), 1);
    QCOMPARE(invoiceState(A, QStringLiteral("i4")).value(QStringLiteral("status")).toString(), QStringLiteral("DRAFT"));
}

void TstInvoicingService::idempotentCommandIds()
{
    setUpTenant(A);
    createCustomer(A, QStringLiteral("c1"), QStringLiteral("c1@example.com"));
    const QString create = QStringLiteral(R"({"command":"CreateInvoice","commandId":"create-1","payload":{"customerId":"c1","lineItems":[{"description":"x","quantity":"1","unitPrice":"1"}]}})");
    const Result<AppendResult> first = exec(A, create);
    QVERIFY(first.has_value());
    QVERIFY(!first->replayed);
    const qint64 head = *m_store->headPosition();
    // A retry (a new aggregate id would be generated) reports the first run's events.
    const Result<AppendResult> retry = exec(A, create);
    QVERIFY2(retry.has_value(), retry ? "" : qPrintable(retry.error().toLine()));
    QVERIFY(retry->replayed);
    QCOMPARE(retry->events.size(), first->events.size());
    QCOMPARE(retry->events.first().streamId, first->events.first().streamId);
    QCOMPARE(retry->events.last().position, first->events.last().position);
    QCOMPARE(*m_store->headPosition(), head);

    // The same id for another command, or another aggregate, is refused.
    const Result<AppendResult> other = exec(A, QStringLiteral(R"({"command":"CreateInvoice","commandId":"create-1","payload":{"customerId":"c1","currency":"USD"}})"));
    QVERIFY(!other.has_value());
    QCOMPARE(errorSummary(other.error()), QStringLiteral("ValidationFailed: commandId"));
    const QString id = first->events.first().streamId;
    const QString notes = QStringLiteral(R"({"command":"SetInvoiceNotes","aggregateId":"%1","commandId":"n-1","payload":{"notes":"a"}})");
    QVERIFY(!must(A, notes.arg(id)).isEmpty());
    QVERIFY(exec(A, notes.arg(id))->replayed);
    createInvoice(A, QStringLiteral("other"), QStringLiteral("c1"));
    QCOMPARE(errorSummary(exec(A, notes.arg(QStringLiteral("other"))).error()), QStringLiteral("ValidationFailed: commandId"));
    QCOMPARE(*m_store->headPosition(), head + 1 + 5);

    // Command ids are scoped to the tenant.
    setUpTenant(B);
    createCustomer(B, QStringLiteral("c1"), QStringLiteral("c1@example.com"));
    const Result<AppendResult> inB = exec(B, create);
    QVERIFY(inB.has_value());
    QVERIFY(!inB->replayed);
    QCOMPARE(inB->events.first().tenantId, B);
}

void TstInvoicingService::uniqueCustomerEmail()
{
    createCustomer(A, QStringLiteral("c1"), QStringLiteral("ann@example.com"));
    const QString create = QStringLiteral(R"({"command":"CreateCustomer","aggregateId":"%1","payload":{"name":"X","email":"%2","address":%3}})");
    for (const char *variant : {"ann@example.com", "ANN@Example.COM", "  Ann@example.com\\t"}) {
        const Result<AppendResult> r = exec(A, create.arg(QStringLiteral("c2"), QString::fromUtf8(variant), kAddress));
        QVERIFY2(!r.has_value(), variant);
        QCOMPARE(errorSummary(r.error()), QStringLiteral("ValidationFailed: payload.email"));
    }
    // Stored trimmed, as typed.
    createCustomer(A, QStringLiteral("c2"), QStringLiteral(" Bob@Example.com "));
    QCOMPARE(m_service->customerState(A, QStringLiteral("c2"))->value(QStringLiteral("email")).toString(), QStringLiteral("Bob@Example.com"));
    // Changing to a taken address is refused; a case change of one's own address is not.
    QCOMPARE(errorSummary(exec(A, QStringLiteral(R"({"command":"ChangeCustomerEmail","aggregateId":"c2","payload":{"email":"ANN@example.com"}})")).error()),
             QStringLiteral("ValidationFailed: payload.email"));
    QVERIFY(!must(A, QStringLiteral(R"({"command":"ChangeCustomerEmail","aggregateId":"c2","payload":{"email":"bob@example.com"}})")).isEmpty());
    // A change releases the old address.
    QVERIFY(!must(A, QStringLiteral(R"({"command":"ChangeCustomerEmail","aggregateId":"c1","payload":{"email":"ann@new.example"}})")).isEmpty());
    createCustomer(A, QStringLiteral("c3"), QStringLiteral("Ann@Example.com"));
    QCOMPARE(*m_store->claimHolder(A, QStringLiteral("customer-email"), QStringLiteral("ann@example.com")), QStringLiteral("c3"));
    // Archiving releases it too; an archived customer takes no more changes.
    QVERIFY(!must(A, QStringLiteral(R"({"command":"ArchiveCustomer","aggregateId":"c3"})")).isEmpty());
    createCustomer(A, QStringLiteral("c4"), QStringLiteral("ann@example.com"));
    QCOMPARE(exec(A, QStringLiteral(R"({"command":"RenameCustomer","aggregateId":"c3","payload":{"name":"Y"}})")).error().kind, ErrorKind::ValidationFailed);
    // Per tenant: another tenant may use the same address.
    createCustomer(B, QStringLiteral("c1"), QStringLiteral("ann@example.com"));
}

void TstInvoicingService::payments()
{
    setUpTenant(A);
    createCustomer(A, QStringLiteral("c1"), QStringLiteral("c1@example.com"));
    createInvoice(A, QStringLiteral("i1"), QStringLiteral("c1"));   // 238.00 EUR
    const QString pay = QStringLiteral(R"({"command":"RecordPayment","aggregateId":"i1","payload":{"amount":"%1","date":"2026-11-28"}})");
    QCOMPARE(exec(A, pay.arg(QStringLiteral("1"))).error().kind, ErrorKind::ValidationFailed);   // a draft
    issue(A, QStringLiteral("i1"));
    QCOMPARE(typesOf(must(A, pay.arg(QStringLiteral("200")))), list("PaymentRecorded", "InvoiceStatusSet"));
    QCOMPARE(invoiceState(A, QStringLiteral("i1")).value(QStringLiteral("status")).toString(), QStringLiteral("PARTIALLY_PAID"));
    const Result<AppendResult> above = exec(A, pay.arg(QStringLiteral("38.01")));
    QVERIFY(!above.has_value());
    QCOMPARE(errorSummary(above.error()), QStringLiteral("ValidationFailed: payload.amount"));
    QVERIFY2(above.error().message.contains(QLatin1String("38.00")), qPrintable(above.error().message));
    QCOMPARE(typesOf(must(A, pay.arg(QStringLiteral("8")))), list("PaymentRecorded"));
    QCOMPARE(typesOf(must(A, pay.arg(QStringLiteral("30.00")))), list("PaymentRecorded", "InvoiceStatusSet"));
    const QJsonObject state = invoiceState(A, QStringLiteral("i1"));
    QCOMPARE(state.value(QStringLiteral("status")).toString(), QStringLiteral("PAID"));
    QCOMPARE(compact(state.value(QStringLiteral("totals")).toObject()),
             compact(json(QStringLiteral(R"({"net":"200.00","tax":"38.00","total":"238.00","paid":"238.00","due":"0.00"})"))));
    QCOMPARE(state.value(QStringLiteral("payments")).toArray().size(), 3);
    QCOMPARE(exec(A, pay.arg(QStringLiteral("0.01"))).error().kind, ErrorKind::ValidationFailed);
}

void TstInvoicingService::overdueIsDerived()
{
    setUpTenant(A);
    createCustomer(A, QStringLiteral("c1"), QStringLiteral("c1@example.com"));
    createInvoice(A, QStringLiteral("i1"), QStringLiteral("c1"), QStringLiteral(R"(,"dueDate":"2026-12-01")"));
    issue(A, QStringLiteral("i1"));
    QCOMPARE(invoiceState(A, QStringLiteral("i1")).value(QStringLiteral("overdue")).toBool(), false);
    const QDateTime beforeDue = m_clock.nowUtc();
    m_clock.set(QDateTime(QDate(2026, 12, 2), QTime(8, 0), Qt::UTC));
    QVERIFY(!must(A, QStringLiteral(R"({"command":"RecordPayment","aggregateId":"i1","payload":{"amount":"1","date":"2026-12-02"}})")).isEmpty());
    QJsonObject state = invoiceState(A, QStringLiteral("i1"));
    QCOMPARE(state.value(QStringLiteral("overdue")).toBool(), true);
    QCOMPARE(state.value(QStringLiteral("status")).toString(), QStringLiteral("PARTIALLY_PAID"));
    // As of a time before the due date it was not overdue (judged at that time).
    QCOMPARE(invoiceState(A, QStringLiteral("i1"), LoadPoint::asOf(beforeDue)).value(QStringLiteral("overdue")).toBool(), false);
    // Never stored.
    const auto all = m_store->readAll(A, 1, 1000);
    QVERIFY(all.has_value());
    for (const RecordedEvent &e : *all)
        QVERIFY(!QJsonDocument(e.payload).toJson().contains("OVERDUE"));
}

void TstInvoicingService::deliveryOutcomes()
{
    setUpTenant(A);
    createCustomer(A, QStringLiteral("c1"), QStringLiteral("c1@example.com"));
    createInvoice(A, QStringLiteral("i1"), QStringLiteral("c1"));
    QCOMPARE(exec(A, QStringLiteral(R"({"command":"SendInvoiceToCustomer","aggregateId":"i1"})")).error().kind, ErrorKind::ValidationFailed);
    issue(A, QStringLiteral("i1"));
    const QList<RecordedEvent> requested = must(A, QStringLiteral(R"({"command":"SendInvoiceToCustomer","aggregateId":"i1"})"));
    QCOMPARE(typesOf(requested), list("InvoiceSendRequested"));
    const QString delivery = requested[0].payload.value(QStringLiteral("deliveryId")).toString();
    QCOMPARE(delivery.size(), 36);
    QCOMPARE(requested[0].payload.value(QStringLiteral("to")).toString(), QStringLiteral("c1@example.com"));
    QCOMPARE(requested[0].payload.value(QStringLiteral("subject")).toString(), QStringLiteral("Invoice INV-2026-0001 from Lidan Ltd."));

    EventMetadata meta;
    meta.actor = QStringLiteral("mailer");
    meta.causationId = requested[0].eventId;
    Result<AppendResult> sent = m_service->recordDeliveryOutcome(A, QStringLiteral("i1"), {delivery, true, {}}, meta);
    QVERIFY2(sent.has_value(), sent ? "" : qPrintable(sent.error().toLine()));
    QCOMPARE(typesOf(sent->events), list("InvoiceSent", "InvoiceStatusSet"));
    QCOMPARE(sent->events[0].metadata.causationId, requested[0].eventId);
    QCOMPARE(invoiceState(A, QStringLiteral("i1")).value(QStringLiteral("status")).toString(), QStringLiteral("SENT"));
    // Reported again after a restart: nothing more.
    const qint64 head = *m_store->headPosition();
    sent = m_service->recordDeliveryOutcome(A, QStringLiteral("i1"), {delivery, true, {}}, meta);
    QVERIFY(sent.has_value());
    QVERIFY(sent->events.isEmpty());
    QCOMPARE(*m_store->headPosition(), head);

    const QString second = must(A, QStringLiteral(R"({"command":"SendInvoiceToCustomer","aggregateId":"i1","payload":{"to":"ap@corp.example"}})"))
                               .value(0).payload.value(QStringLiteral("deliveryId")).toString();
    const Result<AppendResult> failed = m_service->recordDeliveryOutcome(A, QStringLiteral("i1"), {second, false, QStringLiteral("550 mailbox unavailable")});
    QVERIFY(failed.has_value());
    QCOMPARE(typesOf(failed->events), list("InvoiceSendFailed"));
    QCOMPARE(failed->events[0].payload.value(QStringLiteral("reason")).toString(), QStringLiteral("550 mailbox unavailable"));
    const QJsonArray deliveries = invoiceState(A, QStringLiteral("i1")).value(QStringLiteral("deliveries")).toArray();
    QCOMPARE(deliveries.size(), 2);
    QCOMPARE(deliveries[1].toObject().value(QStringLiteral("status")).toString(), QStringLiteral("FAILED"));
    QCOMPARE(errorSummary(m_service->recordDeliveryOutcome(A, QStringLiteral("i1"), {QStringLiteral("nope"), true, {}}).error()),
             QStringLiteral("ValidationFailed: deliveryId"));
    QCOMPARE(m_service->recordDeliveryOutcome(B, QStringLiteral("i1"), {delivery, true, {}}).error().kind, ErrorKind::NotFound);
}

void TstInvoicingService::tenantCommandsUseTheTenantId()
{
    // A tenant without events reads as empty.
    Result<QJsonObject> empty = m_service->tenantState(A);
    QVERIFY(empty.has_value());
    QCOMPARE(empty->value(QStringLiteral("version")).toInteger(), 0);
    QCOMPARE(empty->value(QStringLiteral("numberingPattern")).toString(), QStringLiteral("INV-{YYYY}-{SEQ:4}"));
    QCOMPARE(empty->value(QStringLiteral("invoiceDefaults")).toObject().value(QStringLiteral("paymentTermsDays")).toInt(), 30);

    const QList<RecordedEvent> set = must(A, QStringLiteral(R"({"command":"SetInvoiceDefaults","aggregateId":"acme","payload":{"paymentTermsDays":14}})"));
    QCOMPARE(set.value(0).streamId, A);
    QCOMPARE(set.value(0).streamType, QStringLiteral("tenant"));
    const Result<AppendResult> wrong = exec(A, QStringLiteral(R"({"command":"SetInvoiceDefaults","aggregateId":"bolt","payload":{"paymentTermsDays":14}})"));
    QCOMPARE(errorSummary(wrong.error()), QStringLiteral("ValidationFailed: aggregateId"));
    QCOMPARE(m_service->tenantState(A)->value(QStringLiteral("invoiceDefaults")).toObject().value(QStringLiteral("paymentTermsDays")).toInt(), 14);
    // The store never sees a password.
    // (moc's preprocessor reads "//" in a raw string inside a macro as a comment: keep them outside.)
    const QString withPassword = text(R"({"command":"SetMailSettings","payload":{"smtpUrl":"smtp://h","fromAddress":"a@b.de","password":"p"}})");
    const QString settings = text(R"({"command":"SetMailSettings","payload":{"smtpUrl":"smtp://bill@h:587","fromAddress":"a@b.de"}})");
    QCOMPARE(exec(A, withPassword).error().kind,
             ErrorKind::ValidationFailed);
    QVERIFY(!must(A, settings).isEmpty());
    QCOMPARE(m_service->tenantState(A)->value(QStringLiteral("mailSettings")).toObject().value(QStringLiteral("smtpUrl")).toString(), QStringLiteral("smtp://bill@h:587"));
    QCOMPARE(errorSummary(m_service->execute(QStringLiteral("bad tenant"), json(QStringLiteral(R"({"command":"ArchiveCustomer","aggregateId":"c1"})"))).error()),
             QStringLiteral("ValidationFailed: tenant"));
}

void TstInvoicingService::streamIdsAreSharedAcrossTypes()
{
    createCustomer(A, QStringLiteral("shared"), QStringLiteral("s@example.com"));
    const Result<AppendResult> r = exec(A, QStringLiteral(R"({"command":"CreateInvoice","aggregateId":"shared","payload":{"customerId":"shared","currency":"EUR"}})"));
    QCOMPARE(errorSummary(r.error()), QStringLiteral("ValidationFailed: aggregateId"));
    QCOMPARE(errorSummary(exec(A, QStringLiteral(R"({"command":"CreateCustomer","aggregateId":"shared","payload":{"name":"x","email":"t@example.com","address":%1}})").arg(kAddress)).error()),
             QStringLiteral("ValidationFailed: aggregateId"));
    QCOMPARE(errorSummary(exec(A, QStringLiteral(R"({"command":"CreateCustomer","aggregateId":"acme","payload":{"name":"x","email":"t@example.com","address":%1}})").arg(kAddress)).error()),
             QStringLiteral("ValidationFailed: aggregateId"));
    // A customer id is no invoice: NotFound, as for any id that names no invoice.
    QCOMPARE(exec(A, QStringLiteral(R"({"command":"SetInvoiceNotes","aggregateId":"shared","payload":{"notes":"x"}})")).error().kind, ErrorKind::NotFound);
    QCOMPARE(m_service->invoiceState(A, QStringLiteral("shared")).error().message, QStringLiteral("no invoice with id 'shared'"));
}

void TstInvoicingService::notFoundAndPayloadReferences()
{
    setUpTenant(A);
    const Result<AppendResult> missing = exec(A, QStringLiteral(R"({"command":"AddLineItem","aggregateId":"ghost","payload":{"description":"x","quantity":"1","unitPrice":"1"}})"));
    QCOMPARE(missing.error().kind, ErrorKind::NotFound);
    QCOMPARE(missing.error().exitCode(), 4);
    QCOMPARE(missing.error().message, QStringLiteral("no invoice with id 'ghost'"));
    QCOMPARE(exec(A, QStringLiteral(R"({"command":"RenameCustomer","aggregateId":"ghost","payload":{"name":"x"}})")).error().kind, ErrorKind::NotFound);
    // A missing customer inside the payload is a violation of that field, not NotFound.
    const Result<AppendResult> noCustomer = exec(A, QStringLiteral(R"({"command":"CreateInvoice","payload":{"customerId":"ghost"}})"));
    QCOMPARE(errorSummary(noCustomer.error()), QStringLiteral("ValidationFailed: payload.customerId"));
    QCOMPARE(*m_store->headPosition(), 2);   // nothing written by the refusals
}

void TstInvoicingService::tenantIsolation()
{
    setUpTenant(A);
    createCustomer(A, QStringLiteral("cust-a"), QStringLiteral("a@example.com"));
    createInvoice(A, QStringLiteral("inv-a"), QStringLiteral("cust-a"));
    issue(A, QStringLiteral("inv-a"));
    setUpTenant(B);

    // B asking for A's ids gets exactly what it gets for ids nobody uses.
    const auto sameAsUnknown = [&](const QString &knownId, const std::function<Error(const QString &)> &probe) {
        const Error known = probe(knownId);
        Error unknown = probe(QStringLiteral("never-used"));
        unknown.message.replace(QStringLiteral("never-used"), knownId);
        QCOMPARE(known.kind, ErrorKind::NotFound);
        QCOMPARE(unknown.kind, known.kind);
        QCOMPARE(unknown.message, known.message);
        QCOMPARE(unknown.details, known.details);
    };
    const QString inv = QStringLiteral("inv-a");
    sameAsUnknown(inv, [&](const QString &id) { return m_service->invoiceState(B, id).error(); });
    sameAsUnknown(inv, [&](const QString &id) { return m_service->invoiceState(B, id, LoadPoint::version(3)).error(); });
    sameAsUnknown(inv, [&](const QString &id) { return m_service->invoiceState(B, id, LoadPoint::asOf(m_clock.nowUtc())).error(); });
    sameAsUnknown(QStringLiteral("cust-a"), [&](const QString &id) { return m_service->customerState(B, id).error(); });
    sameAsUnknown(inv, [&](const QString &id) {
        return exec(B, QStringLiteral(R"({"command":"SetInvoiceNotes","aggregateId":"%1","payload":{"notes":"x"}})").arg(id)).error();
    });
    sameAsUnknown(inv, [&](const QString &id) {
        return exec(B, QStringLiteral(R"({"command":"RecordPayment","aggregateId":"%1","expectedVersion":3,"payload":{"amount":"1","date":"2026-01-01"}})").arg(id)).error();
    });
    sameAsUnknown(QStringLiteral("cust-a"), [&](const QString &id) {
        return exec(B, QStringLiteral(R"({"command":"ArchiveCustomer","aggregateId":"%1","expectedVersion":4})").arg(id)).error();
    });
    sameAsUnknown(inv, [&](const QString &id) { return m_service->recordDeliveryOutcome(B, id, {QStringLiteral("d"), true, {}}).error(); });
    // Invoices of B naming A's customer: the same field violation as for any unknown customer.
    const Result<AppendResult> foreign = exec(B, QStringLiteral(R"({"command":"CreateInvoice","payload":{"customerId":"cust-a"}})"));
    QCOMPARE(errorSummary(foreign.error()), QStringLiteral("ValidationFailed: payload.customerId"));

    // B lists only its own events.
    const auto events = m_store->readAll(B, 1, 10000);
    QVERIFY(events.has_value());
    QVERIFY(!events->isEmpty());
    for (const RecordedEvent &e : *events) {
        QCOMPARE(e.tenantId, B);
        QVERIFY(e.streamId != QLatin1String("inv-a") && e.streamId != QLatin1String("cust-a"));
    }
    // B's ids are its own: creating A's ids in B behaves as for any free id.
    createCustomer(B, QStringLiteral("cust-a"), QStringLiteral("a@example.com"));
    createInvoice(B, QStringLiteral("inv-a"), QStringLiteral("cust-a"));
    QCOMPARE(issue(B, QStringLiteral("inv-a")), QStringLiteral("INV-2026-0001"));   // B's own sequence
    QCOMPARE(invoiceState(B, QStringLiteral("inv-a")).value(QStringLiteral("version")).toInteger(), 9);
    // And A's invoice is untouched by all of it.
    QCOMPARE(invoiceState(A, QStringLiteral("inv-a")).value(QStringLiteral("version")).toInteger(), 9);
    QCOMPARE(*m_store->streamVersion(A, QStringLiteral("invoice-number-2026")), 1);
    QCOMPARE(*m_store->streamVersion(B, QStringLiteral("invoice-number-2026")), 1);
}

void TstInvoicingService::timeTravel()
{
    setUpTenant(A);
    createCustomer(A, QStringLiteral("c1"), QStringLiteral("c1@example.com"));
    createInvoice(A, QStringLiteral("i1"), QStringLiteral("c1"));
    const QDateTime afterCreate = m_clock.nowUtc();
    m_clock.advanceMSecs(60'000);
    QVERIFY(!must(A, QStringLiteral(R"({"command":"SetInvoiceNotes","aggregateId":"i1","payload":{"notes":"later"}})")).isEmpty());
    QCOMPARE(invoiceState(A, QStringLiteral("i1"), LoadPoint::version(5)).value(QStringLiteral("notes")).toString(), QString());
    QCOMPARE(invoiceState(A, QStringLiteral("i1"), LoadPoint::asOf(afterCreate)).value(QStringLiteral("version")).toInteger(), 5);
    QCOMPARE(invoiceState(A, QStringLiteral("i1")).value(QStringLiteral("notes")).toString(), QStringLiteral("later"));
    QCOMPARE(m_service->invoiceState(A, QStringLiteral("i1"), LoadPoint::version(7)).error().kind, ErrorKind::NotFound);
    QCOMPARE(m_service->invoiceState(A, QStringLiteral("i1"), LoadPoint::asOf(afterCreate.addSecs(-3600))).error().kind, ErrorKind::NotFound);
    QCOMPARE(m_service->customerState(A, QStringLiteral("c1"), LoadPoint::version(4))->value(QStringLiteral("version")).toInteger(), 4);
}

void TstInvoicingService::snapshotsOfLongInvoices()
{
    setUpTenant(A);
    createCustomer(A, QStringLiteral("c1"), QStringLiteral("c1@example.com"));
    createInvoice(A, QStringLiteral("long"), QStringLiteral("c1"));
    const QString lineId = invoiceState(A, QStringLiteral("long")).value(QStringLiteral("lineItems")).toArray().first().toObject().value(QStringLiteral("lineItemId")).toString();
    // 1,000 events: line items added, updated and removed, notes rewritten.
    for (int i = 0; i < 995; ++i) {
        QString command;
        switch (i % 4) {
        case 0: command = QStringLiteral(R"({"command":"AddLineItem","aggregateId":"long","payload":{"lineItemId":"x%1","description":"Item %1","quantity":"%2","unitPrice":"1.5","taxRate":"7"}})").arg(i).arg(i + 1); break;
        case 1: command = QStringLiteral(R"({"command":"UpdateLineItem","aggregateId":"long","payload":{"lineItemId":"%1","quantity":"%2.25"}})").arg(lineId).arg(i); break;
        case 2: command = QStringLiteral(R"({"command":"RemoveLineItem","aggregateId":"long","payload":{"lineItemId":"x%1"}})").arg(i - 2); break;
        default: command = QStringLiteral(R"({"command":"SetInvoiceNotes","aggregateId":"long","payload":{"notes":"rev %1"}})").arg(i); break;
        }
        QVERIFY2(!must(A, command).isEmpty(), qPrintable(command));
    }
    QCOMPARE(*m_store->streamVersion(A, QStringLiteral("long")), 1000);

    // The full fold, without snapshots.
    const auto events = m_store->readStream(A, QStringLiteral("long"));
    QVERIFY(events.has_value());
    InvoiceState full;
    for (const RecordedEvent &e : *events)
        full = evolveInvoice(std::move(full), e);

    // Loading stored snapshots along the way; a fold from the latest equals the full fold.
    const auto snap = m_store->loadSnapshot(A, QStringLiteral("long"));
    QVERIFY(snap.has_value() && snap->has_value());
    QCOMPARE((*snap)->aggregateType, QStringLiteral("invoice"));
    QCOMPARE((*snap)->schemaVersion, InvoiceSnapshotSchema);
    QVERIFY((*snap)->version >= 900);
    int restored = 0;
    AggregateType<InvoiceState> counting = invoiceAggregateType();
    counting.fromSnapshot = [&restored](const QJsonObject &o) {
        ++restored;
        return invoiceFromSnapshot(o);
    };
    const auto fromSnapshot = loadAggregate(*m_store, Upcasters(), counting, A, QStringLiteral("long"));
    QVERIFY(fromSnapshot.has_value());
    QCOMPARE(restored, 1);
    QCOMPARE(fromSnapshot->version, 1000);
    QCOMPARE(fromSnapshot->state, full);
    QCOMPARE(m_service->loadInvoice(A, QStringLiteral("long"))->state, full);

    // A snapshot is only an optimisation: one of another schema version is never used.
    Snapshot marked = **snap;
    marked.state.insert(QStringLiteral("notes"), QStringLiteral("from the snapshot"));
    QVERIFY(m_store->saveSnapshot(A, QStringLiteral("long"), marked).has_value());
    QCOMPARE(loadAggregate(*m_store, Upcasters(), invoiceAggregateType(), A, QStringLiteral("long"), LoadPoint::version(marked.version))->state.notes,
             QStringLiteral("from the snapshot"));   // same schema: used (that is what makes loads fast)
    AggregateType<InvoiceState> newer = invoiceAggregateType();
    newer.snapshotSchemaVersion = InvoiceSnapshotSchema + 1;
    newer.snapshotEvery = 0;
    restored = 0;
    newer.fromSnapshot = [&restored](const QJsonObject &o) {
        ++restored;
        return invoiceFromSnapshot(o);
    };
    const auto discarded = loadAggregate(*m_store, Upcasters(), newer, A, QStringLiteral("long"), LoadPoint::version(marked.version));
    QVERIFY(discarded.has_value());
    QCOMPARE(restored, 0);
    InvoiceState atVersion;
    for (const RecordedEvent &e : events->mid(0, marked.version))
        atVersion = evolveInvoice(std::move(atVersion), e);
    QCOMPARE(discarded->state, atVersion);
    QVERIFY(discarded->state.notes != QLatin1String("from the snapshot"));
}

QTEST_GUILESS_MAIN(TstInvoicingService)
#include "tst_invoicing_service.moc"
