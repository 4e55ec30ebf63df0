// Level 1 of DOMAIN.md's validation: decodeCommand() alone, no store. Every command decodes in
// its happy shape; every kind of bad input is refused naming each violated field, all at once.
#include "domaintesthelpers.h"

#include <QRegularExpression>

using namespace Billstream;
using namespace Billstream::Testing;

class TstDecodeCommand : public QObject
{
    Q_OBJECT

private slots:
    void acceptsEveryCommand_data();
    void acceptsEveryCommand();
    void refuses_data();
    void refuses();
    void namesTheProblem_data();
    void namesTheProblem();
    void generatesIdsForCreationOnly();
    void trimsAndKeepsDecimalsAsWritten();
    void fingerprintIgnoresKeyOrderAndGeneratedIds();
    void fingerprintTellsCommandsApart();
};

void TstDecodeCommand::acceptsEveryCommand_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("streamType");
    QTest::addColumn<bool>("isCreation");

    const QString address = QStringLiteral(R"("address":{"street":"Main St 1","postalCode":"10115","city":"Berlin","country":"DE"})");
    QTest::newRow("CreateCustomer") << QStringLiteral(R"({"command":"CreateCustomer","payload":{"name":"Ann","email":"ann@example.com",%1,"taxId":"DE123"}})").arg(address)
                                    << "customer" << true;
    QTest::newRow("RenameCustomer") << R"({"command":"RenameCustomer","aggregateId":"c1","payload":{"name":"Ann B."}})" << "customer" << false;
    QTest::newRow("ChangeCustomerEmail") << R"({"command":"ChangeCustomerEmail","aggregateId":"c1","payload":{"email":"b@example.org"}})" << "customer" << false;
    QTest::newRow("ChangeCustomerAddress") << QStringLiteral(R"({"command":"ChangeCustomerAddress","aggregateId":"c1","payload":{%1}})").arg(address) << "customer" << false;
    QTest::newRow("ChangeCustomerTaxId") << R"({"command":"ChangeCustomerTaxId","aggregateId":"c1","payload":{"taxId":""}})" << "customer" << false;
    QTest::newRow("ArchiveCustomer") << R"({"command":"ArchiveCustomer","aggregateId":"c1"})" << "customer" << false;
    QTest::newRow("CreateInvoice") << R"({"command":"CreateInvoice","aggregateId":"809f142f-afba-4cad-93b5-d26b3ae7a021","expectedVersion":0,"commandId":"k1",
        "payload":{"customerId":"c1","currency":"USD","dueDate":"2026-12-31","notes":"Thanks",
        "lineItems":[{"description":"Consulting","quantity":"2","unitPrice":"100.00","taxRate":"19"},
                     {"lineItemId":"l2","description":"Travel","quantity":"1.5","unitPrice":"0.123456","taxRate":"7.7","discountPercent":"10"}]}})"
                                   << "invoice" << true;
    QTest::newRow("CreateInvoice minimal") << R"({"command":"CreateInvoice","payload":{"customerId":"c1"}})" << "invoice" << true;
    QTest::newRow("SetInvoiceCustomer") << R"({"command":"SetInvoiceCustomer","aggregateId":"i1","payload":{"customerId":"c2"}})" << "invoice" << false;
    QTest::newRow("SetInvoiceCurrency") << R"({"command":"SetInvoiceCurrency","aggregateId":"i1","payload":{"currency":"JPY"}})" << "invoice" << false;
    QTest::newRow("SetInvoiceDueDate") << R"({"command":"SetInvoiceDueDate","aggregateId":"i1","payload":{"dueDate":"2028-02-29"}})" << "invoice" << false;
    QTest::newRow("SetInvoiceNotes") << R"({"command":"SetInvoiceNotes","aggregateId":"i1","payload":{"notes":"line 1\nline 2"}})" << "invoice" << false;
    QTest::newRow("AddLineItem") << R"({"command":"AddLineItem","aggregateId":"i1","payload":{"description":"X","quantity":"1","unitPrice":"-5","taxRate":"0"}})" << "invoice" << false;
    QTest::newRow("UpdateLineItem") << R"({"command":"UpdateLineItem","aggregateId":"i1","payload":{"lineItemId":"l1","quantity":"3"}})" << "invoice" << false;
    QTest::newRow("RemoveLineItem") << R"({"command":"RemoveLineItem","aggregateId":"i1","payload":{"lineItemId":"l1"}})" << "invoice" << false;
    QTest::newRow("IssueInvoice") << R"({"command":"IssueInvoice","aggregateId":"i1","payload":{"issueDate":"2026-11-27"}})" << "invoice" << false;
    QTest::newRow("IssueInvoice no payload") << R"({"command":"IssueInvoice","aggregateId":"i1"})" << "invoice" << false;
    QTest::newRow("SendInvoiceToCustomer") << R"({"command":"SendInvoiceToCustomer","aggregateId":"809f142f-afba-4cad-93b5-d26b3ae7a021","expectedVersion":4,"commandId":"5f0c",
        "payload":{"subject":"New Invoice from Lidan Ltd.","message":"You received an invoice.","to":"x@example.com"}})" << "invoice" << false;
    QTest::newRow("RecordPayment") << R"({"command":"RecordPayment","aggregateId":"i1","payload":{"paymentId":"p1","amount":"10.5","date":"2026-01-01","method":"bank transfer"}})" << "invoice" << false;
    QTest::newRow("VoidInvoice") << R"({"command":"VoidInvoice","aggregateId":"i1","payload":{"reason":"wrong customer"}})" << "invoice" << false;
    QTest::newRow("DeleteInvoice") << R"({"command":"DeleteInvoice","aggregateId":"i1","payload":{}})" << "invoice" << false;
    QTest::newRow("SetCompanyProfile") << QStringLiteral(R"({"command":"SetCompanyProfile","payload":{"name":"Lidan Ltd.",%1,"taxId":"DE999","email":"billing@lidan.example","phone":"+49 30 1234","iban":"DE89 3704 0044 0532 0130 00","bic":"COBADEFFXXX","logo":"%2"}})")
                                              .arg(address, QString::fromLatin1(QByteArray("\x89PNG\r\n\x1a\n....").toBase64()))
                                       << "tenant" << false;
    QTest::newRow("SetCompanyProfile svg") << QStringLiteral(R"({"command":"SetCompanyProfile","aggregateId":"t1","payload":{"name":"L",%1,"logo":"%2"}})")
                                                  .arg(address, QString::fromLatin1(QByteArray("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>").toBase64()))
                                           << "tenant" << false;
    QTest::newRow("SetNumberingPattern") << R"({"command":"SetNumberingPattern","payload":{"pattern":"{YY}/{SEQ}"}})" << "tenant" << false;
    QTest::newRow("SetInvoiceDefaults") << R"({"command":"SetInvoiceDefaults","payload":{"currency":"EUR","taxRate":"19","paymentTermsDays":14,"locale":"de_DE"}})" << "tenant" << false;
    QTest::newRow("SetInvoiceDefaults one") << R"({"command":"SetInvoiceDefaults","payload":{"paymentTermsDays":0}})" << "tenant" << false;
    QTest::newRow("SetMailSettings") << R"({"command":"SetMailSettings","payload":{"smtpUrl":"smtp://ann@mail.example:587","fromAddress":"billing@lidan.example","fromName":"Lidan Billing"}})" << "tenant" << false;
    QTest::newRow("optional null") << R"({"command":"CreateInvoice","aggregateId":"i9","expectedVersion":null,"commandId":null,"payload":{"customerId":"c1","dueDate":null}})" << "invoice" << true;
}

void TstDecodeCommand::acceptsEveryCommand()
{
    QFETCH(QString, command);
    QFETCH(QString, streamType);
    QFETCH(bool, isCreation);
    const Result<DecodedCommand> d = decodeCommand(json(command));
    QVERIFY2(d.has_value(), d ? "" : qPrintable(d.error().toLine()));
    QCOMPARE(d->name, json(command).value(QStringLiteral("command")).toString());
    QCOMPARE(d->streamType, streamType);
    QCOMPARE(d->isCreation, isCreation);
    QCOMPARE(d->payload, json(command).value(QStringLiteral("payload")).toObject());
}

void TstDecodeCommand::refuses_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("expected");   // errorSummary(): kind and violated fields in order

    // envelope
    QTest::newRow("empty object") << "{}" << "ValidationFailed: command";
    QTest::newRow("unknown command") << R"({"command":"DeleteEverything"})" << "ValidationFailed: command";
    QTest::newRow("command not a string") << R"({"command":7})" << "ValidationFailed: command";
    QTest::newRow("internal outcome is no command") << R"({"command":"RecordDeliveryOutcome","aggregateId":"i1"})" << "ValidationFailed: command";
    QTest::newRow("unknown envelope field") << R"({"command":"ArchiveCustomer","aggregateId":"c1","expectedversion":3})" << "ValidationFailed: expectedversion";
    QTest::newRow("aggregateId missing") << R"({"command":"RenameCustomer","payload":{"name":"A"}})" << "ValidationFailed: aggregateId";
    QTest::newRow("aggregateId bad chars") << R"({"command":"RenameCustomer","aggregateId":"a/b","payload":{"name":"A"}})" << "ValidationFailed: aggregateId";
    QTest::newRow("aggregateId too long") << QStringLiteral(R"({"command":"ArchiveCustomer","aggregateId":"%1"})").arg(QString(65, u'a')) << "ValidationFailed: aggregateId";
    QTest::newRow("aggregateId empty") << R"({"command":"ArchiveCustomer","aggregateId":""})" << "ValidationFailed: aggregateId";
    QTest::newRow("aggregateId a number") << R"({"command":"ArchiveCustomer","aggregateId":12})" << "ValidationFailed: aggregateId";
    QTest::newRow("aggregateId reserved") << R"({"command":"CreateInvoice","aggregateId":"invoice-number-2026","payload":{"customerId":"c1"}})" << "ValidationFailed: aggregateId";
    QTest::newRow("expectedVersion negative") << R"({"command":"ArchiveCustomer","aggregateId":"c1","expectedVersion":-1})" << "ValidationFailed: expectedVersion";
    QTest::newRow("expectedVersion fraction") << R"({"command":"ArchiveCustomer","aggregateId":"c1","expectedVersion":1.5})" << "ValidationFailed: expectedVersion";
    QTest::newRow("expectedVersion string") << R"({"command":"ArchiveCustomer","aggregateId":"c1","expectedVersion":"3"})" << "ValidationFailed: expectedVersion";
    QTest::newRow("expectedVersion huge") << R"({"command":"ArchiveCustomer","aggregateId":"c1","expectedVersion":1e300})" << "ValidationFailed: expectedVersion";
    QTest::newRow("commandId number") << R"({"command":"ArchiveCustomer","aggregateId":"c1","commandId":5})" << "ValidationFailed: commandId";
    QTest::newRow("commandId empty") << R"({"command":"ArchiveCustomer","aggregateId":"c1","commandId":""})" << "ValidationFailed: commandId";
    QTest::newRow("payload array") << R"({"command":"ArchiveCustomer","aggregateId":"c1","payload":[]})" << "ValidationFailed: payload";
    QTest::newRow("payload string, fields not listed") << R"({"command":"RenameCustomer","aggregateId":"c1","payload":"Ann"})" << "ValidationFailed: payload";
    QTest::newRow("envelope all at once") << R"({"command":"RenameCustomer","expectedVersion":-2,"commandId":[],"x":1,"payload":{"name":"","y":2}})"
                                          << "ValidationFailed: aggregateId, expectedVersion, commandId, x, payload.name, payload.y";

    // customers
    QTest::newRow("CreateCustomer empty payload") << R"({"command":"CreateCustomer","payload":{}})" << "ValidationFailed: payload.name, payload.email, payload.address";
    QTest::newRow("CreateCustomer bad email") << R"({"command":"CreateCustomer","payload":{"name":"A","email":"not-an-address","address":{"street":"s","postalCode":"","city":"c","country":"DE"}}})" << "ValidationFailed: payload.email";
    QTest::newRow("CreateCustomer blank name") << R"({"command":"CreateCustomer","payload":{"name":"   ","email":"a@b.de","address":{"street":"s","postalCode":"1","city":"c","country":"DE"}}})" << "ValidationFailed: payload.name";
    QTest::newRow("name with control character") << "{\"command\":\"RenameCustomer\",\"aggregateId\":\"c1\",\"payload\":{\"name\":\"A\\u0007B\"}}" << "ValidationFailed: payload.name";
    QTest::newRow("name with line break") << R"({"command":"RenameCustomer","aggregateId":"c1","payload":{"name":"A\nB"}})" << "ValidationFailed: payload.name";
    QTest::newRow("name too long") << QStringLiteral(R"({"command":"RenameCustomer","aggregateId":"c1","payload":{"name":"%1"}})").arg(QString(201, u'n')) << "ValidationFailed: payload.name";
    QTest::newRow("address incomplete") << R"({"command":"ChangeCustomerAddress","aggregateId":"c1","payload":{"address":{"street":"","city":"Berlin","country":"Germany","region":"BE"}}})"
                                        << "ValidationFailed: payload.address.street, payload.address.postalCode, payload.address.country, payload.address.region";
    QTest::newRow("address not an object") << R"({"command":"ChangeCustomerAddress","aggregateId":"c1","payload":{"address":"Main St 1"}})" << "ValidationFailed: payload.address";
    QTest::newRow("taxId null is required") << R"({"command":"ChangeCustomerTaxId","aggregateId":"c1","payload":{"taxId":null}})" << "ValidationFailed: payload.taxId";
    QTest::newRow("ArchiveCustomer with field") << R"({"command":"ArchiveCustomer","aggregateId":"c1","payload":{"reason":"x"}})" << "ValidationFailed: payload.reason";

    // invoices
    QTest::newRow("CreateInvoice everything wrong") << R"({"command":"CreateInvoice","payload":{"customerId":"c 1","currency":"XYZ","dueDate":"2026-02-30","notes":5,
        "lineItems":[{"description":"ok","quantity":"1","unitPrice":"1","taxRate":"19"},
                     {"description":"","quantity":2,"unitPrice":"1.1234567","taxRate":"101","discountPercent":"-1","vat":"x"},
                     "not an object"]}})"
        << "ValidationFailed: payload.customerId, payload.currency, payload.dueDate, payload.notes, payload.lineItems[1].description, payload.lineItems[1].quantity, "
           "payload.lineItems[1].unitPrice, payload.lineItems[1].taxRate, payload.lineItems[1].discountPercent, payload.lineItems[1].vat, payload.lineItems[2]";
    QTest::newRow("lineItems not an array") << R"({"command":"CreateInvoice","payload":{"customerId":"c1","lineItems":{}}})" << "ValidationFailed: payload.lineItems";
    QTest::newRow("lineItems repeated id") << R"({"command":"CreateInvoice","payload":{"customerId":"c1","lineItems":[
        {"lineItemId":"a","description":"x","quantity":"1","unitPrice":"1"},{"lineItemId":"a","description":"y","quantity":"1","unitPrice":"1"}]}})" << "ValidationFailed: payload.lineItems[1].lineItemId";
    QTest::newRow("currency lower case") << R"({"command":"SetInvoiceCurrency","aggregateId":"i1","payload":{"currency":"eur"}})" << "ValidationFailed: payload.currency";
    QTest::newRow("currency withdrawn") << R"({"command":"SetInvoiceCurrency","aggregateId":"i1","payload":{"currency":"HRK"}})" << "ValidationFailed: payload.currency";
    QTest::newRow("due date other format") << R"({"command":"SetInvoiceDueDate","aggregateId":"i1","payload":{"dueDate":"27.11.2026"}})" << "ValidationFailed: payload.dueDate";
    QTest::newRow("due date with time") << R"({"command":"SetInvoiceDueDate","aggregateId":"i1","payload":{"dueDate":"2026-11-27T00:00:00"}})" << "ValidationFailed: payload.dueDate";
    QTest::newRow("not a leap day") << R"({"command":"SetInvoiceDueDate","aggregateId":"i1","payload":{"dueDate":"2027-02-29"}})" << "ValidationFailed: payload.dueDate";
    QTest::newRow("notes missing") << R"({"command":"SetInvoiceNotes","aggregateId":"i1","payload":{}})" << "ValidationFailed: payload.notes";
    QTest::newRow("quantity zero") << R"({"command":"AddLineItem","aggregateId":"i1","payload":{"description":"x","quantity":"0","unitPrice":"1","taxRate":"0"}})" << "ValidationFailed: payload.quantity";
    QTest::newRow("quantity negative zero") << R"({"command":"AddLineItem","aggregateId":"i1","payload":{"description":"x","quantity":"-0","unitPrice":"1","taxRate":"0"}})" << "ValidationFailed: payload.quantity";
    QTest::newRow("quantity exponent") << R"({"command":"AddLineItem","aggregateId":"i1","payload":{"description":"x","quantity":"1e400","unitPrice":"1","taxRate":"0"}})" << "ValidationFailed: payload.quantity";
    QTest::newRow("quantity NaN") << R"({"command":"AddLineItem","aggregateId":"i1","payload":{"description":"x","quantity":"NaN","unitPrice":"1","taxRate":"0"}})" << "ValidationFailed: payload.quantity";
    QTest::newRow("quantity above 10^9") << R"({"command":"AddLineItem","aggregateId":"i1","payload":{"description":"x","quantity":"1000000000.000001","unitPrice":"1","taxRate":"0"}})" << "ValidationFailed: payload.quantity";
    QTest::newRow("unit price above 10^12") << R"({"command":"AddLineItem","aggregateId":"i1","payload":{"description":"x","quantity":"1","unitPrice":"1000000000001","taxRate":"0"}})" << "ValidationFailed: payload.unitPrice";
    QTest::newRow("lineItemId bad") << R"({"command":"AddLineItem","aggregateId":"i1","payload":{"lineItemId":"a b","description":"x","quantity":"1","unitPrice":"1"}})" << "ValidationFailed: payload.lineItemId";
    QTest::newRow("UpdateLineItem nothing to change") << R"({"command":"UpdateLineItem","aggregateId":"i1","payload":{"lineItemId":"l1"}})" << "ValidationFailed: payload";
    QTest::newRow("UpdateLineItem bad values") << R"({"command":"UpdateLineItem","aggregateId":"i1","payload":{"lineItemId":"l1","quantity":"-1","description":""}})" << "ValidationFailed: payload.description, payload.quantity";
    QTest::newRow("RemoveLineItem no id") << R"({"command":"RemoveLineItem","aggregateId":"i1","payload":{}})" << "ValidationFailed: payload.lineItemId";
    QTest::newRow("IssueInvoice bad date") << R"({"command":"IssueInvoice","aggregateId":"i1","payload":{"issueDate":"tomorrow"}})" << "ValidationFailed: payload.issueDate";
    QTest::newRow("Send subject two lines") << R"({"command":"SendInvoiceToCustomer","aggregateId":"i1","payload":{"subject":"Hi\r\nBcc: x@evil.example"}})" << "ValidationFailed: payload.subject";
    QTest::newRow("Send bad recipient") << R"({"command":"SendInvoiceToCustomer","aggregateId":"i1","payload":{"to":"a@b@c"}})" << "ValidationFailed: payload.to";
    QTest::newRow("payment zero") << R"({"command":"RecordPayment","aggregateId":"i1","payload":{"amount":"0","date":"2026-01-01"}})" << "ValidationFailed: payload.amount";
    QTest::newRow("payment negative") << R"({"command":"RecordPayment","aggregateId":"i1","payload":{"amount":"-5","date":"2026-01-01"}})" << "ValidationFailed: payload.amount";
    QTest::newRow("payment number") << R"({"command":"RecordPayment","aggregateId":"i1","payload":{"amount":5,"date":"2026-01-01"}})" << "ValidationFailed: payload.amount";
    QTest::newRow("payment five decimals") << R"({"command":"RecordPayment","aggregateId":"i1","payload":{"amount":"1.00001","date":"2026-01-01"}})" << "ValidationFailed: payload.amount";
    QTest::newRow("payment no date") << R"({"command":"RecordPayment","aggregateId":"i1","payload":{"amount":"1"}})" << "ValidationFailed: payload.date";
    QTest::newRow("void without reason") << R"({"command":"VoidInvoice","aggregateId":"i1","payload":{}})" << "ValidationFailed: payload.reason";

    // tenant
    QTest::newRow("profile without address") << R"({"command":"SetCompanyProfile","payload":{"name":"L"}})" << "ValidationFailed: payload.address";
    QTest::newRow("profile bad iban, bic, email") << R"({"command":"SetCompanyProfile","payload":{"name":"L","address":{"street":"s","postalCode":"1","city":"c","country":"DE"},
        "iban":"DE89 3704 0044 0532 0130 01","bic":"COBA","email":"nope"}})" << "ValidationFailed: payload.email, payload.iban, payload.bic";
    QTest::newRow("logo not base64") << R"({"command":"SetCompanyProfile","payload":{"name":"L","address":{"street":"s","postalCode":"1","city":"c","country":"DE"},"logo":"***"}})" << "ValidationFailed: payload.logo";
    QTest::newRow("logo not an image") << QStringLiteral(R"({"command":"SetCompanyProfile","payload":{"name":"L","address":{"street":"s","postalCode":"1","city":"c","country":"DE"},"logo":"%1"}})")
                                              .arg(QString::fromLatin1(QByteArray("GIF89a......").toBase64()))
                                       << "ValidationFailed: payload.logo";
    QTest::newRow("logo above 1 MiB") << QStringLiteral(R"({"command":"SetCompanyProfile","payload":{"name":"L","address":{"street":"s","postalCode":"1","city":"c","country":"DE"},"logo":"%1"}})")
                                             .arg(QString::fromLatin1(QByteArray(QByteArray("\x89PNG\r\n\x1a\n") + QByteArray(1024 * 1024, 'x')).toBase64()))
                                      << "ValidationFailed: payload.logo";
    QTest::newRow("pattern without SEQ or year") << R"({"command":"SetNumberingPattern","payload":{"pattern":"INV-"}})" << "ValidationFailed: payload.pattern, payload.pattern";
    QTest::newRow("pattern unknown token") << R"({"command":"SetNumberingPattern","payload":{"pattern":"{YYYY}-{SEQ}-{MM}"}})" << "ValidationFailed: payload.pattern";
    QTest::newRow("pattern bad width") << R"({"command":"SetNumberingPattern","payload":{"pattern":"{YYYY}-{SEQ:0}"}})" << "ValidationFailed: payload.pattern, payload.pattern";
    QTest::newRow("pattern unbalanced") << R"({"command":"SetNumberingPattern","payload":{"pattern":"{YYYY}-{SEQ"}})" << "ValidationFailed: payload.pattern, payload.pattern";
    QTest::newRow("pattern with space") << R"({"command":"SetNumberingPattern","payload":{"pattern":"{YYYY} {SEQ}"}})" << "ValidationFailed: payload.pattern";
    QTest::newRow("defaults empty") << R"({"command":"SetInvoiceDefaults","payload":{}})" << "ValidationFailed: payload";
    QTest::newRow("defaults all wrong") << R"({"command":"SetInvoiceDefaults","payload":{"currency":"EURO","taxRate":"19.12345","paymentTermsDays":-1,"locale":"english"}})"
                                        << "ValidationFailed: payload.currency, payload.taxRate, payload.paymentTermsDays, payload.locale";
    QTest::newRow("mail password field") << R"({"command":"SetMailSettings","payload":{"smtpUrl":"smtp://mail.example","fromAddress":"a@b.de","password":"hunter2"}})" << "ValidationFailed: payload.password";
    QTest::newRow("mail password in url") << R"({"command":"SetMailSettings","payload":{"smtpUrl":"smtp://ann:hunter2@mail.example","fromAddress":"a@b.de"}})" << "ValidationFailed: payload.smtpUrl";
    QTest::newRow("mail other scheme") << R"({"command":"SetMailSettings","payload":{"smtpUrl":"http://mail.example","fromAddress":"a@b.de"}})" << "ValidationFailed: payload.smtpUrl";
    QTest::newRow("mail from missing") << R"({"command":"SetMailSettings","payload":{"smtpUrl":"smtps://mail.example:465"}})" << "ValidationFailed: payload.fromAddress";
}

void TstDecodeCommand::refuses()
{
    QFETCH(QString, command);
    QFETCH(QString, expected);
    const Result<DecodedCommand> d = decodeCommand(json(command));
    QVERIFY2(!d.has_value(), "the command was accepted");
    QCOMPARE(errorSummary(d.error()), expected);
    QCOMPARE(d.error().exitCode(), 2);
    for (const Violation &v : d.error().violations)
        QVERIFY2(!v.message.isEmpty(), qPrintable(v.field));
}

void TstDecodeCommand::namesTheProblem_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("message");   // a regular expression the violation's message matches

    QTest::newRow("json number for an amount") << R"({"command":"CreateInvoice","payload":{"customerId":"c1","lineItems":[
        {"description":"a","quantity":"1","unitPrice":"1"},{"description":"b","quantity":1.5,"unitPrice":"1"}]}})"
                                               << "payload.lineItems[1].quantity" << "must be a decimal string";
    QTest::newRow("unknown field") << R"({"command":"RenameCustomer","aggregateId":"c1","payload":{"name":"A","nmae":"B"}})" << "payload.nmae" << "^unknown field$";
    QTest::newRow("unknown command") << R"({"command":"CreateInvioce"})" << "command" << "unknown command \"CreateInvioce\"";
    QTest::newRow("wrong type named") << R"({"command":"RenameCustomer","aggregateId":"c1","payload":{"name":true}})" << "payload.name" << "must be a string, not a boolean";
    QTest::newRow("required") << R"({"command":"RenameCustomer","aggregateId":"c1","payload":{}})" << "payload.name" << "is required";
    QTest::newRow("quantity positive") << R"({"command":"AddLineItem","aggregateId":"i1","payload":{"description":"x","quantity":"-2","unitPrice":"1"}})" << "payload.quantity" << "positive";
    QTest::newRow("precision") << R"({"command":"AddLineItem","aggregateId":"i1","payload":{"description":"x","quantity":"1","unitPrice":"0.1234567"}})" << "payload.unitPrice" << "6";
    QTest::newRow("currency") << R"({"command":"SetInvoiceCurrency","aggregateId":"i1","payload":{"currency":"XYZ"}})" << "payload.currency" << "XYZ";
    QTest::newRow("password") << R"({"command":"SetMailSettings","payload":{"smtpUrl":"smtp://h","fromAddress":"a@b.de","password":"x"}})" << "payload.password" << "keychain";
    QTest::newRow("pattern seq") << R"({"command":"SetNumberingPattern","payload":{"pattern":"INV-{YYYY}"}})" << "payload.pattern" << "\\{SEQ\\}";
    QTest::newRow("pattern year") << R"({"command":"SetNumberingPattern","payload":{"pattern":"INV-{SEQ:4}"}})" << "payload.pattern" << "\\{YYYY\\}";
    QTest::newRow("empty key") << R"({"command":"ArchiveCustomer","aggregateId":"c1","":1,"payload":{"":2}})" << R"("")" << "unknown field";
    QTest::newRow("long unknown key is shortened") << QStringLiteral(R"({"command":"ArchiveCustomer","aggregateId":"c1","%1":1})").arg(QString(5000, u'k'))
                                                   << QString(64, u'k') + QStringLiteral("…") << "unknown field";
}

void TstDecodeCommand::namesTheProblem()
{
    QFETCH(QString, command);
    QFETCH(QString, field);
    QFETCH(QString, message);
    const Result<DecodedCommand> d = decodeCommand(json(command));
    QVERIFY(!d.has_value());
    const auto &violations = d.error().violations;
    const auto it = std::find_if(violations.begin(), violations.end(), [&](const Violation &v) { return v.field == field; });
    QVERIFY2(it != violations.end(), qPrintable(d.error().toLine()));
    QVERIFY2(QRegularExpression(message).match(it->message).hasMatch(), qPrintable(it->message));
    QVERIFY(d.error().toLine().contains(field));
}

void TstDecodeCommand::generatesIdsForCreationOnly()
{
    const DecodedCommand a = decoded(QStringLiteral(R"({"command":"CreateInvoice","payload":{"customerId":"c1"}})"));
    const DecodedCommand b = decoded(QStringLiteral(R"({"command":"CreateInvoice","payload":{"customerId":"c1"}})"));
    static const QRegularExpression uuid(QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"));
    QVERIFY2(uuid.match(a.aggregateId).hasMatch(), qPrintable(a.aggregateId));
    QVERIFY(a.aggregateId != b.aggregateId);
    QVERIFY(!a.aggregateIdGiven);
    const DecodedCommand c = decoded(QStringLiteral(R"({"command":"CreateInvoice","aggregateId":"my.id_1-x","payload":{"customerId":"c1"}})"));
    QCOMPARE(c.aggregateId, QStringLiteral("my.id_1-x"));
    QVERIFY(c.aggregateIdGiven);
    // Tenant commands leave the id to the service, which knows the tenant.
    const DecodedCommand t = decoded(QStringLiteral(R"({"command":"SetNumberingPattern","payload":{"pattern":"{YYYY}{SEQ}"}})"));
    QVERIFY(t.aggregateId.isEmpty());
}

void TstDecodeCommand::trimsAndKeepsDecimalsAsWritten()
{
    const DecodedCommand c = decoded(QStringLiteral(
        R"({"command":"CreateCustomer","payload":{"name":"  Ann  ","email":"  Ann@Example.COM ","address":{"street":"s","postalCode":"1","city":"c","country":"DE"}}})"));
    const auto &create = std::get<CreateCustomer>(std::get<CustomerCommand>(c.command));
    QCOMPARE(create.name, QStringLiteral("Ann"));
    QCOMPARE(create.email, QStringLiteral("Ann@Example.COM"));
    QVERIFY(!create.taxId.has_value());

    const DecodedCommand i = decoded(QStringLiteral(
        R"({"command":"AddLineItem","aggregateId":"i1","payload":{"description":"x","quantity":"1.500","unitPrice":"100.00","taxRate":"19.0"}})"));
    const auto &add = std::get<AddLineItem>(std::get<InvoiceCommand>(i.command));
    QCOMPARE(add.item.quantity.toString(add.item.quantity.scale()), QStringLiteral("1.500"));
    QCOMPARE(add.item.unitPrice.toString(add.item.unitPrice.scale()), QStringLiteral("100.00"));
    QVERIFY(add.item.discountPercent.isZero());
    QVERIFY(add.item.lineItemId.isEmpty());
}

void TstDecodeCommand::fingerprintIgnoresKeyOrderAndGeneratedIds()
{
    const DecodedCommand a = decoded(QStringLiteral(R"({"command":"CreateInvoice","commandId":"k","payload":{"customerId":"c1","currency":"EUR"}})"));
    const DecodedCommand b = decoded(QStringLiteral(R"({"payload":{"currency":"EUR","customerId":"c1"},"commandId":"k","command":"CreateInvoice"})"));
    QVERIFY(a.aggregateId != b.aggregateId);
    QCOMPARE(commandFingerprint(a), commandFingerprint(b));
    QCOMPARE(commandFingerprint(a).size(), 32);
}

void TstDecodeCommand::fingerprintTellsCommandsApart()
{
    const QByteArray base = commandFingerprint(decoded(QStringLiteral(R"({"command":"RenameCustomer","aggregateId":"c1","payload":{"name":"A"}})")));
    QVERIFY(base != commandFingerprint(decoded(QStringLiteral(R"({"command":"RenameCustomer","aggregateId":"c2","payload":{"name":"A"}})"))));
    QVERIFY(base != commandFingerprint(decoded(QStringLiteral(R"({"command":"RenameCustomer","aggregateId":"c1","payload":{"name":"B"}})"))));
    QVERIFY(base != commandFingerprint(decoded(QStringLiteral(R"({"command":"ArchiveCustomer","aggregateId":"c1"})"))));
    // The expected version is not part of what the command asks for.
    QCOMPARE(base, commandFingerprint(decoded(QStringLiteral(R"({"command":"RenameCustomer","aggregateId":"c1","expectedVersion":3,"payload":{"name":"A"}})"))));
}

QTEST_GUILESS_MAIN(TstDecodeCommand)
#include "tst_decode_command.moc"
