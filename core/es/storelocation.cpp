#include "core/es/storelocation.h"

#include <billstream/version.h>

#include <QCoreApplication>
#include <QRegularExpression>
#include <QStandardPaths>

namespace Billstream {

void setApplicationIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("billstream"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("billstream.org"));
    QCoreApplication::setApplicationName(QStringLiteral("billstream"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BILLSTREAM_VERSION));
}

QString resolveStorePath(const QString &explicitPath)
{
    if (!explicitPath.isEmpty())
        return explicitPath;
    const QString fromEnv = qEnvironmentVariable("BILLSTREAM_STORE");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/store.sqlite");
}

bool isValidIdentifier(const QString &id)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    return re.match(id).hasMatch();
}

} // namespace Billstream
