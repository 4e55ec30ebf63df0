#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace Billstream {

// SHA-256 of `data` (32 bytes), through OpenSSL's libcrypto: it uses the CPU's SHA extensions
// where there are some, about eight times faster than QCryptographicHash's portable code, and
// the hash chain computes one per event on every append, import and verify.
QByteArray sha256(QByteArrayView data);

// A new event id: an RFC 9562 version 7 UUID, lowercase, without braces. Its first 48 bits are
// the wall-clock milliseconds (not the store's injectable clock: ids only need to be unique), so
// ids made one after another sort together and the unique index on event ids grows at its end
// instead of at random pages. Within one process ids are strictly increasing (a counter fills
// the 12 bits after the version within a millisecond); 62 more bits are random.
QString newEventId();

} // namespace Billstream
