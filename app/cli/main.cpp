// billstream-cli: the scriptable front end to the Billstream core (CLI.md).
#include "app/cli/cli.h"

#include "core/es/storelocation.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    const QStringList arguments = Billstream::Cli::argumentList(argc, argv);
    const std::unique_ptr<QCoreApplication> app = Billstream::Cli::makeApplication(argc, argv);
    Billstream::setApplicationIdentity();
    QTextStream out(stdout);
    QTextStream err(stderr);
    return Billstream::Cli::run(arguments, out, err);
}
