#include "ui/models/activitymodel.h"

#include "ui/session/session.h"

#include <QLocale>

namespace Billstream {

namespace {
constexpr int PageSize = 200;
}

ActivityModel::ActivityModel(Session &session, QObject *parent)
    : QAbstractTableModel(parent)
    , m_session(session)
{
    bool exhausted = false;
    m_rows = fetchPage(0, &exhausted);
    m_exhausted = exhausted;
}

int ActivityModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ActivityModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ActivityModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const ActivityEntry &e = m_rows[index.row()];
    switch (role) {
    case StreamIdRole: return e.streamId;
    case StreamTypeRole: return e.streamType;
    case PositionRole: return e.position;
    case LastPositionRole: return e.lastPosition;
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        switch (index.column()) {
        case Time: return QLocale().toString(e.recordedAt.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm"));
        case Kind:
            return e.streamType == QStringLiteral("invoice")    ? tr("Invoice")
                   : e.streamType == QStringLiteral("customer") ? tr("Customer")
                   : e.streamType == QStringLiteral("tenant")   ? tr("Settings")
                                                                : e.streamType;
        case Event: return e.eventCount > 1 ? tr("%1 (+%2)").arg(e.eventType).arg(e.eventCount - 1) : e.eventType;
        case Summary: return e.summary;
        case Actor: return e.actor;
        }
        return {};
    case Qt::ToolTipRole:
        return tr("Position %1–%2 in the log · %3").arg(e.position).arg(e.lastPosition).arg(e.streamId);
    }
    return {};
}

QVariant ActivityModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time: return tr("Recorded");
    case Kind: return tr("What");
    case Event: return tr("Event");
    case Summary: return tr("Summary");
    case Actor: return tr("By");
    }
    return {};
}

bool ActivityModel::matches(const ActivityEntry &e) const
{
    if (!m_filter.eventType.isEmpty() && e.eventType != m_filter.eventType)
        return false;
    if (!m_filter.stream.isEmpty() && !e.streamId.contains(m_filter.stream, Qt::CaseInsensitive)
        && !e.summary.contains(m_filter.stream, Qt::CaseInsensitive))
        return false;
    const QDate day = e.recordedAt.date();
    if (m_filter.to.isValid() && day > m_filter.to)
        return false;
    if (m_filter.from.isValid() && day < m_filter.from)
        return false;
    return true;
}

QList<ActivityEntry> ActivityModel::fetchPage(qint64 before, bool *exhausted) const
{
    // Keep reading pages of the feed until one page of matches is found or the log ends; a
    // date range stops the walk as soon as it reaches entries older than its start.
    QList<ActivityEntry> out;
    qint64 cursor = before;
    *exhausted = false;
    for (int pages = 0; out.size() < PageSize && pages < 50; ++pages) {
        auto page = m_session.book().activity(PageSize, cursor);
        if (!page || page->isEmpty()) {
            *exhausted = true;
            break;
        }
        for (const ActivityEntry &e : *page) {
            cursor = e.position;
            if (m_filter.from.isValid() && e.recordedAt.date() < m_filter.from) {
                *exhausted = true;
                break;
            }
            if (matches(e))
                out.append(e);
        }
        if (*exhausted || page->size() < PageSize) {
            *exhausted = true;
            break;
        }
    }
    const_cast<ActivityModel *>(this)->m_oldestPosition = cursor;
    return out;
}

bool ActivityModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_exhausted;
}

void ActivityModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || m_exhausted || m_oldestPosition <= 1)
        return;
    bool exhausted = false;
    const QList<ActivityEntry> more = fetchPage(m_oldestPosition, &exhausted);
    m_exhausted = exhausted;
    if (more.isEmpty())
        return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + more.size()) - 1);
    m_rows.append(more);
    endInsertRows();
}

void ActivityModel::setFilter(const Filter &filter)
{
    m_filter = filter;
    reload();
}

void ActivityModel::refresh()
{
    if (m_rows.isEmpty()) {
        reload();
        return;
    }
    // Entries newer than the newest shown; the newest may itself have grown (a command's
    // events continued by the next batch of the runner), which dataChanged covers.
    auto page = m_session.book().activity(PageSize, 0);
    if (!page)
        return;
    QList<ActivityEntry> fresh;
    for (const ActivityEntry &e : *page) {
        if (e.position < m_rows.first().position)
            break;
        if (e.position == m_rows.first().position) {
            if (e.lastPosition != m_rows.first().lastPosition) {
                m_rows.first() = e;
                emit dataChanged(index(0, 0), index(0, ColumnCount - 1));
            }
            break;
        }
        if (matches(e))
            fresh.append(e);
    }
    if (fresh.isEmpty())
        return;
    beginInsertRows({}, 0, int(fresh.size()) - 1);
    m_rows = fresh + m_rows;
    endInsertRows();
}

void ActivityModel::reload()
{
    beginResetModel();
    bool exhausted = false;
    m_oldestPosition = 0;
    m_rows = fetchPage(0, &exhausted);
    m_exhausted = exhausted;
    endResetModel();
}

} // namespace Billstream
