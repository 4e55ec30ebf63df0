#include "app/cli/cli.h"
#include "app/cli/storeaccess.h"

#include <QCommandLineParser>
#include <QJsonDocument>

namespace Billstream::Cli {

// `events [--stream ID] [--from-position N] [--type T] [--limit N]`: the tenant's log as
// JSON lines, in global order.
int runEvents(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption streamOpt(QStringLiteral("stream"), QStringLiteral("Only this stream."), QStringLiteral("ID"));
    const QCommandLineOption fromOpt(QStringLiteral("from-position"), QStringLiteral("Start at this position."),
                                     QStringLiteral("N"));
    const QCommandLineOption typeOpt(QStringLiteral("type"), QStringLiteral("Only events of this type."), QStringLiteral("T"));
    const QCommandLineOption limitOpt(QStringLiteral("limit"), QStringLiteral("At most N events."), QStringLiteral("N"));
    parser.addOptions({streamOpt, fromOpt, typeOpt, limitOpt});
    if (auto code = parseArguments(ctx, parser, QStringLiteral("events"), args, 0, 0))
        return *code;

    qint64 from = 1;
    qint64 limit = -1;
    if (parser.isSet(fromOpt)) {
        auto v = parseCount(QStringLiteral("--from-position"), parser.value(fromOpt), 1);
        if (!v)
            return ctx.report(v.error());
        from = *v;
    }
    if (parser.isSet(limitOpt)) {
        auto v = parseCount(QStringLiteral("--limit"), parser.value(limitOpt), 0);
        if (!v)
            return ctx.report(v.error());
        limit = *v;
    }
    const QString stream = parser.value(streamOpt);
    const QString type = parser.value(typeOpt);

    auto store = openStore(ctx, Access::Read);
    if (!store)
        return ctx.report(store.error());

    qint64 printed = 0;
    const auto print = [&](const RecordedEvent &e) {
        if (limit >= 0 && printed >= limit)
            return false;
        if (e.position < from || (!type.isEmpty() && e.type != type) || (!stream.isEmpty() && e.streamId != stream))
            return true;
        *ctx.out << QString::fromUtf8(QJsonDocument(e.toJson()).toJson(QJsonDocument::Compact)) << '\n';
        ++printed;
        return true;
    };

    if (!stream.isEmpty()) {
        auto events = (*store)->readStream(ctx.tenantId, stream);
        if (!events)
            return ctx.report(events.error());
        for (const RecordedEvent &e : *events) {
            if (!print(e))
                break;
        }
    } else {
        Status s = (*store)->scan(ctx.tenantId, from, -1, print);
        if (!s)
            return ctx.report(s.error());
    }
    ctx.out->flush();
    return 0;
}

} // namespace Billstream::Cli
