#include "resources/appicon.h"

#include <billstream/version.h>

namespace Billstream {

QIcon applicationIcon()
{
    QIcon icon;
    for (const int size : {16, 32, 48, 64, 128, 256}) {
        icon.addFile(QStringLiteral(":/icons/%1x%1/" BILLSTREAM_APP_ID ".png").arg(size), QSize(size, size));
    }
    return icon;
}

} // namespace Billstream
