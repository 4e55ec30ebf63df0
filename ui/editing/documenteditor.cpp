#include "ui/editing/documenteditor.h"

#include "ui/dialogs/messagebox.h"
#include "ui/session/session.h"

#include <QLabel>
#include <QUndoStack>

namespace Billstream {

DocumentEditor::DocumentEditor(Session &session, const QString &aggregateId, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_id(aggregateId)
    , m_undo(new QUndoStack(this))
{
    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(QStringLiteral("editorError"));
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setVisible(false);
    m_errorLabel->setAccessibleName(tr("Problem with the last change"));
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
}

DocumentEditor::~DocumentEditor() = default;

void DocumentEditor::setLastError(const QString &text)
{
    m_lastError = text;
    m_errorLabel->setText(text);
    m_errorLabel->setVisible(!text.isEmpty());
    if (!text.isEmpty()) {
        QPalette p = m_errorLabel->palette();
        const bool dark = palette().color(QPalette::Base).lightness() < 128;
        p.setColor(QPalette::WindowText, dark ? QColor(255, 130, 120) : QColor(170, 20, 20));
        m_errorLabel->setPalette(p);
    }
}

bool DocumentEditor::dispatch(QJsonObject command, bool interactive)
{
    command.insert(QStringLiteral("aggregateId"), m_id);
    command.insert(QStringLiteral("expectedVersion"), loadedVersion());
    if (!command.contains(QStringLiteral("payload")))
        command.insert(QStringLiteral("payload"), QJsonObject());
    Result<AppendResult> result = m_session.execute(command);
    if (result) {
        clearViolations();
        setLastError({});
        refreshFromStore();
        return true;
    }
    const Error &error = result.error();
    switch (error.kind) {
    case ErrorKind::ConcurrentModification: {
        const QString text =
            tr("This %1 was changed elsewhere meanwhile (in another window or by billstream-cli), and the "
               "change touches what you edited. Your change was not saved.\n\nReload to see the %1 as it is now, "
               "then make your change again.")
                .arg(kindName());
        setLastError(tr("This %1 was changed elsewhere meanwhile. Your change was not saved; reload to continue.")
                         .arg(kindName()));
        if (interactive) {
            const auto answer = MessageBox::ask(this, QMessageBox::Warning, tr("Changed elsewhere"), text,
                                                QMessageBox::Retry | QMessageBox::Cancel, QMessageBox::Retry,
                                                {{QMessageBox::Retry, tr("&Reload")}}, error.message);
            if (answer == QMessageBox::Retry) {
                reload();
                setLastError({});
            }
        }
        return false;
    }
    case ErrorKind::ValidationFailed:
        showViolations(error);
        setLastError(error.violations.isEmpty() ? error.message
                                                : tr("Not saved: %1").arg(error.violations.first().message));
        return false;
    case ErrorKind::NotFound:
        setLastError(tr("This %1 no longer exists in the store.").arg(kindName()));
        return false;
    default:
        setLastError(tr("The change could not be saved: %1").arg(error.message));
        if (interactive)
            MessageBox::warning(this, tr("Not saved"), tr("The change could not be saved."), error.message);
        return false;
    }
}

EditCommand::EditCommand(DocumentEditor *editor, const QString &text, QJsonObject forward, QJsonObject backward)
    : QUndoCommand(text)
    , m_editor(editor)
    , m_forward(std::move(forward))
    , m_backward(std::move(backward))
{}

void EditCommand::redo()
{
    if (m_done) {
        m_done = false;
        return;
    }
    if (!m_editor->dispatch(m_forward))
        setObsolete(true);
}

void EditCommand::undo()
{
    if (!m_editor->dispatch(m_backward))
        setObsolete(true);
}

} // namespace Billstream
