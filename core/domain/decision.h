#pragma once

#include "core/es/eventstore.h"

#include <QUuid>

namespace Billstream {

// What decide() returns: the events for the command's own stream and whatever else must be
// written in the same atomic append (the number sequence, unique claims).
struct Decision
{
    QList<NewEvent> events;
    QList<StreamAppend> otherStreams;
    QList<UniqueClaim> claims;
    QList<UniqueClaim> releases;
};

inline NewEvent makeEvent(const QString &type, const QJsonObject &payload = {})
{
    return NewEvent{type, payload, 1};
}

// A refusal of the aggregate level (DOMAIN.md level 2) that concerns no single field.
inline Error refusal(const QString &message)
{
    return Error::validation(message);
}

// Several violations at once, as one error; the message names them all.
inline Error refusal(const QList<Violation> &violations)
{
    QStringList messages;
    for (const Violation &v : violations)
        messages << (v.field.isEmpty() ? v.message : v.field + QStringLiteral(": ") + v.message);
    return Error::validation(messages.join(QStringLiteral("; ")), violations);
}

inline QString newUuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

} // namespace Billstream
