#pragma once

#include "core/es/event.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>

#include <functional>

namespace Billstream {

// One line of the history panel.
struct HistoryEntry
{
    qint64 version = 0;
    qint64 position = 0;
    QDateTime recordedAt;
    QString type;
    QString actor;
    QString sentence;
};

// The versions of one aggregate, folded once: the events as a list with their sentences, and
// states kept every `Stride` versions so any version is at most Stride-1 folds away. New events
// extend it in place (no reload), so scrubbing an invoice with 1,000 events stays smooth.
// States are immutable values (STYLE.md 8): a version is shown, never a live object mutated.
template<typename State>
class Timeline
{
public:
    static constexpr int Stride = 32;
    using Evolve = std::function<State(State, const RecordedEvent &)>;
    using Describe = std::function<QString(const RecordedEvent &, const State &, const State &)>;

    Timeline(State initial, Evolve evolve, Describe describe)
        : m_initial(std::move(initial))
        , m_evolve(std::move(evolve))
        , m_describe(std::move(describe))
        , m_head(m_initial)
    {}

    // Appends events after the last one known (their versions must follow on).
    void extend(const QList<RecordedEvent> &events)
    {
        for (const RecordedEvent &e : events) {
            if (e.version != m_events.size() + 1)
                continue;
            State next = m_evolve(m_head, e);
            m_entries.append(HistoryEntry{e.version, e.position, e.recordedAt, e.type, e.metadata.actor,
                                          m_describe(e, m_head, next)});
            m_events.append(e);
            m_head = std::move(next);
            if (e.version % Stride == 0)
                m_checkpoints.insert(e.version, m_head);
        }
    }

    qint64 headVersion() const { return m_events.size(); }
    const QList<HistoryEntry> &entries() const { return m_entries; }
    const RecordedEvent &event(qint64 version) const { return m_events.at(version - 1); }
    const State &head() const { return m_head; }

    // The state right after `version` (0: before the first event).
    State at(qint64 version) const
    {
        version = std::clamp<qint64>(version, 0, headVersion());
        if (version == headVersion())
            return m_head;
        if (version == m_cachedVersion)
            return m_cached;
        qint64 from = 0;
        State s = m_initial;
        if (auto it = m_checkpoints.upperBound(version); it != m_checkpoints.begin()) {
            --it;
            from = it.key();
            s = it.value();
        }
        // Scrubbing forward one step at a time folds one event from the last shown version.
        if (m_cachedVersion >= 0 && m_cachedVersion <= version && m_cachedVersion > from) {
            from = m_cachedVersion;
            s = m_cached;
        }
        for (qint64 v = from + 1; v <= version; ++v)
            s = m_evolve(std::move(s), m_events.at(v - 1));
        m_cachedVersion = version;
        m_cached = s;
        return s;
    }

    // The version an aggregate had at a position of the log (0 before it existed).
    qint64 versionAtPosition(qint64 position) const
    {
        qint64 v = 0;
        for (const RecordedEvent &e : m_events) {
            if (e.position > position)
                break;
            v = e.version;
        }
        return v;
    }

private:
    State m_initial;
    Evolve m_evolve;
    Describe m_describe;
    QList<RecordedEvent> m_events;
    QList<HistoryEntry> m_entries;
    QMap<qint64, State> m_checkpoints;
    State m_head;
    mutable qint64 m_cachedVersion = -1;
    mutable State m_cached;
};

} // namespace Billstream
