// Printing and print preview of invoices on the offscreen platform: a QPrinter writing PDF is
// read back with pdftotext; the preview dialog lays out every page.
#include "tests/documents/invoicefixture.h"
#include "ui/print/invoiceprinting.h"

#include <QApplication>
#include <QPrintPreviewDialog>
#include <QPrintPreviewWidget>
#include <QPrinter>

using namespace Billstream;
using namespace Billstream::Testing;

class TestInvoicePrinting : public QObject
{
    Q_OBJECT

private:
    static QString longInvoice(InvoiceFixture &f)
    {
        f.setCompany();
        QList<LineSpec> lines;
        for (int i = 1; i <= 120; ++i)
            lines << LineSpec{QStringLiteral("Line %1").arg(i, 3, 10, QLatin1Char('0')), QStringLiteral("1"),
                              QStringLiteral("2.50"), QStringLiteral("19"), {}};
        const QString invoice = f.createInvoice(f.createCustomer(QStringLiteral("Printer Customer")), lines);
        f.issue(invoice);
        return invoice;
    }

private slots:
    void printsEveryPageOnAPrinter()
    {
        InvoiceFixture f;
        const QString invoice = longInvoice(f);
        const Result<InvoiceRenderer> renderer = InvoicePrinting::rendererFor(*f.service, f.tenant, invoice, PaperSize::A4);
        QVERIFY(renderer);
        QVERIFY(renderer->pageCount() >= 3);

        QPrinter printer(QPrinter::HighResolution);
        printer.setOutputFormat(QPrinter::PdfFormat);
        const QString file = f.dir.filePath(QStringLiteral("printed.pdf"));
        printer.setOutputFileName(file);
        QVERIFY(InvoicePrinting::print(*renderer, printer));
        QFile pdf(file);
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        const QByteArray bytes = pdf.readAll();
        QCOMPARE(pdfInfo(bytes).value(QStringLiteral("Pages")).toInt(), renderer->pageCount());
        QCOMPARE(pdfInfo(bytes).value(QStringLiteral("Page size")), QStringLiteral("595 x 842 pts (A4)"));
        const QString last = pdfText(bytes, renderer->pageCount());
        QVERIFY2(last.contains(QStringLiteral("INV-2026-0001")), qPrintable(last));
        QVERIFY(last.contains(QStringLiteral("Page %1 of %1").arg(renderer->pageCount())));
        // Laid out as the PDF: the same words on the same pages.
        const Result<QByteArray> direct = renderInvoicePdf(renderer->document(), PaperSize::A4);
        QVERIFY(direct);
        for (int page = 1; page <= renderer->pageCount(); ++page)
            QCOMPARE(pdfText(bytes, page).simplified(), pdfText(*direct, page).simplified());
    }

    void previewShowsAllPages()
    {
        InvoiceFixture f;
        const QString invoice = longInvoice(f);
        QWidget parent;
        const Result<QPrintPreviewDialog *> dialog = InvoicePrinting::openPreview(*f.service, f.tenant, invoice, &parent);
        QVERIFY(dialog);
        QPointer<QPrintPreviewDialog> preview = *dialog;
        QCOMPARE(preview->objectName(), QStringLiteral("invoicePrintPreview"));
        QVERIFY(preview->isVisible());
        QVERIFY(preview->windowTitle().contains(QStringLiteral("INV-2026-0001")));
        QPrintPreviewWidget *widget = preview->findChild<QPrintPreviewWidget *>();
        QVERIFY(widget);
        const int expected = InvoicePrinting::rendererFor(*f.service, f.tenant, invoice)->pageCount();
        QTRY_COMPARE(widget->pageCount(), expected);
        preview->close();
        QTRY_VERIFY(preview.isNull());
    }

    void unknownInvoiceIsAnError()
    {
        InvoiceFixture f;
        QWidget parent;
        const Result<QPrintPreviewDialog *> dialog =
            InvoicePrinting::openPreview(*f.service, f.tenant, QStringLiteral("nope"), &parent);
        QVERIFY(!dialog);
        QCOMPARE(dialog.error().kind, ErrorKind::NotFound);
        QVERIFY(parent.findChildren<QPrintPreviewDialog *>().isEmpty());
    }
};

QTEST_MAIN(TestInvoicePrinting)
#include "tst_invoiceprinting.moc"
