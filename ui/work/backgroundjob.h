#pragma once

#include "core/es/result.h"

#include <QString>

#include <functional>

class QWidget;

namespace Billstream {

class SqliteEventStore;
class Clock;

// Long work (rebuilding the lists, writing demo data) on a worker thread with its own
// connection to the store, while the window shows a progress dialog and keeps painting. The
// GUI's session sees the result through its change poll (another connection committed).
class BackgroundJob final
{
public:
    struct Context
    {
        SqliteEventStore &store;                              // the worker's own connection
        std::function<void(qint64 done, qint64 total)> progress;
        std::function<bool()> cancelled;                      // true once the user cancelled
    };
    using Work = std::function<Status(Context &)>;

    struct Options
    {
        QString title;
        QString label;
        bool cancellable = false;   // only where the work rolls back cleanly
        Clock *clock = nullptr;     // the worker store's clock (the demo drives a ManualClock)
        bool showDialog = true;     // tests run jobs without a dialog
    };

    // Runs `work` on a worker thread and waits in a local event loop; returns its status, or a
    // Failure("cancelled") after the user cancelled and the work rolled back.
    static Status run(QWidget *parent, const QString &storePath, const Options &options, const Work &work);
};

} // namespace Billstream
