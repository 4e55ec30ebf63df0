#include "app/cli/storeaccess.h"

#include <billstream/version.h>

#include <QFileInfo>
#include <QRegularExpression>
#include <QTimeZone>

namespace Billstream::Cli {

Result<std::unique_ptr<SqliteEventStore>> openStore(const Context &ctx, Access access)
{
    const QFileInfo info(ctx.storePath);
    if (access == Access::Read && !info.exists())
        return fail(Error::notFound(QStringLiteral("the store %1 does not exist").arg(ctx.storePath)));

    StoreOptions options;
    options.appVersion = QStringLiteral(BILLSTREAM_VERSION);
    options.createIfMissing = access == Access::Write;
    // A reader still opens read-write when it can, so that projections can catch up; a file
    // or folder it may not write is opened read-only instead.
    options.readOnly = access == Access::Read
        && (!info.isWritable() || !QFileInfo(info.absolutePath()).isWritable());
    return SqliteEventStore::open(ctx.storePath, options);
}

Result<QDateTime> parseTime(const QString &option, const QString &text)
{
    static const QRegularExpression dateOnly(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    static const QRegularExpression dateTime(QStringLiteral(
        "^(\\d{4}-\\d{2}-\\d{2})T(\\d{2}:\\d{2}(?::\\d{2}(?:\\.(\\d{1,9}))?)?)(Z|[+-]\\d{2}:\\d{2})?$"));
    const auto bad = [&] {
        return fail(Error::usage(QStringLiteral("%1: '%2' is not a time; use ISO 8601 such as "
                                                "2026-11-27T10:00:00Z or a date such as 2026-11-27")
                                     .arg(option, text)));
    };
    if (dateOnly.match(text).hasMatch()) {
        const QDate d = QDate::fromString(text, Qt::ISODate);
        if (!d.isValid())
            return bad();
        // A date means the end of that day, UTC.
        return QDateTime(d, QTime(23, 59, 59, 999), Qt::UTC);
    }
    const QRegularExpressionMatch m = dateTime.match(text);
    if (!m.hasMatch())
        return bad();
    const QDate d = QDate::fromString(m.captured(1), Qt::ISODate);
    QString timePart = m.captured(2);
    QString fraction = m.captured(3);
    if (!fraction.isEmpty())
        timePart.chop(fraction.size() + 1);
    QTime t = QTime::fromString(timePart, timePart.size() == 5 ? QStringLiteral("HH:mm") : QStringLiteral("HH:mm:ss"));
    if (!d.isValid() || !t.isValid())
        return bad();
    // Recorded times have millisecond precision; finer digits are cut off, not rounded, so
    // that "as of T" never reaches past T.
    t = t.addMSecs(fraction.left(3).leftJustified(3, QLatin1Char('0')).toInt());
    const QString zone = m.captured(4);
    QTimeZone tz = QTimeZone::utc();
    if (!zone.isEmpty() && zone != QStringLiteral("Z")) {
        const int sign = zone.startsWith(QLatin1Char('-')) ? -1 : 1;
        const int hours = zone.mid(1, 2).toInt();
        const int minutes = zone.mid(4, 2).toInt();
        if (hours > 23 || minutes > 59)
            return bad();
        tz = QTimeZone(sign * (hours * 3600 + minutes * 60));
    }
    return QDateTime(d, t, tz).toUTC();
}

Result<qint64> parseCount(const QString &option, const QString &text, qint64 minimum)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value < minimum || text.startsWith(QLatin1Char('+')))
        return fail(Error::usage(QStringLiteral("%1: '%2' is not a whole number of at least %3")
                                     .arg(option, text)
                                     .arg(minimum)));
    return value;
}

} // namespace Billstream::Cli
