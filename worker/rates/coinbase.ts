// The Coinbase rate source: BTC prices from Coinbase's public exchange-rates endpoint.
//
// GET https://api.coinbase.com/v2/exchange-rates?currency=BTC needs no API key and answers
// { "data": { "currency": "BTC", "rates": { "USD": "104250.12", "JMD": "16680019.20", ... } } }
// with one entry per currency Coinbase knows (about 170 fiat currencies, JMD, KES and KWD among
// them, plus crypto assets), each a decimal STRING of units per 1 BTC. One request carries every
// currency; the cache in ./cache keeps it per currency.
//
// Rates are taken as strings and checked with parseRate. Should Coinbase ever send a JSON number
// instead, ./json keeps its literal text, so it is read exactly too.

import { z } from 'zod';
import { MoneyError, parseRate } from '../domain/money';
import { bitcoinRate, knownCurrency, shownCode } from './common';
import { JsonNumber, parseJsonExact } from './json';
import { type RateProvider, type RateQuote, RateUnavailableError } from './types';

export const COINBASE_SOURCE = 'coinbase';
export const COINBASE_RATES_URL = 'https://api.coinbase.com/v2/exchange-rates?currency=BTC';
export const DEFAULT_RATE_TIMEOUT_MS = 5_000;

export interface CoinbaseRateOptions {
	/** The fetch to use: the worker's global fetch, or a fake in tests. */
	readonly fetch: typeof fetch;
	/** The clock for `fetchedAt` (unix ms). */
	readonly now: () => number;
	/** How long to wait for the whole answer, body included; 5 s by default. */
	readonly timeoutMs?: number;
}

// Only the requested entry of `rates` is checked: one odd crypto entry among hundreds must not
// make every currency unavailable.
const responseSchema = z.object({
	data: z.object({
		currency: z.literal('BTC'),
		rates: z.record(z.string(), z.unknown())
	})
});

/** The fixed suffix of every refusal: what the merchant can do about it. */
const ADVICE = 'try again or switch the store to fixed rates.';

export function createCoinbaseRateProvider(options: CoinbaseRateOptions): RateProvider {
	// Called as a plain function, never as `options.fetch(...)`: workerd throws "Illegal
	// invocation" when its fetch is called as a method of another object.
	const doFetch = options.fetch;
	const now = options.now;
	const timeoutMs = options.timeoutMs ?? DEFAULT_RATE_TIMEOUT_MS;

	const refuse = (currency: string, problem: string, cause?: unknown): RateUnavailableError =>
		new RateUnavailableError(
			COINBASE_SOURCE,
			currency,
			`The ${COINBASE_SOURCE} rate source ${problem}; ${ADVICE}`,
			cause === undefined ? undefined : { cause }
		);

	/** The response body as text, or a refusal; the body itself never reaches a message. */
	async function fetchText(currency: string): Promise<string> {
		const signal = AbortSignal.timeout(timeoutMs);
		const timedOut = (error: unknown): boolean =>
			signal.aborted || (error instanceof Error && error.name === 'TimeoutError');
		let response: Response;
		try {
			response = await doFetch(COINBASE_RATES_URL, {
				headers: { accept: 'application/json' },
				signal
			});
		} catch (error) {
			if (timedOut(error)) {
				throw refuse(currency, `did not answer within ${timeoutMs / 1000} s`, error);
			}
			throw refuse(currency, 'could not be reached', error);
		}
		if (!response.ok) {
			// Free the connection without reading what may be an HTML error page.
			await response.body?.cancel().catch(() => undefined);
			const status = response.status;
			const problem =
				status === 429
					? 'is limiting requests from this server (HTTP 429)'
					: `answered with an error (HTTP ${status})`;
			throw refuse(currency, problem);
		}
		try {
			return await response.text();
		} catch (error) {
			if (timedOut(error)) {
				throw refuse(currency, `did not finish answering within ${timeoutMs / 1000} s`, error);
			}
			throw refuse(currency, 'broke off its answer', error);
		}
	}

	return {
		name: COINBASE_SOURCE,
		async getRate(currency: string): Promise<RateQuote> {
			const code = knownCurrency(currency);
			if (code === undefined) {
				throw new RateUnavailableError(
					COINBASE_SOURCE,
					currency,
					`There is no currency ${shownCode(currency)}: use an ISO 4217 code such as JMD or USD.`
				);
			}
			const definition = bitcoinRate(code);
			if (definition !== undefined) {
				return { currency: code, rate: definition, source: COINBASE_SOURCE, fetchedAt: now() };
			}

			const text = await fetchText(code);
			let json: unknown;
			try {
				json = parseJsonExact(text);
			} catch {
				throw refuse(code, 'answered with something that is not JSON');
			}
			const parsed = responseSchema.safeParse(json);
			if (!parsed.success) {
				// The path of the first problem says what changed without echoing the body.
				const path = parsed.error.issues[0]?.path.join('.') ?? '';
				throw refuse(code, `answered in an unexpected format (at "${path}")`);
			}
			const rates = parsed.data.data.rates;
			const value = Object.hasOwn(rates, code) ? rates[code] : undefined;
			if (value === undefined || value === null) {
				throw refuse(code, `has no rate for ${code}`);
			}
			const rate =
				typeof value === 'string' ? value : value instanceof JsonNumber ? value.literal : undefined;
			if (rate === undefined) {
				throw refuse(code, `gave a rate for ${code} that is not a number`);
			}
			try {
				parseRate(rate);
			} catch (error) {
				if (error instanceof MoneyError) {
					throw refuse(code, `gave an unusable rate for ${code} (${error.message})`);
				}
				throw error;
			}
			return { currency: code, rate, source: COINBASE_SOURCE, fetchedAt: now() };
		}
	};
}
