// Rate sources by configuration: the schema a store's rate setting is validated with, and the
// provider that setting selects.
//
// A store chooses `{ kind: 'fixed', rates? }` (the offline default, with optional per-currency
// overrides) or `{ kind: 'coinbase' }` (live prices, cached per isolate through ./cache).

import { z } from 'zod';
import { isBitcoinCurrency } from '../domain/currencies';
import { MoneyError, parseRate } from '../domain/money';
import { createCachedRateProvider } from './cache';
import { COINBASE_SOURCE, createCoinbaseRateProvider } from './coinbase';
import { knownCurrency } from './common';
import { createFixedRateProvider } from './fixed';
import type { RateProvider } from './types';

export type { RateProvider, RateQuote } from './types';
export { RateUnavailableError } from './types';
export { DEFAULT_FIXED_RATES, FIXED_SOURCE, createFixedRateProvider } from './fixed';
export { COINBASE_SOURCE, createCoinbaseRateProvider } from './coinbase';
export { createCachedRateProvider } from './cache';
export { quoteInvoiceAmount, type InvoiceAmountQuote } from './convert';

/** An upper-case fiat code that ../domain/currencies knows: stored settings are canonical. */
function isFiatCode(code: string): boolean {
	return knownCurrency(code) === code && !isBitcoinCurrency(code);
}

/** A rate parseRate accepts; its refusal message is the issue message. */
const rateStringSchema = z.string().superRefine((rate, context) => {
	try {
		parseRate(rate);
	} catch (error) {
		if (!(error instanceof MoneyError)) throw error;
		context.addIssue({ code: 'custom', message: error.message });
	}
});

/** A store's rate source setting. Unknown keys are refused, so a typo is not silently dropped. */
export const rateSourceConfigSchema = z.discriminatedUnion('kind', [
	z.strictObject({
		kind: z.literal('fixed'),
		// Codes are checked here rather than by a key schema so that the issue carries our message
		// and the code's path (zod reports a failed record key only as "Invalid key in record").
		rates: z
			.record(z.string(), rateStringSchema)
			.superRefine((rates, context) => {
				for (const code of Object.keys(rates)) {
					if (isFiatCode(code)) continue;
					context.addIssue({
						code: 'custom',
						path: [code],
						message: 'Use an upper-case ISO 4217 fiat code such as JMD (BTC and SATS need no rate)'
					});
				}
			})
			.optional()
	}),
	z.strictObject({ kind: z.literal(COINBASE_SOURCE) })
]);

export type RateSourceConfig = z.infer<typeof rateSourceConfigSchema>;

/** The setting of a store that has chosen nothing: offline fixed rates. */
export const DEFAULT_RATE_SOURCE: RateSourceConfig = { kind: 'fixed' };

export interface RateDeps {
	readonly fetch: typeof fetch;
	readonly now: () => number;
}

// Live providers per isolate, keyed by the fetch they use and then by source, so every request
// that passes the global fetch shares one cache, while a test's fake fetch gets a cache of its own.
// The first `now` given with a fetch is the one kept.
const liveProviders = new WeakMap<typeof fetch, Map<string, RateProvider>>();

/**
 * The provider for a store's rate setting. Live sources come cached (./cache) and shared across
 * calls in this isolate. Fixed rates are not cached: reading a table costs nothing, and a change
 * to the store's overrides then applies to the very next invoice. Throws MoneyError for fixed
 * overrides that rateSourceConfigSchema would refuse.
 */
export function rateProviderFor(config: RateSourceConfig, deps: RateDeps): RateProvider {
	if (config.kind === 'fixed') {
		return createFixedRateProvider({ rates: config.rates ?? {}, now: deps.now });
	}
	let bySource = liveProviders.get(deps.fetch);
	if (bySource === undefined) {
		bySource = new Map();
		liveProviders.set(deps.fetch, bySource);
	}
	let provider = bySource.get(config.kind);
	if (provider === undefined) {
		const live = createCoinbaseRateProvider({ fetch: deps.fetch, now: deps.now });
		provider = createCachedRateProvider(live, { now: deps.now });
		bySource.set(config.kind, provider);
	}
	return provider;
}
