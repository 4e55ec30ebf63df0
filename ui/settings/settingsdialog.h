#pragma once

#include <QDialog>
#include <QJsonObject>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTabWidget;

namespace Billstream {

class Session;

// Settings of the business: company profile (with logo), the invoice numbering pattern with a
// live preview, defaults (currency, tax rate, payment terms, locale) and e-mail (SMTP server,
// sender; the password goes to the system keychain, never the log). Save runs one command per
// section that changed (SetCompanyProfile, SetNumberingPattern, SetInvoiceDefaults,
// SetMailSettings); a refusal is shown at its fields and the dialog stays open.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit SettingsDialog(Session &session, QWidget *parent = nullptr);

    // "INV-2026-0001" for the pattern as typed, or what is wrong with it.
    QString patternPreview() const;
    QString errorText() const;
    void showCompanyPage();

    void accept() override;

private:
    void load();
    void updatePreview();
    void chooseLogo();
    QLineEdit *line(const QString &objectName, const QString &accessibleName);

    Session &m_session;
    QTabWidget *m_tabs;
    QLineEdit *m_name, *m_street, *m_postalCode, *m_city, *m_country, *m_taxId, *m_email, *m_phone, *m_iban, *m_bic;
    QLabel *m_logoPreview;
    QString m_logo;          // base64
    QString m_logoMime;
    QLineEdit *m_pattern;
    QLabel *m_preview;
    QComboBox *m_currency;
    QLineEdit *m_taxRate;
    QSpinBox *m_terms;
    QLineEdit *m_locale;
    QLineEdit *m_smtpUrl;
    QLineEdit *m_fromAddress;
    QLineEdit *m_fromName;
    QLineEdit *m_password;
    QJsonObject m_loadedMail;
    QLabel *m_error;
    QJsonObject m_loadedProfile;
    QString m_loadedPattern;
    QJsonObject m_loadedDefaults;
};

} // namespace Billstream
