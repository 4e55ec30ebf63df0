#pragma once

#include "core/domain/invoice.h"
#include "ui/editing/documenteditor.h"
#include "ui/history/timeline.h"

#include <QHash>
#include <QPlainTextEdit>

class QComboBox;
class QDateEdit;
class QLabel;
class QPushButton;
class QTableView;
class QToolButton;

namespace Billstream {

class LineItemsModel;

// A notes field that commits when it loses focus (there is no "save": each committed field is
// one command).
class NotesEdit final : public QPlainTextEdit
{
    Q_OBJECT
public:
    using QPlainTextEdit::QPlainTextEdit;
signals:
    void committed();
protected:
    void focusOutEvent(QFocusEvent *event) override;
};

// One invoice: header fields, the line items with live totals per tax rate, and the actions of
// its lifecycle. Every committed field is one fine-grained command (SetInvoiceNotes,
// UpdateLineItem with only the changed field, AddLineItem …) pushed on the editor's undo stack
// with its compensating command. Issued invoices, past versions and as-of views are read-only.
class InvoiceEditor final : public DocumentEditor
{
    Q_OBJECT
public:
    InvoiceEditor(Session &session, const QString &invoiceId, QWidget *parent = nullptr);
    ~InvoiceEditor() override;

    QString title() const override;
    const QList<HistoryEntry> &historyEntries() const override;
    qint64 headVersion() const override;
    qint64 versionAtPosition(qint64 position) const override { return m_timeline.versionAtPosition(position); }
    void previewVersion(qint64 version) override;
    QStringList compareVersions(qint64 a, qint64 b) const override;
    bool canRestore(qint64 version) const override;
    Status restoreVersion(qint64 version) override;
    void reload() override;

    // The state on screen (the previewed version while scrubbing).
    const InvoiceState &shownState() const { return m_shown; }
    qint64 shownVersion() const { return m_shownVersion; }
    bool isReadOnly() const;
    QString totalsText() const;
    LineItemsModel *lineItemsModel() const { return m_linesModel; }

public slots:
    void issue();
    void recordPayment();
    void voidInvoice();
    void deleteDraft();
    void removeSelectedLine();
    // The log grew: new events join the history; the form follows unless the user is typing.
    void onStoreChanged();

signals:
    // The document actions, carried out by the main window (send dialog, print, PDF file).
    void sendRequested(const QString &invoiceId);
    void printRequested(const QString &invoiceId);
    void exportPdfRequested(const QString &invoiceId);

protected:
    void refreshFromStore() override;
    void showViolations(const Error &error) override;
    void clearViolations() override;
    QString kindName() const override { return tr("invoice"); }
    qint64 loadedVersion() const override { return m_shownVersion; }

private:
    void buildUi();
    void readNewEvents();
    void display(const InvoiceState &state, bool readOnly, const QSet<QString> &highlight);
    void fillCustomers();
    QString customerName(const QString &id) const;
    void commitCustomer();
    void commitCurrency();
    void commitDueDate();
    void commitNotes();
    void onLineEdited(const QString &lineItemId, const QString &field, const QString &value, const QString &oldValue);
    void onLineAdded(const QString &description);
    void newCustomer();
    // Runs a command and, when it worked, pushes it with its inverse on the undo stack.
    void edit(const QString &text, const QJsonObject &forward, const QJsonObject &backward);
    QString defaultTaxRate() const;

    Timeline<InvoiceState> m_timeline;
    InvoiceState m_shown;
    qint64 m_shownVersion = 0;
    bool m_updating = false;
    QString m_editingLine;    // the line whose cell is being committed, for marking a refusal
    QString m_editingField;
    mutable QHash<QString, QString> m_customerNames;

    QLabel *m_heading;
    QLabel *m_statusBadge;
    QLabel *m_banner;
    QPushButton *m_bannerButton;
    QComboBox *m_customer;
    QToolButton *m_newCustomer;
    QComboBox *m_currency;
    QDateEdit *m_dueDate;
    QLabel *m_issueDate;
    NotesEdit *m_notes;
    QTableView *m_lines;
    LineItemsModel *m_linesModel;
    QLabel *m_totals;
    QLabel *m_payments;
    QPushButton *m_issue;
    QPushButton *m_pay;
    QPushButton *m_void;
    QPushButton *m_delete;
    QPushButton *m_send;
    QPushButton *m_print;
    QPushButton *m_pdf;
};

} // namespace Billstream
