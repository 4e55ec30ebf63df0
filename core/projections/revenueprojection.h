#pragma once

#include <QMap>
#include <array>
#include <functional>
#include <tuple>

#include "core/es/sqliteeventstore.h"
#include "core/projections/bulkprojection.h"
#include "core/projections/invoicerow.h"
#include "core/es/upcasters.h"
#include "core/projections/sqlaccess.h"

namespace Billstream {

// Revenue by month and currency (async, behind a checkpoint):
//   revenue_by_month  the sums per (tenant, month, currency), kept by delta for the live report
//   revenue_payments  one row per payment, by its position: payment date's month, amount
// "Invoiced" counts issued invoices by issue month, less those voided; "received" counts
// payments by the month of their payment date. An issued invoice's content is frozen
// (DOMAIN.md), so its totals are read from the invoice list, an inline projection always at or
// past this one. As of an earlier point, the book counts the invoices it holds then (issued and
// not void) and the payments up to then (Book::revenue()).
class RevenueProjection final : public BulkProjection
{
public:
    // 2: issued invoices are no longer kept one row each (revenue_invoices); the book as of a
    //    time counts its own invoice rows. Payments keyed by position.
    // 3: no revenue_applied (the positions of the ISSUED and VOID events counted): the runner
    //    applies each event once, reading its checkpoint under the batch's write lock.
    static constexpr int SchemaVersion = 3;
    static QString projectionName() { return QStringLiteral("revenue"); }

    explicit RevenueProjection(std::shared_ptr<const Upcasters> upcasters);
    ~RevenueProjection() override;

    QString name() const override { return projectionName(); }
    int schemaVersion() const override { return SchemaVersion; }
    Status createSchema(QSqlDatabase &db) override;
    Status dropSchema(QSqlDatabase &db) override;
    Status apply(QSqlDatabase &db, const RecordedEvent &event) override;
    Status beginBulk(QSqlDatabase &db) override;
    Status endBulk(QSqlDatabase &db) override;
    void abortBulk() override;
    SqliteEventStore::Payload payloadOf(const QString &eventType) const override;
    bool readsEveryEventId() const override { return false; }  // reads no event ids

    // Where an invoice's figures come from during a bulk replay that rebuilds the invoice list
    // in the same pass (its table is written only at the end): what the invoice fold found at
    // the event at `position` (an ISSUED or VOID status, a payment), null for any other event;
    // none: the events' payloads and the invoice_list table.
    using FigureSource = std::function<const RevenueFact *(qint64 position)>;
    void setFigureSource(FigureSource source) { m_figures = std::move(source); }

    static QStringList tables();

private:
    Status applyVoid(QSqlDatabase &db, sqlite3 *h, const RecordedEvent &e, const RevenueFigures &figures);
    Status applyIssued(QSqlDatabase &db, sqlite3 *h, const RecordedEvent &e, const RevenueFigures &figures);
    Status applyPayment(QSqlDatabase &db, sqlite3 *h, const RecordedEvent &e, const RevenueFigures &figures,
                        const Decimal &paid, const QDate &date);
    // "yyyy-MM", the months of one replay formatted once.
    const QString &monthOf(const QDate &date);
    Status addToMonth(QSqlDatabase &db, sqlite3 *h, const QString &tenant, const QString &month,
                      const QString &currency, int digits, int count, Int128 net, Int128 tax, Int128 total,
                      Int128 received);

    std::shared_ptr<const Upcasters> m_upcasters;
    ReadSql::StatementCache m_sql;
    FigureSource m_figures;
    struct Month
    {
        int digits = 0;
        qint64 count = 0;
        Int128 sums[4] = {0, 0, 0, 0};
    };
    QMap<std::tuple<QString, QString, QString>, Month> m_bulkMonths;  // tenant, month, currency
    struct RecentMonth
    {
        QString tenant;
        QString monthName;
        QString currency;
        Month *month = nullptr;  // in m_bulkMonths (whose nodes stay where they are)
    };
    std::array<RecentMonth, 8> m_recentMonths;                         // most recent first
    QHash<int, QString> m_months;                                      // year * 12 + month - 1
};

} // namespace Billstream
