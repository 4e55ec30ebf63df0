#pragma once

#include <QAbstractTableModel>
#include <QDockWidget>
#include <QPointer>

class QLabel;
class QPushButton;
class QSlider;
class QTableView;
class QTextBrowser;

namespace Billstream {

class DocumentEditor;

// The events of the open document, oldest first; entries only ever grow (the log only grows),
// so new events arrive as inserted rows.
class HistoryModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Version, Time, Event, Actor, Change, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;

    void setEditor(DocumentEditor *editor);
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

public slots:
    void grow();

private:
    QPointer<DocumentEditor> m_editor;
    int m_rows = 0;
    qint64 m_previewed = -1;
    friend class HistoryDock;
};

// The history panel of the selected invoice or customer: every event with version, time, type,
// actor and a sentence; a slider that scrubs through the versions with the editor showing each
// one read-only; compare two versions; restore a version of a draft.
class HistoryDock final : public QDockWidget
{
    Q_OBJECT
public:
    explicit HistoryDock(QWidget *parent = nullptr);

    void setEditor(DocumentEditor *editor);
    DocumentEditor *editor() const { return m_editor; }
    HistoryModel *model() const { return m_model; }

    // Shows version `v` in the editor (the head version: back to editing).
    void scrubTo(qint64 version);
    // What differs from version a to b, shown under the list.
    QStringList compare(qint64 a, qint64 b);
    void restoreShownVersion();

private:
    void updateRange();
    void updateButtons();
    void compareSelection();

    QPointer<DocumentEditor> m_editor;
    HistoryModel *m_model;
    QLabel *m_title;
    QTableView *m_table;
    QSlider *m_slider;
    QLabel *m_sliderLabel;
    QPushButton *m_now;
    QPushButton *m_compare;
    QPushButton *m_restore;
    QTextBrowser *m_compareView;
    QList<QMetaObject::Connection> m_connections;
};

} // namespace Billstream
