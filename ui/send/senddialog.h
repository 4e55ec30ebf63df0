#pragma once

#include "core/domain/invoicingservice.h"

#include <QDialog>
#include <QPointer>

#include <functional>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace Billstream {

class BackgroundMailer;
class InvoicePreview;

// How the send dialog reaches the core: the GUI passes its session's service and its way of
// running a command as the user.
struct SendDialogContext
{
    InvoicingService *service = nullptr;   // reads the invoice, its customer and the tenant
    QString tenantId = QStringLiteral("default");
    // Runs one command (DOMAIN.md envelope) as the user, e.g. Session::execute. Unset:
    // service->execute(tenantId, command).
    std::function<Result<AppendResult>(const QJsonObject &command)> execute;
    // Shows the delivery's progress and is woken after the request; may be null (the dialog
    // then says the message is queued).
    QPointer<BackgroundMailer> mailer;
};

// E-mails one invoice: the recipient (prefilled from the customer), subject, message and a
// preview of the PDF that goes with it. Sending needs the tenant's mail settings, and waits
// until the given mailer has started (so its first start on a store never finds this request
// already in the log, which it would treat as old and not send). A draft is issued first, after the user confirms in a
// question box (object name "issueConfirmation") that is opened with open(), never exec(), so
// tests answer it by clicking. Progress and the outcome come from the BackgroundMailer; a
// failed delivery can be sent again from here (a new delivery).
//
// Child object names for tests: recipientEdit, subjectEdit, messageEdit, invoicePreview,
// statusLabel, progressBar, sendButton, retryButton, closeButton.
class SendDialog final : public QDialog
{
    Q_OBJECT
public:
    enum class Stage { Editing, ConfirmingIssue, Queued, Sending, Retrying, Sent, Failed, Error };
    Q_ENUM(Stage)

    SendDialog(SendDialogContext context, const QString &invoiceId, QWidget *parent = nullptr);
    ~SendDialog() override;

    // A non-modal dialog for the invoice, shown with open() and deleted when closed.
    static SendDialog *openFor(SendDialogContext context, const QString &invoiceId, QWidget *parent);

    QString invoiceId() const { return m_invoiceId; }
    QString deliveryId() const { return m_deliveryId; }
    Stage stage() const { return m_stage; }
    QString statusText() const;
    int previewPageCount() const;

public slots:
    // The Send button: checks the recipient, confirms issuing a draft, requests the delivery.
    void send();
    // After a failure: requests a new delivery with what the fields say now.
    void retry();

signals:
    void invoiceIssued(const QString &invoiceId, const QString &number);
    void sendRequested(const QString &invoiceId, const QString &deliveryId);
    void deliveryFinished(const QString &deliveryId, bool sent, const QString &reason);

private:
    void load();
    void renderPreview();
    void askToIssue();
    void issueThenSend();
    void requestDelivery();
    Result<AppendResult> execute(const QJsonObject &command);
    void setStage(Stage stage, const QString &text);
    void connectMailer();

    SendDialogContext m_context;
    QString m_invoiceId;
    QString m_deliveryId;
    qint64 m_version = 0;
    bool m_isDraft = false;
    QString m_number;
    Stage m_stage = Stage::Editing;

    QLineEdit *m_recipient = nullptr;
    QLineEdit *m_subject = nullptr;
    QPlainTextEdit *m_message = nullptr;
    InvoicePreview *m_preview = nullptr;
    QLabel *m_status = nullptr;
    QProgressBar *m_progress = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QPushButton *m_sendButton = nullptr;
    QPushButton *m_retryButton = nullptr;
};

} // namespace Billstream
