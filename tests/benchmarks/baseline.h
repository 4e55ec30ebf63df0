#pragma once

#include <QByteArray>
#include <QString>

#include <sqlite3.h>

namespace Bench {

// Bare SQLite through the C API: the same table, indexes and pragmas as the event store,
// without anything Billstream adds (hash chain, stream table, checkpoints, anchor).
class BareStore
{
public:
    explicit BareStore(const QString &path);
    ~BareStore();
    BareStore(const BareStore &) = delete;
    BareStore &operator=(const BareStore &) = delete;

    void exec(const char *sql);
    // One row of the events table, inside whatever transaction is open.
    void insert(qint64 position, const QByteArray &streamId, qint64 version, const QByteArray &eventId,
                const QByteArray &payload, qint64 recordedAt);
    sqlite3 *handle() const { return m_db; }

private:
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_insert = nullptr;
};

} // namespace Bench
