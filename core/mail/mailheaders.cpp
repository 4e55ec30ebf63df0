#include "core/mail/mailheaders.h"

#include <QList>

#include <algorithm>
#include <cstdlib>

namespace Billstream {

namespace {

// RFC 2047 §2: a line holding encoded-words is at most 76 characters, each word at most 75.
constexpr int kEncodedLineLength = 76;
// RFC 5322 §2.1.1: lines should stay within 78 characters and must stay within 998.
constexpr int kFoldWidth = 78;
constexpr int kLongestPlainWord = 900;
// `=?UTF-8?B?` + `?=`
constexpr int kEncodedWordOverhead = 12;

bool isPrintableAscii(const QString &text)
{
    return std::all_of(text.begin(), text.end(), [](QChar c) { return c.unicode() >= 0x20 && c.unicode() < 0x7F; });
}

bool hasOverlongWord(const QString &text)
{
    qsizetype run = 0;
    for (QChar c : text) {
        run = c == QLatin1Char(' ') ? 0 : run + 1;
        if (run > kLongestPlainWord)
            return true;
    }
    return false;
}

// Plain text would do, unless a reader could take part of it for an encoded-word.
bool needsEncodedWords(const QString &text)
{
    return !isPrintableAscii(text) || text.contains(QLatin1String("=?")) || hasOverlongWord(text);
}

qsizetype lastLineLength(const QByteArray &folded)
{
    const qsizetype lineStart = folded.lastIndexOf('\n');
    return lineStart < 0 ? folded.size() : folded.size() - lineStart - 1;
}

// Base64 encoded-words, one per folded line; each holds whole UTF-8 characters only, so
// every word decodes on its own (RFC 2047 §5 rule 3).
QByteArray encodedWords(const QString &text, int prefixLength)
{
    const QByteArray utf8 = text.toUtf8();
    QByteArray out;
    int available = std::max(kEncodedLineLength - prefixLength, 24);
    qsizetype pos = 0;
    while (pos < utf8.size()) {
        const qsizetype maxBytes = (available - kEncodedWordOverhead) / 4 * 3;
        qsizetype end = std::min(pos + maxBytes, utf8.size());
        while (end < utf8.size() && end > pos && (static_cast<uchar>(utf8.at(end)) & 0xC0) == 0x80)
            --end;
        if (!out.isEmpty())
            out += "\r\n ";
        out += "=?UTF-8?B?" + utf8.mid(pos, end - pos).toBase64() + "?=";
        pos = end;
        available = kEncodedLineLength - 1;
    }
    return out;
}

// Folds before a word when the line would grow past 78 characters; the space stays as the
// continuation line's leading white space, so unfolding gives back the text unchanged.
QByteArray foldPlain(const QString &text, int prefixLength)
{
    const QList<QByteArray> words = text.toLatin1().split(' ');
    QByteArray out;
    qsizetype lineLength = prefixLength;
    for (qsizetype i = 0; i < words.size(); ++i) {
        const QByteArray &word = words.at(i);
        if (i > 0) {
            if (!word.isEmpty() && lineLength + 1 + word.size() > kFoldWidth) {
                out += "\r\n";
                lineLength = 0;
            }
            out += ' ';
            ++lineLength;
        }
        out += word;
        lineLength += word.size();
    }
    return out;
}

} // namespace

bool hasControlCharacters(const QString &text)
{
    return std::any_of(text.begin(), text.end(), [](QChar c) {
        const char16_t u = c.unicode();
        return u < 0x20 || u == 0x7F || u == 0x85 || u == 0x2028 || u == 0x2029;
    });
}

bool isValidDomainName(const QString &domain)
{
    if (domain.isEmpty() || domain.size() > 253)
        return false;
    const QStringList labels = domain.split(QLatin1Char('.'));
    return std::all_of(labels.begin(), labels.end(), [](const QString &label) {
        if (label.isEmpty() || label.size() > 63 || label.startsWith(QLatin1Char('-'))
            || label.endsWith(QLatin1Char('-')))
            return false;
        return std::all_of(label.begin(), label.end(), [](QChar c) {
            return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
                || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('-');
        });
    });
}

bool isValidMailAddress(const QString &address)
{
    const qsizetype at = address.lastIndexOf(QLatin1Char('@'));
    if (at <= 0 || address.size() > 254)
        return false;
    const QString local = address.left(at);
    const QString domain = address.mid(at + 1);
    // RFC 5322 §3.2.3 atext plus the dots of a dot-atom; quoted local parts are not supported.
    static const QString atextSpecials = QStringLiteral("!#$%&'*+-/=?^_`{|}~.");
    const bool localOk = local.size() <= 64 && !local.startsWith(QLatin1Char('.')) && !local.endsWith(QLatin1Char('.'))
        && !local.contains(QLatin1String(".."))
        && std::all_of(local.begin(), local.end(), [](QChar c) {
               return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
                   || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || atextSpecials.contains(c);
           });
    return localOk && isValidDomainName(domain);
}

QByteArray encodeUnstructuredHeader(const QString &text, int prefixLength)
{
    return needsEncodedWords(text) ? encodedWords(text, prefixLength) : foldPlain(text, prefixLength);
}

QByteArray formatMailbox(const QString &displayName, const QString &address, int prefixLength)
{
    const QByteArray angleAddress = '<' + address.toLatin1() + '>';
    if (displayName.isEmpty())
        return address.toLatin1();
    QByteArray phrase;
    if (needsEncodedWords(displayName)) {
        phrase = encodedWords(displayName, prefixLength);
    } else {
        // A quoted-string, so that `.`, `,` or `@` in a company name need no further thought.
        QByteArray escaped = displayName.toLatin1();
        escaped.replace('\\', "\\\\").replace('"', "\\\"");
        phrase = '"' + escaped + '"';
    }
    const qsizetype lineLength = phrase.contains('\n') ? lastLineLength(phrase) : prefixLength + phrase.size();
    phrase += lineLength + 1 + angleAddress.size() > kFoldWidth ? QByteArray("\r\n ") : QByteArray(" ");
    return phrase + angleAddress;
}

QByteArray formatMailDate(const QDateTime &date)
{
    static constexpr const char *days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static constexpr const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const QDate d = date.date();
    const QTime t = date.time();
    const int offsetMinutes = date.offsetFromUtc() / 60;
    const int absMinutes = std::abs(offsetMinutes);
    return QString::asprintf("%s, %02d %s %04d %02d:%02d:%02d %c%02d%02d", days[d.dayOfWeek() - 1], d.day(),
                             months[d.month() - 1], d.year(), t.hour(), t.minute(), t.second(),
                             offsetMinutes < 0 ? '-' : '+', absMinutes / 60, absMinutes % 60)
        .toLatin1();
}

} // namespace Billstream
