#include "ui/history/historydock.h"

#include "ui/dialogs/messagebox.h"
#include "ui/editing/documenteditor.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSlider>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace Billstream {

void HistoryModel::setEditor(DocumentEditor *editor)
{
    beginResetModel();
    m_editor = editor;
    m_rows = editor ? int(editor->historyEntries().size()) : 0;
    m_previewed = -1;
    endResetModel();
}

void HistoryModel::grow()
{
    const int now = m_editor ? int(m_editor->historyEntries().size()) : 0;
    if (now == m_rows)
        return;
    if (now < m_rows) {
        setEditor(m_editor);
        return;
    }
    beginInsertRows({}, m_rows, now - 1);
    m_rows = now;
    endInsertRows();
}

int HistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int HistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HistoryModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !m_editor || index.row() >= m_rows)
        return {};
    const HistoryEntry &e = m_editor->historyEntries().at(index.row());
    if (role == Qt::DisplayRole || role == Qt::AccessibleTextRole) {
        switch (index.column()) {
        case Version: return e.version;
        case Time: return QLocale().toString(e.recordedAt.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm"));
        case Event: return e.type;
        case Actor: return e.actor;
        case Change: return e.sentence;
        }
    }
    if (role == Qt::ToolTipRole)
        return QStringLiteral("%1 · %2").arg(e.type, e.sentence);
    if (role == Qt::UserRole)
        return e.version;
    if (role == Qt::FontRole && e.version == m_previewed) {
        QFont f;
        f.setBold(true);
        return f;
    }
    return {};
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Version: return tr("Ver.");
    case Time: return tr("Recorded");
    case Event: return tr("Event");
    case Actor: return tr("By");
    case Change: return tr("What changed");
    }
    return {};
}

HistoryDock::HistoryDock(QWidget *parent)
    : QDockWidget(tr("History"), parent)
{
    setObjectName(QStringLiteral("historyDock"));
    setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetFloatable);
    auto *body = new QWidget(this);
    auto *layout = new QVBoxLayout(body);
    layout->setContentsMargins(6, 6, 6, 6);
    m_title = new QLabel(tr("Open an invoice or a customer to see its history."), body);
    m_title->setObjectName(QStringLiteral("historyTitle"));
    m_title->setWordWrap(true);
    layout->addWidget(m_title);

    m_model = new HistoryModel(this);
    m_table = new QTableView(body);
    m_table->setObjectName(QStringLiteral("historyTable"));
    m_table->setAccessibleName(tr("Events of this document"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(HistoryModel::Version, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(HistoryModel::Time, QHeaderView::ResizeToContents);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setSectionResizeMode(HistoryModel::Event, QHeaderView::Interactive);
    m_table->horizontalHeader()->setSectionResizeMode(HistoryModel::Actor, QHeaderView::ResizeToContents);
    m_table->setColumnWidth(HistoryModel::Event, 130);
    layout->addWidget(m_table, 1);

    auto *scrub = new QHBoxLayout;
    m_slider = new QSlider(Qt::Horizontal, body);
    m_slider->setObjectName(QStringLiteral("historySlider"));
    m_slider->setAccessibleName(tr("Version shown"));
    m_slider->setPageStep(10);
    scrub->addWidget(m_slider, 1);
    m_sliderLabel = new QLabel(body);
    m_sliderLabel->setObjectName(QStringLiteral("historySliderLabel"));
    m_sliderLabel->setMinimumWidth(m_sliderLabel->fontMetrics().horizontalAdvance(QStringLiteral("0000 / 0000")));
    scrub->addWidget(m_sliderLabel);
    layout->addLayout(scrub);

    auto *buttons = new QHBoxLayout;
    m_now = new QPushButton(tr("Back to &Now"), body);
    m_now->setObjectName(QStringLiteral("historyNow"));
    m_compare = new QPushButton(tr("Co&mpare"), body);
    m_compare->setObjectName(QStringLiteral("historyCompareButton"));
    m_compare->setToolTip(tr("Compare the two selected versions, or the shown one with now"));
    m_restore = new QPushButton(tr("Re&store This Version…"), body);
    m_restore->setObjectName(QStringLiteral("historyRestore"));
    buttons->addWidget(m_now);
    buttons->addWidget(m_compare);
    buttons->addStretch(1);
    buttons->addWidget(m_restore);
    layout->addLayout(buttons);

    m_compareView = new QTextBrowser(body);
    m_compareView->setObjectName(QStringLiteral("historyCompare"));
    m_compareView->setAccessibleName(tr("Differences between versions"));
    m_compareView->setMaximumHeight(120);
    m_compareView->hide();
    layout->addWidget(m_compareView);
    setWidget(body);

    connect(m_slider, &QSlider::valueChanged, this, [this](int v) { scrubTo(v); });
    connect(m_now, &QPushButton::clicked, this, [this] { scrubTo(m_editor ? m_editor->headVersion() : 0); });
    connect(m_compare, &QPushButton::clicked, this, &HistoryDock::compareSelection);
    connect(m_restore, &QPushButton::clicked, this, &HistoryDock::restoreShownVersion);
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &i) { m_slider->setValue(i.row() + 1); });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &i) {
                if (i.isValid())
                    m_slider->setValue(i.row() + 1);
            });
    setEditor(nullptr);
}

void HistoryDock::setEditor(DocumentEditor *editor)
{
    if (m_editor == editor && editor)
        return;
    for (const auto &c : std::as_const(m_connections))
        disconnect(c);
    m_connections.clear();
    if (m_editor && m_editor->isPreviewing())
        m_editor->previewVersion(-1);
    m_editor = editor;
    m_model->setEditor(editor);
    m_compareView->hide();
    if (editor) {
        m_connections << connect(editor, &DocumentEditor::historyChanged, this, [this] {
            m_model->grow();
            updateRange();
        });
        m_connections << connect(editor, &DocumentEditor::titleChanged, this,
                                 [this](const QString &t) { m_title->setText(tr("History of %1").arg(t)); });
        m_connections << connect(editor, &DocumentEditor::previewChanged, this, [this](qint64 v) {
            if (v < 0 && m_editor)
                m_slider->setValue(int(m_editor->headVersion()));
            updateButtons();
        });
        m_title->setText(tr("History of %1").arg(editor->title()));
    } else {
        m_title->setText(tr("Open an invoice or a customer to see its history."));
    }
    updateRange();
}

void HistoryDock::updateRange()
{
    const int head = m_editor ? int(m_editor->headVersion()) : 0;
    const bool atHead = !m_editor || !m_editor->isPreviewing();
    const QSignalBlocker block(m_slider);
    m_slider->setRange(head > 0 ? 1 : 0, head);
    if (atHead)
        m_slider->setValue(head);
    m_slider->setEnabled(head > 1);
    updateButtons();
}

void HistoryDock::updateButtons()
{
    const int head = m_editor ? int(m_editor->headVersion()) : 0;
    const int shown = m_slider->value();
    m_sliderLabel->setText(QStringLiteral("%1 / %2").arg(shown).arg(head));
    const bool previewing = m_editor && m_editor->isPreviewing();
    m_now->setEnabled(previewing);
    m_compare->setEnabled(head > 1);
    m_restore->setEnabled(previewing && m_editor->canRestore(m_editor->previewedVersion()));
    m_model->m_previewed = previewing ? m_editor->previewedVersion() : -1;
    if (m_model->rowCount() > 0)
        emit m_model->dataChanged(m_model->index(0, 0), m_model->index(m_model->rowCount() - 1, HistoryModel::ColumnCount - 1),
                                  {Qt::FontRole});
}

void HistoryDock::scrubTo(qint64 version)
{
    if (!m_editor)
        return;
    if (m_slider->value() != version) {
        const QSignalBlocker block(m_slider);
        m_slider->setValue(int(version));
    }
    m_editor->previewVersion(version >= m_editor->headVersion() ? -1 : version);
    if (version >= 1 && version <= m_model->rowCount()) {
        const QSignalBlocker block(m_table->selectionModel());
        m_table->scrollTo(m_model->index(int(version) - 1, 0));
    }
    updateButtons();
}

QStringList HistoryDock::compare(qint64 a, qint64 b)
{
    if (!m_editor)
        return {};
    if (a > b)
        std::swap(a, b);
    const QStringList sentences = m_editor->compareVersions(a, b);
    QString html = tr("<b>From version %1 to %2:</b>").arg(a).arg(b);
    html += sentences.isEmpty() ? tr("<br>No differences.") : QStringLiteral("<ul>");
    for (const QString &s : sentences)
        html += QStringLiteral("<li>%1</li>").arg(s.toHtmlEscaped());
    if (!sentences.isEmpty())
        html += QStringLiteral("</ul>");
    m_compareView->setHtml(html);
    m_compareView->show();
    return sentences;
}

void HistoryDock::compareSelection()
{
    if (!m_editor)
        return;
    QList<qint64> versions;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
        versions << i.row() + 1;
    std::sort(versions.begin(), versions.end());
    if (versions.size() >= 2)
        compare(versions.first(), versions.last());
    else
        compare(m_slider->value(), m_editor->headVersion());
}

void HistoryDock::restoreShownVersion()
{
    if (!m_editor || !m_editor->isPreviewing())
        return;
    const qint64 version = m_editor->previewedVersion();
    if (!m_editor->canRestore(version))
        return;
    const auto answer = MessageBox::question(
        this, tr("Restore Version"),
        tr("Bring this draft back to how it was at version %1?\n\nThe changes since then are undone by new events; "
           "the history keeps everything.")
            .arg(version),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Yes, {{QMessageBox::Yes, tr("&Restore")}});
    if (answer != QMessageBox::Yes)
        return;
    if (Status s = m_editor->restoreVersion(version); !s)
        MessageBox::warning(this, tr("Not restored"), tr("The version could not be restored."), s.error().message);
    updateRange();
}

} // namespace Billstream
