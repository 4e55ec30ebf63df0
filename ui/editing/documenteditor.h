#pragma once

#include "core/es/result.h"
#include "ui/history/timeline.h"

#include <QJsonObject>
#include <QUndoCommand>
#include <QWidget>

class QLabel;
class QUndoStack;

namespace Billstream {

class Session;

// What an open invoice or customer offers the main window and the history dock: its undo
// stack, its history, a read-only preview of any version, and restoring one.
class DocumentEditor : public QWidget
{
    Q_OBJECT
public:
    DocumentEditor(Session &session, const QString &aggregateId, QWidget *parent = nullptr);
    ~DocumentEditor() override;

    QString aggregateId() const { return m_id; }
    QUndoStack *undoStack() const { return m_undo; }
    virtual QString title() const = 0;

    virtual const QList<HistoryEntry> &historyEntries() const = 0;
    virtual qint64 headVersion() const = 0;
    // The version the aggregate had right after a position of the log (0: it did not exist).
    virtual qint64 versionAtPosition(qint64 position) const = 0;
    // Shows the state after `version` read-only with what changed since the version before
    // highlighted; the head version (or <0) goes back to editing.
    virtual void previewVersion(qint64 version) = 0;
    qint64 previewedVersion() const { return m_preview; }
    bool isPreviewing() const { return m_preview >= 0; }
    // Sentences for what differs from version a to version b.
    virtual QStringList compareVersions(qint64 a, qint64 b) const = 0;
    // Restoring appends the commands that bring the head back to that version's content.
    virtual bool canRestore(qint64 version) const = 0;
    virtual Status restoreVersion(qint64 version) = 0;

    // Runs a command on this aggregate at the version shown (optimistic concurrency). A
    // conflict offers to reload; a validation failure is shown at its fields. True on success.
    bool dispatch(QJsonObject command, bool interactive = true);
    // Re-reads the head from the store (after a conflict, or when asked).
    virtual void reload() = 0;
    // The last error shown to the user in the editor ("" when none).
    QString lastError() const { return m_lastError; }

signals:
    void historyChanged();
    void titleChanged(const QString &title);
    void previewChanged(qint64 version);

protected:
    // Called after every successful command and when the log grew.
    virtual void refreshFromStore() = 0;
    // Marks the fields named by violations (`payload.lineItems[0].quantity`, `payload.notes`).
    virtual void showViolations(const Error &error) = 0;
    virtual void clearViolations() = 0;
    virtual QString kindName() const = 0;        // "invoice", "customer"
    virtual qint64 loadedVersion() const = 0;
    void setLastError(const QString &text);
    void setPreview(qint64 version) { m_preview = version; }

    Session &m_session;
    QString m_id;
    QUndoStack *m_undo = nullptr;
    QLabel *m_errorLabel = nullptr;   // shown under the form with the plain-words message
    QString m_lastError;
    qint64 m_preview = -1;
};

// One edit on the undo stack: its redo() dispatches the core command, its undo() the
// compensating one (Tiled's generic change-value command; the log only grows, STYLE.md 8).
// The first redo() is skipped: the edit already ran when the field was committed, and only a
// successful edit is pushed. An undo or redo the core refuses marks the entry obsolete.
class EditCommand final : public QUndoCommand
{
public:
    EditCommand(DocumentEditor *editor, const QString &text, QJsonObject forward, QJsonObject backward);
    void undo() override;
    void redo() override;

private:
    DocumentEditor *m_editor;
    QJsonObject m_forward;
    QJsonObject m_backward;
    bool m_done = true;
};

} // namespace Billstream
