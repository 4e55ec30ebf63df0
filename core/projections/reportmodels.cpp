#include "core/projections/reportmodels.h"

#include "core/domain/domainevents.h"
#include "core/projections/activityfeed.h"

#include "core/es/sqliteeventstore.h"
#include "core/projections/readside.h"

#include <limits>

namespace Billstream::ReadModels {

namespace {

QVariant rawAmount(Int128 minor)
{
    if (minor >= std::numeric_limits<qint64>::min() && minor <= std::numeric_limits<qint64>::max())
        return QVariant::fromValue(qlonglong(minor));
    return formatMinorUnits(minor, 0);
}

QVariant alignment(bool number)
{
    return QVariant::fromValue(number ? (Qt::AlignRight | Qt::AlignVCenter) : (Qt::AlignLeft | Qt::AlignVCenter));
}

} // namespace

// --- ReportModel --------------------------------------------------------------------------------

ReportModel::ReportModel(SqliteEventStore &store, const QString &tenantId, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
    , m_tenant(tenantId)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(0);
    connect(&m_timer, &QTimer::timeout, this, &ReportModel::refresh);
}

QDateTime ReportModel::asOfTime() const
{
    return m_book && !m_book->isLive() ? m_book->time() : QDateTime();
}

Status ReportModel::select()
{
    Result<Book> book = m_asOfTime         ? Book::asOf(m_store, m_tenant, *m_asOfTime)
                        : m_asOfPosition ? Book::asOfPosition(m_store, m_tenant, *m_asOfPosition)
                                         : Book::live(m_store, m_tenant, (m_clock ? m_clock : &m_systemClock)->nowUtc().date());
    if (!book) {
        m_error = book.error().message;
        emit errorOccurred(m_error);
        return fail(book.error());
    }
    m_book = std::move(*book);
    m_error.clear();
    if (Status s = reread(); !s) {
        m_error = s.error().message;
        emit errorOccurred(m_error);
        return s;
    }
    return {};
}

void ReportModel::refresh()
{
    m_timer.stop();
    (void)select();
}

Status ReportModel::showLive()
{
    m_asOfTime.reset();
    m_asOfPosition.reset();
    return select();
}

Status ReportModel::showAsOf(const QDateTime &time)
{
    if (!time.isValid())
        return fail(Error::usage(QStringLiteral("No valid time was given.")));
    m_asOfPosition.reset();
    m_asOfTime = time;
    return select();
}

Status ReportModel::showAsOfPosition(qint64 position)
{
    m_asOfTime.reset();
    m_asOfPosition = position;
    return select();
}

void ReportModel::setLocale(const QLocale &locale)
{
    m_locale = locale;
    if (rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1), {Qt::DisplayRole});
}

// --- RevenueModel -------------------------------------------------------------------------------

RevenueModel::RevenueModel(ReadSide &readSide, const QString &tenantId, QObject *parent)
    : ReportModel(readSide.store(), tenantId, parent)
{
    // The feed is read from the log: new events are new entries (or longer ones) at once; a
    // catch-up also follows what another program appended.
    connect(&readSide.store(), &EventStore::eventsAppended, this, [this](const QString &tenant) {
        if (isLive() && tenant == this->tenantId())
            scheduleRefresh();
    });
    connect(&readSide, &ReadSide::asyncCaughtUp, this, [this] {
        if (isLive())
            scheduleRefresh();
    });
    refresh();
}

Status RevenueModel::reread()
{
    Result<QList<RevenueRow>> rows = book().revenue();
    if (!rows)
        return fail(rows.error());
    replaceRows(m_rows, *rows, [](const RevenueRow &r) -> QString { return r.month + QLatin1Char(' ') + r.currency; });
    return {};
}

int RevenueModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RevenueModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RevenueModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const RevenueRow &r = m_rows.at(index.row());
    const int c = index.column();
    if (role == Qt::TextAlignmentRole)
        return alignment(c >= Invoices);
    if (role == ProjectionTableModel::CurrencyRole)
        return r.currency;
    if (role == ProjectionTableModel::DigitsRole)
        return r.digits;
    if (role != Qt::DisplayRole && role != ProjectionTableModel::RawValueRole)
        return {};
    const bool raw = role == ProjectionTableModel::RawValueRole;
    const auto money = [&](Int128 v) { return raw ? rawAmount(v) : QVariant(formatMinorUnits(v, r.digits, locale())); };
    switch (c) {
    case Month: return raw ? QVariant(QDate::fromString(r.month + QStringLiteral("-01"), Qt::ISODate)) : QVariant(r.month);
    case Currency: return r.currency;
    case Invoices: return r.invoiceCount;
    case Net: return money(r.net);
    case Tax: return money(r.tax);
    case Total: return money(r.total);
    case Received: return money(r.received);
    default: return {};
    }
}

QVariant RevenueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Month: return tr("Month");
    case Currency: return tr("Currency");
    case Invoices: return tr("Invoices");
    case Net: return tr("Net");
    case Tax: return tr("Tax");
    case Total: return tr("Invoiced");
    case Received: return tr("Received");
    default: return {};
    }
}

// --- AgingModel ---------------------------------------------------------------------------------

AgingModel::AgingModel(SqliteEventStore &store, const QString &tenantId, QObject *parent)
    : ReportModel(store, tenantId, parent)
{
    connect(&store, &EventStore::eventsAppended, this, [this](const QString &tenant) {
        if (isLive() && tenant == this->tenantId())
            scheduleRefresh();
    });
    refresh();
}

void AgingModel::setDay(const QDate &day)
{
    m_day = day;
    refresh();
}

Status AgingModel::reread()
{
    Result<QList<AgingRow>> rows = book().aging(m_day);
    if (!rows)
        return fail(rows.error());
    replaceRows(m_rows, *rows, [](const AgingRow &r) { return r.currency; });
    return {};
}

int AgingModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AgingModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AgingModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const AgingRow &r = m_rows.at(index.row());
    const int c = index.column();
    if (role == Qt::TextAlignmentRole)
        return alignment(c != Currency);
    if (role == ProjectionTableModel::CurrencyRole)
        return r.currency;
    if (role == ProjectionTableModel::DigitsRole)
        return r.digits;
    if (role != Qt::DisplayRole && role != ProjectionTableModel::RawValueRole)
        return {};
    const bool raw = role == ProjectionTableModel::RawValueRole;
    if (c == Currency)
        return r.currency;
    const Int128 v = c == Total ? r.total : r.amounts[size_t(c - Current)];
    return raw ? rawAmount(v) : QVariant(formatMinorUnits(v, r.digits, locale()));
}

QVariant AgingModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Currency: return tr("Currency");
    case Current: return tr("Current");
    case Days1To30: return tr("1–30 days");
    case Days31To60: return tr("31–60 days");
    case Days61To90: return tr("61–90 days");
    case Over90: return tr("Over 90 days");
    case Total: return tr("Total");
    default: return {};
    }
}

// --- ActivityModel ------------------------------------------------------------------------------

ActivityModel::ActivityModel(ReadSide &readSide, const QString &tenantId, QObject *parent, int pageSize)
    : ReportModel(readSide.store(), tenantId, parent)
    , m_readSide(readSide)
    , m_pageSize(std::max(1, pageSize))
{
    // The feed is read from the log: new events are new entries (or longer ones) at once; a
    // catch-up also follows what another program appended.
    connect(&readSide.store(), &EventStore::eventsAppended, this, [this](const QString &tenant) {
        if (isLive() && tenant == this->tenantId())
            scheduleRefresh();
    });
    connect(&readSide, &ReadSide::asyncCaughtUp, this, [this] {
        if (isLive())
            scheduleRefresh();
    });
    refresh();
}

// Newest first: re-reads as many entries as are shown (at least a page), so new entries
// arrive as rows inserted at the top and continued entries as changed rows.
Status ActivityModel::reread()
{
    const int want = std::max<int>(m_pageSize, int(m_rows.size()));
    Result<QList<ActivityEntry>> rows = entries(want + 1, 0);
    if (!rows)
        return fail(rows.error());
    m_more = rows->size() > want;
    if (m_more)
        rows->removeLast();
    replaceRows(m_rows, *rows, [](const ActivityEntry &e) { return QString::number(e.position); });
    return {};
}

Result<QList<ActivityEntry>> ActivityModel::entries(int limit, qint64 beforePosition)
{
    Result<QList<ActivityEntry>> rows = book().activity(limit, beforePosition);
    if (!rows)
        return rows;
    QList<ActivityEntry> unrendered;
    for (ActivityEntry &e : *rows) {
        const auto known = m_summaries.constFind(e.position);
        if (known != m_summaries.cend() && known->first == e.lastPosition)
            e.summary = known->second;
        else
            unrendered << e;
    }
    if (unrendered.isEmpty())
        return rows;
    if (Status s = ActivityFeed::summarize(store(), m_readSide.upcasters(), tenantId(), unrendered); !s)
        return fail(s.error());
    for (const ActivityEntry &e : std::as_const(unrendered))
        m_summaries.insert(e.position, {e.lastPosition, e.summary});
    for (ActivityEntry &e : *rows) {
        if (e.summary.isEmpty())
            e.summary = m_summaries.value(e.position).second;
    }
    return rows;
}

bool ActivityModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_more;
}

void ActivityModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || !m_more || m_rows.isEmpty() || inChange())
        return;
    Result<QList<ActivityEntry>> older = entries(m_pageSize + 1, m_rows.constLast().position);
    if (!older) {
        emit errorOccurred(older.error().message);
        return;
    }
    m_more = older->size() > m_pageSize;
    if (m_more)
        older->removeLast();
    if (older->isEmpty())
        return;
    setInChange(true);
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + older->size()) - 1);
    m_rows.append(*older);
    endInsertRows();
    setInChange(false);
}

int ActivityModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ActivityModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

// "INV-2026-0042 · Keller AG", "Draft · Keller AG", a customer's name, or "Company" for the
// tenant's own settings.
QString ActivityModel::subjectText(const ActivityEntry &e)
{
    if (e.streamType == Wire::StreamType::Invoice) {
        const QString number = e.subjectNumber.isEmpty() ? tr("Draft") : e.subjectNumber;
        return e.subjectName.isEmpty() ? number : number + QStringLiteral(" · ") + e.subjectName;
    }
    if (e.streamType == Wire::StreamType::Tenant)
        return tr("Company");
    return e.subjectName;
}

QVariant ActivityModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const ActivityEntry &e = m_rows.at(index.row());
    if (role == ProjectionTableModel::IdRole)
        return e.streamId;
    if (role != Qt::DisplayRole && role != ProjectionTableModel::RawValueRole)
        return {};
    const bool raw = role == ProjectionTableModel::RawValueRole;
    switch (index.column()) {
    case Time: return raw ? QVariant(e.recordedAt) : QVariant(locale().toString(e.recordedAt.toLocalTime(), QLocale::ShortFormat));
    case Kind: return e.streamType;
    case Subject: return subjectText(e);
    case Summary: return e.summary;
    case Actor: return e.actor;
    default: return {};
    }
}

QVariant ActivityModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Time: return tr("Time");
    case Kind: return tr("Kind");
    case Subject: return tr("Invoice or customer");
    case Summary: return tr("What happened");
    case Actor: return tr("By");
    default: return {};
    }
}

} // namespace Billstream::ReadModels
