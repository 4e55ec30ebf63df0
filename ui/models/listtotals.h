#pragma once

#include "core/projections/book.h"

#include <QMap>
#include <QObject>
#include <QTimer>

namespace Billstream {

class Session;

// The sums of the invoices a list shows (every row of the filter, not only those fetched so
// far), per currency: read in slices on the event loop so 100k rows never freeze the window.
class ListTotals final : public QObject
{
    Q_OBJECT
public:
    explicit ListTotals(Session &session, QObject *parent = nullptr);

    void recompute(const ListFilter &filter);
    QString text() const { return m_text; }
    bool isComplete() const { return m_pending.isEmpty() && !m_timer.isActive(); }

signals:
    void changed(const QString &text);

private:
    void step();

    struct Sum
    {
        int digits = 0;
        Int128 total = 0;
        Int128 due = 0;
    };
    Session &m_session;
    QList<qint64> m_pending;
    QMap<QString, Sum> m_sums;
    int m_count = 0;
    QTimer m_timer;
    QString m_text;
};

} // namespace Billstream
