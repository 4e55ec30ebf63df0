// PayloadJson reads a stored payload as a QJsonObject read with value(key).toString() does.
#include "core/es/payloadjson.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QtTest>

using namespace Billstream;

class TstPayloadJson : public QObject
{
    Q_OBJECT

private:
    // Every key of the object (and a few it lacks) reads the same both ways.
    static void compareWithQt(PayloadJson &reader, const QByteArray &json, const QStringList &extraKeys = {})
    {
        const QJsonObject object = QJsonDocument::fromJson(json).object();
        reader.parse(json);
        QStringList keys = object.keys() + extraKeys;
        keys << QStringLiteral("missing") << QStringLiteral("ünicode");
        for (const QString &key : std::as_const(keys)) {
            QCOMPARE(reader.contains(key), object.contains(key));
            QCOMPARE(reader.string(key), object.value(key).toString());
            QCOMPARE(reader.string(key).isNull(), object.value(key).toString().isNull());
            QCOMPARE(reader.object(key), object.value(key).toObject());
        }
    }

private slots:
    void readsWhatQtReads_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("strings") << QByteArray("{\"a\":\"x\",\"b\":\"\",\"c\":\"1357.11\"}");
        QTest::newRow("escapes") << QByteArray("{\"q\":\"say \\\"hi\\\"\\\\ \\/ \\b\\f\\n\\r\\t\",\"u\":\"\\u00e9\\u20ac\\ud83d\\ude00\"}");
        QTest::newRow("utf-8") << QByteArray("{\"name\":\"Zo\xc3\xab M\xc3\xbcller \xe2\x82\xac \xf0\x9f\x98\x80\"}");
        QTest::newRow("other types") << QByteArray("{\"n\":12,\"f\":-1.5e3,\"t\":true,\"z\":null,\"a\":[1,\"x\"],\"s\":\"ok\"}");
        QTest::newRow("nested") << QByteArray("{\"seller\":{\"name\":\"A\",\"address\":{\"city\":\"B\"}},\"buyer\":{}}");
        QTest::newRow("whitespace") << QByteArray(" \n{ \"a\" : \"b\" ,\t\"c\":\"d\" }\n");
        QTest::newRow("empty object") << QByteArray("{}");
        QTest::newRow("duplicate keys") << QByteArray("{\"a\":\"first\",\"a\":\"second\"}");
        QTest::newRow("array") << QByteArray("[\"a\",\"b\"]");
        QTest::newRow("string") << QByteArray("\"a\"");
        QTest::newRow("truncated") << QByteArray("{\"a\":\"b");
        QTest::newRow("trailing garbage") << QByteArray("{\"a\":\"b\"} x");
        QTest::newRow("not json") << QByteArray("hello");
        QTest::newRow("empty") << QByteArray("");
        QTest::newRow("bad utf-8") << QByteArray("{\"a\":\"\xff\xfe\"}");
    }

    void readsWhatQtReads()
    {
        QFETCH(QByteArray, json);
        PayloadJson reader;
        compareWithQt(reader, json, {QStringLiteral("a")});
    }

    // A reader is reused for every payload of a replay: nothing of one parse leaks into the next.
    void reuseForgetsThePreviousPayload()
    {
        PayloadJson reader;
        QVERIFY(reader.parse("{\"a\":\"1\",\"b\":\"2\"}"));
        QVERIFY(reader.parse("{\"a\":\"3\"}"));
        QCOMPARE(reader.string(QStringLiteral("a")), QStringLiteral("3"));
        QVERIFY(!reader.contains(QStringLiteral("b")));
        QVERIFY(!reader.parse("nonsense"));
        QVERIFY(!reader.contains(QStringLiteral("a")));
        QVERIFY(reader.string(QStringLiteral("a")).isNull());
    }

    // Objects written by Qt with random keys and texts (any code point) read back the same.
    void randomObjectsRoundTrip()
    {
        QRandomGenerator rng(20261127);
        PayloadJson reader;
        for (int round = 0; round < 500; ++round) {
            QJsonObject o;
            const int members = int(rng.bounded(8));
            for (int m = 0; m < members; ++m) {
                QString text;
                const int length = int(rng.bounded(12));
                for (int c = 0; c < length; ++c) {
                    char32_t cp = rng.bounded(4) == 0 ? char32_t(rng.bounded(0x20)) : char32_t(rng.bounded(0x10FFFF));
                    if (cp >= 0xD800 && cp <= 0xDFFF)
                        cp = U'x';
                    text += QString::fromUcs4(&cp, 1);
                }
                const QString key = QStringLiteral("k%1").arg(m);
                if (rng.bounded(5) == 0)
                    o.insert(key, double(rng.bounded(1000)));
                else
                    o.insert(key, text);
            }
            compareWithQt(reader, QJsonDocument(o).toJson(rng.bounded(2) ? QJsonDocument::Compact : QJsonDocument::Indented));
        }
    }
};

QTEST_GUILESS_MAIN(TstPayloadJson)
#include "tst_payloadjson.moc"
