#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

// Pure helpers that turn user text into RFC 5322 header values. They never let a line break
// through: callers check values with hasControlCharacters() first and refuse what fails.
namespace Billstream {

// True for any C0 control character (CR, LF, NUL, TAB, ...) or DEL: such text is refused in a
// header value, since a CR or LF there would let it add headers of its own.
bool hasControlCharacters(const QString &text);

// A plain `local@domain` address in ASCII (dot-atom local part, host-name domain): the only
// form we send, so an address never needs quoting and never carries a display name.
bool isValidMailAddress(const QString &address);

// A host name of letters, digits and hyphens in dot-separated labels (ASCII form).
bool isValidDomainName(const QString &domain);

// An unstructured header value (Subject) for a header whose `Name: ` takes prefixLength
// characters: plain ASCII folded at spaces, anything else as RFC 2047 UTF-8 encoded-words
// (each at most 75 characters, never splitting a character) on folded lines.
QByteArray encodeUnstructuredHeader(const QString &text, int prefixLength);

// `"Display Name" <local@domain>`, or the address alone for an empty name; a non-ASCII name
// becomes RFC 2047 encoded-words. The address must already be valid.
QByteArray formatMailbox(const QString &displayName, const QString &address, int prefixLength);

// RFC 5322 date-time in the date's own UTC offset, with English names whatever the locale:
// `Wed, 04 Mar 2026 10:15:00 +0100`.
QByteArray formatMailDate(const QDateTime &date);

} // namespace Billstream
