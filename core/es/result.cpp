#include "core/es/result.h"

#include <QJsonArray>

namespace Billstream {

QString errorKindName(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Failure: return QStringLiteral("Failure");
    case ErrorKind::ValidationFailed: return QStringLiteral("ValidationFailed");
    case ErrorKind::ConcurrentModification: return QStringLiteral("ConcurrentModification");
    case ErrorKind::NotFound: return QStringLiteral("NotFound");
    case ErrorKind::StoreInconsistent: return QStringLiteral("StoreInconsistent");
    case ErrorKind::UsageError: return QStringLiteral("UsageError");
    }
    return QStringLiteral("Failure");
}

QString Error::toLine() const
{
    QString line = errorKindName(kind) + QStringLiteral(": ") + message;
    // Name every violated field, not only the first, so one run shows all that is wrong.
    if (violations.size() > 1 || (violations.size() == 1 && !message.contains(violations.first().field))) {
        QStringList parts;
        for (const Violation &v : violations)
            parts << v.field + QStringLiteral(": ") + v.message;
        line += QStringLiteral(" (") + parts.join(QStringLiteral("; ")) + QStringLiteral(")");
    }
    line.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return line;
}

QJsonObject Error::toJson() const
{
    QJsonObject o{{QStringLiteral("error"), errorKindName(kind)}, {QStringLiteral("message"), message}};
    if (!violations.isEmpty()) {
        QJsonArray arr;
        for (const Violation &v : violations)
            arr.append(QJsonObject{{QStringLiteral("field"), v.field}, {QStringLiteral("message"), v.message}});
        o.insert(QStringLiteral("violations"), arr);
    }
    for (auto it = details.begin(); it != details.end(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

} // namespace Billstream
