#pragma once

#include <QDate>
#include <QSortFilterProxyModel>

namespace Billstream {

namespace ReadModels {
class ActivityModel;
}

// Filters the activity feed by event type, stream (id or text of the summary) and a date range.
// The feed is fetched page by page as the view scrolls; the filter applies to what is fetched
// and asks for more while too little matches.
class ActivityFilter final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit ActivityFilter(ReadModels::ActivityModel *source, QObject *parent = nullptr);

    void setEventType(const QString &type);
    void setStream(const QString &text);
    void setDates(const QDate &from, const QDate &to);
    ReadModels::ActivityModel *feed() const { return m_feed; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    void refilter();

    ReadModels::ActivityModel *m_feed;
    QString m_type;
    QString m_stream;
    QDate m_from;
    QDate m_to;
};

} // namespace Billstream
