#include "ui/models/listtotals.h"

#include "ui/session/session.h"

namespace Billstream {

ListTotals::ListTotals(Session &session, QObject *parent)
    : QObject(parent)
    , m_session(session)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(0);
    connect(&m_timer, &QTimer::timeout, this, &ListTotals::step);
}

void ListTotals::recompute(const ListFilter &filter)
{
    auto ids = m_session.book().invoiceRowIds(filter, InvoiceSort::Created, Qt::AscendingOrder);
    m_pending = ids ? *ids : QList<qint64>();
    m_sums.clear();
    m_count = 0;
    m_timer.start();
}

void ListTotals::step()
{
    constexpr qsizetype Slice = 2000;
    const QList<qint64> slice = m_pending.first(std::min(Slice, m_pending.size()));
    m_pending.remove(0, slice.size());
    if (!slice.isEmpty()) {
        auto rows = m_session.book().invoicesByRowId(slice);
        if (!rows) {
            m_pending.clear();
            m_text = tr("Totals unavailable: %1").arg(rows.error().message);
            emit changed(m_text);
            return;
        }
        for (const InvoiceListEntry &e : *rows) {
            ++m_count;
            // Void and deleted invoices are listed but earned and owe nothing.
            if (e.status == QStringLiteral("VOID") || e.status == QStringLiteral("DELETED") || e.currency.isEmpty())
                continue;
            Sum &s = m_sums[e.currency];
            s.digits = e.digits;
            s.total += e.total;
            s.due += e.due;
        }
    }
    if (!m_pending.isEmpty()) {
        m_timer.start();
        return;
    }
    QStringList parts;
    for (auto it = m_sums.cbegin(); it != m_sums.cend(); ++it)
        parts << tr("%1 %2 total, %3 open")
                     .arg(it.key(), formatMinorUnits(it->total, it->digits), formatMinorUnits(it->due, it->digits));
    m_text = tr("%n invoice(s)", nullptr, m_count)
             + (parts.isEmpty() ? QString() : QStringLiteral(" · ") + parts.join(QStringLiteral(" · ")));
    emit changed(m_text);
}

} // namespace Billstream
