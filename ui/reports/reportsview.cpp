#include "ui/reports/reportsview.h"

#include "ui/session/session.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateEdit>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QValueAxis>
#include <QVBoxLayout>

namespace Billstream {

namespace {

// The chart draws bars: an approximation for the eye only. Every figure a person reads is the
// exact decimal text in the tables beside it.
qreal plotValue(Int128 minorUnits, int digits)
{
    return formatMinorUnits(minorUnits, digits).toDouble();
}

QTableWidgetItem *amountItem(Int128 v, int digits)
{
    auto *item = new QTableWidgetItem(formatMinorUnits(v, digits));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

} // namespace

ReportsView::ReportsView(Session &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("reportsView"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);

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
    m_revenueTable = new QTableWidget(0, 5, split);
    m_revenueTable->setObjectName(QStringLiteral("revenueTable"));
    m_revenueTable->setAccessibleName(tr("Revenue figures"));
    m_revenueTable->setHorizontalHeaderLabels({tr("Month"), tr("Invoices"), tr("Net"), tr("Total"), tr("Received")});
    m_revenueTable->verticalHeader()->hide();
    m_revenueTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_revenueTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    split->addWidget(m_chart);
    split->addWidget(m_revenueTable);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
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
    auto *agingLabel = new QLabel(tr("Open invoices by days past due on &"), agingBox);
    agingLabel->setBuddy(m_agingDate);
    agingBar->addWidget(agingLabel);
    agingBar->addWidget(m_agingDate);
    agingBar->addStretch(1);
    agingLayout->addLayout(agingBar);
    QStringList headers{tr("Currency")};
    headers << agingBucketNames();
    headers << tr("Total");
    m_agingTable = new QTableWidget(0, int(headers.size()), agingBox);
    m_agingTable->setObjectName(QStringLiteral("agingTable"));
    m_agingTable->setAccessibleName(tr("Receivables aging"));
    m_agingTable->setHorizontalHeaderLabels(headers);
    m_agingTable->verticalHeader()->hide();
    m_agingTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_agingTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    agingLayout->addWidget(m_agingTable);
    layout->addWidget(agingBox, 2);

    connect(m_currency, &QComboBox::currentIndexChanged, this, [this] { refreshRevenue(); });
    connect(m_agingDate, &QDateEdit::dateChanged, this, [this] { refreshAging(); });
    connect(&session, &Session::reportsChanged, this, &ReportsView::refresh);
    connect(&session, &Session::changed, this, &ReportsView::refreshAging);
    connect(&session, &Session::asOfChanged, this, [this] {
        m_agingDate->setDate(m_session.isLive() ? m_session.today() : m_session.asOf().date());
        refresh();
    });
    refresh();
}

void ReportsView::setAgingDate(const QDate &day)
{
    m_agingDate->setDate(day);
}

void ReportsView::refresh()
{
    auto revenue = m_session.book().revenue();
    m_revenue = revenue ? *revenue : QList<RevenueRow>();
    QStringList currencies;
    for (const RevenueRow &r : std::as_const(m_revenue))
        if (!currencies.contains(r.currency))
            currencies << r.currency;
    currencies.sort();
    const QString current = m_currency->currentText();
    {
        const QSignalBlocker block(m_currency);
        m_currency->clear();
        m_currency->addItems(currencies);
        if (currencies.contains(current))
            m_currency->setCurrentText(current);
    }
    m_note->setText(m_session.isLive() ? QString()
                                       : tr("As of %1").arg(QLocale().toString(m_session.asOf().toLocalTime(),
                                                                              QLocale::ShortFormat)));
    refreshRevenue();
    refreshAging();
}

void ReportsView::refreshRevenue()
{
    const QString currency = m_currency->currentText();
    QList<RevenueRow> rows;
    for (const RevenueRow &r : std::as_const(m_revenue))
        if (r.currency == currency)
            rows << r;
    std::sort(rows.begin(), rows.end(), [](const RevenueRow &a, const RevenueRow &b) { return a.month < b.month; });

    m_revenueTable->setRowCount(int(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
        const RevenueRow &r = rows[i];
        m_revenueTable->setItem(i, 0, new QTableWidgetItem(r.month));
        auto *count = new QTableWidgetItem(QString::number(r.invoiceCount));
        count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_revenueTable->setItem(i, 1, count);
        m_revenueTable->setItem(i, 2, amountItem(r.net, r.digits));
        m_revenueTable->setItem(i, 3, amountItem(r.total, r.digits));
        m_revenueTable->setItem(i, 4, amountItem(r.received, r.digits));
    }
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
        months << r.month;
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
    x->setLabelsAngle(-45);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    auto *y = new QValueAxis;
    y->setRange(0, top > 0 ? top * 1.1 : 1);
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

void ReportsView::refreshAging()
{
    auto aging = m_session.book().aging(m_agingDate->date());
    const QList<AgingRow> rows = aging ? *aging : QList<AgingRow>();
    m_agingTable->setRowCount(int(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
        const AgingRow &r = rows[i];
        m_agingTable->setItem(i, 0, new QTableWidgetItem(r.currency));
        for (int b = 0; b < 5; ++b) {
            QTableWidgetItem *item = amountItem(r.amounts[size_t(b)], r.digits);
            item->setToolTip(tr("%n invoice(s)", nullptr, r.counts[size_t(b)]));
            m_agingTable->setItem(i, b + 1, item);
        }
        QTableWidgetItem *total = amountItem(r.total, r.digits);
        QFont f = total->font();
        f.setBold(true);
        total->setFont(f);
        m_agingTable->setItem(i, 6, total);
    }
}

} // namespace Billstream
