#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QMenu;
class QTableView;

namespace Billstream {

class InvoiceListPresentation;
class ListTotals;
class Session;
namespace ReadModels {
class InvoiceListModel;
}

// The invoice list page: status filter, the table (sortable, multi-selection, overdue marked),
// the totals of the shown rows and the context menu of the invoice actions.
class InvoiceListView final : public QWidget
{
    Q_OBJECT
public:
    explicit InvoiceListView(Session &session, QWidget *parent = nullptr);

    ReadModels::InvoiceListModel *model() const { return m_model; }
    ListTotals *totals() const { return m_totalsCalc; }
    QTableView *table() const { return m_table; }
    QStringList selectedIds() const;
    void setSearch(const QString &text);
    void setStatusFilter(const QString &status);   // "" (all but deleted), a status, or OVERDUE
    // The context menu for the current selection (built fresh; tests trigger its actions).
    QMenu *contextMenu();

public slots:
    void issueSelected();
    void deleteSelected();

signals:
    void openInvoice(const QString &id);
    void recordPayment(const QString &id);
    void voidInvoice(const QString &id);
    void sendInvoice(const QString &id);
    void printInvoice(const QString &id);
    void exportPdf(const QString &id);

private:
    void applyFilter();

    Session &m_session;
    ReadModels::InvoiceListModel *m_model;
    InvoiceListPresentation *m_view;
    ListTotals *m_totalsCalc;
    QComboBox *m_status;
    QTableView *m_table;
    QLabel *m_totals;
    QLabel *m_asOf;
    QString m_search;
    QMenu *m_menu = nullptr;
};

} // namespace Billstream
