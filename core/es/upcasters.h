#pragma once

#include "core/es/event.h"

#include <QHash>

#include <functional>

namespace Billstream {

// Old event shapes are brought up to date on read, in a chain (v1 → v2 → v3 …);
// stored events are never rewritten.
class Upcasters
{
public:
    // Turns the payload of `type` at `fromSchemaVersion` into schema fromSchemaVersion + 1.
    using Transform = std::function<QJsonObject(const QJsonObject &payload)>;

    void add(const QString &type, int fromSchemaVersion, Transform transform);
    // The event with its payload upcast to the newest schema registered for its type.
    RecordedEvent upcast(RecordedEvent event) const;
    bool isEmpty() const { return m_transforms.isEmpty(); }

private:
    QHash<QString, QHash<int, Transform>> m_transforms;
};

} // namespace Billstream
