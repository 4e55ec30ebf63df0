#include "core/domain/currency.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace Billstream {

struct CurrencyEntry
{
    char code[4];
    int minorDigits;
    bool active;
    const char *name;
};

namespace {

// ISO 4217 list one (2026-01-01): every code with a minor unit, plus the recently withdrawn codes
// that old events may still carry (active = false). Sorted by code for binary search.
constexpr std::array currencyTable = std::to_array<CurrencyEntry>({
    {"AED", 2, true, "UAE Dirham"},
    {"AFN", 2, true, "Afghani"},
    {"ALL", 2, true, "Lek"},
    {"AMD", 2, true, "Armenian Dram"},
    {"ANG", 2, false, "Netherlands Antillean Guilder"},
    {"AOA", 2, true, "Kwanza"},
    {"ARS", 2, true, "Argentine Peso"},
    {"AUD", 2, true, "Australian Dollar"},
    {"AWG", 2, true, "Aruban Florin"},
    {"AZN", 2, true, "Azerbaijan Manat"},
    {"BAM", 2, true, "Convertible Mark"},
    {"BBD", 2, true, "Barbados Dollar"},
    {"BDT", 2, true, "Taka"},
    {"BGN", 2, false, "Bulgarian Lev"},
    {"BHD", 3, true, "Bahraini Dinar"},
    {"BIF", 0, true, "Burundi Franc"},
    {"BMD", 2, true, "Bermudian Dollar"},
    {"BND", 2, true, "Brunei Dollar"},
    {"BOB", 2, true, "Boliviano"},
    {"BOV", 2, true, "Mvdol"},
    {"BRL", 2, true, "Brazilian Real"},
    {"BSD", 2, true, "Bahamian Dollar"},
    {"BTN", 2, true, "Ngultrum"},
    {"BWP", 2, true, "Pula"},
    {"BYN", 2, true, "Belarusian Ruble"},
    {"BZD", 2, true, "Belize Dollar"},
    {"CAD", 2, true, "Canadian Dollar"},
    {"CDF", 2, true, "Congolese Franc"},
    {"CHE", 2, true, "WIR Euro"},
    {"CHF", 2, true, "Swiss Franc"},
    {"CHW", 2, true, "WIR Franc"},
    {"CLF", 4, true, "Unidad de Fomento"},
    {"CLP", 0, true, "Chilean Peso"},
    {"CNY", 2, true, "Yuan Renminbi"},
    {"COP", 2, true, "Colombian Peso"},
    {"COU", 2, true, "Unidad de Valor Real"},
    {"CRC", 2, true, "Costa Rican Colon"},
    {"CUC", 2, false, "Peso Convertible"},
    {"CUP", 2, true, "Cuban Peso"},
    {"CVE", 2, true, "Cabo Verde Escudo"},
    {"CZK", 2, true, "Czech Koruna"},
    {"DJF", 0, true, "Djibouti Franc"},
    {"DKK", 2, true, "Danish Krone"},
    {"DOP", 2, true, "Dominican Peso"},
    {"DZD", 2, true, "Algerian Dinar"},
    {"EGP", 2, true, "Egyptian Pound"},
    {"ERN", 2, true, "Nakfa"},
    {"ETB", 2, true, "Ethiopian Birr"},
    {"EUR", 2, true, "Euro"},
    {"FJD", 2, true, "Fiji Dollar"},
    {"FKP", 2, true, "Falkland Islands Pound"},
    {"GBP", 2, true, "Pound Sterling"},
    {"GEL", 2, true, "Lari"},
    {"GHS", 2, true, "Ghana Cedi"},
    {"GIP", 2, true, "Gibraltar Pound"},
    {"GMD", 2, true, "Dalasi"},
    {"GNF", 0, true, "Guinean Franc"},
    {"GTQ", 2, true, "Quetzal"},
    {"GYD", 2, true, "Guyana Dollar"},
    {"HKD", 2, true, "Hong Kong Dollar"},
    {"HNL", 2, true, "Lempira"},
    {"HRK", 2, false, "Kuna"},
    {"HTG", 2, true, "Gourde"},
    {"HUF", 2, true, "Forint"},
    {"IDR", 2, true, "Rupiah"},
    {"ILS", 2, true, "New Israeli Sheqel"},
    {"INR", 2, true, "Indian Rupee"},
    {"IQD", 3, true, "Iraqi Dinar"},
    {"IRR", 2, true, "Iranian Rial"},
    {"ISK", 0, true, "Iceland Krona"},
    {"JMD", 2, true, "Jamaican Dollar"},
    {"JOD", 3, true, "Jordanian Dinar"},
    {"JPY", 0, true, "Yen"},
    {"KES", 2, true, "Kenyan Shilling"},
    {"KGS", 2, true, "Som"},
    {"KHR", 2, true, "Riel"},
    {"KMF", 0, true, "Comorian Franc"},
    {"KPW", 2, true, "North Korean Won"},
    {"KRW", 0, true, "Won"},
    {"KWD", 3, true, "Kuwaiti Dinar"},
    {"KYD", 2, true, "Cayman Islands Dollar"},
    {"KZT", 2, true, "Tenge"},
    {"LAK", 2, true, "Lao Kip"},
    {"LBP", 2, true, "Lebanese Pound"},
    {"LKR", 2, true, "Sri Lanka Rupee"},
    {"LRD", 2, true, "Liberian Dollar"},
    {"LSL", 2, true, "Loti"},
    {"LYD", 3, true, "Libyan Dinar"},
    {"MAD", 2, true, "Moroccan Dirham"},
    {"MDL", 2, true, "Moldovan Leu"},
    {"MGA", 2, true, "Malagasy Ariary"},
    {"MKD", 2, true, "Denar"},
    {"MMK", 2, true, "Kyat"},
    {"MNT", 2, true, "Tugrik"},
    {"MOP", 2, true, "Pataca"},
    {"MRU", 2, true, "Ouguiya"},
    {"MUR", 2, true, "Mauritius Rupee"},
    {"MVR", 2, true, "Rufiyaa"},
    {"MWK", 2, true, "Malawi Kwacha"},
    {"MXN", 2, true, "Mexican Peso"},
    {"MXV", 2, true, "Mexican Unidad de Inversion (UDI)"},
    {"MYR", 2, true, "Malaysian Ringgit"},
    {"MZN", 2, true, "Mozambique Metical"},
    {"NAD", 2, true, "Namibia Dollar"},
    {"NGN", 2, true, "Naira"},
    {"NIO", 2, true, "Cordoba Oro"},
    {"NOK", 2, true, "Norwegian Krone"},
    {"NPR", 2, true, "Nepalese Rupee"},
    {"NZD", 2, true, "New Zealand Dollar"},
    {"OMR", 3, true, "Rial Omani"},
    {"PAB", 2, true, "Balboa"},
    {"PEN", 2, true, "Sol"},
    {"PGK", 2, true, "Kina"},
    {"PHP", 2, true, "Philippine Peso"},
    {"PKR", 2, true, "Pakistan Rupee"},
    {"PLN", 2, true, "Zloty"},
    {"PYG", 0, true, "Guarani"},
    {"QAR", 2, true, "Qatari Rial"},
    {"RON", 2, true, "Romanian Leu"},
    {"RSD", 2, true, "Serbian Dinar"},
    {"RUB", 2, true, "Russian Ruble"},
    {"RWF", 0, true, "Rwanda Franc"},
    {"SAR", 2, true, "Saudi Riyal"},
    {"SBD", 2, true, "Solomon Islands Dollar"},
    {"SCR", 2, true, "Seychelles Rupee"},
    {"SDG", 2, true, "Sudanese Pound"},
    {"SEK", 2, true, "Swedish Krona"},
    {"SGD", 2, true, "Singapore Dollar"},
    {"SHP", 2, true, "Saint Helena Pound"},
    {"SLE", 2, true, "Leone"},
    {"SLL", 2, false, "Leone (old)"},
    {"SOS", 2, true, "Somali Shilling"},
    {"SRD", 2, true, "Surinam Dollar"},
    {"SSP", 2, true, "South Sudanese Pound"},
    {"STN", 2, true, "Dobra"},
    {"SVC", 2, true, "El Salvador Colon"},
    {"SYP", 2, true, "Syrian Pound"},
    {"SZL", 2, true, "Lilangeni"},
    {"THB", 2, true, "Baht"},
    {"TJS", 2, true, "Somoni"},
    {"TMT", 2, true, "Turkmenistan New Manat"},
    {"TND", 3, true, "Tunisian Dinar"},
    {"TOP", 2, true, "Pa'anga"},
    {"TRY", 2, true, "Turkish Lira"},
    {"TTD", 2, true, "Trinidad and Tobago Dollar"},
    {"TWD", 2, true, "New Taiwan Dollar"},
    {"TZS", 2, true, "Tanzanian Shilling"},
    {"UAH", 2, true, "Hryvnia"},
    {"UGX", 0, true, "Uganda Shilling"},
    {"USD", 2, true, "US Dollar"},
    {"USN", 2, true, "US Dollar (Next day)"},
    {"UYI", 0, true, "Uruguay Peso en Unidades Indexadas (UI)"},
    {"UYU", 2, true, "Peso Uruguayo"},
    {"UYW", 4, true, "Unidad Previsional"},
    {"UZS", 2, true, "Uzbekistan Sum"},
    {"VED", 2, true, "Bolivar Soberano (VED)"},
    {"VES", 2, true, "Bolivar Soberano"},
    {"VND", 0, true, "Dong"},
    {"VUV", 0, true, "Vatu"},
    {"WST", 2, true, "Tala"},
    {"XAD", 2, true, "Arab Accounting Dinar"},
    {"XAF", 0, true, "CFA Franc BEAC"},
    {"XCD", 2, true, "East Caribbean Dollar"},
    {"XCG", 2, true, "Caribbean Guilder"},
    {"XOF", 0, true, "CFA Franc BCEAO"},
    {"XPF", 0, true, "CFP Franc"},
    {"YER", 2, true, "Yemeni Rial"},
    {"ZAR", 2, true, "Rand"},
    {"ZMW", 2, true, "Zambian Kwacha"},
    {"ZWG", 2, true, "Zimbabwe Gold"},
    {"ZWL", 2, false, "Zimbabwe Dollar"},
});

constexpr bool isSortedByCode()
{
    for (size_t i = 1; i < currencyTable.size(); ++i) {
        if (std::string_view(currencyTable[i - 1].code) >= std::string_view(currencyTable[i].code))
            return false;
    }
    return true;
}
static_assert(isSortedByCode(), "the currency table must stay sorted by code for lookup");

bool isCodeShaped(QStringView code)
{
    return code.size() == 3
           && std::all_of(code.begin(), code.end(), [](QChar c) { return c >= u'A' && c <= u'Z'; });
}

} // namespace

std::optional<Currency> Currency::find(QStringView code)
{
    if (!isCodeShaped(code))
        return std::nullopt;
    const char key[4] = {static_cast<char>(code[0].unicode()), static_cast<char>(code[1].unicode()),
                         static_cast<char>(code[2].unicode()), '\0'};
    const auto it = std::lower_bound(currencyTable.begin(), currencyTable.end(), std::string_view(key),
                                     [](const CurrencyEntry &e, std::string_view k) { return std::string_view(e.code) < k; });
    if (it == currencyTable.end() || std::string_view(it->code) != std::string_view(key))
        return std::nullopt;
    return Currency(&*it);
}

Result<Currency> Currency::parse(QStringView code, const QString &field)
{
    if (!isCodeShaped(code)) {
        return fail(Error::invalidField(
            field, QStringLiteral("must be an ISO 4217 code of three uppercase letters such as \"EUR\"")));
    }
    if (const std::optional<Currency> currency = find(code))
        return *currency;
    return fail(Error::invalidField(field, QStringLiteral("unknown currency '") + code.toString()
                                               + QStringLiteral("'")));
}

QList<Currency> Currency::all()
{
    QList<Currency> result;
    result.reserve(static_cast<qsizetype>(currencyTable.size()));
    for (const CurrencyEntry &entry : currencyTable)
        result.append(Currency(&entry));
    return result;
}

QString Currency::code() const
{
    return m_entry ? QString::fromLatin1(m_entry->code) : QString();
}

QString Currency::name() const
{
    return m_entry ? QString::fromLatin1(m_entry->name) : QString();
}

int Currency::minorDigits() const
{
    return m_entry ? m_entry->minorDigits : 0;
}

bool Currency::isActive() const
{
    return m_entry && m_entry->active;
}

} // namespace Billstream
