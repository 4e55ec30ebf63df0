#pragma once

#include <QDateTime>

#include <atomic>
#include <functional>

namespace Billstream {

// Where recorded times come from. Injectable so tests and the demo generator can set the time;
// the store still clamps it so times never decrease along the log.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual QDateTime nowUtc() const = 0;
};

class SystemClock final : public Clock
{
public:
    QDateTime nowUtc() const override { return QDateTime::currentDateTimeUtc(); }
};

// A clock that shows what it is told; thread-safe.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(QDateTime t = QDateTime::currentDateTimeUtc()) { set(t); }
    void set(const QDateTime &t) { m_msecs.store(t.toMSecsSinceEpoch()); }
    void advanceMSecs(qint64 ms) { m_msecs.fetch_add(ms); }
    QDateTime nowUtc() const override { return QDateTime::fromMSecsSinceEpoch(m_msecs.load(), Qt::UTC); }

private:
    std::atomic<qint64> m_msecs{0};
};

} // namespace Billstream
