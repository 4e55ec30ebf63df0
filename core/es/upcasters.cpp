#include "core/es/upcasters.h"

namespace Billstream {

void Upcasters::add(const QString &type, int fromSchemaVersion, Transform transform)
{
    m_transforms[type].insert(fromSchemaVersion, std::move(transform));
}

RecordedEvent Upcasters::upcast(RecordedEvent event) const
{
    const auto chain = m_transforms.constFind(event.type);
    if (chain == m_transforms.cend())
        return event;
    for (auto step = chain->constFind(event.schemaVersion); step != chain->cend();
         step = chain->constFind(event.schemaVersion)) {
        event.payload = (*step)(event.payload);
        ++event.schemaVersion;
    }
    return event;
}

} // namespace Billstream
