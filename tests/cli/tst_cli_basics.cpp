#include "clirunner.h"

#include <billstream/version.h>

#include <QtTest>

class TestCliBasics : public QObject
{
    Q_OBJECT
private slots:
    void versionPrintsVersion()
    {
        const CliRun r = runCli({QStringLiteral("--version")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.outText().trimmed(), QStringLiteral("billstream-cli " BILLSTREAM_VERSION));
    }

    void helpListsUsage()
    {
        const CliRun r = runCli({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.outText().contains(QStringLiteral("--store")));
        QVERIFY(r.outText().contains(QStringLiteral("--tenant")));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("unknown subcommand") << QStringList{QStringLiteral("nonsense")} << QStringLiteral("nonsense");
        QTest::newRow("unknown option") << QStringList{QStringLiteral("--frobnicate")} << QStringLiteral("frobnicate");
        QTest::newRow("no subcommand") << QStringList{} << QStringLiteral("subcommand");
        QTest::newRow("bad tenant") << QStringList{QStringLiteral("--tenant"), QStringLiteral("a b"), QStringLiteral("events")}
                                    << QStringLiteral("tenant");
    }

    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        const CliRun r = runCli(args);
        QCOMPARE(r.exitCode, 64);
        const QString err = r.errText();
        QCOMPARE(err.count(QLatin1Char('\n')), 1); // one line
        QVERIFY2(err.startsWith(QStringLiteral("error: UsageError: ")), qPrintable(err));
        QVERIFY2(err.contains(mentions), qPrintable(err));
        QVERIFY(r.out.isEmpty());
    }

    void jsonErrors()
    {
        const CliRun r = runCli({QStringLiteral("--json"), QStringLiteral("nonsense")});
        QCOMPARE(r.exitCode, 64);
        const QJsonObject o = QJsonDocument::fromJson(r.err).object();
        QCOMPARE(o.value(QStringLiteral("error")).toString(), QStringLiteral("UsageError"));
        QVERIFY(o.value(QStringLiteral("message")).toString().contains(QStringLiteral("nonsense")));
    }
};

QTEST_GUILESS_MAIN(TestCliBasics)
#include "tst_cli_basics.moc"
