// Currency table: which codes Flashpoint prices in, and how many decimal places each has.
//
// Fiat codes and their minor-unit exponents come from ISO 4217 List One ("current currency and
// funds code list", maintained by SIX on behalf of ISO), funds codes included. JMD 2 means
// 1 JMD = 100 minor units; JPY 0 means the yen has no minor unit; KWD 3 means 1 KWD = 1000 fils.
//
// Deliberately left out:
// - codes with no minor unit ("N.A." in ISO 4217): precious metals (XAU, XAG, XPD, XPT), bond
//   market units (XBA to XBD), XDR, XSU, XUA, and XTS/XXX. Nobody prices a sale in them.
// - currencies whose replacement is complete, even if List One still carries them: HRK -> EUR
//   (2023), ZWL -> ZWG (2024), ANG -> XCG (2025), BGN -> EUR (2026), SLL -> SLE, and CUC (out of
//   circulation since 2021).
//
// Pseudo-currencies, as BTCPay Greenfield accepts them for invoice amounts: BTC with exponent 8
// (its minor unit is the satoshi) and SATS with exponent 0. So for both, `minor` counts sats.

// Grouped by exponent so the exceptions to "two decimal places" stand out.
const ISO_4217_BY_EXPONENT: ReadonlyArray<readonly [exponent: number, codes: string]> = [
	[0, 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF'],
	[
		2,
		`AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BMD BND BOB BOV BRL BSD BTN BWP
		BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB
		EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES
		KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR
		MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD
		RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP
		TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG`
	],
	[3, 'BHD IQD JOD KWD LYD OMR TND'],
	[4, 'CLF UYW']
];

/** Bitcoin pseudo-currencies (not ISO 4217); both count sats in their minor unit. */
const BITCOIN_EXPONENTS: ReadonlyArray<readonly [code: string, exponent: number]> = [
	['BTC', 8],
	['SATS', 0]
];

// A Map, not an object literal, so that looking up 'constructor' or '__proto__' finds nothing.
const EXPONENTS: ReadonlyMap<string, number> = new Map([
	...ISO_4217_BY_EXPONENT.flatMap(([exponent, codes]) =>
		codes.split(/\s+/).map((code) => [code, exponent] as const)
	),
	...BITCOIN_EXPONENTS
]);

/** Every accepted code, upper case, in alphabetical order: 164 ISO 4217 codes plus BTC and SATS. */
export const CURRENCY_CODES: readonly string[] = Object.freeze([...EXPONENTS.keys()].sort());

/** True for the codes whose amounts are Bitcoin (BTC, SATS) rather than fiat. */
export function isBitcoinCurrency(code: string): boolean {
	return code === 'BTC' || code === 'SATS';
}

/**
 * The minor-unit exponent of a currency code, or undefined if the code is unknown.
 * The code must already be upper case; `parseMoney` in ./money normalises user input.
 */
export function currencyExponent(code: string): number | undefined {
	return EXPONENTS.get(code);
}
