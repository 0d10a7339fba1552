// Rate caching: quotes kept in memory per worker isolate, so a busy till does not ask the rate
// source for every invoice, and the source's rate limits are not ours to hit.
//
// - A quote is reused for `ttlMs` (default 60 s) after it arrived.
// - Concurrent requests for a currency whose quote is missing or old share one request to the
//   source: a queue of invoices at opening time is one fetch, not one each.
// - A failure is never cached: the next request asks the source again.
// - If the source fails, the last good quote is served while it is at most `maxStaleMs` old
//   (default 10 min). It keeps its original `fetchedAt`, so an invoice records when the rate was
//   really fetched, not when it was reused.
//
// The cache lives as long as the isolate: nothing here survives a deploy or a cold start, and two
// isolates may briefly hold different quotes. That is fine for prices that move by the minute.

import { type RateProvider, type RateQuote, RateUnavailableError } from './types';

export const DEFAULT_RATE_TTL_MS = 60_000;
export const DEFAULT_RATE_MAX_STALE_MS = 10 * 60_000;

export interface RateCacheOptions {
	/** How long a quote is served without asking the source again; 60 s by default. */
	readonly ttlMs?: number;
	/** How old a quote may be and still be served when the source fails; 10 min, 0 to never. */
	readonly maxStaleMs?: number;
	/** The cache's clock (unix ms); Date.now by default. */
	readonly now?: () => number;
}

interface Entry {
	readonly quote: RateQuote;
	/** When the quote arrived here, by the cache's clock (the inner source may use another). */
	readonly storedAt: number;
}

/** Cache keys: ASCII codes upper-cased, as the sources normalise them; anything else as given. */
function cacheKey(currency: string): string {
	return /^[A-Za-z]{3,4}$/.test(currency) ? currency.toUpperCase() : currency;
}

/** `inner` with per-currency caching, shared in-flight requests and a stale fallback. */
export function createCachedRateProvider(
	inner: RateProvider,
	options: RateCacheOptions = {}
): RateProvider {
	const ttlMs = options.ttlMs ?? DEFAULT_RATE_TTL_MS;
	const maxStaleMs = options.maxStaleMs ?? DEFAULT_RATE_MAX_STALE_MS;
	const now = options.now ?? Date.now;
	const entries = new Map<string, Entry>();
	const inFlight = new Map<string, Promise<RateQuote>>();

	async function refresh(currency: string, key: string): Promise<RateQuote> {
		try {
			const quote = await inner.getRate(currency);
			entries.set(key, { quote, storedAt: now() });
			return quote;
		} catch (error) {
			// Only a refusal by the source falls back: a bug (TypeError, ...) must surface.
			const last = entries.get(key);
			if (error instanceof RateUnavailableError && last !== undefined) {
				if (now() - last.storedAt <= maxStaleMs) return last.quote;
			}
			throw error;
		}
	}

	return {
		name: inner.name,
		getRate(currency: string): Promise<RateQuote> {
			const key = cacheKey(currency);
			const entry = entries.get(key);
			if (entry !== undefined && now() - entry.storedAt < ttlMs) {
				return Promise.resolve(entry.quote);
			}
			const pending = inFlight.get(key);
			if (pending !== undefined) return pending;
			const request = refresh(currency, key).finally(() => inFlight.delete(key));
			inFlight.set(key, request);
			return request;
		}
	};
}
