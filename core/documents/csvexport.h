#pragma once

#include "core/es/result.h"
#include "core/projections/book.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace Billstream {

// One CSV field (RFC 4180) that a spreadsheet shows as the text it is (QUALITY.md): a text cell
// starting with = + - @, tab or CR gets a leading single quote so it is never run as a formula;
// numbers (isNumber) are left as they are, so "-12.50" stays a number. Fields with a comma,
// quote or line break are quoted.
QString csvField(const QString &text, bool isNumber = false);

struct CsvOptions
{
    // A UTF-8 byte order mark first: spreadsheet programs that guess a legacy encoding
    // otherwise garble names with accents.
    bool byteOrderMark = false;
};

// The invoice list as CSV: a header row with the keys of `list invoices --format json`
// (CLI.md) and one row per entry, lines ending in CRLF; amounts exact with their currency's
// digits. The same columns as `billstream-cli list invoices --format csv`.
QByteArray invoiceListCsv(const QList<InvoiceListEntry> &entries, const CsvOptions &options = {});

// Writes invoiceListCsv() to a file atomically (a partial file never replaces an old one).
Status writeInvoiceListCsv(const QString &path, const QList<InvoiceListEntry> &entries,
                           const CsvOptions &options = {});

} // namespace Billstream
