#pragma once

// Helpers for given / when / then tables: events and expectations written as compact strings
// (`InvoiceStatusSet {"status":"DRAFT"}`), so a table row fits on a line or two.
#include "core/domain/invoicingservice.h"

#include <QJsonDocument>
#include <QtTest>

namespace Billstream::Testing {

inline QString text(const char *utf8)
{
    return QString::fromUtf8(utf8);
}
inline QString text(const QString &s)
{
    return s;
}
// QStringList from literals and QStrings alike (QT_NO_CAST_FROM_ASCII forbids the implicit way).
template<typename... Items>
QStringList list(const Items &...items)
{
    return QStringList{text(items)...};
}

inline QJsonObject json(const QString &text)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        qFatal("test JSON does not parse: %s", qPrintable(text));
    return doc.object();
}

inline QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

// "Type" or "Type {payload}".
inline NewEvent eventFrom(const QString &spec)
{
    const qsizetype space = spec.indexOf(u' ');
    if (space < 0)
        return NewEvent{spec, {}, 1};
    return NewEvent{spec.left(space), json(spec.mid(space + 1)), 1};
}

// The events of one stream as the store would hand them out: versions 1…n, one second apart.
inline QList<RecordedEvent> recorded(const QString &streamType, const QString &streamId, const QStringList &specs,
                                     qint64 firstVersion = 1)
{
    QList<RecordedEvent> out;
    qint64 version = firstVersion;
    for (const QString &spec : specs) {
        const NewEvent e = eventFrom(spec);
        RecordedEvent r;
        r.position = version;
        r.tenantId = QStringLiteral("t1");
        r.streamType = streamType;
        r.streamId = streamId;
        r.version = version;
        r.type = e.type;
        r.payload = e.payload;
        r.recordedAt = QDateTime(QDate(2026, 11, 1), QTime(9, 0), Qt::UTC).addSecs(version);
        out << r;
        ++version;
    }
    return out;
}

template<typename State, typename Evolve>
State fold(State state, const QList<RecordedEvent> &events, Evolve evolve)
{
    for (const RecordedEvent &e : events)
        state = evolve(std::move(state), e);
    return state;
}

// Decodes a command; a test row with a command that does not decode fails here, loudly.
inline DecodedCommand decoded(const QString &commandJson)
{
    Result<DecodedCommand> d = decodeCommand(json(commandJson));
    if (!d)
        qFatal("command does not decode: %s", qPrintable(d.error().toLine()));
    return *d;
}

// An error as "Kind" or "Kind: field1, field2" (the violated fields in order).
inline QString errorSummary(const Error &e)
{
    QStringList fields;
    for (const Violation &v : e.violations)
        fields << v.field;
    return fields.isEmpty() ? errorKindName(e.kind) : errorKindName(e.kind) + QStringLiteral(": ") + fields.join(QStringLiteral(", "));
}

// Compares decided events with expectations "Type" or "Type {subset of the payload}".
inline bool matchEvents(const QList<NewEvent> &actual, const QStringList &expected, QString *why)
{
    if (actual.size() != expected.size()) {
        QStringList types;
        for (const NewEvent &e : actual)
            types << e.type + QLatin1Char(' ') + compact(e.payload);
        *why = QStringLiteral("expected %1 events, got %2: %3").arg(expected.size()).arg(actual.size()).arg(types.join(QStringLiteral(" | ")));
        return false;
    }
    for (qsizetype i = 0; i < actual.size(); ++i) {
        const NewEvent want = eventFrom(expected[i]);
        if (actual[i].type != want.type) {
            *why = QStringLiteral("event %1: expected %2, got %3").arg(i).arg(want.type, actual[i].type);
            return false;
        }
        for (auto it = want.payload.begin(); it != want.payload.end(); ++it) {
            if (actual[i].payload.value(it.key()) != it.value()) {
                *why = QStringLiteral("event %1 (%2): %3 is %4, expected %5")
                           .arg(i)
                           .arg(want.type, it.key(), compact(QJsonObject{{it.key(), actual[i].payload.value(it.key())}}),
                                compact(QJsonObject{{it.key(), it.value()}}));
                return false;
            }
        }
    }
    return true;
}

// Deterministic ids for generated line item, payment and delivery ids: gen-1, gen-2, …
inline std::function<QString()> sequentialIds()
{
    auto counter = std::make_shared<int>(0);
    return [counter] { return QStringLiteral("gen-%1").arg(++*counter); };
}

} // namespace Billstream::Testing
