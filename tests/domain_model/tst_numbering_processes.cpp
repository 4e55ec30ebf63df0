// Invoice numbers across processes on one store file (QUALITY.md): two workers issuing at once
// get every number exactly once without gaps, and SIGKILL at random moments during issuing
// leaves no gap and no reservation without its issued invoice.
#include "domaintesthelpers.h"

#include "core/es/sqliteeventstore.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QThread>

using namespace Billstream;
using namespace Billstream::Testing;

namespace {

const QString Tenant = QStringLiteral("acme");
const QString IssueDate = QStringLiteral("2026-06-15");
const QString Sequence = QStringLiteral("invoice-number-2026");

} // namespace

class TstNumberingProcesses : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    QList<QProcess *> m_workers;

    std::unique_ptr<SqliteEventStore> openStore()
    {
        StoreOptions options;
        options.anchorPath = m_dir->filePath(QStringLiteral("anchor"));
        auto store = SqliteEventStore::open(m_path, options);
        if (!store)
            qFatal("cannot open the store: %s", qPrintable(store.error().toLine()));
        return std::move(*store);
    }

    QProcess *startWorker(const QString &prefix, int count)
    {
        auto *p = new QProcess(this);
        p->setProgram(QStringLiteral(NUMBERING_WORKER_PATH));
        p->setArguments({m_path, Tenant, QStringLiteral("c1"), prefix, QString::number(count), IssueDate});
        p->setProcessChannelMode(QProcess::SeparateChannels);
        p->start();
        if (!p->waitForStarted())
            qFatal("cannot start %s", NUMBERING_WORKER_PATH);
        m_workers << p;
        return p;
    }

    // "<invoiceId> <number>" lines a worker printed after each committed issue.
    static QHash<QString, QString> printed(QProcess *p)
    {
        QHash<QString, QString> out;
        QList<QByteArray> lines = p->readAllStandardOutput().split('\n');
        lines.removeLast();   // what follows the last newline is no complete line
        for (const QByteArray &line : lines) {
            const QList<QByteArray> parts = line.trimmed().split(' ');
            if (parts.size() == 2)
                out.insert(QString::fromUtf8(parts[0]), QString::fromUtf8(parts[1]));
        }
        return out;
    }

    // Checks the whole book and returns the issued invoices (number → invoice id).
    QHash<QString, QString> verifyBook()
    {
        QHash<QString, QString> issued;
        auto store = openStore();
        ManualClock clock(QDateTime(QDate(2026, 6, 15), QTime(12, 0), Qt::UTC));
        InvoicingService service(*store, clock);

        const auto reservations = store->readStream(Tenant, Sequence);
        if (!reservations) {
            qWarning("%s", qPrintable(reservations.error().toLine()));
            return {};
        }
        QSet<QString> invoiceIds;
        for (qsizetype i = 0; i < reservations->size(); ++i) {
            const RecordedEvent &r = reservations->at(i);
            const qint64 seq = i + 1;
            const QString number = QStringLiteral("INV-2026-%1").arg(seq, 4, 10, QLatin1Char('0'));
            const QString invoiceId = r.payload.value(QStringLiteral("invoiceId")).toString();
            // No gap: versions and sequence numbers run 1, 2, 3, …
            if (r.version != seq || r.payload.value(QStringLiteral("seq")).toInteger() != seq
                || r.payload.value(QStringLiteral("number")).toString() != number) {
                qWarning("reservation %lld is %s", seq, qPrintable(compact(r.payload)));
                return {};
            }
            // Each reservation belongs to exactly one invoice, issued with exactly that number.
            if (invoiceIds.contains(invoiceId)) {
                qWarning("invoice %s reserved two numbers", qPrintable(invoiceId));
                return {};
            }
            invoiceIds.insert(invoiceId);
            const auto invoice = service.loadInvoice(Tenant, invoiceId);
            if (!invoice || invoice->state.status != InvoiceStatus::Issued || invoice->state.number != number) {
                qWarning("reservation %s for %s does not match its invoice", qPrintable(number), qPrintable(invoiceId));
                return {};
            }
            issued.insert(number, invoiceId);
        }
        // And no issued invoice without a reservation.
        int issuedInvoices = 0;
        const Status scanned = store->scan(Tenant, 1, -1, [&](const RecordedEvent &e) {
            if (e.type == QLatin1String("InvoiceNumberAssigned"))
                ++issuedInvoices;
            return true;
        });
        if (!scanned || issuedInvoices != issued.size()) {
            qWarning("%d invoices were issued, %lld numbers reserved", issuedInvoices, qint64(issued.size()));
            return {};
        }
        return issued;
    }

private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_path = m_dir->filePath(QStringLiteral("store.sqlite"));
        auto store = openStore();
        SystemClock clock;
        InvoicingService service(*store, clock);
        const QString address = QStringLiteral(R"({"street":"Main St 1","postalCode":"10115","city":"Berlin","country":"DE"})");
        for (const QString &command : {QStringLiteral(R"({"command":"SetCompanyProfile","payload":{"name":"Lidan Ltd.","address":%1}})").arg(address),
                                       QStringLiteral(R"({"command":"SetInvoiceDefaults","payload":{"currency":"EUR","taxRate":"19"}})"),
                                       QStringLiteral(R"({"command":"CreateCustomer","aggregateId":"c1","payload":{"name":"Ann","email":"ann@example.com","address":%1}})").arg(address)}) {
            const auto r = service.execute(Tenant, json(command));
            QVERIFY2(r.has_value(), r ? "" : qPrintable(r.error().toLine()));
        }
    }

    void cleanup()
    {
        for (QProcess *p : std::as_const(m_workers)) {
            if (p->state() != QProcess::NotRunning) {
                p->kill();
                p->waitForFinished();
            }
            delete p;
        }
        m_workers.clear();
        m_dir.reset();
    }

    void twoProcessesIssueEveryNumberOnce()
    {
        QProcess *a = startWorker(QStringLiteral("a"), 200);
        QProcess *b = startWorker(QStringLiteral("b"), 200);
        for (QProcess *p : {a, b}) {
            QVERIFY(p->waitForFinished(10 * 60 * 1000));
            QVERIFY2(p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0, p->readAllStandardError().constData());
        }
        const QHash<QString, QString> fromA = printed(a);
        const QHash<QString, QString> fromB = printed(b);
        QCOMPARE(fromA.size(), 200);
        QCOMPARE(fromB.size(), 200);

        const QHash<QString, QString> issued = verifyBook();
        QCOMPARE(issued.size(), 400);
        // Numbers 1..400, each exactly once, each where the worker said it was.
        QSet<QString> numbers;
        for (const QHash<QString, QString> &reported : {fromA, fromB}) {
            for (auto it = reported.begin(); it != reported.end(); ++it) {
                QCOMPARE(issued.value(it.value()), it.key());
                numbers.insert(it.value());
            }
        }
        QCOMPARE(numbers.size(), 400);
        for (int seq = 1; seq <= 400; ++seq)
            QVERIFY(numbers.contains(QStringLiteral("INV-2026-%1").arg(seq, 4, 10, QLatin1Char('0'))));
    }

    void sigkillLeavesNoGap()
    {
        const quint32 seed = QRandomGenerator::global()->generate();
        qInfo("random seed %u", seed);
        QRandomGenerator random(seed);
        QHash<QString, QString> reported;
        for (int round = 0; round < 6; ++round) {
            QProcess *a = startWorker(QStringLiteral("r%1a").arg(round), 0);
            QProcess *b = startWorker(QStringLiteral("r%1b").arg(round), 0);
            // Kill each mid-burst: after its first issue, at a random moment.
            for (QProcess *p : {a, b})
                QVERIFY2(p->waitForReadyRead(60 * 1000), p->readAllStandardError().constData());
            QThread::msleep(random.bounded(20, 400));
            a->kill();   // SIGKILL
            QThread::msleep(random.bounded(0, 150));
            b->kill();
            for (QProcess *p : {a, b}) {
                QVERIFY(p->waitForFinished(60 * 1000));
                QCOMPARE(p->exitStatus(), QProcess::CrashExit);
                reported.insert(printed(p));
            }
            // After every round the book is whole and numbering goes on from where it stopped.
            const QHash<QString, QString> issued = verifyBook();
            QVERIFY(!issued.isEmpty());
        }
        const QHash<QString, QString> issued = verifyBook();
        QVERIFY(issued.size() >= reported.size());
        // Whatever a worker reported before it died was committed with its number.
        for (auto it = reported.begin(); it != reported.end(); ++it)
            QCOMPARE(issued.value(it.value()), it.key());

        // The store goes on numbering without a gap.
        auto store = openStore();
        SystemClock clock;
        InvoicingService service(*store, clock);
        QVERIFY(service.execute(Tenant, json(QStringLiteral(R"({"command":"CreateInvoice","aggregateId":"after","payload":{"customerId":"c1","lineItems":[{"description":"x","quantity":"1","unitPrice":"1"}]}})"))).has_value());
        const auto last = service.execute(Tenant, json(QStringLiteral(R"({"command":"IssueInvoice","aggregateId":"after","payload":{"issueDate":"2026-06-15"}})")));
        QVERIFY2(last.has_value(), last ? "" : qPrintable(last.error().toLine()));
        QCOMPARE(last->events.first().payload.value(QStringLiteral("number")).toString(),
                 QStringLiteral("INV-2026-%1").arg(issued.size() + 1, 4, 10, QLatin1Char('0')));
    }
};

QTEST_GUILESS_MAIN(TstNumberingProcesses)
#include "tst_numbering_processes.moc"
