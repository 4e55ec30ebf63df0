#pragma once

#include "core/es/clock.h"
#include "core/es/result.h"
#include "core/projections/book.h"
#include "core/projections/listdiff.h"

#include <QAbstractTableModel>
#include <QLocale>
#include <QSet>
#include <QTimer>

#include <optional>

namespace Billstream {
class SqliteEventStore;
}

// The item models of the read side (Widgets-free). In their own namespace: ui/ has list
// models of its own with the same names.
namespace Billstream::ReadModels {

// Which streams an append touched (ids and types), for models deciding what to re-read.
struct ChangedStreams
{
    QSet<QString> ids;
    QSet<QString> types;
};

// The common part of the list models over projection tables (invoices, customers): a lazily
// fetched list (canFetchMore/fetchMore, pages of `pageSize` rows) whose order, filter and
// search run in SQL; live, refreshed incrementally after each append of this store instance
// (rows inserted, removed or changed, never a reset per change), or showing the whole book as of
// a past time, read-only. Widgets-free: views live in ui/.
class ProjectionTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role {
        // The value to sort or compute with: money as minor units (qlonglong; a decimal string
        // beyond 64 bits), dates as QDate, times as QDateTime, counts as int, text as QString.
        RawValueRole = Qt::UserRole + 1,
        IdRole,          // the aggregate id of the row (invoice or customer)
        CurrencyRole,    // the row's currency (money columns)
        DigitsRole,      // the currency's minor digits (money columns)
        OverdueRole,     // invoices: bool
    };
    Q_ENUM(Role)

    ~ProjectionTableModel() override;

    SqliteEventStore &store() const { return m_store; }
    QString tenantId() const { return m_tenant; }

    // Live (the default) or the whole book as it stood at a recorded time or position.
    bool isLive() const;
    QDateTime asOfTime() const;
    qint64 asOfPosition() const;
    Status showLive();
    Status showAsOf(const QDateTime &time);
    Status showAsOfPosition(qint64 position);

    QString search() const { return m_filter.search; }
    void setSearch(const QString &text);
    QString statusFilter() const { return m_filter.status; }
    void setStatusFilter(const QString &status);
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    int pageSize() const { return m_pageSize; }
    void setPageSize(int rows);
    // How many rows match; rowCount() is how many are fetched so far.
    int matchingCount() const { return int(m_ids.size()); }
    QString errorString() const { return m_error; }

    // Time for OVERDUE in the live list (default: the system clock), and display formats.
    void setClock(const Clock *clock);
    void setLocale(const QLocale &locale);
    QLocale locale() const { return m_locale; }
    // Appends are collected for this long before one refresh (0: at the next event loop pass).
    void setRefreshDelay(int ms) { m_refreshTimer.setInterval(ms); }

    int rowCount(const QModelIndex &parent = {}) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

public slots:
    // Re-reads what changed since the last read: rows inserted, removed, changed. Without
    // knowledge of which streams changed (e.g. another program wrote), every fetched row is
    // compared.
    void refresh();
    // Reads everything again (a reset): after a rebuild of the projections.
    void reload();

signals:
    void errorOccurred(const QString &message);

protected:
    ProjectionTableModel(SqliteEventStore &store, const QString &tenantId, int sortColumn, Qt::SortOrder order,
                         QObject *parent);

    const Book &book() const { return *m_book; }
    // Call once from the subclass constructor.
    void start();

    virtual Result<QList<qint64>> queryIds(const Book &book, const ListFilter &filter, int column,
                                           Qt::SortOrder order) const = 0;
    virtual int loadedCount() const = 0;
    virtual void clearLoaded() = 0;
    // Fetches rows and appends them (within begin/endInsertRows).
    virtual Status appendLoaded(const QList<qint64> &rowIds) = 0;
    // Makes the fetched rows equal `shown` (row ids in order), re-reading the rows of changed
    // streams (all when null), with row signals.
    virtual Status syncLoaded(const QList<qint64> &shown, const ChangedStreams *changed) = 0;

    void setError(const Error &error);

    // Marks the span of one change notification: fetchMore() called back from a slot while the
    // model announces a change (QAbstractItemModelTester does that) waits for the next call, so
    // no insertion ever starts inside another change.
    class ChangeScope
    {
    public:
        explicit ChangeScope(ProjectionTableModel &m) : m_model(m), m_outer(m.m_inChange) { m.m_inChange = true; }
        ~ChangeScope() { m_model.m_inChange = m_outer; }
        ChangeScope(const ChangeScope &) = delete;
        ChangeScope &operator=(const ChangeScope &) = delete;

    private:
        ProjectionTableModel &m_model;
        bool m_outer;
    };

private:
    void select();
    void eventsAppended(const QString &tenantId, qint64 fromPosition, qint64 toPosition);
    Status openBook();

    SqliteEventStore &m_store;
    QString m_tenant;
    std::optional<Book> m_book;
    std::optional<QDateTime> m_asOfTime;
    std::optional<qint64> m_asOfPosition;
    ListFilter m_filter;
    int m_sortColumn = 0;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    int m_pageSize = 200;
    QList<qint64> m_ids;
    QString m_error;
    const Clock *m_clock = nullptr;
    SystemClock m_systemClock;
    QLocale m_locale;
    QTimer m_refreshTimer;
    ChangedStreams m_pending;
    bool m_inChange = false;
};

// The typed half: rows of `Entry` (InvoiceListEntry, CustomerListEntry), fetched by row id.
template<typename Entry>
class PagedProjectionModel : public ProjectionTableModel
{
public:
    const Entry &entry(int row) const { return m_rows.at(row); }
    // The row showing an aggregate id, or -1 when it is not fetched.
    int rowOf(const QString &id) const
    {
        for (int i = 0; i < int(m_rows.size()); ++i) {
            if (m_rows.at(i).id == id)
                return i;
        }
        return -1;
    }

protected:
    using ProjectionTableModel::ProjectionTableModel;

    virtual Result<QList<Entry>> fetch(const Book &book, const QList<qint64> &rowIds) const = 0;
    virtual bool touchedBy(const Entry &entry, const ChangedStreams &changed) const = 0;

    int loadedCount() const override { return int(m_rows.size()); }
    void clearLoaded() override { m_rows.clear(); }

    Status appendLoaded(const QList<qint64> &rowIds) override
    {
        if (rowIds.isEmpty())
            return {};
        Result<QList<Entry>> rows = fetch(book(), rowIds);
        if (!rows)
            return fail(rows.error());
        if (rows->isEmpty())
            return {};
        const ChangeScope scope(*this);
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + rows->size()) - 1);
        m_rows.append(*rows);
        endInsertRows();
        return {};
    }

    Status syncLoaded(const QList<qint64> &shown, const ChangedStreams *changed) override
    {
        const ChangeScope scope(*this);
        QList<qint64> before;
        before.reserve(m_rows.size());
        for (const Entry &e : std::as_const(m_rows))
            before << e.rowId;
        // Rows that stay and may have changed: re-read before moving anything.
        QList<qint64> stale;
        for (const Entry &e : std::as_const(m_rows)) {
            if (!changed || touchedBy(e, *changed))
                stale << e.rowId;
        }
        QHash<qint64, Entry> fresh;
        if (!stale.isEmpty()) {
            Result<QList<Entry>> rows = fetch(book(), stale);
            if (!rows)
                return fail(rows.error());
            for (const Entry &e : std::as_const(*rows))
                fresh.insert(e.rowId, e);
        }
        for (const ListEdit &edit : diffLists(before, shown)) {
            if (edit.kind == ListEdit::Kind::Remove) {
                beginRemoveRows({}, edit.first, edit.first + edit.count - 1);
                m_rows.remove(edit.first, edit.count);
                endRemoveRows();
                continue;
            }
            Result<QList<Entry>> rows = fetch(book(), shown.mid(edit.first, edit.count));
            if (!rows)
                return fail(rows.error());
            if (rows->size() != edit.count)
                return fail(Error::failure(QStringLiteral("The list changed while it was read; read it again.")));
            beginInsertRows({}, edit.first, edit.first + edit.count - 1);
            for (int k = 0; k < edit.count; ++k)
                m_rows.insert(edit.first + k, rows->at(k));
            endInsertRows();
        }
        // Changed cells of the rows that stayed.
        int firstChanged = -1;
        for (int i = 0; i <= int(m_rows.size()); ++i) {
            bool differs = false;
            if (i < int(m_rows.size())) {
                const auto it = fresh.constFind(m_rows.at(i).rowId);
                if (it != fresh.cend() && !(*it == m_rows.at(i))) {
                    m_rows[i] = *it;
                    differs = true;
                }
            }
            if (differs && firstChanged < 0)
                firstChanged = i;
            if (!differs && firstChanged >= 0) {
                emit dataChanged(index(firstChanged, 0), index(i - 1, columnCount() - 1));
                firstChanged = -1;
            }
        }
        return {};
    }

    QList<Entry> m_rows;
};

} // namespace Billstream::ReadModels
