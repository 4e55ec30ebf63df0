#pragma once

#include <QDialog>
#include <QJsonObject>

class QLineEdit;
class QLabel;
class QDialogButtonBox;
class QFormLayout;

namespace Billstream {

class Session;

// "New customer": name, e-mail, address and tax id. On OK it runs CreateCustomer itself and
// stays open with the violations marked at their fields when the core refuses it; created()
// tells the id of the new customer.
class CustomerDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit CustomerDialog(Session &session, QWidget *parent = nullptr);

    QString createdId() const { return m_createdId; }
    QString errorText() const;

    void accept() override;

signals:
    void created(const QString &customerId);

private:
    QLineEdit *addField(const QString &objectName, const QString &label, const QString &placeholder = {});

    Session &m_session;
    QLineEdit *m_name;
    QLineEdit *m_email;
    QLineEdit *m_street;
    QLineEdit *m_postalCode;
    QLineEdit *m_city;
    QLineEdit *m_country;
    QLineEdit *m_taxId;
    QLabel *m_error;
    QString m_createdId;
    QFormLayout *m_form;
};

} // namespace Billstream
