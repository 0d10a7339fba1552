// Helpers shared by the rate sources: currency codes as a source sees them, and the two
// Bitcoin pseudo-currencies, whose "rate" is a definition rather than a market price.

import { currencyExponent } from '../domain/currencies';

/** 1 BTC in BTC and in SATS: definitions, so every source answers them without asking anyone. */
const BITCOIN_RATES: ReadonlyMap<string, string> = new Map([
	['BTC', '1'],
	['SATS', '100000000']
]);

/**
 * A currency code upper-cased if it is one ../domain/currencies knows ('jmd' -> 'JMD'), else
 * undefined. ASCII letters are checked first: toUpperCase would turn "ınr" (dotless i) into "INR".
 */
export function knownCurrency(code: string): string | undefined {
	if (typeof code !== 'string' || !/^[A-Za-z]{3,4}$/.test(code)) return undefined;
	const upper = code.toUpperCase();
	return currencyExponent(upper) === undefined ? undefined : upper;
}

/** The rate of BTC or SATS per 1 BTC ("1", "100000000"); undefined for any other code. */
export function bitcoinRate(code: string): string | undefined {
	return BITCOIN_RATES.get(code);
}

/** A caller's currency text for an error message: quoted, and clipped so it cannot be huge. */
export function shownCode(code: unknown): string {
	const text = typeof code === 'string' ? code : String(code);
	return JSON.stringify(text.length > 12 ? `${text.slice(0, 12)}…` : text);
}
