// billstream: the desktop application.
#include "core/es/storelocation.h"
#include "resources/appicon.h"
#include "ui/mainwindow/mainwindow.h"

#include <billstream/version.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

namespace {

// --smoke-test: proves an installed package starts. Opens the main window on a throwaway store,
// lets the event loop run briefly, closes it and reports.
int runSmokeTest()
{
    QTemporaryDir dir;
    if (!dir.isValid()) {
        std::fprintf(stderr, "smoke test failed: no temporary folder: %s\n", qPrintable(dir.errorString()));
        return 1;
    }
    Billstream::MainWindow window(dir.filePath(QStringLiteral("smoke.sqlite")));
    window.show();
    QTimer::singleShot(300, &window, &QWidget::close);
    // Should closing the window not end the event loop, fail rather than hang.
    QTimer::singleShot(10000, &window, [] { QCoreApplication::exit(1); });
    if (QApplication::exec() != 0) {
        std::fputs("smoke test failed: closing the main window did not end the event loop\n", stderr);
        return 1;
    }
    if (QApplication::windowIcon().isNull()) {
        std::fputs("smoke test failed: the application icon is missing from the resources\n", stderr);
        return 1;
    }
    std::puts("smoke test ok");
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    Billstream::setApplicationIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("Billstream"));
    QApplication::setDesktopFileName(QStringLiteral(BILLSTREAM_APP_ID));
    QApplication::setWindowIcon(Billstream::applicationIcon());

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Billstream, a desktop invoice manager."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption storeOption(QStringLiteral("store"),
        QApplication::translate("main", "The store file (default: $BILLSTREAM_STORE, else the data folder)."),
        QStringLiteral("PATH"));
    parser.addOption(storeOption);
    const QCommandLineOption smokeTestOption(QStringLiteral("smoke-test"),
        QApplication::translate("main", "Opens the main window on a temporary store, closes it and exits."));
    parser.addOption(smokeTestOption);
    // The desktop file passes a store file opened from the file manager as FILE (Exec=billstream %f).
    parser.addPositionalArgument(QStringLiteral("file"),
        QApplication::translate("main", "The store file to open (like --store)."), QStringLiteral("[FILE]"));
    parser.process(app);

    if (parser.isSet(smokeTestOption))
        return runSmokeTest();

    const QStringList files = parser.positionalArguments();
    if (files.size() > 1) {
        std::fputs("billstream: one store file at a time, please\n", stderr);
        return 64;
    }
    const QString storePath = Billstream::resolveStorePath(files.isEmpty() ? parser.value(storeOption) : files.first());
    Billstream::MainWindow window(storePath);
    window.show();
    return QApplication::exec();
}
