// Customer aggregate as given / when / then tables: given these events, when this command, then
// these events (and unique claims) or this refusal. Pure decide/evolve, no store.
#include "domaintesthelpers.h"

#include "core/domain/customer.h"

using namespace Billstream;
using namespace Billstream::Testing;

namespace {

const QString kAddress = QStringLiteral(R"({"street":"Main St 1","postalCode":"10115","city":"Berlin","country":"DE"})");

QStringList existing(bool archived = false)
{
    QStringList events{QStringLiteral(R"(CustomerCreated {"customerId":"c1"})"),
                       QStringLiteral(R"(CustomerRenamed {"name":"Ann"})"),
                       QStringLiteral(R"(CustomerEmailChanged {"email":"Ann@Example.com"})"),
                       QStringLiteral("CustomerAddressChanged {\"address\":%1}").arg(kAddress)};
    if (archived)
        events << QStringLiteral("CustomerArchived");
    return events;
}

QString claimsText(const Decision &d)
{
    QStringList parts;
    for (const UniqueClaim &c : d.releases)
        parts << QStringLiteral("-%1:%2@%3").arg(c.kind, c.value, c.streamId);
    for (const UniqueClaim &c : d.claims)
        parts << QStringLiteral("+%1:%2@%3").arg(c.kind, c.value, c.streamId);
    return parts.join(u' ');
}

} // namespace

class TstCustomerModel : public QObject
{
    Q_OBJECT

private slots:
    void decide_data();
    void decide();
    void evolve();
    void evolveIsTolerant();
    void conflicts_data();
    void conflicts();
};

void TstCustomerModel::decide_data()
{
    QTest::addColumn<QStringList>("given");
    QTest::addColumn<QString>("when");
    QTest::addColumn<QStringList>("then");
    QTest::addColumn<QString>("claims");   // releases (-) and claims (+) as kind:value@stream
    QTest::addColumn<QString>("error");    // "" or errorSummary()

    QTest::newRow("create")
        << list()
        << QStringLiteral(R"({"command":"CreateCustomer","aggregateId":"c1","payload":{"name":"Ann","email":" Ann@Example.com ","address":%1,"taxId":"DE1"}})").arg(kAddress)
        << list(R"(CustomerCreated {"customerId":"c1"})", R"(CustomerRenamed {"name":"Ann"})",
                       R"(CustomerEmailChanged {"email":"Ann@Example.com"})",
                       QStringLiteral("CustomerAddressChanged {\"address\":%1}").arg(kAddress),
                       R"(CustomerTaxIdChanged {"taxId":"DE1"})")
        << "+customer-email:ann@example.com@c1" << "";
    QTest::newRow("create without tax id")
        << list()
        << QStringLiteral(R"({"command":"CreateCustomer","aggregateId":"c1","payload":{"name":"Ann","email":"a@b.de","address":%1}})").arg(kAddress)
        << list("CustomerCreated", "CustomerRenamed", "CustomerEmailChanged", "CustomerAddressChanged")
        << "+customer-email:a@b.de@c1" << "";
    QTest::newRow("create on an existing id")
        << existing()
        << QStringLiteral(R"({"command":"CreateCustomer","aggregateId":"c1","payload":{"name":"Bob","email":"b@b.de","address":%1}})").arg(kAddress)
        << list() << "" << "ValidationFailed: aggregateId";
    QTest::newRow("rename") << existing() << R"({"command":"RenameCustomer","aggregateId":"c1","payload":{"name":"Ann Lee"}})"
                            << list(R"(CustomerRenamed {"name":"Ann Lee"})") << "" << "";
    QTest::newRow("rename unknown customer") << list() << R"({"command":"RenameCustomer","aggregateId":"c1","payload":{"name":"X"}})"
                                             << list() << "" << "NotFound";
    QTest::newRow("rename archived") << existing(true) << R"({"command":"RenameCustomer","aggregateId":"c1","payload":{"name":"X"}})"
                                     << list() << "" << "ValidationFailed";
    QTest::newRow("change email moves the claim")
        << existing() << R"({"command":"ChangeCustomerEmail","aggregateId":"c1","payload":{"email":"ann@new.example"}})"
        << list(R"(CustomerEmailChanged {"email":"ann@new.example"})")
        << "-customer-email:ann@example.com@c1 +customer-email:ann@new.example@c1" << "";
    QTest::newRow("change email case only keeps the claim")
        << existing() << R"({"command":"ChangeCustomerEmail","aggregateId":"c1","payload":{"email":"ANN@example.COM"}})"
        << list(R"(CustomerEmailChanged {"email":"ANN@example.COM"})") << "" << "";
    QTest::newRow("change email archived") << existing(true) << R"({"command":"ChangeCustomerEmail","aggregateId":"c1","payload":{"email":"x@y.de"}})"
                                           << list() << "" << "ValidationFailed";
    QTest::newRow("change address")
        << existing() << R"({"command":"ChangeCustomerAddress","aggregateId":"c1","payload":{"address":{"street":"Elm 2","postalCode":"","city":"Dublin","country":"IE"}}})"
        << list(R"(CustomerAddressChanged {"address":{"street":"Elm 2","postalCode":"","city":"Dublin","country":"IE"}})") << "" << "";
    QTest::newRow("change address archived") << existing(true) << QStringLiteral(R"({"command":"ChangeCustomerAddress","aggregateId":"c1","payload":{"address":%1}})").arg(kAddress)
                                             << list() << "" << "ValidationFailed";
    QTest::newRow("change tax id") << existing() << R"({"command":"ChangeCustomerTaxId","aggregateId":"c1","payload":{"taxId":"GB123"}})"
                                   << list(R"(CustomerTaxIdChanged {"taxId":"GB123"})") << "" << "";
    QTest::newRow("remove tax id") << existing() << R"({"command":"ChangeCustomerTaxId","aggregateId":"c1","payload":{"taxId":""}})"
                                   << list(R"(CustomerTaxIdChanged {"taxId":""})") << "" << "";
    QTest::newRow("change tax id archived") << existing(true) << R"({"command":"ChangeCustomerTaxId","aggregateId":"c1","payload":{"taxId":"x"}})"
                                            << list() << "" << "ValidationFailed";
    QTest::newRow("archive releases the e-mail") << existing() << R"({"command":"ArchiveCustomer","aggregateId":"c1"})"
                                                 << list("CustomerArchived") << "-customer-email:ann@example.com@c1" << "";
    QTest::newRow("archive twice") << existing(true) << R"({"command":"ArchiveCustomer","aggregateId":"c1"})"
                                   << list() << "" << "ValidationFailed";
}

void TstCustomerModel::decide()
{
    QFETCH(QStringList, given);
    QFETCH(QString, when);
    QFETCH(QStringList, then);
    QFETCH(QString, claims);
    QFETCH(QString, error);

    const CustomerState state = fold(CustomerState{}, recorded(QStringLiteral("customer"), QStringLiteral("c1"), given), evolveCustomer);
    const DecodedCommand command = decoded(when);
    const Result<Decision> d = decideCustomer(state, std::get<CustomerCommand>(command.command), command.aggregateId);
    if (!error.isEmpty()) {
        QVERIFY2(!d.has_value(), "the command was accepted");
        QCOMPARE(errorSummary(d.error()), error);
        QVERIFY(!d.error().message.isEmpty());
        return;
    }
    QVERIFY2(d.has_value(), d ? "" : qPrintable(d.error().toLine()));
    QString why;
    QVERIFY2(matchEvents(d->events, then, &why), qPrintable(why));
    QCOMPARE(claimsText(*d), claims);
    QVERIFY(d->otherStreams.isEmpty());
}

void TstCustomerModel::evolve()
{
    const auto events = recorded(QStringLiteral("customer"), QStringLiteral("c1"),
                                 existing() + list(R"(CustomerTaxIdChanged {"taxId":"DE1"})", R"(CustomerRenamed {"name":"Ann Lee"})"));
    CustomerState s = fold(CustomerState{}, events, evolveCustomer);
    QVERIFY(s.exists);
    QCOMPARE(s.id, QStringLiteral("c1"));
    QCOMPARE(s.name, QStringLiteral("Ann Lee"));
    QCOMPARE(s.email, QStringLiteral("Ann@Example.com"));
    QCOMPARE(s.address.city, QStringLiteral("Berlin"));
    QCOMPARE(s.taxId, QStringLiteral("DE1"));
    QVERIFY(!s.archived);
    s = evolveCustomer(s, recorded(QStringLiteral("customer"), QStringLiteral("c1"), {QStringLiteral("CustomerArchived")}, 7).first());
    QVERIFY(s.archived);

    const Loaded<CustomerState> loaded{s, 7, events.first().recordedAt, events.last().recordedAt};
    const QJsonObject o = customerStateJson(loaded);
    for (const char *key : {"id", "version", "name", "email", "address", "taxId", "archived"})
        QVERIFY2(o.contains(QLatin1String(key)), key);
    QCOMPARE(o.value(QStringLiteral("version")).toInteger(), 7);
    QCOMPARE(o.value(QStringLiteral("archived")).toBool(), true);
    QCOMPARE(o.value(QStringLiteral("address")).toObject().value(QStringLiteral("postalCode")).toString(), QStringLiteral("10115"));
}

void TstCustomerModel::evolveIsTolerant()
{
    // Unknown event types and fields (from a newer version) leave the state as it was.
    const CustomerState before = fold(CustomerState{}, recorded(QStringLiteral("customer"), QStringLiteral("c1"), existing()), evolveCustomer);
    const auto later = recorded(QStringLiteral("customer"), QStringLiteral("c1"),
                                list(R"(CustomerLoyaltyTierSet {"tier":"gold"})", R"(CustomerRenamed {"name":"Ann","nickname":"A"})"), 5);
    QCOMPARE(fold(before, later, evolveCustomer), before);
}

void TstCustomerModel::conflicts_data()
{
    QTest::addColumn<QString>("when");
    QTest::addColumn<QString>("event");
    QTest::addColumn<bool>("conflicts");

    const QString rename = QStringLiteral(R"({"command":"RenameCustomer","aggregateId":"c1","payload":{"name":"B"}})");
    const QString email = QStringLiteral(R"({"command":"ChangeCustomerEmail","aggregateId":"c1","payload":{"email":"b@b.de"}})");
    const QString archive = QStringLiteral(R"({"command":"ArchiveCustomer","aggregateId":"c1"})");
    const QString taxId = QStringLiteral(R"({"command":"ChangeCustomerTaxId","aggregateId":"c1","payload":{"taxId":"1"}})");
    QTest::newRow("rename vs rename") << rename << R"(CustomerRenamed {"name":"C"})" << true;
    QTest::newRow("rename vs email") << rename << R"(CustomerEmailChanged {"email":"x@y.de"})" << false;
    QTest::newRow("email vs email") << email << R"(CustomerEmailChanged {"email":"x@y.de"})" << true;
    QTest::newRow("email vs address") << email << R"(CustomerAddressChanged {"address":{}})" << false;
    QTest::newRow("tax id vs tax id") << taxId << R"(CustomerTaxIdChanged {"taxId":"2"})" << true;
    QTest::newRow("rename vs archived") << rename << "CustomerArchived" << true;
    QTest::newRow("email vs archived") << email << "CustomerArchived" << true;
    QTest::newRow("archive vs rename") << archive << R"(CustomerRenamed {"name":"C"})" << false;
}

void TstCustomerModel::conflicts()
{
    QFETCH(QString, when);
    QFETCH(QString, event);
    QFETCH(bool, conflicts);
    const DecodedCommand command = decoded(when);
    const RecordedEvent e = recorded(QStringLiteral("customer"), QStringLiteral("c1"), {event}, 6).first();
    QCOMPARE(customerConflicts(std::get<CustomerCommand>(command.command), e), conflicts);
}

QTEST_GUILESS_MAIN(TstCustomerModel)
#include "tst_customer_model.moc"
