#include "ui/mainwindow/mainwindow.h"

#include <billstream/version.h>

#include <QApplication>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace Billstream;

class TestMainWindow : public QObject
{
    Q_OBJECT
private slots:
    void opensWithStoreInTitleAndMenus()
    {
        QTemporaryDir dir;
        MainWindow w(dir.filePath(QStringLiteral("books.sqlite")));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.windowTitle().contains(QStringLiteral("books.sqlite")));
        QStringList menus;
        for (QAction *a : w.menuBar()->actions())
            menus << a->text().remove(QLatin1Char('&'));
        QCOMPARE(menus, (QStringList{QStringLiteral("File"), QStringLiteral("Edit"), QStringLiteral("View"),
                                     QStringLiteral("Help")}));
    }

    void aboutShowsVersion()
    {
        QTemporaryDir dir;
        MainWindow w(dir.filePath(QStringLiteral("store.sqlite")));
        w.show();
        auto *about = w.findChild<QAction *>(QStringLiteral("actionAbout"));
        QVERIFY(about);
        about->trigger();
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = w.findChild<QMessageBox *>(QStringLiteral("aboutBox"))) != nullptr);
        QVERIFY(box->text().contains(QStringLiteral(BILLSTREAM_VERSION)));
        box->accept();
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
