// The fixed rate source: a table of BTC prices that needs no network, the default for a new store.
//
// The defaults are rough late-2026 placeholders (about 104,250 USD per BTC, crossed with typical
// exchange rates) so that a fresh install can price a fiat invoice offline. They are NOT market
// prices: a merchant using fixed rates is expected to set their own per currency, which override
// the defaults one currency at a time.

import { MoneyError, parseRate } from '../domain/money';
import { bitcoinRate, knownCurrency, shownCode } from './common';
import { type RateProvider, type RateQuote, RateUnavailableError } from './types';

export const FIXED_SOURCE = 'fixed';

/** Default fiat units per 1 BTC. Every value passes parseRate (checked by the unit tests). */
export const DEFAULT_FIXED_RATES: Readonly<Record<string, string>> = Object.freeze({
	AUD: '159502.50',
	BRL: '557737.50',
	CAD: '145950.00',
	CHF: '83400.00',
	CNY: '740175.00',
	EUR: '89655.00',
	GBP: '79230.00',
	INR: '9236550.00',
	JMD: '16680000.00',
	JPY: '15846000',
	KES: '13458675.00',
	KWD: '31952.625',
	MXN: '1918200.00',
	NGN: '152205000.00',
	TTD: '706815.00',
	USD: '104250.00',
	XCD: '281475.00',
	ZAR: '1813950.00'
});

export interface FixedRateOptions {
	/** Per-currency overrides of the defaults, e.g. { JMD: '16500000' }; codes in any case. */
	readonly rates?: Readonly<Record<string, string>>;
	/** The clock for `fetchedAt` (unix ms); Date.now by default. */
	readonly now?: () => number;
}

/**
 * Checks overrides and merges them over the defaults. Throws MoneyError: unknown_currency for a
 * code ../domain/currencies does not know, invalid_rate for a rate parseRate refuses or for BTC
 * and SATS, whose rates are definitions. A bad table is a settings mistake, found when the
 * provider is made rather than at the till.
 */
function buildTable(overrides: Readonly<Record<string, string>>): ReadonlyMap<string, string> {
	// A Map, so that 'constructor' or '__proto__' finds nothing.
	const table = new Map(Object.entries(DEFAULT_FIXED_RATES));
	for (const [code, rate] of Object.entries(overrides)) {
		const currency = knownCurrency(code);
		if (currency === undefined) {
			throw new MoneyError(
				'unknown_currency',
				`Fixed rate for unknown currency ${shownCode(code)}: use an ISO 4217 code such as JMD`
			);
		}
		if (bitcoinRate(currency) !== undefined) {
			throw new MoneyError(
				'invalid_rate',
				`${currency} cannot have a fixed rate: 1 BTC is always 1 BTC and 100000000 SATS`
			);
		}
		try {
			parseRate(rate);
		} catch (error) {
			if (error instanceof MoneyError) {
				throw new MoneyError('invalid_rate', `${currency} per BTC: ${error.message}`);
			}
			throw error;
		}
		table.set(currency, rate);
	}
	return table;
}

/** The offline rate source: DEFAULT_FIXED_RATES with the store's overrides on top. */
export function createFixedRateProvider(options: FixedRateOptions = {}): RateProvider {
	const table = buildTable(options.rates ?? {});
	const now = options.now ?? Date.now;
	const configured = [...table.keys()].sort().join(', ');

	return {
		name: FIXED_SOURCE,
		// async, so that every refusal arrives as a rejected promise, as from a network source.
		async getRate(currency: string): Promise<RateQuote> {
			const code = knownCurrency(currency);
			const rate = code === undefined ? undefined : (bitcoinRate(code) ?? table.get(code));
			if (code === undefined || rate === undefined) {
				throw new RateUnavailableError(
					FIXED_SOURCE,
					code ?? currency,
					`The store's fixed rates have no rate for ${code ?? shownCode(currency)}. ` +
						`Fixed rates are set for ${configured}; add this currency in the store's rate ` +
						'settings or switch the store to a live rate source.'
				);
			}
			return { currency: code, rate, source: FIXED_SOURCE, fetchedAt: now() };
		}
	};
}
