#pragma once

#include "core/es/result.h"

#include <QCommandLineParser>
#include <QStringList>
#include <QTextStream>

#include <functional>
#include <memory>
#include <optional>

class QCoreApplication;

namespace Billstream::Cli {

// What every subcommand gets: the global options of CLI.md and the output streams.
struct Context
{
    QString storePath;
    QString tenantId = QStringLiteral("default");
    bool json = false;
    QTextStream *out = nullptr;
    QTextStream *err = nullptr;

    // Prints `error: <Kind>: <message>` (or the JSON object with --json) and returns the exit code.
    int report(const Error &error) const;
    int usage(const QString &message) const { return report(Error::usage(message)); }
};

struct Subcommand
{
    QString name;
    QString synopsis;     // one line for --help
    std::function<int(Context &, const QStringList &args)> run;
};

// Parses a subcommand's own arguments (args[0] is not the subcommand name); unknown options
// and a wrong number of positional arguments are UsageErrors. Returns an exit code on failure.
std::optional<int> parseArguments(const Context &ctx, QCommandLineParser &parser, const QString &name,
                                  const QStringList &args, int minPositional, int maxPositional);

// The subcommands, each in its cmd_*.cpp.
int runEvents(Context &ctx, const QStringList &args);
int runVerify(Context &ctx, const QStringList &args);
int runList(Context &ctx, const QStringList &args);
int runRebuild(Context &ctx, const QStringList &args);
int runDemo(Context &ctx, const QStringList &args);
int runExec(Context &ctx, const QStringList &args);
int runState(Context &ctx, const QStringList &args);
int runPdf(Context &ctx, const QStringList &args);
int runSend(Context &ctx, const QStringList &args);

// The application object for a command line (cmd_pdf.cpp): pdf and send lay out text, which
// needs a QGuiApplication (offscreen, given no arguments of its own); the rest a QCoreApplication.
std::unique_ptr<QCoreApplication> makeApplication(int &argc, char **argv);
// The command line as given, decoded like QCoreApplication::arguments().
QStringList argumentList(int argc, char **argv);

// The registered subcommands, in the order --help lists them.
const QList<Subcommand> &subcommands();

// Parses the global options and runs one subcommand; returns the process exit code.
int run(const QStringList &arguments, QTextStream &out, QTextStream &err);

} // namespace Billstream::Cli
