#pragma once

#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

#include <memory>

namespace Billstream {

// An event payload read from its stored JSON text without building a QJsonObject: a replay of
// the whole log folds millions of payloads, and QJsonDocument's object model (a container per
// payload, a lookup and a conversion per field) costs more there than the fold itself. Parsed
// with simdjson; read like a QJsonObject whose values are read with toString(): a member that
// is missing or not a string reads as a null QString, a text that is not a JSON object reads
// as an empty object (as parseObject() does). One instance per thread; what string() returns
// is a copy, the parse itself is valid until the next parse().
class PayloadJson
{
public:
    PayloadJson();
    ~PayloadJson();
    PayloadJson(const PayloadJson &) = delete;
    PayloadJson &operator=(const PayloadJson &) = delete;

    // False (and an empty object) when `json` is not a JSON object.
    bool parse(QByteArrayView json);

    bool contains(const QString &key) const;
    QString string(const QString &key) const;
    // The member's text as UTF-8 where the parse holds it (no copy; valid until the next
    // parse()), null when string() would be.
    QByteArrayView utf8(const QString &key) const;
    // A member that is an object, through QJsonDocument (payloads nest rarely).
    QJsonObject object(const QString &key) const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace Billstream
