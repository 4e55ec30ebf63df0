// Command handling: load → decide → append, rebase or ConcurrentModification, idempotency.
#include "core/es/commandbus.h"
#include "core/es/sqliteeventstore.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace Billstream;

namespace {

const QString Tenant = QStringLiteral("acme");
const QString Stream = QStringLiteral("doc-1");

NewEvent fieldSet(const QString &field, const QString &value)
{
    return NewEvent{QStringLiteral("FieldSet"), QJsonObject{{QStringLiteral("field"), field}, {QStringLiteral("value"), value}}, 1};
}

} // namespace

class TestCommandBus : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<SqliteEventStore> m_store;
    int m_decideCalls = 0;

    // SetField: conflicts with events that set the same field (DOMAIN.md, Concurrency).
    CommandHandler setField(const QString &field, const QString &value, std::function<void()> beforeAppend = {})
    {
        CommandHandler h;
        h.decide = [this, field, value, beforeAppend]() -> Result<AppendRequest> {
            ++m_decideCalls;
            auto version = m_store->streamVersion(Tenant, Stream);
            if (!version)
                return fail(version.error());
            if (beforeAppend)
                beforeAppend();
            AppendRequest r;
            r.streams = {StreamAppend{QStringLiteral("doc"), Stream,
                                      *version ? ExpectedVersion::exact(*version) : ExpectedVersion::noStream(),
                                      {fieldSet(field, value)}}};
            return r;
        };
        h.conflicting = [field](const QList<RecordedEvent> &since) {
            QList<RecordedEvent> out;
            for (const RecordedEvent &e : since) {
                if (e.payload.value(QStringLiteral("field")).toString() == field)
                    out << e;
            }
            return out;
        };
        return h;
    }

    CommandContext context(std::optional<qint64> expected, const QString &commandId = {}, const QByteArray &fp = "fp")
    {
        CommandContext c;
        c.tenantId = Tenant;
        c.streamId = Stream;
        c.expectedVersion = expected;
        c.metadata.commandId = commandId;
        c.fingerprint = fp;
        return c;
    }

    void seed()
    {
        // Versions 1..3: name, currency, customer.
        for (const auto &[f, v] : {std::pair{QStringLiteral("name"), QStringLiteral("a")},
                                   std::pair{QStringLiteral("currency"), QStringLiteral("USD")},
                                   std::pair{QStringLiteral("customer"), QStringLiteral("lidanh")}})
            QVERIFY(executeCommand(*m_store, context(std::nullopt), setField(f, v)).has_value());
    }

private slots:
    void init()
    {
        StoreOptions o;
        o.anchorPath = m_dir.filePath(QStringLiteral("anchor.json"));
        const QString path = m_dir.filePath(QStringLiteral("bus-%1.sqlite").arg(QString::fromLatin1(QTest::currentTestFunction())));
        auto s = SqliteEventStore::open(path, o);
        QVERIFY(s.has_value());
        m_store = std::move(*s);
        m_decideCalls = 0;
    }

    void expectedVersionCurrentAppends()
    {
        seed();
        auto r = executeCommand(*m_store, context(3), setField(QStringLiteral("notes"), QStringLiteral("x")));
        QVERIFY(r.has_value());
        QCOMPARE(r->events.size(), 1);
        QCOMPARE(r->events.first().version, 4);
    }

    void disjointChangeRebases()
    {
        seed();
        // The sender saw version 1; versions 2 and 3 touched other fields: the command lands at 4.
        auto r = executeCommand(*m_store, context(1), setField(QStringLiteral("notes"), QStringLiteral("x")));
        QVERIFY(r.has_value());
        QCOMPARE(r->events.first().version, 4);
    }

    void overlappingChangeConflicts()
    {
        seed();
        auto r = executeCommand(*m_store, context(1), setField(QStringLiteral("currency"), QStringLiteral("EUR")));
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().kind, ErrorKind::ConcurrentModification);
        QVERIFY2(r.error().message.contains(QStringLiteral("FieldSet (version 2)")), qPrintable(r.error().message));
        QCOMPARE(r.error().details.value(QStringLiteral("actualVersion")).toInteger(), 3);
        QCOMPARE(r.error().details.value(QStringLiteral("conflictingEvents")).toArray().size(), 1);
        QCOMPARE(*m_store->streamVersion(Tenant, Stream), 3);  // nothing written
    }

    void expectedAboveActualIsConcurrentModification()
    {
        seed();
        auto r = executeCommand(*m_store, context(9), setField(QStringLiteral("notes"), QStringLiteral("x")));
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().kind, ErrorKind::ConcurrentModification);
        QCOMPARE(*m_store->streamVersion(Tenant, Stream), 3);
    }

    void lostRaceIsRetriedOnFreshState()
    {
        seed();
        // Another writer (a second connection) appends between our read and our write.
        auto other = SqliteEventStore::open(m_store->path(), StoreOptions{});
        QVERIFY(other.has_value());
        bool interfered = false;
        auto handler = setField(QStringLiteral("notes"), QStringLiteral("mine"), [&] {
            if (interfered)
                return;
            interfered = true;
            AppendRequest r;
            r.tenantId = Tenant;
            r.streams = {StreamAppend{QStringLiteral("doc"), Stream, ExpectedVersion::any(),
                                      {fieldSet(QStringLiteral("name"), QStringLiteral("theirs"))}}};
            QVERIFY((*other)->append(r).has_value());
        });
        auto r = executeCommand(*m_store, context(3), handler);
        QVERIFY2(r.has_value(), r ? "" : qPrintable(r.error().message));
        QCOMPARE(m_decideCalls - 3, 2);
        QCOMPARE(r->events.first().version, 5);
    }

    void lostRaceToAConflictingChangeFails()
    {
        seed();
        auto other = SqliteEventStore::open(m_store->path(), StoreOptions{});
        QVERIFY(other.has_value());
        bool interfered = false;
        auto handler = setField(QStringLiteral("notes"), QStringLiteral("mine"), [&] {
            if (interfered)
                return;
            interfered = true;
            AppendRequest r;
            r.tenantId = Tenant;
            r.streams = {StreamAppend{QStringLiteral("doc"), Stream, ExpectedVersion::any(),
                                      {fieldSet(QStringLiteral("notes"), QStringLiteral("theirs"))}}};
            QVERIFY((*other)->append(r).has_value());
        });
        auto r = executeCommand(*m_store, context(3), handler);
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().kind, ErrorKind::ConcurrentModification);
        QCOMPARE(*m_store->streamVersion(Tenant, Stream), 4);
    }

    void commandIdMakesCommandsIdempotent()
    {
        seed();
        auto first = executeCommand(*m_store, context(std::nullopt, QStringLiteral("cmd-1"), "fp-a"),
                                    setField(QStringLiteral("notes"), QStringLiteral("x")));
        QVERIFY(first.has_value());
        QVERIFY(!first->replayed);
        const int callsAfterFirst = m_decideCalls;
        auto retry = executeCommand(*m_store, context(std::nullopt, QStringLiteral("cmd-1"), "fp-a"),
                                    setField(QStringLiteral("notes"), QStringLiteral("x")));
        QVERIFY2(retry.has_value(), retry ? "" : qPrintable(retry.error().message));
        QVERIFY(retry->replayed);
        QCOMPARE(m_decideCalls, callsAfterFirst);
        QCOMPARE(retry->events.size(), 1);
        QCOMPARE(retry->events.first().eventId, first->events.first().eventId);
        QCOMPARE(*m_store->streamVersion(Tenant, Stream), 4);

        auto other = executeCommand(*m_store, context(std::nullopt, QStringLiteral("cmd-1"), "fp-b"),
                                    setField(QStringLiteral("name"), QStringLiteral("y")));
        QVERIFY(!other.has_value());
        QCOMPARE(other.error().kind, ErrorKind::ValidationFailed);
        QVERIFY(other.error().message.contains(QStringLiteral("cmd-1")));
        QCOMPARE(*m_store->streamVersion(Tenant, Stream), 4);
    }

    void decideRejectionWritesNothing()
    {
        seed();
        CommandHandler h;
        h.decide = []() -> Result<AppendRequest> { return fail(Error::invalidField(QStringLiteral("payload.x"), QStringLiteral("bad"))); };
        auto r = executeCommand(*m_store, context(3), h);
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().kind, ErrorKind::ValidationFailed);
        QCOMPARE(*m_store->headPosition(), 3);
    }
};

QTEST_GUILESS_MAIN(TestCommandBus)
#include "tst_commandbus.moc"
