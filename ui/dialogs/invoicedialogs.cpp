#include "ui/dialogs/invoicedialogs.h"

#include "core/domain/currency.h"
#include "ui/dialogs/customerdialog.h"
#include "ui/session/session.h"

#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QUuid>
#include <QVBoxLayout>

namespace Billstream {

QStringList currencyCodes()
{
    QStringList codes;
    for (const Currency &c : Currency::all())
        if (c.isActive())
            codes << c.code();
    return codes;
}

PaymentDialog::PaymentDialog(const QString &currency, const QString &amountDue, const QDate &today, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("paymentDialog"));
    setWindowTitle(tr("Record Payment"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    m_amount = new QLineEdit(amountDue, this);
    m_amount->setObjectName(QStringLiteral("paymentAmount"));
    m_amount->setAccessibleName(tr("Amount"));
    m_amount->selectAll();
    form->addRow(tr("&Amount (%1):").arg(currency), m_amount);
    m_date = new QDateEdit(today, this);
    m_date->setObjectName(QStringLiteral("paymentDate"));
    m_date->setAccessibleName(tr("Payment date"));
    m_date->setCalendarPopup(true);
    m_date->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    form->addRow(tr("&Date:"), m_date);
    m_method = new QLineEdit(this);
    m_method->setObjectName(QStringLiteral("paymentMethod"));
    m_method->setAccessibleName(tr("Payment method"));
    m_method->setPlaceholderText(tr("Bank transfer, card, cash…"));
    form->addRow(tr("&Method:"), m_method);
    layout->addLayout(form);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Record Payment"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

QString PaymentDialog::amount() const
{
    return m_amount->text().trimmed();
}

QDate PaymentDialog::date() const
{
    return m_date->date();
}

QString PaymentDialog::method() const
{
    return m_method->text().trimmed();
}

VoidDialog::VoidDialog(const QString &number, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("voidDialog"));
    setWindowTitle(tr("Void Invoice %1").arg(number));
    auto *layout = new QVBoxLayout(this);
    auto *text = new QLabel(tr("Voiding cannot be undone. The invoice keeps its number and stays in the books "
                               "as void."),
                            this);
    text->setWordWrap(true);
    layout->addWidget(text);
    auto *form = new QFormLayout;
    m_reason = new QLineEdit(this);
    m_reason->setObjectName(QStringLiteral("voidReason"));
    m_reason->setAccessibleName(tr("Reason"));
    form->addRow(tr("&Reason:"), m_reason);
    layout->addLayout(form);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    QPushButton *ok = buttons->button(QDialogButtonBox::Ok);
    ok->setText(tr("&Void Invoice"));
    ok->setEnabled(false);
    connect(m_reason, &QLineEdit::textChanged, ok, [ok](const QString &t) { ok->setEnabled(!t.trimmed().isEmpty()); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

QString VoidDialog::reason() const
{
    return m_reason->text().trimmed();
}

NewInvoiceDialog::NewInvoiceDialog(Session &session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("newInvoiceDialog"));
    setWindowTitle(tr("New Invoice"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    auto *row = new QHBoxLayout;
    m_customer = new QComboBox(this);
    m_customer->setObjectName(QStringLiteral("newInvoiceCustomer"));
    m_customer->setAccessibleName(tr("Customer"));
    m_customer->setEditable(false);
    m_customer->setMinimumContentsLength(28);
    row->addWidget(m_customer, 1);
    auto *add = new QPushButton(tr("&New Customer…"), this);
    add->setObjectName(QStringLiteral("newInvoiceNewCustomer"));
    connect(add, &QPushButton::clicked, this, &NewInvoiceDialog::newCustomer);
    row->addWidget(add);
    form->addRow(tr("&Customer:"), row);
    m_currency = new QComboBox(this);
    m_currency->setObjectName(QStringLiteral("newInvoiceCurrency"));
    m_currency->setAccessibleName(tr("Currency"));
    m_currency->addItems(currencyCodes());
    QString currency = QStringLiteral("EUR");
    if (auto tenant = session.service().loadTenant(session.tenantId()); tenant && !tenant->state.defaults.currency.isEmpty())
        currency = tenant->state.defaults.currency;
    m_currency->setCurrentText(currency);
    form->addRow(tr("C&urrency:"), m_currency);
    layout->addLayout(form);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("newInvoiceError"));
    m_error->setWordWrap(true);
    m_error->hide();
    layout->addWidget(m_error);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Create Draft"));
    connect(buttons, &QDialogButtonBox::accepted, this, &NewInvoiceDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    fillCustomers();
}

void NewInvoiceDialog::fillCustomers(const QString &select)
{
    m_customer->clear();
    auto book = m_session.liveBook();
    if (!book)
        return;
    auto customers = book->customers({}, CustomerSort::Name);
    if (!customers)
        return;
    for (const CustomerListEntry &c : *customers) {
        if (c.archived)
            continue;
        m_customer->addItem(c.email.isEmpty() ? c.name : QStringLiteral("%1 <%2>").arg(c.name, c.email), c.id);
    }
    if (!select.isEmpty())
        selectCustomer(select);
}

void NewInvoiceDialog::selectCustomer(const QString &customerId)
{
    const int i = m_customer->findData(customerId);
    if (i >= 0)
        m_customer->setCurrentIndex(i);
}

void NewInvoiceDialog::newCustomer()
{
    auto *dialog = new CustomerDialog(m_session, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &CustomerDialog::created, this, [this](const QString &id) { fillCustomers(id); });
    dialog->open();
}

void NewInvoiceDialog::accept()
{
    const QString customerId = m_customer->currentData().toString();
    if (customerId.isEmpty()) {
        m_error->setText(tr("Choose a customer, or create one with New Customer…"));
        m_error->show();
        return;
    }
    int terms = 30;
    if (auto tenant = m_session.service().loadTenant(m_session.tenantId()))
        terms = tenant->state.defaults.paymentTermsDays;
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    auto result = m_session.execute(
        QJsonObject{{QStringLiteral("command"), QStringLiteral("CreateInvoice")},
                    {QStringLiteral("aggregateId"), id},
                    {QStringLiteral("payload"),
                     QJsonObject{{QStringLiteral("customerId"), customerId},
                                 {QStringLiteral("currency"), m_currency->currentText()},
                                 {QStringLiteral("dueDate"), m_session.today().addDays(terms).toString(Qt::ISODate)}}}});
    if (!result) {
        m_error->setText(result.error().violations.isEmpty() ? result.error().message
                                                             : result.error().violations.first().message);
        m_error->show();
        return;
    }
    m_createdId = id;
    emit created(id);
    QDialog::accept();
}

} // namespace Billstream
