#include "ui/customers/customereditor.h"

#include "core/domain/domainevents.h"
#include "ui/dialogs/fieldmarks.h"
#include "ui/dialogs/messagebox.h"
#include "ui/history/changes.h"
#include "ui/models/listpresentation.h"
#include "ui/session/session.h"

#include <QApplication>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QUndoStack>
#include <QVBoxLayout>

namespace Billstream {

namespace {

QString balanceOf(const CustomerListEntry &e)
{
    QStringList parts;
    for (auto it = e.openBalances.cbegin(); it != e.openBalances.cend(); ++it)
        if (it->minorUnits != 0)
            parts << it.key() + QLatin1Char(' ') + it->text();
    return parts.isEmpty() ? QStringLiteral("0.00") : parts.join(QStringLiteral(" · "));
}

QJsonObject command(const QString &name, const QJsonObject &payload = {})
{
    return QJsonObject{{QStringLiteral("command"), name}, {QStringLiteral("payload"), payload}};
}

} // namespace

CustomerEditor::CustomerEditor(Session &session, const QString &customerId, QWidget *parent)
    : DocumentEditor(session, customerId, parent)
    , m_timeline(CustomerState{}, evolveCustomer, describeCustomerEvent)
{
    setObjectName(QStringLiteral("customerEditor"));
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(12, 10, 12, 10);
    auto *head = new QHBoxLayout;
    m_heading = new QLabel(this);
    m_heading->setObjectName(QStringLiteral("customerHeading"));
    QFont hf = m_heading->font();
    hf.setPointSizeF(hf.pointSizeF() * 1.5);
    hf.setBold(true);
    m_heading->setFont(hf);
    head->addWidget(m_heading, 1);
    m_archive = new QPushButton(tr("&Archive…"), this);
    m_archive->setObjectName(QStringLiteral("archiveButton"));
    connect(m_archive, &QPushButton::clicked, this, &CustomerEditor::archive);
    head->addWidget(m_archive);
    outer->addLayout(head);
    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("customerBanner"));
    m_banner->setWordWrap(true);
    m_banner->hide();
    outer->addWidget(m_banner);

    auto *form = new QFormLayout;
    m_name = field(QStringLiteral("customerName"), tr("Name"));
    form->addRow(tr("&Name:"), m_name);
    m_email = field(QStringLiteral("customerEmail"), tr("E-mail"));
    form->addRow(tr("&E-mail:"), m_email);
    m_street = field(QStringLiteral("customerStreet"), tr("Street"));
    form->addRow(tr("&Street:"), m_street);
    auto *cityRow = new QHBoxLayout;
    m_postalCode = field(QStringLiteral("customerPostalCode"), tr("Postal code"));
    m_postalCode->setMaximumWidth(110);
    m_city = field(QStringLiteral("customerCity"), tr("City"));
    m_country = field(QStringLiteral("customerCountry"), tr("Country"));
    m_country->setMaxLength(2);
    m_country->setMaximumWidth(50);
    cityRow->addWidget(m_postalCode);
    cityRow->addWidget(m_city, 1);
    cityRow->addWidget(m_country);
    auto *cityLabel = new QLabel(tr("&Postal code, city, country:"), this);
    cityLabel->setBuddy(m_postalCode);
    form->addRow(cityLabel, cityRow);
    m_taxId = field(QStringLiteral("customerTaxId"), tr("Tax id"));
    form->addRow(tr("&Tax id:"), m_taxId);
    outer->addLayout(form);
    outer->addWidget(m_errorLabel);

    m_balance = new QLabel(this);
    m_balance->setObjectName(QStringLiteral("customerBalance"));
    outer->addWidget(m_balance);
    m_invoices = new QTableWidget(0, 5, this);
    m_invoices->setObjectName(QStringLiteral("customerInvoices"));
    m_invoices->setAccessibleName(tr("Invoices of this customer"));
    m_invoices->setHorizontalHeaderLabels({tr("Number"), tr("Status"), tr("Issued"), tr("Total"), tr("Open")});
    m_invoices->verticalHeader()->hide();
    m_invoices->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_invoices->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_invoices->horizontalHeader()->setStretchLastSection(true);
    connect(m_invoices, &QTableWidget::cellActivated, this, [this](int row, int) {
        if (QTableWidgetItem *item = m_invoices->item(row, 0))
            emit openInvoice(item->data(Qt::UserRole).toString());
    });
    outer->addWidget(m_invoices, 1);

    connect(m_name, &QLineEdit::editingFinished, this, &CustomerEditor::commitName);
    connect(m_email, &QLineEdit::editingFinished, this, &CustomerEditor::commitEmail);
    for (QLineEdit *e : {m_street, m_postalCode, m_city, m_country})
        connect(e, &QLineEdit::editingFinished, this, &CustomerEditor::commitAddress);
    connect(m_taxId, &QLineEdit::editingFinished, this, &CustomerEditor::commitTaxId);
    connect(&m_session, &Session::changed, this, &CustomerEditor::onStoreChanged);
    reload();
}

CustomerEditor::~CustomerEditor() = default;

QLineEdit *CustomerEditor::field(const QString &objectName, const QString &accessibleName)
{
    auto *e = new QLineEdit(this);
    e->setObjectName(objectName);
    e->setAccessibleName(accessibleName);
    return e;
}

QString CustomerEditor::title() const
{
    return m_timeline.head().name;
}

const QList<HistoryEntry> &CustomerEditor::historyEntries() const
{
    return m_timeline.entries();
}

qint64 CustomerEditor::headVersion() const
{
    return m_timeline.headVersion();
}

void CustomerEditor::readNewEvents()
{
    auto events = m_session.store().readStream(m_session.tenantId(), m_id, m_timeline.headVersion() + 1);
    if (!events || events->isEmpty())
        return;
    QList<RecordedEvent> upcast;
    for (const RecordedEvent &e : *events) {
        if (e.streamType != Wire::StreamType::Customer)
            return;
        upcast.append(m_session.readSide().upcasters().upcast(e));
    }
    m_timeline.extend(upcast);
    emit historyChanged();
    emit titleChanged(title());
}

void CustomerEditor::reload()
{
    readNewEvents();
    m_shownVersion = m_timeline.headVersion();
    setPreview(-1);
    clearViolations();
    display(m_timeline.head(), !m_session.isLive(), {});
    fillInvoices();
    emit previewChanged(-1);
}

void CustomerEditor::refreshFromStore()
{
    reload();
}

void CustomerEditor::onStoreChanged()
{
    const qint64 before = m_timeline.headVersion();
    readNewEvents();
    fillInvoices();
    if (m_timeline.headVersion() == before || isPreviewing())
        return;
    QWidget *focus = QApplication::focusWidget();
    if (m_shownVersion == before && !(focus && isAncestorOf(focus) && qobject_cast<QLineEdit *>(focus)))
        reload();
}

void CustomerEditor::display(const CustomerState &state, bool readOnly, const QSet<QString> &highlight)
{
    m_updating = true;
    m_shown = state;
    readOnly = readOnly || state.archived;
    m_heading->setText(state.archived ? tr("%1 (archived)").arg(state.name) : state.name);
    m_name->setText(state.name);
    m_email->setText(state.email);
    m_street->setText(state.address.street);
    m_postalCode->setText(state.address.postalCode);
    m_city->setText(state.address.city);
    m_country->setText(state.address.country);
    m_taxId->setText(state.taxId);
    for (QLineEdit *e : {m_name, m_email, m_street, m_postalCode, m_city, m_country, m_taxId})
        e->setReadOnly(readOnly);
    m_archive->setEnabled(!readOnly && m_session.isLive() && !isPreviewing());
    FieldMarks::highlight(m_name, highlight.contains(QStringLiteral("name")));
    FieldMarks::highlight(m_email, highlight.contains(QStringLiteral("email")));
    for (QLineEdit *e : {m_street, m_postalCode, m_city, m_country})
        FieldMarks::highlight(e, highlight.contains(QStringLiteral("address")));
    FieldMarks::highlight(m_taxId, highlight.contains(QStringLiteral("taxId")));
    if (isPreviewing()) {
        m_banner->setText(tr("Version %1 of %2: read-only; changed fields are highlighted.")
                              .arg(m_shownVersion)
                              .arg(m_timeline.headVersion()));
    } else if (!m_session.isLive()) {
        m_banner->setText(tr("You are looking at the books as of %1: read-only.")
                              .arg(QLocale().toString(m_session.asOf().toLocalTime(), QLocale::ShortFormat)));
    } else {
        m_banner->clear();
    }
    m_banner->setVisible(!m_banner->text().isEmpty());
    m_updating = false;
}

QString CustomerEditor::balanceText() const
{
    return m_balance->text();
}

void CustomerEditor::fillInvoices()
{
    m_invoices->setRowCount(0);
    const Book &book = m_session.book();
    // The list's search finds the customer's name; the id makes it exact.
    auto rows = book.invoices(ListFilter{{}, m_timeline.head().name}, InvoiceSort::IssueDate, Qt::DescendingOrder);
    if (!rows)
        return;
    for (const InvoiceListEntry &e : *rows) {
        if (e.customerId != m_id)
            continue;
        const int r = m_invoices->rowCount();
        m_invoices->insertRow(r);
        auto *number = new QTableWidgetItem(e.number.isEmpty() ? tr("(draft)") : e.number);
        number->setData(Qt::UserRole, e.id);
        m_invoices->setItem(r, 0, number);
        m_invoices->setItem(r, 1, new QTableWidgetItem(InvoiceListPresentation::statusLabel(e.overdue ? QStringLiteral("OVERDUE") : e.status)));
        m_invoices->setItem(r, 2, new QTableWidgetItem(e.issueDate.toString(Qt::ISODate)));
        auto *total = new QTableWidgetItem(QStringLiteral("%1 %2").arg(e.currency, formatMinorUnits(e.total, e.digits)));
        total->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_invoices->setItem(r, 3, total);
        auto *due = new QTableWidgetItem(formatMinorUnits(e.due, e.digits));
        due->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_invoices->setItem(r, 4, due);
    }
    QString balance = QStringLiteral("0.00");
    if (auto customers = book.customers(ListFilter{{}, m_timeline.head().name})) {
        for (const CustomerListEntry &c : *customers)
            if (c.id == m_id)
                balance = balanceOf(c);
    }
    m_balance->setText(tr("Open balance: %1 · %n invoice(s)", nullptr, m_invoices->rowCount()).arg(balance));
}

void CustomerEditor::edit(const QString &text, const QJsonObject &forward, const QJsonObject &backward)
{
    if (dispatch(forward))
        m_undo->push(new EditCommand(this, text, forward, backward));
    else
        display(m_shown, false, {});
}

void CustomerEditor::commitName()
{
    if (m_updating || isPreviewing() || m_name->text().trimmed() == m_shown.name)
        return;
    edit(tr("Rename to %1").arg(m_name->text().trimmed()),
         command(Wire::Command::RenameCustomer, {{QStringLiteral("name"), m_name->text().trimmed()}}),
         command(Wire::Command::RenameCustomer, {{QStringLiteral("name"), m_shown.name}}));
}

void CustomerEditor::commitEmail()
{
    if (m_updating || isPreviewing() || m_email->text().trimmed() == m_shown.email)
        return;
    edit(tr("E-mail %1").arg(m_email->text().trimmed()),
         command(Wire::Command::ChangeCustomerEmail, {{QStringLiteral("email"), m_email->text().trimmed()}}),
         command(Wire::Command::ChangeCustomerEmail, {{QStringLiteral("email"), m_shown.email}}));
}

void CustomerEditor::commitAddress()
{
    if (m_updating || isPreviewing())
        return;
    const Address a{m_street->text().trimmed(), m_postalCode->text().trimmed(), m_city->text().trimmed(),
                    m_country->text().trimmed().toUpper()};
    if (a == m_shown.address)
        return;
    edit(tr("Change address"), command(Wire::Command::ChangeCustomerAddress, {{QStringLiteral("address"), a.toJson()}}),
         command(Wire::Command::ChangeCustomerAddress, {{QStringLiteral("address"), m_shown.address.toJson()}}));
}

void CustomerEditor::commitTaxId()
{
    if (m_updating || isPreviewing() || m_taxId->text().trimmed() == m_shown.taxId)
        return;
    edit(tr("Tax id %1").arg(m_taxId->text().trimmed()),
         command(Wire::Command::ChangeCustomerTaxId, {{QStringLiteral("taxId"), m_taxId->text().trimmed()}}),
         command(Wire::Command::ChangeCustomerTaxId, {{QStringLiteral("taxId"), m_shown.taxId}}));
}

void CustomerEditor::archive()
{
    const auto answer = MessageBox::question(this, tr("Archive Customer"),
                                             tr("Archive %1? Archived customers cannot be billed or changed; their "
                                                "invoices stay.")
                                                 .arg(m_shown.name),
                                             QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel,
                                             {{QMessageBox::Yes, tr("&Archive")}});
    if (answer == QMessageBox::Yes && dispatch(command(Wire::Command::ArchiveCustomer)))
        m_undo->clear();
}

void CustomerEditor::previewVersion(qint64 version)
{
    if (version < 0 || version >= m_timeline.headVersion()) {
        if (isPreviewing())
            reload();
        return;
    }
    version = std::max<qint64>(version, 1);
    setPreview(version);
    m_shownVersion = version;
    const CustomerState state = m_timeline.at(version);
    display(state, true, customerChanges(m_timeline.at(version - 1), state).keys);
    emit previewChanged(version);
}

QStringList CustomerEditor::compareVersions(qint64 a, qint64 b) const
{
    return customerChanges(m_timeline.at(a), m_timeline.at(b)).sentences;
}

bool CustomerEditor::canRestore(qint64 version) const
{
    return m_session.isLive() && version >= 1 && version < m_timeline.headVersion() && !m_timeline.head().archived;
}

Status CustomerEditor::restoreVersion(qint64 version)
{
    if (!canRestore(version))
        return fail(Error::validation(tr("An archived customer cannot be restored.")));
    if (isPreviewing())
        reload();
    const CustomerState target = m_timeline.at(version);
    const CustomerState head = m_timeline.head();
    m_undo->beginMacro(tr("Restore version %1").arg(version));
    const auto step = [&](const QString &name, const QString &key, const QJsonValue &to, const QJsonValue &from) {
        const QJsonObject forward = command(name, {{key, to}});
        if (!dispatch(forward))
            return false;
        m_undo->push(new EditCommand(this, name, forward, command(name, {{key, from}})));
        return true;
    };
    bool ok = true;
    if (ok && target.name != head.name && !target.name.isEmpty())
        ok = step(Wire::Command::RenameCustomer, QStringLiteral("name"), target.name, head.name);
    if (ok && target.email != head.email && !target.email.isEmpty())
        ok = step(Wire::Command::ChangeCustomerEmail, QStringLiteral("email"), target.email, head.email);
    if (ok && !(target.address == head.address))
        ok = step(Wire::Command::ChangeCustomerAddress, QStringLiteral("address"), target.address.toJson(),
                  head.address.toJson());
    if (ok && target.taxId != head.taxId)
        ok = step(Wire::Command::ChangeCustomerTaxId, QStringLiteral("taxId"), target.taxId, head.taxId);
    m_undo->endMacro();
    if (!ok)
        return fail(Error::failure(m_lastError));
    return {};
}

void CustomerEditor::showViolations(const Error &error)
{
    clearViolations();
    FieldMarks::mark(error, {{QStringLiteral("payload.name"), m_name},
                             {QStringLiteral("payload.email"), m_email},
                             {QStringLiteral("payload.address.street"), m_street},
                             {QStringLiteral("payload.address.postalCode"), m_postalCode},
                             {QStringLiteral("payload.address.city"), m_city},
                             {QStringLiteral("payload.address.country"), m_country},
                             {QStringLiteral("payload.taxId"), m_taxId}});
}

void CustomerEditor::clearViolations()
{
    for (QLineEdit *e : {m_name, m_email, m_street, m_postalCode, m_city, m_country, m_taxId})
        FieldMarks::clear(e);
}

} // namespace Billstream
