// Rate types: what a BTC price quote is, what a rate source must do, and how it refuses.
//
// A rate is a decimal STRING of fiat units per 1 BTC ("23456789.12" JMD per BTC), exactly as the
// source gave it: ../domain/money's parseRate turns it into an exact fraction when it is used, and
// the string itself is what an invoice stores, so no float ever touches a price.

/** A BTC price in one currency, with where it came from and when: an invoice stores all four. */
export type RateQuote = {
	/** Upper-case currency code, e.g. 'JMD'. */
	currency: string;
	/** Decimal string of `currency` units per 1 BTC; accepted by parseRate. */
	rate: string;
	/** The source's name, e.g. 'fixed' or 'coinbase'. */
	source: string;
	/** When the source gave this rate, unix milliseconds (a cached quote keeps its original time). */
	fetchedAt: number;
};

/** A source of BTC prices. `getRate` refuses only with RateUnavailableError. */
export interface RateProvider {
	readonly name: string;
	getRate(currency: string): Promise<RateQuote>;
}

/**
 * No usable rate for `currency` from `source` right now: the source is down, answered nonsense,
 * or does not quote that currency. `message` tells the merchant what to do about it; it never
 * carries a response body.
 */
export class RateUnavailableError extends Error {
	override readonly name = 'RateUnavailableError';
	readonly code = 'rate-unavailable' as const;
	readonly currency: string;
	readonly source: string;

	constructor(source: string, currency: string, message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.source = source;
		this.currency = currency;
	}
}
