#include "core/es/payloadjson.h"

#include <QJsonDocument>

#include <simdjson.h>

#include <optional>
#include <string_view>

namespace Billstream {

struct PayloadJson::Private
{
    simdjson::dom::parser parser;
    simdjson::dom::object object;
    bool ok = false;

    // Keys are the domain's ASCII names: narrowed without an allocation.
    std::optional<simdjson::dom::element> member(const QString &key) const
    {
        if (!ok)
            return std::nullopt;
        char buffer[64];
        if (key.size() > qsizetype(sizeof buffer))
            return std::nullopt;
        for (qsizetype i = 0; i < key.size(); ++i) {
            const char16_t c = key.at(i).unicode();
            if (c >= 0x80)
                return std::nullopt;  // no such key among the domain's names
            buffer[i] = char(c);
        }
        const std::string_view name(buffer, size_t(key.size()));
        // The last of equal keys wins, as in QJsonDocument.
        std::optional<simdjson::dom::element> found;
        for (const simdjson::dom::key_value_pair field : object) {
            if (field.key == name)
                found = field.value;
        }
        return found;
    }
};

PayloadJson::PayloadJson()
    : d(std::make_unique<Private>())
{
}

PayloadJson::~PayloadJson() = default;

bool PayloadJson::parse(QByteArrayView json)
{
    d->ok = false;
    simdjson::dom::element root;
    // The parser copies the text into its own padded buffer (simdjson reads past the end).
    if (d->parser.parse(json.data() ? json.data() : "", size_t(json.size()), true).get(root) != simdjson::SUCCESS)
        return false;
    if (root.get_object().get(d->object) != simdjson::SUCCESS)
        return false;
    d->ok = true;
    return true;
}

bool PayloadJson::contains(const QString &key) const
{
    return d->member(key).has_value();
}

QString PayloadJson::string(const QString &key) const
{
    const QByteArrayView text = utf8(key);
    return text.isNull() ? QString() : QString::fromUtf8(text);
}

QByteArrayView PayloadJson::utf8(const QString &key) const
{
    const std::optional<simdjson::dom::element> value = d->member(key);
    std::string_view text;
    if (!value || value->get_string().get(text) != simdjson::SUCCESS)
        return {};
    // (An empty string is not null: a view of its place.)
    return QByteArrayView(text.data() ? text.data() : "", qsizetype(text.size()));
}

QJsonObject PayloadJson::object(const QString &key) const
{
    const std::optional<simdjson::dom::element> value = d->member(key);
    if (!value || !value->is_object())
        return QJsonObject();
    const std::string json = simdjson::minify(*value);
    return QJsonDocument::fromJson(QByteArray::fromRawData(json.data(), qsizetype(json.size()))).object();
}

} // namespace Billstream
