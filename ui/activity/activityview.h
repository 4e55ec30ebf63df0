#pragma once

#include <QWidget>

class QComboBox;
class QDateEdit;
class QLineEdit;
class QTableView;

namespace Billstream {

class ActivityFilter;
class Session;
namespace ReadModels {
class ActivityModel;
}

// The Activity page: the whole event log, newest first, filterable by event type, stream and
// date. Opening an entry shows that invoice or customer at the version the entry left it in.
class ActivityView final : public QWidget
{
    Q_OBJECT
public:
    explicit ActivityView(Session &session, QWidget *parent = nullptr);
    ReadModels::ActivityModel *model() const { return m_model; }
    ActivityFilter *filter() const { return m_filter; }
    QTableView *table() const { return m_table; }
    void setTypeFilter(const QString &eventType);
    void setStreamFilter(const QString &text);

signals:
    // The aggregate as it stood right after the log position `position`.
    void openAt(const QString &streamType, const QString &streamId, qint64 position);

private:
    void applyFilter();

    Session &m_session;
    ReadModels::ActivityModel *m_model;
    ActivityFilter *m_filter;
    QComboBox *m_type;
    QLineEdit *m_stream;
    QDateEdit *m_from;
    QDateEdit *m_to;
    QTableView *m_table;
};

} // namespace Billstream
