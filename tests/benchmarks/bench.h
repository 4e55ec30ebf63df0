#pragma once

#include <QElapsedTimer>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QTemporaryDir>

#include <algorithm>
#include <functional>

// The pieces every scenario of billstream-bench shares.
namespace Bench {

struct Options
{
    bool quick = false;
    int runs = 5;
    QString scenario;   // empty: all
    bool json = false;
    // A store written earlier by `billstream-cli demo` (100,000 invoices, or 10,000 with --quick)
    // that the read-side scenarios copy instead of writing their own (which takes minutes).
    QString demoStore;
};

// One reported figure: Billstream's value beside the bare-SQLite baseline from the same run.
struct Figure
{
    QString scenario;
    QString metric;        // "p50_us", "events_per_s", "ms", "mb"
    double value = 0;
    double baseline = 0;   // 0: no baseline (absolute goal)
    double goal = 0;       // a ratio goal, or an absolute bound when baseline == 0
    bool lowerIsBetter = true;

    double ratio() const;  // cost over baseline cost: value/baseline for times, baseline/value for rates
    bool holds() const;
    QJsonObject toJson() const;
};

double median(QList<double> values);
double percentile(QList<double> values, double p);

inline double elapsedUs(const QElapsedTimer &t) { return double(t.nsecsElapsed()) / 1000.0; }

// Removes an SQLite file with its WAL and shared-memory files (left over by an earlier run in
// the same --dir, a store would be appended to instead of written anew).
void removeStore(const QString &path);

struct Scenario
{
    QString name;
    QString description;
    std::function<QList<Figure>(const Options &, const QString &workDir)> run;
};

QList<Scenario> &registry();
struct Register
{
    explicit Register(Scenario s) { registry().append(std::move(s)); }
};

// A JSON payload of a realistic size (an invoice line, roughly 200 bytes).
QByteArray samplePayload(qint64 i);

} // namespace Bench
