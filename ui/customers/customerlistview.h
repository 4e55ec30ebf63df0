#pragma once

#include <QWidget>

class QCheckBox;
class QTableView;

namespace Billstream {

class Session;
namespace ReadModels {
class CustomerListModel;
}

// The customer list page: name, e-mail, place, invoice count and open balance.
class CustomerListView final : public QWidget
{
    Q_OBJECT
public:
    explicit CustomerListView(Session &session, QWidget *parent = nullptr);
    ReadModels::CustomerListModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    void setSearch(const QString &text);

signals:
    void openCustomer(const QString &id);

private:
    Session &m_session;
    ReadModels::CustomerListModel *m_model;
    QTableView *m_table;
    QCheckBox *m_archived;
};

} // namespace Billstream
