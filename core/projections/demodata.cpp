#include "core/projections/demodata.h"

#include "core/domain/currency.h"
#include "core/domain/domainevents.h"
#include "core/domain/invoicingservice.h"
#include "core/domain/totals.h"
#include "core/es/sqliteeventstore.h"
#include "core/projections/sqlaccess.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QUuid>

#include <algorithm>
#include <array>

namespace Billstream {

namespace {

// --- the sample business's world --------------------------------------------------------------

struct Country
{
    const char *code;
    const char *currency;
    std::array<const char *, 2> taxRates;   // standard, reduced
    std::array<const char *, 5> cities;
    std::array<const char *, 5> streets;
    int weight;
};

// Currencies with 2, 0 and 3 minor digits, and several tax rates.
const std::array<Country, 8> Countries = {{
    {"DE", "EUR", {"19", "7"}, {"Berlin", "Hamburg", "München", "Köln", "Leipzig"},
     {"Hauptstraße", "Bahnhofstraße", "Lindenallee", "Gartenweg", "Schillerstraße"}, 34},
    {"FR", "EUR", {"20", "5.5"}, {"Paris", "Lyon", "Marseille", "Toulouse", "Nantes"},
     {"rue de la Paix", "avenue Victor Hugo", "rue du Moulin", "boulevard Voltaire", "place de la Gare"}, 10},
    {"NL", "EUR", {"21", "9"}, {"Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven"},
     {"Keizersgracht", "Dorpsstraat", "Kerkstraat", "Stationsweg", "Molenlaan"}, 9},
    {"GB", "GBP", {"20", "5"}, {"London", "Manchester", "Bristol", "Leeds", "Edinburgh"},
     {"High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane"}, 12},
    {"US", "USD", {"0", "8.875"}, {"New York", "Chicago", "Austin", "Seattle", "Boston"},
     {"Main Street", "Oak Avenue", "Maple Drive", "Elm Street", "Park Place"}, 15},
    {"CH", "CHF", {"8.1", "2.6"}, {"Zürich", "Bern", "Basel", "Lausanne", "Luzern"},
     {"Bahnhofstrasse", "Seestrasse", "Dorfstrasse", "Kirchweg", "Rosenweg"}, 7},
    {"JP", "JPY", {"10", "8"}, {"Tokyo", "Osaka", "Kyoto", "Yokohama", "Sapporo"},
     {"Chiyoda 1-2", "Nakano 3-14", "Shibuya 2-21", "Umeda 1-1", "Kita 5-7"}, 7},
    {"KW", "KWD", {"0", "0"}, {"Kuwait City", "Hawalli", "Salmiya", "Farwaniya", "Jahra"},
     {"Gulf Road", "Fahad Al-Salem Street", "Salem Al-Mubarak Street", "Arabian Gulf Street", "Ahmad Al-Jaber Street"}, 6},
}};

const std::array<const char *, 32> FirstNames = {
    "Anna", "Ben", "Clara", "David", "Elena", "Farid", "Grace", "Hannes", "Ines", "Jonas", "Keiko", "Liam",
    "Maja", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara", "Ulrich", "Vera", "Wen", "Xavier",
    "Yara", "Zoe", "Amir", "Britta", "Chen", "Dora", "Emil", "Fatima"};
const std::array<const char *, 32> LastNames = {
    "Müller", "Schmidt", "Dubois", "Martin", "Smith", "Jones", "Tanaka", "Sato", "de Vries", "Jansen", "Rossi",
    "García", "Novak", "Kowalski", "Nielsen", "Berg", "Okafor", "Haddad", "O'Brien", "Fischer", "Weber", "Meyer",
    "Laurent", "Moreau", "Brown", "Taylor", "Suzuki", "Visser", "Keller", "Huber", "Al-Sabah", "Lindqvist"};
const std::array<const char *, 24> CompanyWords = {
    "Northwind", "Bluebird", "Apex", "Lumen", "Cedar", "Harbor", "Quartz", "Meridian", "Atlas", "Juniper",
    "Sparrow", "Orbit", "Evergreen", "Falcon", "Granite", "Helix", "Ironwood", "Kestrel", "Lighthouse",
    "Maple", "Nimbus", "Pioneer", "Redwood", "Summit"};
const std::array<const char *, 12> CompanyKinds = {
    "Consulting", "Logistics", "Software", "Studio", "Foods", "Engineering", "Media", "Health", "Labs",
    "Architects", "Trading", "Systems"};

struct Service
{
    const char *description;
    int minPrice;     // in major units
    int maxPrice;
    bool fractionalQuantity;
};
const std::array<Service, 10> Services = {{
    {"Consulting (hours)", 90, 220, true},
    {"Software licence, annual", 400, 4800, false},
    {"Support plan, monthly", 60, 900, false},
    {"Workshop day", 900, 2400, false},
    {"Travel expenses", 40, 700, false},
    {"Design work (hours)", 70, 160, true},
    {"Hosting, monthly", 15, 400, false},
    {"Training session", 300, 1800, false},
    {"Translation (pages)", 20, 60, true},
    {"Hardware: laptop", 900, 2600, false},
}};

const std::array<const char *, 6> Notes = {
    "Thank you for your business.", "PO 4500012345", "Project Phoenix, phase 2",
    "Please quote the invoice number with your payment.", "Delivery as agreed on the phone.",
    "Annual maintenance contract"};

// --- the plan -----------------------------------------------------------------------------------

struct PlannedLine
{
    QString id;
    QString description;
    QString quantity;
    QString unitPrice;
    QString taxRate;
    QString discount;     // "" for none
};

struct Customer
{
    QString id;
    QString name;
    QString email;
    int country = 0;
    QDateTime createdAt;
    bool archiveLater = false;
};

enum class Kind {
    CreateCustomer, RenameCustomer, ChangeEmail, ChangeAddress, ArchiveCustomer,
    CreateInvoice, AddLine, UpdateLine, RemoveLine, SetNotes, SetDueDate, Issue, Send, SendOutcome,
    Payment, Void, Delete
};

struct Action
{
    qint64 atMs = 0;
    qint64 seq = 0;            // ties keep the planned order
    Kind kind = Kind::CreateInvoice;
    int target = 0;            // customer or invoice index
    QJsonObject payload;       // prepared at planning time, except what results decide (delivery ids)
    bool success = true;       // SendOutcome: sent or failed
};

struct Invoice
{
    QString id;
    int customer = 0;
    QString deliveryId;        // of the last send request
};

class Planner
{
public:
    Planner(const DemoOptions &o, const QDate &from, const QDate &until)
        : m_o(o)
        , m_from(from)
        , m_until(until)
    {
        const quint32 seeds[2] = {quint32(o.seed & 0xffffffffu), quint32(o.seed >> 32)};
        m_rng = QRandomGenerator(seeds, 2);
        m_startMs = QDateTime(from, QTime(8, 0), Qt::UTC).toMSecsSinceEpoch();
        m_endMs = QDateTime(until, QTime(23, 0), Qt::UTC).toMSecsSinceEpoch();
    }

    int bounded(int lo, int hi) { return lo >= hi ? lo : int(m_rng.bounded(lo, hi)); }  // [lo, hi)
    bool chance(int percent) { return int(m_rng.bounded(100)) < percent; }
    qint64 minutes(qint64 n) const { return n * 60'000; }
    qint64 days(qint64 n) const { return n * 86'400'000; }

    QString uuid()
    {
        std::array<quint32, 4> w{};
        for (quint32 &x : w)
            x = m_rng.generate();
        QUuid u(w[0], quint16(w[1] >> 16), quint16((w[1] & 0x0fff) | 0x4000), uchar(0x80 | ((w[2] >> 24) & 0x3f)),
                uchar(w[2] >> 16), uchar(w[2] >> 8), uchar(w[2]), uchar(w[3] >> 24), uchar(w[3] >> 16),
                uchar(w[3] >> 8), uchar(w[3]));
        return u.toString(QUuid::WithoutBraces);
    }

    template<typename A>
    auto pick(const A &array) -> decltype(array[0])
    {
        return array[size_t(m_rng.bounded(int(array.size())))];
    }

    int pickCountry()
    {
        int total = 0;
        for (const Country &c : Countries)
            total += c.weight;
        int r = bounded(0, total);
        for (int i = 0; i < int(Countries.size()); ++i) {
            if (r < Countries[size_t(i)].weight)
                return i;
            r -= Countries[size_t(i)].weight;
        }
        return 0;
    }

    QJsonObject address(int country)
    {
        const Country &c = Countries[size_t(country)];
        QString postal;
        if (QLatin1String(c.code) == QLatin1String("GB"))
            postal = QStringLiteral("%1%2 %3AB").arg(QLatin1String("SW")).arg(bounded(1, 20)).arg(bounded(1, 9));
        else if (QLatin1String(c.code) == QLatin1String("NL"))
            postal = QStringLiteral("%1 AB").arg(bounded(1000, 9999));
        else if (QLatin1String(c.code) == QLatin1String("JP"))
            postal = QStringLiteral("%1-%2").arg(bounded(100, 999)).arg(bounded(1000, 9999));
        else
            postal = QString::number(bounded(10000, 99999));
        return QJsonObject{{QStringLiteral("street"), QStringLiteral("%1 %2").arg(QString::fromUtf8(pick(c.streets))).arg(bounded(1, 180))},
                           {QStringLiteral("postalCode"), postal},
                           {QStringLiteral("city"), QString::fromUtf8(pick(c.cities))},
                           {QStringLiteral("country"), QLatin1String(c.code)}};
    }

    QString companyName()
    {
        if (chance(35)) {
            return QStringLiteral("%1 %2").arg(QString::fromUtf8(pick(FirstNames)), QString::fromUtf8(pick(LastNames)));
        }
        static const std::array<const char *, 8> suffixes = {"GmbH", "Ltd", "LLC", "SARL", "AG", "BV", "Inc.", "& Co."};
        return QStringLiteral("%1 %2 %3")
            .arg(QString::fromUtf8(pick(CompanyWords)), QString::fromUtf8(pick(CompanyKinds)),
                 QString::fromUtf8(pick(suffixes)));
    }

    QString emailFor(const QString &name, int index)
    {
        QString local;
        for (const QChar c : name.toLower()) {
            if ((c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('0') && c <= QLatin1Char('9')))
                local += c;
            else if (c == QLatin1Char(' ') && !local.endsWith(QLatin1Char('.')))
                local += QLatin1Char('.');
        }
        if (local.isEmpty() || local.endsWith(QLatin1Char('.')))
            local += QStringLiteral("office");
        return QStringLiteral("%1.%2@example.%3").arg(local).arg(index).arg(QStringLiteral("com"));
    }

    QString money(qint64 minor, int digits)
    {
        const std::optional<Decimal> d = Decimal::fromMantissa(minor, digits);
        return d ? d->toString(digits) : QStringLiteral("0");
    }

    PlannedLine line(int country, int n)
    {
        const Country &c = Countries[size_t(country)];
        const Service &s = pick(Services);
        const int digits = Currency::find(QString::fromLatin1(c.currency))->minorDigits();
        // JPY prices are about 150 times the EUR figure; KWD about a third.
        double scale = 1.0;
        if (QLatin1String(c.currency) == QLatin1String("JPY"))
            scale = 150.0;
        else if (QLatin1String(c.currency) == QLatin1String("KWD"))
            scale = 0.3;
        const qint64 major = qint64(bounded(s.minPrice, s.maxPrice + 1) * scale);
        qint64 minor = major;
        for (int i = 0; i < digits; ++i)
            minor *= 10;
        if (digits > 0 && chance(40))
            minor += bounded(1, 100) * (digits == 3 ? 10 : 1);
        PlannedLine l;
        l.id = QStringLiteral("L%1").arg(n);
        l.description = QString::fromUtf8(s.description);
        l.quantity = s.fractionalQuantity && chance(50)
            ? QStringLiteral("%1.%2").arg(bounded(1, 40)).arg(QLatin1String(pick(std::array<const char *, 3>{"25", "5", "75"})))
            : QString::number(bounded(1, s.fractionalQuantity ? 40 : 4));
        l.unitPrice = money(minor, digits);
        l.taxRate = QString::fromUtf8(chance(80) ? c.taxRates[0] : c.taxRates[1]);
        if (chance(10))
            l.discount = chance(50) ? QStringLiteral("5") : QStringLiteral("10");
        return l;
    }

    static QJsonObject lineJson(const PlannedLine &l)
    {
        QJsonObject o{{QStringLiteral("lineItemId"), l.id},
                      {QStringLiteral("description"), l.description},
                      {QStringLiteral("quantity"), l.quantity},
                      {QStringLiteral("unitPrice"), l.unitPrice},
                      {QStringLiteral("taxRate"), l.taxRate}};
        if (!l.discount.isEmpty())
            o.insert(QStringLiteral("discountPercent"), l.discount);
        return o;
    }

    // The invoice's total by the domain's own EN 16931 rules, for payment amounts.
    static qint64 totalOf(const QList<PlannedLine> &lines, const QString &currency)
    {
        const std::optional<Currency> cur = Currency::find(currency);
        QList<LineAmounts> amounts;
        for (const PlannedLine &l : lines) {
            LineAmounts a;
            a.quantity = *Decimal::parse(l.quantity, QString(), 6);
            a.unitPrice = *Decimal::parse(l.unitPrice, QString(), 6);
            a.taxRate = *Decimal::parse(l.taxRate, QString(), 4);
            a.discountPercent = l.discount.isEmpty() ? Decimal() : *Decimal::parse(l.discount, QString(), 4);
            amounts << a;
        }
        const Result<InvoiceTotals> t = computeTotals(*cur, amounts);
        const std::optional<qint64> total = t ? t->total.minorUnits64() : std::nullopt;
        return total ? *total : 0;
    }

    void add(qint64 atMs, Kind kind, int target, QJsonObject payload = {}, bool success = true)
    {
        if (atMs > m_endMs)
            return;  // would happen after the history ends
        m_actions.append(Action{atMs, m_seq++, kind, target, std::move(payload), success});
    }

    void plan()
    {
        const qint64 span = m_endMs - m_startMs;
        // Customers: a third known from the start, the others arriving over the years.
        for (int i = 0; i < m_o.customers; ++i) {
            Customer c;
            c.id = uuid();
            c.country = pickCountry();
            c.name = companyName();
            c.email = emailFor(c.name, i + 1);
            const bool early = i < std::max(1, m_o.customers / 3);
            c.createdAt = QDateTime::fromMSecsSinceEpoch(
                early ? m_startMs + minutes(10 + i) : m_startMs + qint64(m_rng.bounded(double(span) * 0.9)), Qt::UTC);
            c.archiveLater = !early && i % 29 == 7;  // a few prospects that never bought
            m_customers.append(c);
        }
        std::stable_sort(m_customers.begin(), m_customers.end(),
                         [](const Customer &a, const Customer &b) { return a.createdAt < b.createdAt; });
        for (int i = 0; i < int(m_customers.size()); ++i) {
            const Customer &c = m_customers.at(i);
            QJsonObject payload{{QStringLiteral("name"), c.name},
                                {QStringLiteral("email"), c.email},
                                {QStringLiteral("address"), address(c.country)}};
            if (chance(60)) {
                payload.insert(QStringLiteral("taxId"),
                               QStringLiteral("%1%2").arg(QLatin1String(Countries[size_t(c.country)].code)).arg(bounded(100000000, 999999999)));
            }
            const qint64 at = c.createdAt.toMSecsSinceEpoch();
            add(at, Kind::CreateCustomer, i, payload);
            if (c.archiveLater) {
                add(at + days(bounded(20, 200)), Kind::ArchiveCustomer, i);
                continue;
            }
            if (chance(8))
                add(at + days(bounded(30, 700)), Kind::RenameCustomer, i,
                    {{QStringLiteral("name"), companyName()}});
            if (chance(5))
                add(at + days(bounded(30, 700)), Kind::ChangeEmail, i,
                    {{QStringLiteral("email"), emailFor(QStringLiteral("accounts ") + c.name, i + 1)}});
            if (chance(6))
                add(at + days(bounded(30, 700)), Kind::ChangeAddress, i, {{QStringLiteral("address"), address(c.country)}});
        }
        QList<qint64> customerTimes;
        for (const Customer &c : std::as_const(m_customers))
            customerTimes << c.createdAt.toMSecsSinceEpoch();

        // Invoices: created evenly over the years, each for a customer known by then.
        QList<qint64> created;
        for (int i = 0; i < m_o.invoices; ++i)
            created << m_startMs + days(1) + qint64(m_rng.bounded(double(span - days(1))));
        std::sort(created.begin(), created.end());
        for (int i = 0; i < m_o.invoices; ++i) {
            const qint64 t0 = created.at(i);
            const auto known = std::upper_bound(customerTimes.cbegin(), customerTimes.cend(), t0 - minutes(1)) - customerTimes.cbegin();
            int customer = bounded(0, std::max<int>(1, int(known)));
            // Regular customers: a fifth of the invoices go to the first few customers.
            if (known > 5 && chance(20))
                customer = bounded(0, std::min<int>(int(known), 5));
            for (int tries = 0; m_customers.at(customer).archiveLater && tries < int(m_customers.size()); ++tries)
                customer = (customer + 1) % int(std::max<qsizetype>(1, known));
            if (m_customers.at(customer).archiveLater)
                continue;
            planInvoice(t0, customer);
        }
        std::stable_sort(m_actions.begin(), m_actions.end(), [](const Action &a, const Action &b) {
            return a.atMs != b.atMs ? a.atMs < b.atMs : a.seq < b.seq;
        });
    }

    void planInvoice(qint64 t0, int customer)
    {
        const int index = int(m_invoices.size());
        m_invoices.append(Invoice{uuid(), customer, {}});
        const Customer &c = m_customers.at(customer);
        const QString currency = QString::fromLatin1(Countries[size_t(c.country)].currency);
        const int digits = Currency::find(currency)->minorDigits();
        QList<PlannedLine> lines;
        const int lineCount = bounded(1, 7);
        int nextLine = 1;
        for (int k = 0; k < lineCount; ++k)
            lines << line(c.country, nextLine++);
        QJsonArray linesJson;
        for (const PlannedLine &l : std::as_const(lines))
            linesJson.append(lineJson(l));
        QJsonObject create{{QStringLiteral("customerId"), c.id},
                           {QStringLiteral("currency"), currency},
                           {QStringLiteral("lineItems"), linesJson}};
        if (chance(30))
            create.insert(QStringLiteral("notes"), QString::fromUtf8(pick(Notes)));
        add(t0, Kind::CreateInvoice, index, create);

        qint64 t = t0;
        if (chance(25)) {
            // Edits on the draft, minutes to hours later.
            const int edits = bounded(1, 3);
            for (int k = 0; k < edits; ++k) {
                t += minutes(bounded(5, 600));
                const int what = bounded(0, 5);
                if (what == 0 || lines.size() < 2) {
                    PlannedLine l = line(c.country, nextLine++);
                    lines << l;
                    add(t, Kind::AddLine, index, lineJson(l));
                } else if (what == 1) {
                    PlannedLine &l = lines[bounded(0, int(lines.size()))];
                    l.quantity = QString::number(bounded(1, 20));
                    add(t, Kind::UpdateLine, index, {{QStringLiteral("lineItemId"), l.id}, {QStringLiteral("quantity"), l.quantity}});
                } else if (what == 2) {
                    const int r = bounded(0, int(lines.size()));
                    add(t, Kind::RemoveLine, index, {{QStringLiteral("lineItemId"), lines.at(r).id}});
                    lines.removeAt(r);
                } else if (what == 3) {
                    add(t, Kind::SetNotes, index, {{QStringLiteral("notes"), QString::fromUtf8(pick(Notes))}});
                } else {
                    const QDate due = QDateTime::fromMSecsSinceEpoch(t, Qt::UTC).date().addDays(bounded(14, 45));
                    add(t, Kind::SetDueDate, index, {{QStringLiteral("dueDate"), due.toString(Qt::ISODate)}});
                }
            }
        }
        if (chance(4)) {
            add(t + days(bounded(1, 4)), Kind::Delete, index);
            return;
        }
        if (chance(3))
            return;  // still a draft
        const qint64 issuedAt = t + days(bounded(0, 3)) + minutes(bounded(10, 300));
        const QDate issueDate = QDateTime::fromMSecsSinceEpoch(issuedAt, Qt::UTC).date();
        add(issuedAt, Kind::Issue, index, {{QStringLiteral("issueDate"), issueDate.toString(Qt::ISODate)}});
        t = issuedAt;
        if (chance(70)) {
            t += minutes(bounded(1, 120));
            add(t, Kind::Send, index);
            t += minutes(bounded(1, 10));
            const bool ok = !chance(5);
            add(t, Kind::SendOutcome, index, {}, ok);
            if (!ok) {
                t += days(1);
                add(t, Kind::Send, index);
                t += minutes(2);
                add(t, Kind::SendOutcome, index, {}, true);
            }
        }
        const qint64 total = totalOf(lines, currency);
        const int fate = bounded(0, 100);
        const auto pay = [&](qint64 at, qint64 amount) {
            const QDate date = QDateTime::fromMSecsSinceEpoch(at, Qt::UTC).date().addDays(chance(10) ? -bounded(1, 4) : 0);
            add(at, Kind::Payment, index,
                {{QStringLiteral("paymentId"), QStringLiteral("P-%1").arg(at)},
                 {QStringLiteral("amount"), money(amount, digits)},
                 {QStringLiteral("date"), date.toString(Qt::ISODate)},
                 {QStringLiteral("method"), chance(80) ? QStringLiteral("bank transfer") : QStringLiteral("card")}});
        };
        if (fate < 6) {
            add(t + days(bounded(2, 20)), Kind::Void, index, {{QStringLiteral("reason"), QStringLiteral("Issued in error")}});
        } else if (total <= 0) {
            return;
        } else if (fate < 76) {
            pay(t + days(bounded(3, 70)), total);
        } else if (fate < 88 && total > 1) {
            const qint64 first = std::max<qint64>(1, total * bounded(30, 70) / 100);
            const qint64 at = t + days(bounded(3, 40));
            pay(at, first);
            pay(at + days(bounded(5, 60)), total - first);
        }
        // else: never paid (still open, overdue once its due date passes)
    }

    const DemoOptions &m_o;
    QDate m_from;
    QDate m_until;
    QRandomGenerator m_rng;
    qint64 m_startMs = 0;
    qint64 m_endMs = 0;
    qint64 m_seq = 0;
    QList<Customer> m_customers;
    QList<Invoice> m_invoices;
    QList<Action> m_actions;
};

QString commandName(Kind kind)
{
    namespace C = Wire::Command;
    switch (kind) {
    case Kind::CreateCustomer: return C::CreateCustomer;
    case Kind::RenameCustomer: return C::RenameCustomer;
    case Kind::ChangeEmail: return C::ChangeCustomerEmail;
    case Kind::ChangeAddress: return C::ChangeCustomerAddress;
    case Kind::ArchiveCustomer: return C::ArchiveCustomer;
    case Kind::CreateInvoice: return C::CreateInvoice;
    case Kind::AddLine: return C::AddLineItem;
    case Kind::UpdateLine: return C::UpdateLineItem;
    case Kind::RemoveLine: return C::RemoveLineItem;
    case Kind::SetNotes: return C::SetInvoiceNotes;
    case Kind::SetDueDate: return C::SetInvoiceDueDate;
    case Kind::Issue: return C::IssueInvoice;
    case Kind::Send: return C::SendInvoiceToCustomer;
    case Kind::Payment: return C::RecordPayment;
    case Kind::Void: return C::VoidInvoice;
    case Kind::Delete: return C::DeleteInvoice;
    case Kind::SendOutcome: break;
    }
    return {};
}

bool isCustomerKind(Kind k)
{
    return k == Kind::CreateCustomer || k == Kind::RenameCustomer || k == Kind::ChangeEmail
        || k == Kind::ChangeAddress || k == Kind::ArchiveCustomer;
}

} // namespace

Result<DemoSummary> writeDemoHistory(InvoicingService &service, ManualClock &clock, const DemoOptions &options)
{
    if (options.customers < 1)
        return fail(Error::usage(QStringLiteral("--customers: the demo needs at least one customer")));
    if (options.invoices < 0)
        return fail(Error::usage(QStringLiteral("--invoices: must not be negative")));
    const QDate until = options.until.isValid() ? options.until : QDateTime::currentDateTimeUtc().date();
    const QDate from = until.addYears(-3).addDays(1);

    Planner planner(options, from, until);
    planner.plan();

    SqliteEventStore &store = service.store();
    sqlite3 *handle = ReadSql::handleOf(store.database());
    if (options.bulk) {
        if (Status s = ReadSql::exec(handle, "PRAGMA synchronous = OFF", QStringLiteral("prepare the bulk demo")); !s)
            return fail(s.error());
    }
    const auto restore = qScopeGuard([&] {
        if (options.bulk) {
            // One sync for the whole demo, then back to a durable commit per command.
            (void)ReadSql::exec(handle, "PRAGMA synchronous = FULL; PRAGMA wal_checkpoint(FULL);",
                                QStringLiteral("finish the bulk demo"));
        }
    });

    DemoSummary summary;
    summary.from = from;
    summary.until = until;
    const qint64 total = planner.m_actions.size() + 2;
    const auto run = [&](const QJsonObject &command) -> Status {
        Result<AppendResult> r = service.execute(options.tenantId, command, options.actor);
        if (!r) {
            return fail(Error{r.error().kind,
                              QStringLiteral("the demo's %1 was refused: %2")
                                  .arg(command.value(QStringLiteral("command")).toString(), r.error().message),
                              r.error().violations, r.error().details});
        }
        ++summary.commands;
        summary.events += r->events.size();
        return {};
    };

    // The business: company profile and invoice defaults, on the first morning.
    clock.set(QDateTime::fromMSecsSinceEpoch(planner.m_startMs - 3'600'000, Qt::UTC));
    const QJsonObject profile{
        {QStringLiteral("name"), QStringLiteral("Lidan Consulting GmbH")},
        {QStringLiteral("address"), QJsonObject{{QStringLiteral("street"), QStringLiteral("Torstraße 110")},
                                                {QStringLiteral("postalCode"), QStringLiteral("10119")},
                                                {QStringLiteral("city"), QStringLiteral("Berlin")},
                                                {QStringLiteral("country"), QStringLiteral("DE")}}},
        {QStringLiteral("taxId"), QStringLiteral("DE811234567")},
        {QStringLiteral("email"), QStringLiteral("billing@lidan.example")},
        {QStringLiteral("iban"), QStringLiteral("DE89370400440532013000")},
        {QStringLiteral("bic"), QStringLiteral("COBADEFFXXX")}};
    if (Status s = run({{QStringLiteral("command"), Wire::Command::SetCompanyProfile}, {QStringLiteral("payload"), profile}}); !s)
        return fail(s.error());
    clock.advanceMSecs(60'000);
    if (Status s = run({{QStringLiteral("command"), Wire::Command::SetInvoiceDefaults},
                        {QStringLiteral("payload"), QJsonObject{{QStringLiteral("currency"), QStringLiteral("EUR")},
                                                                {QStringLiteral("taxRate"), QStringLiteral("19")},
                                                                {QStringLiteral("paymentTermsDays"), 30},
                                                                {QStringLiteral("locale"), QStringLiteral("en_US")}}}});
        !s)
        return fail(s.error());

    qint64 done = 2;
    for (const Action &a : std::as_const(planner.m_actions)) {
        clock.set(QDateTime::fromMSecsSinceEpoch(a.atMs, Qt::UTC));
        if (a.kind == Kind::SendOutcome) {
            Invoice &inv = planner.m_invoices[a.target];
            DeliveryOutcome outcome{inv.deliveryId, a.success, a.success ? QString() : QStringLiteral("mailbox full")};
            EventMetadata meta;
            meta.actor = QStringLiteral("mailer");
            Result<AppendResult> r = service.recordDeliveryOutcome(options.tenantId, inv.id, outcome, meta);
            if (!r)
                return fail(Error::failure(QStringLiteral("the demo's delivery report was refused: %1").arg(r.error().message)));
            ++summary.commands;
            summary.events += r->events.size();
        } else {
            const bool customer = isCustomerKind(a.kind);
            const QString id = customer ? planner.m_customers.at(a.target).id : planner.m_invoices.at(a.target).id;
            const QJsonObject command{{QStringLiteral("command"), commandName(a.kind)},
                                      {QStringLiteral("aggregateId"), id},
                                      {QStringLiteral("payload"), a.payload}};
            Result<AppendResult> r = service.execute(options.tenantId, command, options.actor);
            if (!r) {
                return fail(Error{r.error().kind,
                                  QStringLiteral("the demo's %1 was refused: %2").arg(commandName(a.kind), r.error().message),
                                  r.error().violations, r.error().details});
            }
            ++summary.commands;
            summary.events += r->events.size();
            if (a.kind == Kind::Send) {
                for (const RecordedEvent &e : std::as_const(r->events)) {
                    if (e.type == Wire::Event::InvoiceSendRequested)
                        planner.m_invoices[a.target].deliveryId = e.payload.value(QStringLiteral("deliveryId")).toString();
                }
            }
        }
        ++done;
        if (options.progress && (done % std::max<qint64>(1, total / 100) == 0 || done == total))
            options.progress(done, total);
    }
    summary.customers = int(planner.m_customers.size());
    summary.invoices = int(planner.m_invoices.size());
    return summary;
}

} // namespace Billstream
