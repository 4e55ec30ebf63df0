#include "app/cli/cli.h"

#include "core/es/storelocation.h"

#include <billstream/version.h>

#include <QCommandLineParser>
#include <QJsonDocument>

namespace Billstream::Cli {

int Context::report(const Error &error) const
{
    if (json)
        *err << QString::fromUtf8(QJsonDocument(error.toJson()).toJson(QJsonDocument::Compact)) << '\n';
    else
        *err << QStringLiteral("error: ") << error.toLine() << '\n';
    err->flush();
    out->flush();
    return error.exitCode();
}

std::optional<int> parseArguments(const Context &ctx, QCommandLineParser &parser, const QString &name,
                                  const QStringList &args, int minPositional, int maxPositional)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    if (!parser.parse(QStringList{name} + args))
        return ctx.usage(name + QStringLiteral(": ") + parser.errorText());
    const qsizetype n = parser.positionalArguments().size();
    if (n < minPositional)
        return ctx.usage(QStringLiteral("%1: missing argument; usage: billstream-cli %1 %2")
                             .arg(name, parser.positionalArguments().isEmpty() ? QStringLiteral("…") : QString()));
    if (maxPositional >= 0 && n > maxPositional)
        return ctx.usage(QStringLiteral("%1: unexpected argument '%2'").arg(name, parser.positionalArguments().at(maxPositional)));
    return std::nullopt;
}

namespace {

QString helpText(const QCommandLineParser &parser)
{
    QString text = parser.helpText();
    text += QStringLiteral("\nSubcommands:\n");
    for (const Subcommand &s : subcommands())
        text += QStringLiteral("  ") + s.name.leftJustified(10) + QLatin1Char(' ') + s.synopsis + QLatin1Char('\n');
    text += QStringLiteral("\nExit codes: 0 success, 1 failure, 2 validation failed, 3 concurrent modification,\n"
                           "4 not found, 5 store inconsistent, 64 usage error.\n");
    return text;
}

} // namespace

int run(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    Context ctx;
    ctx.out = &out;
    ctx.err = &err;

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("billstream-cli: the scriptable front end of Billstream."));
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    const QCommandLineOption storeOpt(QStringLiteral("store"), QStringLiteral("The store file."), QStringLiteral("PATH"));
    const QCommandLineOption tenantOpt(QStringLiteral("tenant"), QStringLiteral("The tenant id (default: default)."),
                                       QStringLiteral("ID"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Errors as JSON objects."));
    const QCommandLineOption helpOpt({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Shows this help."));
    const QCommandLineOption versionOpt({QStringLiteral("v"), QStringLiteral("version")},
                                        QStringLiteral("Shows the version."));
    parser.addOptions({storeOpt, tenantOpt, jsonOpt, helpOpt, versionOpt});
    parser.addPositionalArgument(QStringLiteral("subcommand"), QStringLiteral("What to do (see below)."),
                                 QStringLiteral("SUBCOMMAND [ARGS]"));

    // --json must shape the error of a bad option too, so look for it before parsing.
    ctx.json = arguments.mid(1).contains(QStringLiteral("--json"));
    if (!parser.parse(arguments))
        return ctx.usage(parser.errorText());
    ctx.json = parser.isSet(jsonOpt);

    if (parser.isSet(helpOpt)) {
        out << helpText(parser);
        return 0;
    }
    if (parser.isSet(versionOpt)) {
        out << QStringLiteral("billstream-cli ") << QStringLiteral(BILLSTREAM_VERSION) << '\n';
        return 0;
    }
    if (parser.isSet(tenantOpt)) {
        ctx.tenantId = parser.value(tenantOpt);
        if (!isValidIdentifier(ctx.tenantId))
            return ctx.usage(QStringLiteral("--tenant: '%1' is not a tenant id (1-64 of A-Z a-z 0-9 . _ -)")
                                 .arg(ctx.tenantId));
    }
    ctx.storePath = resolveStorePath(parser.value(storeOpt));

    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return ctx.usage(QStringLiteral("no subcommand given; see billstream-cli --help"));
    const QString name = positional.first();
    for (const Subcommand &s : subcommands()) {
        if (s.name == name) {
            const int code = s.run(ctx, positional.mid(1));
            out.flush();
            err.flush();
            return code;
        }
    }
    return ctx.usage(QStringLiteral("unknown subcommand '%1'; see billstream-cli --help").arg(name));
}

} // namespace Billstream::Cli
