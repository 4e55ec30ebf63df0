#pragma once

#include "core/projections/book.h"

#include <QAbstractTableModel>

namespace Billstream {

class Session;

// The whole log as the activity feed tells it, newest first, fetched a page at a time as the
// view scrolls (canFetchMore/fetchMore). Filters by event type, stream (id, type or number text)
// and a date range are applied while paging, so a filter never loads the whole log at once.
class ActivityModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Time, Kind, Event, Summary, Actor, ColumnCount };
    enum Role { StreamIdRole = Qt::UserRole + 1, StreamTypeRole, PositionRole, LastPositionRole };

    struct Filter
    {
        QString eventType;      // "" all
        QString stream;         // matches stream id or summary text, case-insensitively
        QDate from;             // inclusive; invalid: open
        QDate to;               // inclusive; invalid: open
    };

    explicit ActivityModel(Session &session, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    void setFilter(const Filter &filter);
    const ActivityEntry &entry(int row) const { return m_rows.at(row); }

public slots:
    // New entries on top (the feed only grows at its head); a reset when the book changed.
    void refresh();
    void reload();

private:
    bool matches(const ActivityEntry &e) const;
    QList<ActivityEntry> fetchPage(qint64 before, bool *exhausted) const;

    Session &m_session;
    Filter m_filter;
    QList<ActivityEntry> m_rows;
    qint64 m_oldestPosition = 0;   // where the next page starts (exclusive); 0: from the head
    bool m_exhausted = false;
};

} // namespace Billstream
