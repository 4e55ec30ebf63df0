#include "core/documents/csvexport.h"

#include <QSaveFile>

namespace Billstream {

namespace {

QString dateField(const QDate &d)
{
    return d.isValid() ? d.toString(Qt::ISODate) : QString();
}

} // namespace

QString csvField(const QString &text, bool isNumber)
{
    QString out = text;
    if (!isNumber && !out.isEmpty()) {
        const QChar first = out.front();
        if (first == QLatin1Char('=') || first == QLatin1Char('+') || first == QLatin1Char('-')
            || first == QLatin1Char('@') || first == QLatin1Char('\t') || first == QLatin1Char('\r'))
            out.prepend(QLatin1Char('\''));
    }
    if (out.contains(QLatin1Char(',')) || out.contains(QLatin1Char('"')) || out.contains(QLatin1Char('\n'))
        || out.contains(QLatin1Char('\r'))) {
        out.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        out = QLatin1Char('"') + out + QLatin1Char('"');
    }
    return out;
}

QByteArray invoiceListCsv(const QList<InvoiceListEntry> &entries, const CsvOptions &options)
{
    static const QStringList header{
        QStringLiteral("id"),      QStringLiteral("number"),    QStringLiteral("status"),
        QStringLiteral("customerId"), QStringLiteral("customerName"), QStringLiteral("currency"),
        QStringLiteral("issueDate"), QStringLiteral("dueDate"),   QStringLiteral("total"),
        QStringLiteral("paid"),    QStringLiteral("due"),       QStringLiteral("overdue"),
        QStringLiteral("version")};
    QString text;
    text += header.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    for (const InvoiceListEntry &e : entries) {
        const QStringList fields{csvField(e.id),
                                 csvField(e.number),
                                 csvField(e.status),
                                 csvField(e.customerId),
                                 csvField(e.customerName),
                                 csvField(e.currency),
                                 csvField(dateField(e.issueDate)),
                                 csvField(dateField(e.dueDate)),
                                 csvField(formatMinorUnits(e.total, e.digits), true),
                                 csvField(formatMinorUnits(e.paid, e.digits), true),
                                 csvField(formatMinorUnits(e.due, e.digits), true),
                                 csvField(e.overdue ? QStringLiteral("true") : QStringLiteral("false")),
                                 csvField(QString::number(e.version), true)};
        text += fields.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    }
    QByteArray bytes = options.byteOrderMark ? QByteArray("\xEF\xBB\xBF") : QByteArray();
    bytes += text.toUtf8();
    return bytes;
}

Status writeInvoiceListCsv(const QString &path, const QList<InvoiceListEntry> &entries, const CsvOptions &options)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(Error::failure(QStringLiteral("Cannot write %1: %2").arg(path, file.errorString())));
    const QByteArray bytes = invoiceListCsv(entries, options);
    if (file.write(bytes) != bytes.size() || !file.commit())
        return fail(Error::failure(QStringLiteral("Cannot write %1: %2").arg(path, file.errorString())));
    return {};
}

} // namespace Billstream
