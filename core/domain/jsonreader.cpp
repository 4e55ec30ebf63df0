#include "core/domain/jsonreader.h"

#include "core/es/storelocation.h"

#include <QRegularExpression>

namespace Billstream {

namespace {

bool isControl(char16_t c, bool multiline)
{
    if (multiline && (c == u'\n' || c == u'\t' || c == u'\r'))
        return false;
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029;
}

} // namespace

QString jsonTypeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("a boolean");
    case QJsonValue::Double: return QStringLiteral("a number");
    case QJsonValue::String: return QStringLiteral("a string");
    case QJsonValue::Array: return QStringLiteral("an array");
    case QJsonValue::Object: return QStringLiteral("an object");
    case QJsonValue::Undefined: break;
    }
    return QStringLiteral("undefined");
}

QList<Violation> violationsOf(const Error &e, const QString &field)
{
    return e.violations.isEmpty() ? QList<Violation>{{field, e.message}} : e.violations;
}

QString printable(const QString &text, int maxLength)
{
    if (text.isEmpty())
        return QStringLiteral("\"\"");
    QString s = text.left(maxLength);
    for (QChar &c : s) {
        if (isControl(c.unicode(), false))
            c = QLatin1Char('?');
    }
    return text.size() > maxLength ? s + QStringLiteral("…") : s;
}

bool isWellFormedEmail(const QString &email)
{
    // Deliberately simple (RFC 5321 leaves too much room to check fully): one '@', a non-empty
    // local part, a domain with a dot and no empty label, nothing that could break a mail header.
    static const QRegularExpression re(
        QStringLiteral(R"(^[^@\s<>()\[\],;:"\\]+@[^@\s<>()\[\],;:"\\.]+(\.[^@\s<>()\[\],;:"\\.]+)+$)"));
    if (email.size() > 254)
        return false;
    for (const QChar c : email) {
        if (isControl(c.unicode(), false))
            return false;
    }
    return re.match(email).hasMatch();
}

JsonReader::JsonReader(QJsonObject object, QString path, QList<Violation> &violations)
    : m_object(std::move(object))
    , m_path(std::move(path))
    , m_violations(violations)
{}

QString JsonReader::pathOf(const QString &key) const
{
    return m_path.isEmpty() ? key : m_path + QLatin1Char('.') + key;
}

void JsonReader::addViolation(const QString &field, const QString &message)
{
    m_violations.append({field, message});
}

bool JsonReader::has(const QString &key)
{
    m_known.insert(key);
    const auto it = m_object.constFind(key);
    return it != m_object.constEnd() && !it->isNull();
}

std::optional<QJsonValue> JsonReader::valueOf(const QString &key, Presence presence, QJsonValue::Type type,
                                              const QString &typeName)
{
    m_known.insert(key);
    const auto it = m_object.constFind(key);
    // null reads as absent: clients often send `"taxId": null` for "not given".
    if (it == m_object.constEnd() || it->isNull()) {
        if (presence == Presence::Required)
            addViolation(pathOf(key), QStringLiteral("is required"));
        return std::nullopt;
    }
    if (it->type() != type) {
        if (type == QJsonValue::String && it->isDouble() && typeName == QLatin1String("a decimal string"))
            addViolation(pathOf(key), QStringLiteral("must be a decimal string such as \"12.50\", not a JSON number"));
        else
            addViolation(pathOf(key), QStringLiteral("must be %1, not %2").arg(typeName, jsonTypeName(*it)));
        return std::nullopt;
    }
    return *it;
}

std::optional<QString> JsonReader::checkText(const QString &value, const QString &field, const TextRule &rule,
                                             QList<Violation> &violations)
{
    const QString text = value.trimmed();
    if (!text.isValidUtf16()) {
        violations.append({field, QStringLiteral("is not valid Unicode text")});
        return std::nullopt;
    }
    if (text.isEmpty() && !rule.allowEmpty) {
        violations.append({field, QStringLiteral("must not be empty")});
        return std::nullopt;
    }
    if (text.size() > rule.maxLength) {
        violations.append({field, QStringLiteral("is too long (%1 characters, at most %2)").arg(text.size()).arg(rule.maxLength)});
        return std::nullopt;
    }
    for (const QChar c : text) {
        if (isControl(c.unicode(), rule.multiline)) {
            violations.append({field, rule.multiline ? QStringLiteral("must not contain control characters")
                                                     : QStringLiteral("must be one line without control characters")});
            return std::nullopt;
        }
    }
    return text;
}

std::optional<QString> JsonReader::text(const QString &key, const TextRule &rule)
{
    const auto v = valueOf(key, rule.presence, QJsonValue::String, QStringLiteral("a string"));
    if (!v)
        return std::nullopt;
    return checkText(v->toString(), pathOf(key), rule, m_violations);
}

std::optional<Decimal> JsonReader::decimal(const QString &key, Presence presence, DecimalParser parse)
{
    const auto v = valueOf(key, presence, QJsonValue::String, QStringLiteral("a decimal string"));
    if (!v)
        return std::nullopt;
    Result<Decimal> parsed = parse(v->toString(), pathOf(key));
    if (!parsed) {
        m_violations.append(violationsOf(parsed.error(), pathOf(key)));
        return std::nullopt;
    }
    return *parsed;
}

std::optional<QDate> JsonReader::date(const QString &key, Presence presence)
{
    const auto v = valueOf(key, presence, QJsonValue::String, QStringLiteral("a date string (YYYY-MM-DD)"));
    if (!v)
        return std::nullopt;
    static const QRegularExpression re(QStringLiteral("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"));
    const QString s = v->toString();
    const QDate d = re.match(s).hasMatch() ? QDate::fromString(s, Qt::ISODate) : QDate();
    if (!d.isValid() || d.year() < 1000) {
        addViolation(pathOf(key), QStringLiteral("must be a real date written YYYY-MM-DD, not \"%1\"").arg(s.left(40)));
        return std::nullopt;
    }
    return d;
}

std::optional<qint64> JsonReader::integer(const QString &key, Presence presence, qint64 min, qint64 max)
{
    const auto v = valueOf(key, presence, QJsonValue::Double, QStringLiteral("an integer"));
    if (!v)
        return std::nullopt;
    // toInteger answers its default for fractions and out-of-range values: two defaults tell.
    const qint64 a = v->toInteger(-1);
    const qint64 b = v->toInteger(-2);
    if (a != b || a < min || a > max) {
        addViolation(pathOf(key), QStringLiteral("must be an integer from %1 to %2").arg(min).arg(max));
        return std::nullopt;
    }
    return a;
}

std::optional<QString> JsonReader::email(const QString &key, Presence presence)
{
    const auto value = text(key, TextRule{presence, 254, false, false});
    if (!value)
        return std::nullopt;
    if (!isWellFormedEmail(*value)) {
        addViolation(pathOf(key), QStringLiteral("must be an e-mail address such as ann@example.com"));
        return std::nullopt;
    }
    return value;
}

std::optional<QString> JsonReader::identifier(const QString &key, Presence presence)
{
    const auto v = valueOf(key, presence, QJsonValue::String, QStringLiteral("a string"));
    if (!v)
        return std::nullopt;
    const QString id = v->toString();
    if (!isValidIdentifier(id)) {
        addViolation(pathOf(key), QStringLiteral("must be 1–64 characters of A-Z a-z 0-9 . _ -"));
        return std::nullopt;
    }
    return id;
}

bool JsonReader::object(const QString &key, Presence presence, const std::function<void(JsonReader &)> &read)
{
    const auto v = valueOf(key, presence, QJsonValue::Object, QStringLiteral("an object"));
    if (!v)
        return false;
    const qsizetype before = m_violations.size();
    JsonReader child(v->toObject(), pathOf(key), m_violations);
    read(child);
    child.finish();
    return m_violations.size() == before;
}

bool JsonReader::objectArray(const QString &key, Presence presence, int maxItems,
                             const std::function<void(JsonReader &, int)> &read)
{
    const auto v = valueOf(key, presence, QJsonValue::Array, QStringLiteral("an array"));
    if (!v)
        return false;
    const QJsonArray array = v->toArray();
    if (array.size() > maxItems) {
        addViolation(pathOf(key), QStringLiteral("has %1 entries, at most %2").arg(array.size()).arg(maxItems));
        return false;
    }
    const qsizetype before = m_violations.size();
    for (int i = 0; i < array.size(); ++i) {
        const QString itemPath = pathOf(key) + QStringLiteral("[%1]").arg(i);
        const QJsonValue item = array.at(i);
        if (!item.isObject()) {
            addViolation(itemPath, QStringLiteral("must be an object, not %1").arg(jsonTypeName(item)));
            continue;
        }
        JsonReader child(item.toObject(), itemPath, m_violations);
        read(child, i);
        child.finish();
    }
    return m_violations.size() == before;
}

void JsonReader::finish()
{
    for (auto it = m_object.constBegin(); it != m_object.constEnd(); ++it) {
        if (m_known.contains(it.key()))
            continue;
        // The key is the sender's text: keep the message one readable line.
        const QString key = printable(it.key());
        addViolation(pathOf(key), QStringLiteral("unknown field"));
    }
}

} // namespace Billstream
