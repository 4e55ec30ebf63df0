#include "ui/invoices/invoiceeditor.h"

#include "core/domain/domainevents.h"
#include "ui/dialogs/customerdialog.h"
#include "ui/dialogs/fieldmarks.h"
#include "ui/dialogs/invoicedialogs.h"
#include "ui/dialogs/messagebox.h"
#include "ui/history/changes.h"
#include "ui/invoices/lineitemsmodel.h"
#include "ui/session/session.h"

#include <QApplication>
#include <QComboBox>
#include <QDateEdit>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QScrollArea>
#include <QShortcut>
#include <QTableView>
#include <QTextDocument>
#include <QToolButton>
#include <QUndoStack>
#include <QUuid>
#include <QVBoxLayout>

namespace Billstream {

namespace {

const QString kCommand = QStringLiteral("command");
const QString kPayload = QStringLiteral("payload");

QJsonObject command(const QString &name, const QJsonObject &payload = {})
{
    return QJsonObject{{kCommand, name}, {kPayload, payload}};
}

QString quotedShort(const QString &s)
{
    return QStringLiteral("'%1'").arg(s.size() > 30 ? s.left(29) + QChar(0x2026) : s);
}

QJsonObject lineItemJson(const LineItem &item)
{
    return {{QStringLiteral("lineItemId"), item.lineItemId},
            {QStringLiteral("description"), item.description},
            {QStringLiteral("quantity"), item.quantity.toString()},
            {QStringLiteral("unitPrice"), item.unitPrice.toString()},
            {QStringLiteral("taxRate"), item.taxRate.toString()},
            {QStringLiteral("discountPercent"), item.discountPercent.toString()}};
}

} // namespace

void NotesEdit::focusOutEvent(QFocusEvent *event)
{
    QPlainTextEdit::focusOutEvent(event);
    emit committed();
}

InvoiceEditor::InvoiceEditor(Session &session, const QString &invoiceId, QWidget *parent)
    : DocumentEditor(session, invoiceId, parent)
    , m_timeline(InvoiceState{}, evolveInvoice,
                 [this](const RecordedEvent &e, const InvoiceState &before, const InvoiceState &after) {
                     return describeInvoiceEvent(e, before, after, [this](const QString &id) { return customerName(id); });
                 })
{
    setObjectName(QStringLiteral("invoiceEditor"));
    buildUi();
    readNewEvents();
    m_shown = m_timeline.head();
    fillCustomers();
    reload();
    connect(&m_session, &Session::changed, this, &InvoiceEditor::onStoreChanged);
}

InvoiceEditor::~InvoiceEditor() = default;

void InvoiceEditor::buildUi()
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(12, 10, 12, 10);

    auto *head = new QHBoxLayout;
    m_heading = new QLabel(this);
    m_heading->setObjectName(QStringLiteral("invoiceHeading"));
    QFont hf = m_heading->font();
    hf.setPointSizeF(hf.pointSizeF() * 1.5);
    hf.setBold(true);
    m_heading->setFont(hf);
    m_heading->setTextInteractionFlags(Qt::TextSelectableByMouse);
    head->addWidget(m_heading);
    m_statusBadge = new QLabel(this);
    m_statusBadge->setObjectName(QStringLiteral("invoiceStatus"));
    m_statusBadge->setMargin(3);
    m_statusBadge->setAutoFillBackground(true);
    head->addWidget(m_statusBadge);
    head->addStretch(1);
    m_issue = new QPushButton(tr("&Issue…"), this);
    m_issue->setObjectName(QStringLiteral("issueButton"));
    m_issue->setToolTip(tr("Assign the next number and freeze the invoice (Ctrl+I)"));
    m_issue->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_pay = new QPushButton(tr("Record &Payment…"), this);
    m_pay->setObjectName(QStringLiteral("payButton"));
    m_pay->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    m_void = new QPushButton(tr("&Void…"), this);
    m_void->setObjectName(QStringLiteral("voidButton"));
    m_delete = new QPushButton(tr("&Delete Draft…"), this);
    m_delete->setObjectName(QStringLiteral("deleteButton"));
    m_send = new QPushButton(tr("&Send…"), this);
    m_send->setObjectName(QStringLiteral("sendButton"));
    m_send->setToolTip(tr("E-mail this invoice as a PDF (Ctrl+E)"));
    m_send->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_print = new QPushButton(tr("P&rint…"), this);
    m_print->setObjectName(QStringLiteral("printButton"));
    m_print->setToolTip(tr("Print preview of the invoice document (Ctrl+P)"));
    m_print->setShortcut(QKeySequence::Print);
    m_pdf = new QPushButton(tr("E&xport PDF…"), this);
    m_pdf->setObjectName(QStringLiteral("exportPdfButton"));
    for (QPushButton *b : {m_issue, m_pay, m_void, m_delete, m_send, m_print, m_pdf})
        head->addWidget(b);
    connect(m_send, &QPushButton::clicked, this, [this] { emit sendRequested(m_id); });
    connect(m_print, &QPushButton::clicked, this, [this] { emit printRequested(m_id); });
    connect(m_pdf, &QPushButton::clicked, this, [this] { emit exportPdfRequested(m_id); });
    connect(m_issue, &QPushButton::clicked, this, &InvoiceEditor::issue);
    connect(m_pay, &QPushButton::clicked, this, &InvoiceEditor::recordPayment);
    connect(m_void, &QPushButton::clicked, this, &InvoiceEditor::voidInvoice);
    connect(m_delete, &QPushButton::clicked, this, &InvoiceEditor::deleteDraft);
    outer->addLayout(head);

    auto *bannerRow = new QHBoxLayout;
    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("invoiceBanner"));
    m_banner->setWordWrap(true);
    bannerRow->addWidget(m_banner, 1);
    m_bannerButton = new QPushButton(tr("&Reload"), this);
    m_bannerButton->setObjectName(QStringLiteral("bannerButton"));
    m_bannerButton->hide();
    connect(m_bannerButton, &QPushButton::clicked, this, [this] {
        if (isPreviewing())
            previewVersion(-1);
        else
            reload();
    });
    bannerRow->addWidget(m_bannerButton);
    outer->addLayout(bannerRow);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    auto *customerRow = new QHBoxLayout;
    m_customer = new QComboBox(this);
    m_customer->setObjectName(QStringLiteral("customerPicker"));
    m_customer->setAccessibleName(tr("Customer"));
    m_customer->setMinimumContentsLength(30);
    customerRow->addWidget(m_customer, 1);
    m_newCustomer = new QToolButton(this);
    m_newCustomer->setObjectName(QStringLiteral("inlineNewCustomer"));
    m_newCustomer->setText(tr("New…"));
    m_newCustomer->setToolTip(tr("Create a customer and bill this invoice to them"));
    m_newCustomer->setAccessibleName(tr("New customer"));
    customerRow->addWidget(m_newCustomer);
    auto *customerLabel = new QLabel(tr("&Customer:"), this);
    customerLabel->setBuddy(m_customer);
    form->addRow(customerLabel, customerRow);
    m_currency = new QComboBox(this);
    m_currency->setObjectName(QStringLiteral("currencyPicker"));
    m_currency->setAccessibleName(tr("Currency"));
    m_currency->addItems(currencyCodes());
    form->addRow(tr("C&urrency:"), m_currency);
    auto *dates = new QHBoxLayout;
    m_dueDate = new QDateEdit(this);
    m_dueDate->setObjectName(QStringLiteral("dueDate"));
    m_dueDate->setAccessibleName(tr("Due date"));
    m_dueDate->setCalendarPopup(true);
    m_dueDate->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    // An invoice without a due date yet (one is set at issue from the payment terms).
    m_dueDate->setMinimumDate(QDate(2000, 1, 1));
    m_dueDate->setSpecialValueText(tr("none yet"));
    dates->addWidget(m_dueDate);
    dates->addSpacing(16);
    m_issueDate = new QLabel(this);
    m_issueDate->setObjectName(QStringLiteral("issueDate"));
    dates->addWidget(m_issueDate);
    dates->addStretch(1);
    auto *dueLabel = new QLabel(tr("Du&e date:"), this);
    dueLabel->setBuddy(m_dueDate);
    form->addRow(dueLabel, dates);
    m_notes = new NotesEdit(this);
    m_notes->setObjectName(QStringLiteral("notes"));
    m_notes->setAccessibleName(tr("Notes"));
    m_notes->setPlaceholderText(tr("Notes printed on the invoice"));
    m_notes->setTabChangesFocus(true);
    m_notes->setFixedHeight(m_notes->fontMetrics().lineSpacing() * 3 + 12);
    form->addRow(tr("&Notes:"), m_notes);
    outer->addLayout(form);

    m_linesModel = new LineItemsModel(this);
    m_lines = new QTableView(this);
    m_lines->setObjectName(QStringLiteral("lineItems"));
    m_lines->setAccessibleName(tr("Line items"));
    m_lines->setModel(m_linesModel);
    m_lines->setEditTriggers(QAbstractItemView::AnyKeyPressed | QAbstractItemView::DoubleClicked
                             | QAbstractItemView::EditKeyPressed | QAbstractItemView::SelectedClicked);
    m_lines->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_lines->setSelectionMode(QAbstractItemView::SingleSelection);
    m_lines->setTabKeyNavigation(true);
    m_lines->setAlternatingRowColors(true);
    m_lines->verticalHeader()->hide();
    m_lines->horizontalHeader()->setSectionResizeMode(LineItemsModel::Description, QHeaderView::Stretch);
    for (int c = LineItemsModel::Quantity; c < LineItemsModel::ColumnCount; ++c)
        m_lines->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_lines->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto *removeLine = new QAction(tr("&Remove Line"), m_lines);
    removeLine->setObjectName(QStringLiteral("actionRemoveLine"));
    removeLine->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Delete));
    removeLine->setShortcutContext(Qt::WidgetShortcut);
    connect(removeLine, &QAction::triggered, this, &InvoiceEditor::removeSelectedLine);
    m_lines->addAction(removeLine);
    outer->addWidget(m_lines, 1);

    auto *bottom = new QHBoxLayout;
    m_payments = new QLabel(this);
    m_payments->setObjectName(QStringLiteral("payments"));
    m_payments->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_payments->setWordWrap(true);
    bottom->addWidget(m_payments, 1);
    m_totals = new QLabel(this);
    m_totals->setObjectName(QStringLiteral("totals"));
    m_totals->setAccessibleName(tr("Totals"));
    m_totals->setAlignment(Qt::AlignRight | Qt::AlignTop);
    m_totals->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bottom->addWidget(m_totals);
    outer->addLayout(bottom);
    outer->addWidget(m_errorLabel);

    setTabOrder(m_customer, m_newCustomer);
    setTabOrder(m_newCustomer, m_currency);
    setTabOrder(m_currency, m_dueDate);
    setTabOrder(m_dueDate, m_notes);
    setTabOrder(m_notes, m_lines);

    connect(m_customer, &QComboBox::activated, this, [this] { commitCustomer(); });
    connect(m_currency, &QComboBox::activated, this, [this] { commitCurrency(); });
    connect(m_dueDate, &QDateEdit::editingFinished, this, &InvoiceEditor::commitDueDate);
    connect(m_notes, &NotesEdit::committed, this, &InvoiceEditor::commitNotes);
    connect(m_newCustomer, &QToolButton::clicked, this, &InvoiceEditor::newCustomer);
    connect(m_linesModel, &LineItemsModel::edited, this, &InvoiceEditor::onLineEdited);
    connect(m_linesModel, &LineItemsModel::added, this, &InvoiceEditor::onLineAdded);
}

QString InvoiceEditor::title() const
{
    const InvoiceState &s = m_timeline.head();
    if (!s.number.isEmpty())
        return s.number;
    return tr("Draft for %1").arg(customerName(s.customerId));
}

const QList<HistoryEntry> &InvoiceEditor::historyEntries() const
{
    return m_timeline.entries();
}

qint64 InvoiceEditor::headVersion() const
{
    return m_timeline.headVersion();
}

QString InvoiceEditor::customerName(const QString &id) const
{
    if (id.isEmpty())
        return tr("(no customer)");
    auto it = m_customerNames.constFind(id);
    if (it != m_customerNames.cend())
        return *it;
    QString name = id;
    if (auto c = m_session.service().loadCustomer(m_session.tenantId(), id))
        name = c->state.name;
    m_customerNames.insert(id, name);
    return name;
}

void InvoiceEditor::readNewEvents()
{
    auto events = m_session.store().readStream(m_session.tenantId(), m_id, m_timeline.headVersion() + 1);
    if (!events) {
        setLastError(events.error().message);
        return;
    }
    if (events->isEmpty())
        return;
    QList<RecordedEvent> upcast;
    upcast.reserve(events->size());
    for (const RecordedEvent &e : *events) {
        if (e.streamType != Wire::StreamType::Invoice)
            return;
        upcast.append(m_session.readSide().upcasters().upcast(e));
    }
    m_timeline.extend(upcast);
    emit historyChanged();
    emit titleChanged(title());
}

void InvoiceEditor::reload()
{
    readNewEvents();
    m_shownVersion = m_timeline.headVersion();
    setPreview(-1);
    clearViolations();
    display(m_timeline.head(), isReadOnly(), {});
    emit previewChanged(-1);
}

void InvoiceEditor::refreshFromStore()
{
    reload();
}

void InvoiceEditor::onStoreChanged()
{
    if (!m_customer->hasFocus() && !isPreviewing()) {
        m_updating = true;
        fillCustomers();
        m_updating = false;
    }
    const qint64 before = m_timeline.headVersion();
    readNewEvents();
    if (m_timeline.headVersion() == before || isPreviewing())
        return;
    if (m_shownVersion == before) {
        // Follow the change unless the user is in the middle of typing here.
        QWidget *focus = QApplication::focusWidget();
        const bool typing = focus && isAncestorOf(focus) && (focus == m_notes || m_lines->isAncestorOf(focus));
        if (!typing) {
            reload();
            return;
        }
    }
    m_banner->setText(tr("This invoice was changed elsewhere meanwhile (now version %1).").arg(m_timeline.headVersion()));
    m_bannerButton->setText(tr("&Reload"));
    m_bannerButton->show();
}

bool InvoiceEditor::isReadOnly() const
{
    return isPreviewing() || !m_session.isLive() || m_shown.status != InvoiceStatus::Draft;
}

QString InvoiceEditor::defaultTaxRate() const
{
    if (!m_shown.lineItems.isEmpty())
        return m_shown.lineItems.last().taxRate.toString();
    if (auto t = m_session.service().loadTenant(m_session.tenantId()); t && t->state.defaults.taxRate)
        return t->state.defaults.taxRate->toString();
    return QStringLiteral("0");
}

void InvoiceEditor::fillCustomers()
{
    const QString current = m_shown.customerId;
    m_customer->clear();
    if (auto book = m_session.liveBook()) {
        if (auto customers = book->customers({}, CustomerSort::Name)) {
            for (const CustomerListEntry &c : *customers) {
                if (c.archived && c.id != current)
                    continue;
                m_customer->addItem(c.name, c.id);
                m_customerNames.insert(c.id, c.name);
            }
        }
    }
    if (!current.isEmpty() && m_customer->findData(current) < 0)
        m_customer->addItem(customerName(current), current);
    m_customer->setCurrentIndex(m_customer->findData(current));
}

void InvoiceEditor::display(const InvoiceState &state, bool readOnly, const QSet<QString> &highlight)
{
    m_updating = true;
    m_shown = state;
    readOnly = readOnly || state.status != InvoiceStatus::Draft;

    m_heading->setText(state.number.isEmpty() ? tr("Draft invoice") : tr("Invoice %1").arg(state.number));
    m_statusBadge->setText(statusText(state.status) + (isOverdue(state, m_session.today()) ? tr(", overdue") : QString()));
    QPalette badge = m_statusBadge->palette();
    badge.setColor(QPalette::Window, palette().color(QPalette::AlternateBase));
    m_statusBadge->setPalette(badge);

    int customerIndex = m_customer->findData(state.customerId);
    if (customerIndex < 0 && !state.customerId.isEmpty()) {
        m_customer->addItem(customerName(state.customerId), state.customerId);
        customerIndex = m_customer->count() - 1;
    }
    m_customer->setCurrentIndex(customerIndex);
    m_currency->setCurrentText(state.currency);
    m_dueDate->setDate(state.dueDate.isValid() ? state.dueDate : m_dueDate->minimumDate());
    m_issueDate->setText(state.issueDate.isValid() ? tr("Issued on %1").arg(state.issueDate.toString(Qt::ISODate)) : QString());
    if (m_notes->toPlainText() != state.notes)
        m_notes->setPlainText(state.notes);

    for (QWidget *w : {static_cast<QWidget *>(m_customer), static_cast<QWidget *>(m_currency),
                       static_cast<QWidget *>(m_dueDate), static_cast<QWidget *>(m_newCustomer)})
        w->setEnabled(!readOnly);
    m_notes->setReadOnly(readOnly);

    FieldMarks::highlight(m_customer, highlight.contains(QStringLiteral("customer")));
    FieldMarks::highlight(m_currency, highlight.contains(QStringLiteral("currency")));
    FieldMarks::highlight(m_dueDate, highlight.contains(QStringLiteral("dueDate")));
    FieldMarks::highlight(m_notes, highlight.contains(QStringLiteral("notes")));
    FieldMarks::highlight(m_statusBadge, highlight.contains(QStringLiteral("status")));
    FieldMarks::highlight(m_heading, highlight.contains(QStringLiteral("number")));

    // Totals: exact EN 16931 figures from the domain, one line per tax rate.
    QList<QString> nets;
    QString totals;
    if (auto t = invoiceTotals(state)) {
        for (const Money &m : t->lineNetAmounts)
            nets << m.toString();
        QString rows;
        const auto row = [&rows](const QString &label, const QString &value, bool strong = false) {
            rows += QStringLiteral("<tr><td align=right>%1</td><td align=right style='padding-left:14px'>%2</td></tr>")
                        .arg(label, strong ? QStringLiteral("<b>%1</b>").arg(value) : value);
        };
        row(tr("Net"), t->net.toString());
        for (const TaxSubtotal &tax : t->taxes)
            row(tr("Tax %1 % on %2").arg(tax.rate.toString(), tax.taxableAmount.toString()), tax.taxAmount.toString());
        row(tr("Total %1").arg(state.currency), t->total.toString(), true);
        if (!t->paid.isZero()) {
            row(tr("Paid"), t->paid.toString());
            row(tr("Amount due"), t->due.toString(), true);
        }
        totals = QStringLiteral("<table>%1</table>").arg(rows);
    } else {
        totals = t.error().message.toHtmlEscaped();
    }
    m_totals->setText(totals);
    if (const auto currency = Currency::find(state.currency))
        m_linesModel->setCurrencyDigits(currency->minorDigits());
    m_linesModel->setEditable(!readOnly);
    m_linesModel->setItems(state.lineItems, nets);
    m_linesModel->setHighlighted(highlight);

    QStringList pays;
    for (const Payment &p : state.payments)
        pays << tr("Paid %1 %2 on %3%4")
                    .arg(state.currency, p.amount.toString(), p.date.toString(Qt::ISODate),
                         p.method.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(p.method.toHtmlEscaped()));
    if (state.status == InvoiceStatus::Void && !state.voidReason.isEmpty())
        pays << tr("Voided: %1").arg(state.voidReason.toHtmlEscaped());
    m_payments->setText(pays.join(QStringLiteral("<br>")));

    const bool live = m_session.isLive() && !isPreviewing();
    m_issue->setVisible(state.status == InvoiceStatus::Draft);
    m_delete->setVisible(state.status == InvoiceStatus::Draft);
    const bool open = state.status == InvoiceStatus::Issued || state.status == InvoiceStatus::Sent
                      || state.status == InvoiceStatus::PartiallyPaid;
    m_pay->setVisible(open);
    m_void->setVisible(open);
    for (QPushButton *b : {m_issue, m_pay, m_void, m_delete, m_send})
        b->setEnabled(live);
    // Documents exist for drafts (a preview) and issued invoices; a deleted draft has none.
    const bool hasDocument = state.status != InvoiceStatus::Deleted && state.status != InvoiceStatus::None;
    m_send->setVisible(state.status != InvoiceStatus::Void && hasDocument);
    m_print->setVisible(hasDocument);
    m_pdf->setVisible(hasDocument);

    if (isPreviewing()) {
        const HistoryEntry &e = m_timeline.entries().at(m_shownVersion - 1);
        m_banner->setText(tr("Version %1 of %2, recorded %3 by %4. Read-only; changed fields are highlighted.")
                              .arg(m_shownVersion)
                              .arg(m_timeline.headVersion())
                              .arg(QLocale().toString(e.recordedAt.toLocalTime(), QLocale::ShortFormat),
                                   e.actor.isEmpty() ? tr("unknown") : e.actor));
        m_bannerButton->setText(tr("Back to &Now"));
        m_bannerButton->show();
    } else if (!m_session.isLive()) {
        m_banner->setText(tr("You are looking at the books as of %1: read-only.")
                              .arg(QLocale().toString(m_session.asOf().toLocalTime(), QLocale::ShortFormat)));
        m_bannerButton->hide();
    } else if (state.status != InvoiceStatus::Draft && state.status != InvoiceStatus::None) {
        m_banner->setText(tr("Issued invoices cannot be changed; corrections go through Void."));
        m_bannerButton->hide();
    } else {
        m_banner->clear();
        m_bannerButton->hide();
    }
    m_banner->setVisible(!m_banner->text().isEmpty());
    m_updating = false;
}

QString InvoiceEditor::totalsText() const
{
    QTextDocument doc;
    doc.setHtml(m_totals->text());
    return doc.toPlainText();
}

void InvoiceEditor::edit(const QString &text, const QJsonObject &forward, const QJsonObject &backward)
{
    if (dispatch(forward))
        m_undo->push(new EditCommand(this, text, forward, backward));
    else
        display(m_timeline.at(m_shownVersion), isReadOnly(), {});
}

void InvoiceEditor::commitCustomer()
{
    if (m_updating || isReadOnly())
        return;
    const QString id = m_customer->currentData().toString();
    if (id.isEmpty() || id == m_shown.customerId)
        return;
    const QString old = m_shown.customerId;
    edit(tr("Bill to %1").arg(m_customer->currentText()),
         command(Wire::Command::SetInvoiceCustomer, {{QStringLiteral("customerId"), id}}),
         command(Wire::Command::SetInvoiceCustomer, {{QStringLiteral("customerId"), old}}));
}

void InvoiceEditor::commitCurrency()
{
    if (m_updating || isReadOnly())
        return;
    const QString code = m_currency->currentText();
    if (code == m_shown.currency)
        return;
    const QString old = m_shown.currency;
    edit(tr("Currency %1").arg(code), command(Wire::Command::SetInvoiceCurrency, {{QStringLiteral("currency"), code}}),
         command(Wire::Command::SetInvoiceCurrency, {{QStringLiteral("currency"), old}}));
}

void InvoiceEditor::commitDueDate()
{
    if (m_updating || isReadOnly())
        return;
    const QDate d = m_dueDate->date();
    if (d == m_shown.dueDate || d == m_dueDate->minimumDate())
        return;
    const QDate old = m_shown.dueDate;
    const QJsonObject forward = command(Wire::Command::SetInvoiceDueDate, {{QStringLiteral("dueDate"), d.toString(Qt::ISODate)}});
    // A due date can be changed but not removed: without one before, undo keeps the new date.
    if (!old.isValid()) {
        dispatch(forward);
        return;
    }
    edit(tr("Due date %1").arg(d.toString(Qt::ISODate)), forward,
         command(Wire::Command::SetInvoiceDueDate, {{QStringLiteral("dueDate"), old.toString(Qt::ISODate)}}));
}

void InvoiceEditor::commitNotes()
{
    if (m_updating || isReadOnly())
        return;
    const QString notes = m_notes->toPlainText();
    if (notes == m_shown.notes)
        return;
    edit(tr("Edit notes"), command(Wire::Command::SetInvoiceNotes, {{QStringLiteral("notes"), notes}}),
         command(Wire::Command::SetInvoiceNotes, {{QStringLiteral("notes"), m_shown.notes}}));
}

void InvoiceEditor::onLineEdited(const QString &lineItemId, const QString &field, const QString &value,
                                 const QString &oldValue)
{
    if (isReadOnly())
        return;
    const LineItem *item = m_shown.lineItem(lineItemId);
    const QString what = item ? quotedShort(item->description) : QString();
    const QHash<QString, QString> names{{QStringLiteral("description"), tr("Description")},
                                        {QStringLiteral("quantity"), tr("Quantity")},
                                        {QStringLiteral("unitPrice"), tr("Unit price")},
                                        {QStringLiteral("taxRate"), tr("Tax rate")},
                                        {QStringLiteral("discountPercent"), tr("Discount")}};
    // Amounts are typed as people write them; the core takes a plain decimal with a point.
    QString typed = value;
    if (field != QStringLiteral("description"))
        typed.remove(QLatin1Char(' ')).remove(QLatin1Char('%'));
    m_editingLine = lineItemId;
    m_editingField = field;
    const auto done = qScopeGuard([this] {
        m_editingLine.clear();
        m_editingField.clear();
    });
    edit(tr("%1 of %2 → %3").arg(names.value(field), what, typed),
         command(Wire::Command::UpdateLineItem, {{QStringLiteral("lineItemId"), lineItemId}, {field, typed}}),
         command(Wire::Command::UpdateLineItem, {{QStringLiteral("lineItemId"), lineItemId}, {field, oldValue}}));
}

void InvoiceEditor::onLineAdded(const QString &description)
{
    if (isReadOnly())
        return;
    LineItem item;
    item.lineItemId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    item.description = description;
    item.quantity = Decimal::fromInt(1);
    item.unitPrice = Decimal::fromInt(0);
    if (auto rate = Decimal::parse(defaultTaxRate(), QString(), 4))
        item.taxRate = *rate;
    const QJsonObject json = lineItemJson(item);
    edit(tr("Add line %1").arg(quotedShort(description)), command(Wire::Command::AddLineItem, json),
         command(Wire::Command::RemoveLineItem, {{QStringLiteral("lineItemId"), item.lineItemId}}));
}

void InvoiceEditor::removeSelectedLine()
{
    if (isReadOnly())
        return;
    const QModelIndex current = m_lines->currentIndex();
    if (!current.isValid() || m_linesModel->isNewRow(current.row()))
        return;
    const LineItem item = m_linesModel->items().at(current.row());
    edit(tr("Remove line %1").arg(quotedShort(item.description)),
         command(Wire::Command::RemoveLineItem, {{QStringLiteral("lineItemId"), item.lineItemId}}),
         command(Wire::Command::AddLineItem, lineItemJson(item)));
}

void InvoiceEditor::newCustomer()
{
    auto *dialog = new CustomerDialog(m_session, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &CustomerDialog::created, this, [this](const QString &id) {
        m_updating = true;
        fillCustomers();
        if (m_customer->findData(id) < 0)
            m_customer->addItem(customerName(id), id);
        m_customer->setCurrentIndex(m_customer->findData(id));
        m_updating = false;
        commitCustomer();
    });
    dialog->open();
}

void InvoiceEditor::issue()
{
    if (m_shown.status != InvoiceStatus::Draft || !m_session.isLive())
        return;
    const auto answer = MessageBox::question(
        this, tr("Issue Invoice"),
        tr("Issue this invoice to %1?\n\nIt gets the next number and can no longer be changed; a mistake can only be "
           "corrected by voiding it.")
            .arg(customerName(m_shown.customerId)),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Yes, {{QMessageBox::Yes, tr("&Issue")}});
    if (answer != QMessageBox::Yes)
        return;
    if (dispatch(command(Wire::Command::IssueInvoice)))
        m_undo->clear();   // earlier edits of a frozen invoice can no longer be undone
}

void InvoiceEditor::recordPayment()
{
    QString due = QStringLiteral("0");
    if (auto t = invoiceTotals(m_shown))
        due = t->due.toString();
    auto *dialog = new PaymentDialog(m_shown.currency, due, m_session.today(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        QJsonObject payload{{QStringLiteral("amount"), dialog->amount()},
                            {QStringLiteral("date"), dialog->date().toString(Qt::ISODate)}};
        if (!dialog->method().isEmpty())
            payload.insert(QStringLiteral("method"), dialog->method());
        dispatch(command(Wire::Command::RecordPayment, payload));
    });
    dialog->open();
}

void InvoiceEditor::voidInvoice()
{
    auto *dialog = new VoidDialog(m_shown.number, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        dispatch(command(Wire::Command::VoidInvoice, {{QStringLiteral("reason"), dialog->reason()}}));
    });
    dialog->open();
}

void InvoiceEditor::deleteDraft()
{
    if (m_shown.status != InvoiceStatus::Draft)
        return;
    const auto answer = MessageBox::question(this, tr("Delete Draft"),
                                             tr("Delete this draft? It disappears from the lists; its history stays "
                                                "in the log."),
                                             QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel,
                                             {{QMessageBox::Yes, tr("&Delete")}});
    if (answer != QMessageBox::Yes)
        return;
    if (dispatch(command(Wire::Command::DeleteInvoice)))
        m_undo->clear();
}

void InvoiceEditor::previewVersion(qint64 version)
{
    if (version < 0 || version >= m_timeline.headVersion()) {
        if (isPreviewing())
            reload();
        return;
    }
    version = std::max<qint64>(version, 1);
    setPreview(version);
    m_shownVersion = version;
    const InvoiceState state = m_timeline.at(version);
    const Changes changed = invoiceChanges(m_timeline.at(version - 1), state);
    display(state, true, changed.keys);
    emit previewChanged(version);
}

QStringList InvoiceEditor::compareVersions(qint64 a, qint64 b) const
{
    return invoiceChanges(m_timeline.at(a), m_timeline.at(b), [this](const QString &id) { return customerName(id); })
        .sentences;
}

bool InvoiceEditor::canRestore(qint64 version) const
{
    return m_session.isLive() && version >= 1 && version < m_timeline.headVersion()
           && m_timeline.head().status == InvoiceStatus::Draft && m_timeline.at(version).status == InvoiceStatus::Draft;
}

Status InvoiceEditor::restoreVersion(qint64 version)
{
    if (!canRestore(version))
        return fail(Error::validation(tr("Only a draft can be restored, to a version when it was a draft.")));
    if (isPreviewing())
        reload();
    const InvoiceState target = m_timeline.at(version);
    const InvoiceState head = m_timeline.head();
    struct Step
    {
        QString text;
        QJsonObject forward;
        QJsonObject backward;
    };
    QList<Step> steps;
    const auto set = [&](const QString &name, const QString &key, const QString &to, const QString &from) {
        steps.append({name, command(name, {{key, to}}), command(name, {{key, from}})});
    };
    if (target.customerId != head.customerId && !target.customerId.isEmpty())
        set(Wire::Command::SetInvoiceCustomer, QStringLiteral("customerId"), target.customerId, head.customerId);
    if (target.currency != head.currency && !target.currency.isEmpty())
        set(Wire::Command::SetInvoiceCurrency, QStringLiteral("currency"), target.currency, head.currency);
    if (target.dueDate != head.dueDate && target.dueDate.isValid() && head.dueDate.isValid())
        set(Wire::Command::SetInvoiceDueDate, QStringLiteral("dueDate"), target.dueDate.toString(Qt::ISODate),
            head.dueDate.toString(Qt::ISODate));
    if (target.notes != head.notes)
        set(Wire::Command::SetInvoiceNotes, QStringLiteral("notes"), target.notes, head.notes);
    for (const LineItem &item : head.lineItems) {
        if (!target.lineItem(item.lineItemId))
            steps.append({Wire::Command::RemoveLineItem,
                          command(Wire::Command::RemoveLineItem, {{QStringLiteral("lineItemId"), item.lineItemId}}),
                          command(Wire::Command::AddLineItem, lineItemJson(item))});
    }
    for (const LineItem &item : target.lineItems) {
        const LineItem *now = head.lineItem(item.lineItemId);
        if (!now) {
            steps.append({Wire::Command::AddLineItem, command(Wire::Command::AddLineItem, lineItemJson(item)),
                          command(Wire::Command::RemoveLineItem, {{QStringLiteral("lineItemId"), item.lineItemId}})});
            continue;
        }
        QJsonObject to{{QStringLiteral("lineItemId"), item.lineItemId}};
        QJsonObject from{{QStringLiteral("lineItemId"), item.lineItemId}};
        const QJsonObject t = lineItemJson(item);
        const QJsonObject n = lineItemJson(*now);
        for (const QString &field : {QStringLiteral("description"), QStringLiteral("quantity"), QStringLiteral("unitPrice"),
                                     QStringLiteral("taxRate"), QStringLiteral("discountPercent")}) {
            if (t.value(field) != n.value(field)) {
                to.insert(field, t.value(field));
                from.insert(field, n.value(field));
            }
        }
        if (to.size() > 1)
            steps.append({Wire::Command::UpdateLineItem, command(Wire::Command::UpdateLineItem, to),
                          command(Wire::Command::UpdateLineItem, from)});
    }
    if (steps.isEmpty())
        return {};
    // One undo entry for the whole restore; its parts undo in reverse.
    m_undo->beginMacro(tr("Restore version %1").arg(version));
    for (const Step &s : steps) {
        if (!dispatch(s.forward)) {
            m_undo->endMacro();
            return fail(Error::failure(m_lastError));
        }
        m_undo->push(new EditCommand(this, s.text, s.forward, s.backward));
    }
    m_undo->endMacro();
    return {};
}

void InvoiceEditor::showViolations(const Error &error)
{
    clearViolations();
    static const QRegularExpression linePath(QStringLiteral("^payload\\.(\\w+)$"));
    const QHash<QString, QWidget *> fields{{QStringLiteral("payload.customerId"), m_customer},
                                           {QStringLiteral("payload.currency"), m_currency},
                                           {QStringLiteral("payload.dueDate"), m_dueDate},
                                           {QStringLiteral("payload.notes"), m_notes}};
    FieldMarks::mark(error, fields);
    // Line-item commands name their fields as payload.quantity …: mark the cell being edited.
    int row = -1;
    for (int i = 0; i < m_linesModel->items().size(); ++i)
        if (m_linesModel->items().at(i).lineItemId == m_editingLine)
            row = i;
    for (const Violation &v : error.violations) {
        const auto m = linePath.match(v.field);
        int column = m.hasMatch() ? LineItemsModel::columnOfField(m.captured(1)) : -1;
        if (column < 0)
            column = LineItemsModel::columnOfField(m_editingField);
        if (column >= 0 && row >= 0)
            m_linesModel->setViolation(row, column, v.message);
    }
}

void InvoiceEditor::clearViolations()
{
    for (QWidget *w : {static_cast<QWidget *>(m_customer), static_cast<QWidget *>(m_currency),
                       static_cast<QWidget *>(m_dueDate), static_cast<QWidget *>(m_notes)})
        FieldMarks::clear(w);
    m_linesModel->clearViolations();
}

} // namespace Billstream
