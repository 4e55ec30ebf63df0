#include "core/es/identity.h"

#include <QDateTime>
#include <QMutex>
#include <QRandomGenerator>

#include <openssl/evp.h>

#include <array>
#include <memory>

namespace Billstream {

namespace {

struct DigestContext
{
    std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md{EVP_MD_fetch(nullptr, "SHA256", nullptr), &EVP_MD_free};
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
};

} // namespace

QByteArray sha256(QByteArrayView data)
{
    // One fetched algorithm and context per thread: fetching is the expensive part of a digest.
    thread_local DigestContext digest;
    QByteArray out(32, Qt::Uninitialized);
    unsigned int length = 0;
    const bool ok = digest.md && digest.ctx && EVP_DigestInit_ex2(digest.ctx.get(), digest.md.get(), nullptr) == 1
        && EVP_DigestUpdate(digest.ctx.get(), data.data(), size_t(data.size())) == 1
        && EVP_DigestFinal_ex(digest.ctx.get(), reinterpret_cast<unsigned char *>(out.data()), &length) == 1
        && length == 32;
    // libcrypto fails only when it cannot allocate or its configuration lost SHA-256; a hash
    // chain must never be written with a made-up hash.
    if (!ok)
        qFatal("libcrypto could not compute SHA-256");
    return out;
}

QString newEventId()
{
    static QMutex mutex;
    static qint64 lastMs = 0;
    static quint32 counter = 0;

    qint64 ms = QDateTime::currentMSecsSinceEpoch();
    quint32 sequence = 0;
    {
        QMutexLocker lock(&mutex);
        if (ms > lastMs) {
            lastMs = ms;
            counter = QRandomGenerator::global()->bounded(1u << 11);  // room to count up
        } else {
            ms = lastMs;  // the clock went back or stands still: keep counting in the last millisecond
            if (++counter >= (1u << 12)) {
                ++lastMs;  // 4,096 ids in one millisecond: borrow the next one (RFC 9562, 6.2)
                ms = lastMs;
                counter = 0;
            }
        }
        sequence = counter;
    }
    const quint64 random = QRandomGenerator::global()->generate64();

    std::array<unsigned char, 16> b{};
    for (int i = 0; i < 6; ++i)
        b[size_t(i)] = static_cast<unsigned char>(quint64(ms) >> (40 - 8 * i));
    b[6] = static_cast<unsigned char>(0x70 | ((sequence >> 8) & 0x0f));
    b[7] = static_cast<unsigned char>(sequence & 0xff);
    b[8] = static_cast<unsigned char>(0x80 | ((random >> 56) & 0x3f));
    for (int i = 9; i < 16; ++i)
        b[size_t(i)] = static_cast<unsigned char>(random >> (8 * (15 - i)));

    static constexpr char Hex[] = "0123456789abcdef";
    QString text(36, Qt::Uninitialized);
    QChar *out = text.data();
    int at = 0;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[at++] = QLatin1Char('-');
        out[at++] = QLatin1Char(Hex[b[size_t(i)] >> 4]);
        out[at++] = QLatin1Char(Hex[b[size_t(i)] & 0x0f]);
    }
    return text;
}

} // namespace Billstream
