// Rates: the fixed and Coinbase sources, the cache, source selection and invoice amount quotes.
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MoneyError, type MoneyErrorCode, parseRate } from '../../worker/domain/money';
import { createCachedRateProvider } from '../../worker/rates/cache';
import {
	COINBASE_RATES_URL,
	createCoinbaseRateProvider,
	DEFAULT_RATE_TIMEOUT_MS
} from '../../worker/rates/coinbase';
import { quoteInvoiceAmount } from '../../worker/rates/convert';
import { createFixedRateProvider, DEFAULT_FIXED_RATES } from '../../worker/rates/fixed';
import { rateProviderFor, rateSourceConfigSchema } from '../../worker/rates/index';
import { JsonNumber, parseJsonExact } from '../../worker/rates/json';
import {
	type RateProvider,
	type RateQuote,
	RateUnavailableError
} from '../../worker/rates/types';

const COINBASE_BODY: string = readFileSync(
	fileURLToPath(new URL('../fixtures/rates/coinbase.json', import.meta.url).href),
	'utf8'
);

const ADVICE = 'try again or switch the store to fixed rates.';

/** `promise` must reject with a RateUnavailableError; returns it for further checks. */
async function unavailable(
	promise: Promise<unknown>,
	source: string,
	currency: string
): Promise<RateUnavailableError> {
	const error: unknown = await promise.then(
		() => undefined,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(RateUnavailableError);
	const refusal = error as RateUnavailableError;
	expect(refusal.code).toBe('rate-unavailable');
	expect(refusal.name).toBe('RateUnavailableError');
	expect(refusal.source).toBe(source);
	expect(refusal.currency).toBe(currency);
	return refusal;
}

/** `fn` must throw a MoneyError with `code`; returns it. */
function moneyRefusal(fn: () => unknown, code: MoneyErrorCode): MoneyError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(MoneyError);
		expect((error as MoneyError).code).toBe(code);
		return error as MoneyError;
	}
	throw new Error(`expected a MoneyError with code ${code}, but nothing was thrown`);
}

/** A settable clock. */
function clock(start = 0) {
	let t = start;
	return {
		now: () => t,
		set: (value: number) => {
			t = value;
		}
	};
}

type FetchCall = { url: string; init: RequestInit | undefined };

/** A fake fetch answering with `respond`, recording every call. */
function fakeFetch(respond: (init: RequestInit | undefined) => Response | Promise<Response>) {
	const calls: FetchCall[] = [];
	const fetchFn = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
		calls.push({ url: String(input), init });
		return respond(init);
	};
	return { fetch: fetchFn as typeof fetch, calls };
}

function jsonResponse(body: string, status = 200): Response {
	return new Response(body, { status, headers: { 'content-type': 'application/json' } });
}

/** A Coinbase-shaped body with the given `rates` JSON text. */
function coinbaseBody(ratesJson: string): string {
	return `{"data":{"currency":"BTC","rates":${ratesJson}}}`;
}

function coinbaseWith(body: string, status = 200) {
	const fake = fakeFetch(() => jsonResponse(body, status));
	const provider = createCoinbaseRateProvider({ fetch: fake.fetch, now: () => 1_790_000_000_000 });
	return { provider, calls: fake.calls };
}

/** A resolvable promise, to hold an inner provider's answer. */
function deferred<T>() {
	let resolve!: (value: T) => void;
	let reject!: (reason: unknown) => void;
	const promise = new Promise<T>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}

/** An inner provider for cache tests: answers from `answer`, counting calls per currency. */
function countingProvider(answer: (currency: string, call: number) => Promise<RateQuote>) {
	const calls: string[] = [];
	const provider: RateProvider = {
		name: 'test',
		getRate(currency: string) {
			calls.push(currency);
			return answer(currency, calls.length);
		}
	};
	return { provider, calls };
}

function quote(currency: string, rate: string, fetchedAt: number): RateQuote {
	return { currency, rate, source: 'test', fetchedAt };
}

function refusalFrom(currency: string): RateUnavailableError {
	return new RateUnavailableError(
		'test',
		currency,
		`The test rate source did not answer; ${ADVICE}`
	);
}

describe('fixed rates', () => {
	it('quotes the default table with the source name and the injected clock', async () => {
		const provider = createFixedRateProvider({ now: () => 1_234 });
		expect(provider.name).toBe('fixed');
		const expected: Record<string, string> = {
			JMD: '16680000.00',
			USD: '104250.00',
			EUR: '89655.00',
			KES: '13458675.00',
			INR: '9236550.00',
			CNY: '740175.00',
			GBP: '79230.00',
			JPY: '15846000',
			KWD: '31952.625',
			CAD: '145950.00'
		};
		for (const [currency, rate] of Object.entries(expected)) {
			expect(await provider.getRate(currency)).toEqual({
				currency,
				rate,
				source: 'fixed',
				fetchedAt: 1_234
			});
		}
	});

	it('has only defaults that parseRate accepts, for known upper-case codes', () => {
		expect(Object.keys(DEFAULT_FIXED_RATES).length).toBe(18);
		for (const [currency, rate] of Object.entries(DEFAULT_FIXED_RATES)) {
			expect(currency).toMatch(/^[A-Z]{3}$/);
			expect(parseRate(rate).numerator > 0n).toBe(true);
		}
		expect(Object.isFrozen(DEFAULT_FIXED_RATES)).toBe(true);
	});

	it('reads currency codes in any case and answers in upper case', async () => {
		const quoted = await createFixedRateProvider({ now: () => 5 }).getRate('jmd');
		expect(quoted.currency).toBe('JMD');
		expect(quoted.rate).toBe('16680000.00');
	});

	it('answers BTC and SATS by definition', async () => {
		const provider = createFixedRateProvider({ now: () => 7 });
		expect(await provider.getRate('BTC')).toEqual({
			currency: 'BTC',
			rate: '1',
			source: 'fixed',
			fetchedAt: 7
		});
		expect((await provider.getRate('sats')).rate).toBe('100000000');
	});

	it('lets the store override one currency and add another, keeping the rest', async () => {
		const provider = createFixedRateProvider({
			rates: { jmd: '16500000', XOF: '58800000.5' },
			now: () => 9
		});
		expect((await provider.getRate('JMD')).rate).toBe('16500000');
		expect((await provider.getRate('XOF')).rate).toBe('58800000.5');
		expect((await provider.getRate('USD')).rate).toBe('104250.00');
	});

	it('refuses overrides that are not rates, unknown codes, and BTC or SATS', () => {
		expect(
			moneyRefusal(() => createFixedRateProvider({ rates: { JMD: '16,500,000' } }), 'invalid_rate')
				.message
		).toBe('JMD per BTC: Rate "16,500,000" is not a decimal number such as 23456789.12');
		expect(
			moneyRefusal(() => createFixedRateProvider({ rates: { USD: '0' } }), 'invalid_rate').message
		).toBe('USD per BTC: Rate "0" must be greater than zero');
		moneyRefusal(() => createFixedRateProvider({ rates: { KES: '-130' } }), 'invalid_rate');
		expect(
			moneyRefusal(() => createFixedRateProvider({ rates: { XYZ: '1' } }), 'unknown_currency')
				.message
		).toBe('Fixed rate for unknown currency "XYZ": use an ISO 4217 code such as JMD');
		expect(
			moneyRefusal(() => createFixedRateProvider({ rates: { BTC: '2' } }), 'invalid_rate').message
		).toBe('BTC cannot have a fixed rate: 1 BTC is always 1 BTC and 100000000 SATS');
		// An own "__proto__" key, as JSON.parse makes it (an object literal would set the prototype).
		const proto = JSON.parse('{"__proto__":"1"}') as Record<string, string>;
		moneyRefusal(() => createFixedRateProvider({ rates: proto }), 'unknown_currency');
	});

	it('refuses a currency it has no rate for, naming the configured ones', async () => {
		const provider = createFixedRateProvider({ rates: { XOF: '58800000' } });
		const error = await unavailable(provider.getRate('PKR'), 'fixed', 'PKR');
		expect(error.message).toBe(
			"The store's fixed rates have no rate for PKR. Fixed rates are set for AUD, BRL, CAD, " +
				'CHF, CNY, EUR, GBP, INR, JMD, JPY, KES, KWD, MXN, NGN, TTD, USD, XCD, XOF, ZAR; add ' +
				"this currency in the store's rate settings or switch the store to a live rate source."
		);
	});

	it('refuses a code that is not a currency, quoting it', async () => {
		const provider = createFixedRateProvider();
		const error = await unavailable(provider.getRate('usd '), 'fixed', 'usd ');
		expect(error.message).toMatch(/^The store's fixed rates have no rate for "usd "\. /);
		await unavailable(provider.getRate('constructor'), 'fixed', 'constructor');
	});
});

describe('exact JSON numbers', () => {
	it('keeps the literal text of every number', () => {
		const parsed = parseJsonExact('{"a":16712680.123456789012,"b":[1e5,-0.10],"c":"7"}');
		expect(parsed).toEqual({
			a: new JsonNumber('16712680.123456789012'),
			b: [new JsonNumber('1e5'), new JsonNumber('-0.10')],
			c: '7'
		});
		// What a plain JSON.parse would have kept: the float, which is not the same price.
		expect(String(JSON.parse('16712680.123456789012'))).toBe('16712680.12345679');
	});

	it('throws SyntaxError for text that is not JSON', () => {
		expect(() => parseJsonExact('<html>')).toThrow(SyntaxError);
	});
});

describe('Coinbase rates', () => {
	it('reads exact rate strings from a real-shaped response', async () => {
		const fake = fakeFetch(() => jsonResponse(COINBASE_BODY));
		const time = clock(1_790_000_000_000);
		const provider = createCoinbaseRateProvider({ fetch: fake.fetch, now: time.now });
		expect(provider.name).toBe('coinbase');
		const expected: Record<string, string> = {
			JMD: '16712680.76',
			USD: '104312.455',
			EUR: '89677.42',
			KES: '13472475.13',
			INR: '9243648.20',
			CNY: '741087.84',
			GBP: '79402.64',
			JPY: '15894089',
			KWD: '32003.061',
			CAD: '146162.61'
		};
		for (const [currency, rate] of Object.entries(expected)) {
			time.set(time.now() + 1);
			expect(await provider.getRate(currency.toLowerCase())).toEqual({
				currency,
				rate,
				source: 'coinbase',
				fetchedAt: time.now()
			});
		}
		expect(fake.calls.length).toBe(10); // the provider itself does not cache
		const { url, init } = fake.calls[0]!;
		expect(url).toBe(COINBASE_RATES_URL);
		expect(url).toBe('https://api.coinbase.com/v2/exchange-rates?currency=BTC');
		expect(new Headers(init?.headers).get('accept')).toBe('application/json');
		expect(init?.signal).toBeInstanceOf(AbortSignal);
		expect(DEFAULT_RATE_TIMEOUT_MS).toBe(5_000);
	});

	it('reads a JSON number rate from its literal text, not through a float', async () => {
		const { provider } = coinbaseWith(coinbaseBody('{"JMD":16712680.123456789012}'));
		expect((await provider.getRate('JMD')).rate).toBe('16712680.123456789012');
	});

	it('answers BTC and SATS without a request', async () => {
		const { provider, calls } = coinbaseWith(COINBASE_BODY);
		expect(await provider.getRate('BTC')).toEqual({
			currency: 'BTC',
			rate: '1',
			source: 'coinbase',
			fetchedAt: 1_790_000_000_000
		});
		expect((await provider.getRate('SATS')).rate).toBe('100000000');
		expect(calls.length).toBe(0);
	});

	it('refuses a code that is not a currency without a request', async () => {
		const { provider, calls } = coinbaseWith(COINBASE_BODY);
		const error = await unavailable(provider.getRate('BTC1'), 'coinbase', 'BTC1');
		expect(error.message).toBe(
			'There is no currency "BTC1": use an ISO 4217 code such as JMD or USD.'
		);
		expect(calls.length).toBe(0);
	});

	it('refuses a currency the response does not quote', async () => {
		const { provider } = coinbaseWith(COINBASE_BODY);
		const error = await unavailable(provider.getRate('KPW'), 'coinbase', 'KPW');
		expect(error.message).toBe(`The coinbase rate source has no rate for KPW; ${ADVICE}`);
	});

	it('refuses an HTTP error without reading or repeating the body', async () => {
		const html = '<html><body><h1>502 Bad Gateway</h1><script>x()</script></body></html>';
		const error = await unavailable(
			coinbaseWith(html, 502).provider.getRate('JMD'),
			'coinbase',
			'JMD'
		);
		expect(error.message).toBe(
			`The coinbase rate source answered with an error (HTTP 502); ${ADVICE}`
		);
		const limited = await unavailable(
			coinbaseWith('{"errors":[]}', 429).provider.getRate('USD'),
			'coinbase',
			'USD'
		);
		expect(limited.message).toBe(
			`The coinbase rate source is limiting requests from this server (HTTP 429); ${ADVICE}`
		);
	});

	it('refuses a body that is not JSON without repeating it', async () => {
		const html = '<!DOCTYPE html><html><title>Just a moment...</title></html>';
		const error = await unavailable(coinbaseWith(html).provider.getRate('JMD'), 'coinbase', 'JMD');
		expect(error.message).toBe(
			`The coinbase rate source answered with something that is not JSON; ${ADVICE}`
		);
		expect(error.message).not.toContain('<');
		expect(error.cause).toBeUndefined();
	});

	it('refuses JSON of another shape, naming where it differs', async () => {
		const cases: Array<[body: string, path: string]> = [
			['{"errors":[{"id":"not_found","message":"Not found"}]}', 'data'],
			['{"data":{"currency":"ETH","rates":{"JMD":"1"}}}', 'data.currency'],
			['{"data":{"currency":"BTC","rates":["JMD","1"]}}', 'data.rates'],
			['null', '']
		];
		for (const [body, path] of cases) {
			const { provider } = coinbaseWith(body);
			const error = await unavailable(provider.getRate('JMD'), 'coinbase', 'JMD');
			expect(error.message).toBe(
				`The coinbase rate source answered in an unexpected format (at "${path}"); ${ADVICE}`
			);
		}
	});

	it('refuses zero, negative, garbage and non-string rates with the reason', async () => {
		const cases: Array<[rates: string, reason: string]> = [
			['{"JMD":"0"}', 'gave an unusable rate for JMD (Rate "0" must be greater than zero)'],
			['{"JMD":"0.000"}', 'gave an unusable rate for JMD (Rate "0.000" must be greater than zero)'],
			[
				'{"JMD":"-16712680.76"}',
				'gave an unusable rate for JMD (Rate "-16712680.76" must be greater than zero)'
			],
			['{"JMD":-5}', 'gave an unusable rate for JMD (Rate "-5" must be greater than zero)'],
			[
				'{"JMD":"NaN"}',
				'gave an unusable rate for JMD (Rate "NaN" is not a decimal number such as 23456789.12)'
			],
			[
				'{"JMD":1.671268076e7}',
				'gave an unusable rate for JMD (Rate "1.671268076e7" is not a decimal number such as ' +
					'23456789.12)'
			],
			[
				'{"JMD":"16712680.7612345678901"}',
				'gave an unusable rate for JMD (Rate "16712680.7612345678901" has more than 12 decimal ' +
					'places)'
			],
			['{"JMD":true}', 'gave a rate for JMD that is not a number'],
			['{"JMD":{"amount":"1"}}', 'gave a rate for JMD that is not a number'],
			['{"JMD":null}', 'has no rate for JMD'],
			['{"jmd":"16712680.76"}', 'has no rate for JMD']
		];
		for (const [rates, reason] of cases) {
			const { provider } = coinbaseWith(coinbaseBody(rates));
			const error = await unavailable(provider.getRate('JMD'), 'coinbase', 'JMD');
			expect(error.message).toBe(`The coinbase rate source ${reason}; ${ADVICE}`);
		}
	});

	it('is not upset by odd entries for other currencies', async () => {
		const { provider } = coinbaseWith(coinbaseBody('{"XYZ":null,"ABC":[1],"JMD":"16712680.76"}'));
		expect((await provider.getRate('JMD')).rate).toBe('16712680.76');
	});

	it('refuses when the network fails, keeping the cause', async () => {
		const failure = new TypeError('fetch failed');
		const provider = createCoinbaseRateProvider({
			fetch: fakeFetch(() => Promise.reject(failure)).fetch,
			now: () => 0
		});
		const error = await unavailable(provider.getRate('EUR'), 'coinbase', 'EUR');
		expect(error.message).toBe(`The coinbase rate source could not be reached; ${ADVICE}`);
		expect(error.cause).toBe(failure);
	});

	it('gives up after the timeout', async () => {
		// A source that never answers: the fake fetch only settles when the signal aborts.
		const never = fakeFetch(
			(init) =>
				new Promise<Response>((_resolve, reject) => {
					const signal = init?.signal;
					signal?.addEventListener('abort', () => reject(signal.reason as Error));
				})
		);
		const provider = createCoinbaseRateProvider({
			fetch: never.fetch,
			now: () => 0,
			timeoutMs: 20
		});
		const started = Date.now();
		const error = await unavailable(provider.getRate('USD'), 'coinbase', 'USD');
		expect(error.message).toBe(`The coinbase rate source did not answer within 0.02 s; ${ADVICE}`);
		expect(Date.now() - started).toBeGreaterThanOrEqual(15);
		expect((error.cause as Error).name).toBe('TimeoutError');
	});

	it('refuses when the body breaks off', async () => {
		const broken = fakeFetch(
			() =>
				new Response(
					new ReadableStream({
						start(controller) {
							controller.enqueue(new TextEncoder().encode('{"data":'));
							controller.error(new TypeError('connection reset'));
						}
					})
				)
		);
		const provider = createCoinbaseRateProvider({ fetch: broken.fetch, now: () => 0 });
		const error = await unavailable(provider.getRate('USD'), 'coinbase', 'USD');
		expect(error.message).toBe(`The coinbase rate source broke off its answer; ${ADVICE}`);
	});

	it('calls fetch as a plain function, as workerd requires', async () => {
		let self: unknown = 'not called';
		const fetchFn = function (this: unknown): Promise<Response> {
			self = this;
			return Promise.resolve(jsonResponse(COINBASE_BODY));
		};
		const provider = createCoinbaseRateProvider({ fetch: fetchFn as typeof fetch, now: () => 0 });
		await provider.getRate('USD');
		expect(self).toBeUndefined();
	});
});

describe('rate cache', () => {
	it('reuses a quote for the TTL, then asks again', async () => {
		const time = clock(1_000);
		const inner = countingProvider(async (currency, call) =>
			quote(currency.toUpperCase(), `${100 + call}`, time.now())
		);
		const cached = createCachedRateProvider(inner.provider, { ttlMs: 60_000, now: time.now });
		expect(cached.name).toBe('test');
		const first = await cached.getRate('JMD');
		expect(first).toEqual(quote('JMD', '101', 1_000));
		time.set(60_999);
		expect(await cached.getRate('jmd')).toBe(first);
		expect(inner.calls).toEqual(['JMD']);
		time.set(61_000);
		expect(await cached.getRate('JMD')).toEqual(quote('JMD', '102', 61_000));
		expect(inner.calls).toEqual(['JMD', 'JMD']);
	});

	it('defaults to a 60 s TTL', async () => {
		const time = clock(0);
		const inner = countingProvider(async (currency) => quote(currency, '1', time.now()));
		const cached = createCachedRateProvider(inner.provider, { now: time.now });
		await cached.getRate('USD');
		time.set(59_999);
		await cached.getRate('USD');
		expect(inner.calls.length).toBe(1);
		time.set(60_000);
		await cached.getRate('USD');
		expect(inner.calls.length).toBe(2);
	});

	it('keeps currencies apart', async () => {
		const inner = countingProvider(async (currency) =>
			quote(currency, currency === 'USD' ? '1' : '2', 0)
		);
		const cached = createCachedRateProvider(inner.provider, { now: () => 0 });
		expect((await cached.getRate('USD')).rate).toBe('1');
		expect((await cached.getRate('EUR')).rate).toBe('2');
		expect((await cached.getRate('USD')).rate).toBe('1');
		expect(inner.calls).toEqual(['USD', 'EUR']);
	});

	it('shares one in-flight request among concurrent callers', async () => {
		const pending = deferred<RateQuote>();
		const inner = countingProvider((currency) =>
			currency === 'JMD' ? pending.promise : Promise.resolve(quote(currency, '5', 0))
		);
		const cached = createCachedRateProvider(inner.provider, { now: () => 0 });
		const waiting = [cached.getRate('JMD'), cached.getRate('JMD'), cached.getRate('jmd')];
		const other = await cached.getRate('USD');
		expect(other.rate).toBe('5');
		expect(inner.calls).toEqual(['JMD', 'USD']);
		const answer = quote('JMD', '16712680.76', 0);
		pending.resolve(answer);
		const results = await Promise.all(waiting);
		for (const result of results) expect(result).toBe(answer);
		expect(await cached.getRate('JMD')).toBe(answer);
		expect(inner.calls).toEqual(['JMD', 'USD']);
	});

	it('does not cache a failure, and shares a failing in-flight request', async () => {
		const pending = deferred<RateQuote>();
		const inner = countingProvider((currency, call) =>
			call === 1 ? pending.promise : Promise.resolve(quote(currency, '7', 0))
		);
		const cached = createCachedRateProvider(inner.provider, { now: () => 0 });
		const both = [cached.getRate('KES'), cached.getRate('KES')];
		pending.reject(refusalFrom('KES'));
		for (const attempt of both) await unavailable(attempt, 'test', 'KES');
		expect(inner.calls.length).toBe(1);
		expect((await cached.getRate('KES')).rate).toBe('7');
		expect(inner.calls.length).toBe(2);
	});

	it('serves the last quote, with its own time, while the source fails', async () => {
		const time = clock(0);
		const inner = countingProvider((currency, call) =>
			call === 1
				? Promise.resolve(quote(currency, '16712680.76', 0))
				: Promise.reject(refusalFrom(currency))
		);
		const cached = createCachedRateProvider(inner.provider, { now: time.now });
		await cached.getRate('JMD');
		time.set(120_000);
		expect(await cached.getRate('JMD')).toEqual(quote('JMD', '16712680.76', 0));
		time.set(600_000); // exactly the default 10 minutes
		expect(await cached.getRate('JMD')).toEqual(quote('JMD', '16712680.76', 0));
		expect(inner.calls.length).toBe(3); // each failure asked the source again
		time.set(600_001);
		await unavailable(cached.getRate('JMD'), 'test', 'JMD');
		expect(inner.calls.length).toBe(4);
	});

	it('serves nothing stale when maxStaleMs is 0, and never for a programming error', async () => {
		const time = clock(0);
		const noStale = countingProvider((currency, call) =>
			call === 1 ? Promise.resolve(quote(currency, '1', 0)) : Promise.reject(refusalFrom(currency))
		);
		const strict = createCachedRateProvider(noStale.provider, { maxStaleMs: 0, now: time.now });
		await strict.getRate('USD');
		time.set(60_000);
		await unavailable(strict.getRate('USD'), 'test', 'USD');

		const bug = new TypeError('x is undefined');
		const buggy = countingProvider((currency, call) =>
			call === 1 ? Promise.resolve(quote(currency, '1', 0)) : Promise.reject(bug)
		);
		const cached = createCachedRateProvider(buggy.provider, { now: time.now });
		time.set(0);
		await cached.getRate('USD');
		time.set(60_000);
		await expect(cached.getRate('USD')).rejects.toBe(bug);
	});

	it('survives an inner provider that throws synchronously', async () => {
		const provider: RateProvider = {
			name: 'sync',
			getRate() {
				throw refusalFrom('USD');
			}
		};
		const cached = createCachedRateProvider(provider, { now: () => 0 });
		await unavailable(cached.getRate('USD'), 'test', 'USD');
		await unavailable(cached.getRate('USD'), 'test', 'USD');
	});
});

describe('rate source settings', () => {
	it('accepts the fixed and Coinbase settings', () => {
		expect(rateSourceConfigSchema.parse({ kind: 'fixed' })).toEqual({ kind: 'fixed' });
		expect(rateSourceConfigSchema.parse({ kind: 'fixed', rates: { JMD: '16500000.25' } })).toEqual({
			kind: 'fixed',
			rates: { JMD: '16500000.25' }
		});
		expect(rateSourceConfigSchema.parse({ kind: 'coinbase' })).toEqual({ kind: 'coinbase' });
	});

	it('refuses unknown sources, extra keys, bad codes and bad rates', () => {
		const refused = (value: unknown) => {
			const result = rateSourceConfigSchema.safeParse(value);
			expect(result.success).toBe(false);
			return result.error?.issues.map((issue) => issue.message) ?? [];
		};
		const issue = rateSourceConfigSchema.safeParse({ kind: 'fixed', rates: { jmd: '1' } }).error
			?.issues[0];
		expect(issue?.path).toEqual(['rates', 'jmd']);
		refused({ kind: 'kraken' });
		refused({});
		refused({ kind: 'coinbase', apiKey: 'x' });
		refused({ kind: 'fixed', rates: { JMD: 16500000 } });
		expect(refused({ kind: 'fixed', rates: { jmd: '1' } })).toContain(
			'Use an upper-case ISO 4217 fiat code such as JMD (BTC and SATS need no rate)'
		);
		expect(refused({ kind: 'fixed', rates: { SATS: '1' } }).length).toBe(1);
		expect(refused({ kind: 'fixed', rates: { XYZ: '1' } }).length).toBe(1);
		expect(refused({ kind: 'fixed', rates: { JMD: '0' } })).toEqual([
			'Rate "0" must be greater than zero'
		]);
	});

	it('gives fixed rates with the store overrides, uncached', async () => {
		const provider = rateProviderFor(
			{ kind: 'fixed', rates: { JMD: '16500000' } },
			{ fetch: fakeFetch(() => jsonResponse(COINBASE_BODY)).fetch, now: () => 42 }
		);
		expect(provider.name).toBe('fixed');
		expect(await provider.getRate('JMD')).toEqual({
			currency: 'JMD',
			rate: '16500000',
			source: 'fixed',
			fetchedAt: 42
		});
	});

	it('gives one cached Coinbase provider per fetch in the isolate', async () => {
		const fake = fakeFetch(() => jsonResponse(COINBASE_BODY));
		const deps = { fetch: fake.fetch, now: () => 1_790_000_000_000 };
		const first = rateProviderFor({ kind: 'coinbase' }, deps);
		const again = rateProviderFor({ kind: 'coinbase' }, { ...deps, now: () => 0 });
		expect(again).toBe(first);
		expect(first.name).toBe('coinbase');
		expect(await first.getRate('JMD')).toEqual({
			currency: 'JMD',
			rate: '16712680.76',
			source: 'coinbase',
			fetchedAt: 1_790_000_000_000
		});
		expect((await again.getRate('JMD')).rate).toBe('16712680.76');
		expect(fake.calls.length).toBe(1);
		const otherFetch = fakeFetch(() => jsonResponse('{}')).fetch;
		const other = rateProviderFor({ kind: 'coinbase' }, { ...deps, fetch: otherFetch });
		expect(other).not.toBe(first);
	});
});

describe('invoice amounts', () => {
	const fixed = createFixedRateProvider({ now: () => 1_000 });

	it('prices fiat at the quote, rounding up to a whole sat', async () => {
		type Case = [amount: string, currency: string, minor: bigint, exponent: number, msat: bigint];
		const cases: Case[] = [
			// 1500 JMD / 16,680,000 JMD per BTC = 8992.81 sats -> 8993
			['1500.00', 'JMD', 150_000n, 2, 8_993_000n],
			['1500', 'jmd', 150_000n, 2, 8_993_000n],
			// 4.99 USD / 104,250 = 4786.57 sats -> 4787
			['4.99', 'USD', 499n, 2, 4_787_000n],
			// exactly 100,000 sats: no rounding
			['104.25', 'USD', 10_425n, 2, 100_000_000n],
			// 0.01 USD = 9.59 sats -> 10
			['0.01', 'USD', 1n, 2, 10_000n],
			// 500 JPY / 15,846,000 = 3155.37 sats -> 3156
			['500', 'JPY', 500n, 0, 3_156_000n],
			// 1.250 KWD / 31,952.625 = 3912.04 sats -> 3913
			['1.250', 'KWD', 1_250n, 3, 3_913_000n]
		];
		for (const [amount, currency, minor, exponent, msat] of cases) {
			const result = await quoteInvoiceAmount({ amount, currency }, fixed);
			expect(result.amountMsat).toBe(msat);
			expect(result.amountMinor).toBe(minor);
			expect(result.exponent).toBe(exponent);
			expect(result.currency).toBe(currency.toUpperCase());
			expect(result.rate).toEqual({
				currency: currency.toUpperCase(),
				rate: DEFAULT_FIXED_RATES[currency.toUpperCase()],
				source: 'fixed',
				fetchedAt: 1_000
			});
		}
	});

	it('prices fiat at a live quote and returns that quote', async () => {
		const { provider } = coinbaseWith(COINBASE_BODY);
		const result = await quoteInvoiceAmount({ amount: '2500.00', currency: 'JMD' }, provider);
		// 2500 / 16,712,680.76 JMD per BTC = 14958.70 sats -> 14959
		expect(result).toEqual({
			amountMsat: 14_959_000n,
			currency: 'JMD',
			amountMinor: 250_000n,
			exponent: 2,
			rate: {
				currency: 'JMD',
				rate: '16712680.76',
				source: 'coinbase',
				fetchedAt: 1_790_000_000_000
			}
		});
	});

	it('takes BTC with up to 8 decimal places and SATS whole, without a rate', async () => {
		const unused = countingProvider(() => Promise.reject(new Error('no rate needed')));
		const none = unused.provider;
		expect(await quoteInvoiceAmount({ amount: '0.00012345', currency: 'BTC' }, none)).toEqual({
			amountMsat: 12_345_000n,
			currency: 'BTC',
			amountMinor: 12_345n,
			exponent: 8,
			rate: null
		});
		const oneAndAHalf = await quoteInvoiceAmount({ amount: '1.5', currency: 'btc' }, none);
		expect(oneAndAHalf.amountMsat).toBe(150_000_000_000n);
		expect(await quoteInvoiceAmount({ amount: '2100', currency: 'sats' }, none)).toEqual({
			amountMsat: 2_100_000n,
			currency: 'SATS',
			amountMinor: 2_100n,
			exponent: 0,
			rate: null
		});
		await expect(
			quoteInvoiceAmount({ amount: '0.000000001', currency: 'BTC' }, none)
		).rejects.toMatchObject({ name: 'MoneyError', code: 'too_many_decimals' });
		await expect(
			quoteInvoiceAmount({ amount: '1.5', currency: 'SATS' }, none)
		).rejects.toMatchObject({ name: 'MoneyError', code: 'too_many_decimals' });
		expect(unused.calls.length).toBe(0);
	});

	it('gives 0 msat for a zero amount, still recording the fiat rate', async () => {
		const result = await quoteInvoiceAmount({ amount: '0', currency: 'USD' }, fixed);
		expect(result.amountMsat).toBe(0n);
		expect(result.amountMinor).toBe(0n);
		expect(result.rate?.rate).toBe('104250.00');
		const zeroSats = await quoteInvoiceAmount({ amount: '0', currency: 'SATS' }, fixed);
		expect(zeroSats.amountMsat).toBe(0n);
	});

	it('refuses bad amounts and currencies before asking for a rate', async () => {
		const counting = countingProvider((currency) => Promise.resolve(quote(currency, '1', 0)));
		const cases: Array<[amount: string, currency: string, code: MoneyErrorCode]> = [
			['-5.00', 'USD', 'negative_amount'],
			['12.345', 'USD', 'too_many_decimals'],
			['1.5', 'JPY', 'too_many_decimals'],
			['1,000', 'JMD', 'invalid_amount'],
			['', 'JMD', 'invalid_amount'],
			['10', 'ABC', 'unknown_currency']
		];
		for (const [amount, currency, code] of cases) {
			await expect(
				quoteInvoiceAmount({ amount, currency }, counting.provider)
			).rejects.toMatchObject({ name: 'MoneyError', code });
		}
		expect(counting.calls.length).toBe(0);
	});

	it('passes on a rate refusal', async () => {
		await unavailable(quoteInvoiceAmount({ amount: '10', currency: 'PKR' }, fixed), 'fixed', 'PKR');
	});

	it('refuses a faulty quote: the wrong currency or an unusable rate', async () => {
		const wrong: RateProvider = {
			name: 'faulty',
			getRate: () => Promise.resolve(quote('USD', '104250', 0))
		};
		const tenEuros = { amount: '10', currency: 'EUR' };
		const error = await unavailable(quoteInvoiceAmount(tenEuros, wrong), 'faulty', 'EUR');
		expect(error.message).toBe(
			`The faulty rate source answered with a USD rate when asked for EUR; ${ADVICE}`
		);
		const zero: RateProvider = {
			name: 'faulty',
			getRate: (currency) => Promise.resolve(quote(currency, '0', 0))
		};
		const zeroError = await unavailable(quoteInvoiceAmount(tenEuros, zero), 'faulty', 'EUR');
		expect(zeroError.message).toBe(
			`The faulty rate source gave an unusable rate (Rate "0" must be greater than zero); ${ADVICE}`
		);
	});
});
