#pragma once

#include "core/domain/invoice.h"
#include "core/domain/totals.h"
#include "core/es/result.h"

#include <QByteArray>
#include <QDate>
#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace Billstream {

class InvoicingService;

// The store's chain head as it stood when the invoice was issued: the position and hash of the
// event that issued it. Printed in small type so every PDF sent out records the chain outside
// the store (QUALITY.md); `billstream-cli events --from-position N --limit 1` shows the event.
struct LedgerAnchor
{
    qint64 position = 0;
    QByteArray hash;             // SHA-256 of that event, as the store keeps it
    // The first 12 hex digits: enough to tell a rewritten chain apart, short enough for a footer.
    QString shortHash() const { return QString::fromLatin1(hash.toHex().left(12)); }
};

// One row of the line table, with the amount the domain computed for it.
struct DocumentLine
{
    QString description;
    Decimal quantity;
    Decimal unitPrice;
    Decimal taxRate;
    Decimal discountPercent;
    Money netAmount;
};

// Everything an invoice document shows, resolved and plain: the renderer only lays it out.
// Every text here is data, never markup.
struct InvoiceDocument
{
    QString invoiceId;
    InvoiceStatus status = InvoiceStatus::None;   // as rendered (ISSUED for an issued invoice)
    InvoiceStatus currentStatus = InvoiceStatus::None;
    QString number;              // "" for a draft
    QDate issueDate;
    QDate dueDate;
    Currency currency;
    Party seller;
    Party buyer;
    QByteArray logo;             // PNG or SVG bytes, empty for none
    QString logoMimeType;
    QString localeName;          // the tenant's locale at issue (drafts: now)
    QList<DocumentLine> lines;
    InvoiceTotals totals;        // EN 16931 figures from computeTotals(), as the editor shows
    QString notes;
    std::optional<LedgerAnchor> anchor;  // issued invoices only
    // The moment the rendered state was recorded; the PDF's creation date, so rendering the same
    // invoice twice gives the same bytes.
    QDateTime recordedAt;

    bool isDraft() const { return status == InvoiceStatus::Draft || status == InvoiceStatus::Deleted; }
    // The big diagonal word over every page: DRAFT, VOID, DELETED or nothing.
    QString watermark() const;
    // A file name for the PDF: "INV-2026-0001.pdf", "draft-<id>.pdf"; never a path.
    QString fileName() const;
};

// The document of an invoice as it stands. An issued invoice (ISSUED and every later status)
// is rendered from the state at the event that issued it, with the seller and buyer that
// InvoicePartiesRecorded froze and the tenant's logo and locale as they were then: a reprint
// years later is identical to the original. Later payments do not change the document; a voided
// invoice gets a VOID watermark. A draft shows the current company profile and customer.
Result<InvoiceDocument> loadInvoiceDocument(InvoicingService &service, const QString &tenantId,
                                            const QString &invoiceId);

} // namespace Billstream
