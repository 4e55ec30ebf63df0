// A second process for the event store tests: races appends against other processes, appends
// until it is killed, or probes a store with the rights of another user.
//
//   es_worker race STORE ANCHOR STREAM COUNT TAG   COUNT events to STREAM with exact expected
//                                                  versions, retrying on conflict
//   es_worker crash STORE ANCHOR PREFIX            commands of 3 events until killed; prints each
//                                                  command id once append has returned
//   es_worker probe STORE read|write [--as-nobody] opens the store, prints what it can do
#include "estestsupport.h"

#include <QCoreApplication>

#include <cstdio>

#include <grp.h>
#include <unistd.h>

using namespace Billstream;

namespace {

void say(const QString &line)
{
    std::fputs(qPrintable(line + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

int fatal(const QString &what, const Error &e)
{
    std::fprintf(stderr, "es_worker: %s: %s\n", qPrintable(what), qPrintable(e.toLine()));
    return 2;
}

int race(const QStringList &args)
{
    StoreOptions options;
    options.anchorPath = args.value(3);
    options.busyTimeoutMs = 30000;
    auto store = SqliteEventStore::open(args.value(2), options);
    if (!store)
        return fatal(QStringLiteral("open"), store.error());
    const QString stream = args.value(4);
    const int count = args.value(5).toInt();
    const QString tag = args.value(6);
    int conflicts = 0;
    for (int i = 0; i < count;) {
        const Result<qint64> version = (*store)->streamVersion(QStringLiteral("t"), stream);
        if (!version)
            return fatal(QStringLiteral("version"), version.error());
        const AppendRequest r = EsTest::request(
            QStringLiteral("t"), QStringLiteral("counter"), stream, ExpectedVersion::exact(*version),
            {EsTest::newEvent(QStringLiteral("Counted"), {{QStringLiteral("worker"), tag}, {QStringLiteral("i"), i}})});
        const Result<AppendResult> appended = (*store)->append(r);
        if (appended) {
            ++i;
        } else if (appended.error().kind == ErrorKind::ConcurrentModification) {
            ++conflicts;
        } else {
            return fatal(QStringLiteral("append"), appended.error());
        }
    }
    say(QStringLiteral("conflicts %1").arg(conflicts));
    return 0;
}

int crash(const QStringList &args)
{
    StoreOptions options;
    options.anchorPath = args.value(3);
    options.busyTimeoutMs = 30000;
    auto store = SqliteEventStore::open(args.value(2), options);
    if (!store)
        return fatal(QStringLiteral("open"), store.error());
    if (Status s = (*store)->registerInlineProjection(std::make_shared<EsTest::CountProjection>()); !s)
        return fatal(QStringLiteral("register"), s.error());
    const QString prefix = args.value(4);
    for (qint64 n = 0;; ++n) {
        const QString commandId = QStringLiteral("%1-%2").arg(prefix).arg(n);
        const QString stream = QStringLiteral("s%1").arg(n % 7);
        const QJsonObject payload{{QStringLiteral("command"), commandId},
                                  {QStringLiteral("text"), QString(200, QLatin1Char('x'))}};
        const AppendRequest r = EsTest::request(
            QStringLiteral("t"), QStringLiteral("counter"), stream, ExpectedVersion::any(),
            {EsTest::newEvent(QStringLiteral("A"), payload), EsTest::newEvent(QStringLiteral("B"), payload),
             EsTest::newEvent(QStringLiteral("C"), payload)},
            commandId, commandId.toUtf8());
        const Result<AppendResult> appended = (*store)->append(r);
        if (!appended)
            return fatal(QStringLiteral("append"), appended.error());
        say(commandId);
    }
}

int probe(const QStringList &args)
{
    const bool readOnly = args.value(3) == QLatin1String("read");
    StoreOptions options;
    options.readOnly = readOnly;
    options.recordAnchor = false;
    auto store = SqliteEventStore::open(args.value(2), options);
    if (!store) {
        say(QStringLiteral("open-error %1").arg(store.error().toLine()));
        return 0;
    }
    const Result<qint64> head = (*store)->headPosition();
    const Result<QList<RecordedEvent>> all = (*store)->readAllTenants(1, 0);
    say(QStringLiteral("readonly %1").arg((*store)->isReadOnly() ? 1 : 0));
    say(head && all ? QStringLiteral("head %1 events %2").arg(*head).arg(all->size())
                    : QStringLiteral("read-error %1").arg((head ? all.error() : head.error()).toLine()));
    const Result<AppendResult> appended = (*store)->append(EsTest::request(
        QStringLiteral("t"), QStringLiteral("counter"), QStringLiteral("probe"), ExpectedVersion::any(),
        {EsTest::newEvent(QStringLiteral("Probed"))}));
    say(appended ? QStringLiteral("appended") : QStringLiteral("append-error %1").arg(appended.error().toLine()));
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    // Drop root's rights before anything else: permission tests mean nothing to root.
    for (int i = 1; i < argc; ++i) {
        if (qstrcmp(argv[i], "--as-nobody") == 0 && ::geteuid() == 0) {
            if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0) {
                std::perror("es_worker: dropping privileges");
                return 3;
            }
        }
    }
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    const QString mode = args.value(1);
    if (mode == QLatin1String("race"))
        return race(args);
    if (mode == QLatin1String("crash"))
        return crash(args);
    if (mode == QLatin1String("probe"))
        return probe(args);
    std::fprintf(stderr, "usage: es_worker race|crash|probe ...\n");
    return 64;
}
