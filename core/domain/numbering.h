#pragma once

#include "core/es/event.h"
#include "core/es/result.h"

#include <QDate>
#include <QList>
#include <QString>

namespace Billstream {

// A tenant's invoice number pattern: literal text with the tokens {YYYY} {YY} {SEQ} {SEQ:n}
// (n = 1–10: zero-padded to at least n digits). It must hold a sequence and a year token, so a
// number is unique per tenant (the sequence restarts every year of the issue date).
class NumberingPattern final
{
public:
    static constexpr int MaxLength = 64;

    // Every problem of the pattern at once, as violations of `field`.
    static Result<NumberingPattern> parse(const QString &text, const QString &field = QStringLiteral("payload.pattern"));
    // `INV-{YYYY}-{SEQ:4}`, giving INV-2026-0001.
    static NumberingPattern defaultPattern();
    static QString defaultText();

    QString text() const { return m_text; }
    QString format(int year, qint64 seq) const;

private:
    struct Part
    {
        enum class Kind { Literal, Year4, Year2, Seq };
        Kind kind = Kind::Literal;
        QString literal;
        int width = 0;
    };
    QString m_text;
    QList<Part> m_parts;
};

// The number sequence of one tenant and year (stream type `sequence`, id invoice-number-<YYYY>):
// each InvoiceNumberReserved is at version = seq.
struct SequenceState
{
    qint64 lastSeq = 0;
    QDate lastIssueDate;
    QString lastNumber;
    QString lastInvoiceId;
    friend bool operator==(const SequenceState &, const SequenceState &) = default;
};

QString sequenceStreamId(int year);
SequenceState evolveSequence(SequenceState state, const RecordedEvent &event);
// InvoiceNumberReserved{seq, number, invoiceId, issueDate}.
NewEvent numberReserved(qint64 seq, const QString &number, const QString &invoiceId, const QDate &issueDate);

} // namespace Billstream
