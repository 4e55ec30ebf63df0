#include "ui/settings/settingsdialog.h"

#include "core/domain/numbering.h"
#include "core/mail/smtpclient.h"
#include "core/mail/smtppassword.h"
#include "core/domain/tenant.h"
#include "ui/dialogs/fieldmarks.h"
#include "ui/dialogs/invoicedialogs.h"
#include "ui/dialogs/messagebox.h"
#include "ui/session/session.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSvgRenderer>
#include <QPainter>
#include <QTabWidget>
#include <QVBoxLayout>

namespace Billstream {

SettingsDialog::SettingsDialog(Session &session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));
    auto *layout = new QVBoxLayout(this);
    m_tabs = new QTabWidget(this);
    layout->addWidget(m_tabs);

    auto *company = new QWidget(m_tabs);
    auto *cform = new QFormLayout(company);
    m_name = line(QStringLiteral("companyName"), tr("Company name"));
    cform->addRow(tr("&Name:"), m_name);
    m_street = line(QStringLiteral("companyStreet"), tr("Street"));
    cform->addRow(tr("&Street:"), m_street);
    auto *city = new QHBoxLayout;
    m_postalCode = line(QStringLiteral("companyPostalCode"), tr("Postal code"));
    m_postalCode->setMaximumWidth(110);
    m_city = line(QStringLiteral("companyCity"), tr("City"));
    m_country = line(QStringLiteral("companyCountry"), tr("Country"));
    m_country->setMaxLength(2);
    m_country->setMaximumWidth(50);
    city->addWidget(m_postalCode);
    city->addWidget(m_city, 1);
    city->addWidget(m_country);
    auto *cityLabel = new QLabel(tr("&Postal code, city, country:"), company);
    cityLabel->setBuddy(m_postalCode);
    cform->addRow(cityLabel, city);
    m_taxId = line(QStringLiteral("companyTaxId"), tr("Tax id"));
    cform->addRow(tr("&Tax id:"), m_taxId);
    m_email = line(QStringLiteral("companyEmail"), tr("E-mail"));
    cform->addRow(tr("&E-mail:"), m_email);
    m_phone = line(QStringLiteral("companyPhone"), tr("Phone"));
    cform->addRow(tr("P&hone:"), m_phone);
    m_iban = line(QStringLiteral("companyIban"), tr("IBAN"));
    cform->addRow(tr("&IBAN:"), m_iban);
    m_bic = line(QStringLiteral("companyBic"), tr("BIC"));
    cform->addRow(tr("&BIC:"), m_bic);
    auto *logoRow = new QHBoxLayout;
    m_logoPreview = new QLabel(tr("No logo"), company);
    m_logoPreview->setObjectName(QStringLiteral("logoPreview"));
    m_logoPreview->setFixedSize(160, 64);
    m_logoPreview->setAlignment(Qt::AlignCenter);
    m_logoPreview->setFrameShape(QFrame::StyledPanel);
    logoRow->addWidget(m_logoPreview);
    auto *choose = new QPushButton(tr("&Choose…"), company);
    choose->setObjectName(QStringLiteral("chooseLogo"));
    connect(choose, &QPushButton::clicked, this, &SettingsDialog::chooseLogo);
    auto *clearLogo = new QPushButton(tr("Remo&ve"), company);
    connect(clearLogo, &QPushButton::clicked, this, [this] {
        m_logo.clear();
        m_logoMime.clear();
        m_logoPreview->setPixmap({});
        m_logoPreview->setText(tr("No logo"));
    });
    logoRow->addWidget(choose);
    logoRow->addWidget(clearLogo);
    logoRow->addStretch(1);
    cform->addRow(tr("Logo:"), logoRow);
    m_tabs->addTab(company, tr("Company"));

    auto *numbering = new QWidget(m_tabs);
    auto *nform = new QFormLayout(numbering);
    m_pattern = line(QStringLiteral("numberingPattern"), tr("Numbering pattern"));
    m_pattern->setPlaceholderText(NumberingPattern::defaultText());
    nform->addRow(tr("&Pattern:"), m_pattern);
    m_preview = new QLabel(numbering);
    m_preview->setObjectName(QStringLiteral("patternPreview"));
    m_preview->setWordWrap(true);
    nform->addRow(tr("Next numbers look like:"), m_preview);
    auto *help = new QLabel(tr("{YYYY} or {YY}: the year of the issue date; {SEQ} or {SEQ:4}: the running number, "
                               "restarting every year, padded to 4 digits."),
                            numbering);
    help->setWordWrap(true);
    nform->addRow(help);
    connect(m_pattern, &QLineEdit::textChanged, this, &SettingsDialog::updatePreview);
    m_tabs->addTab(numbering, tr("Numbering"));

    auto *defaults = new QWidget(m_tabs);
    auto *dform = new QFormLayout(defaults);
    m_currency = new QComboBox(defaults);
    m_currency->setObjectName(QStringLiteral("defaultCurrency"));
    m_currency->setAccessibleName(tr("Default currency"));
    m_currency->addItem(tr("(none)"), QString());
    for (const QString &c : currencyCodes())
        m_currency->addItem(c, c);
    dform->addRow(tr("&Currency:"), m_currency);
    m_taxRate = line(QStringLiteral("defaultTaxRate"), tr("Default tax rate in percent"));
    m_taxRate->setPlaceholderText(tr("e.g. 19"));
    dform->addRow(tr("&Tax rate (%):"), m_taxRate);
    m_terms = new QSpinBox(defaults);
    m_terms->setObjectName(QStringLiteral("paymentTerms"));
    m_terms->setAccessibleName(tr("Payment terms in days"));
    m_terms->setRange(0, 3650);
    m_terms->setSuffix(tr(" days"));
    dform->addRow(tr("&Payment terms:"), m_terms);
    m_locale = line(QStringLiteral("documentLocale"), tr("Locale of documents"));
    m_locale->setPlaceholderText(QStringLiteral("en_US"));
    dform->addRow(tr("&Locale of documents:"), m_locale);
    m_tabs->addTab(defaults, tr("Defaults"));

    auto *mail = new QWidget(m_tabs);
    auto *mform = new QFormLayout(mail);
    m_smtpUrl = line(QStringLiteral("smtpUrl"), tr("SMTP server"));
    m_smtpUrl->setPlaceholderText(QStringLiteral("smtps://billing@mail.example.com:465"));
    mform->addRow(tr("SMTP &server:"), m_smtpUrl);
    m_fromAddress = line(QStringLiteral("fromAddress"), tr("Sender address"));
    mform->addRow(tr("Sender &address:"), m_fromAddress);
    m_fromName = line(QStringLiteral("fromName"), tr("Sender name"));
    mform->addRow(tr("Sender &name:"), m_fromName);
    m_password = line(QStringLiteral("smtpPassword"), tr("SMTP password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(SmtpPasswordStore::keychainAvailable()
                                       ? tr("Kept in the system keychain; leave empty to keep it")
                                       : tr("No keychain here: set BILLSTREAM_SMTP_PASSWORD instead"));
    m_password->setEnabled(SmtpPasswordStore::keychainAvailable());
    mform->addRow(tr("&Password:"), m_password);
    m_tabs->addTab(mail, tr("E-mail"));

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("settingsError"));
    m_error->setWordWrap(true);
    m_error->hide();
    layout->addWidget(m_error);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    setMinimumWidth(520);
    load();
}

QLineEdit *SettingsDialog::line(const QString &objectName, const QString &accessibleName)
{
    auto *e = new QLineEdit(this);
    e->setObjectName(objectName);
    e->setAccessibleName(accessibleName);
    return e;
}

void SettingsDialog::showCompanyPage()
{
    m_tabs->setCurrentIndex(0);
}

void SettingsDialog::load()
{
    auto tenant = m_session.service().loadTenant(m_session.tenantId());
    const TenantState state = tenant ? tenant->state : TenantState{};
    if (state.profile) {
        const CompanyProfile &p = *state.profile;
        m_name->setText(p.name);
        m_street->setText(p.address.street);
        m_postalCode->setText(p.address.postalCode);
        m_city->setText(p.address.city);
        m_country->setText(p.address.country);
        m_taxId->setText(p.taxId);
        m_email->setText(p.email);
        m_phone->setText(p.phone);
        m_iban->setText(p.iban);
        m_bic->setText(p.bic);
        m_logo = p.logo;
        m_logoMime = p.logoMimeType;
        if (!m_logo.isEmpty()) {
            QPixmap pm;
            pm.loadFromData(QByteArray::fromBase64(m_logo.toLatin1()));
            if (!pm.isNull())
                m_logoPreview->setPixmap(pm.scaled(m_logoPreview->size() - QSize(8, 8), Qt::KeepAspectRatio,
                                                   Qt::SmoothTransformation));
        }
        m_loadedProfile = p.toJson();
    }
    m_pattern->setText(state.numberingPattern);
    m_loadedPattern = state.numberingPattern;
    m_currency->setCurrentIndex(std::max(0, m_currency->findData(state.defaults.currency)));
    m_taxRate->setText(state.defaults.taxRate ? state.defaults.taxRate->toString() : QString());
    m_terms->setValue(state.defaults.paymentTermsDays);
    m_locale->setText(state.defaults.locale);
    if (state.mail) {
        m_smtpUrl->setText(state.mail->smtpUrl);
        m_fromAddress->setText(state.mail->fromAddress);
        m_fromName->setText(state.mail->fromName);
    }
    m_loadedMail = QJsonObject{{QStringLiteral("smtpUrl"), m_smtpUrl->text()},
                               {QStringLiteral("fromAddress"), m_fromAddress->text()},
                               {QStringLiteral("fromName"), m_fromName->text()}};
    m_loadedDefaults = QJsonObject{{QStringLiteral("currency"), state.defaults.currency},
                                   {QStringLiteral("taxRate"), m_taxRate->text()},
                                   {QStringLiteral("paymentTermsDays"), state.defaults.paymentTermsDays},
                                   {QStringLiteral("locale"), state.defaults.locale}};
    updatePreview();
}

QString SettingsDialog::patternPreview() const
{
    return m_preview->text();
}

QString SettingsDialog::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void SettingsDialog::updatePreview()
{
    const QString text = m_pattern->text().trimmed().isEmpty() ? NumberingPattern::defaultText() : m_pattern->text().trimmed();
    auto pattern = NumberingPattern::parse(text, QStringLiteral("pattern"));
    if (!pattern) {
        QStringList problems;
        for (const Violation &v : pattern.error().violations)
            problems << v.message;
        m_preview->setText(problems.isEmpty() ? pattern.error().message : problems.join(QStringLiteral("; ")));
        FieldMarks::markWidget(m_pattern, m_preview->text());
        return;
    }
    FieldMarks::clear(m_pattern);
    const int year = m_session.today().year();
    m_preview->setText(QStringLiteral("%1, %2, %3 …").arg(pattern->format(year, 1), pattern->format(year, 2), pattern->format(year, 3)));
}

void SettingsDialog::chooseLogo()
{
    const QString file = FileDialog::getOpenFileName(this, tr("Choose Logo"), {}, tr("Images (*.png *.svg)"));
    if (file.isEmpty())
        return;
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        MessageBox::warning(this, tr("Logo"), tr("The file %1 could not be read: %2").arg(file, f.errorString()));
        return;
    }
    const QByteArray bytes = f.readAll();
    const bool svg = file.endsWith(QStringLiteral(".svg"), Qt::CaseInsensitive);
    QPixmap pm;
    if (svg) {
        QSvgRenderer renderer(bytes);
        if (renderer.isValid()) {
            pm = QPixmap(m_logoPreview->size() - QSize(8, 8));
            pm.fill(Qt::transparent);
            QPainter p(&pm);
            renderer.render(&p);
        }
    } else {
        pm.loadFromData(bytes, "PNG");
    }
    if (pm.isNull()) {
        MessageBox::warning(this, tr("Logo"), tr("%1 is not a PNG or SVG image.").arg(QFileInfo(file).fileName()));
        return;
    }
    m_logo = QString::fromLatin1(bytes.toBase64());
    m_logoMime = svg ? QStringLiteral("image/svg+xml") : QStringLiteral("image/png");
    m_logoPreview->setPixmap(pm.scaled(m_logoPreview->size() - QSize(8, 8), Qt::KeepAspectRatio, Qt::SmoothTransformation));
}

void SettingsDialog::accept()
{
    for (QLineEdit *e : {m_name, m_street, m_postalCode, m_city, m_country, m_taxId, m_email, m_phone, m_iban, m_bic,
                         m_pattern, m_taxRate, m_locale, m_smtpUrl, m_fromAddress, m_fromName})
        FieldMarks::clear(e);
    QStringList problems;
    const auto run = [&](const QString &name, const QJsonObject &payload, const QHash<QString, QWidget *> &fields) {
        auto r = m_session.execute({{QStringLiteral("command"), name}, {QStringLiteral("payload"), payload}});
        if (!r)
            problems << FieldMarks::mark(r.error(), fields);
        return bool(r);
    };

    QJsonObject profile{{QStringLiteral("name"), m_name->text().trimmed()},
                        {QStringLiteral("address"),
                         QJsonObject{{QStringLiteral("street"), m_street->text().trimmed()},
                                     {QStringLiteral("postalCode"), m_postalCode->text().trimmed()},
                                     {QStringLiteral("city"), m_city->text().trimmed()},
                                     {QStringLiteral("country"), m_country->text().trimmed().toUpper()}}}};
    const QList<QPair<QString, QLineEdit *>> optional{{QStringLiteral("taxId"), m_taxId}, {QStringLiteral("email"), m_email},
                                                      {QStringLiteral("phone"), m_phone}, {QStringLiteral("iban"), m_iban},
                                                      {QStringLiteral("bic"), m_bic}};
    for (const auto &[key, edit] : optional)
        if (!edit->text().trimmed().isEmpty())
            profile.insert(key, edit->text().trimmed());
    if (!m_logo.isEmpty())
        profile.insert(QStringLiteral("logo"), m_logo);
    const bool profileTouched = !m_name->text().trimmed().isEmpty() || !m_loadedProfile.isEmpty();
    CompanyProfile typed = CompanyProfile::fromJson(profile);
    typed.logoMimeType = m_logoMime;
    if (profileTouched && !(m_loadedProfile == typed.toJson()) && !(CompanyProfile::fromJson(m_loadedProfile) == typed)) {
        if (run(QStringLiteral("SetCompanyProfile"), profile,
            {{QStringLiteral("payload.name"), m_name}, {QStringLiteral("payload.address.street"), m_street},
             {QStringLiteral("payload.address.postalCode"), m_postalCode}, {QStringLiteral("payload.address.city"), m_city},
             {QStringLiteral("payload.address.country"), m_country}, {QStringLiteral("payload.taxId"), m_taxId},
             {QStringLiteral("payload.email"), m_email}, {QStringLiteral("payload.phone"), m_phone},
             {QStringLiteral("payload.iban"), m_iban}, {QStringLiteral("payload.bic"), m_bic}}))
            m_loadedProfile = typed.toJson();
    }
    const QString pattern = m_pattern->text().trimmed();
    if (pattern != m_loadedPattern && !pattern.isEmpty())
        if (run(QStringLiteral("SetNumberingPattern"), {{QStringLiteral("pattern"), pattern}},
                {{QStringLiteral("payload.pattern"), m_pattern}}))
            m_loadedPattern = pattern;

    QJsonObject defaults;
    const QString currency = m_currency->currentData().toString();
    if (currency != m_loadedDefaults.value(QStringLiteral("currency")).toString() && !currency.isEmpty())
        defaults.insert(QStringLiteral("currency"), currency);
    if (m_taxRate->text().trimmed() != m_loadedDefaults.value(QStringLiteral("taxRate")).toString()
        && !m_taxRate->text().trimmed().isEmpty())
        defaults.insert(QStringLiteral("taxRate"), m_taxRate->text().trimmed().remove(QLatin1Char('%')));
    if (m_terms->value() != m_loadedDefaults.value(QStringLiteral("paymentTermsDays")).toInt())
        defaults.insert(QStringLiteral("paymentTermsDays"), m_terms->value());
    if (m_locale->text().trimmed() != m_loadedDefaults.value(QStringLiteral("locale")).toString()
        && !m_locale->text().trimmed().isEmpty())
        defaults.insert(QStringLiteral("locale"), m_locale->text().trimmed());
    if (!defaults.isEmpty()
        && run(QStringLiteral("SetInvoiceDefaults"), defaults,
            {{QStringLiteral("payload.taxRate"), m_taxRate}, {QStringLiteral("payload.locale"), m_locale},
             {QStringLiteral("payload.currency"), m_currency}, {QStringLiteral("payload.paymentTermsDays"), m_terms}})) {
        for (auto it = defaults.constBegin(); it != defaults.constEnd(); ++it)
            m_loadedDefaults.insert(it.key(), it.value());
    }

    const QJsonObject mailSettings{{QStringLiteral("smtpUrl"), m_smtpUrl->text().trimmed()},
                                   {QStringLiteral("fromAddress"), m_fromAddress->text().trimmed()},
                                   {QStringLiteral("fromName"), m_fromName->text().trimmed()}};
    QJsonObject mailPayload = mailSettings;
    if (m_fromName->text().trimmed().isEmpty())
        mailPayload.remove(QStringLiteral("fromName"));
    if (!m_smtpUrl->text().trimmed().isEmpty() && mailSettings != m_loadedMail
        && run(QStringLiteral("SetMailSettings"), mailPayload,
               {{QStringLiteral("payload.smtpUrl"), m_smtpUrl}, {QStringLiteral("payload.fromAddress"), m_fromAddress},
                {QStringLiteral("payload.fromName"), m_fromName}}))
        m_loadedMail = mailSettings;
    if (!m_password->text().isEmpty()) {
        auto smtp = parseSmtpUrl(m_smtpUrl->text().trimmed());
        Status stored = smtp ? SmtpPasswordStore::write(
                                   SmtpAccount{smtp->url.host(), smtp->url.port(), smtp->url.userName()}, m_password->text())
                             : Status(fail(smtp.error()));
        if (!stored)
            problems << tr("The password was not stored: %1").arg(stored.error().message);
        else
            m_password->clear();
    }

    if (!problems.isEmpty()) {
        m_error->setText(tr("Not everything was saved:\n%1").arg(problems.join(QLatin1Char('\n'))));
        m_error->show();
        return;   // what was saved is the new baseline; the fields in error keep their text and marks
    }
    QDialog::accept();
}

} // namespace Billstream
