#pragma once

// A real store file in a temporary folder with the read side attached and the invoicing service
// on a ManualClock, plus builders for the commands the tests send.
#include "core/domain/invoicingservice.h"
#include "core/es/sqliteeventstore.h"
#include "core/projections/readside.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

namespace Billstream::Testing {

inline QString s(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

inline QDateTime utc(const char *iso)
{
    QDateTime t = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs);
    t.setTimeSpec(Qt::UTC);
    return t;
}

struct TestStore
{
    QTemporaryDir dir;
    ManualClock clock{utc("2026-01-05T09:00:00.000Z")};
    std::unique_ptr<SqliteEventStore> store;
    std::unique_ptr<ReadSide> readSide;
    std::unique_ptr<InvoicingService> service;
    QString tenant = QStringLiteral("default");

    QString path() const { return dir.filePath(QStringLiteral("store.sqlite")); }

    static StoreOptions options(const QTemporaryDir &dir, const Clock *clock)
    {
        StoreOptions o;
        o.clock = clock;
        o.anchorPath = dir.filePath(QStringLiteral("anchor.json"));
        o.quickCheckOnOpen = false;
        return o;
    }

    // Opens (or reopens) the store with the read side attached.
    bool open(bool withReadSide = true)
    {
        service.reset();
        readSide.reset();
        store.reset();
        auto opened = SqliteEventStore::open(path(), options(dir, &clock));
        if (!opened) {
            qWarning("open: %s", qPrintable(opened.error().message));
            return false;
        }
        store = std::move(*opened);
        if (withReadSide) {
            ReadSideOptions ro;
            ro.autoCatchUp = false;
            auto rs = ReadSide::attach(*store, ro);
            if (!rs) {
                qWarning("attach: %s", qPrintable(rs.error().message));
                return false;
            }
            readSide = std::move(*rs);
        }
        service = std::make_unique<InvoicingService>(*store, clock);
        return true;
    }

    void close()
    {
        service.reset();
        readSide.reset();
        store.reset();
    }

    // Runs a command that must succeed.
    AppendResult exec(const QJsonObject &command, const char *where = "")
    {
        Result<AppendResult> r = service->execute(tenant, command, QStringLiteral("test"));
        if (!r)
            qFatal("command %s refused (%s): %s", qPrintable(command.value(QStringLiteral("command")).toString()),
                   where, qPrintable(r.error().message));
        return *r;
    }
    Result<AppendResult> tryExec(const QJsonObject &command)
    {
        return service->execute(tenant, command, QStringLiteral("test"));
    }
    void at(const char *iso) { clock.set(utc(iso)); }
};

inline QJsonObject address(const QString &city = QStringLiteral("Berlin"))
{
    return {{QStringLiteral("street"), QStringLiteral("Hauptstraße 1")},
            {QStringLiteral("postalCode"), QStringLiteral("10115")},
            {QStringLiteral("city"), city},
            {QStringLiteral("country"), QStringLiteral("DE")}};
}

inline QJsonObject command(const QString &name, const QString &id, const QJsonObject &payload)
{
    QJsonObject c{{QStringLiteral("command"), name}, {QStringLiteral("payload"), payload}};
    if (!id.isEmpty())
        c.insert(QStringLiteral("aggregateId"), id);
    return c;
}

inline QJsonObject companyProfile()
{
    return command(QStringLiteral("SetCompanyProfile"), {},
                   {{QStringLiteral("name"), QStringLiteral("Seller GmbH")}, {QStringLiteral("address"), address()}});
}

inline QJsonObject createCustomer(const QString &id, const QString &name, const QString &email)
{
    return command(QStringLiteral("CreateCustomer"), id,
                   {{QStringLiteral("name"), name}, {QStringLiteral("email"), email}, {QStringLiteral("address"), address()}});
}

inline QJsonObject line(const QString &id, const QString &quantity, const QString &price, const QString &rate)
{
    return {{QStringLiteral("lineItemId"), id},
            {QStringLiteral("description"), QString(QStringLiteral("Work ") + id)},
            {QStringLiteral("quantity"), quantity},
            {QStringLiteral("unitPrice"), price},
            {QStringLiteral("taxRate"), rate}};
}

inline QJsonObject createInvoice(const QString &id, const QString &customerId, const QString &currency,
                                 const QJsonArray &lines, const QString &notes = {})
{
    QJsonObject p{{QStringLiteral("customerId"), customerId},
                  {QStringLiteral("currency"), currency},
                  {QStringLiteral("lineItems"), lines}};
    if (!notes.isEmpty())
        p.insert(QStringLiteral("notes"), notes);
    return command(QStringLiteral("CreateInvoice"), id, p);
}

inline QJsonObject issue(const QString &id, const QString &issueDate)
{
    return command(QStringLiteral("IssueInvoice"), id, {{QStringLiteral("issueDate"), issueDate}});
}

inline QJsonObject pay(const QString &id, const QString &paymentId, const QString &amount, const QString &date)
{
    return command(QStringLiteral("RecordPayment"), id,
                   {{QStringLiteral("paymentId"), paymentId}, {QStringLiteral("amount"), amount}, {QStringLiteral("date"), date}});
}

} // namespace Billstream::Testing
