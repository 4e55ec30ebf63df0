#include "ui/activity/activityview.h"

#include "core/domain/domainevents.h"
#include "core/projections/book.h"
#include "core/projections/reportmodels.h"
#include "ui/models/activityfilter.h"
#include "ui/session/session.h"

#include <QComboBox>
#include <QDateEdit>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>

namespace Billstream {

ActivityView::ActivityView(Session &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("activityView"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(8, 6, 8, 0);
    m_type = new QComboBox(this);
    m_type->setObjectName(QStringLiteral("activityType"));
    m_type->setAccessibleName(tr("Event type"));
    m_type->addItem(tr("All events"), QString());
    using namespace Wire::Event;
    for (const QString &t : {CustomerCreated, CustomerRenamed, CustomerEmailChanged, CustomerAddressChanged,
                             CustomerTaxIdChanged, CustomerArchived, InvoiceCreated, InvoiceCustomerSet,
                             InvoiceCurrencySet, InvoiceStatusSet, InvoiceDueDateSet, InvoiceNotesSet, LineItemAdded,
                             LineItemUpdated, LineItemRemoved, InvoiceNumberAssigned, InvoiceSendRequested, InvoiceSent,
                             InvoiceSendFailed, PaymentRecorded, CompanyProfileSet, NumberingPatternSet,
                             InvoiceDefaultsSet, MailSettingsSet})
        m_type->addItem(t, t);
    auto *typeLabel = new QLabel(tr("&Type:"), this);
    typeLabel->setBuddy(m_type);
    bar->addWidget(typeLabel);
    bar->addWidget(m_type);
    m_stream = new QLineEdit(this);
    m_stream->setObjectName(QStringLiteral("activityStream"));
    m_stream->setAccessibleName(tr("Stream or text"));
    m_stream->setPlaceholderText(tr("Invoice number, customer, id…"));
    m_stream->setClearButtonEnabled(true);
    bar->addWidget(m_stream, 1);
    m_from = new QDateEdit(this);
    m_from->setObjectName(QStringLiteral("activityFrom"));
    m_from->setAccessibleName(tr("From date"));
    m_to = new QDateEdit(this);
    m_to->setObjectName(QStringLiteral("activityTo"));
    m_to->setAccessibleName(tr("To date"));
    for (QDateEdit *d : {m_from, m_to}) {
        d->setCalendarPopup(true);
        d->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        d->setSpecialValueText(tr("any"));
        d->setMinimumDate(QDate(2000, 1, 1));
        d->setDate(d->minimumDate());   // the special value: no bound
    }
    auto *fromLabel = new QLabel(tr("&From:"), this);
    fromLabel->setBuddy(m_from);
    bar->addWidget(fromLabel);
    bar->addWidget(m_from);
    auto *toLabel = new QLabel(tr("T&o:"), this);
    toLabel->setBuddy(m_to);
    bar->addWidget(toLabel);
    bar->addWidget(m_to);
    layout->addLayout(bar);

    m_model = new ReadModels::ActivityModel(session.readSide(), session.tenantId(), this);
    m_model->setClock(&session.clock());
    m_filter = new ActivityFilter(m_model, this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("activityTable"));
    m_table->setAccessibleName(tr("Activity"));
    m_table->setModel(m_filter);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 10);
    m_table->horizontalHeader()->setSectionResizeMode(ReadModels::ActivityModel::Summary, QHeaderView::Stretch);
    m_table->setColumnWidth(ReadModels::ActivityModel::Time, 150);
    m_table->setColumnWidth(ReadModels::ActivityModel::Kind, 90);
    m_table->setColumnWidth(ReadModels::ActivityModel::Subject, 260);
    layout->addWidget(m_table, 1);

    connect(m_type, &QComboBox::currentIndexChanged, this, [this] { applyFilter(); });
    connect(m_stream, &QLineEdit::textChanged, this, [this] { applyFilter(); });
    connect(m_from, &QDateEdit::dateChanged, this, [this] { applyFilter(); });
    connect(m_to, &QDateEdit::dateChanged, this, [this] { applyFilter(); });
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &i) {
        const ActivityEntry &e = m_model->entry(m_filter->mapToSource(i).row());
        emit openAt(e.streamType, e.streamId, e.lastPosition);
    });
    connect(&session, &Session::reportsChanged, m_model, &ReadModels::ActivityModel::refresh);
    connect(&session, &Session::asOfChanged, this, [this] {
        if (m_session.isLive())
            m_model->showLive();
        else
            m_model->showAsOf(m_session.asOf());
    });
}

void ActivityView::setTypeFilter(const QString &eventType)
{
    m_type->setCurrentIndex(std::max(0, m_type->findData(eventType)));
}

void ActivityView::setStreamFilter(const QString &text)
{
    m_stream->setText(text);
}

void ActivityView::applyFilter()
{
    m_filter->setEventType(m_type->currentData().toString());
    m_filter->setStream(m_stream->text());
    m_filter->setDates(m_from->date() != m_from->minimumDate() ? m_from->date() : QDate(),
                       m_to->date() != m_to->minimumDate() ? m_to->date() : QDate());
}

} // namespace Billstream
