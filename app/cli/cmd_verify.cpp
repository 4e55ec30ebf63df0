#include "app/cli/cli.h"
#include "app/cli/storeaccess.h"

#include "core/projections/readside.h"

#include <QCommandLineParser>
#include <QFileInfo>

namespace Billstream::Cli {

// `verify [--anchor FILE]`: hash chain, contiguous versions, projections against a fresh
// rebuild, and the head against the anchor kept outside the store. Exit 5 on any finding.
int runVerify(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption anchorOpt(QStringLiteral("anchor"), QStringLiteral("The recorded head to compare with."),
                                       QStringLiteral("FILE"));
    parser.addOption(anchorOpt);
    if (auto code = parseArguments(ctx, parser, QStringLiteral("verify"), args, 0, 0))
        return *code;
    const QString anchor = parser.value(anchorOpt);
    if (!anchor.isEmpty() && !QFileInfo::exists(anchor))
        return ctx.report(Error::failure(QStringLiteral("--anchor: %1 does not exist").arg(anchor)));

    auto store = openStore(ctx, Access::Read);
    if (!store)
        return ctx.report(store.error());
    auto report = (*store)->verify(anchor);
    if (!report)
        return ctx.report(report.error());

    // Projections equal to a fresh rebuild (QUALITY.md). Attaching the read side first lets a
    // writable store's projections catch up with what writers without them appended.
    ReadSideOptions readOptions;
    readOptions.autoCatchUp = false;
    auto readSide = ReadSide::attach(**store, readOptions);
    if (!readSide)
        return ctx.report(readSide.error());
    auto projections = verifyProjections(**store, ReadSide::printProgress(*ctx.err, QStringLiteral("verify")));
    if (!projections)
        return ctx.report(projections.error());
    for (const QString &note : std::as_const(projections->notes))
        *ctx.out << QStringLiteral("note: ") << note << '\n';

    const QStringList problems = report->problems + projections->problems;
    if (!report->ok || !problems.isEmpty()) {
        for (const QString &p : problems)
            *ctx.out << QStringLiteral("problem: ") << p << '\n';
        QString message = QStringLiteral("the store %1 is inconsistent").arg(ctx.storePath);
        if (report->firstBrokenPosition > 0)
            message += QStringLiteral(": the hash chain breaks at position %1").arg(report->firstBrokenPosition);
        message += QStringLiteral(" (%1 problem(s))").arg(problems.size());
        return ctx.report(Error::inconsistent(message));
    }
    *ctx.out << QStringLiteral("ok: %1 events, head position %2, head hash %3\n")
                    .arg(report->eventsChecked)
                    .arg(report->headPosition)
                    .arg(QString::fromLatin1(report->headHash.toHex()));
    return 0;
}

} // namespace Billstream::Cli
