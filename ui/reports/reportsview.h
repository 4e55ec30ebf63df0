#pragma once

#include "core/projections/book.h"

#include <QWidget>

class QChartView;
class QComboBox;
class QDateEdit;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace Billstream {

class Session;
namespace ReadModels {
class AgingModel;
class RevenueModel;
}

// Reports: revenue by month (invoiced and received, as a chart and as exact figures) and
// receivables aging as of a date, both from the book the window shows (live or as of).
class ReportsView final : public QWidget
{
    Q_OBJECT
public:
    explicit ReportsView(Session &session, QWidget *parent = nullptr);

    ReadModels::RevenueModel *revenueModel() const { return m_revenue; }
    ReadModels::AgingModel *agingModel() const { return m_aging; }
    void setAgingDate(const QDate &day);

public slots:
    void refresh();

private:
    void updateCurrencies();
    void updateChart();

    Session &m_session;
    QComboBox *m_currency;
    QChartView *m_chart;
    QTableView *m_revenueTable;
    QDateEdit *m_agingDate;
    QTableView *m_agingTable;
    QLabel *m_note;
    ReadModels::RevenueModel *m_revenue;
    QSortFilterProxyModel *m_revenueOfCurrency;
    ReadModels::AgingModel *m_aging;
};

} // namespace Billstream
