#include "app/cli/cli.h"
#include "app/cli/storeaccess.h"

#include "core/documents/csvexport.h"
#include "core/domain/invoicingservice.h"
#include "core/domain/tenant.h"
#include "core/projections/book.h"
#include "core/projections/readside.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Billstream::Cli {

namespace {

enum class Format { Table, Json, Csv };

// One output column: its JSON key, its table header, and whether it is a number (numbers are
// right-aligned in tables and never neutralised in CSV).
struct Column
{
    QString key;
    QString header;
    bool number = false;
};

using Cells = QList<QJsonValue>;

QString cellText(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined: return QString();
    case QJsonValue::Bool: return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: return QString::number(v.toInteger());
    case QJsonValue::String: return v.toString();
    case QJsonValue::Object:
    case QJsonValue::Array: {
        const QJsonDocument doc = v.isObject() ? QJsonDocument(v.toObject()) : QJsonDocument(v.toArray());
        return QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
    }
    }
    return QString();
}

// CSV (RFC 4180) with formula neutralisation (QUALITY.md), by the rule every CSV of Billstream uses.
QString csvCell(const QJsonValue &v, bool number)
{
    return csvField(cellText(v), number);
}

// Table cells are one line each: control characters would break the layout.
QString tableCell(const QJsonValue &v)
{
    QString text = cellText(v);
    for (QChar &c : text) {
        if (c.category() == QChar::Other_Control)
            c = QLatin1Char(' ');
    }
    return text;
}

void print(QTextStream &out, Format format, const QList<Column> &columns, const QList<Cells> &rows,
           const QStringList &tableHeaders)
{
    if (format == Format::Json) {
        out << '[';
        for (qsizetype r = 0; r < rows.size(); ++r) {
            QJsonObject o;
            for (qsizetype c = 0; c < columns.size(); ++c)
                o.insert(columns.at(c).key, rows.at(r).at(c));
            out << (r == 0 ? "\n" : ",\n") << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
        }
        out << (rows.isEmpty() ? "]\n" : "\n]\n");
        return;
    }
    if (format == Format::Csv) {
        QStringList header;
        for (const Column &c : columns)
            header << csvCell(c.key, false);
        out << header.join(QLatin1Char(',')) << "\r\n";
        for (const Cells &row : rows) {
            QStringList cells;
            for (qsizetype c = 0; c < columns.size(); ++c)
                cells << csvCell(row.at(c), columns.at(c).number);
            out << cells.join(QLatin1Char(',')) << "\r\n";
        }
        return;
    }
    // Table: the columns that have a header, aligned.
    QList<qsizetype> shown;
    for (qsizetype c = 0; c < columns.size(); ++c) {
        if (!columns.at(c).header.isEmpty())
            shown << c;
    }
    QList<QStringList> texts;
    QList<qsizetype> widths;
    for (qsizetype c : std::as_const(shown))
        widths << columns.at(c).header.size();
    for (const Cells &row : rows) {
        QStringList line;
        for (qsizetype i = 0; i < shown.size(); ++i) {
            const QString t = tableCell(row.at(shown.at(i)));
            widths[i] = std::max(widths.at(i), t.size());
            line << t;
        }
        texts << line;
    }
    const auto printLine = [&](const QStringList &line) {
        QStringList padded;
        for (qsizetype i = 0; i < shown.size(); ++i) {
            const bool right = columns.at(shown.at(i)).number;
            padded << (right ? line.at(i).rightJustified(widths.at(i)) : line.at(i).leftJustified(widths.at(i)));
        }
        out << padded.join(QStringLiteral("  ")).trimmed() << '\n';
    };
    QStringList header;
    for (qsizetype c : std::as_const(shown))
        header << columns.at(c).header;
    printLine(header);
    for (const QStringList &line : std::as_const(texts))
        printLine(line);
    for (const QString &h : tableHeaders)
        out << h << '\n';
}

QJsonValue dateValue(const QDate &d)
{
    return d.isValid() ? QJsonValue(d.toString(Qt::ISODate)) : QJsonValue(QJsonValue::Null);
}

} // namespace

// `list invoices|customers [--as-of TIME] [--status S] [--search TEXT] [--format table|json|csv]`
int runList(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption asOfOpt(QStringLiteral("as-of"), QStringLiteral("How the list stood at this time."),
                                     QStringLiteral("TIME"));
    const QCommandLineOption statusOpt(QStringLiteral("status"), QStringLiteral("Only rows with this status."),
                                       QStringLiteral("S"));
    const QCommandLineOption searchOpt(QStringLiteral("search"), QStringLiteral("Only rows containing this text."),
                                       QStringLiteral("TEXT"));
    const QCommandLineOption formatOpt(QStringLiteral("format"), QStringLiteral("table (default), json or csv."),
                                       QStringLiteral("FORMAT"));
    parser.addOptions({asOfOpt, statusOpt, searchOpt, formatOpt});
    parser.addPositionalArgument(QStringLiteral("what"), QStringLiteral("invoices or customers"));
    if (auto code = parseArguments(ctx, parser, QStringLiteral("list"), args, 1, 1))
        return *code;

    const QString what = parser.positionalArguments().first();
    if (what != QStringLiteral("invoices") && what != QStringLiteral("customers"))
        return ctx.usage(QStringLiteral("list: '%1' is not a list; use invoices or customers").arg(what));
    const bool invoices = what == QStringLiteral("invoices");

    Format format = Format::Table;
    if (parser.isSet(formatOpt)) {
        const QString f = parser.value(formatOpt);
        if (f == QStringLiteral("json"))
            format = Format::Json;
        else if (f == QStringLiteral("csv"))
            format = Format::Csv;
        else if (f != QStringLiteral("table"))
            return ctx.usage(QStringLiteral("--format: '%1' is not a format; use table, json or csv").arg(f));
    }
    ListFilter filter;
    filter.search = parser.value(searchOpt);
    if (parser.isSet(statusOpt)) {
        filter.status = parser.value(statusOpt).trimmed().toUpper();
        const QStringList allowed = invoices ? invoiceStatusFilters()
                                             : QStringList{QStringLiteral("ACTIVE"), QStringLiteral("ARCHIVED")};
        if (!allowed.contains(filter.status)) {
            return ctx.usage(QStringLiteral("--status: '%1' is not a status of %2; use one of %3")
                                 .arg(parser.value(statusOpt), what, allowed.join(QStringLiteral(", "))));
        }
    }
    QDateTime asOf;
    if (parser.isSet(asOfOpt)) {
        Result<QDateTime> t = parseTime(QStringLiteral("--as-of"), parser.value(asOfOpt));
        if (!t)
            return ctx.report(t.error());
        asOf = *t;
    }

    auto store = openStore(ctx, Access::Read);
    if (!store)
        return ctx.report(store.error());
    ReadSideOptions options;
    options.catchUpAsync = false;
    options.autoCatchUp = false;
    auto readSide = ReadSide::attach(**store, options);
    if (!readSide)
        return ctx.report(readSide.error());

    const SystemClock clock;
    InvoicingService service(**store, clock);
    Result<Book> book = asOf.isValid() ? Book::asOf(**store, ctx.tenantId, asOf)
                                       : Book::live(**store, ctx.tenantId, service.today());
    if (!book)
        return ctx.report(book.error());

    QList<Column> columns;
    QList<Cells> rows;
    if (invoices) {
        columns = {{QStringLiteral("id"), QStringLiteral("ID")},
                   {QStringLiteral("number"), QStringLiteral("NUMBER")},
                   {QStringLiteral("status"), QStringLiteral("STATUS")},
                   {QStringLiteral("customerId"), QString()},
                   {QStringLiteral("customerName"), QStringLiteral("CUSTOMER")},
                   {QStringLiteral("currency"), QStringLiteral("CUR")},
                   {QStringLiteral("issueDate"), QStringLiteral("ISSUED")},
                   {QStringLiteral("dueDate"), QStringLiteral("DUE DATE")},
                   {QStringLiteral("total"), QStringLiteral("TOTAL"), true},
                   {QStringLiteral("paid"), QStringLiteral("PAID"), true},
                   {QStringLiteral("due"), QStringLiteral("DUE"), true},
                   {QStringLiteral("overdue"), QStringLiteral("OVERDUE")},
                   {QStringLiteral("version"), QString(), true}};
        Result<QList<InvoiceListEntry>> list = book->invoices(filter, InvoiceSort::Created, Qt::AscendingOrder);
        if (!list)
            return ctx.report(list.error());
        for (const InvoiceListEntry &e : std::as_const(*list)) {
            rows << Cells{e.id, e.number, e.status, e.customerId, e.customerName, e.currency, dateValue(e.issueDate),
                          dateValue(e.dueDate), formatMinorUnits(e.total, e.digits), formatMinorUnits(e.paid, e.digits),
                          formatMinorUnits(e.due, e.digits), e.overdue, e.version};
        }
    } else {
        // "0.00" in the tenant's default currency when there is no open invoice (CLI.md).
        int defaultDigits = 2;
        const LoadPoint at = asOf.isValid() ? LoadPoint::asOf(asOf) : LoadPoint::head();
        if (Result<Loaded<TenantState>> tenant = service.loadTenant(ctx.tenantId, at)) {
            if (const std::optional<Currency> c = Currency::find(tenant->state.defaults.currency))
                defaultDigits = c->minorDigits();
        }
        columns = {{QStringLiteral("id"), QStringLiteral("ID")},
                   {QStringLiteral("name"), QStringLiteral("NAME")},
                   {QStringLiteral("email"), QStringLiteral("EMAIL")},
                   {QStringLiteral("openBalance"), QStringLiteral("OPEN"), true},
                   {QStringLiteral("openBalances"), QStringLiteral("OPEN BY CURRENCY")},
                   {QStringLiteral("invoiceCount"), QStringLiteral("INVOICES"), true},
                   {QStringLiteral("version"), QString(), true}};
        Result<QList<CustomerListEntry>> list = book->customers(filter, CustomerSort::Name, Qt::AscendingOrder);
        if (!list)
            return ctx.report(list.error());
        for (const CustomerListEntry &e : std::as_const(*list)) {
            QJsonObject balances;
            for (auto it = e.openBalances.cbegin(); it != e.openBalances.cend(); ++it)
                balances.insert(it.key(), it->text());
            QJsonValue single;
            if (e.openBalances.isEmpty())
                single = formatMinorUnits(0, defaultDigits);
            else if (e.openBalances.size() == 1)
                single = e.openBalances.first().text();
            else
                single = QJsonValue(QJsonValue::Null);
            if (format == Format::Table) {
                QStringList parts;
                for (auto it = e.openBalances.cbegin(); it != e.openBalances.cend(); ++it)
                    parts << it.key() + QLatin1Char(' ') + it->text();
                rows << Cells{e.id, e.name, e.email, single, parts.join(QStringLiteral(", ")), e.invoiceCount, e.version};
            } else {
                rows << Cells{e.id, e.name, e.email, single, balances, e.invoiceCount, e.version};
            }
        }
    }

    QStringList footer;
    if (format == Format::Table && book->time().isValid())
        footer << QStringLiteral("As of %1 (position %2).").arg(formatTimestamp(book->time())).arg(book->position());
    print(*ctx.out, format, columns, rows, footer);
    ctx.out->flush();
    return 0;
}

} // namespace Billstream::Cli
