#include "app/cli/cli.h"
#include "app/cli/storeaccess.h"

#include "core/documents/invoicedocument.h"
#include "core/documents/invoicerenderer.h"
#include "core/domain/invoicingservice.h"

#include <QCommandLineParser>
#include <QFile>
#include <QGuiApplication>
#include <QSaveFile>

#include <cstdio>

namespace Billstream::Cli {

namespace {

// The subcommand named on a command line: the first argument that is neither a global
// option nor the value of one (CLI.md: --store PATH, --tenant ID, --json).
QString subcommandOf(const QStringList &arguments)
{
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &a = arguments.at(i);
        if (a == QLatin1String("--store") || a == QLatin1String("--tenant")) {
            ++i;
            continue;
        }
        if (a.startsWith(QLatin1Char('-')))
            continue;
        return a;
    }
    return QString();
}

} // namespace

QStringList argumentList(int argc, char **argv)
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    return arguments;
}

std::unique_ptr<QCoreApplication> makeApplication(int &argc, char **argv)
{
    const QString subcommand = subcommandOf(argumentList(argc, argv));
    if (subcommand != QLatin1String("pdf") && subcommand != QLatin1String("send"))
        return std::make_unique<QCoreApplication>(argc, argv);
    // Laying out text needs Qt's font database, which only a QGuiApplication has. The offscreen
    // platform needs no display, and the application gets only the program name: it must not
    // take arguments such as `-session` or `-reverse` for itself.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    static int guiArgc = 1;
    static char *guiArgv[] = {argv[0], nullptr};
    return std::make_unique<QGuiApplication>(guiArgc, guiArgv);
}

// `pdf INVOICE_ID --out FILE [--paper a4|letter]`: the invoice as PDF (`--out -` writes to
// standard output). Issued invoices render as they were issued (core/documents).
int runPdf(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption outOpt(QStringLiteral("out"), QStringLiteral("The PDF file to write (- for standard output)."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption paperOpt(QStringLiteral("paper"),
                                      QStringLiteral("a4 or letter (default: the usual paper of the tenant's locale)."),
                                      QStringLiteral("SIZE"));
    parser.addOptions({outOpt, paperOpt});
    parser.addPositionalArgument(QStringLiteral("invoice"), QStringLiteral("The invoice id."));
    if (auto code = parseArguments(ctx, parser, QStringLiteral("pdf"), args, 1, 1))
        return *code;
    if (!parser.isSet(outOpt) || parser.value(outOpt).isEmpty())
        return ctx.usage(QStringLiteral("pdf: --out FILE is required"));
    std::optional<PaperSize> paper;
    if (parser.isSet(paperOpt)) {
        paper = paperSizeFromName(parser.value(paperOpt));
        if (!paper)
            return ctx.usage(QStringLiteral("--paper: '%1' is not a paper size; use a4 or letter").arg(parser.value(paperOpt)));
    }
    const QString invoiceId = parser.positionalArguments().first();
    const QString out = parser.value(outOpt);

    auto store = openStore(ctx, Access::Read);
    if (!store)
        return ctx.report(store.error());
    SystemClock clock;
    InvoicingService service(**store, clock);
    const Result<InvoiceDocument> document = loadInvoiceDocument(service, ctx.tenantId, invoiceId);
    if (!document)
        return ctx.report(document.error());
    const Result<QByteArray> pdf = renderInvoicePdf(*document, paper.value_or(defaultPaperSize(*document)));
    if (!pdf)
        return ctx.report(pdf.error());

    if (out == QLatin1String("-")) {
        ctx.out->flush();
        QFile stdoutFile;
        if (!stdoutFile.open(stdout, QIODevice::WriteOnly) || stdoutFile.write(*pdf) != pdf->size() || !stdoutFile.flush())
            return ctx.report(Error::failure(QStringLiteral("cannot write the PDF to standard output")));
        return 0;
    }
    // Written whole or not at all: an existing file is replaced only by a complete PDF.
    QSaveFile file(out);
    if (!file.open(QIODevice::WriteOnly) || file.write(*pdf) != pdf->size() || !file.commit())
        return ctx.report(Error::failure(QStringLiteral("cannot write %1: %2").arg(out, file.errorString())));
    return 0;
}

} // namespace Billstream::Cli
