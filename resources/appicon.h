#pragma once

#include <QIcon>

namespace Billstream {

// The application icon from the compiled-in resources (billstream_icons), one pixmap per
// hicolor size, so windows get a sharp icon without the SVG icon engine plugin.
QIcon applicationIcon();

} // namespace Billstream
