#pragma once

// A store made through the real billstream-cli (exec), for the pdf and send round trips.
#include "tests/cli/clirunner.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

namespace Billstream::Testing {

// The environment the CLI runs in: its own data folder (the anchor file), no keychain (no
// D-Bus session), no default store.
inline QProcessEnvironment cliEnvironment(const QString &dataHome)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_HOME"), dataHome);
    // QGuiApplication (pdf, send) wants a private runtime folder.
    const QString runtime = dataHome + QStringLiteral("/runtime");
    QDir().mkpath(runtime);
    QFile::setPermissions(runtime, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime);
    env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    env.remove(QStringLiteral("BILLSTREAM_STORE"));
    env.remove(QStringLiteral("BILLSTREAM_SMTP_PASSWORD"));
    return env;
}

// Company, mail settings (when smtpUrl is given), customer `cust-1`, invoice `inv-1` (issued
// when `issue`), as JSON lines for `exec`.
inline QByteArray setupCommands(const QString &customerName, const QString &smtpUrl = {}, bool issue = true)
{
    QByteArray lines =
        R"({"command":"SetCompanyProfile","payload":{"name":"Lidan Ltd.","address":{"street":"1 Harbour Road","postalCode":"10115","city":"Berlin","country":"DE"},"taxId":"DE123456789","email":"billing@lidan.example","iban":"DE89370400440532013000","bic":"COBADEFFXXX"}})"
        "\n";
    if (!smtpUrl.isEmpty())
        lines += R"({"command":"SetMailSettings","payload":{"smtpUrl":")" + smtpUrl.toUtf8()
            + R"(","fromAddress":"billing@lidan.example","fromName":"Lidan Billing"}})" "\n";
    QByteArray name = customerName.toUtf8();
    name.replace('\\', "\\\\").replace('"', "\\\"");
    lines += R"({"command":"CreateCustomer","aggregateId":"cust-1","payload":{"name":")" + name
        + R"(","email":"anna@customer.example","address":{"street":"5 Market Street","postalCode":"94105","city":"San Francisco","country":"US"}}})" "\n";
    lines += R"({"command":"CreateInvoice","aggregateId":"inv-1","payload":{"customerId":"cust-1","currency":"EUR","lineItems":[{"description":"Consulting","quantity":"10","unitPrice":"120.00","taxRate":"19"}]}})" "\n";
    if (issue)
        lines += R"({"command":"IssueInvoice","aggregateId":"inv-1","payload":{"issueDate":"2026-03-04"}})" "\n";
    return lines;
}

// JSON lines of stdout as objects.
inline QList<QJsonObject> jsonLines(const QByteArray &out)
{
    QList<QJsonObject> objects;
    for (const QByteArray &line : out.split('\n')) {
        if (!line.trimmed().isEmpty())
            objects << QJsonDocument::fromJson(line).object();
    }
    return objects;
}

} // namespace Billstream::Testing
