#include "ui/dialogs/customerdialog.h"

#include "ui/dialogs/fieldmarks.h"
#include "ui/session/session.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QUuid>
#include <QVBoxLayout>

namespace Billstream {

CustomerDialog::CustomerDialog(Session &session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("customerDialog"));
    setWindowTitle(tr("New Customer"));
    auto *layout = new QVBoxLayout(this);
    m_form = new QFormLayout;
    layout->addLayout(m_form);
    m_name = addField(QStringLiteral("name"), tr("&Name:"), tr("Company or person"));
    m_email = addField(QStringLiteral("email"), tr("&E-mail:"), tr("billing@example.com"));
    m_street = addField(QStringLiteral("street"), tr("&Street:"));
    m_postalCode = addField(QStringLiteral("postalCode"), tr("&Postal code:"));
    m_city = addField(QStringLiteral("city"), tr("&City:"));
    m_country = addField(QStringLiteral("country"), tr("C&ountry:"), tr("Two letters, e.g. DE or US"));
    m_country->setMaxLength(2);
    m_taxId = addField(QStringLiteral("taxId"), tr("&Tax id:"), tr("Optional"));
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("customerDialogError"));
    m_error->setWordWrap(true);
    m_error->hide();
    layout->addWidget(m_error);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Create Customer"));
    connect(buttons, &QDialogButtonBox::accepted, this, &CustomerDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &CustomerDialog::reject);
    layout->addWidget(buttons);
    setMinimumWidth(420);
}

QLineEdit *CustomerDialog::addField(const QString &objectName, const QString &label, const QString &placeholder)
{
    auto *edit = new QLineEdit(this);
    edit->setObjectName(objectName);
    edit->setPlaceholderText(placeholder);
    QString accessible = label;
    edit->setAccessibleName(accessible.remove(QLatin1Char('&')).remove(QLatin1Char(':')));
    m_form->addRow(label, edit);
    return edit;
}

QString CustomerDialog::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void CustomerDialog::accept()
{
    for (QLineEdit *e : {m_name, m_email, m_street, m_postalCode, m_city, m_country, m_taxId})
        FieldMarks::clear(e);
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    QJsonObject payload{{QStringLiteral("name"), m_name->text().trimmed()},
                        {QStringLiteral("email"), m_email->text().trimmed()},
                        {QStringLiteral("address"),
                         QJsonObject{{QStringLiteral("street"), m_street->text().trimmed()},
                                     {QStringLiteral("postalCode"), m_postalCode->text().trimmed()},
                                     {QStringLiteral("city"), m_city->text().trimmed()},
                                     {QStringLiteral("country"), m_country->text().trimmed().toUpper()}}}};
    if (!m_taxId->text().trimmed().isEmpty())
        payload.insert(QStringLiteral("taxId"), m_taxId->text().trimmed());
    auto result = m_session.execute(QJsonObject{{QStringLiteral("command"), QStringLiteral("CreateCustomer")},
                                                {QStringLiteral("aggregateId"), id},
                                                {QStringLiteral("payload"), payload}});
    if (!result) {
        const QHash<QString, QWidget *> fields{{QStringLiteral("payload.name"), m_name},
                                               {QStringLiteral("payload.email"), m_email},
                                               {QStringLiteral("payload.address.street"), m_street},
                                               {QStringLiteral("payload.address.postalCode"), m_postalCode},
                                               {QStringLiteral("payload.address.city"), m_city},
                                               {QStringLiteral("payload.address.country"), m_country},
                                               {QStringLiteral("payload.taxId"), m_taxId}};
        m_error->setText(FieldMarks::mark(result.error(), fields));
        m_error->show();
        return;
    }
    m_createdId = id;
    emit created(id);
    QDialog::accept();
}

} // namespace Billstream
