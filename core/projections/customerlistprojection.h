#pragma once

#include "core/es/sqliteeventstore.h"
#include "core/es/upcasters.h"
#include "core/projections/sqlaccess.h"

namespace Billstream {

// The customer list (inline): one row per customer of each tenant with every field of the
// domain's CustomerState, so the next event folds onto the row itself (no cache needed), and
// customer_list_history with the superseded versions for as-of reads. Invoice counts and open
// balances are kept by the invoice list, which sees the invoices (ReadSide joins them).
class CustomerListProjection final : public Projection
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

    static QStringList tables();

private:
    SqliteEventStore &m_store;
    std::shared_ptr<const Upcasters> m_upcasters;
    ReadSql::StatementCache m_sql;
};

} // namespace Billstream
