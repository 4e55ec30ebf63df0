// billstream-bench: runs each scenario several times after a warm-up, interleaving Billstream
// and the bare-SQLite baseline (A B A B …), and prints medians with the ratio to the baseline.
#include "bench.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QSysInfo>
#include <QTextStream>

#include <cmath>
#include <cstdio>

namespace Bench {

double Figure::ratio() const
{
    if (baseline <= 0 || value <= 0)
        return 0;
    return lowerIsBetter ? value / baseline : baseline / value;
}

bool Figure::holds() const
{
    if (goal <= 0)
        return true;
    if (baseline > 0)
        return ratio() <= goal;
    return lowerIsBetter ? value <= goal : value >= goal;
}

QJsonObject Figure::toJson() const
{
    QJsonObject o{{QStringLiteral("scenario"), scenario}, {QStringLiteral("metric"), metric},
                  {QStringLiteral("value"), std::round(value * 10) / 10}};
    if (baseline > 0) {
        o.insert(QStringLiteral("baseline"), std::round(baseline * 10) / 10);
        o.insert(QStringLiteral("ratio"), std::round(ratio() * 100) / 100);
    }
    if (goal > 0)
        o.insert(QStringLiteral("goal"), goal);
    o.insert(QStringLiteral("holds"), holds());
    return o;
}

void removeStore(const QString &path)
{
    for (const char *suffix : {"", "-wal", "-shm"})
        QFile::remove(path + QLatin1String(suffix));
}

double median(QList<double> values) { return percentile(std::move(values), 0.5); }

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto index = qsizetype(std::ceil(p * double(values.size()))) - 1;
    return values.at(std::clamp<qsizetype>(index, 0, values.size() - 1));
}

QList<Scenario> &registry()
{
    static QList<Scenario> all;
    return all;
}

QByteArray samplePayload(qint64 i)
{
    return QStringLiteral(R"({"lineItemId":"li-%1","description":"Consulting services, week %2","quantity":"%3",)"
                          R"("unitPrice":"%4.50","taxRate":"19","discountPercent":"0"})")
        .arg(i)
        .arg(i % 52 + 1)
        .arg(i % 9 + 1)
        .arg(100 + i % 900)
        .toUtf8();
}

} // namespace Bench

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Billstream benchmarks beside bare SQLite."));
    parser.addHelpOption();
    const QCommandLineOption quickOpt(QStringLiteral("quick"), QStringLiteral("Smaller sizes (under two minutes)."));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("One JSON object per figure."));
    const QCommandLineOption scenarioOpt(QStringLiteral("scenario"), QStringLiteral("Only this scenario."),
                                         QStringLiteral("NAME"));
    const QCommandLineOption runsOpt(QStringLiteral("runs"), QStringLiteral("Runs per scenario (default 5)."),
                                     QStringLiteral("N"), QStringLiteral("5"));
    const QCommandLineOption dirOpt(QStringLiteral("dir"), QStringLiteral("Where to put the temporary stores."),
                                    QStringLiteral("DIR"));
    const QCommandLineOption demoOpt(QStringLiteral("demo-store"),
                                     QStringLiteral("Copy this demo store for the read-side scenarios instead of writing one."),
                                     QStringLiteral("FILE"));
    parser.addOptions({quickOpt, jsonOpt, scenarioOpt, runsOpt, dirOpt, demoOpt});
    parser.process(app);

    Bench::Options options;
    options.quick = parser.isSet(quickOpt);
    options.json = parser.isSet(jsonOpt);
    options.scenario = parser.value(scenarioOpt);
    options.runs = std::max(1, parser.value(runsOpt).toInt());
    options.demoStore = parser.value(demoOpt);

    QTextStream out(stdout);
    bool known = options.scenario.isEmpty();
    if (!options.json)
        out << QStringLiteral("%1 %2 %3 %4 %5 %6\n")
                   .arg(QStringLiteral("scenario"), -16)
                   .arg(QStringLiteral("metric"), -14)
                   .arg(QStringLiteral("billstream"), 12)
                   .arg(QStringLiteral("bare sqlite"), 12)
                   .arg(QStringLiteral("ratio"), 7)
                   .arg(QStringLiteral("goal"));
    for (const Bench::Scenario &s : Bench::registry()) {
        if (!options.scenario.isEmpty() && s.name != options.scenario)
            continue;
        known = true;
        QTemporaryDir dir(parser.isSet(dirOpt) ? parser.value(dirOpt) + QStringLiteral("/bench-XXXXXX") : QString());
        const QList<Bench::Figure> figures = s.run(options, dir.path());
        for (const Bench::Figure &f : figures) {
            if (options.json) {
                out << QString::fromUtf8(QJsonDocument(f.toJson()).toJson(QJsonDocument::Compact)) << '\n';
            } else {
                const QString goal = f.goal <= 0 ? QString()
                    : f.baseline > 0 ? QStringLiteral("ratio <= %1 %2").arg(f.goal).arg(f.holds() ? QStringLiteral("holds") : QStringLiteral("MISSED"))
                                     : QStringLiteral("%1 %2 %3").arg(f.lowerIsBetter ? QStringLiteral("<=") : QStringLiteral(">=")).arg(f.goal).arg(f.holds() ? QStringLiteral("holds") : QStringLiteral("MISSED"));
                out << QStringLiteral("%1 %2 %3 %4 %5 %6\n")
                           .arg(f.scenario, -16)
                           .arg(f.metric, -14)
                           .arg(f.value, 12, 'f', 1)
                           .arg(f.baseline > 0 ? QString::number(f.baseline, 'f', 1) : QStringLiteral("-"), 12)
                           .arg(f.baseline > 0 ? QString::number(f.ratio(), 'f', 2) : QStringLiteral("-"), 7)
                           .arg(goal);
            }
            out.flush();
        }
    }
    if (!known) {
        QTextStream(stderr) << "unknown scenario " << options.scenario << '\n';
        return 64;
    }
    return 0;
}
