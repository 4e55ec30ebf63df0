#include "core/projections/projectiontablemodel.h"

#include "core/es/sqliteeventstore.h"
#include "core/es/sqlitestatement.h"
#include "core/projections/sqlaccess.h"

#include <sqlite3.h>

namespace Billstream::ReadModels {

ProjectionTableModel::ProjectionTableModel(SqliteEventStore &store, const QString &tenantId, int sortColumn,
                                           Qt::SortOrder order, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
    , m_tenant(tenantId)
    , m_sortColumn(sortColumn)
    , m_sortOrder(order)
{
    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setInterval(0);
    connect(&m_refreshTimer, &QTimer::timeout, this, &ProjectionTableModel::refresh);
    connect(&m_store, &EventStore::eventsAppended, this, &ProjectionTableModel::eventsAppended);
}

ProjectionTableModel::~ProjectionTableModel() = default;

void ProjectionTableModel::start()
{
    select();
}

bool ProjectionTableModel::isLive() const
{
    return !m_asOfTime && !m_asOfPosition;
}

QDateTime ProjectionTableModel::asOfTime() const
{
    return m_book && !m_book->isLive() ? m_book->time() : QDateTime();
}

qint64 ProjectionTableModel::asOfPosition() const
{
    return m_book && !m_book->isLive() ? m_book->position() : 0;
}

void ProjectionTableModel::setError(const Error &error)
{
    m_error = error.message;
    emit errorOccurred(m_error);
}

Status ProjectionTableModel::openBook()
{
    Result<Book> book = m_asOfTime         ? Book::asOf(m_store, m_tenant, *m_asOfTime)
                        : m_asOfPosition ? Book::asOfPosition(m_store, m_tenant, *m_asOfPosition)
                                         : Book::live(m_store, m_tenant, (m_clock ? m_clock : &m_systemClock)->nowUtc().date());
    if (!book)
        return fail(book.error());
    m_book = std::move(*book);
    return {};
}

// A reset: new source, filter or order. The first page is fetched after the reset signal.
void ProjectionTableModel::select()
{
    Status s;
    {
        const ChangeScope scope(*this);
        beginResetModel();
        clearLoaded();
        m_ids.clear();
        m_pending = {};
        m_refreshTimer.stop();
        m_error.clear();
        s = openBook();
        if (s) {
            Result<QList<qint64>> ids = queryIds(*m_book, m_filter, m_sortColumn, m_sortOrder);
            if (ids)
                m_ids = std::move(*ids);
            else
                s = fail(ids.error());
        }
        endResetModel();
    }
    if (!s) {
        setError(s.error());
        return;
    }
    if (!m_ids.isEmpty())
        fetchMore({});
}

void ProjectionTableModel::reload()
{
    select();
}

Status ProjectionTableModel::showLive()
{
    m_asOfTime.reset();
    m_asOfPosition.reset();
    select();
    return m_error.isEmpty() ? Status() : fail(Error::failure(m_error));
}

Status ProjectionTableModel::showAsOf(const QDateTime &time)
{
    if (!time.isValid())
        return fail(Error::usage(QStringLiteral("No valid time was given.")));
    m_asOfPosition.reset();
    m_asOfTime = time;
    select();
    return m_error.isEmpty() ? Status() : fail(Error::failure(m_error));
}

Status ProjectionTableModel::showAsOfPosition(qint64 position)
{
    m_asOfTime.reset();
    m_asOfPosition = position;
    select();
    return m_error.isEmpty() ? Status() : fail(Error::failure(m_error));
}

void ProjectionTableModel::setSearch(const QString &text)
{
    if (text == m_filter.search)
        return;
    m_filter.search = text;
    select();
}

void ProjectionTableModel::setStatusFilter(const QString &status)
{
    if (status == m_filter.status)
        return;
    m_filter.status = status;
    select();
}

void ProjectionTableModel::setPageSize(int rows)
{
    m_pageSize = std::max(1, rows);
}

void ProjectionTableModel::setClock(const Clock *clock)
{
    m_clock = clock;
}

void ProjectionTableModel::setLocale(const QLocale &locale)
{
    m_locale = locale;
    const ChangeScope scope(*this);
    if (loadedCount() > 0)
        emit dataChanged(index(0, 0), index(loadedCount() - 1, columnCount() - 1), {Qt::DisplayRole});
}

int ProjectionTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : loadedCount();
}

bool ProjectionTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && loadedCount() < int(m_ids.size());
}

void ProjectionTableModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || !m_book || m_inChange)
        return;
    const int from = loadedCount();
    const int count = std::min(m_pageSize, int(m_ids.size()) - from);
    if (count <= 0)
        return;
    if (Status s = appendLoaded(m_ids.mid(from, count)); !s)
        setError(s.error());
}

void ProjectionTableModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= columnCount())
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    select();
}

void ProjectionTableModel::eventsAppended(const QString &tenantId, qint64 fromPosition, qint64 toPosition)
{
    if (!isLive() || tenantId != m_tenant)
        return;
    // Which streams the append touched: a handful of rows of the log by primary key.
    sqlite3 *h = ReadSql::handleOf(m_store.database());
    SqliteStatement s;
    if (h && s.prepare(h, "SELECT DISTINCT stream_id, stream_type FROM events WHERE position BETWEEN ?1 AND ?2"
                          " AND tenant = ?3") == SQLITE_OK) {
        s.bind(1, fromPosition);
        s.bind(2, toPosition);
        s.bind(3, tenantId);
        while (s.step() == SQLITE_ROW) {
            m_pending.ids.insert(s.text(0));
            m_pending.types.insert(s.text(1));
        }
    }
    m_refreshTimer.start();
}

void ProjectionTableModel::refresh()
{
    m_refreshTimer.stop();
    if (!isLive()) {
        m_pending = {};
        return;  // the past does not change
    }
    const bool knowWhat = !m_pending.ids.isEmpty();
    const ChangedStreams changed = std::exchange(m_pending, {});
    if (Status s = openBook(); !s) {
        setError(s.error());
        return;
    }
    Result<QList<qint64>> ids = queryIds(*m_book, m_filter, m_sortColumn, m_sortOrder);
    if (!ids) {
        setError(ids.error());
        return;
    }
    // Keep as many rows fetched as before (all of them when all were).
    const bool allFetched = loadedCount() >= int(m_ids.size());
    const int keep = allFetched ? int(ids->size()) : std::min<int>(int(ids->size()), loadedCount());
    m_ids = std::move(*ids);
    if (Status s = syncLoaded(m_ids.mid(0, keep), knowWhat ? &changed : nullptr); !s)
        setError(s.error());
}

} // namespace Billstream::ReadModels
