import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { base58 } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../worker/version';
import {
	deliveryHeaders,
	generateWebhookSecret,
	signBody,
	verifySignature
} from '../../worker/webhooks/signature';
import {
	classifyResponse,
	MAX_DELIVERY_ATTEMPTS,
	nextAttemptDelay,
	RETRY_DELAYS_MS
} from '../../worker/webhooks/schedule';
import {
	createWebhookSchema,
	INVOICE_EVENT_TYPES,
	isEventAuthorized,
	isInvoiceEventType,
	newWebhookId,
	shouldDeliver,
	toWebhookData,
	updateWebhookSchema
} from '../../worker/webhooks/events';
import {
	buildInvoiceEventPayload,
	buildRedeliveryPayload,
	newDeliveryId,
	type InvoiceEventPayloadInput,
	type WebhookPayment
} from '../../worker/webhooks/payload';
import { checkWebhookUrl } from '../../worker/webhooks/url-policy';

/** Fixture text as written; one final newline an editor may add is not part of the body. */
function fixture(name: string): string {
	const text = readFileSync(join(import.meta.dirname, '../fixtures/webhooks', name), 'utf8');
	return text.endsWith('\n') ? text.slice(0, -1) : text;
}

const isBase58Of16Bytes = (id: string) => base58.decode(id).length === 16;

const settledInput: InvoiceEventPayloadInput = {
	type: 'InvoiceSettled',
	deliveryId: '3vQB7B6MrGQZaxCuFg4oh',
	webhookId: '7fJq2oXbV1LkQ6zYpN9sAe',
	timestamp: 1732282800,
	storeId: '9mXkP4tRw2YbNq7HcLz3VfJ8sDgE5aUo1iKhT6QyBrC',
	invoiceId: 'Hs8dK2pLq9WzX4mN7bVc3R',
	metadata: {
		orderId: 'POS-0042',
		itemDesc: 'Flat white ☕ × 2',
		buyerEmail: 'ana@example.com',
		posData: { tip: '1.50', cart: [{ id: 'flat-white', count: 2 }] },
		taxIncluded: 0.45,
		note: 'line one\nline "two" \u2028 end',
		tags: [],
		extra: {},
		physical: false,
		orderUrl: null
	},
	// Written in the other order on purpose: the body must still follow BTCPay's.
	extra: { overPaid: true, manuallyMarked: false }
};

describe('webhook signature (BTCPay-Sig)', () => {
	it('matches the RFC 4231 HMAC-SHA256 test case 2', () => {
		expect(signBody('Jefe', 'what do ya want for nothing?')).toBe(
			'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'
		);
	});

	it('is HMAC-SHA256 keyed with the UTF-8 secret over the body bytes, in lower-case hex', () => {
		const secret = 'sécret-☕-9Qv';
		const body = fixture('invoice-settled.json');
		const expected = createHmac('sha256', Buffer.from(secret, 'utf8'))
			.update(Buffer.from(body, 'utf8'))
			.digest('hex');
		expect(signBody(secret, body)).toBe(`sha256=${expected}`);
		expect(signBody(secret, new TextEncoder().encode(body))).toBe(`sha256=${expected}`);
		expect(signBody(secret, body)).toMatch(/^sha256=[0-9a-f]{64}$/);
	});

	const secret = 'whsec-test';
	const body = '{\n  "type": "InvoiceCreated"\n}';
	const good = signBody(secret, body);

	it('verifies the right signature, from a string or from bytes', () => {
		expect(verifySignature(secret, body, good)).toBe(true);
		expect(verifySignature(secret, new TextEncoder().encode(body), good)).toBe(true);
	});

	it('accepts upper-case hex digits (the same digest)', () => {
		expect(verifySignature(secret, body, `sha256=${good.slice(7).toUpperCase()}`)).toBe(true);
	});

	it.each([
		['a wrong secret', 'whsec-tesT', body, good],
		['a tampered body', secret, body.replace('Created', 'Settled'), good],
		['one more byte of body', secret, `${body} `, good],
		['no sha256= prefix', secret, body, good.slice(7)],
		['an upper-case prefix', secret, body, `SHA256=${good.slice(7)}`],
		['another algorithm', secret, body, `sha1=${good.slice(7)}`],
		['a truncated digest', secret, body, good.slice(0, -2)],
		['a digest with one more digit', secret, body, `${good}0`],
		['a non-hex digest', secret, body, `sha256=${'zz'.repeat(32)}`],
		['surrounding whitespace', secret, body, ` ${good}`],
		['an empty header', secret, body, ''],
		['a missing header', secret, body, null],
		['a flipped last digit', secret, body, good.slice(0, -1) + (good.endsWith('0') ? '1' : '0')]
	])('rejects %s', (_label, key, text, header) => {
		expect(verifySignature(key, text, header)).toBe(false);
	});

	it('generates 128-bit Base58 secrets like BTCPay, different every time', () => {
		const a = generateWebhookSecret();
		const b = generateWebhookSecret();
		expect(isBase58Of16Bytes(a)).toBe(true);
		expect(a).not.toBe(b);
	});

	it('sends JSON with the signature and a Flashpoint User-Agent', () => {
		expect(deliveryHeaders(secret, body)).toEqual({
			'Content-Type': 'application/json',
			'User-Agent': `Flashpoint/${VERSION}`,
			'BTCPay-Sig': good
		});
	});
});

describe('retry schedule', () => {
	it('waits 10 s, 1 min, then 10 min six times, as BTCPay', () => {
		expect(RETRY_DELAYS_MS).toEqual([
			10_000, 60_000, 600_000, 600_000, 600_000, 600_000, 600_000, 600_000
		]);
		expect(MAX_DELIVERY_ATTEMPTS).toBe(9);
	});

	it.each([
		[0, 0],
		[1, 10_000],
		[2, 60_000],
		[3, 600_000],
		[4, 600_000],
		[8, 600_000],
		[9, null],
		[10, null],
		[1000, null]
	])('after %i attempts the next waits %s ms', (attempts, delay) => {
		expect(nextAttemptDelay(attempts)).toBe(delay);
	});

	it('stops after the first attempt and 8 retries, 61 min 10 s after the first', () => {
		let attempts = 0;
		let waited = 0;
		for (let delay = nextAttemptDelay(0); delay !== null; delay = nextAttemptDelay(attempts)) {
			waited += delay;
			attempts++;
		}
		expect(attempts).toBe(9);
		expect(waited).toBe((10 + 60 + 6 * 600) * 1000);
	});

	it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s attempts', (n) => {
		expect(() => nextAttemptDelay(n)).toThrow(RangeError);
	});

	it.each([
		[200, 'HttpSuccess', false, null],
		[201, 'HttpSuccess', false, null],
		[204, 'HttpSuccess', false, null],
		[299, 'HttpSuccess', false, null],
		[301, 'HttpError', false, 'HTTP Error Code 301'],
		[302, 'HttpError', false, 'HTTP Error Code 302'],
		[400, 'HttpError', false, 'HTTP Error Code 400'],
		[401, 'HttpError', false, 'HTTP Error Code 401'],
		[404, 'HttpError', false, 'HTTP Error Code 404'],
		[408, 'HttpError', true, 'HTTP Error Code 408'],
		[410, 'HttpError', false, 'HTTP Error Code 410'],
		[422, 'HttpError', false, 'HTTP Error Code 422'],
		[429, 'HttpError', true, 'HTTP Error Code 429'],
		[500, 'HttpError', true, 'HTTP Error Code 500'],
		[502, 'HttpError', true, 'HTTP Error Code 502'],
		[503, 'HttpError', true, 'HTTP Error Code 503'],
		[599, 'HttpError', true, 'HTTP Error Code 599'],
		[0, 'HttpError', false, 'HTTP Error Code 0']
	])('HTTP %i is %s, retry %s', (httpCode, status, retry, errorMessage) => {
		expect(classifyResponse({ httpCode })).toEqual({ status, retry, errorMessage });
	});

	it('a network error or timeout is Failed and retried, keeping the error text', () => {
		expect(classifyResponse({ error: 'The operation was aborted due to timeout' })).toEqual({
			status: 'Failed',
			retry: true,
			errorMessage: 'The operation was aborted due to timeout'
		});
		expect(classifyResponse({ error: '' })).toEqual({
			status: 'Failed',
			retry: true,
			errorMessage: 'No response'
		});
	});
});

describe('event types and authorisation', () => {
	it('lists the invoice events in BTCPay order', () => {
		expect(INVOICE_EVENT_TYPES).toEqual([
			'InvoiceCreated',
			'InvoiceReceivedPayment',
			'InvoiceProcessing',
			'InvoiceExpired',
			'InvoiceSettled',
			'InvoiceInvalid',
			'InvoicePaymentSettled',
			'InvoiceExpiredPaidPartial',
			'InvoicePaidAfterExpiration'
		]);
		expect(isInvoiceEventType('InvoiceSettled')).toBe(true);
		expect(isInvoiceEventType('PayoutCreated')).toBe(false);
		expect(isInvoiceEventType('invoicesettled')).toBe(false);
	});

	it.each([
		[{ everything: true, specificEvents: [] }, 'InvoiceSettled', true],
		[{ everything: true, specificEvents: ['InvoiceCreated'] }, 'InvoiceExpired', true],
		[{ everything: false, specificEvents: [] }, 'InvoiceSettled', false],
		[{ everything: false, specificEvents: ['InvoiceSettled'] }, 'InvoiceSettled', true],
		[{ everything: false, specificEvents: ['InvoiceSettled'] }, 'InvoiceProcessing', false],
		[{ everything: false, specificEvents: ['invoicesettled'] }, 'InvoiceSettled', false],
		[{ everything: false, specificEvents: ['InvoiceSettled '] }, 'InvoiceSettled', false]
	])('%j authorises %s: %s', (authorizedEvents, type, expected) => {
		expect(isEventAuthorized(authorizedEvents, type)).toBe(expected);
	});

	it('delivers only when the webhook is enabled and the event authorised', () => {
		const authorizedEvents = { everything: false, specificEvents: ['InvoiceSettled'] };
		expect(shouldDeliver({ enabled: true, authorizedEvents }, 'InvoiceSettled')).toBe(true);
		expect(shouldDeliver({ enabled: false, authorizedEvents }, 'InvoiceSettled')).toBe(false);
		expect(shouldDeliver({ enabled: true, authorizedEvents }, 'InvoiceExpired')).toBe(false);
	});

	it('makes Base58 webhook ids of 16 bytes', () => {
		expect(isBase58Of16Bytes(newWebhookId())).toBe(true);
		expect(newWebhookId()).not.toBe(newWebhookId());
	});
});

describe('create and update bodies', () => {
	const defaults = {
		url: 'https://hooks.example.com/btcpay',
		enabled: true,
		automaticRedelivery: true,
		authorizedEvents: { everything: true, specificEvents: [] },
		secret: null
	};

	it('fills BTCPay defaults when only the URL is given', () => {
		expect(createWebhookSchema.parse({ url: defaults.url })).toEqual(defaults);
	});

	it('treats null like an absent field, as lenient Greenfield clients send it', () => {
		expect(
			createWebhookSchema.parse({
				url: 'https://hooks.example.com/btcpay',
				enabled: null,
				automaticRedelivery: null,
				authorizedEvents: null,
				secret: null
			})
		).toEqual(defaults);
	});

	it('keeps given values and ignores fields it does not know (such as id)', () => {
		const events = { everything: false, specificEvents: ['InvoiceSettled', 'PayoutCreated'] };
		expect(
			createWebhookSchema.parse({
				id: 'ignored',
				url: 'https://hooks.example.com/btcpay',
				enabled: false,
				automaticRedelivery: false,
				authorizedEvents: events,
				secret: 'my-secret',
				somethingNew: 1
			})
		).toEqual({
			url: 'https://hooks.example.com/btcpay',
			enabled: false,
			automaticRedelivery: false,
			authorizedEvents: events,
			secret: 'my-secret'
		});
	});

	it('like BTCPay, specificEvents without everything: false still means everything', () => {
		const parsed = createWebhookSchema.parse({
			url: 'https://hooks.example.com/btcpay',
			authorizedEvents: { specificEvents: ['InvoiceSettled'] }
		});
		expect(parsed.authorizedEvents).toEqual({
			everything: true,
			specificEvents: ['InvoiceSettled']
		});
	});

	it('an empty secret means generate (create) or keep (update)', () => {
		const url = 'https://hooks.example.com/btcpay';
		expect(createWebhookSchema.parse({ url, secret: '' }).secret).toBeNull();
		expect(updateWebhookSchema.parse({ url, secret: '' }).secret).toBeNull();
		expect(updateWebhookSchema.parse({ url }).secret).toBeNull();
		expect(updateWebhookSchema.parse({ url, secret: 'new' }).secret).toBe('new');
	});

	it('a PUT is a whole replacement: omitted flags take defaults, not stored values', () => {
		expect(updateWebhookSchema.parse({ url: defaults.url })).toEqual(defaults);
	});

	const url = 'https://a.example.com';
	it.each([
		['no url', {}, 'url'],
		['an empty url', { url: '  ' }, 'url'],
		['a numeric url', { url: 42 }, 'url'],
		['an over-long url', { url: `https://example.com/${'a'.repeat(2048)}` }, 'url'],
		['enabled as a string', { url, enabled: 'yes' }, 'enabled'],
		['automaticRedelivery as 1', { url, automaticRedelivery: 1 }, 'automaticRedelivery'],
		['authorizedEvents as a list', { url, authorizedEvents: [] }, 'authorizedEvents'],
		[
			'everything as a string',
			{ url, authorizedEvents: { everything: 'false' } },
			'authorizedEvents.everything'
		],
		[
			'specificEvents as a string',
			{ url, authorizedEvents: { specificEvents: 'InvoiceSettled' } },
			'authorizedEvents.specificEvents'
		],
		[
			'an empty event name',
			{ url, authorizedEvents: { specificEvents: [''] } },
			'authorizedEvents.specificEvents.0'
		],
		['a numeric secret', { url, secret: 1234 }, 'secret'],
		['an over-long secret', { url, secret: 's'.repeat(257) }, 'secret']
	])('refuses %s', (_label, body, path) => {
		for (const schema of [createWebhookSchema, updateWebhookSchema]) {
			const result = schema.safeParse(body);
			expect(result.success).toBe(false);
			expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
		}
	});

	it('answers with the Greenfield webhook object, the secret only when asked', () => {
		const stored = {
			id: 'wh1',
			enabled: true,
			automaticRedelivery: false,
			url: 'https://hooks.example.com/btcpay',
			authorizedEvents: { everything: false, specificEvents: ['InvoiceSettled'] },
			secret: 's3cret'
		};
		const created = toWebhookData(stored, { includeSecret: true });
		expect(Object.keys(created)).toEqual([
			'id',
			'enabled',
			'secret',
			'automaticRedelivery',
			'url',
			'authorizedEvents'
		]);
		expect(created.secret).toBe('s3cret');
		const listed = toWebhookData(stored, { includeSecret: false });
		expect('secret' in listed).toBe(false);
		expect(listed).toEqual({ ...created, secret: undefined });
	});
});

describe('invoice event payload', () => {
	it('is byte for byte the BTCPay body of the fixture', () => {
		const body = buildInvoiceEventPayload(settledInput);
		expect(body).toBe(fixture('invoice-settled.json'));
		expect(body.endsWith('}')).toBe(true);
	});

	it('escapes U+2028, U+2029 and U+0085 like Newtonsoft and keeps other text raw', () => {
		const body = buildInvoiceEventPayload({
			...settledInput,
			metadata: { a: '\u2028\u2029\u0085', b: 'é☕\t' }
		});
		expect(body).toContain('"a": "\\u2028\\u2029\\u0085"');
		expect(body).toContain('"b": "é☕\\t"');
		expect(JSON.parse(body).metadata).toEqual({ a: '\u2028\u2029\u0085', b: 'é☕\t' });
	});

	it('marks a first delivery: originalDeliveryId is its own id, isRedelivery false', () => {
		const parsed = JSON.parse(buildInvoiceEventPayload(settledInput));
		expect(parsed.originalDeliveryId).toBe(settledInput.deliveryId);
		expect(parsed.isRedelivery).toBe(false);
	});

	it('takes the test-delivery fields BTCPay uses, or marks a foreign originalDeliveryId', () => {
		const test = '__test__0b7f1a2c-5d6e-4f80-9a1b-2c3d4e5f6a7b__test__';
		const sent = JSON.parse(
			buildInvoiceEventPayload({ ...settledInput, originalDeliveryId: test, isRedelivery: false })
		);
		expect(sent.originalDeliveryId).toBe(test);
		expect(sent.isRedelivery).toBe(false);
		const other = JSON.parse(
			buildInvoiceEventPayload({ ...settledInput, originalDeliveryId: 'x' })
		);
		expect(other.isRedelivery).toBe(true);
	});

	const payment: WebhookPayment = {
		destination: 'bc1qexample',
		status: 'Settled',
		fee: '0.00000141',
		value: '0.00012345',
		receivedDate: 1732282700,
		id: 'f0e1d2c3b4a5:0'
	};
	const common = {
		deliveryId: 'd1',
		webhookId: 'w1',
		timestamp: 1732282800,
		storeId: 's1',
		invoiceId: 'i1',
		metadata: {}
	};
	const base = [
		'deliveryId',
		'webhookId',
		'originalDeliveryId',
		'isRedelivery',
		'type',
		'timestamp',
		'storeId',
		'invoiceId',
		'metadata'
	];

	it.each<[InvoiceEventPayloadInput, string[]]>([
		[{ ...common, type: 'InvoiceCreated', extra: {} }, []],
		[
			{
				...common,
				type: 'InvoiceReceivedPayment',
				extra: { payment, paymentMethodId: 'BTC-CHAIN', afterExpiration: false }
			},
			['afterExpiration', 'paymentMethodId', 'payment']
		],
		[
			{
				...common,
				type: 'InvoicePaymentSettled',
				extra: { payment, paymentMethodId: 'BTC-LN', afterExpiration: true }
			},
			['afterExpiration', 'paymentMethodId', 'payment']
		],
		[{ ...common, type: 'InvoiceProcessing', extra: { overPaid: false } }, ['overPaid']],
		[{ ...common, type: 'InvoiceExpired', extra: { partiallyPaid: true } }, ['partiallyPaid']],
		[
			{ ...common, type: 'InvoiceSettled', extra: { overPaid: false, manuallyMarked: true } },
			['manuallyMarked', 'overPaid']
		],
		[{ ...common, type: 'InvoiceInvalid', extra: { manuallyMarked: false } }, ['manuallyMarked']],
		[{ ...common, type: 'InvoiceExpiredPaidPartial', extra: {} }, []],
		[{ ...common, type: 'InvoicePaidAfterExpiration', extra: {} }, []]
	])('puts the %# event fields first, then the base fields', (input, extraKeys) => {
		const parsed = JSON.parse(buildInvoiceEventPayload(input));
		expect(Object.keys(parsed)).toEqual([...extraKeys, ...base]);
		expect(parsed.type).toBe(input.type);
		for (const key of extraKeys) {
			expect(parsed[key]).toEqual((input.extra as Record<string, unknown>)[key]);
		}
	});

	it('writes the payment in Greenfield field order', () => {
		const body = buildInvoiceEventPayload({
			...common,
			type: 'InvoiceReceivedPayment',
			extra: { afterExpiration: false, paymentMethodId: 'BTC-CHAIN', payment }
		});
		expect(Object.keys(JSON.parse(body).payment)).toEqual([
			'id',
			'receivedDate',
			'value',
			'fee',
			'status',
			'destination'
		]);
		expect(body).toContain('"value": "0.00012345"');
	});

	it.each([1.5, -1, Number.NaN])('refuses timestamp %s (Unix seconds only)', (timestamp) => {
		expect(() => buildInvoiceEventPayload({ ...settledInput, timestamp })).toThrow(RangeError);
	});

	it('makes Base58 delivery ids of 16 bytes', () => {
		expect(isBase58Of16Bytes(newDeliveryId())).toBe(true);
		expect(newDeliveryId()).not.toBe(newDeliveryId());
	});
});

describe('redelivery payload', () => {
	const first = fixture('invoice-settled.json');

	it('is byte for byte what BTCPay re-serialises: base fields first, the rest as stored', () => {
		const body = buildRedeliveryPayload(first, {
			deliveryId: '5Ct3iUeYj8VqG2wRkN6pZd',
			webhookId: '7fJq2oXbV1LkQ6zYpN9sAe',
			redeliveredDeliveryId: '3vQB7B6MrGQZaxCuFg4oh'
		});
		expect(body).toBe(fixture('invoice-settled-redelivery.json'));
	});

	it('a redelivery of a redelivery still points at the first delivery', () => {
		const second = buildRedeliveryPayload(first, {
			deliveryId: 'second',
			webhookId: 'w',
			redeliveredDeliveryId: '3vQB7B6MrGQZaxCuFg4oh'
		});
		const third = JSON.parse(
			buildRedeliveryPayload(second, {
				deliveryId: 'third',
				webhookId: 'w',
				redeliveredDeliveryId: 'second'
			})
		);
		expect(third.deliveryId).toBe('third');
		expect(third.originalDeliveryId).toBe('3vQB7B6MrGQZaxCuFg4oh');
		expect(third.isRedelivery).toBe(true);
		expect(third.timestamp).toBe(1732282800);
		expect(third.metadata).toEqual(settledInput.metadata);
	});

	it('uses the redelivered id when the stored body has no originalDeliveryId', () => {
		const stored = '{\n  "type": "InvoiceCreated",\n  "timestamp": 5,\n  "invoiceId": "i"\n}';
		const ids = { deliveryId: 'n', webhookId: 'w', redeliveredDeliveryId: 'old' };
		expect(buildRedeliveryPayload(stored, ids).split('\n')).toEqual([
			'{',
			'  "deliveryId": "n",',
			'  "webhookId": "w",',
			'  "originalDeliveryId": "old",',
			'  "isRedelivery": true,',
			'  "type": "InvoiceCreated",',
			'  "timestamp": 5,',
			'  "invoiceId": "i"',
			'}'
		]);
	});

	it('keeps stored text that JSON.parse would reorder or reformat (integer keys, 1.0)', () => {
		const tail = [
			'  "overPaid": false,',
			'  "metadata": {',
			'    "b": "x,}]\\"",',
			'    "2": 1.0',
			'  }',
			'}'
		];
		const stored = [
			'{',
			'  "overPaid": false,',
			'  "deliveryId": "a",',
			'  "type": "InvoiceProcessing",',
			'  "timestamp": 7,',
			...tail.slice(1)
		].join('\n');
		const ids = { deliveryId: 'b', webhookId: 'w', redeliveredDeliveryId: 'a' };
		const lines = buildRedeliveryPayload(stored, ids).split('\n');
		expect(lines.slice(-tail.length)).toEqual(tail);
	});

	it.each([
		['an array', '[1]'],
		['no type', '{ "timestamp": 1 }'],
		['no timestamp', '{ "type": "InvoiceCreated" }'],
		['not JSON', '{ "type": ']
	])('refuses a stored body that is %s', (_label, stored) => {
		const ids = { deliveryId: 'n', webhookId: 'w', redeliveredDeliveryId: 'o' };
		expect(() => buildRedeliveryPayload(stored, ids)).toThrow();
	});
});

describe('webhook URL policy', () => {
	type Expect = 'ok' | RegExp;
	// [url, production, development]; a RegExp is a refusal whose message must match it.
	const cases: Array<[string, Expect, Expect]> = [
		['https://hooks.example.com/btcpay', 'ok', 'ok'],
		['https://example.com', 'ok', 'ok'],
		['https://shop.example.co.uk:8443/wh?x=1', 'ok', 'ok'],
		['https://café.com/hook', 'ok', 'ok'],
		['https://8.8.8.8/hook', 'ok', 'ok'],
		['https://[2606:4700:4700::1111]/', 'ok', 'ok'],
		['https://[::ffff:8.8.8.8]/', 'ok', 'ok'],
		['https://[64:ff9b::808:808]/', 'ok', 'ok'],
		['https://172.32.0.1/', 'ok', 'ok'],
		['https://172.15.255.255/', 'ok', 'ok'],
		['https://192.169.0.1/', 'ok', 'ok'],
		['https://100.63.255.255/', 'ok', 'ok'],
		['https://100.128.0.1/', 'ok', 'ok'],
		['https://notlocalhost.com/', 'ok', 'ok'],
		['https://internal.example.com/', 'ok', 'ok'],
		// A public name pointing at a private address is not caught here (see url-policy.ts).
		['https://127.0.0.1.nip.io/', 'ok', 'ok'],
		// Plain http and other schemes
		['http://hooks.example.com/', /Use an https/, /accepted only for 127\.0\.0\.1/],
		['ftp://example.com/', /HTTPS POST/, /HTTPS POST/],
		['javascript:alert(1)', /HTTPS POST/, /HTTPS POST/],
		['not a url', /starting with https:\/\//, /starting with https:\/\//],
		['/relative/path', /starting with https:\/\//, /starting with https:\/\//],
		['', /starting with https:\/\//, /starting with https:\/\//],
		// Credentials
		['https://user:pass@example.com/', /user name and password/, /user name and password/],
		['https://user@example.com/', /user name and password/, /user name and password/],
		['http://user:pass@localhost:3000/', /user name and password/, /user name and password/],
		// Loopback: refused in production, the three spellings accepted in development
		['http://127.0.0.1:8080/hook', /loopback.*tunnel/, 'ok'],
		['http://localhost:3000/hook', /names the server itself.*tunnel/, 'ok'],
		['http://LOCALHOST:3000/hook', /names the server itself/, 'ok'],
		['http://localhost/', /names the server itself/, 'ok'],
		['http://localhost.:3000/', /names the server itself/, 'ok'],
		['http://[::1]:8080/', /loopback/, 'ok'],
		['https://localhost:8443/', /names the server itself/, 'ok'],
		['http://127.0.0.2:8080/', /loopback/, /loopback.*only 127\.0\.0\.1, localhost and \[::1\]/],
		['https://app.localhost/', /names the server itself/, /names the server itself/],
		['https://[::ffff:127.0.0.1]/', /loopback/, /loopback/],
		['https://[0:0:0:0:0:0:0:1]/', /loopback/, 'ok'],
		// Tricky spellings of 127.0.0.1 (normalised by the URL parser first)
		['http://2130706433:8080/', /127\.0\.0\.1 is a loopback/, 'ok'],
		['https://0177.0.0.1/', /127\.0\.0\.1 is a loopback/, 'ok'],
		['https://0x7f.1/', /127\.0\.0\.1 is a loopback/, 'ok'],
		['https://127.1/', /127\.0\.0\.1 is a loopback/, 'ok'],
		['https://0x7f000001/', /127\.0\.0\.1 is a loopback/, 'ok'],
		['https://%31%32%37.0.0.1/', /127\.0\.0\.1 is a loopback/, 'ok'],
		['https://１２７.０.０.１/', /127\.0\.0\.1 is a loopback/, 'ok'],
		['https://127.0.0.1./', /loopback/, 'ok'],
		// Private, shared, link-local and other special IPv4 ranges
		['https://10.0.0.5/', /private network address \(10\.0\.0\.0\/8\)/, /private network/],
		['https://10.255.255.255/', /private network/, /private network/],
		['https://012.0.0.1/', /10\.0\.0\.1 is a private network/, /private network/],
		['https://172.16.0.1/', /172\.16\.0\.0\/12/, /172\.16\.0\.0\/12/],
		['https://172.31.255.255/', /private network/, /private network/],
		['https://192.168.1.10/', /192\.168\.0\.0\/16/, /private network/],
		['http://192.168.1.10:8080/', /private network/, /private network/],
		['https://169.254.169.254/latest/meta-data/', /link-local.*metadata/, /link-local/],
		['https://100.64.0.1/', /carrier-grade NAT/, /carrier-grade NAT/],
		['https://100.127.255.255/', /carrier-grade NAT/, /carrier-grade NAT/],
		['https://0.0.0.0/', /0\.0\.0\.0\/8/, /0\.0\.0\.0\/8/],
		['http://0:3000/', /0\.0\.0\.0 is not a destination/, /not a destination/],
		['https://224.0.0.1/', /multicast/, /multicast/],
		['https://239.255.255.250/', /multicast/, /multicast/],
		['https://255.255.255.255/', /broadcast/, /broadcast/],
		['https://240.0.0.1/', /reserved/, /reserved/],
		['https://192.0.2.10/', /documentation/, /documentation/],
		['https://198.18.0.1/', /reserved/, /reserved/],
		// Special IPv6 ranges, and IPv4 addresses carried inside IPv6
		['https://[::]/', /not a destination/, /not a destination/],
		['https://[fc00::1]/', /private network address \(fc00::\/7\)/, /private network/],
		['https://[fd12:3456::1]/', /private network/, /private network/],
		['https://[fe80::1]/', /link-local/, /link-local/],
		['https://[febf::1]/', /link-local/, /link-local/],
		['https://[fec0::1]/', /private network/, /private network/],
		['https://[ff02::1]/', /multicast/, /multicast/],
		['https://[::ffff:10.0.0.1]/', /10\.0\.0\.0\/8/, /private network/],
		['https://[::ffff:169.254.169.254]/', /link-local/, /link-local/],
		['https://[64:ff9b::a00:1]/', /10\.0\.0\.0\/8/, /private network/],
		['https://[2002:c0a8:101::1]/', /192\.168\.0\.0\/16/, /private network/],
		['https://[::a00:1]/', /reserved/, /reserved/],
		['https://[2001:db8::1]/', /documentation/, /documentation/],
		['https://[2001:0:4136:e378::1]/', /reserved/, /reserved/],
		['https://[100::1]/', /reserved/, /reserved/],
		['https://[4000::1]/', /reserved/, /reserved/],
		// Names that never resolve publicly
		['https://printer.local/', /mDNS/, /mDNS/],
		['https://api.internal/', /private-network name/, /private-network name/],
		['https://router.home.arpa/', /home-network name/, /home-network name/],
		['https://nas.lan/', /private-network name/, /private-network name/],
		['https://shop.test/', /reserved for testing/, /reserved for testing/],
		['https://duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion/', /Tor/, /Tor/],
		['https://intranet/', /not a full domain name/, /not a full domain name/],
		['https://intranet./', /not a full domain name/, /not a full domain name/],
		['https://a..b/', /empty label/, /empty label/]
	];

	it.each(cases)('%s → production %s, development %s', (url, production, development) => {
		for (const [mode, expected] of [
			[true, production],
			[false, development]
		] as const) {
			const result = checkWebhookUrl(url, { production: mode });
			const label = `${url} in ${mode ? 'production' : 'development'}`;
			if (expected === 'ok') {
				expect(result, label).toMatchObject({ ok: true });
			} else {
				expect(result, label).toMatchObject({
					ok: false,
					code: 'invalid-webhook-url'
				});
				if (!result.ok) expect(result.message).toMatch(expected);
			}
		}
	});

	it('returns the normalised URL to fetch', () => {
		const dev = checkWebhookUrl('http://2130706433:8080/hook?a=1', { production: false });
		expect(dev.ok && dev.url.href).toBe('http://127.0.0.1:8080/hook?a=1');
		const prod = checkWebhookUrl('https://Hooks.Example.COM/btcpay', { production: true });
		expect(prod.ok && prod.url.href).toBe('https://hooks.example.com/btcpay');
	});

	it('tells a person what to do in every refusal', () => {
		for (const [url] of cases) {
			for (const production of [true, false]) {
				const result = checkWebhookUrl(url, { production });
				if (!result.ok) {
					expect(result.message, url).toMatch(/^[A-Z"0-9[a-z].*\.$/s);
					expect(result.message, url).toMatch(/Enter|Use|Remove|start with https/);
				}
			}
		}
	});
});
