#include "ui/models/invoicelistmodel.h"

#include "ui/session/session.h"

#include <QColor>
#include <QFont>
#include <QGuiApplication>
#include <QPalette>

namespace Billstream {

namespace {

InvoiceSort sortOf(int column)
{
    switch (column) {
    case InvoiceListModel::Number: return InvoiceSort::Number;
    case InvoiceListModel::Customer: return InvoiceSort::Customer;
    case InvoiceListModel::Status: return InvoiceSort::StatusName;
    case InvoiceListModel::IssueDate: return InvoiceSort::IssueDate;
    case InvoiceListModel::DueDate: return InvoiceSort::DueDate;
    case InvoiceListModel::Total: return InvoiceSort::Total;
    case InvoiceListModel::Paid: return InvoiceSort::Paid;
    case InvoiceListModel::Due: return InvoiceSort::Due;
    case InvoiceListModel::Currency: return InvoiceSort::Currency;
    default: return InvoiceSort::Created;
    }
}

QVariant amountSortValue(Int128 v)
{
    // Sorting is done by the book in SQL; this role is for proxies and tests. 64 bits holds
    // every realistic amount; a larger one sorts by its text, which keeps the order of equal length.
    if (v <= Int128(std::numeric_limits<qint64>::max()) && v >= Int128(std::numeric_limits<qint64>::min()))
        return QVariant::fromValue(qint64(v));
    return QVariant::fromValue(formatMinorUnits(v, 0));
}

} // namespace

InvoiceListModel::InvoiceListModel(Session &session, QObject *parent)
    : RowIdTableModel(parent)
    , m_session(session)
{
    m_totalsTimer.setSingleShot(true);
    m_totalsTimer.setInterval(0);
    connect(&m_totalsTimer, &QTimer::timeout, this, &InvoiceListModel::totalsStep);
    if (auto ids = queryIds())
        m_ids = *ids;
    else
        report(ids.error());
    startTotals();
}

InvoiceListModel::~InvoiceListModel() = default;

QString InvoiceListModel::statusLabel(const QString &status)
{
    static const QHash<QString, const char *> labels{
        {QStringLiteral("DRAFT"), QT_TR_NOOP("Draft")},
        {QStringLiteral("ISSUED"), QT_TR_NOOP("Issued")},
        {QStringLiteral("SENT"), QT_TR_NOOP("Sent")},
        {QStringLiteral("PARTIALLY_PAID"), QT_TR_NOOP("Partially paid")},
        {QStringLiteral("PAID"), QT_TR_NOOP("Paid")},
        {QStringLiteral("VOID"), QT_TR_NOOP("Void")},
        {QStringLiteral("DELETED"), QT_TR_NOOP("Deleted")},
        {QStringLiteral("OVERDUE"), QT_TR_NOOP("Overdue")},
    };
    const char *label = labels.value(status);
    return label ? tr(label) : status;
}

int InvoiceListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const InvoiceListEntry *InvoiceListModel::entry(int row) const
{
    if (row < 0 || row >= m_ids.size())
        return nullptr;
    const int page = row / PageSize;
    auto it = m_pages.find(page);
    if (it == m_pages.end()) {
        const int first = page * PageSize;
        const QList<qint64> ids = m_ids.mid(first, PageSize);
        auto rows = m_session.book().invoicesByRowId(ids);
        if (!rows)
            return nullptr;
        // The book returns the rows it has; align them with the ids (a row gone since is skipped).
        QHash<qint64, InvoiceListEntry> byId;
        for (InvoiceListEntry &e : *rows)
            byId.insert(e.rowId, std::move(e));
        QList<InvoiceListEntry> aligned;
        aligned.reserve(ids.size());
        for (qint64 id : ids) {
            InvoiceListEntry e = byId.value(id);
            e.rowId = id;
            aligned.append(std::move(e));
        }
        if (m_pages.size() >= MaxPages && !m_pageOrder.isEmpty())
            m_pages.remove(m_pageOrder.takeFirst());
        it = m_pages.insert(page, std::move(aligned));
        m_pageOrder.append(page);
    }
    const int offset = row - page * PageSize;
    return offset < it->size() ? &it->at(offset) : nullptr;
}

QVariant InvoiceListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_ids.size())
        return {};
    const InvoiceListEntry *e = entry(index.row());
    if (!e)
        return {};
    switch (role) {
    case IdRole: return e->id;
    case StatusRole: return e->status;
    case OverdueRole: return e->overdue;
    case VersionRole: return e->version;
    case CurrencyRole: return e->currency;
    case Qt::AccessibleTextRole:
    case Qt::DisplayRole:
        switch (index.column()) {
        case Number: return e->number.isEmpty() ? tr("(draft)") : e->number;
        case Customer: return e->customerName;
        case Status: return e->overdue ? tr("%1, overdue").arg(statusLabel(e->status)) : statusLabel(e->status);
        case IssueDate: return e->issueDate.isValid() ? e->issueDate.toString(Qt::ISODate) : QString();
        case DueDate: return e->dueDate.isValid() ? e->dueDate.toString(Qt::ISODate) : QString();
        case Total: return formatMinorUnits(e->total, e->digits);
        case Paid: return formatMinorUnits(e->paid, e->digits);
        case Due: return formatMinorUnits(e->due, e->digits);
        case Currency: return e->currency;
        }
        return {};
    case SortRole:
        switch (index.column()) {
        case Number: return e->number;
        case Customer: return e->customerName;
        case Status: return e->status;
        case IssueDate: return e->issueDate;
        case DueDate: return e->dueDate;
        case Total: return amountSortValue(e->total);
        case Paid: return amountSortValue(e->paid);
        case Due: return amountSortValue(e->due);
        case Currency: return e->currency;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == Total || index.column() == Paid || index.column() == Due)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ForegroundRole:
        if (e->overdue && (index.column() == Status || index.column() == DueDate || index.column() == Due)) {
            // Readable on light and dark palettes alike.
            const bool dark = QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
            return dark ? QColor(255, 120, 110) : QColor(190, 30, 30);
        }
        if (e->status == QStringLiteral("VOID") || e->status == QStringLiteral("DELETED"))
            return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
        return {};
    case Qt::FontRole:
        if (e->number.isEmpty() && index.column() == Number) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        if (e->overdue && index.column() == Status) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::ToolTipRole:
        if (e->overdue)
            return tr("Overdue since %1").arg(e->dueDate.toString(Qt::ISODate));
        return {};
    }
    return {};
}

QVariant InvoiceListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole && (section == Total || section == Paid || section == Due))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Number: return tr("Number");
    case Customer: return tr("Customer");
    case Status: return tr("Status");
    case IssueDate: return tr("Issued");
    case DueDate: return tr("Due date");
    case Total: return tr("Total");
    case Paid: return tr("Paid");
    case Due: return tr("Open");
    case Currency: return tr("Currency");
    }
    return {};
}

void InvoiceListModel::sort(int column, Qt::SortOrder order)
{
    const InvoiceSort s = sortOf(column);
    if (s == m_sort && order == m_order)
        return;
    m_sort = s;
    m_order = order;
    auto ids = queryIds();
    if (!ids) {
        report(ids.error());
        return;
    }
    m_pages.clear();
    m_pageOrder.clear();
    // A new order of the same rows: a layout change keeps the selection on its invoices.
    reorderIds(*ids);
}

void InvoiceListModel::setFilter(const ListFilter &filter)
{
    if (filter.status == m_filter.status && filter.search == m_filter.search)
        return;
    m_filter = filter;
    refresh();
}

QString InvoiceListModel::invoiceId(int row) const
{
    const InvoiceListEntry *e = entry(row);
    return e ? e->id : QString();
}

int InvoiceListModel::rowOf(const QString &invoiceId) const
{
    for (auto it = m_pages.cbegin(); it != m_pages.cend(); ++it) {
        for (int i = 0; i < it->size(); ++i) {
            if (it->at(i).id == invoiceId)
                return it.key() * PageSize + i;
        }
    }
    for (int row = 0; row < m_ids.size(); row += PageSize) {
        if (m_pages.contains(row / PageSize))
            continue;
        for (int i = row; i < std::min(row + PageSize, int(m_ids.size())); ++i) {
            if (const InvoiceListEntry *e = entry(i); e && e->id == invoiceId)
                return i;
        }
    }
    return -1;
}

Result<QList<qint64>> InvoiceListModel::queryIds() const
{
    return m_session.book().invoiceRowIds(m_filter, m_sort, m_order);
}

void InvoiceListModel::reload()
{
    m_pages.clear();
    m_pageOrder.clear();
    auto ids = queryIds();
    if (!ids)
        report(ids.error());
    resetIds(ids ? *ids : QList<qint64>());
    startTotals();
}

void InvoiceListModel::refresh()
{
    auto fresh = queryIds();
    if (!fresh) {
        report(fresh.error());
        return;
    }
    const QList<qint64> &next = *fresh;

    // Cached rows before the change, to tell which ones changed.
    QHash<qint64, QPair<qint64, bool>> seen;   // rowId → (version, overdue)
    for (const QList<InvoiceListEntry> &page : std::as_const(m_pages))
        for (const InvoiceListEntry &e : page)
            seen.insert(e.rowId, {e.version, e.overdue});
    m_pages.clear();
    m_pageOrder.clear();

    applyIds(next);
    // Pages read while the rows moved may be misaligned: start over with the final list.
    m_pages.clear();
    m_pageOrder.clear();

    // 4. Rows whose content changed (a new version, or overdue judged on a new day).
    if (!seen.isEmpty()) {
        int runStart = -1;
        const auto flush = [&](int endRow) {
            if (runStart >= 0)
                emit dataChanged(index(runStart, 0), index(endRow, ColumnCount - 1));
            runStart = -1;
        };
        for (int row = 0; row < m_ids.size(); ++row) {
            const auto it = seen.constFind(m_ids[row]);
            bool changed = false;
            if (it != seen.cend()) {
                const InvoiceListEntry *e = entry(row);
                changed = !e || e->version != it->first || e->overdue != it->second;
            }
            if (changed) {
                if (runStart < 0)
                    runStart = row;
            } else {
                flush(row - 1);
            }
        }
        flush(int(m_ids.size()) - 1);
    }
    startTotals();
}

void InvoiceListModel::startTotals()
{
    m_totalsPending = m_ids;
    m_sums.clear();
    m_totalsCount = 0;
    m_totalsTimer.start();
}

void InvoiceListModel::totalsStep()
{
    constexpr int Slice = 2000;
    const QList<qint64> slice = m_totalsPending.first(std::min<qsizetype>(Slice, m_totalsPending.size()));
    m_totalsPending.remove(0, slice.size());
    if (!slice.isEmpty()) {
        auto rows = m_session.book().invoicesByRowId(slice);
        if (!rows) {
            m_totalsPending.clear();
            report(rows.error());
            return;
        }
        for (const InvoiceListEntry &e : *rows) {
            Sum &s = m_sums[e.currency];
            s.digits = e.digits;
            // Void and deleted invoices are listed but owe nothing and earned nothing.
            if (e.status != QStringLiteral("VOID") && e.status != QStringLiteral("DELETED")) {
                s.total += e.total;
                s.due += e.due;
            }
            ++m_totalsCount;
        }
    }
    if (!m_totalsPending.isEmpty()) {
        m_totalsTimer.start();
        return;
    }
    QStringList parts;
    for (auto it = m_sums.cbegin(); it != m_sums.cend(); ++it) {
        if (it.key().isEmpty())
            continue;
        parts << tr("%1 %2 total, %3 open")
                     .arg(it.key(), formatMinorUnits(it->total, it->digits), formatMinorUnits(it->due, it->digits));
    }
    m_totalsText = tr("%n invoice(s)", nullptr, m_totalsCount)
        + (parts.isEmpty() ? QString() : QStringLiteral(" · ") + parts.join(QStringLiteral(" · ")));
    emit totalsChanged(m_totalsText);
}

void InvoiceListModel::report(const Error &error)
{
    m_lastError = error.message;
    emit failed(error.message);
}

} // namespace Billstream
