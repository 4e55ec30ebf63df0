#include "core/domain/numbering.h"

#include "core/domain/domainevents.h"

#include <QRegularExpression>

namespace Billstream {

namespace {
const QString kSeq = QStringLiteral("seq");
const QString kNumber = QStringLiteral("number");
const QString kInvoiceId = QStringLiteral("invoiceId");
const QString kIssueDate = QStringLiteral("issueDate");
} // namespace

QString NumberingPattern::defaultText()
{
    return QStringLiteral("INV-{YYYY}-{SEQ:4}");
}

NumberingPattern NumberingPattern::defaultPattern()
{
    return *parse(defaultText());
}

Result<NumberingPattern> NumberingPattern::parse(const QString &text, const QString &field)
{
    QList<Violation> violations;
    const auto refuse = [&](const QString &message) { violations.append({field, message}); };
    NumberingPattern p;
    p.m_text = text;
    if (text.isEmpty())
        refuse(QStringLiteral("must not be empty"));
    if (text.size() > MaxLength)
        refuse(QStringLiteral("is too long (at most %1 characters)").arg(MaxLength));

    bool hasSeq = false;
    bool hasYear = false;
    QString literal;
    const auto flushLiteral = [&] {
        if (!literal.isEmpty())
            p.m_parts.append({Part::Kind::Literal, literal, 0});
        literal.clear();
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == u'}') {
            refuse(QStringLiteral("has a '}' without its '{' at position %1").arg(i + 1));
            continue;
        }
        if (c != u'{') {
            if (c.unicode() < 0x20 || c.unicode() == 0x7f || c.isSpace()) {
                refuse(QStringLiteral("must not contain spaces or control characters"));
                continue;
            }
            literal += c;
            continue;
        }
        const qsizetype close = text.indexOf(u'}', i + 1);
        if (close < 0) {
            refuse(QStringLiteral("has a '{' without its '}' at position %1").arg(i + 1));
            break;
        }
        const QString token = text.mid(i + 1, close - i - 1);
        i = close;
        flushLiteral();
        if (token == QLatin1String("YYYY")) {
            p.m_parts.append({Part::Kind::Year4, {}, 0});
            hasYear = true;
        } else if (token == QLatin1String("YY")) {
            p.m_parts.append({Part::Kind::Year2, {}, 0});
            hasYear = true;
        } else if (token == QLatin1String("SEQ")) {
            p.m_parts.append({Part::Kind::Seq, {}, 0});
            hasSeq = true;
        } else if (token.startsWith(QLatin1String("SEQ:"))) {
            static const QRegularExpression digits(QStringLiteral("^[0-9]{1,2}$"));
            const QString n = token.mid(4);
            const int width = digits.match(n).hasMatch() ? n.toInt() : 0;
            if (width < 1 || width > 10) {
                refuse(QStringLiteral("{%1}: the width of {SEQ:n} must be 1 to 10").arg(token.left(20)));
            } else {
                p.m_parts.append({Part::Kind::Seq, {}, width});
                hasSeq = true;
            }
        } else {
            refuse(QStringLiteral("has the unknown token {%1}; use {YYYY}, {YY}, {SEQ} or {SEQ:n}").arg(token.left(20)));
        }
    }
    flushLiteral();
    if (!hasSeq && !text.isEmpty())
        refuse(QStringLiteral("must contain {SEQ} or {SEQ:n}"));
    if (!hasYear && !text.isEmpty())
        refuse(QStringLiteral("must contain {YYYY} or {YY}"));
    if (!violations.isEmpty()) {
        const QString message = violations.size() == 1 ? field + QStringLiteral(": ") + violations.first().message
                                                       : QStringLiteral("invalid numbering pattern");
        return fail(Error::validation(message, violations));
    }
    return p;
}

QString NumberingPattern::format(int year, qint64 seq) const
{
    QString out;
    for (const Part &part : m_parts) {
        switch (part.kind) {
        case Part::Kind::Literal: out += part.literal; break;
        case Part::Kind::Year4: out += QStringLiteral("%1").arg(year, 4, 10, QLatin1Char('0')); break;
        case Part::Kind::Year2: out += QStringLiteral("%1").arg(year % 100, 2, 10, QLatin1Char('0')); break;
        case Part::Kind::Seq: out += QStringLiteral("%1").arg(seq, part.width, 10, QLatin1Char('0')); break;
        }
    }
    return out;
}

QString sequenceStreamId(int year)
{
    return QStringLiteral("invoice-number-%1").arg(year, 4, 10, QLatin1Char('0'));
}

SequenceState evolveSequence(SequenceState state, const RecordedEvent &event)
{
    if (event.type == Wire::Event::InvoiceNumberReserved) {
        // The stream's version is the sequence number; the payload's seq repeats it for readers.
        state.lastSeq = event.version;
        state.lastNumber = event.payload.value(kNumber).toString();
        state.lastInvoiceId = event.payload.value(kInvoiceId).toString();
        state.lastIssueDate = QDate::fromString(event.payload.value(kIssueDate).toString(), Qt::ISODate);
    }
    return state;
}

NewEvent numberReserved(qint64 seq, const QString &number, const QString &invoiceId, const QDate &issueDate)
{
    return NewEvent{Wire::Event::InvoiceNumberReserved,
                    QJsonObject{{kSeq, seq},
                                {kNumber, number},
                                {kInvoiceId, invoiceId},
                                {kIssueDate, issueDate.toString(Qt::ISODate)}},
                    1};
}

} // namespace Billstream
