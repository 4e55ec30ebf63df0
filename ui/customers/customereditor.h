#pragma once

#include "core/domain/customer.h"
#include "ui/editing/documenteditor.h"

class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace Billstream {

// One customer: name, e-mail, address, tax id, each committed field one command on the undo
// stack; below, the customer's invoices and open balance.
class CustomerEditor final : public DocumentEditor
{
    Q_OBJECT
public:
    CustomerEditor(Session &session, const QString &customerId, QWidget *parent = nullptr);
    ~CustomerEditor() override;

    QString title() const override;
    const QList<HistoryEntry> &historyEntries() const override;
    qint64 headVersion() const override;
    qint64 versionAtPosition(qint64 position) const override { return m_timeline.versionAtPosition(position); }
    void previewVersion(qint64 version) override;
    QStringList compareVersions(qint64 a, qint64 b) const override;
    bool canRestore(qint64 version) const override;
    Status restoreVersion(qint64 version) override;
    void reload() override;

    const CustomerState &shownState() const { return m_shown; }
    QString balanceText() const;

public slots:
    void archive();
    void onStoreChanged();

signals:
    void openInvoice(const QString &invoiceId);

protected:
    void refreshFromStore() override;
    void showViolations(const Error &error) override;
    void clearViolations() override;
    QString kindName() const override { return tr("customer"); }
    qint64 loadedVersion() const override { return m_shownVersion; }

private:
    void readNewEvents();
    void display(const CustomerState &state, bool readOnly, const QSet<QString> &highlight);
    void fillInvoices();
    void commitName();
    void commitEmail();
    void commitAddress();
    void commitTaxId();
    void edit(const QString &text, const QJsonObject &forward, const QJsonObject &backward);
    QLineEdit *field(const QString &objectName, const QString &accessibleName);

    Timeline<CustomerState> m_timeline;
    CustomerState m_shown;
    qint64 m_shownVersion = 0;
    bool m_updating = false;

    QLabel *m_heading;
    QLabel *m_banner;
    QLineEdit *m_name;
    QLineEdit *m_email;
    QLineEdit *m_street;
    QLineEdit *m_postalCode;
    QLineEdit *m_city;
    QLineEdit *m_country;
    QLineEdit *m_taxId;
    QPushButton *m_archive;
    QLabel *m_balance;
    QTableWidget *m_invoices;
};

} // namespace Billstream
