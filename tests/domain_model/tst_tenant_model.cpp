// Tenant settings and the number pattern as given / when / then tables. Pure, no store.
#include "domaintesthelpers.h"

#include "core/domain/numbering.h"
#include "core/domain/tenant.h"

using namespace Billstream;
using namespace Billstream::Testing;

namespace {

const QString kAddress = QStringLiteral(R"({"street":"Main St 1","postalCode":"10115","city":"Berlin","country":"DE"})");

TenantState stateOf(const QStringList &events)
{
    return fold(TenantState{}, recorded(QStringLiteral("tenant"), QStringLiteral("t1"), events), evolveTenant);
}

} // namespace

class TstTenantModel : public QObject
{
    Q_OBJECT

private slots:
    void decide_data();
    void decide();
    void evolveMergesDefaults();
    void emptyTenantReadsAsDefaults();
    void conflicts_data();
    void conflicts();
    void patternFormats_data();
    void patternFormats();
    void patternRefuses_data();
    void patternRefuses();
    void sequenceFold();
};

void TstTenantModel::decide_data()
{
    QTest::addColumn<QStringList>("given");
    QTest::addColumn<QString>("when");
    QTest::addColumn<QStringList>("then");

    QTest::newRow("profile")
        << list()
        << QStringLiteral(R"({"command":"SetCompanyProfile","payload":{"name":"Lidan Ltd.","address":%1,"iban":"de89 3704 0044 0532 0130 00","bic":"cobadeff"}})").arg(kAddress)
        << list(QStringLiteral(R"(CompanyProfileSet {"name":"Lidan Ltd.","address":%1,"iban":"DE89370400440532013000","bic":"COBADEFF"})").arg(kAddress));
    QTest::newRow("profile replaces the earlier one")
        << list(QStringLiteral(R"(CompanyProfileSet {"name":"Old","address":%1,"phone":"1"})").arg(kAddress))
        << QStringLiteral(R"({"command":"SetCompanyProfile","payload":{"name":"New","address":%1}})").arg(kAddress)
        << list(R"(CompanyProfileSet {"name":"New"})");
    QTest::newRow("pattern") << list() << R"({"command":"SetNumberingPattern","payload":{"pattern":"{YYYY}/{SEQ:5}"}})"
                             << list(R"(NumberingPatternSet {"pattern":"{YYYY}/{SEQ:5}"})");
    QTest::newRow("some defaults") << list() << R"({"command":"SetInvoiceDefaults","payload":{"taxRate":"7.50","paymentTermsDays":10}})"
                                   << list(R"(InvoiceDefaultsSet {"taxRate":"7.50","paymentTermsDays":10})");
    QTest::newRow("mail settings") << list() << R"({"command":"SetMailSettings","payload":{"smtpUrl":"smtps://bill@mail.example:465","fromAddress":"bill@lidan.example"}})"
                                   << list(R"(MailSettingsSet {"smtpUrl":"smtps://bill@mail.example:465","fromAddress":"bill@lidan.example"})");
}

void TstTenantModel::decide()
{
    QFETCH(QStringList, given);
    QFETCH(QString, when);
    QFETCH(QStringList, then);
    const DecodedCommand command = decoded(when);
    const Result<Decision> d = decideTenant(stateOf(given), std::get<TenantCommand>(command.command));
    QVERIFY2(d.has_value(), d ? "" : qPrintable(d.error().toLine()));
    QString why;
    QVERIFY2(matchEvents(d->events, then, &why), qPrintable(why));
    for (const NewEvent &e : d->events) {
        QVERIFY(!e.payload.contains(QStringLiteral("password")));
        // Only the keys given: another default keeps its value.
        if (e.type == QLatin1String("InvoiceDefaultsSet"))
            QCOMPARE(e.payload.size(), json(when).value(QStringLiteral("payload")).toObject().size());
    }
}

void TstTenantModel::evolveMergesDefaults()
{
    const TenantState s = stateOf(list(R"(InvoiceDefaultsSet {"currency":"EUR","taxRate":"19"})", R"(InvoiceDefaultsSet {"paymentTermsDays":14})",
                                   R"(InvoiceDefaultsSet {"taxRate":"7.7","locale":"de_CH"})", R"(NumberingPatternSet {"pattern":"{YY}-{SEQ}"})",
                                   R"(MailSettingsSet {"smtpUrl":"smtp://h","fromAddress":"a@b.de","fromName":"A"})"));
    QCOMPARE(s.id, QStringLiteral("t1"));
    QCOMPARE(s.defaults.currency, QStringLiteral("EUR"));
    QCOMPARE(s.defaults.taxRate->toString(), QStringLiteral("7.7"));
    QCOMPARE(s.defaults.paymentTermsDays, 14);
    QCOMPARE(s.defaults.locale, QStringLiteral("de_CH"));
    QCOMPARE(s.effectivePattern(), QStringLiteral("{YY}-{SEQ}"));
    QCOMPARE(s.mail->fromName, QStringLiteral("A"));
    QVERIFY(!s.profile.has_value());

    const QJsonObject o = tenantStateJson(s, 5);
    QCOMPARE(o.value(QStringLiteral("version")).toInteger(), 5);
    QCOMPARE(o.value(QStringLiteral("invoiceDefaults")).toObject().value(QStringLiteral("taxRate")).toString(), QStringLiteral("7.7"));
    QVERIFY(o.value(QStringLiteral("companyProfile")).isNull());
    QCOMPARE(o.value(QStringLiteral("mailSettings")).toObject().value(QStringLiteral("smtpUrl")).toString(), QStringLiteral("smtp://h"));
}

void TstTenantModel::emptyTenantReadsAsDefaults()
{
    const TenantState s = stateOf({});
    QCOMPARE(s.effectivePattern(), QStringLiteral("INV-{YYYY}-{SEQ:4}"));
    QCOMPARE(s.defaults.paymentTermsDays, 30);
    QCOMPARE(s.defaults.locale, QStringLiteral("en_US"));
    QVERIFY(s.defaults.currency.isEmpty());
    QVERIFY(!s.defaults.taxRate.has_value());
    QVERIFY(!s.mail.has_value());
    // Unknown tenant events (from a newer version) change nothing.
    QCOMPARE(stateOf(list(R"(TenantThemeSet {"theme":"dark"})")).defaults, s.defaults);
}

void TstTenantModel::conflicts_data()
{
    QTest::addColumn<QString>("when");
    QTest::addColumn<QString>("event");
    QTest::addColumn<bool>("conflicts");
    const QString defaults = QStringLiteral(R"({"command":"SetInvoiceDefaults","payload":{"currency":"EUR","locale":"de_DE"}})");
    QTest::newRow("defaults vs same key") << defaults << R"(InvoiceDefaultsSet {"locale":"fr_FR"})" << true;
    QTest::newRow("defaults vs other keys") << defaults << R"(InvoiceDefaultsSet {"taxRate":"19","paymentTermsDays":3})" << false;
    QTest::newRow("defaults vs profile") << defaults << R"(CompanyProfileSet {"name":"x"})" << false;
    QTest::newRow("profile vs profile") << QStringLiteral(R"({"command":"SetCompanyProfile","payload":{"name":"x","address":%1}})").arg(kAddress)
                                        << R"(CompanyProfileSet {"name":"y"})" << true;
    QTest::newRow("pattern vs pattern") << R"({"command":"SetNumberingPattern","payload":{"pattern":"{YY}{SEQ}"}})" << R"(NumberingPatternSet {"pattern":"x"})" << true;
    QTest::newRow("pattern vs mail") << R"({"command":"SetNumberingPattern","payload":{"pattern":"{YY}{SEQ}"}})" << R"(MailSettingsSet {"smtpUrl":"smtp://h"})" << false;
    QTest::newRow("mail vs mail") << R"({"command":"SetMailSettings","payload":{"smtpUrl":"smtp://h","fromAddress":"a@b.de"}})" << R"(MailSettingsSet {"smtpUrl":"smtp://g"})" << true;
}

void TstTenantModel::conflicts()
{
    QFETCH(QString, when);
    QFETCH(QString, event);
    QFETCH(bool, conflicts);
    const DecodedCommand command = decoded(when);
    const RecordedEvent e = recorded(QStringLiteral("tenant"), QStringLiteral("t1"), {event}, 3).first();
    QCOMPARE(tenantConflicts(std::get<TenantCommand>(command.command), e), conflicts);
}

void TstTenantModel::patternFormats_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<int>("year");
    QTest::addColumn<qint64>("seq");
    QTest::addColumn<QString>("number");

    QTest::newRow("default") << "INV-{YYYY}-{SEQ:4}" << 2026 << qint64(1) << "INV-2026-0001";
    QTest::newRow("default, wider than padding") << "INV-{YYYY}-{SEQ:4}" << 2026 << qint64(123456) << "INV-2026-123456";
    QTest::newRow("two-digit year") << "{YY}{SEQ:3}" << 2009 << qint64(7) << "09007";
    QTest::newRow("no padding") << "R{SEQ}/{YYYY}" << 2026 << qint64(42) << "R42/2026";
    QTest::newRow("both years") << "{YYYY}-{YY}-{SEQ:1}" << 2031 << qint64(5) << "2031-31-5";
    QTest::newRow("width ten") << "{YY}{SEQ:10}" << 2026 << qint64(1) << "260000000001";
}

void TstTenantModel::patternFormats()
{
    QFETCH(QString, pattern);
    QFETCH(int, year);
    QFETCH(qint64, seq);
    QFETCH(QString, number);
    const Result<NumberingPattern> p = NumberingPattern::parse(pattern);
    QVERIFY2(p.has_value(), p ? "" : qPrintable(p.error().toLine()));
    QCOMPARE(p->format(year, seq), number);
    QCOMPARE(p->text(), pattern);
}

void TstTenantModel::patternRefuses_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QStringList>("messages");   // substrings, one per violation, in order

    QTest::newRow("empty") << "" << list("must not be empty");
    QTest::newRow("no sequence") << "INV-{YYYY}" << list("{SEQ}");
    QTest::newRow("no year") << "INV-{SEQ:4}" << list("{YYYY}");
    QTest::newRow("neither") << "INV" << list("{SEQ}", "{YYYY}");
    QTest::newRow("unknown token") << "{YYYY}{MM}{SEQ}" << list("{MM}");
    QTest::newRow("lower case token") << "{yyyy}{SEQ}" << list("{yyyy}", "{YYYY}");
    QTest::newRow("width 0") << "{YYYY}{SEQ:0}" << list("1 to 10", "{SEQ}");
    QTest::newRow("width with a space") << "{YYYY}{SEQ: 4}" << list("1 to 10", "{SEQ}");
    QTest::newRow("width with a sign") << "{YYYY}{SEQ:+4}" << list("1 to 10", "{SEQ}");
    QTest::newRow("width 11") << "{YYYY}{SEQ:11}" << list("1 to 10", "{SEQ}");
    QTest::newRow("stray brace") << "{YYYY}}{SEQ}" << list("'}'");
    QTest::newRow("open brace") << "{YYYY}{SEQ" << list("'{'", "{SEQ}");
    QTest::newRow("control character") << QStringLiteral("{YYYY}\t{SEQ}") << list("control");
    QTest::newRow("too long") << QString(60, u'x') + QStringLiteral("{YY}{SEQ}") << list("too long");
}

void TstTenantModel::patternRefuses()
{
    QFETCH(QString, pattern);
    QFETCH(QStringList, messages);
    const Result<NumberingPattern> p = NumberingPattern::parse(pattern);
    QVERIFY(!p.has_value());
    QCOMPARE(p.error().kind, ErrorKind::ValidationFailed);
    QCOMPARE(p.error().violations.size(), messages.size());
    for (qsizetype i = 0; i < messages.size(); ++i) {
        QCOMPARE(p.error().violations[i].field, QStringLiteral("payload.pattern"));
        QVERIFY2(p.error().violations[i].message.contains(messages[i]), qPrintable(p.error().violations[i].message));
    }
}

void TstTenantModel::sequenceFold()
{
    QCOMPARE(sequenceStreamId(2026), QStringLiteral("invoice-number-2026"));
    const auto events = recorded(QStringLiteral("sequence"), sequenceStreamId(2026),
                                 list(R"(InvoiceNumberReserved {"seq":1,"number":"INV-2026-0001","invoiceId":"a","issueDate":"2026-01-02"})",
                                  R"(InvoiceNumberReserved {"seq":2,"number":"INV-2026-0002","invoiceId":"b","issueDate":"2026-01-05"})"));
    const SequenceState s = fold(SequenceState{}, events, evolveSequence);
    QCOMPARE(s.lastSeq, 2);
    QCOMPARE(s.lastNumber, QStringLiteral("INV-2026-0002"));
    QCOMPARE(s.lastInvoiceId, QStringLiteral("b"));
    QCOMPARE(s.lastIssueDate, QDate(2026, 1, 5));
    const NewEvent e = numberReserved(3, QStringLiteral("INV-2026-0003"), QStringLiteral("c"), QDate(2026, 2, 1));
    QCOMPARE(compact(e.payload), QStringLiteral(R"({"invoiceId":"c","issueDate":"2026-02-01","number":"INV-2026-0003","seq":3})"));
}

QTEST_GUILESS_MAIN(TstTenantModel)
#include "tst_tenant_model.moc"
