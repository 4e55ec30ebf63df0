// The send dialog on the offscreen platform, driven through its widgets, with a real
// BackgroundMailer and a real SMTP server.
#include "core/mail/backgroundmailer.h"
#include "tests/documents/invoicefixture.h"
#include "tests/mail/mailtestsupport.h"
#include "ui/send/senddialog.h"

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>

using namespace Billstream;
using namespace Billstream::Testing;

namespace {

template<typename T>
T *child(QWidget *parent, const char *name)
{
    return parent->findChild<T *>(QLatin1String(name));
}

} // namespace

class TestSendDialog : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_python;
    int m_servers = 0;

    bool startServer(SmtpServer &server, const QStringList &options = {})
    {
        return server.start(m_python, options, m_dir.filePath(QStringLiteral("received-%1").arg(++m_servers)));
    }

    // A mailer on its own thread and connection, opened on the fixture's store.
    static std::unique_ptr<BackgroundMailer> mailerFor(InvoiceFixture &f, int maxAttempts = 3)
    {
        BackgroundMailer::Options o;
        o.storePath = f.storePath;
        o.tenantId = f.tenant;
        o.store.anchorPath = f.dir.filePath(QStringLiteral("anchor"));
        o.store.clock = &f.clock();
        o.mailer.clock = &f.clock();
        o.mailer.maxAttempts = maxAttempts;
        o.pollIntervalMs = 100;
        auto mailer = std::make_unique<BackgroundMailer>(o);
        QSignalSpy started(mailer.get(), &BackgroundMailer::started);
        mailer->start();
        if (!started.wait(30000))
            qWarning("the background mailer did not start");
        return mailer;
    }

    static SendDialogContext contextFor(InvoiceFixture &f, BackgroundMailer *mailer)
    {
        SendDialogContext c;
        c.service = f.service.get();
        c.tenantId = f.tenant;
        c.mailer = mailer;
        return c;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        m_python = pythonWithAiosmtpd();
        QVERIFY2(!m_python.isEmpty(), "no python3 with aiosmtpd");
    }

    void prefillsFromTheCustomerAndPreviewsThePdf()
    {
        InvoiceFixture f;
        f.setCompany();
        f.setMailSettings(QStringLiteral("smtp://127.0.0.1:2525"));
        const QString invoice = f.createInvoice(f.createCustomer(QStringLiteral("Anna <b>Schmidt</b>")),
                                                {{QStringLiteral("Work"), QStringLiteral("1"), QStringLiteral("100"),
                                                  QStringLiteral("19"), {}}});
        f.issue(invoice);
        SendDialog dialog(contextFor(f, nullptr), invoice);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(child<QLineEdit>(&dialog, "recipientEdit")->text(), QStringLiteral("anna@customer.example"));
        QCOMPARE(child<QLineEdit>(&dialog, "subjectEdit")->text(), QStringLiteral("Invoice INV-2026-0001 from Lidan Ltd."));
        QVERIFY(dialog.windowTitle().contains(QStringLiteral("INV-2026-0001")));
        QCOMPARE(dialog.previewPageCount(), 1);
        const QLabel *page = child<QLabel>(&dialog, "previewPage1");
        QVERIFY(page);
        QVERIFY(!page->pixmap().isNull());
        QVERIFY(page->pixmap().width() > 300);
        // The page is not blank: some pixels are dark (the text).
        const QImage image = page->pixmap().toImage();
        int dark = 0;
        for (int y = 0; y < image.height(); y += 3)
            for (int x = 0; x < image.width(); x += 3)
                dark += qGray(image.pixel(x, y)) < 100 ? 1 : 0;
        QVERIFY(dark > 50);
    }

    void sendsAndShowsTheOutcome()
    {
        SmtpServer server;
        QVERIFY(startServer(server));
        InvoiceFixture f;
        f.setCompany();
        f.setMailSettings(server.url());
        const QString invoice = f.createInvoice(f.createCustomer(QStringLiteral("Anna")),
                                                {{QStringLiteral("Work"), QStringLiteral("1"), QStringLiteral("100"),
                                                  QStringLiteral("19"), {}}});
        f.issue(invoice);
        auto mailer = mailerFor(f);
        SendDialog dialog(contextFor(f, mailer.get()), invoice);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QSignalSpy finished(&dialog, &SendDialog::deliveryFinished);

        QLineEdit *recipient = child<QLineEdit>(&dialog, "recipientEdit");
        recipient->clear();
        QTest::keyClicks(recipient, QStringLiteral("accounts@customer.example"));
        QLineEdit *subject = child<QLineEdit>(&dialog, "subjectEdit");
        subject->clear();
        QTest::keyClicks(subject, QStringLiteral("Your March invoice"));
        QTest::keyClicks(child<QPlainTextEdit>(&dialog, "messageEdit"), QStringLiteral("Hello Anna, see attached."));
        QTest::mouseClick(child<QPushButton>(&dialog, "sendButton"), Qt::LeftButton);
        QVERIFY(!dialog.deliveryId().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(dialog.stage(), SendDialog::Stage::Sent, 60000);
        QCOMPARE(dialog.statusText(), QStringLiteral("Sent to accounts@customer.example."));
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.first().at(1).toBool(), true);
        QVERIFY(!child<QPushButton>(&dialog, "sendButton")->isEnabled());

        const QList<ReceivedMail> mails = server.received();
        QCOMPARE(mails.size(), 1);
        QCOMPARE(mails.first().header("To"), QStringLiteral("accounts@customer.example"));
        QCOMPARE(mails.first().header("Subject"), QStringLiteral("Your March invoice"));
        QCOMPARE(QString::fromUtf8(mails.first().partPayload(0)).trimmed(), QStringLiteral("Hello Anna, see attached."));
        QVERIFY(pdfText(mails.first().partPayload(1)).contains(QStringLiteral("INV-2026-0001")));
    }

    void draftIsIssuedOnlyAfterConfirmation()
    {
        SmtpServer server;
        QVERIFY(startServer(server));
        InvoiceFixture f;
        f.setCompany();
        f.setMailSettings(server.url());
        const QString invoice = f.createInvoice(f.createCustomer(QStringLiteral("Anna")),
                                                {{QStringLiteral("Work"), QStringLiteral("1"), QStringLiteral("100"),
                                                  QStringLiteral("19"), {}}});
        auto mailer = mailerFor(f);
        SendDialog dialog(contextFor(f, mailer.get()), invoice);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(dialog.statusText().contains(QStringLiteral("draft")));
        QVERIFY(child<QLineEdit>(&dialog, "subjectEdit")->text().isEmpty());
        QSignalSpy issued(&dialog, &SendDialog::invoiceIssued);

        // No: nothing changes.
        QTest::mouseClick(child<QPushButton>(&dialog, "sendButton"), Qt::LeftButton);
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = dialog.findChild<QMessageBox *>(QStringLiteral("issueConfirmation"))) != nullptr);
        QCOMPARE(dialog.stage(), SendDialog::Stage::ConfirmingIssue);
        QTest::mouseClick(box->button(QMessageBox::No), Qt::LeftButton);
        QTRY_COMPARE(dialog.stage(), SendDialog::Stage::Editing);
        QCOMPARE(issued.size(), 0);
        QCOMPARE(f.service->loadInvoice(f.tenant, invoice)->state.status, InvoiceStatus::Draft);
        QVERIFY(f.eventsOf(invoice, QStringLiteral("InvoiceSendRequested")).isEmpty());

        // Yes: issued, then sent with the domain's default subject.
        QTRY_VERIFY(dialog.findChild<QMessageBox *>(QStringLiteral("issueConfirmation")) == nullptr);
        QTest::mouseClick(child<QPushButton>(&dialog, "sendButton"), Qt::LeftButton);
        QTRY_VERIFY((box = dialog.findChild<QMessageBox *>(QStringLiteral("issueConfirmation"))) != nullptr);
        QTest::mouseClick(box->button(QMessageBox::Yes), Qt::LeftButton);
        QTRY_COMPARE(issued.size(), 1);
        QCOMPARE(issued.first().at(1).toString(), QStringLiteral("INV-2026-0001"));
        QTRY_COMPARE_WITH_TIMEOUT(dialog.stage(), SendDialog::Stage::Sent, 60000);
        QCOMPARE(server.received().size(), 1);
        QCOMPARE(server.received().first().header("Subject"), QStringLiteral("Invoice INV-2026-0001 from Lidan Ltd."));
        QCOMPARE(f.service->loadInvoice(f.tenant, invoice)->state.status, InvoiceStatus::Sent);
        // The preview now shows the issued invoice.
        QVERIFY(dialog.windowTitle().contains(QStringLiteral("INV-2026-0001")));
    }

    void failureShowsTheReasonAndCanBeRetried()
    {
        RefusingPort closed;
        InvoiceFixture f;
        f.setCompany();
        f.setMailSettings(QStringLiteral("smtp://127.0.0.1:%1").arg(closed.port()));
        const QString invoice = f.createInvoice(f.createCustomer(QStringLiteral("Anna")),
                                                {{QStringLiteral("Work"), QStringLiteral("1"), QStringLiteral("100"),
                                                  QStringLiteral("19"), {}}});
        f.issue(invoice);
        auto mailer = mailerFor(f, 1);
        SendDialog dialog(contextFor(f, mailer.get()), invoice);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTest::mouseClick(child<QPushButton>(&dialog, "sendButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.stage(), SendDialog::Stage::Failed, 60000);
        QVERIFY2(dialog.statusText().contains(QStringLiteral("refused the connection")), qPrintable(dialog.statusText()));
        QPushButton *retry = child<QPushButton>(&dialog, "retryButton");
        QVERIFY(retry->isVisible());
        const QString firstDelivery = dialog.deliveryId();

        // The user fixes the server in Settings and sends again: a new delivery.
        SmtpServer server;
        QVERIFY(startServer(server));
        f.setMailSettings(server.url());
        QTest::mouseClick(retry, Qt::LeftButton);
        QVERIFY(dialog.deliveryId() != firstDelivery);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.stage(), SendDialog::Stage::Sent, 60000);
        QCOMPARE(server.received().size(), 1);
        QCOMPARE(f.eventsOf(invoice, QStringLiteral("InvoiceSendFailed")).size(), 1);
        QCOMPARE(f.eventsOf(invoice, QStringLiteral("InvoiceSent")).size(), 1);
    }

    void invalidRecipientIsRefusedInTheDialog()
    {
        InvoiceFixture f;
        f.setCompany();
        f.setMailSettings(QStringLiteral("smtp://127.0.0.1:2525"));
        const QString invoice = f.createInvoice(f.createCustomer(QStringLiteral("Anna")),
                                                {{QStringLiteral("Work"), QStringLiteral("1"), QStringLiteral("100"),
                                                  QStringLiteral("19"), {}}});
        f.issue(invoice);
        SendDialog dialog(contextFor(f, nullptr), invoice);
        dialog.show();
        QLineEdit *recipient = child<QLineEdit>(&dialog, "recipientEdit");
        recipient->clear();
        QTest::keyClicks(recipient, QStringLiteral("not an address"));
        QTest::mouseClick(child<QPushButton>(&dialog, "sendButton"), Qt::LeftButton);
        QCOMPARE(dialog.stage(), SendDialog::Stage::Editing);
        QVERIFY(dialog.statusText().contains(QStringLiteral("e-mail address")));
        QVERIFY(f.eventsOf(invoice, QStringLiteral("InvoiceSendRequested")).isEmpty());

        // Without a mailer the request is still made, and the dialog says it waits.
        recipient->clear();
        QTest::keyClicks(recipient, QStringLiteral("anna@customer.example"));
        QTest::mouseClick(child<QPushButton>(&dialog, "sendButton"), Qt::LeftButton);
        QCOMPARE(dialog.stage(), SendDialog::Stage::Queued);
        QCOMPARE(f.eventsOf(invoice, QStringLiteral("InvoiceSendRequested")).size(), 1);
    }

    void sendingWaitsForMailSettingsAndTheMailer()
    {
        InvoiceFixture f;
        f.setCompany();
        const QString invoice = f.createInvoice(f.createCustomer(QStringLiteral("Anna")),
                                                {{QStringLiteral("Work"), QStringLiteral("1"), QStringLiteral("100"),
                                                  QStringLiteral("19"), {}}});
        f.issue(invoice);
        {
            // No mail settings: no request is made that nothing could deliver.
            SendDialog dialog(contextFor(f, nullptr), invoice);
            QCOMPARE(dialog.stage(), SendDialog::Stage::Error);
            QVERIFY(dialog.statusText().contains(QStringLiteral("Settings")));
            QVERIFY(!child<QPushButton>(&dialog, "sendButton")->isEnabled());
            dialog.send();
            QVERIFY(f.eventsOf(invoice, QStringLiteral("InvoiceSendRequested")).isEmpty());
        }
        SmtpServer server;
        QVERIFY(startServer(server));
        f.setMailSettings(server.url());
        // A mailer that has not started yet (its first start sets its checkpoint): Send waits.
        BackgroundMailer::Options o;
        o.storePath = f.storePath;
        o.tenantId = f.tenant;
        o.store.anchorPath = f.dir.filePath(QStringLiteral("anchor"));
        o.pollIntervalMs = 100;
        BackgroundMailer mailer(o);
        SendDialog dialog(contextFor(f, &mailer), invoice);
        dialog.show();
        QCOMPARE(dialog.statusText(), QStringLiteral("Starting the mailer…"));
        QPushButton *send = child<QPushButton>(&dialog, "sendButton");
        QVERIFY(!send->isEnabled());
        dialog.send();
        QVERIFY(f.eventsOf(invoice, QStringLiteral("InvoiceSendRequested")).isEmpty());
        mailer.start();
        QTRY_VERIFY_WITH_TIMEOUT(send->isEnabled(), 30000);
        QTest::mouseClick(send, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.stage(), SendDialog::Stage::Sent, 60000);
        QCOMPARE(server.received().size(), 1);
    }

    void voidedInvoiceCannotBeSent()
    {
        InvoiceFixture f;
        f.setCompany();
        const QString invoice = f.createInvoice(f.createCustomer(QStringLiteral("Anna")),
                                                {{QStringLiteral("Work"), QStringLiteral("1"), QStringLiteral("100"),
                                                  QStringLiteral("19"), {}}});
        f.issue(invoice);
        f.mustExec({{QStringLiteral("command"), QStringLiteral("VoidInvoice")},
                    {QStringLiteral("aggregateId"), invoice},
                    {QStringLiteral("payload"), QJsonObject{{QStringLiteral("reason"), QStringLiteral("typo")}}}});
        SendDialog dialog(contextFor(f, nullptr), invoice);
        QCOMPARE(dialog.stage(), SendDialog::Stage::Error);
        QVERIFY(dialog.statusText().contains(QStringLiteral("VOID")));
        QVERIFY(!child<QPushButton>(&dialog, "sendButton")->isEnabled());
    }

    void openForDeletesItselfOnClose()
    {
        InvoiceFixture f;
        f.setCompany();
        const QString invoice = f.createInvoice(f.createCustomer(QStringLiteral("Anna")),
                                                {{QStringLiteral("Work"), QStringLiteral("1"), QStringLiteral("100"),
                                                  QStringLiteral("19"), {}}});
        QWidget parent;
        QPointer<SendDialog> dialog = SendDialog::openFor(contextFor(f, nullptr), invoice, &parent);
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QTest::mouseClick(child<QPushButton>(dialog.data(), "closeButton"), Qt::LeftButton);
        QTRY_VERIFY(dialog.isNull());
    }
};

QTEST_MAIN(TestSendDialog)
#include "tst_senddialog.moc"
