#include "ui/work/backgroundjob.h"

#include "core/es/sqliteeventstore.h"

#include <billstream/version.h>

#include <QEventLoop>
#include <QProgressDialog>
#include <QThread>
#include <QTimer>

#include <atomic>

namespace Billstream {

Status BackgroundJob::run(QWidget *parent, const QString &storePath, const Options &options, const Work &work)
{
    std::atomic<qint64> done{0};
    std::atomic<qint64> total{0};
    std::atomic<bool> cancel{false};
    Status status;

    QThread *thread = QThread::create([&] {
        StoreOptions storeOptions;
        storeOptions.clock = options.clock;
        storeOptions.appVersion = QStringLiteral(BILLSTREAM_VERSION);
        storeOptions.quickCheckOnOpen = false;   // the GUI's connection checked the file on open
        auto store = SqliteEventStore::open(storePath, storeOptions);
        if (!store) {
            status = fail(store.error());
            return;
        }
        Context ctx{**store,
                    [&](qint64 d, qint64 t) {
                        done.store(d);
                        total.store(t);
                    },
                    [&] { return cancel.load(); }};
        status = work(ctx);
    });

    QEventLoop loop;
    QObject::connect(thread, &QThread::finished, &loop, &QEventLoop::quit);
    QProgressDialog *dialog = nullptr;
    QTimer tick;
    if (options.showDialog) {
        dialog = new QProgressDialog(options.label, options.cancellable ? QObject::tr("Cancel") : QString(), 0, 0, parent);
        dialog->setObjectName(QStringLiteral("progressDialog"));
        dialog->setWindowTitle(options.title);
        dialog->setWindowModality(Qt::WindowModal);
        dialog->setMinimumDuration(300);
        dialog->setAutoClose(false);
        dialog->setAutoReset(false);
        if (!options.cancellable)
            dialog->setCancelButton(nullptr);
        QObject::connect(dialog, &QProgressDialog::canceled, dialog, [&cancel, dialog] {
            cancel.store(true);
            dialog->setLabelText(QObject::tr("Cancelling…"));
        });
        QObject::connect(&tick, &QTimer::timeout, dialog, [&, dialog] {
            const qint64 t = total.load();
            if (t > 0) {
                // QProgressDialog counts in int; scale large totals.
                const int scale = t > 1'000'000'000 ? 1000 : 1;
                dialog->setMaximum(int(t / scale));
                dialog->setValue(int(std::min(done.load(), t) / scale));
            }
        });
        tick.start(100);
    }
    thread->start();
    loop.exec();
    thread->wait();
    delete thread;
    tick.stop();
    delete dialog;
    // A cancel the work saw comes back as its own failure; one that came too late changes nothing.
    return status;
}

} // namespace Billstream
