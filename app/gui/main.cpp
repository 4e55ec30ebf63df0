// billstream: the desktop application.
#include "core/es/storelocation.h"
#include "ui/mainwindow/mainwindow.h"

#include <billstream/version.h>

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    Billstream::setApplicationIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("Billstream"));
    QApplication::setDesktopFileName(QStringLiteral(BILLSTREAM_APP_ID));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Billstream, a desktop invoice manager."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption storeOption(QStringLiteral("store"),
        QApplication::translate("main", "The store file (default: $BILLSTREAM_STORE, else the data folder)."),
        QStringLiteral("PATH"));
    parser.addOption(storeOption);
    parser.process(app);

    const QString storePath = Billstream::resolveStorePath(parser.value(storeOption));
    Billstream::MainWindow window(storePath);
    window.show();
    return QApplication::exec();
}
