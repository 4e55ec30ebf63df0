#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

#include <expected>

namespace Billstream {

// The kinds of failure every boundary reports; the numbers are billstream-cli's exit codes.
enum class ErrorKind {
    Failure = 1,
    ValidationFailed = 2,
    ConcurrentModification = 3,
    NotFound = 4,
    StoreInconsistent = 5,
    UsageError = 64,
};

QString errorKindName(ErrorKind kind);

// One rule a command broke, with the path of the field (`payload.lineItems[1].quantity`).
struct Violation
{
    QString field;
    QString message;
    friend bool operator==(const Violation &, const Violation &) = default;
};

// Errors are values: nothing in the core throws across its API.
struct Error
{
    ErrorKind kind = ErrorKind::Failure;
    QString message;
    QList<Violation> violations;
    QJsonObject details;

    static Error failure(const QString &message) { return {ErrorKind::Failure, message, {}, {}}; }
    static Error notFound(const QString &message) { return {ErrorKind::NotFound, message, {}, {}}; }
    static Error usage(const QString &message) { return {ErrorKind::UsageError, message, {}, {}}; }
    static Error inconsistent(const QString &message)
    {
        return {ErrorKind::StoreInconsistent, message, {}, {}};
    }
    static Error conflict(const QString &message, const QJsonObject &details = {})
    {
        return {ErrorKind::ConcurrentModification, message, {}, details};
    }
    static Error validation(const QString &message, QList<Violation> violations = {})
    {
        return {ErrorKind::ValidationFailed, message, std::move(violations), {}};
    }
    // One violation: the message names the field.
    static Error invalidField(const QString &field, const QString &message)
    {
        return validation(field + QStringLiteral(": ") + message, {{field, message}});
    }

    int exitCode() const { return static_cast<int>(kind); }
    // `ValidationFailed: payload.quantity: must be positive`
    QString toLine() const;
    // {"error":"ValidationFailed","message":"…","violations":[{"field":…,"message":…}]}
    QJsonObject toJson() const;
};

template<typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(Error e) { return std::unexpected<Error>(std::move(e)); }

} // namespace Billstream
