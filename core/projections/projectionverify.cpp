// verifyProjections(): every projection equals a fresh rebuild from the log (QUALITY.md:
// "projections can always be thrown away and rebuilt from the log with identical results").
#include "core/projections/readside.h"
#include "core/projections/sqlaccess.h"

#include <QDir>
#include <QHash>
#include <QScopeGuard>
#include <QSet>
#include <QTemporaryDir>

#include <sqlite3.h>

namespace Billstream {

namespace {

constexpr int SentencesPerTable = 20;
constexpr int RowsCompared = 2000;

// The columns that name a row in messages.
QStringList keyColumns(const QString &table)
{
    static const QHash<QString, QStringList> keys = {
        {QStringLiteral("invoice_list"), {QStringLiteral("tenant"), QStringLiteral("id")}},
        {QStringLiteral("invoice_list_customers"), {QStringLiteral("tenant"), QStringLiteral("customer_id")}},
        {QStringLiteral("invoice_list_balances"),
         {QStringLiteral("tenant"), QStringLiteral("customer_id"), QStringLiteral("currency")}},
        {QStringLiteral("customer_list"), {QStringLiteral("tenant"), QStringLiteral("id")}},
        {QStringLiteral("customer_list_history"), {QStringLiteral("tenant"), QStringLiteral("id"), QStringLiteral("valid_from")}},
        {QStringLiteral("revenue_payments"), {QStringLiteral("tenant"), QStringLiteral("position")}},
        {QStringLiteral("revenue_by_month"), {QStringLiteral("tenant"), QStringLiteral("month"), QStringLiteral("currency")}},
    };
    return keys.value(table);
}

struct Row
{
    QStringList values;
};

QString quoted(const QString &identifier)
{
    QString q = identifier;
    q.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

Result<QStringList> columnsOf(sqlite3 *h, const QString &schema, const QString &table, bool *exists)
{
    QStringList columns;
    const QByteArray sql = QStringLiteral("SELECT name FROM pragma_table_info(?1, ?2) ORDER BY cid").toUtf8();
    sqlite3_stmt *raw = nullptr;
    int rc = sqlite3_prepare_v2(h, sql.constData(), -1, &raw, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(raw);
        return fail(ReadSql::sqlError(h, rc, QStringLiteral("read the columns of %1").arg(table)));
    }
    const QByteArray t = table.toUtf8();
    const QByteArray s = schema.toUtf8();
    sqlite3_bind_text(raw, 1, t.constData(), int(t.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(raw, 2, s.constData(), int(s.size()), SQLITE_TRANSIENT);
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW)
        columns << QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(raw, 0)));
    sqlite3_finalize(raw);
    if (rc != SQLITE_DONE)
        return fail(ReadSql::sqlError(h, rc, QStringLiteral("read the columns of %1").arg(table)));
    *exists = !columns.isEmpty();
    return columns;
}

// Rows of `a` that `b` does not have (all columns, types included), at most `limit`.
Result<QList<Row>> except(sqlite3 *h, const QString &a, const QString &b, const QString &table,
                          const QStringList &columns, qint64 *count)
{
    QStringList quotedColumns;
    for (const QString &c : columns)
        quotedColumns << quoted(c);
    const QString list = quotedColumns.join(QStringLiteral(", "));
    const QString sql = QStringLiteral("SELECT %1 FROM %2.%3 EXCEPT SELECT %1 FROM %4.%3")
                            .arg(list, a, quoted(table), b);
    const QByteArray utf8 = sql.toUtf8();
    sqlite3_stmt *raw = nullptr;
    int rc = sqlite3_prepare_v2(h, utf8.constData(), -1, &raw, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(raw);
        return fail(ReadSql::sqlError(h, rc, QStringLiteral("compare the table %1").arg(table)));
    }
    QList<Row> rows;
    *count = 0;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
        ++*count;
        if (rows.size() >= RowsCompared)
            continue;
        Row row;
        for (int i = 0; i < int(columns.size()); ++i) {
            const int type = sqlite3_column_type(raw, i);
            if (type == SQLITE_NULL)
                row.values << QStringLiteral("NULL");
            else
                row.values << QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(raw, i)),
                                                sqlite3_column_bytes(raw, i));
        }
        rows << row;
    }
    sqlite3_finalize(raw);
    if (rc != SQLITE_DONE)
        return fail(ReadSql::sqlError(h, rc, QStringLiteral("compare the table %1").arg(table)));
    return rows;
}

QString keyText(const QStringList &columns, const QStringList &keys, const Row &row)
{
    QStringList parts;
    for (const QString &k : keys) {
        const qsizetype i = columns.indexOf(k);
        if (i >= 0)
            parts << k + QLatin1Char(' ') + row.values.at(i);
    }
    return parts.join(QStringLiteral(", "));
}

QString rowKey(const QStringList &columns, const QStringList &keys, const Row &row)
{
    QStringList parts;
    for (const QString &k : keys) {
        const qsizetype i = columns.indexOf(k);
        if (i >= 0)
            parts << row.values.at(i);
    }
    return parts.join(QChar(0x1f));
}

// Sentences for one table's differences.
QStringList describe(const QString &projection, const QString &table, const QStringList &columns,
                     const QList<Row> &stored, qint64 storedCount, const QList<Row> &fresh, qint64 freshCount)
{
    const QStringList keys = keyColumns(table);
    QHash<QString, qsizetype> freshByKey;
    for (qsizetype i = 0; i < fresh.size(); ++i)
        freshByKey.insert(rowKey(columns, keys, fresh.at(i)), i);
    QSet<QString> paired;
    QStringList sentences;
    qint64 items = 0;  // differences found: a changed row counts once, though it is two rows
    const auto add = [&](const QString &s) {
        if (sentences.size() < SentencesPerTable)
            sentences << s;
        ++items;
    };
    for (const Row &row : stored) {
        const QString key = rowKey(columns, keys, row);
        const auto it = freshByKey.constFind(key);
        if (it != freshByKey.cend()) {
            paired.insert(key);
            const Row &other = fresh.at(*it);
            QStringList diffs;
            for (int c = 0; c < int(columns.size()); ++c) {
                if (row.values.at(c) != other.values.at(c)) {
                    diffs << QStringLiteral("%1 is %2 where a rebuild gives %3")
                                 .arg(columns.at(c), row.values.at(c), other.values.at(c));
                }
            }
            if (diffs.isEmpty())
                diffs << QStringLiteral("a value has another type than a rebuild gives");
            add(QStringLiteral("Projection %1 differs from a fresh rebuild: in table %2, the row (%3) has %4.")
                    .arg(projection, table, keyText(columns, keys, row), diffs.join(QStringLiteral("; "))));
        } else {
            add(QStringLiteral("Projection %1 differs from a fresh rebuild: table %2 holds a row (%3) that a rebuild "
                               "does not produce.")
                    .arg(projection, table, keyText(columns, keys, row)));
        }
    }
    for (const Row &row : fresh) {
        if (paired.contains(rowKey(columns, keys, row)))
            continue;
        add(QStringLiteral("Projection %1 differs from a fresh rebuild: table %2 lacks the row (%3) that a rebuild "
                           "produces.")
                .arg(projection, table, keyText(columns, keys, row)));
    }
    // Rows beyond those compared one by one.
    items += (storedCount - stored.size()) + (freshCount - fresh.size());
    if (items > qint64(sentences.size())) {
        sentences << QStringLiteral("Projection %1 differs from a fresh rebuild in table %2 in %3 more row(s).")
                         .arg(projection, table)
                         .arg(items - sentences.size());
    }
    return sentences;
}

Result<qint64> headOf(sqlite3 *h, const QString &schema)
{
    const QByteArray sql = QStringLiteral("SELECT coalesce(max(position), 0) FROM %1.events").arg(schema).toUtf8();
    sqlite3_stmt *raw = nullptr;
    int rc = sqlite3_prepare_v2(h, sql.constData(), -1, &raw, nullptr);
    qint64 head = 0;
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(raw);
        if (rc == SQLITE_ROW)
            head = sqlite3_column_int64(raw, 0);
    }
    sqlite3_finalize(raw);
    if (rc != SQLITE_ROW)
        return fail(ReadSql::sqlError(h, rc, QStringLiteral("read the head of the log")));
    return head;
}

} // namespace

Result<ProjectionCheck> verifyProjections(SqliteEventStore &store, const ReadSide::Progress &progress)
{
    QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/billstream-verify-XXXXXX"));
    if (!dir.isValid())
        return fail(Error::failure(QStringLiteral("Could not create a temporary folder to rebuild the projections in.")));
    const QString copyPath = dir.filePath(QStringLiteral("rebuilt.sqlite"));
    if (Status s = store.backupTo(copyPath); !s)
        return fail(s.error());

    ProjectionCheck check;
    {
        StoreOptions options;
        options.recordAnchor = false;
        options.anchorPath = dir.filePath(QStringLiteral("anchor.json"));
        options.quickCheckOnOpen = false;
        ReadSide::Options rsOptions;
        rsOptions.catchUpAsync = false;
        rsOptions.autoCatchUp = false;
        Result<std::unique_ptr<ReadSide>> copy = ReadSide::open(copyPath, options, {}, rsOptions);
        if (!copy)
            return fail(copy.error());
        if (Status s = (*copy)->rebuild({}, progress); !s)
            return fail(s.error());
    }

    sqlite3 *h = ReadSql::handleOf(store.database());
    if (!h)
        return fail(Error::failure(QStringLiteral("The store %1 has no open connection.").arg(store.path())));
    {
        sqlite3_stmt *raw = nullptr;
        int rc = sqlite3_prepare_v2(h, "ATTACH DATABASE ?1 AS rebuilt", -1, &raw, nullptr);
        if (rc == SQLITE_OK) {
            const QByteArray p = copyPath.toUtf8();
            sqlite3_bind_text(raw, 1, p.constData(), int(p.size()), SQLITE_TRANSIENT);
            rc = sqlite3_step(raw);
        }
        sqlite3_finalize(raw);
        if (rc != SQLITE_DONE)
            return fail(ReadSql::sqlError(h, rc, QStringLiteral("open the rebuilt copy of the projections")));
    }
    const auto detach = qScopeGuard([h] { sqlite3_exec(h, "DETACH DATABASE rebuilt", nullptr, nullptr, nullptr); });

    // One read transaction: the comparison sees one state of the store.
    if (Status s = ReadSql::exec(h, "BEGIN", QStringLiteral("start reading the projections")); !s)
        return fail(s.error());
    const auto end = qScopeGuard([h] { sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr); });

    const Result<qint64> liveHead = headOf(h, QStringLiteral("main"));
    if (!liveHead)
        return fail(liveHead.error());
    const Result<qint64> copyHead = headOf(h, QStringLiteral("rebuilt"));
    if (!copyHead)
        return fail(copyHead.error());
    if (*liveHead != *copyHead) {
        check.notes << QStringLiteral("The log grew from position %1 to %2 while the projections were rebuilt for "
                                      "the check; run verify again to compare them.")
                           .arg(*copyHead)
                           .arg(*liveHead);
        return check;
    }

    for (const QString &projection : ReadSide::projectionNames()) {
        const Result<qint64> checkpoint = store.checkpoint(projection);
        if (!checkpoint)
            return fail(checkpoint.error());
        if (*checkpoint != *liveHead) {
            if (ReadSide::inlineProjectionNames().contains(projection)) {
                check.problems << QStringLiteral("Projection %1 stands at position %2, but the log ends at %3.")
                                      .arg(projection)
                                      .arg(*checkpoint)
                                      .arg(*liveHead);
            } else {
                check.notes << QStringLiteral("Projection %1 is %2 event(s) behind the log and was not compared; it "
                                              "catches up when the store is opened for writing.")
                                   .arg(projection)
                                   .arg(*liveHead - *checkpoint);
            }
            continue;
        }
        for (const QString &table : ReadSide::tablesOf(projection)) {
            bool freshExists = false;
            bool liveExists = false;
            const Result<QStringList> columns = columnsOf(h, QStringLiteral("rebuilt"), table, &freshExists);
            if (!columns)
                return fail(columns.error());
            const Result<QStringList> liveColumns = columnsOf(h, QStringLiteral("main"), table, &liveExists);
            if (!liveColumns)
                return fail(liveColumns.error());
            if (!liveExists) {
                check.problems << QStringLiteral("Projection %1 is damaged: its table %2 is missing.").arg(projection, table);
                continue;
            }
            if (*liveColumns != *columns) {
                check.problems << QStringLiteral("Projection %1 is damaged: its table %2 has the columns (%3), a "
                                                 "rebuild has (%4).")
                                      .arg(projection, table, liveColumns->join(QStringLiteral(", ")),
                                           columns->join(QStringLiteral(", ")));
                continue;
            }
            qint64 storedCount = 0;
            qint64 freshCount = 0;
            const Result<QList<Row>> stored =
                except(h, QStringLiteral("main"), QStringLiteral("rebuilt"), table, *columns, &storedCount);
            if (!stored)
                return fail(stored.error());
            const Result<QList<Row>> fresh =
                except(h, QStringLiteral("rebuilt"), QStringLiteral("main"), table, *columns, &freshCount);
            if (!fresh)
                return fail(fresh.error());
            if (storedCount == 0 && freshCount == 0)
                continue;
            check.problems << describe(projection, table, *columns, *stored, storedCount, *fresh, freshCount);
        }
    }
    return check;
}

} // namespace Billstream
