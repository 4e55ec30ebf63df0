#include "core/mail/smtppassword.h"

#ifdef BILLSTREAM_HAVE_QTKEYCHAIN
#include <qt6keychain/keychain.h>
#endif

#include <QEventLoop>
#include <QTimer>

namespace Billstream {

namespace {

const char kPasswordVariable[] = "BILLSTREAM_SMTP_PASSWORD";
constexpr int kKeychainTimeoutMs = 30000;

#ifdef BILLSTREAM_HAVE_QTKEYCHAIN
// Runs a keychain job to its end. The keyring may ask the user to unlock it, so the wait is
// long, but bounded: a keyring that never answers must not hang a send forever.
bool runJob(QKeychain::Job &job)
{
    job.setAutoDelete(false);
    QEventLoop loop;
    bool finished = false;
    QObject::connect(&job, &QKeychain::Job::finished, &loop, [&] {
        finished = true;
        loop.quit();
    });
    QTimer::singleShot(kKeychainTimeoutMs, &loop, &QEventLoop::quit);
    job.start();
    if (!finished)
        loop.exec();
    return finished;
}
#endif

} // namespace

QString SmtpAccount::key() const
{
    return QStringLiteral("smtp://%1@%2:%3").arg(username, host).arg(port);
}

QString SmtpPasswordStore::serviceName()
{
    return QStringLiteral("Billstream SMTP");
}

bool SmtpPasswordStore::keychainAvailable()
{
#ifdef BILLSTREAM_HAVE_QTKEYCHAIN
    // libsecret and KWallet are reached over the session bus; without one, every job fails
    // (after a D-Bus timeout), so do not even try.
    return !qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS");
#else
    return false;
#endif
}

Result<QString> SmtpPasswordStore::read(const SmtpAccount &account)
{
    QString keychainProblem;
#ifdef BILLSTREAM_HAVE_QTKEYCHAIN
    if (keychainAvailable()) {
        QKeychain::ReadPasswordJob job(serviceName());
        job.setKey(account.key());
        if (!runJob(job))
            keychainProblem = QStringLiteral("the system keychain did not answer");
        else if (job.error() == QKeychain::NoError)
            return job.textData();
        else if (job.error() != QKeychain::EntryNotFound)
            keychainProblem = QStringLiteral("the system keychain refused: %1").arg(job.errorString());
    } else {
        keychainProblem = QStringLiteral("no system keychain is reachable (no D-Bus session)");
    }
#else
    keychainProblem = QStringLiteral("this build has no system keychain support");
#endif
    if (qEnvironmentVariableIsSet(kPasswordVariable))
        return qEnvironmentVariable(kPasswordVariable);
    QString message = QStringLiteral("No password for %1@%2: store it in Settings (system keychain) or set $%3")
                          .arg(account.username, account.host, QLatin1String(kPasswordVariable));
    if (!keychainProblem.isEmpty())
        message += QStringLiteral(" (%1)").arg(keychainProblem);
    return fail(Error::notFound(message));
}

Status SmtpPasswordStore::write(const SmtpAccount &account, const QString &password)
{
#ifdef BILLSTREAM_HAVE_QTKEYCHAIN
    if (!keychainAvailable())
        return fail(Error::failure(QStringLiteral("No system keychain is reachable (no D-Bus session); "
                                                  "set $%1 instead").arg(QLatin1String(kPasswordVariable))));
    QKeychain::WritePasswordJob job(serviceName());
    job.setKey(account.key());
    job.setTextData(password);
    if (!runJob(job))
        return fail(Error::failure(QStringLiteral("The system keychain did not answer")));
    if (job.error() != QKeychain::NoError)
        return fail(Error::failure(QStringLiteral("The system keychain refused the password: %1").arg(job.errorString())));
    return {};
#else
    Q_UNUSED(account);
    Q_UNUSED(password);
    return fail(Error::failure(QStringLiteral("This build has no system keychain support; set $%1 instead")
                                   .arg(QLatin1String(kPasswordVariable))));
#endif
}

Status SmtpPasswordStore::remove(const SmtpAccount &account)
{
#ifdef BILLSTREAM_HAVE_QTKEYCHAIN
    if (!keychainAvailable())
        return fail(Error::failure(QStringLiteral("No system keychain is reachable (no D-Bus session)")));
    QKeychain::DeletePasswordJob job(serviceName());
    job.setKey(account.key());
    if (!runJob(job))
        return fail(Error::failure(QStringLiteral("The system keychain did not answer")));
    if (job.error() != QKeychain::NoError && job.error() != QKeychain::EntryNotFound)
        return fail(Error::failure(QStringLiteral("The system keychain could not remove the password: %1")
                                       .arg(job.errorString())));
    return {};
#else
    Q_UNUSED(account);
    return fail(Error::failure(QStringLiteral("This build has no system keychain support")));
#endif
}

} // namespace Billstream
