#include "app/cli/cli.h"
#include "app/cli/storeaccess.h"

#include "core/domain/domainevents.h"
#include "core/domain/invoicingservice.h"
#include "core/mail/mailer.h"
#include "core/mail/smtpclient.h"
#include "core/projections/readside.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonDocument>

#include <unistd.h>

namespace Billstream::Cli {

namespace {

constexpr int kDefaultAttempts = 3;
constexpr int kMaxAttempts = 10;

void printEvent(const Context &ctx, const RecordedEvent &e)
{
    *ctx.out << QString::fromUtf8(QJsonDocument(e.toJson()).toJson(QJsonDocument::Compact)) << '\n';
    ctx.out->flush();
}

QString cliActor()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = QString::number(getuid());
    return QStringLiteral("cli:") + user;
}

} // namespace

// `send INVOICE_ID [--to ADDR] [--subject S] [--message M] [--smtp URL] [--ca-file F]
// [--allow-plaintext] [--attempts N]`: issues SendInvoiceToCustomer, then runs the mailer for
// that delivery until it is sent (exit 0) or has failed (exit 1; InvoiceSendFailed is in the
// log). Prints the events as JSON lines, progress on stderr.
int runSend(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption toOpt(QStringLiteral("to"), QStringLiteral("Recipient (default: the customer's e-mail)."),
                                   QStringLiteral("ADDR"));
    const QCommandLineOption subjectOpt(QStringLiteral("subject"), QStringLiteral("Subject (default: Invoice {number} from {company})."),
                                        QStringLiteral("S"));
    const QCommandLineOption messageOpt(QStringLiteral("message"), QStringLiteral("Message text (default: a short standard text)."),
                                        QStringLiteral("M"));
    const QCommandLineOption smtpOpt(QStringLiteral("smtp"),
                                     QStringLiteral("smtp://[user@]host:port (STARTTLS) or smtps://… (default: the tenant's mail settings)."),
                                     QStringLiteral("URL"));
    const QCommandLineOption caOpt(QStringLiteral("ca-file"), QStringLiteral("Trust one more CA certificate (PEM)."),
                                   QStringLiteral("F"));
    const QCommandLineOption plainOpt(QStringLiteral("allow-plaintext"),
                                      QStringLiteral("Send without STARTTLS when a non-loopback server offers none."));
    const QCommandLineOption attemptsOpt(QStringLiteral("attempts"),
                                         QStringLiteral("Attempts when the server fails for a passing reason (1-10, default 3)."),
                                         QStringLiteral("N"));
    parser.addOptions({toOpt, subjectOpt, messageOpt, smtpOpt, caOpt, plainOpt, attemptsOpt});
    parser.addPositionalArgument(QStringLiteral("invoice"), QStringLiteral("The invoice id."));
    if (auto code = parseArguments(ctx, parser, QStringLiteral("send"), args, 1, 1))
        return *code;
    const QString invoiceId = parser.positionalArguments().first();

    MailerOptions options;
    options.actor = QStringLiteral("mailer (billstream-cli)");
    options.firstRetryDelayMs = 10'000;
    options.maxAttempts = kDefaultAttempts;
    if (parser.isSet(attemptsOpt)) {
        auto n = parseCount(QStringLiteral("--attempts"), parser.value(attemptsOpt), 1);
        if (!n)
            return ctx.report(n.error());
        if (*n > kMaxAttempts)
            return ctx.usage(QStringLiteral("--attempts: at most %1").arg(kMaxAttempts));
        options.maxAttempts = int(*n);
    }
    if (parser.isSet(smtpOpt)) {
        const Result<SmtpSettings> url = parseSmtpUrl(parser.value(smtpOpt));
        if (!url)
            return ctx.usage(QStringLiteral("--smtp: ") + url.error().message);
        options.smtpUrl = parser.value(smtpOpt);
    }
    if (parser.isSet(caOpt)) {
        const QFileInfo ca(parser.value(caOpt));
        if (!ca.isFile() || !ca.isReadable())
            return ctx.usage(QStringLiteral("--ca-file: '%1' is not a readable file").arg(parser.value(caOpt)));
        options.caFile = ca.absoluteFilePath();
    }
    options.allowPlaintext = parser.isSet(plainOpt);

    QJsonObject payload;
    if (parser.isSet(toOpt))
        payload.insert(QStringLiteral("to"), parser.value(toOpt));
    if (parser.isSet(subjectOpt))
        payload.insert(QStringLiteral("subject"), parser.value(subjectOpt));
    if (parser.isSet(messageOpt))
        payload.insert(QStringLiteral("message"), parser.value(messageOpt));

    auto store = openStore(ctx, Access::Write);
    if (!store)
        return ctx.report(store.error());
    // Every writer appends with the inline projections registered (ReadSide).
    ReadSideOptions readSideOptions;
    readSideOptions.catchUpAsync = false;
    readSideOptions.autoCatchUp = false;
    auto readSide = ReadSide::attach(**store, readSideOptions);
    if (!readSide)
        return ctx.report(readSide.error());
    SystemClock clock;
    InvoicingService service(**store, clock);

    // Opened before the request: on a store's first send, the checkpoint lands before it.
    Mailer mailer(service, ctx.tenantId, options);
    QObject::connect(&mailer, &Mailer::deliveryRetryScheduled, &mailer,
                     [&ctx](const QString &, const QString &, int attempt, const QDateTime &next, const QString &reason) {
                         *ctx.err << QStringLiteral("send: attempt %1 failed: %2; trying again at %3\n")
                                         .arg(attempt)
                                         .arg(reason, next.toLocalTime().toString(Qt::ISODate));
                         ctx.err->flush();
                     });
    if (Status s = mailer.open(); !s)
        return ctx.report(s.error());

    const QJsonObject command{{QStringLiteral("command"), Wire::Command::SendInvoiceToCustomer},
                              {QStringLiteral("aggregateId"), invoiceId},
                              {QStringLiteral("payload"), payload}};
    const Result<AppendResult> requested = service.execute(ctx.tenantId, command, cliActor());
    if (!requested)
        return ctx.report(requested.error());
    QString deliveryId;
    for (const RecordedEvent &e : std::as_const(requested->events)) {
        printEvent(ctx, e);
        if (e.type == Wire::Event::InvoiceSendRequested)
            deliveryId = e.payload.value(QStringLiteral("deliveryId")).toString();
    }
    if (deliveryId.isEmpty())
        return ctx.report(Error::failure(QStringLiteral("SendInvoiceToCustomer recorded no delivery")));

    if (Result<QStringList> queued = mailer.catchUp(); !queued)
        return ctx.report(queued.error());
    const Result<OutboxEntry> outcome = mailer.deliver(deliveryId);
    if (!outcome)
        return ctx.report(outcome.error());

    // The outcome's events carry the delivery id as their correlation id.
    if (Result<QList<RecordedEvent>> after = (*store)->readStream(ctx.tenantId, invoiceId)) {
        for (const RecordedEvent &e : std::as_const(*after)) {
            if (e.position > requested->toPosition && e.metadata.correlationId == deliveryId)
                printEvent(ctx, e);
        }
    }
    if (outcome->state == OutboxState::Sent)
        return 0;
    return ctx.report(Error::failure(QStringLiteral("the invoice was not sent: ") + outcome->reason));
}

} // namespace Billstream::Cli
