#pragma once

// A real store in a temporary folder with a tenant, customers and invoices made through the
// normal command path (InvoicingService::execute), for the document and mail tests.
#include "core/domain/invoicingservice.h"
#include "core/es/clock.h"
#include "core/projections/readside.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace Billstream::Testing {

inline QJsonObject parseJson(const QString &text)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        qFatal("test JSON does not parse: %s", qPrintable(text));
    return doc.object();
}

struct LineSpec
{
    QString description;
    QString quantity;
    QString unitPrice;
    QString taxRate;
    QString discountPercent;
};

class InvoiceFixture
{
public:
    // The clock starts at 2026-03-04 10:00 UTC, so issue dates and recorded times are fixed.
    InvoiceFixture()
        : m_clock(QDateTime(QDate(2026, 3, 4), QTime(10, 0), Qt::UTC))
    {
        storePath = dir.filePath(QStringLiteral("store.sqlite"));
        open();
    }

    void open()
    {
        StoreOptions options;
        options.clock = &m_clock;
        options.anchorPath = dir.filePath(QStringLiteral("anchor"));
        auto rs = ReadSide::open(storePath, options, {}, ReadSideOptions{false, false, 0});
        if (!rs)
            qFatal("cannot open the test store: %s", qPrintable(rs.error().message));
        readSide = std::move(*rs);
        service = std::make_unique<InvoicingService>(readSide->store(), m_clock);
    }

    void close()
    {
        service.reset();
        readSide.reset();
    }

    SqliteEventStore &store() const { return readSide->store(); }
    ManualClock &clock() { return m_clock; }

    Result<AppendResult> exec(const QJsonObject &command) { return service->execute(tenant, command, QStringLiteral("test")); }

    // Fails the test (and returns {}) when the command is refused.
    AppendResult mustExec(const QJsonObject &command)
    {
        auto r = exec(command);
        if (!r) {
            qWarning("command refused: %s", qPrintable(r.error().toLine()));
            return {};
        }
        return *r;
    }

    void setCompany(const QString &name = QStringLiteral("Lidan Ltd."), const QString &locale = QStringLiteral("en_US"),
                    const QString &logoBase64 = QString())
    {
        QJsonObject profile{{QStringLiteral("name"), name},
                            {QStringLiteral("address"),
                             QJsonObject{{QStringLiteral("street"), QStringLiteral("1 Harbour Road")},
                                         {QStringLiteral("postalCode"), QStringLiteral("10115")},
                                         {QStringLiteral("city"), QStringLiteral("Berlin")},
                                         {QStringLiteral("country"), QStringLiteral("DE")}}},
                            {QStringLiteral("taxId"), QStringLiteral("DE123456789")},
                            {QStringLiteral("email"), QStringLiteral("billing@lidan.example")},
                            {QStringLiteral("iban"), QStringLiteral("DE89370400440532013000")},
                            {QStringLiteral("bic"), QStringLiteral("COBADEFFXXX")}};
        if (!logoBase64.isEmpty())
            profile.insert(QStringLiteral("logo"), logoBase64);
        mustExec({{QStringLiteral("command"), QStringLiteral("SetCompanyProfile")}, {QStringLiteral("payload"), profile}});
        mustExec({{QStringLiteral("command"), QStringLiteral("SetInvoiceDefaults")},
                  {QStringLiteral("payload"), QJsonObject{{QStringLiteral("locale"), locale}}}});
    }

    void setMailSettings(const QString &smtpUrl, const QString &from = QStringLiteral("billing@lidan.example"))
    {
        mustExec({{QStringLiteral("command"), QStringLiteral("SetMailSettings")},
                  {QStringLiteral("payload"), QJsonObject{{QStringLiteral("smtpUrl"), smtpUrl},
                                                          {QStringLiteral("fromAddress"), from},
                                                          {QStringLiteral("fromName"), QStringLiteral("Lidan Billing")}}}});
    }

    QString createCustomer(const QString &name, const QString &email = QStringLiteral("anna@customer.example"))
    {
        const AppendResult r = mustExec(
            {{QStringLiteral("command"), QStringLiteral("CreateCustomer")},
             {QStringLiteral("payload"),
              QJsonObject{{QStringLiteral("name"), name},
                          {QStringLiteral("email"), email},
                          {QStringLiteral("address"),
                           QJsonObject{{QStringLiteral("street"), QStringLiteral("5 Market Street")},
                                       {QStringLiteral("postalCode"), QStringLiteral("94105")},
                                       {QStringLiteral("city"), QStringLiteral("San Francisco")},
                                       {QStringLiteral("country"), QStringLiteral("US")}}},
                          {QStringLiteral("taxId"), QStringLiteral("US-99-1234567")}}}});
        return r.events.isEmpty() ? QString() : r.events.first().streamId;
    }

    QString createInvoice(const QString &customerId, const QList<LineSpec> &lines,
                          const QString &currency = QStringLiteral("EUR"), const QString &notes = QString())
    {
        QJsonArray items;
        for (const LineSpec &l : lines) {
            QJsonObject item{{QStringLiteral("description"), l.description},
                             {QStringLiteral("quantity"), l.quantity},
                             {QStringLiteral("unitPrice"), l.unitPrice},
                             {QStringLiteral("taxRate"), l.taxRate}};
            if (!l.discountPercent.isEmpty())
                item.insert(QStringLiteral("discountPercent"), l.discountPercent);
            items.append(item);
        }
        QJsonObject payload{{QStringLiteral("customerId"), customerId},
                            {QStringLiteral("currency"), currency},
                            {QStringLiteral("lineItems"), items}};
        if (!notes.isEmpty())
            payload.insert(QStringLiteral("notes"), notes);
        const AppendResult r = mustExec({{QStringLiteral("command"), QStringLiteral("CreateInvoice")},
                                         {QStringLiteral("payload"), payload}});
        return r.events.isEmpty() ? QString() : r.events.first().streamId;
    }

    QString issue(const QString &invoiceId)
    {
        const AppendResult r = mustExec({{QStringLiteral("command"), QStringLiteral("IssueInvoice")},
                                         {QStringLiteral("aggregateId"), invoiceId},
                                         {QStringLiteral("payload"), QJsonObject()}});
        for (const RecordedEvent &e : r.events) {
            if (e.type == QLatin1String("InvoiceNumberAssigned"))
                return e.payload.value(QStringLiteral("number")).toString();
        }
        return QString();
    }

    // SendInvoiceToCustomer; returns the new delivery id.
    QString requestSend(const QString &invoiceId, const QJsonObject &payload = {})
    {
        const AppendResult r = mustExec({{QStringLiteral("command"), QStringLiteral("SendInvoiceToCustomer")},
                                         {QStringLiteral("aggregateId"), invoiceId},
                                         {QStringLiteral("payload"), payload}});
        for (const RecordedEvent &e : r.events) {
            if (e.type == QLatin1String("InvoiceSendRequested"))
                return e.payload.value(QStringLiteral("deliveryId")).toString();
        }
        return QString();
    }

    // The events of one type in the invoice's stream.
    QList<RecordedEvent> eventsOf(const QString &invoiceId, const QString &type)
    {
        QList<RecordedEvent> out;
        auto events = store().readStream(tenant, invoiceId);
        if (!events)
            return out;
        for (const RecordedEvent &e : std::as_const(*events)) {
            if (e.type == type)
                out << e;
        }
        return out;
    }

    QTemporaryDir dir;
    QString storePath;
    QString tenant = QStringLiteral("default");
    std::unique_ptr<ReadSide> readSide;
    std::unique_ptr<InvoicingService> service;

private:
    ManualClock m_clock;
};

// pdftotext's text of a PDF (all pages, or one), layout kept.
inline QString pdfText(const QByteArray &pdf, int page = 0)
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("doc.pdf"));
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly) || f.write(pdf) != pdf.size())
        return QString();
    f.close();
    QStringList args{QStringLiteral("-layout"), QStringLiteral("-enc"), QStringLiteral("UTF-8")};
    if (page > 0)
        args << QStringLiteral("-f") << QString::number(page) << QStringLiteral("-l") << QString::number(page);
    args << file << QStringLiteral("-");
    QProcess p;
    p.start(QStringLiteral("pdftotext"), args);
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        return QStringLiteral("<pdftotext failed: %1>").arg(QString::fromUtf8(p.readAllStandardError()));
    return QString::fromUtf8(p.readAllStandardOutput());
}

// pdfinfo's key: value lines.
inline QMap<QString, QString> pdfInfo(const QByteArray &pdf)
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("doc.pdf"));
    QFile f(file);
    QMap<QString, QString> info;
    if (!f.open(QIODevice::WriteOnly) || f.write(pdf) != pdf.size())
        return info;
    f.close();
    QProcess p;
    p.start(QStringLiteral("pdfinfo"), {file});
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        return info;
    const QStringList lines = QString::fromUtf8(p.readAllStandardOutput()).split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        if (colon > 0)
            info.insert(line.left(colon).trimmed(), line.mid(colon + 1).trimmed());
    }
    return info;
}

} // namespace Billstream::Testing
