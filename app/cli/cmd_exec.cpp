#include "app/cli/cli.h"
#include "app/cli/storeaccess.h"

#include "core/domain/invoicingservice.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QStringDecoder>

#include <cstdio>
#include <unistd.h>

namespace Billstream::Cli {

namespace {

Result<QByteArray> readInput(const QString &source)
{
    QFile file;
    if (source.isEmpty() || source == QStringLiteral("-")) {
        if (!file.open(stdin, QIODevice::ReadOnly))
            return fail(Error::failure(QStringLiteral("cannot read standard input")));
    } else {
        file.setFileName(source);
        if (!file.open(QIODevice::ReadOnly))
            return fail(Error::usage(QStringLiteral("cannot read %1: %2").arg(source, file.errorString())));
    }
    return file.readAll();
}

// The whole input as commands: one JSON object (it may span lines), or JSON lines.
Result<QList<QJsonObject>> parseCommands(const QByteArray &input)
{
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = utf8(input);
    if (utf8.hasError())
        return fail(Error::usage(QStringLiteral("the input is not valid UTF-8")));

    QJsonParseError whole{};
    const QJsonDocument doc = QJsonDocument::fromJson(input, &whole);
    if (whole.error == QJsonParseError::NoError) {
        if (!doc.isObject())
            return fail(Error::usage(QStringLiteral("the input must be a JSON object or JSON lines of objects")));
        return QList<QJsonObject>{doc.object()};
    }

    QList<QJsonObject> commands;
    const QList<QByteArray> lines = input.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        if (line.isEmpty())
            continue;
        QJsonParseError err{};
        const QJsonDocument lineDoc = QJsonDocument::fromJson(line, &err);
        if (err.error != QJsonParseError::NoError)
            return fail(Error::usage(QStringLiteral("malformed JSON on line %1 at column %2: %3")
                                         .arg(i + 1)
                                         .arg(err.offset + 1)
                                         .arg(err.errorString())));
        if (!lineDoc.isObject())
            return fail(Error::usage(QStringLiteral("line %1 is not a JSON object").arg(i + 1)));
        commands << lineDoc.object();
    }
    if (commands.isEmpty())
        return fail(Error::usage(QStringLiteral("no command in the input")));
    return commands;
}

QString actorName()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = QString::number(getuid());
    return QStringLiteral("cli:") + user;
}

} // namespace

// `exec [FILE|-]`: reads all commands first, then runs them in order, each in its own
// transaction, printing every resulting event; the first failure stops the run.
int runExec(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("Commands as JSON (default: standard input)."));
    if (auto code = parseArguments(ctx, parser, QStringLiteral("exec"), args, 0, 1))
        return *code;
    const QStringList positional = parser.positionalArguments();

    auto input = readInput(positional.value(0));
    if (!input)
        return ctx.report(input.error());
    auto commands = parseCommands(*input);
    if (!commands)
        return ctx.report(commands.error());

    auto store = openStore(ctx, Access::Write);
    if (!store)
        return ctx.report(store.error());
    SystemClock clock;
    InvoicingService service(**store, clock);
    const QString actor = actorName();
    for (const QJsonObject &command : std::as_const(*commands)) {
        auto result = service.execute(ctx.tenantId, command, actor);
        if (!result)
            return ctx.report(result.error());
        for (const RecordedEvent &e : std::as_const(result->events))
            *ctx.out << QString::fromUtf8(QJsonDocument(e.toJson()).toJson(QJsonDocument::Compact)) << '\n';
        ctx.out->flush();
    }
    return 0;
}

// `state invoice|customer ID [--version N | --as-of TIME]`
int runState(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption versionOpt(QStringLiteral("version"), QStringLiteral("At this version."), QStringLiteral("N"));
    const QCommandLineOption asOfOpt(QStringLiteral("as-of"), QStringLiteral("As recorded at this time."), QStringLiteral("TIME"));
    parser.addOptions({versionOpt, asOfOpt});
    parser.addPositionalArgument(QStringLiteral("kind"), QStringLiteral("invoice or customer"));
    parser.addPositionalArgument(QStringLiteral("id"), QStringLiteral("The aggregate id."));
    if (auto code = parseArguments(ctx, parser, QStringLiteral("state"), args, 2, 2))
        return *code;
    const QString kind = parser.positionalArguments().at(0);
    const QString id = parser.positionalArguments().at(1);
    if (kind != QStringLiteral("invoice") && kind != QStringLiteral("customer"))
        return ctx.usage(QStringLiteral("state: '%1' is not invoice or customer").arg(kind));
    if (parser.isSet(versionOpt) && parser.isSet(asOfOpt))
        return ctx.usage(QStringLiteral("state: give --version or --as-of, not both"));

    LoadPoint at = LoadPoint::head();
    if (parser.isSet(versionOpt)) {
        auto v = parseCount(QStringLiteral("--version"), parser.value(versionOpt), 1);
        if (!v)
            return ctx.report(v.error());
        at = LoadPoint::version(*v);
    } else if (parser.isSet(asOfOpt)) {
        auto t = parseTime(QStringLiteral("--as-of"), parser.value(asOfOpt));
        if (!t)
            return ctx.report(t.error());
        at = LoadPoint::asOf(*t);
    }

    auto store = openStore(ctx, Access::Read);
    if (!store)
        return ctx.report(store.error());
    SystemClock clock;
    InvoicingService service(**store, clock);
    auto state = kind == QStringLiteral("invoice") ? service.invoiceState(ctx.tenantId, id, at)
                                                   : service.customerState(ctx.tenantId, id, at);
    if (!state)
        return ctx.report(state.error());
    *ctx.out << QString::fromUtf8(QJsonDocument(*state).toJson(QJsonDocument::Compact)) << '\n';
    return 0;
}

} // namespace Billstream::Cli
