// Invoice aggregate as given / when / then tables for every command of DOMAIN.md: happy paths
// and every refusal, plus evolve, the state JSON of CLI.md, OVERDUE, delivery outcomes, the
// conflict rule and snapshots. Pure decide/evolve, no store.
#include "domaintesthelpers.h"

#include "core/domain/invoice.h"

using namespace Billstream;
using namespace Billstream::Testing;

namespace {

const QDate kToday(2026, 11, 27);

QStringList draft()
{
    return list(R"(InvoiceCreated {"invoiceId":"i1"})",
            R"(InvoiceCustomerSet {"customerId":"c1"})",
            R"(InvoiceCurrencySet {"currency":"EUR"})",
            R"(InvoiceStatusSet {"status":"DRAFT"})",
            R"(LineItemAdded {"lineItemId":"l1","description":"Consulting","quantity":"2","unitPrice":"100.00","taxRate":"19","discountPercent":"0"})");
}

QStringList issued()
{
    return draft()
           + list(R"(InvoiceNumberAssigned {"number":"INV-2026-0001","issueDate":"2026-11-20"})",
                         R"(InvoiceDueDateSet {"dueDate":"2026-12-20"})",
                         R"(InvoicePartiesRecorded {"seller":{"name":"Lidan Ltd.","address":{"street":"Main St 1","postalCode":"10115","city":"Berlin","country":"DE"},"taxId":"DE999"},
                                                    "buyer":{"name":"Ann","address":{"street":"Elm 2","postalCode":"1","city":"Dublin","country":"IE"},"taxId":"","email":"ann@frozen.example"}})",
                         R"(InvoiceStatusSet {"status":"ISSUED"})");
}

QStringList sent()
{
    return issued()
           + list(R"(InvoiceSendRequested {"deliveryId":"d1","to":"ann@example.com","subject":"s","message":"m"})",
                         R"(InvoiceSent {"deliveryId":"d1"})", R"(InvoiceStatusSet {"status":"SENT"})");
}

QStringList partiallyPaid()
{
    return issued()
           + list(R"(PaymentRecorded {"paymentId":"p1","amount":"100.00","date":"2026-11-21"})",
                         R"(InvoiceStatusSet {"status":"PARTIALLY_PAID"})");
}

QStringList paid()
{
    return partiallyPaid()
           + list(R"(PaymentRecorded {"paymentId":"p2","amount":"138.00","date":"2026-11-22"})",
                         R"(InvoiceStatusSet {"status":"PAID"})");
}

QStringList voided()
{
    return issued() + list(R"(InvoiceStatusSet {"status":"VOID","reason":"wrong"})");
}

QStringList deleted()
{
    return draft() + list(R"(InvoiceStatusSet {"status":"DELETED"})");
}

CompanyProfile lidan()
{
    CompanyProfile p;
    p.name = QStringLiteral("Lidan Ltd.");
    p.address = Address{QStringLiteral("Main St 1"), QStringLiteral("10115"), QStringLiteral("Berlin"), QStringLiteral("DE")};
    p.taxId = QStringLiteral("DE999");
    p.email = QStringLiteral("billing@lidan.example");
    p.iban = QStringLiteral("DE89370400440532013000");
    return p;
}

// The context of a row: a tenant with a profile, customer c1 (Ann), today 2026-11-27, and the
// changes named in `setup` (space separated): noProfile, defaults (EUR, 19 %), terms=N,
// pattern=P, seq=N@DATE, noCustomer, archivedCustomer.
InvoiceContext contextFor(const QString &setup)
{
    InvoiceContext ctx;
    ctx.today = kToday;
    ctx.tenant.profile = lidan();
    CustomerState ann;
    ann.id = QStringLiteral("c1");
    ann.exists = true;
    ann.name = QStringLiteral("Ann");
    ann.email = QStringLiteral("ann@example.com");
    ann.address = Address{QStringLiteral("Elm 2"), QStringLiteral("1"), QStringLiteral("Dublin"), QStringLiteral("IE")};
    ctx.customer = ann;
    ctx.newId = sequentialIds();
    for (const QString &token : setup.split(u' ', Qt::SkipEmptyParts)) {
        if (token == QLatin1String("noProfile")) {
            ctx.tenant.profile.reset();
        } else if (token == QLatin1String("defaults")) {
            ctx.tenant.defaults.currency = QStringLiteral("EUR");
            ctx.tenant.defaults.taxRate = *Decimal::parse(u"19", {}, 4);
        } else if (token.startsWith(QLatin1String("terms="))) {
            ctx.tenant.defaults.paymentTermsDays = token.mid(6).toInt();
        } else if (token.startsWith(QLatin1String("pattern="))) {
            ctx.tenant.numberingPattern = token.mid(8);
        } else if (token.startsWith(QLatin1String("seq="))) {
            const QStringList parts = token.mid(4).split(u'@');
            ctx.sequence.lastSeq = parts[0].toLongLong();
            ctx.sequence.lastIssueDate = QDate::fromString(parts[1], Qt::ISODate);
            ctx.sequence.lastNumber = QStringLiteral("INV-2026-%1").arg(ctx.sequence.lastSeq, 4, 10, QLatin1Char('0'));
        } else if (token == QLatin1String("noCustomer")) {
            ctx.customer.reset();
        } else if (token == QLatin1String("archivedCustomer")) {
            ctx.customer->archived = true;
        } else {
            qFatal("unknown setup token %s", qPrintable(token));
        }
    }
    return ctx;
}

InvoiceState stateOf(const QStringList &events)
{
    return fold(InvoiceState{}, recorded(QStringLiteral("invoice"), QStringLiteral("i1"), events), evolveInvoice);
}

QString cmd(const QString &name, const QString &payload = QStringLiteral("{}"))
{
    return QStringLiteral(R"({"command":"%1","aggregateId":"i1","payload":%2})").arg(name, payload);
}

Result<Decision> run(const QStringList &given, const QString &when, const QString &setup = {})
{
    const DecodedCommand command = decoded(when);
    return decideInvoice(stateOf(given), std::get<InvoiceCommand>(command.command), command.aggregateId, contextFor(setup));
}

} // namespace

class TstInvoiceModel : public QObject
{
    Q_OBJECT

private slots:
    void decide_data();
    void decide();
    void issueReservesTheNumberInTheSameAppend_data();
    void issueReservesTheNumberInTheSameAppend();
    void sendDefaults();
    void readsOnlyWhatItNeeds_data();
    void readsOnlyWhatItNeeds();
    void statusChangesFollowTheLifecycle();
    void evolveAndStateJson();
    void evolveIsTolerant();
    void overdue_data();
    void overdue();
    void deliveryOutcome_data();
    void deliveryOutcome();
    void conflicts_data();
    void conflicts();
    void snapshotRoundTrip();
};

void TstInvoiceModel::decide_data()
{
    QTest::addColumn<QStringList>("given");
    QTest::addColumn<QString>("when");
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QStringList>("then");
    QTest::addColumn<QString>("error");

    const QString item = QStringLiteral(R"({"description":"Extra","quantity":"1","unitPrice":"10","taxRate":"7"})");

    // CreateInvoice: talk slide 3 order, then due date and notes.
    QTest::newRow("create")
        << list()
        << QStringLiteral(R"({"command":"CreateInvoice","aggregateId":"i1","payload":{"customerId":"c1","currency":"USD","dueDate":"2026-12-31","notes":"Thanks",
              "lineItems":[{"description":"Consulting","quantity":"2","unitPrice":"100.00","taxRate":"19"},
                           {"lineItemId":"l2","description":"Travel","quantity":"1.5","unitPrice":"20","taxRate":"7.7","discountPercent":"10"}]}})")
        << ""
        << list(R"(InvoiceCreated {"invoiceId":"i1"})", R"(InvoiceCustomerSet {"customerId":"c1"})", R"(InvoiceCurrencySet {"currency":"USD"})",
                       R"(InvoiceStatusSet {"status":"DRAFT"})",
                       R"(LineItemAdded {"lineItemId":"gen-1","description":"Consulting","quantity":"2","unitPrice":"100.00","taxRate":"19","discountPercent":"0"})",
                       R"(LineItemAdded {"lineItemId":"l2","description":"Travel","quantity":"1.5","unitPrice":"20","taxRate":"7.7","discountPercent":"10"})",
                       R"(InvoiceDueDateSet {"dueDate":"2026-12-31"})", R"(InvoiceNotesSet {"notes":"Thanks"})")
        << "";
    QTest::newRow("create empty draft") << list() << cmd(QStringLiteral("CreateInvoice"), QStringLiteral(R"({"customerId":"c1","currency":"JPY"})")) << ""
                                        << list("InvoiceCreated", "InvoiceCustomerSet", R"(InvoiceCurrencySet {"currency":"JPY"})", "InvoiceStatusSet") << "";
    QTest::newRow("create with tenant defaults")
        << list() << cmd(QStringLiteral("CreateInvoice"), QStringLiteral(R"({"customerId":"c1","lineItems":[{"description":"a","quantity":"1","unitPrice":"1"}]})"))
        << "defaults"
        << list("InvoiceCreated", "InvoiceCustomerSet", R"(InvoiceCurrencySet {"currency":"EUR"})", "InvoiceStatusSet",
                       R"(LineItemAdded {"taxRate":"19"})")
        << "";
    QTest::newRow("create without currency or default") << list() << cmd(QStringLiteral("CreateInvoice"), QStringLiteral(R"({"customerId":"c1"})"))
                                                        << "" << list() << "ValidationFailed: payload.currency";
    QTest::newRow("create everything missing at once")
        << list() << cmd(QStringLiteral("CreateInvoice"), QStringLiteral(R"({"customerId":"nobody","lineItems":[{"description":"a","quantity":"1","unitPrice":"1"},
                                                                                                       {"description":"b","quantity":"1","unitPrice":"1","taxRate":"0"},
                                                                                                       {"description":"c","quantity":"1","unitPrice":"1"}]})"))
        << "noCustomer" << list()
        << "ValidationFailed: payload.customerId, payload.currency, payload.lineItems[0].taxRate, payload.lineItems[2].taxRate";
    QTest::newRow("create for an archived customer") << list() << cmd(QStringLiteral("CreateInvoice"), QStringLiteral(R"({"customerId":"c1","currency":"EUR"})"))
                                                     << "archivedCustomer" << list() << "ValidationFailed: payload.customerId";
    QTest::newRow("create on an existing id") << draft() << cmd(QStringLiteral("CreateInvoice"), QStringLiteral(R"({"customerId":"c1","currency":"EUR"})"))
                                              << "" << list() << "ValidationFailed: aggregateId";

    // Draft edits.
    QTest::newRow("set customer") << draft() << cmd(QStringLiteral("SetInvoiceCustomer"), QStringLiteral(R"({"customerId":"c1"})")) << ""
                                  << list(R"(InvoiceCustomerSet {"customerId":"c1"})") << "";
    QTest::newRow("set unknown customer") << draft() << cmd(QStringLiteral("SetInvoiceCustomer"), QStringLiteral(R"({"customerId":"c9"})")) << "noCustomer"
                                          << list() << "ValidationFailed: payload.customerId";
    QTest::newRow("set archived customer") << draft() << cmd(QStringLiteral("SetInvoiceCustomer"), QStringLiteral(R"({"customerId":"c1"})")) << "archivedCustomer"
                                           << list() << "ValidationFailed: payload.customerId";
    QTest::newRow("set currency") << draft() << cmd(QStringLiteral("SetInvoiceCurrency"), QStringLiteral(R"({"currency":"KWD"})")) << ""
                                  << list(R"(InvoiceCurrencySet {"currency":"KWD"})") << "";
    QTest::newRow("set due date") << draft() << cmd(QStringLiteral("SetInvoiceDueDate"), QStringLiteral(R"({"dueDate":"2027-01-15"})")) << ""
                                  << list(R"(InvoiceDueDateSet {"dueDate":"2027-01-15"})") << "";
    QTest::newRow("set notes") << draft() << cmd(QStringLiteral("SetInvoiceNotes"), QStringLiteral(R"({"notes":""})")) << ""
                               << list(R"(InvoiceNotesSet {"notes":""})") << "";
    QTest::newRow("add line item") << draft() << cmd(QStringLiteral("AddLineItem"), item) << ""
                                   << list(R"(LineItemAdded {"lineItemId":"gen-1","description":"Extra","quantity":"1","unitPrice":"10","taxRate":"7","discountPercent":"0"})") << "";
    QTest::newRow("add line item with default tax") << draft() << cmd(QStringLiteral("AddLineItem"), QStringLiteral(R"({"lineItemId":"l9","description":"a","quantity":"3","unitPrice":"1"})"))
                                                    << "defaults" << list(R"(LineItemAdded {"lineItemId":"l9","taxRate":"19"})") << "";
    QTest::newRow("add line item without tax") << draft() << cmd(QStringLiteral("AddLineItem"), QStringLiteral(R"({"description":"a","quantity":"3","unitPrice":"1"})"))
                                               << "" << list() << "ValidationFailed: payload.taxRate";
    QTest::newRow("add line item with a used id") << draft() << cmd(QStringLiteral("AddLineItem"), QStringLiteral(R"({"lineItemId":"l1","description":"a","quantity":"3","unitPrice":"1","taxRate":"0"})"))
                                                  << "" << list() << "ValidationFailed: payload.lineItemId";
    QTest::newRow("update line item") << draft() << cmd(QStringLiteral("UpdateLineItem"), QStringLiteral(R"({"lineItemId":"l1","quantity":"3","discountPercent":"5"})")) << ""
                                      << list(R"(LineItemUpdated {"lineItemId":"l1","quantity":"3","discountPercent":"5"})") << "";
    QTest::newRow("update unknown line item") << draft() << cmd(QStringLiteral("UpdateLineItem"), QStringLiteral(R"({"lineItemId":"l7","quantity":"3"})")) << ""
                                              << list() << "ValidationFailed: payload.lineItemId";
    QTest::newRow("remove line item") << draft() << cmd(QStringLiteral("RemoveLineItem"), QStringLiteral(R"({"lineItemId":"l1"})")) << ""
                                      << list(R"(LineItemRemoved {"lineItemId":"l1"})") << "";
    QTest::newRow("remove unknown line item") << draft() << cmd(QStringLiteral("RemoveLineItem"), QStringLiteral(R"({"lineItemId":"l7"})")) << ""
                                              << list() << "ValidationFailed: payload.lineItemId";

    // An issued invoice's content is frozen; a deleted one takes nothing; an unknown one is NotFound.
    const QList<std::pair<const char *, QString>> edits{
        {"SetInvoiceCustomer", QStringLiteral(R"({"customerId":"c1"})")},
        {"SetInvoiceCurrency", QStringLiteral(R"({"currency":"USD"})")},
        {"SetInvoiceDueDate", QStringLiteral(R"({"dueDate":"2027-01-01"})")},
        {"SetInvoiceNotes", QStringLiteral(R"({"notes":"x"})")},
        {"AddLineItem", item},
        {"UpdateLineItem", QStringLiteral(R"({"lineItemId":"l1","quantity":"1"})")},
        {"RemoveLineItem", QStringLiteral(R"({"lineItemId":"l1"})")},
    };
    for (const auto &[name, payload] : edits) {
        QTest::addRow("%s on issued", name) << issued() << cmd(QString::fromLatin1(name), payload) << "" << list() << "ValidationFailed";
        QTest::addRow("%s on paid", name) << paid() << cmd(QString::fromLatin1(name), payload) << "" << list() << "ValidationFailed";
        QTest::addRow("%s on deleted", name) << deleted() << cmd(QString::fromLatin1(name), payload) << "" << list() << "ValidationFailed";
        QTest::addRow("%s on unknown", name) << list() << cmd(QString::fromLatin1(name), payload) << "" << list() << "NotFound";
    }

    // IssueInvoice.
    QTest::newRow("issue today")
        << draft() << cmd(QStringLiteral("IssueInvoice")) << ""
        << list(R"(InvoiceNumberAssigned {"number":"INV-2026-0001","issueDate":"2026-11-27"})",
                       R"(InvoiceDueDateSet {"dueDate":"2026-12-27"})",
                       R"(InvoicePartiesRecorded {"seller":{"name":"Lidan Ltd.","address":{"street":"Main St 1","postalCode":"10115","city":"Berlin","country":"DE"},"taxId":"DE999",
                                                             "email":"billing@lidan.example","iban":"DE89370400440532013000"},
                                                  "buyer":{"name":"Ann","address":{"street":"Elm 2","postalCode":"1","city":"Dublin","country":"IE"},"taxId":"","email":"ann@example.com"}})",
                       R"(InvoiceStatusSet {"status":"ISSUED"})")
        << "";
    QTest::newRow("issue keeps a set due date") << draft() + list(R"(InvoiceDueDateSet {"dueDate":"2027-03-01"})") << cmd(QStringLiteral("IssueInvoice")) << ""
                                                << list("InvoiceNumberAssigned", "InvoicePartiesRecorded", "InvoiceStatusSet") << "";
    QTest::newRow("issue with payment terms") << draft() << cmd(QStringLiteral("IssueInvoice"), QStringLiteral(R"({"issueDate":"2026-11-27"})")) << "terms=14"
                                              << list("InvoiceNumberAssigned", R"(InvoiceDueDateSet {"dueDate":"2026-12-11"})", "InvoicePartiesRecorded", "InvoiceStatusSet") << "";
    QTest::newRow("issue continues the sequence") << draft() << cmd(QStringLiteral("IssueInvoice")) << "seq=7@2026-11-27"
                                                  << list(R"(InvoiceNumberAssigned {"number":"INV-2026-0008"})", "InvoiceDueDateSet", "InvoicePartiesRecorded", "InvoiceStatusSet") << "";
    QTest::newRow("issue with a custom pattern") << draft() << cmd(QStringLiteral("IssueInvoice"), QStringLiteral(R"({"issueDate":"2026-01-05"})")) << "pattern=R{YY}/{SEQ} seq=41@2026-01-05"
                                                 << list(R"(InvoiceNumberAssigned {"number":"R26/42","issueDate":"2026-01-05"})", "InvoiceDueDateSet", "InvoicePartiesRecorded", "InvoiceStatusSet") << "";
    QTest::newRow("issue date before the last issued") << draft() << cmd(QStringLiteral("IssueInvoice"), QStringLiteral(R"({"issueDate":"2026-11-26"})")) << "seq=7@2026-11-27"
                                                       << list() << "ValidationFailed: payload.issueDate";
    QTest::newRow("default issue date before the last issued") << draft() << cmd(QStringLiteral("IssueInvoice")) << "seq=7@2026-12-01"
                                                               << list() << "ValidationFailed: issueDate";
    QTest::newRow("issue without line items") << draft().mid(0, 4) << cmd(QStringLiteral("IssueInvoice")) << ""
                                              << list() << "ValidationFailed: lineItems";
    QTest::newRow("issue without company profile") << draft() << cmd(QStringLiteral("IssueInvoice")) << "noProfile"
                                                   << list() << "ValidationFailed: companyProfile";
    QTest::newRow("issue with nothing ready") << draft().mid(0, 4) << cmd(QStringLiteral("IssueInvoice"), QStringLiteral(R"({"issueDate":"2026-01-01"})")) << "noProfile archivedCustomer seq=3@2026-02-01"
                                              << list() << "ValidationFailed: lineItems, companyProfile, customerId, payload.issueDate";
    QTest::newRow("issue twice") << issued() << cmd(QStringLiteral("IssueInvoice")) << "" << list() << "ValidationFailed";
    QTest::newRow("issue deleted") << deleted() << cmd(QStringLiteral("IssueInvoice")) << "" << list() << "ValidationFailed";
    QTest::newRow("issue unknown") << list() << cmd(QStringLiteral("IssueInvoice")) << "" << list() << "NotFound";

    // SendInvoiceToCustomer.
    QTest::newRow("send issued") << issued() << cmd(QStringLiteral("SendInvoiceToCustomer")) << ""
                                 << list(R"(InvoiceSendRequested {"deliveryId":"gen-1","to":"ann@example.com","subject":"Invoice INV-2026-0001 from Lidan Ltd."})") << "";
    QTest::newRow("send with overrides") << sent() << cmd(QStringLiteral("SendInvoiceToCustomer"), QStringLiteral(R"({"to":"ap@corp.example","subject":"Your invoice","message":"Hi"})")) << ""
                                         << list(R"(InvoiceSendRequested {"to":"ap@corp.example","subject":"Your invoice","message":"Hi"})") << "";
    QTest::newRow("send to the frozen buyer when the customer is gone") << issued() << cmd(QStringLiteral("SendInvoiceToCustomer")) << "noCustomer"
                                                                        << list(R"(InvoiceSendRequested {"to":"ann@frozen.example"})") << "";
    QTest::newRow("send partially paid") << partiallyPaid() << cmd(QStringLiteral("SendInvoiceToCustomer")) << "" << list("InvoiceSendRequested") << "";
    QTest::newRow("send paid") << paid() << cmd(QStringLiteral("SendInvoiceToCustomer")) << "" << list("InvoiceSendRequested") << "";
    QTest::newRow("send draft") << draft() << cmd(QStringLiteral("SendInvoiceToCustomer")) << "" << list() << "ValidationFailed";
    QTest::newRow("send void") << voided() << cmd(QStringLiteral("SendInvoiceToCustomer")) << "" << list() << "ValidationFailed";
    QTest::newRow("send deleted") << deleted() << cmd(QStringLiteral("SendInvoiceToCustomer")) << "" << list() << "ValidationFailed";

    // RecordPayment.
    QTest::newRow("partial payment") << issued() << cmd(QStringLiteral("RecordPayment"), QStringLiteral(R"({"amount":"100","date":"2020-01-01","method":"cash"})")) << ""
                                     << list(R"(PaymentRecorded {"paymentId":"gen-1","amount":"100.00","date":"2020-01-01","method":"cash"})",
                                                    R"(InvoiceStatusSet {"status":"PARTIALLY_PAID"})") << "";
    QTest::newRow("full payment") << sent() << cmd(QStringLiteral("RecordPayment"), QStringLiteral(R"({"paymentId":"p9","amount":"238.00","date":"2026-11-27"})")) << ""
                                  << list(R"(PaymentRecorded {"paymentId":"p9","amount":"238.00"})", R"(InvoiceStatusSet {"status":"PAID"})") << "";
    QTest::newRow("rest of the payment") << partiallyPaid() << cmd(QStringLiteral("RecordPayment"), QStringLiteral(R"({"amount":"138","date":"2026-11-27"})")) << ""
                                         << list(R"(PaymentRecorded {"amount":"138.00"})", R"(InvoiceStatusSet {"status":"PAID"})") << "";
    QTest::newRow("another partial payment") << partiallyPaid() << cmd(QStringLiteral("RecordPayment"), QStringLiteral(R"({"amount":"0.01","date":"2026-11-27"})")) << ""
                                             << list(R"(PaymentRecorded {"amount":"0.01"})") << "";
    QTest::newRow("payment above due") << partiallyPaid() << cmd(QStringLiteral("RecordPayment"), QStringLiteral(R"({"amount":"138.01","date":"2026-11-27"})")) << ""
                                       << list() << "ValidationFailed: payload.amount";
    QTest::newRow("payment below the minor unit") << issued() << cmd(QStringLiteral("RecordPayment"), QStringLiteral(R"({"amount":"1.005","date":"2026-11-27"})")) << ""
                                                  << list() << "ValidationFailed: payload.amount";
    QTest::newRow("payment with a used id") << partiallyPaid() << cmd(QStringLiteral("RecordPayment"), QStringLiteral(R"({"paymentId":"p1","amount":"1","date":"2026-11-27"})")) << ""
                                            << list() << "ValidationFailed: payload.paymentId";
    QTest::newRow("payment on a draft") << draft() << cmd(QStringLiteral("RecordPayment"), QStringLiteral(R"({"amount":"1","date":"2026-11-27"})")) << ""
                                        << list() << "ValidationFailed";
    QTest::newRow("payment on paid") << paid() << cmd(QStringLiteral("RecordPayment"), QStringLiteral(R"({"amount":"1","date":"2026-11-27"})")) << ""
                                     << list() << "ValidationFailed";
    QTest::newRow("payment on void") << voided() << cmd(QStringLiteral("RecordPayment"), QStringLiteral(R"({"amount":"1","date":"2026-11-27"})")) << ""
                                     << list() << "ValidationFailed";
    QStringList yen = issued();
    yen[2] = QStringLiteral(R"(InvoiceCurrencySet {"currency":"JPY"})");
    QTest::newRow("yen payment with a fraction") << yen << cmd(QStringLiteral("RecordPayment"), QStringLiteral(R"({"amount":"100.5","date":"2026-11-27"})")) << ""
                                                 << list() << "ValidationFailed: payload.amount";
    QTest::newRow("yen payment") << yen << cmd(QStringLiteral("RecordPayment"), QStringLiteral(R"({"amount":"100","date":"2026-11-27"})")) << ""
                                 << list(R"(PaymentRecorded {"amount":"100"})", R"(InvoiceStatusSet {"status":"PARTIALLY_PAID"})") << "";

    // VoidInvoice and DeleteInvoice.
    QTest::newRow("void issued") << issued() << cmd(QStringLiteral("VoidInvoice"), QStringLiteral(R"({"reason":"wrong customer"})")) << ""
                                 << list(R"(InvoiceStatusSet {"status":"VOID","reason":"wrong customer"})") << "";
    QTest::newRow("void sent") << sent() << cmd(QStringLiteral("VoidInvoice"), QStringLiteral(R"({"reason":"x"})")) << "" << list("InvoiceStatusSet") << "";
    QTest::newRow("void partially paid") << partiallyPaid() << cmd(QStringLiteral("VoidInvoice"), QStringLiteral(R"({"reason":"x"})")) << "" << list("InvoiceStatusSet") << "";
    QTest::newRow("void draft") << draft() << cmd(QStringLiteral("VoidInvoice"), QStringLiteral(R"({"reason":"x"})")) << "" << list() << "ValidationFailed";
    QTest::newRow("void paid") << paid() << cmd(QStringLiteral("VoidInvoice"), QStringLiteral(R"({"reason":"x"})")) << "" << list() << "ValidationFailed";
    QTest::newRow("void twice") << voided() << cmd(QStringLiteral("VoidInvoice"), QStringLiteral(R"({"reason":"x"})")) << "" << list() << "ValidationFailed";
    QTest::newRow("delete draft") << draft() << cmd(QStringLiteral("DeleteInvoice")) << "" << list(R"(InvoiceStatusSet {"status":"DELETED"})") << "";
    QTest::newRow("delete issued") << issued() << cmd(QStringLiteral("DeleteInvoice")) << "" << list() << "ValidationFailed";
    QTest::newRow("delete twice") << deleted() << cmd(QStringLiteral("DeleteInvoice")) << "" << list() << "ValidationFailed";
    QTest::newRow("delete unknown") << list() << cmd(QStringLiteral("DeleteInvoice")) << "" << list() << "NotFound";
}

void TstInvoiceModel::decide()
{
    QFETCH(QStringList, given);
    QFETCH(QString, when);
    QFETCH(QString, setup);
    QFETCH(QStringList, then);
    QFETCH(QString, error);

    const Result<Decision> d = run(given, when, setup);
    if (!error.isEmpty()) {
        QVERIFY2(!d.has_value(), "the command was accepted");
        QCOMPARE(errorSummary(d.error()), error);
        QVERIFY(!d.error().message.isEmpty());
        return;
    }
    QVERIFY2(d.has_value(), d ? "" : qPrintable(d.error().toLine()));
    QString why;
    QVERIFY2(matchEvents(d->events, then, &why), qPrintable(why));
    // Only IssueInvoice writes beside the invoice's own stream.
    QCOMPARE(d->otherStreams.isEmpty(), !when.contains(QLatin1String("IssueInvoice")));
}

void TstInvoiceModel::issueReservesTheNumberInTheSameAppend_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QString>("issueDate");
    QTest::addColumn<QString>("stream");
    QTest::addColumn<qint64>("expectedVersion");   // -1: no stream yet
    QTest::addColumn<qint64>("seq");
    QTest::addColumn<QString>("number");

    QTest::newRow("first of the year") << "" << "2026-11-27" << "invoice-number-2026" << qint64(-1) << qint64(1) << "INV-2026-0001";
    QTest::newRow("after 41") << "seq=41@2026-02-01" << "2026-02-01" << "invoice-number-2026" << qint64(41) << qint64(42) << "INV-2026-0042";
    QTest::newRow("wide sequence") << "seq=12345@2026-02-01" << "2026-03-01" << "invoice-number-2026" << qint64(12345) << qint64(12346) << "INV-2026-12346";
    QTest::newRow("other year") << "" << "2027-01-01" << "invoice-number-2027" << qint64(-1) << qint64(1) << "INV-2027-0001";
}

void TstInvoiceModel::issueReservesTheNumberInTheSameAppend()
{
    QFETCH(QString, setup);
    QFETCH(QString, issueDate);
    QFETCH(QString, stream);
    QFETCH(qint64, expectedVersion);
    QFETCH(qint64, seq);
    QFETCH(QString, number);

    const Result<Decision> d = run(draft(), cmd(QStringLiteral("IssueInvoice"), QStringLiteral(R"({"issueDate":"%1"})").arg(issueDate)), setup);
    QVERIFY2(d.has_value(), d ? "" : qPrintable(d.error().toLine()));
    QCOMPARE(d->otherStreams.size(), 1);
    const StreamAppend &s = d->otherStreams.first();
    QCOMPARE(s.streamType, QStringLiteral("sequence"));
    QCOMPARE(s.streamId, stream);
    if (expectedVersion < 0) {
        QCOMPARE(s.expected.kind(), ExpectedVersion::Kind::NoStream);
    } else {
        QCOMPARE(s.expected.kind(), ExpectedVersion::Kind::Exact);
        QCOMPARE(s.expected.version(), expectedVersion);
    }
    QString why;
    QVERIFY2(matchEvents(s.events, {QStringLiteral(R"(InvoiceNumberReserved {"seq":%1,"number":"%2","invoiceId":"i1","issueDate":"%3"})").arg(seq).arg(number, issueDate)}, &why),
             qPrintable(why));
    QCOMPARE(d->events.first().payload.value(QStringLiteral("number")).toString(), number);
    QCOMPARE(d->claims.size(), 1);
    QCOMPARE(d->claims.first().kind, QStringLiteral("invoice-number"));
    QCOMPARE(d->claims.first().value, number);
    QCOMPARE(d->claims.first().streamId, QStringLiteral("i1"));
}

void TstInvoiceModel::sendDefaults()
{
    const Result<Decision> d = run(issued(), cmd(QStringLiteral("SendInvoiceToCustomer")));
    QVERIFY(d.has_value());
    const QString message = d->events.first().payload.value(QStringLiteral("message")).toString();
    // A short polite text naming the number, the total and the due date (DOMAIN.md).
    QVERIFY2(message.contains(QLatin1String("INV-2026-0001")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("238.00 EUR")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("2026-12-20")), qPrintable(message));
    QVERIFY2(message.startsWith(QLatin1String("Dear Ann,")), qPrintable(message));
    QVERIFY2(message.endsWith(QLatin1String("Lidan Ltd.")), qPrintable(message));
}

void TstInvoiceModel::readsOnlyWhatItNeeds_data()
{
    QTest::addColumn<QString>("when");
    QTest::addColumn<QString>("customer");   // the customer decide() is given
    QTest::addColumn<bool>("tenant");        // whether decide() reads the tenant

    QTest::newRow("create, all given") << QStringLiteral(R"({"command":"CreateInvoice","payload":{"customerId":"c7","currency":"EUR","lineItems":[{"description":"a","quantity":"1","unitPrice":"1","taxRate":"0"}]}})")
                                       << "c7" << false;
    QTest::newRow("create, default currency") << QStringLiteral(R"({"command":"CreateInvoice","payload":{"customerId":"c7"}})") << "c7" << true;
    QTest::newRow("create, default tax rate") << QStringLiteral(R"({"command":"CreateInvoice","payload":{"customerId":"c7","currency":"EUR","lineItems":[{"description":"a","quantity":"1","unitPrice":"1"}]}})")
                                              << "c7" << true;
    QTest::newRow("set customer") << cmd(QStringLiteral("SetInvoiceCustomer"), QStringLiteral(R"({"customerId":"c8"})")) << "c8" << false;
    QTest::newRow("add with tax rate") << cmd(QStringLiteral("AddLineItem"), QStringLiteral(R"({"description":"a","quantity":"1","unitPrice":"1","taxRate":"0"})")) << "" << false;
    QTest::newRow("add without tax rate") << cmd(QStringLiteral("AddLineItem"), QStringLiteral(R"({"description":"a","quantity":"1","unitPrice":"1"})")) << "" << true;
    QTest::newRow("issue") << cmd(QStringLiteral("IssueInvoice")) << "c1" << true;
    QTest::newRow("send") << cmd(QStringLiteral("SendInvoiceToCustomer")) << "c1" << false;
    QTest::newRow("payment") << cmd(QStringLiteral("RecordPayment"), QStringLiteral(R"({"amount":"1","date":"2026-01-01"})")) << "" << false;
    QTest::newRow("notes") << cmd(QStringLiteral("SetInvoiceNotes"), QStringLiteral(R"({"notes":"n"})")) << "" << false;
}

void TstInvoiceModel::readsOnlyWhatItNeeds()
{
    QFETCH(QString, when);
    QFETCH(QString, customer);
    QFETCH(bool, tenant);
    const InvoiceCommand command = std::get<InvoiceCommand>(decoded(when).command);
    QCOMPARE(customerNeeded(stateOf(draft()), command), customer);
    QCOMPARE(tenantNeeded(command), tenant);
}

void TstInvoiceModel::statusChangesFollowTheLifecycle()
{
    // Every InvoiceStatusSet a command decides moves to a status allowedNextStatuses() lists.
    const QList<QStringList> histories{draft(), issued(), sent(), partiallyPaid(), paid(), voided(), deleted()};
    const QStringList commands{cmd(QStringLiteral("IssueInvoice")), cmd(QStringLiteral("DeleteInvoice")),
                               cmd(QStringLiteral("VoidInvoice"), QStringLiteral(R"({"reason":"r"})")),
                               cmd(QStringLiteral("RecordPayment"), QStringLiteral(R"({"amount":"1","date":"2026-11-27"})")),
                               cmd(QStringLiteral("RecordPayment"), QStringLiteral(R"({"amount":"138","date":"2026-11-27"})")),
                               cmd(QStringLiteral("RecordPayment"), QStringLiteral(R"({"amount":"238","date":"2026-11-27"})"))};
    int changes = 0;
    for (const QStringList &history : histories) {
        const InvoiceStatus from = stateOf(history).status;
        for (const QString &command : commands) {
            const Result<Decision> d = run(history, command);
            if (!d)
                continue;
            for (const NewEvent &e : d->events) {
                if (e.type != QLatin1String("InvoiceStatusSet"))
                    continue;
                const InvoiceStatus to = statusFromName(e.payload.value(QStringLiteral("status")).toString());
                QVERIFY2(to != from, qPrintable(command));
                QVERIFY2(allowedNextStatuses(from).contains(to), qPrintable(statusName(from) + QStringLiteral(" → ") + statusName(to)));
                ++changes;
            }
        }
    }
    QCOMPARE(changes, 12);
}

void TstInvoiceModel::evolveAndStateJson()
{
    const QStringList events = sent()
                               + list(R"(PaymentRecorded {"paymentId":"p1","amount":"38.00","date":"2026-11-30","method":"card"})",
                                             R"(InvoiceStatusSet {"status":"PARTIALLY_PAID"})",
                                             R"(InvoiceSendRequested {"deliveryId":"d2","to":"x@y.de","subject":"again","message":"m"})",
                                             R"(InvoiceSendFailed {"deliveryId":"d2","reason":"mailbox full"})");
    const auto recordedEvents = recorded(QStringLiteral("invoice"), QStringLiteral("i1"), events);
    const InvoiceState s = fold(InvoiceState{}, recordedEvents, evolveInvoice);
    QCOMPARE(s.status, InvoiceStatus::PartiallyPaid);
    QCOMPARE(s.number, QStringLiteral("INV-2026-0001"));
    QCOMPARE(s.deliveries.size(), 2);
    QCOMPARE(s.deliveries[0].status, Delivery::Status::Sent);
    QCOMPARE(s.deliveries[1].status, Delivery::Status::Failed);
    QCOMPARE(s.deliveries[1].failureReason, QStringLiteral("mailbox full"));
    QCOMPARE(s.createdAt, recordedEvents.first().recordedAt);

    const Loaded<InvoiceState> loaded{s, recordedEvents.size(), recordedEvents.first().recordedAt, recordedEvents.last().recordedAt};
    const QJsonObject o = invoiceStateJson(loaded, QDate(2026, 12, 21));
    // The keys of CLI.md with the values of the example there.
    QCOMPARE(o.value(QStringLiteral("id")).toString(), QStringLiteral("i1"));
    QCOMPARE(o.value(QStringLiteral("version")).toInteger(), recordedEvents.size());
    QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("PARTIALLY_PAID"));
    QCOMPARE(o.value(QStringLiteral("number")).toString(), QStringLiteral("INV-2026-0001"));
    QCOMPARE(o.value(QStringLiteral("customerId")).toString(), QStringLiteral("c1"));
    QCOMPARE(o.value(QStringLiteral("currency")).toString(), QStringLiteral("EUR"));
    QCOMPARE(o.value(QStringLiteral("issueDate")).toString(), QStringLiteral("2026-11-20"));
    QCOMPARE(o.value(QStringLiteral("dueDate")).toString(), QStringLiteral("2026-12-20"));
    QCOMPARE(o.value(QStringLiteral("notes")).toString(), QString());
    QCOMPARE(compact(o.value(QStringLiteral("lineItems")).toArray().first().toObject()),
             compact(json(QStringLiteral(R"({"lineItemId":"l1","description":"Consulting","quantity":"2","unitPrice":"100.00","taxRate":"19","discountPercent":"0","netAmount":"200.00"})"))));
    QCOMPARE(compact(o.value(QStringLiteral("taxes")).toArray().first().toObject()),
             compact(json(QStringLiteral(R"({"rate":"19","taxableAmount":"200.00","taxAmount":"38.00"})"))));
    QCOMPARE(compact(o.value(QStringLiteral("totals")).toObject()),
             compact(json(QStringLiteral(R"({"net":"200.00","tax":"38.00","total":"238.00","paid":"38.00","due":"200.00"})"))));
    QCOMPARE(o.value(QStringLiteral("seller")).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("Lidan Ltd."));
    QCOMPARE(o.value(QStringLiteral("buyer")).toObject().value(QStringLiteral("address")).toObject().value(QStringLiteral("city")).toString(), QStringLiteral("Dublin"));
    QCOMPARE(o.value(QStringLiteral("overdue")).toBool(), true);
    QCOMPARE(o.value(QStringLiteral("payments")).toArray().size(), 1);
    QCOMPARE(o.value(QStringLiteral("deliveries")).toArray().at(1).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("FAILED"));

    // A draft has no number, dates or parties yet.
    const auto draftEvents = recorded(QStringLiteral("invoice"), QStringLiteral("i1"), draft());
    const QJsonObject d = invoiceStateJson({fold(InvoiceState{}, draftEvents, evolveInvoice), 5, {}, {}}, kToday);
    QVERIFY(d.value(QStringLiteral("number")).isNull());
    QVERIFY(d.value(QStringLiteral("issueDate")).isNull());
    QVERIFY(!d.contains(QStringLiteral("seller")));
    QVERIFY(!d.contains(QStringLiteral("buyer")));
    QCOMPARE(d.value(QStringLiteral("totals")).toObject().value(QStringLiteral("due")).toString(), QStringLiteral("238.00"));
}

void TstInvoiceModel::evolveIsTolerant()
{
    const InvoiceState before = stateOf(draft());
    const auto later = recorded(QStringLiteral("invoice"), QStringLiteral("i1"),
                                list(R"(InvoiceAttachmentAdded {"file":"a.pdf"})", R"(InvoiceNotesSet {"notes":"n","format":"markdown"})",
                                 R"(LineItemUpdated {"lineItemId":"nope","quantity":"9"})", R"(LineItemRemoved {"lineItemId":"nope"})"),
                                6);
    InvoiceState expected = before;
    expected.notes = QStringLiteral("n");
    QCOMPARE(fold(before, later, evolveInvoice), expected);
}

void TstInvoiceModel::overdue_data()
{
    QTest::addColumn<QStringList>("given");
    QTest::addColumn<QDate>("today");
    QTest::addColumn<bool>("overdue");

    // issued(): due 2026-12-20.
    QTest::newRow("issued, due tomorrow") << issued() << QDate(2026, 12, 19) << false;
    QTest::newRow("issued, due today") << issued() << QDate(2026, 12, 20) << false;
    QTest::newRow("issued, due yesterday") << issued() << QDate(2026, 12, 21) << true;
    QTest::newRow("sent, past due") << sent() << QDate(2027, 1, 1) << true;
    QTest::newRow("partially paid, past due") << partiallyPaid() << QDate(2027, 1, 1) << true;
    QTest::newRow("paid, past due") << paid() << QDate(2027, 1, 1) << false;
    QTest::newRow("void, past due") << voided() << QDate(2027, 1, 1) << false;
    QTest::newRow("draft with a past due date") << draft() + list(R"(InvoiceDueDateSet {"dueDate":"2020-01-01"})") << QDate(2027, 1, 1) << false;
    QTest::newRow("deleted") << deleted() << QDate(2027, 1, 1) << false;
}

void TstInvoiceModel::overdue()
{
    QFETCH(QStringList, given);
    QFETCH(QDate, today);
    QFETCH(bool, overdue);
    const InvoiceState s = stateOf(given);
    QCOMPARE(isOverdue(s, today), overdue);
    // Never stored: no status or event says OVERDUE.
    QVERIFY(statusName(s.status) != QLatin1String("OVERDUE"));
}

void TstInvoiceModel::deliveryOutcome_data()
{
    QTest::addColumn<QStringList>("given");
    QTest::addColumn<QString>("deliveryId");
    QTest::addColumn<bool>("sent");
    QTest::addColumn<QStringList>("then");
    QTest::addColumn<QString>("error");

    const QStringList requested = issued() + list(R"(InvoiceSendRequested {"deliveryId":"d1","to":"a@b.de","subject":"s","message":"m"})");
    QTest::newRow("first sent of an issued invoice") << requested << "d1" << true
                                                     << list(R"(InvoiceSent {"deliveryId":"d1"})", R"(InvoiceStatusSet {"status":"SENT"})") << "";
    QTest::newRow("failed") << requested << "d1" << false << list(R"(InvoiceSendFailed {"deliveryId":"d1","reason":"550 no such user"})") << "";
    QTest::newRow("sent after a failure") << requested + list(R"(InvoiceSendFailed {"deliveryId":"d1","reason":"x"})") << "d1" << true
                                          << list("InvoiceSent", "InvoiceStatusSet") << "";
    QTest::newRow("sent reported twice") << requested + list(R"(InvoiceSent {"deliveryId":"d1"})", R"(InvoiceStatusSet {"status":"SENT"})") << "d1" << true
                                         << list() << "";
    QTest::newRow("second delivery of a sent invoice") << sent() + list(R"(InvoiceSendRequested {"deliveryId":"d2","to":"a@b.de","subject":"s","message":"m"})") << "d2" << true
                                                       << list(R"(InvoiceSent {"deliveryId":"d2"})") << "";
    QTest::newRow("sent of a paid invoice keeps PAID") << paid() + list(R"(InvoiceSendRequested {"deliveryId":"d2","to":"a@b.de","subject":"s","message":"m"})") << "d2" << true
                                                       << list("InvoiceSent") << "";
    QTest::newRow("failure after success") << sent() << "d1" << false << list() << "ValidationFailed";
    QTest::newRow("unknown delivery") << requested << "d9" << true << list() << "ValidationFailed: deliveryId";
}

void TstInvoiceModel::deliveryOutcome()
{
    QFETCH(QStringList, given);
    QFETCH(QString, deliveryId);
    QFETCH(bool, sent);
    QFETCH(QStringList, then);
    QFETCH(QString, error);
    const Result<Decision> d = decideDeliveryOutcome(stateOf(given), DeliveryOutcome{deliveryId, sent, QStringLiteral("550 no such user")});
    if (!error.isEmpty()) {
        QVERIFY(!d.has_value());
        QCOMPARE(errorSummary(d.error()), error);
        return;
    }
    QVERIFY2(d.has_value(), d ? "" : qPrintable(d.error().toLine()));
    QString why;
    QVERIFY2(matchEvents(d->events, then, &why), qPrintable(why));
}

void TstInvoiceModel::conflicts_data()
{
    QTest::addColumn<QString>("when");
    QTest::addColumn<QString>("event");
    QTest::addColumn<bool>("conflicts");

    const QString notes = cmd(QStringLiteral("SetInvoiceNotes"), QStringLiteral(R"({"notes":"x"})"));
    const QString add = cmd(QStringLiteral("AddLineItem"), QStringLiteral(R"({"description":"x","quantity":"1","unitPrice":"1","taxRate":"0"})"));
    const QString update = cmd(QStringLiteral("UpdateLineItem"), QStringLiteral(R"({"lineItemId":"l1","quantity":"2"})"));
    const QString issue = cmd(QStringLiteral("IssueInvoice"));
    const QString del = cmd(QStringLiteral("DeleteInvoice"));
    const QString pay = cmd(QStringLiteral("RecordPayment"), QStringLiteral(R"({"amount":"1","date":"2026-11-27"})"));
    QTest::newRow("add vs add (slide 30)") << add << R"(LineItemAdded {"lineItemId":"l2"})" << false;
    QTest::newRow("add vs status (slide 34)") << add << R"(InvoiceStatusSet {"status":"DELETED"})" << true;
    QTest::newRow("notes vs notes") << notes << R"(InvoiceNotesSet {"notes":"y"})" << true;
    QTest::newRow("notes vs due date") << notes << R"(InvoiceDueDateSet {"dueDate":"2027-01-01"})" << false;
    QTest::newRow("notes vs status") << notes << R"(InvoiceStatusSet {"status":"ISSUED"})" << true;
    QTest::newRow("customer vs customer") << cmd(QStringLiteral("SetInvoiceCustomer"), QStringLiteral(R"({"customerId":"c2"})")) << R"(InvoiceCustomerSet {"customerId":"c3"})" << true;
    QTest::newRow("currency vs currency") << cmd(QStringLiteral("SetInvoiceCurrency"), QStringLiteral(R"({"currency":"USD"})")) << R"(InvoiceCurrencySet {"currency":"GBP"})" << true;
    QTest::newRow("currency vs line item") << cmd(QStringLiteral("SetInvoiceCurrency"), QStringLiteral(R"({"currency":"USD"})")) << R"(LineItemAdded {"lineItemId":"l2"})" << false;
    QTest::newRow("due date vs due date") << cmd(QStringLiteral("SetInvoiceDueDate"), QStringLiteral(R"({"dueDate":"2027-01-01"})")) << R"(InvoiceDueDateSet {"dueDate":"2027-02-01"})" << true;
    QTest::newRow("update vs same item") << update << R"(LineItemUpdated {"lineItemId":"l1","description":"d"})" << true;
    QTest::newRow("update vs removed item") << update << R"(LineItemRemoved {"lineItemId":"l1"})" << true;
    QTest::newRow("update vs other item") << update << R"(LineItemUpdated {"lineItemId":"l2","quantity":"5"})" << false;
    QTest::newRow("remove vs same item") << cmd(QStringLiteral("RemoveLineItem"), QStringLiteral(R"({"lineItemId":"l1"})")) << R"(LineItemUpdated {"lineItemId":"l1"})" << true;
    QTest::newRow("add with id vs same id") << cmd(QStringLiteral("AddLineItem"), QStringLiteral(R"({"lineItemId":"l5","description":"x","quantity":"1","unitPrice":"1"})"))
                                            << R"(LineItemAdded {"lineItemId":"l5"})" << true;
    QTest::newRow("issue vs anything") << issue << R"(InvoiceNotesSet {"notes":"y"})" << true;
    QTest::newRow("issue vs line item") << issue << R"(LineItemAdded {"lineItemId":"l2"})" << true;
    QTest::newRow("delete vs line item") << del << R"(LineItemAdded {"lineItemId":"l2"})" << false;
    QTest::newRow("delete vs status") << del << R"(InvoiceStatusSet {"status":"ISSUED"})" << true;
    QTest::newRow("payment vs payment") << pay << R"(PaymentRecorded {"amount":"1.00"})" << false;
    QTest::newRow("payment vs status") << pay << R"(InvoiceStatusSet {"status":"VOID"})" << true;
}

void TstInvoiceModel::conflicts()
{
    QFETCH(QString, when);
    QFETCH(QString, event);
    QFETCH(bool, conflicts);
    const DecodedCommand command = decoded(when);
    const RecordedEvent e = recorded(QStringLiteral("invoice"), QStringLiteral("i1"), {event}, 6).first();
    QCOMPARE(invoiceConflicts(std::get<InvoiceCommand>(command.command), e), conflicts);
}

void TstInvoiceModel::snapshotRoundTrip()
{
    const QStringList histories[] = {{}, draft(), sent() + list(R"(InvoiceSendRequested {"deliveryId":"d2","to":"x@y.de","subject":"s","message":"m"})",
                                                                       R"(InvoiceSendFailed {"deliveryId":"d2","reason":"r"})"),
                                     paid(), voided()};
    for (const QStringList &history : histories) {
        const InvoiceState s = stateOf(history);
        const std::optional<InvoiceState> back = invoiceFromSnapshot(invoiceToSnapshot(s));
        QVERIFY(back.has_value());
        QCOMPARE(*back, s);
        // Scales survive too ("100.00" is not "100" on a reprint).
        QCOMPARE(invoiceStateJson({*back, 9, {}, {}}, kToday), invoiceStateJson({s, 9, {}, {}}, kToday));
    }
    QVERIFY(!invoiceFromSnapshot(json(QStringLiteral(R"({"something":"else"})"))).has_value());
}

QTEST_GUILESS_MAIN(TstInvoiceModel)
#include "tst_invoice_model.moc"
