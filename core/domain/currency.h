#pragma once

#include "core/es/result.h"

#include <QList>
#include <QString>
#include <QStringView>

#include <optional>

namespace Billstream {

struct CurrencyEntry;

// An ISO 4217 currency with its minor-unit exponent (JPY 0, EUR 2, KWD 3, CLF 4).
//
// The table is ISO 4217 list one as published on 2026-01-01, every code that has a minor unit;
// codes without one (XAU, XDR, XSU, XUA, XTS, XXX, ...) cannot denominate an invoice and are
// unknown here. Codes withdrawn recently (BGN, HRK, ANG, SLL, ZWL, CUC) stay known, so an event
// log written while they were current replays unchanged; isActive() tells them apart for new
// input. A Currency is a cheap handle to its table row: copy it freely.
class Currency final
{
public:
    // No currency: isValid() is false and the code is empty.
    constexpr Currency() = default;

    // Exactly three uppercase ASCII letters of a listed code; anything else is nullopt.
    static std::optional<Currency> find(QStringView code);
    // As find(), with a violation of `field` naming what is wrong: "unknown currency 'XYZ'".
    static Result<Currency> parse(QStringView code, const QString &field);
    // Every known currency, sorted by code (withdrawn ones included; filter on isActive()).
    static QList<Currency> all();

    bool isValid() const { return m_entry != nullptr; }
    QString code() const;
    // The English name from ISO 4217 ("Euro", "Yen").
    QString name() const;
    // Digits after the decimal point of the minor unit: 2 for EUR, 0 for JPY, 3 for KWD.
    int minorDigits() const;
    // False for a code ISO 4217 has withdrawn; such a currency still reads from old events.
    bool isActive() const;

    friend bool operator==(const Currency &a, const Currency &b) { return a.m_entry == b.m_entry; }

private:
    explicit constexpr Currency(const CurrencyEntry *entry)
        : m_entry(entry)
    {}

    const CurrencyEntry *m_entry = nullptr;
};

} // namespace Billstream
