#include "ui/models/activityfilter.h"

#include "core/projections/reportmodels.h"

namespace Billstream {

ActivityFilter::ActivityFilter(ReadModels::ActivityModel *source, QObject *parent)
    : QSortFilterProxyModel(parent)
    , m_feed(source)
{
    setSourceModel(source);
}

void ActivityFilter::setEventType(const QString &type)
{
    m_type = type;
    refilter();
}

void ActivityFilter::setStream(const QString &text)
{
    m_stream = text.trimmed();
    refilter();
}

void ActivityFilter::setDates(const QDate &from, const QDate &to)
{
    m_from = from;
    m_to = to;
    refilter();
}

void ActivityFilter::refilter()
{
    invalidateFilter();
    // Fetch further pages of the feed until something matches or the log is exhausted, so a
    // narrow filter does not show an empty list while matches lie further back.
    for (int pages = 0; rowCount() < 50 && m_feed->canFetchMore({}) && pages < 20; ++pages)
        m_feed->fetchMore({});
}

bool ActivityFilter::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    const ActivityEntry &e = m_feed->entry(sourceRow);
    if (!m_type.isEmpty() && e.eventType != m_type)
        return false;
    if (!m_stream.isEmpty() && !e.streamId.contains(m_stream, Qt::CaseInsensitive)
        && !e.summary.contains(m_stream, Qt::CaseInsensitive)
        && !ReadModels::ActivityModel::subjectText(e).contains(m_stream, Qt::CaseInsensitive))
        return false;
    const QDate day = e.recordedAt.toLocalTime().date();
    if (m_from.isValid() && day < m_from)
        return false;
    if (m_to.isValid() && day > m_to)
        return false;
    return true;
}

} // namespace Billstream
