#pragma once

#include "core/domain/decimal.h"
#include "core/es/result.h"

#include <QDate>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>

#include <functional>
#include <optional>

namespace Billstream {

enum class Presence { Required, Optional };

// What a text field may hold. Every text is trimmed; control characters are refused except line
// breaks and tabs in multi-line fields (notes, messages).
struct TextRule
{
    Presence presence = Presence::Required;
    int maxLength = 200;
    bool allowEmpty = false;
    bool multiline = false;
};

// Parses a decimal string, naming the field in its violation (the parsers of totals.h).
using DecimalParser = Result<Decimal> (*)(QStringView text, const QString &field);

// Reads one JSON object of a command strictly: each accessor marks its key as known and turns
// a missing value, a wrong type or a broken rule into a Violation naming the field's path;
// finish() refuses every key nobody asked for. Reading never stops at the first problem, so a
// command reports all its violations at once (DOMAIN.md, validation level 1).
class JsonReader final
{
public:
    JsonReader(QJsonObject object, QString path, QList<Violation> &violations);

    QString path() const { return m_path; }
    // "payload.address.city" for key "city" of the reader at "payload.address".
    QString pathOf(const QString &key) const;
    void addViolation(const QString &field, const QString &message);
    // Present and not null; marks the key as known.
    bool has(const QString &key);
    void markKnown(const QString &key) { m_known.insert(key); }

    std::optional<QString> text(const QString &key, const TextRule &rule = {});
    // A decimal carried as a JSON string (DOMAIN.md Money: never a JSON number).
    std::optional<Decimal> decimal(const QString &key, Presence presence, DecimalParser parse);
    // `YYYY-MM-DD`, a real calendar date.
    std::optional<QDate> date(const QString &key, Presence presence);
    std::optional<qint64> integer(const QString &key, Presence presence, qint64 min, qint64 max);
    // An e-mail address (trimmed), well-formed per isWellFormedEmail().
    std::optional<QString> email(const QString &key, Presence presence);
    // An id of A-Z a-z 0-9 . _ - (1–64), as for aggregate ids.
    std::optional<QString> identifier(const QString &key, Presence presence);
    // A nested object read by `read`; its unknown keys are refused too. False when absent/invalid.
    bool object(const QString &key, Presence presence, const std::function<void(JsonReader &)> &read);
    // An array of objects, each read by `read(item, index)`; at most maxItems entries.
    bool objectArray(const QString &key, Presence presence, int maxItems,
                     const std::function<void(JsonReader &, int)> &read);

    // Refuses the keys not read (call once, after every accessor).
    void finish();

    // Checks a text value against a rule; returns the trimmed text or records a violation.
    static std::optional<QString> checkText(const QString &value, const QString &field, const TextRule &rule,
                                            QList<Violation> &violations);

private:
    // The value at key when present and of the expected type; records the violation otherwise.
    std::optional<QJsonValue> valueOf(const QString &key, Presence presence, QJsonValue::Type type,
                                      const QString &typeName);

    QJsonObject m_object;
    QString m_path;
    QList<Violation> &m_violations;
    QSet<QString> m_known;
};

// The violations an Error carries, or its message as a violation of `field` when it has none.
QList<Violation> violationsOf(const Error &e, const QString &field);
// Text from the sender made fit for a one-line message: control characters replaced, at most
// maxLength characters (then "…"), and the empty string shown as "".
QString printable(const QString &text, int maxLength = 64);

// Local part, '@', a domain with a dot; no spaces or control characters; at most 254 characters.
bool isWellFormedEmail(const QString &email);
// The JSON type of a value as named in messages ("a number", "an object").
QString jsonTypeName(const QJsonValue &value);

} // namespace Billstream
