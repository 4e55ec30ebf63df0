#pragma once

#include <type_traits>

#include "core/projections/book.h"
#include "core/projections/projectiontablemodel.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QTimer>

#include <optional>

namespace Billstream {
class ReadSide;
}

namespace Billstream::ReadModels {

// The common part of the small report models: live or as of a past time, re-read on refresh()
// with row signals for what changed (rows keyed by month, currency or position).
class ReportModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    using Role = ProjectionTableModel::Role;

    bool isLive() const { return !m_asOfTime && !m_asOfPosition; }
    QDateTime asOfTime() const;
    Status showLive();
    Status showAsOf(const QDateTime &time);
    Status showAsOfPosition(qint64 position);
    void setClock(const Clock *clock) { m_clock = clock; }
    void setLocale(const QLocale &locale);
    QLocale locale() const { return m_locale; }
    QString errorString() const { return m_error; }
    QString tenantId() const { return m_tenant; }

public slots:
    void refresh();

signals:
    void errorOccurred(const QString &message);

protected:
    ReportModel(SqliteEventStore &store, const QString &tenantId, QObject *parent);
    const Book &book() const { return *m_book; }
    SqliteEventStore &store() const { return m_store; }
    // Re-reads the rows from book(), with row signals.
    virtual Status reread() = 0;
    void scheduleRefresh() { m_timer.start(); }

    // Applies the keyed difference between the rows shown and `fresh`.
    // True while the model announces a change (see ProjectionTableModel::ChangeScope).
    bool inChange() const { return m_inChange; }

    template<typename Row, typename KeyOf>
    void replaceRows(QList<Row> &rows, const QList<Row> &fresh, KeyOf keyOf)
    {
        const bool outer = std::exchange(m_inChange, true);
        // A key function returning a string builder (QT_USE_QSTRINGBUILDER) would hand back
        // references to its own temporaries.
        static_assert(std::is_same_v<std::invoke_result_t<KeyOf, const Row &>, QString>,
                      "replaceRows: the key function must return QString");
        QList<QString> before, after;
        for (const Row &r : std::as_const(rows))
            before << keyOf(r);
        for (const Row &r : fresh)
            after << keyOf(r);
        for (const ListEdit &edit : diffLists(before, after)) {
            if (edit.kind == ListEdit::Kind::Remove) {
                beginRemoveRows({}, edit.first, edit.first + edit.count - 1);
                rows.remove(edit.first, edit.count);
                endRemoveRows();
            } else {
                beginInsertRows({}, edit.first, edit.first + edit.count - 1);
                for (int k = 0; k < edit.count; ++k)
                    rows.insert(edit.first + k, fresh.at(edit.first + k));
                endInsertRows();
            }
        }
        for (int i = 0; i < int(rows.size()); ++i) {
            if (!(rows.at(i) == fresh.at(i))) {
                rows[i] = fresh.at(i);
                emit dataChanged(index(i, 0), index(i, columnCount() - 1));
            }
        }
        m_inChange = outer;
    }

private:
    Status select();

    SqliteEventStore &m_store;
    QString m_tenant;
    std::optional<Book> m_book;
    std::optional<QDateTime> m_asOfTime;
    std::optional<qint64> m_asOfPosition;
    const Clock *m_clock = nullptr;
    SystemClock m_systemClock;
    QLocale m_locale;
    QString m_error;
    QTimer m_timer;
    bool m_inChange = false;

protected:
    friend class ActivityModel;
    void setInChange(bool on) { m_inChange = on; }
};

// Revenue by month and currency (async projection `revenue`): follows the read side's catch-ups.
class RevenueModel final : public ReportModel
{
    Q_OBJECT
public:
    enum Column { Month, Currency, Invoices, Net, Tax, Total, Received, ColumnCount };
    Q_ENUM(Column)
    RevenueModel(ReadSide &readSide, const QString &tenantId, QObject *parent = nullptr);
    const RevenueRow &row(int i) const { return m_rows.at(i); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    Status reread() override;

private:
    QList<RevenueRow> m_rows;
};

// Receivables aging per currency at a day (default: the book's day, today or the as-of date).
class AgingModel final : public ReportModel
{
    Q_OBJECT
public:
    enum Column { Currency, Current, Days1To30, Days31To60, Days61To90, Over90, Total, ColumnCount };
    Q_ENUM(Column)
    AgingModel(SqliteEventStore &store, const QString &tenantId, QObject *parent = nullptr);
    void setDay(const QDate &day);
    const AgingRow &row(int i) const { return m_rows.at(i); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    Status reread() override;

private:
    QDate m_day;
    QList<AgingRow> m_rows;
};

// The activity feed, newest first; older entries are fetched on demand (fetchMore).
class ActivityModel final : public ReportModel
{
    Q_OBJECT
public:
    enum Column { Time, Kind, Subject, Summary, Actor, ColumnCount };
    Q_ENUM(Column)
    ActivityModel(ReadSide &readSide, const QString &tenantId, QObject *parent = nullptr, int pageSize = 200);
    const ActivityEntry &entry(int i) const { return m_rows.at(i); }
    // What the Subject column shows for an entry.
    static QString subjectText(const ActivityEntry &e);
    // Rows fetched at a time (the first page included).
    void setPageSize(int rows) { m_pageSize = std::max(1, rows); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

protected:
    Status reread() override;

private:
    // Entries as the book gives them, with their summaries rendered from their events; an entry
    // rendered before keeps its text while its span of events is the same.
    Result<QList<ActivityEntry>> entries(int limit, qint64 beforePosition);

    ReadSide &m_readSide;
    QList<ActivityEntry> m_rows;
    QHash<qint64, std::pair<qint64, QString>> m_summaries;  // first position -> last position, text
    int m_pageSize = 200;
    bool m_more = false;
};

} // namespace Billstream::ReadModels
