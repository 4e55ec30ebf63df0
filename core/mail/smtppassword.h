#pragma once

#include "core/es/result.h"

#include <QString>

namespace Billstream {

// Whose SMTP password: one sign-in on one server. The password itself lives in the system
// keychain (QtKeychain) or, where there is none, in $BILLSTREAM_SMTP_PASSWORD; never in the
// store, a projection, a log or a command line (QUALITY.md).
struct SmtpAccount
{
    QString host;       // ASCII form, as parseSmtpUrl() leaves it
    int port = 0;
    QString username;
    // The keychain entry's key: "smtp://user@host:port".
    QString key() const;
};

class SmtpPasswordStore final
{
public:
    // The keychain's service name (what a keyring manager shows).
    static QString serviceName();
    // Built with QtKeychain and a D-Bus session bus to reach the keyring on.
    static bool keychainAvailable();
    // The account's password: from the keychain when it has an entry, otherwise from
    // $BILLSTREAM_SMTP_PASSWORD. NotFound (naming both places) when neither has one.
    static Result<QString> read(const SmtpAccount &account);
    // Stores or removes the password in the keychain; Failure when there is no keychain.
    // Both wait for the keychain (a local event loop of at most 30 s).
    static Status write(const SmtpAccount &account, const QString &password);
    static Status remove(const SmtpAccount &account);
};

} // namespace Billstream
