#include "ui/send/senddialog.h"

#include "core/documents/invoicedocument.h"
#include "core/documents/invoicerenderer.h"
#include "core/domain/domainevents.h"
#include "core/mail/backgroundmailer.h"
#include "core/mail/mailheaders.h"
#include "ui/send/invoicepreview.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace Billstream {

SendDialog::SendDialog(SendDialogContext context, const QString &invoiceId, QWidget *parent)
    : QDialog(parent)
    , m_context(std::move(context))
    , m_invoiceId(invoiceId)
{
    setObjectName(QStringLiteral("sendDialog"));
    setWindowTitle(tr("Send invoice"));

    m_recipient = new QLineEdit(this);
    m_recipient->setObjectName(QStringLiteral("recipientEdit"));
    m_recipient->setPlaceholderText(tr("name@example.com"));
    m_subject = new QLineEdit(this);
    m_subject->setObjectName(QStringLiteral("subjectEdit"));
    m_message = new QPlainTextEdit(this);
    m_message->setObjectName(QStringLiteral("messageEdit"));
    m_message->setPlaceholderText(tr("Leave empty for the standard text naming the number, total and due date."));
    m_message->setTabChangesFocus(true);

    auto *form = new QFormLayout;
    form->addRow(tr("&To:"), m_recipient);
    form->addRow(tr("&Subject:"), m_subject);
    form->addRow(tr("&Message:"), m_message);

    m_preview = new InvoicePreview(this);
    m_preview->setMinimumWidth(480);
    m_preview->setMinimumHeight(420);

    auto *columns = new QHBoxLayout;
    columns->addLayout(form, 1);
    columns->addWidget(m_preview, 1);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("statusLabel"));
    m_status->setTextFormat(Qt::PlainText);   // reasons come from mail servers
    m_status->setWordWrap(true);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("progressBar"));
    m_progress->setRange(0, 0);
    m_progress->setTextVisible(false);
    m_progress->setVisible(false);

    m_buttons = new QDialogButtonBox(this);
    m_sendButton = m_buttons->addButton(tr("&Send"), QDialogButtonBox::ActionRole);
    m_sendButton->setObjectName(QStringLiteral("sendButton"));
    m_sendButton->setDefault(true);
    m_retryButton = m_buttons->addButton(tr("Send &again"), QDialogButtonBox::ActionRole);
    m_retryButton->setObjectName(QStringLiteral("retryButton"));
    m_retryButton->setVisible(false);
    QPushButton *close = m_buttons->addButton(QDialogButtonBox::Close);
    close->setObjectName(QStringLiteral("closeButton"));
    connect(m_sendButton, &QPushButton::clicked, this, &SendDialog::send);
    connect(m_retryButton, &QPushButton::clicked, this, &SendDialog::retry);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns, 1);
    layout->addWidget(m_status);
    layout->addWidget(m_progress);
    layout->addWidget(m_buttons);

    connectMailer();
    load();
}

SendDialog::~SendDialog() = default;

SendDialog *SendDialog::openFor(SendDialogContext context, const QString &invoiceId, QWidget *parent)
{
    auto *dialog = new SendDialog(std::move(context), invoiceId, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

QString SendDialog::statusText() const
{
    return m_status->text();
}

int SendDialog::previewPageCount() const
{
    return m_preview->pageCount();
}

Result<AppendResult> SendDialog::execute(const QJsonObject &command)
{
    if (m_context.execute)
        return m_context.execute(command);
    return m_context.service->execute(m_context.tenantId, command);
}

void SendDialog::load()
{
    if (!m_context.service) {
        setStage(Stage::Error, tr("No store is open."));
        return;
    }
    InvoicingService &service = *m_context.service;
    const Result<Loaded<InvoiceState>> loaded = service.loadInvoice(m_context.tenantId, m_invoiceId);
    if (!loaded) {
        setStage(Stage::Error, tr("The invoice cannot be read: %1").arg(loaded.error().message));
        return;
    }
    const InvoiceState &s = loaded->state;
    m_version = loaded->version;
    m_isDraft = s.status == InvoiceStatus::Draft;
    m_number = s.number;
    setWindowTitle(m_isDraft ? tr("Send draft invoice") : tr("Send invoice %1").arg(m_number));

    if (s.status == InvoiceStatus::Void || s.status == InvoiceStatus::Deleted || s.status == InvoiceStatus::None) {
        setStage(Stage::Error, tr("This invoice is %1: it cannot be sent.").arg(statusName(s.status)));
        renderPreview();
        return;
    }
    if (m_recipient->text().isEmpty()) {
        QString to;
        if (!s.customerId.isEmpty()) {
            if (const Result<Loaded<CustomerState>> c = service.loadCustomer(m_context.tenantId, s.customerId))
                to = c->state.email;
        }
        if (to.isEmpty() && s.buyer)
            to = s.buyer->email;
        m_recipient->setText(to);
    }
    if (m_isDraft) {
        m_subject->setPlaceholderText(tr("Invoice <number> from <company>, numbered when it is issued"));
    } else if (m_subject->text().isEmpty()) {
        // The domain's default subject (DOMAIN.md), shown so it can be changed.
        m_subject->setText(QStringLiteral("Invoice %1 from %2").arg(m_number, s.seller ? s.seller->name : QString()));
    }
    renderPreview();
    // A request no mailer can deliver is not made: set up e-mail first.
    const Result<Loaded<TenantState>> tenant = service.loadTenant(m_context.tenantId);
    if (!tenant || !tenant->state.mail) {
        setStage(Stage::Error, tr("E-mail is not set up: enter the mail server and the sender's address in Settings first."));
        return;
    }
    if (m_stage != Stage::Editing)
        return;
    // On a store's first mailer start, requests made before it are not sent (docs/sending.md):
    // the Send button waits until the mailer runs.
    if (m_context.mailer && !m_context.mailer->isRunning()) {
        setStage(Stage::Editing, tr("Starting the mailer…"));
        m_sendButton->setEnabled(false);
        return;
    }
    setStage(Stage::Editing, m_isDraft ? tr("This invoice is a draft: sending it issues it first.") : QString());
}

void SendDialog::renderPreview()
{
    const Result<InvoiceDocument> document = loadInvoiceDocument(*m_context.service, m_context.tenantId, m_invoiceId);
    if (!document) {
        m_preview->setMessage(tr("No preview: %1").arg(document.error().message));
        return;
    }
    m_preview->setRenderer(InvoiceRenderer(*document, defaultPaperSize(*document)));
}

void SendDialog::send()
{
    if (m_stage != Stage::Editing && m_stage != Stage::Failed)
        return;
    if (m_context.mailer && !m_context.mailer->isRunning())
        return;
    m_recipient->setText(m_recipient->text().trimmed());
    if (!isValidMailAddress(m_recipient->text())) {
        setStage(Stage::Editing, tr("Enter the recipient's e-mail address, such as name@example.com."));
        m_recipient->setFocus();
        return;
    }
    if (m_isDraft)
        askToIssue();
    else
        requestDelivery();
}

void SendDialog::retry()
{
    if (m_stage == Stage::Failed)
        send();
}

void SendDialog::askToIssue()
{
    auto *box = new QMessageBox(QMessageBox::Question, tr("Issue and send?"),
                                tr("This invoice is a draft. Sending it issues it first: it gets the next invoice "
                                   "number and can no longer be changed. Issue and send it now?"),
                                QMessageBox::Yes | QMessageBox::No, this);
    box->setObjectName(QStringLiteral("issueConfirmation"));
    box->setTextFormat(Qt::PlainText);
    box->setDefaultButton(QMessageBox::No);
    box->button(QMessageBox::Yes)->setText(tr("&Issue and send"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this](int result) {
        if (result == QMessageBox::Yes)
            issueThenSend();
        else
            setStage(Stage::Editing, tr("Not sent: the draft was left as it is."));
    });
    setStage(Stage::ConfirmingIssue, tr("Waiting for your answer…"));
    box->open();
}

void SendDialog::issueThenSend()
{
    const QJsonObject command{{QStringLiteral("command"), Wire::Command::IssueInvoice},
                              {QStringLiteral("aggregateId"), m_invoiceId},
                              {QStringLiteral("expectedVersion"), m_version},
                              {QStringLiteral("payload"), QJsonObject()}};
    const Result<AppendResult> issued = execute(command);
    if (!issued) {
        setStage(Stage::Editing, tr("The invoice could not be issued: %1").arg(issued.error().message));
        return;
    }
    QString number;
    for (const RecordedEvent &e : std::as_const(issued->events)) {
        if (e.type == Wire::Event::InvoiceNumberAssigned)
            number = e.payload.value(QStringLiteral("number")).toString();
    }
    emit invoiceIssued(m_invoiceId, number);
    load();
    if (m_isDraft) {
        setStage(Stage::Editing, tr("The invoice is still a draft; nothing was sent."));
        return;
    }
    requestDelivery();
}

void SendDialog::requestDelivery()
{
    QJsonObject payload{{QStringLiteral("to"), m_recipient->text()}};
    if (!m_subject->text().trimmed().isEmpty())
        payload.insert(QStringLiteral("subject"), m_subject->text().trimmed());
    if (!m_message->toPlainText().trimmed().isEmpty())
        payload.insert(QStringLiteral("message"), m_message->toPlainText());
    const QJsonObject command{{QStringLiteral("command"), Wire::Command::SendInvoiceToCustomer},
                              {QStringLiteral("aggregateId"), m_invoiceId},
                              {QStringLiteral("payload"), payload}};
    const Result<AppendResult> requested = execute(command);
    if (!requested) {
        setStage(m_stage == Stage::Failed ? Stage::Failed : Stage::Editing,
                 tr("Not sent: %1").arg(requested.error().message));
        return;
    }
    for (const RecordedEvent &e : std::as_const(requested->events)) {
        if (e.type == Wire::Event::InvoiceSendRequested)
            m_deliveryId = e.payload.value(QStringLiteral("deliveryId")).toString();
    }
    if (m_context.mailer) {
        setStage(Stage::Queued, tr("Queued for sending to %1…").arg(m_recipient->text()));
        m_context.mailer->wake();
    } else {
        setStage(Stage::Queued, tr("Queued: the message to %1 is sent when Billstream's mailer runs.").arg(m_recipient->text()));
    }
    emit sendRequested(m_invoiceId, m_deliveryId);
}

void SendDialog::connectMailer()
{
    BackgroundMailer *mailer = m_context.mailer;
    if (!mailer)
        return;
    connect(mailer, &BackgroundMailer::started, this, [this] {
        if (m_stage == Stage::Editing)
            setStage(Stage::Editing, m_isDraft ? tr("This invoice is a draft: sending it issues it first.") : QString());
    });
    connect(mailer, &BackgroundMailer::startFailed, this, [this](const QString &message) {
        setStage(Stage::Error, tr("E-mail cannot be sent from here: %1").arg(message));
    });
    connect(mailer, &BackgroundMailer::deliveryAttempting, this, [this](const QString &, const QString &id, int attempt) {
        if (id == m_deliveryId)
            setStage(Stage::Sending, tr("Sending to %1 (attempt %2)…").arg(m_recipient->text()).arg(attempt));
    });
    connect(mailer, &BackgroundMailer::deliveryRetryScheduled, this,
            [this](const QString &, const QString &id, int attempt, const QDateTime &next, const QString &reason) {
                if (id == m_deliveryId)
                    setStage(Stage::Retrying, tr("Attempt %1 failed: %2\nTrying again at %3.")
                                                  .arg(attempt)
                                                  .arg(reason, QLocale().toString(next.toLocalTime().time(), QLocale::ShortFormat)));
            });
    connect(mailer, &BackgroundMailer::deliverySent, this, [this](const QString &, const QString &id) {
        if (id != m_deliveryId)
            return;
        setStage(Stage::Sent, tr("Sent to %1.").arg(m_recipient->text()));
        emit deliveryFinished(id, true, QString());
    });
    connect(mailer, &BackgroundMailer::deliveryFailed, this, [this](const QString &, const QString &id, const QString &reason) {
        if (id != m_deliveryId)
            return;
        setStage(Stage::Failed, tr("Not sent: %1").arg(reason));
        emit deliveryFinished(id, false, reason);
    });
}

void SendDialog::setStage(Stage stage, const QString &text)
{
    m_stage = stage;
    m_status->setText(text);
    const bool busy = stage == Stage::Queued || stage == Stage::Sending || stage == Stage::Retrying
        || stage == Stage::ConfirmingIssue;
    const bool editable = stage == Stage::Editing || stage == Stage::Failed;
    m_progress->setVisible(busy && stage != Stage::ConfirmingIssue && m_context.mailer);
    m_sendButton->setVisible(stage != Stage::Failed);
    m_sendButton->setEnabled(stage == Stage::Editing);
    m_retryButton->setVisible(stage == Stage::Failed);
    m_recipient->setReadOnly(!editable);
    m_subject->setReadOnly(!editable);
    m_message->setReadOnly(!editable);
}

} // namespace Billstream
