#include "core/documents/invoicedocument.h"

#include "core/domain/domainevents.h"
#include "core/domain/invoicingservice.h"
#include "core/es/sqliteeventstore.h"

namespace Billstream {

namespace {

// The event that issued the invoice: its InvoiceStatusSet{ISSUED}.
Result<std::optional<RecordedEvent>> issuingEvent(SqliteEventStore &store, const QString &tenantId,
                                                  const QString &invoiceId)
{
    Result<QList<RecordedEvent>> events = store.readStream(tenantId, invoiceId);
    if (!events)
        return fail(events.error());
    for (const RecordedEvent &e : std::as_const(*events)) {
        if (e.type == Wire::Event::InvoiceStatusSet
            && e.payload.value(QStringLiteral("status")).toString() == Wire::Status::Issued)
            return std::optional<RecordedEvent>(e);
    }
    return std::optional<RecordedEvent>();
}

// The tenant as it stood just before a position of the log (by position, not by time, so a
// change recorded in the same millisecond as the issue cannot leak into the document). A
// tenant without events then reads as the default state.
Result<TenantState> tenantBefore(InvoicingService &service, const QString &tenantId, qint64 position)
{
    Result<QList<RecordedEvent>> events = service.store().readStream(tenantId, tenantId);
    if (!events)
        return fail(events.error());
    qint64 version = 0;
    for (const RecordedEvent &e : std::as_const(*events)) {
        if (position > 0 && e.position >= position)
            break;
        version = e.version;
    }
    TenantState empty;
    empty.id = tenantId;
    if (version == 0)
        return empty;
    Result<Loaded<TenantState>> tenant = service.loadTenant(tenantId, LoadPoint::version(version));
    if (!tenant)
        return fail(tenant.error());
    return tenant->state;
}

Party sellerFromProfile(const std::optional<CompanyProfile> &profile)
{
    if (!profile)
        return Party{};
    const CompanyProfile &p = *profile;
    return Party{p.name, p.address, p.taxId, p.email, p.phone, p.iban, p.bic};
}

} // namespace

QString InvoiceDocument::watermark() const
{
    switch (currentStatus) {
    case InvoiceStatus::Draft: return QStringLiteral("DRAFT");
    case InvoiceStatus::Void: return QStringLiteral("VOID");
    case InvoiceStatus::Deleted: return QStringLiteral("DELETED");
    default: return QString();
    }
}

QString InvoiceDocument::fileName() const
{
    QString base = number.isEmpty() ? QStringLiteral("draft-") + invoiceId : number;
    // A numbering pattern may hold characters a file name cannot.
    for (QChar &c : base) {
        if (c == QLatin1Char('/') || c == QLatin1Char('\\') || c == QLatin1Char(':') || c.unicode() < 0x20
            || c == QChar(0x7F))
            c = QLatin1Char('-');
    }
    return base + QStringLiteral(".pdf");
}

Result<InvoiceDocument> loadInvoiceDocument(InvoicingService &service, const QString &tenantId,
                                            const QString &invoiceId)
{
    Result<Loaded<InvoiceState>> current = service.loadInvoice(tenantId, invoiceId);
    if (!current)
        return fail(current.error());

    Result<std::optional<RecordedEvent>> issued = issuingEvent(service.store(), tenantId, invoiceId);
    if (!issued)
        return fail(issued.error());

    InvoiceDocument doc;
    doc.invoiceId = invoiceId;
    doc.currentStatus = current->state.status;
    Loaded<InvoiceState> rendered = *current;
    TenantState tenant;
    if (*issued) {
        // Frozen at issue: the state at the issuing event and the tenant as it was then.
        const RecordedEvent &e = **issued;
        Result<Loaded<InvoiceState>> atIssue = service.loadInvoice(tenantId, invoiceId, LoadPoint::version(e.version));
        if (!atIssue)
            return fail(atIssue.error());
        rendered = *atIssue;
        Result<TenantState> t = tenantBefore(service, tenantId, e.position);
        if (!t)
            return fail(t.error());
        tenant = *t;
        doc.anchor = LedgerAnchor{e.position, e.hash};
        doc.seller = rendered.state.seller.value_or(Party{});
        doc.buyer = rendered.state.buyer.value_or(Party{});
    } else {
        Result<TenantState> t = tenantBefore(service, tenantId, 0);
        if (!t)
            return fail(t.error());
        tenant = *t;
        doc.seller = sellerFromProfile(tenant.profile);
        if (!rendered.state.customerId.isEmpty()) {
            if (Result<Loaded<CustomerState>> customer = service.loadCustomer(tenantId, rendered.state.customerId)) {
                const CustomerState &c = customer->state;
                doc.buyer = Party{c.name, c.address, c.taxId, c.email, {}, {}, {}};
            } else if (customer.error().kind != ErrorKind::NotFound) {
                return fail(customer.error());
            }
        }
    }

    const InvoiceState &s = rendered.state;
    doc.status = s.status;
    doc.number = s.number;
    doc.issueDate = s.issueDate;
    doc.dueDate = s.dueDate;
    doc.notes = s.notes;
    doc.recordedAt = rendered.updatedAt;
    doc.localeName = tenant.defaults.locale;
    if (tenant.profile && !tenant.profile->logo.isEmpty()) {
        doc.logo = QByteArray::fromBase64(tenant.profile->logo.toLatin1());
        doc.logoMimeType = tenant.profile->logoMimeType;
    }

    const std::optional<Currency> currency = Currency::find(s.currency);
    if (!currency)
        return fail(Error::failure(QStringLiteral("invoice %1 has no known currency ('%2'); it cannot be rendered")
                                       .arg(invoiceId, s.currency)));
    doc.currency = *currency;
    // The document shows the invoice as it was issued: payments made later are not part of it.
    InvoiceState withoutPayments = s;
    withoutPayments.payments.clear();
    Result<InvoiceTotals> totals = invoiceTotals(withoutPayments);
    if (!totals)
        return fail(totals.error());
    doc.totals = *totals;
    for (qsizetype i = 0; i < s.lineItems.size(); ++i) {
        const LineItem &item = s.lineItems.at(i);
        doc.lines << DocumentLine{item.description, item.quantity, item.unitPrice, item.taxRate, item.discountPercent,
                                  totals->lineNetAmounts.value(i)};
    }
    return doc;
}

} // namespace Billstream
