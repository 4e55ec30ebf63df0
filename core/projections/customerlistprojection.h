#pragma once

#include <vector>

#include "core/domain/customer.h"
#include "core/es/sqliteeventstore.h"
#include "core/projections/bulkprojection.h"
#include "core/es/upcasters.h"
#include "core/projections/sqlaccess.h"
#include "core/projections/streamindex.h"

namespace Billstream {

// The customer list (inline): one row per customer of each tenant with every field of the
// domain's CustomerState, so the next event folds onto the row itself (no cache needed), and
// customer_list_history with the superseded versions for as-of reads. Invoice counts and open
// balances are kept by the invoice list, which sees the invoices (ReadSide joins them).
class CustomerListProjection final : public BulkProjection
{
public:
    static constexpr int SchemaVersion = 1;
    static QString projectionName() { return QStringLiteral("customer_list"); }

    CustomerListProjection(SqliteEventStore &store, std::shared_ptr<const Upcasters> upcasters);
    ~CustomerListProjection() override;

    QString name() const override { return projectionName(); }
    int schemaVersion() const override { return SchemaVersion; }
    Status createSchema(QSqlDatabase &db) override;
    Status dropSchema(QSqlDatabase &db) override;
    Status apply(QSqlDatabase &db, const RecordedEvent &event) override;
    Status beginBulk(QSqlDatabase &db) override;
    Status endBulk(QSqlDatabase &db) override;
    void abortBulk() override;
    SqliteEventStore::Payload payloadOf(const QString &eventType) const override;
    // A row (and a superseded version) keeps the id of the last event of its version: the last
    // of a run.
    bool readsEveryEventId() const override { return false; }

    static QStringList tables();

private:
    struct Row
    {
        QString tenant;
        QString id;
        CustomerState state;
        qint64 version = 0;
        QString lastEventId;
        qint64 createdAt = 0;
        qint64 updatedAt = 0;
        qint64 validFrom = 0;
    };
    Status write(QSqlDatabase &db, sqlite3 *h, const Row &row);
    Status writeHistory(QSqlDatabase &db, sqlite3 *h, const Row &row, qint64 validTo);
    Result<CustomerState> refold(const RecordedEvent &e, qint64 *createdAt);

    std::vector<Row> m_bulkRows;
    StreamIndex m_bulkIndex;

    SqliteEventStore &m_store;
    std::shared_ptr<const Upcasters> m_upcasters;
    ReadSql::StatementCache m_sql;
};

} // namespace Billstream
