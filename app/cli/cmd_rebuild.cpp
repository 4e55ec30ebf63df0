#include "app/cli/cli.h"
#include "app/cli/storeaccess.h"

#include "core/projections/readside.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>

namespace Billstream::Cli {

// `rebuild [NAME…]`: drops and rebuilds projections from the log, with progress on stderr.
int runRebuild(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("names"), QStringLiteral("Projections to rebuild (default: all)."),
                                 QStringLiteral("[NAME…]"));
    if (auto code = parseArguments(ctx, parser, QStringLiteral("rebuild"), args, 0, -1))
        return *code;
    const QStringList names = parser.positionalArguments();
    const QStringList known = ReadSide::projectionNames();
    for (const QString &n : names) {
        if (!known.contains(n)) {
            return ctx.usage(QStringLiteral("rebuild: unknown projection '%1'; the projections are %2")
                                 .arg(n, known.join(QStringLiteral(", "))));
        }
    }
    if (!QFileInfo::exists(ctx.storePath))
        return ctx.report(Error::notFound(QStringLiteral("the store %1 does not exist").arg(ctx.storePath)));
    auto store = openStore(ctx, Access::Write);
    if (!store)
        return ctx.report(store.error());
    if ((*store)->isReadOnly()) {
        return ctx.report(Error::failure(
            QStringLiteral("the store %1 is read-only; its projections cannot be rebuilt").arg(ctx.storePath)));
    }

    const ReadSide::Progress progress = ReadSide::printProgress(*ctx.err, QStringLiteral("rebuild"));
    ReadSideOptions options;
    options.autoCatchUp = false;
    options.catchUpAsync = false;  // the rebuild below replays them anyway
    auto readSide = ReadSide::attach(**store, progress, options);
    if (!readSide)
        return ctx.report(readSide.error());
    QElapsedTimer timer;
    timer.start();
    if (Status s = (*readSide)->rebuild(names, progress); !s)
        return ctx.report(s.error());
    // The async projections not named were left as they were; bring them to the head too.
    if (auto reached = (*readSide)->catchUp(); !reached)
        return ctx.report(reached.error());

    auto status = (*readSide)->status();
    if (!status)
        return ctx.report(status.error());
    const QStringList rebuilt = names.isEmpty() ? known : names;
    for (const ProjectionStatus &s : std::as_const(*status)) {
        *ctx.out << QStringLiteral("%1 %2 at position %3, %4 behind%5\n")
                        .arg(s.name.leftJustified(14))
                        .arg(s.isInline ? QStringLiteral("(inline)") : QStringLiteral("(async) "))
                        .arg(s.position)
                        .arg(s.lag)
                        .arg(rebuilt.contains(s.name) ? QStringLiteral(", rebuilt") : QString());
    }
    *ctx.err << QStringLiteral("rebuild: done in %1 s\n").arg(double(timer.elapsed()) / 1000.0, 0, 'f', 1);
    ctx.err->flush();
    ctx.out->flush();
    return 0;
}

} // namespace Billstream::Cli
