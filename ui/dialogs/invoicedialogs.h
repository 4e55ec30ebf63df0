#pragma once

#include <QDate>
#include <QDialog>

class QComboBox;
class QDateEdit;
class QLineEdit;
class QLabel;

namespace Billstream {

class Session;

// "Record payment": amount (the amount due by default), date (today), method.
class PaymentDialog final : public QDialog
{
    Q_OBJECT
public:
    PaymentDialog(const QString &currency, const QString &amountDue, const QDate &today, QWidget *parent = nullptr);
    QString amount() const;
    QDate date() const;
    QString method() const;

private:
    QLineEdit *m_amount;
    QDateEdit *m_date;
    QLineEdit *m_method;
};

// "Void invoice": the reason, required.
class VoidDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit VoidDialog(const QString &number, QWidget *parent = nullptr);
    QString reason() const;

private:
    QLineEdit *m_reason;
};

// "New invoice": the customer (or a new one inline) and the currency; OK creates the draft.
class NewInvoiceDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit NewInvoiceDialog(Session &session, QWidget *parent = nullptr);
    QString createdId() const { return m_createdId; }
    void selectCustomer(const QString &customerId);
    void accept() override;

signals:
    void created(const QString &invoiceId);

private:
    void fillCustomers(const QString &select = {});
    void newCustomer();

    Session &m_session;
    QComboBox *m_customer;
    QComboBox *m_currency;
    QLabel *m_error;
    QString m_createdId;
};

// Every active ISO 4217 code, for currency pickers.
QStringList currencyCodes();

} // namespace Billstream
