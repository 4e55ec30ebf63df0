#pragma once

#include "core/projections/book.h"

#include "ui/models/rowidtablemodel.h"

#include <QHash>
#include <QTimer>

namespace Billstream {

class Session;

// The invoice list over the session's book (live or as of a time). It holds only the ordered
// row ids of the filtered list and fetches rows a page at a time when a view asks for them, so
// 100k invoices cost 100k integers until scrolled to. A change of the log is translated into
// row removals, moves, insertions and dataChanged for the rows whose version changed, never a
// reset (STYLE.md 7); switching the book (as-of) is a reset, since every row is another row.
class InvoiceListModel final : public RowIdTableModel
{
    Q_OBJECT
public:
    enum Column { Number, Customer, Status, IssueDate, DueDate, Total, Paid, Due, Currency, ColumnCount };
    enum Role {
        IdRole = Qt::UserRole + 1,
        StatusRole,       // the stored status name, e.g. PARTIALLY_PAID
        OverdueRole,      // bool
        VersionRole,
        SortRole,         // the raw value a column sorts by (minor units, ISO dates)
        CurrencyRole,
    };

    explicit InvoiceListModel(Session &session, QObject *parent = nullptr);
    ~InvoiceListModel() override;

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    void setFilter(const ListFilter &filter);
    ListFilter filter() const { return m_filter; }

    QString invoiceId(int row) const;
    int rowOf(const QString &invoiceId) const;          // -1 when not listed (or not fetched yet)
    const InvoiceListEntry *entry(int row) const;       // fetches its page

    // Sums of the shown rows per currency ("12 invoices · EUR 1234.50 total, 200.00 open"),
    // computed in slices on the event loop so the list stays responsive with 100k rows.
    QString totalsText() const { return m_totalsText; }
    bool totalsComplete() const { return m_totalsPending.isEmpty() && !m_totalsTimer.isActive(); }
    QString lastError() const { return m_lastError; }

    static QString statusLabel(const QString &status);

public slots:
    // The log changed: re-list and translate the difference into row signals.
    void refresh();
    // The book was swapped (as-of on or off): every row is new.
    void reload();

signals:
    void totalsChanged(const QString &text);
    void failed(const QString &message);

private:
    static constexpr int PageSize = 200;
    static constexpr int MaxPages = 64;
    Result<QList<qint64>> queryIds() const;
    void startTotals();
    void totalsStep();
    void report(const Error &error);

    Session &m_session;
    ListFilter m_filter;
    InvoiceSort m_sort = InvoiceSort::Created;
    Qt::SortOrder m_order = Qt::DescendingOrder;
    mutable QHash<int, QList<InvoiceListEntry>> m_pages;
    mutable QList<int> m_pageOrder;   // least recently fetched first

    struct Sum
    {
        int digits = 0;
        Int128 total = 0;
        Int128 due = 0;
    };
    QList<qint64> m_totalsPending;
    QMap<QString, Sum> m_sums;
    int m_totalsCount = 0;
    QTimer m_totalsTimer;
    QString m_totalsText;
    QString m_lastError;
};

} // namespace Billstream
