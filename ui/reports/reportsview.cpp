#include "ui/reports/reportsview.h"

#include "core/projections/reportmodels.h"
#include "ui/session/session.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateEdit>
#include <QGroupBox>
#include <QHash>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QValueAxis>
#include <QVBoxLayout>

namespace Billstream {

using ReadModels::AgingModel;
using ReadModels::RevenueModel;

namespace {

// The chart draws bars: an approximation for the eye only. Every figure a person reads is the
// exact decimal text in the tables beside it.
qreal plotValue(Int128 minorUnits, int digits)
{
    return formatMinorUnits(minorUnits, digits).toDouble();
}

QTableView *reportTable(QWidget *parent, const QString &name, const QString &accessible)
{
    auto *t = new QTableView(parent);
    t->setObjectName(name);
    t->setAccessibleName(accessible);
    t->verticalHeader()->hide();
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setAlternatingRowColors(true);
    t->setShowGrid(false);
    return t;
}

} // namespace

ReportsView::ReportsView(Session &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("reportsView"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);

    m_revenue = new RevenueModel(session.readSide(), session.tenantId(), this);
    m_revenue->setClock(&session.clock());
    m_revenueOfCurrency = new QSortFilterProxyModel(this);
    m_revenueOfCurrency->setSourceModel(m_revenue);
    m_revenueOfCurrency->setFilterKeyColumn(RevenueModel::Currency);
    m_aging = new AgingModel(session.store(), session.tenantId(), this);
    m_aging->setClock(&session.clock());

    auto *revenueBox = new QGroupBox(tr("Revenue by month"), this);
    auto *revenueLayout = new QVBoxLayout(revenueBox);
    auto *bar = new QHBoxLayout;
    m_currency = new QComboBox(revenueBox);
    m_currency->setObjectName(QStringLiteral("reportCurrency"));
    m_currency->setAccessibleName(tr("Currency of the revenue report"));
    auto *currencyLabel = new QLabel(tr("&Currency:"), revenueBox);
    currencyLabel->setBuddy(m_currency);
    bar->addWidget(currencyLabel);
    bar->addWidget(m_currency);
    bar->addStretch(1);
    m_note = new QLabel(revenueBox);
    m_note->setObjectName(QStringLiteral("reportNote"));
    bar->addWidget(m_note);
    revenueLayout->addLayout(bar);
    auto *split = new QSplitter(Qt::Horizontal, revenueBox);
    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setBackgroundRoundness(0);
    m_chart = new QChartView(chart, split);
    m_chart->setObjectName(QStringLiteral("revenueChart"));
    m_chart->setAccessibleName(tr("Revenue chart"));
    m_chart->setRenderHint(QPainter::Antialiasing);
    m_chart->setMinimumHeight(260);
    m_revenueTable = reportTable(split, QStringLiteral("revenueTable"), tr("Revenue figures"));
    m_revenueTable->setModel(m_revenueOfCurrency);
    m_revenueTable->setColumnHidden(RevenueModel::Currency, true);
    m_revenueTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    split->addWidget(m_chart);
    split->addWidget(m_revenueTable);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({700, 460});
    revenueLayout->addWidget(split, 1);
    layout->addWidget(revenueBox, 3);

    auto *agingBox = new QGroupBox(tr("Receivables aging"), this);
    auto *agingLayout = new QVBoxLayout(agingBox);
    auto *agingBar = new QHBoxLayout;
    m_agingDate = new QDateEdit(session.today(), agingBox);
    m_agingDate->setObjectName(QStringLiteral("agingDate"));
    m_agingDate->setAccessibleName(tr("Aging date"));
    m_agingDate->setCalendarPopup(true);
    m_agingDate->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    auto *agingLabel = new QLabel(tr("Open invoices by days past due on:"), agingBox);
    agingLabel->setBuddy(m_agingDate);
    agingBar->addWidget(agingLabel);
    agingBar->addWidget(m_agingDate);
    agingBar->addStretch(1);
    agingLayout->addLayout(agingBar);
    m_agingTable = reportTable(agingBox, QStringLiteral("agingTable"), tr("Receivables aging"));
    m_agingTable->setModel(m_aging);
    m_agingTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    agingLayout->addWidget(m_agingTable);
    layout->addWidget(agingBox, 2);

    connect(m_currency, &QComboBox::currentIndexChanged, this, [this] {
        m_revenueOfCurrency->setFilterFixedString(m_currency->currentText());
        updateChart();
    });
    connect(m_agingDate, &QDateEdit::dateChanged, m_aging, &AgingModel::setDay);
    for (QAbstractItemModel *m : {static_cast<QAbstractItemModel *>(m_revenue)}) {
        connect(m, &QAbstractItemModel::rowsInserted, this, &ReportsView::refresh);
        connect(m, &QAbstractItemModel::rowsRemoved, this, &ReportsView::refresh);
        connect(m, &QAbstractItemModel::dataChanged, this, &ReportsView::refresh);
        connect(m, &QAbstractItemModel::modelReset, this, &ReportsView::refresh);
    }
    connect(&session, &Session::reportsChanged, m_revenue, &RevenueModel::refresh);
    connect(&session, &Session::changed, m_aging, &AgingModel::refresh);
    connect(&session, &Session::asOfChanged, this, [this] {
        if (m_session.isLive()) {
            m_revenue->showLive();
            m_aging->showLive();
        } else {
            m_revenue->showAsOf(m_session.asOf());
            m_aging->showAsOf(m_session.asOf());
        }
        m_agingDate->setDate(m_session.isLive() ? m_session.today() : m_session.asOf().date());
        m_note->setText(m_session.isLive()
                            ? QString()
                            : tr("As of %1").arg(QLocale().toString(m_session.asOf().toLocalTime(), QLocale::ShortFormat)));
        refresh();
    });
    m_aging->setDay(m_agingDate->date());
    refresh();
}

void ReportsView::setAgingDate(const QDate &day)
{
    m_agingDate->setDate(day);
}

void ReportsView::refresh()
{
    updateCurrencies();
    updateChart();
}

void ReportsView::updateCurrencies()
{
    QStringList currencies;
    QHash<QString, int> months;
    for (int i = 0; i < m_revenue->rowCount(); ++i) {
        if (!currencies.contains(m_revenue->row(i).currency))
            currencies << m_revenue->row(i).currency;
        ++months[m_revenue->row(i).currency];
    }
    currencies.sort();
    QStringList shown;
    for (int i = 0; i < m_currency->count(); ++i)
        shown << m_currency->itemText(i);
    if (shown == currencies)
        return;
    const QString current = m_currency->currentText();
    const QSignalBlocker block(m_currency);
    m_currency->clear();
    m_currency->addItems(currencies);
    // The currency chosen before, else the one with the most months of business.
    QString pick = current;
    if (!currencies.contains(pick)) {
        for (const QString &c : std::as_const(currencies))
            if (pick.isEmpty() || !currencies.contains(pick) || months.value(c) > months.value(pick))
                pick = c;
    }
    m_currency->setCurrentText(pick);
    m_revenueOfCurrency->setFilterFixedString(m_currency->currentText());
}

void ReportsView::updateChart()
{
    const QString currency = m_currency->currentText();
    QList<RevenueRow> rows;
    for (int i = 0; i < m_revenue->rowCount(); ++i)
        if (m_revenue->row(i).currency == currency)
            rows << m_revenue->row(i);
    std::sort(rows.begin(), rows.end(), [](const RevenueRow &a, const RevenueRow &b) { return a.month < b.month; });
    m_revenueTable->scrollToBottom();

    // The chart shows the last 12 months that have figures.
    const QList<RevenueRow> recent = rows.mid(std::max<qsizetype>(0, rows.size() - 12));
    QChart *chart = m_chart->chart();
    chart->removeAllSeries();
    for (QAbstractAxis *axis : chart->axes())
        chart->removeAxis(axis);
    auto *invoiced = new QBarSet(tr("Invoiced (net)"));
    auto *received = new QBarSet(tr("Received"));
    QStringList months;
    qreal top = 0;
    for (const RevenueRow &r : recent) {
        // "2026-03" → "03/26": short enough to stand upright under a bar.
        months << (r.month.size() == 7 ? r.month.mid(5) + QLatin1Char('/') + r.month.mid(2, 2) : r.month);
        invoiced->append(plotValue(r.net, r.digits));
        received->append(plotValue(r.received, r.digits));
        top = std::max({top, plotValue(r.net, r.digits), plotValue(r.received, r.digits)});
    }
    auto *series = new QBarSeries;
    series->append(invoiced);
    series->append(received);
    chart->addSeries(series);
    auto *x = new QBarCategoryAxis;
    x->append(months);
    x->setLabelsAngle(0);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    auto *y = new QValueAxis;
    y->setRange(0, top > 0 ? top * 1.1 : 1);
    y->applyNiceNumbers();  // ticks at 1, 2 or 5 × 10ⁿ, not at fractions of the top bar
    y->setLabelFormat(QStringLiteral("%.0f"));
    y->setTitleText(currency);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);
    chart->setTitle(rows.isEmpty() ? tr("No issued invoices yet") : QString());
    // Follow the system palette (light or dark).
    const QPalette pal = palette();
    chart->setBackgroundBrush(pal.color(QPalette::Base));
    chart->setTitleBrush(pal.color(QPalette::Text));
    chart->legend()->setLabelColor(pal.color(QPalette::Text));
    x->setLabelsColor(pal.color(QPalette::Text));
    y->setLabelsColor(pal.color(QPalette::Text));
    y->setTitleBrush(pal.color(QPalette::Text));
    invoiced->setColor(pal.color(QPalette::Highlight));
    received->setColor(QColor(80, 170, 110));
}

} // namespace Billstream
