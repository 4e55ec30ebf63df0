// Installs the translators for the user's locale as soon as the QCoreApplication exists, in
// every program that links billstream_translations (billstream and billstream-cli), so the
// mains need no code for it. The .qm files are compiled in under :/i18n (qt_add_translations
// in resources/CMakeLists.txt): an installed program never looks into the source tree.
#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace {

void installTranslators()
{
    QCoreApplication *app = QCoreApplication::instance();
    const QLocale locale;

    // Qt's own strings (standard buttons, QCommandLineParser) from the Qt installation.
    auto *qt = new QTranslator(app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;

    auto *own = new QTranslator(app);
    if (own->load(locale, QStringLiteral("billstream"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(own);
    else
        delete own;
}

} // namespace

Q_COREAPP_STARTUP_FUNCTION(installTranslators)
