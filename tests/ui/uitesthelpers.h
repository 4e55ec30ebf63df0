#pragma once

// Shared set-up of the GUI tests: a store in a temporary folder, a ManualClock, commands
// through the session as a user would cause them, and typing into whatever has focus.

#include "core/es/clock.h"
#include "ui/mainwindow/mainwindow.h"
#include "ui/session/session.h"

#include <QApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <memory>

namespace UiTest {

using namespace Billstream;

// Settings and the head anchor go to the test's own folders, for this process and the CLI it
// starts alike.
inline void isolateUserFolders(const QTemporaryDir &dir)
{
    qputenv("XDG_DATA_HOME", dir.filePath(QStringLiteral("data")).toUtf8());
    qputenv("XDG_CONFIG_HOME", dir.filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_CACHE_HOME", dir.filePath(QStringLiteral("cache")).toUtf8());
}

inline QDateTime at(int year, int month, int day, int hour, int minute)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute), Qt::UTC);
}

inline QJsonObject command(const QString &name, const QString &aggregateId, const QJsonObject &payload)
{
    QJsonObject c{{QStringLiteral("command"), name}, {QStringLiteral("payload"), payload}};
    if (!aggregateId.isEmpty())
        c.insert(QStringLiteral("aggregateId"), aggregateId);
    return c;
}

inline QJsonObject address(const QString &city = QStringLiteral("Berlin"))
{
    return {{QStringLiteral("street"), QStringLiteral("Main St 1")},
            {QStringLiteral("postalCode"), QStringLiteral("10115")},
            {QStringLiteral("city"), city},
            {QStringLiteral("country"), QStringLiteral("DE")}};
}

// Runs a command that must succeed; fails the test otherwise.
inline AppendResult run(Session &session, const QJsonObject &c)
{
    auto r = session.execute(c);
    if (!r)
        qWarning("command failed: %s", qPrintable(r.error().toLine()));
    return r ? *r : AppendResult{};
}

inline void setUpCompany(Session &session)
{
    run(session, command(QStringLiteral("SetCompanyProfile"), {},
                         {{QStringLiteral("name"), QStringLiteral("Lidan Ltd.")}, {QStringLiteral("address"), address()}}));
    run(session, command(QStringLiteral("SetInvoiceDefaults"), {},
                         {{QStringLiteral("currency"), QStringLiteral("EUR")}, {QStringLiteral("taxRate"), QStringLiteral("19")}}));
}

inline QString createCustomer(Session &session, const QString &id, const QString &name, const QString &email)
{
    run(session, command(QStringLiteral("CreateCustomer"), id,
                         {{QStringLiteral("name"), name}, {QStringLiteral("email"), email}, {QStringLiteral("address"), address()}}));
    return id;
}

inline QJsonObject line(const QString &id, const QString &description, const QString &quantity, const QString &price,
                        const QString &rate = QStringLiteral("19"))
{
    return {{QStringLiteral("lineItemId"), id},
            {QStringLiteral("description"), description},
            {QStringLiteral("quantity"), quantity},
            {QStringLiteral("unitPrice"), price},
            {QStringLiteral("taxRate"), rate}};
}

inline QString createDraft(Session &session, const QString &id, const QString &customerId, const QJsonArray &lines,
                           const QString &notes = {})
{
    QJsonObject payload{{QStringLiteral("customerId"), customerId},
                        {QStringLiteral("currency"), QStringLiteral("EUR")},
                        {QStringLiteral("dueDate"), QStringLiteral("2026-04-30")},
                        {QStringLiteral("lineItems"), lines}};
    if (!notes.isEmpty())
        payload.insert(QStringLiteral("notes"), notes);
    run(session, command(QStringLiteral("CreateInvoice"), id, payload));
    return id;
}

// Key presses go where a person's would: to the widget that has the focus now.
inline void typeText(const QString &text)
{
    for (const QChar ch : text) {
        QWidget *target = QApplication::focusWidget();
        QVERIFY2(target, "nothing has the keyboard focus");
        QTest::keyClick(target, ch.toLatin1());
    }
}

inline void pressKey(Qt::Key key, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
{
    QWidget *target = QApplication::focusWidget();
    QVERIFY2(target, "nothing has the keyboard focus");
    QTest::keyClick(target, key, modifiers);
}

// billstream-cli, the real binary, on the same store.
struct CliResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

inline CliResult runCli(const QString &storePath, const QStringList &args, const QByteArray &input = {})
{
    QProcess p;
    p.start(QStringLiteral(BILLSTREAM_CLI_PATH), QStringList{QStringLiteral("--store"), storePath} + args);
    if (!p.waitForStarted())
        return {};
    p.write(input);
    p.closeWriteChannel();
    p.waitForFinished(60000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

inline QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// Closes a message box that no test answered (MessageBox::setNextAnswer) instead of letting it
// block the test until its time-out, and keeps what it said: the test then fails with the
// program's own words.
class UnansweredBoxes final : public QObject
{
public:
    UnansweredBoxes()
    {
        connect(&m_timer, &QTimer::timeout, this, [this] {
            for (QWidget *w : QApplication::topLevelWidgets()) {
                auto *box = qobject_cast<QMessageBox *>(w);
                if (!box || !box->isVisible())
                    continue;
                m_said << box->windowTitle() + QStringLiteral(": ") + box->text() + QLatin1Char(' ') + box->detailedText();
                box->reject();
            }
        });
        m_timer.start(200);
    }
    QString said() const { return m_said.join(QLatin1Char('\n')); }

private:
    QTimer m_timer;
    QStringList m_said;
};

} // namespace UiTest
