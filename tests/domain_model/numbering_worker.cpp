// A second process for tst_numbering_processes: opens the store and issues invoices through
// InvoicingService, one CreateInvoice + IssueInvoice pair at a time, printing
// "<invoiceId> <number>" after each issue has committed.
//
//   numbering_worker STORE TENANT CUSTOMER PREFIX COUNT ISSUE_DATE
//
// COUNT 0 means "until killed". Exit codes follow CLI.md's (the first failure's kind).
#include "core/domain/invoicingservice.h"
#include "core/es/sqliteeventstore.h"

#include <QCoreApplication>
#include <QJsonDocument>

#include <cstdio>

using namespace Billstream;

namespace {

QJsonObject command(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

int report(const Error &e)
{
    std::fprintf(stderr, "numbering_worker: %s\n", qPrintable(e.toLine()));
    return e.exitCode();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 7) {
        std::fprintf(stderr, "usage: numbering_worker STORE TENANT CUSTOMER PREFIX COUNT ISSUE_DATE\n");
        return 64;
    }
    const QString tenant = args[2];
    const QString customer = args[3];
    const QString prefix = args[4];
    const int count = args[5].toInt();
    const QString issueDate = args[6];

    SystemClock clock;
    StoreOptions options;
    options.quickCheckOnOpen = false;
    auto store = SqliteEventStore::open(args[1], options);
    if (!store)
        return report(store.error());
    InvoicingService service(**store, clock);

    for (int i = 1; count == 0 || i <= count; ++i) {
        const QString id = QStringLiteral("%1-%2").arg(prefix).arg(i);
        const auto created = service.execute(
            tenant,
            command(QStringLiteral(R"({"command":"CreateInvoice","aggregateId":"%1","payload":{"customerId":"%2",
                "lineItems":[{"description":"Work","quantity":"1","unitPrice":"%3.00"}]}})").arg(id, customer).arg(i)),
            QStringLiteral("worker:") + prefix);
        if (!created)
            return report(created.error());
        // The service rebases lost races on the shared sequence itself; a ConcurrentModification
        // reaching us means it gave up, so try again as a user would.
        for (int attempt = 1;; ++attempt) {
            const auto issued = service.execute(
                tenant,
                command(QStringLiteral(R"({"command":"IssueInvoice","aggregateId":"%1","payload":{"issueDate":"%2"}})").arg(id, issueDate)),
                QStringLiteral("worker:") + prefix);
            if (issued) {
                QString number;
                for (const RecordedEvent &e : issued->events) {
                    if (e.type == QLatin1String("InvoiceNumberAssigned"))
                        number = e.payload.value(QStringLiteral("number")).toString();
                }
                std::printf("%s %s\n", qPrintable(id), qPrintable(number));
                std::fflush(stdout);
                break;
            }
            if (issued.error().kind != ErrorKind::ConcurrentModification || attempt >= 100)
                return report(issued.error());
            std::fprintf(stderr, "numbering_worker: %s retried after a lost race\n", qPrintable(id));
        }
    }
    return 0;
}
