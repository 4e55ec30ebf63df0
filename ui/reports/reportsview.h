#pragma once

#include "core/projections/book.h"

#include <QWidget>

class QChartView;
class QComboBox;
class QDateEdit;
class QLabel;
class QTableWidget;

namespace Billstream {

class Session;

// Reports: revenue by month (invoiced and received, as a chart and as exact figures) and
// receivables aging as of a date, both from the book the window shows (live or as of).
class ReportsView final : public QWidget
{
    Q_OBJECT
public:
    explicit ReportsView(Session &session, QWidget *parent = nullptr);

    QTableWidget *revenueTable() const { return m_revenueTable; }
    QTableWidget *agingTable() const { return m_agingTable; }
    void setAgingDate(const QDate &day);

public slots:
    void refresh();

private:
    void refreshRevenue();
    void refreshAging();

    Session &m_session;
    QComboBox *m_currency;
    QChartView *m_chart;
    QTableWidget *m_revenueTable;
    QDateEdit *m_agingDate;
    QTableWidget *m_agingTable;
    QLabel *m_note;
    QList<RevenueRow> m_revenue;
};

} // namespace Billstream
