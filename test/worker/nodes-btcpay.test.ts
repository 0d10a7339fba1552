// The BTCPay Server adapter in workerd against a fake Greenfield server whose requests and
// answers are checked against facts from BTCPay's OpenAPI description (paths, methods,
// `Authorization: token`, field names and types). Covers invoice creation and lookup with LND-
// and CLN-style ids, faithful reporting of what the node says, 200 vs 202 payments, never paying
// a hash twice, and how every kind of failure maps onto the node error codes.
import { describe, expect, it } from 'vitest';
import {
	createBtcpayAdapter,
	parseBtcpayWebhook,
	verifyBtcpayWebhook,
	type BtcpayOptions
} from '../../worker/nodes/btcpay';
import { NodeHttpError } from '../../worker/nodes/http';
import { NodeError, type NodeAdapter } from '../../worker/nodes/types';
import { signBody } from '../../worker/webhooks/signature';
import spec from '../fixtures/nodes/btcpay/greenfield-lightning.json';
import webhook from '../fixtures/nodes/btcpay/webhook-invoice-settled.json';
import { FakeGreenfield, type FakeGreenfieldOptions } from './fake-nodes/btcpay-greenfield';
import { FakeLightning } from './fake-nodes/nwc-relay';

const BASE = 'https://btcpay.example.com';
const PREFIX = '/api/v1/stores/Store1/lightning/BTC';
const CREATE = 'StoreLightningNodeApi_CreateInvoice';
const GET_INVOICE = 'StoreLightningNodeApi_GetInvoice';
const PAY = 'StoreLightningNodeApi_PayInvoice';
const GET_PAYMENT = 'StoreLightningNodeApi_GetPayment';

function setup(options: FakeGreenfieldOptions = {}, adapter: BtcpayOptions = {}, url = BASE) {
	const network = new FakeLightning();
	const fake = new FakeGreenfield({ network, ...options });
	const node = createBtcpayAdapter(
		{ url, apiKey: options.apiKey ?? 'test-api-key', storeId: 'Store1' },
		{ fetch: fake.fetch, now: Date.now },
		{ requestTimeoutMs: 500, ...adapter }
	);
	return { fake, node, network };
}

function invoiceOn(node: NodeAdapter, amountMsat = 2_100_000n, label = 'inv-1') {
	const description = 'Paid to Corner Café';
	return node.createInvoice({ label, amountMsat, description, expirySeconds: 900 });
}

function pay(node: NodeAdapter, bolt11: string, maxFeeMsat = 1_000n, idempotencyKey = 'k') {
	return node.payInvoice({ bolt11, maxFeeMsat, idempotencyKey });
}

async function nodeError(promise: Promise<unknown>): Promise<NodeError> {
	const error = await promise.then(
		() => null,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(NodeError);
	return error as NodeError;
}

describe('BTCPay adapter: requests match the Greenfield description', () => {
	it('creates invoices with POST …/invoices, a token and msat as a string', async () => {
		const { fake, node } = setup();
		const invoice = await invoiceOn(node);
		const [call] = fake.calls(CREATE);
		const described = spec.operations[CREATE];
		expect(described.method).toBe('POST');
		const path = described.path.replace('{storeId}', 'Store1').replace('{cryptoCode}', 'BTC');
		expect(call).toMatchObject({ method: 'POST', path });
		expect(path).toBe(`${PREFIX}/invoices`);
		expect(call!.headers.authorization).toBe('token test-api-key');
		expect(call!.headers['content-type']).toMatch(/^application\/json/);
		expect(call!.body).toEqual({
			amount: '2100000',
			description: 'Paid to Corner Café',
			expiry: 900,
			privateRouteHints: true
		});
		const fields = Object.keys(spec.schemas.CreateLightningInvoiceRequest.properties);
		for (const key of Object.keys(call!.body!)) expect(fields).toContain(key);
		expect(fake.violations).toEqual([]);

		const stored = [...fake.invoices.values()][0]!;
		expect(invoice).toEqual({
			paymentHash: stored.paymentHash,
			bolt11: stored.bolt11,
			amountMsat: 2_100_000n,
			expiresAt: stored.expiresAt * 1000,
			payments: []
		});
	});

	it('looks invoices up by payment hash with GET …/invoices/{hash}', async () => {
		const { fake, node } = setup();
		const invoice = await invoiceOn(node);
		expect(await node.lookupInvoice(invoice.paymentHash)).toEqual(invoice);
		const [call] = fake.calls(GET_INVOICE);
		const path = `${PREFIX}/invoices/${invoice.paymentHash}`;
		expect(call).toMatchObject({ method: 'GET', path, body: null });
		expect(call!.headers.authorization).toBe('token test-api-key');
		expect(fake.violations).toEqual([]);
	});

	it('keeps a path prefix and tolerates a trailing slash in the server address', async () => {
		const { fake, node } = setup({}, {}, 'https://example.com/btcpay/');
		await invoiceOn(node);
		expect(fake.requests[0]!.path).toBe(`/btcpay${PREFIX}/invoices`);
	});

	it('answers one label once per adapter (Greenfield keeps no labels of its own)', async () => {
		const { fake, node } = setup();
		const twice = [invoiceOn(node, 1_000n, 'same'), invoiceOn(node, 1_000n, 'same')];
		const [a, b] = await Promise.all(twice);
		expect(a).toEqual(b);
		expect(fake.calls(CREATE)).toHaveLength(1);
	});
});

describe('BTCPay adapter: what the node says about invoices', () => {
	it('reports a paid invoice with what was received, overpayment included', async () => {
		const { fake, node } = setup();
		const invoice = await invoiceOn(node);
		fake.settle(invoice.paymentHash, 2_200_000n, 1_760_000_000_000);
		const seen = await node.lookupInvoice(invoice.paymentHash);
		const id = `${invoice.paymentHash}:0`;
		const received = { id, amountMsat: 2_200_000n, receivedAt: 1_760_000_000_000 };
		expect(seen?.payments).toEqual([received]);
		expect(seen?.amountMsat).toBe(2_100_000n);
	});

	it('reports an expired, unpaid invoice without payments', async () => {
		let now = Date.now();
		const { node } = setup({ now: () => now });
		const invoice = await invoiceOn(node);
		now += 901_000;
		expect((await node.lookupInvoice(invoice.paymentHash))?.payments).toEqual([]);
	});

	it('finds Core Lightning invoices (random label ids) by payment hash', async () => {
		const { fake, node } = setup({ invoiceIds: 'cln-label' });
		const invoice = await invoiceOn(node);
		expect([...fake.invoices.keys()][0]).not.toBe(invoice.paymentHash);
		fake.settle(invoice.paymentHash);
		expect((await node.lookupInvoice(invoice.paymentHash))?.payments).toHaveLength(1);
	});

	it('reads the payment hash from the BOLT 11 when an older LND client leaves it out', async () => {
		const { fake, node } = setup({ omitPaymentHash: true });
		const invoice = await invoiceOn(node);
		expect(invoice.paymentHash).toBe([...fake.invoices.values()][0]!.paymentHash);
		expect((await node.lookupInvoice(invoice.paymentHash))?.paymentHash).toBe(invoice.paymentHash);
	});

	it('reports a wrong amount or hash as the node gave it, for the caller to refuse', async () => {
		const { fake, node } = setup();
		const invoice = await invoiceOn(node);
		fake.tampered.set(invoice.paymentHash, { amountMsat: 1n, paymentHash: 'ee'.repeat(32) });
		const seen = await node.lookupInvoice(invoice.paymentHash);
		const misreported = { amountMsat: 1n, paymentHash: 'ee'.repeat(32), bolt11: invoice.bolt11 };
		expect(seen).toMatchObject(misreported);
	});

	it('returns null for an invoice the node lost, and for what is not a payment hash', async () => {
		const { fake, node } = setup();
		const invoice = await invoiceOn(node);
		fake.lose(invoice.paymentHash);
		expect(await node.lookupInvoice(invoice.paymentHash)).toBeNull();
		const before = fake.requests.length;
		expect(await node.lookupInvoice('not-a-hash')).toBeNull();
		expect(fake.requests.length).toBe(before);
	});

	it('does not mistake a store without Lightning for a lost invoice', async () => {
		const { fake, node } = setup();
		const invoice = await invoiceOn(node);
		fake.lightningConfigured = false;
		const error = await nodeError(node.lookupInvoice(invoice.paymentHash));
		expect(error.code).toBe('node-misconfigured');
	});
});

describe('BTCPay adapter: paying', () => {
	it('checks GET …/payments/{hash}, then pays once with POST …/invoices/pay', async () => {
		const { fake, node, network } = setup();
		const target = network.invoice(50_000n);
		expect(await pay(node, target.bolt11, 5_999n)).toEqual({
			status: 'succeeded',
			paymentHash: target.paymentHash,
			amountMsat: 50_000n,
			feeMsat: 2_000n,
			preimage: target.preimage
		});
		expect(fake.requests.map((r) => r.operationId)).toEqual([GET_PAYMENT, PAY]);
		const [check, paid] = fake.requests;
		expect(check!.path).toBe(`${PREFIX}/payments/${target.paymentHash}`);
		expect(paid!.path).toBe(`${PREFIX}/invoices/pay`);
		// Greenfield's flat fee cap is in sats: 5 999 msat becomes 5 sat, never more than allowed.
		expect(paid!.body).toEqual({ BOLT11: target.bolt11, maxFeeFlat: '5', sendTimeout: 20 });
		const fields = Object.keys(spec.schemas.PayLightningInvoiceRequest.properties);
		for (const key of Object.keys(paid!.body!)) expect(fields).toContain(key);
		expect(fake.violations).toEqual([]);
	});

	it('never sends a second payment for a hash, retried or concurrent', async () => {
		const { fake, node, network } = setup();
		const target = network.invoice(10_000n);
		const attempts = ['a', 'b', 'c'].map((key) => pay(node, target.bolt11, 0n, key));
		const results = await Promise.all(attempts);
		expect(results.every((r) => r.status === 'succeeded')).toBe(true);
		expect((await pay(node, target.bolt11, 0n, 'd')).status).toBe('succeeded');
		expect(fake.payCalls).toEqual([target.paymentHash]);
	});

	it('treats 202 as pending, resolves it by lookup, and does not pay again', async () => {
		const { fake, node, network } = setup();
		const target = network.invoice(10_000n);
		const pending = { status: 'pending', paymentHash: target.paymentHash };
		fake.payOutcomes.push('pending');
		expect(await pay(node, target.bolt11)).toEqual(pending);
		expect(await node.lookupPayment(target.paymentHash)).toEqual(pending);
		expect(await pay(node, target.bolt11)).toEqual(pending);
		fake.completePending();
		const settled = await node.lookupPayment(target.paymentHash);
		expect(settled).toMatchObject({ status: 'succeeded', preimage: target.preimage });
		expect(fake.payCalls).toHaveLength(1);
	});

	it('treats 202 with status Unknown (no data) as pending', async () => {
		const { fake, node, network } = setup();
		const target = network.invoice(10_000n);
		fake.payOutcomes.push('unknown');
		expect((await pay(node, target.bolt11)).status).toBe('pending');
	});

	it('fails definitely on could-not-find-route once the node confirms no payment', async () => {
		const { fake, node, network } = setup();
		const target = network.invoice(10_000n);
		fake.payOutcomes.push('no-route');
		const result = await pay(node, target.bolt11);
		expect(result).toMatchObject({ status: 'failed', paymentHash: target.paymentHash });
		expect(result.status === 'failed' && result.reason).toContain('could-not-find-route');
		expect(fake.calls(GET_PAYMENT)).toHaveLength(2);
	});

	it('does not believe a generic-error while the node is still paying', async () => {
		const { fake, node, network } = setup();
		const target = network.invoice(10_000n);
		fake.payOutcomes.push('generic-error-in-flight');
		const pending = { status: 'pending', paymentHash: target.paymentHash };
		expect(await pay(node, target.bolt11)).toEqual(pending);
	});

	it('reports the node’s own failure, and may try a failed hash again', async () => {
		const { fake, node } = setup();
		const nowhere = new FakeLightning().invoice(10_000n); // a destination no route leads to
		expect((await pay(node, nowhere.bolt11)).status).toBe('failed');
		expect(await node.lookupPayment(nowhere.paymentHash)).toMatchObject({ status: 'failed' });
		expect((await pay(node, nowhere.bolt11, 0n, 'again')).status).toBe('failed');
		expect(fake.payCalls).toHaveLength(2);
	});

	it('fails without asking the node for what is not a BOLT 11 invoice', async () => {
		const { fake, node } = setup();
		expect(await pay(node, 'lnbc-garbage')).toMatchObject({ status: 'failed', paymentHash: '' });
		expect(fake.requests).toEqual([]);
	});

	it('throws (outcome unknown) when the pay call never answers; lookup resolves it', async () => {
		const { fake, node, network } = setup({}, { payTimeoutMs: 100 });
		const target = network.invoice(10_000n);
		fake.payOutcomes.push('hang-after-paying');
		const error = await nodeError(pay(node, target.bolt11));
		expect(error.code).toBe('node-unavailable');
		expect((error as NodeHttpError).failure).toBe('unknown-outcome');
		const found = await node.lookupPayment(target.paymentHash);
		expect(found).toMatchObject({ status: 'succeeded', preimage: target.preimage });
		expect((await pay(node, target.bolt11)).status).toBe('succeeded');
		expect(fake.payCalls).toHaveLength(1);
	});

	it('sends nothing when it cannot first learn whether the hash was paid', async () => {
		const { fake, node, network } = setup();
		const target = network.invoice(10_000n);
		fake.nodeDown = true;
		expect((await nodeError(pay(node, target.bolt11))).code).toBe('node-unavailable');
		expect(fake.payCalls).toEqual([]);
	});

	it('returns null for a payment the node never saw', async () => {
		const { node } = setup();
		expect(await node.lookupPayment('12'.repeat(32))).toBeNull();
	});
});

describe('BTCPay adapter: failures', () => {
	it('maps 401 and 403 to node-auth-refused', async () => {
		const { fake } = setup();
		const config = { url: BASE, apiKey: 'other', storeId: 'Store1' };
		const wrong = createBtcpayAdapter(config, { fetch: fake.fetch, now: Date.now });
		const refused = await nodeError(wrong.balance());
		expect(refused.code).toBe('node-auth-refused');
		// The connection test reports this as the credentials check failing.
		expect(refused).toBeInstanceOf(NodeHttpError);
		expect((refused as NodeHttpError).failure).toBe('auth');

		const { node } = setup({ permissions: ['btcpay.store.canviewlightninginvoice'] });
		const error = await nodeError(invoiceOn(node));
		expect(error.code).toBe('node-auth-refused');
		expect(error.message).toContain('btcpay.store.cancreatelightninginvoice');
	});

	it('maps 503, other 5xx, network errors and timeouts to node-unavailable', async () => {
		const down = setup();
		down.fake.nodeDown = true;
		expect((await nodeError(invoiceOn(down.node))).code).toBe('node-unavailable');

		const broken = setup();
		broken.fake.forcedStatus = 502;
		expect((await nodeError(broken.node.info())).code).toBe('node-unavailable');

		const lost = () => Promise.reject(new TypeError('Network connection lost.'));
		const config = { url: BASE, apiKey: 'k', storeId: 'Store1' };
		const offline = createBtcpayAdapter(config, { fetch: lost, now: Date.now });
		expect((await nodeError(offline.lookupInvoice('ab'.repeat(32)))).code).toBe('node-unavailable');

		const slow = setup({}, { requestTimeoutMs: 50 });
		slow.fake.hang = true;
		const error = await nodeError(slow.node.lookupInvoice('ab'.repeat(32)));
		expect(error.code).toBe('node-unavailable');
		expect(error.message).toContain('did not answer');
	});

	it('says a certificate Cloudflare cannot trust is a setup problem', async () => {
		const { fake, node } = setup();
		fake.forcedStatus = 526;
		const error = await nodeError(node.balance());
		expect(error.code).toBe('node-misconfigured');
		expect((error as NodeHttpError).failure).toBe('tls');
	});

	it('maps a create refused by validation (422) to node-rejected', async () => {
		const { node } = setup();
		const request = { label: 'x', amountMsat: 1_000n, description: 'x', expirySeconds: 0 };
		const error = await nodeError(node.createInvoice(request));
		expect(error.code).toBe('node-rejected');
		expect(error.message).toContain('expiry');
	});

	it('refuses an address that is not https, or a missing store id, before any request', () => {
		const deps = { fetch: () => Promise.reject(new Error('no')), now: Date.now };
		const create = (url: string, storeId = 's') => () =>
			createBtcpayAdapter({ url, apiKey: 'k', storeId }, deps);
		expect(create('http://btcpay.example.com')).toThrow(NodeError);
		expect(create('btcpay.example.com')).toThrow(/not a URL/);
		expect(create(BASE, ' ')).toThrow(/store id/);
	});
});

describe('BTCPay adapter: balance and node information', () => {
	it('reads the off-chain local balance and the node id from its URI', async () => {
		const { fake, node } = setup();
		expect(await node.balance()).toEqual({ spendableMsat: 42_000_000n });
		expect(await node.info()).toEqual({
			kind: 'btcpay',
			alias: 'fake btcpay node',
			network: 'mainnet',
			nodeId: fake.nodeId,
			synced: true
		});
		const calls = fake.requests.map((r) => `${r.method} ${r.path}`);
		expect(calls).toEqual([`GET ${PREFIX}/balance`, `GET ${PREFIX}/info`]);
		expect(fake.violations).toEqual([]);
	});
});

describe('BTCPay webhooks into Flashpoint (hints only)', () => {
	const raw = JSON.stringify(webhook, null, 2);

	it('reads type, invoice and store, and the delivery id to de-duplicate on', () => {
		expect(parseBtcpayWebhook(raw)).toEqual({
			type: 'InvoiceSettled',
			invoiceId: 'QeXbEm8LxoJxJd1rr3fZpS',
			storeId: '5cXaAyXZ3hJ7CmBRWd4zJsUq7J1aGwiWZBFKm6gKRzCD',
			deliveryId: '7JpFrXWGqDt7cBXm7FV4Nf',
			flashpointInvoiceId: null
		});
		const ours = JSON.stringify({ ...webhook, metadata: { flashpointInvoiceId: 'inv_1' } });
		expect(parseBtcpayWebhook(ours)?.flashpointInvoiceId).toBe('inv_1');
		expect(parseBtcpayWebhook(new TextEncoder().encode(raw))?.type).toBe('InvoiceSettled');
		const payout = JSON.stringify({ type: 'PayoutCreated', payoutId: 'p' });
		expect(parseBtcpayWebhook(payout)).toMatchObject({ type: 'PayoutCreated', invoiceId: null });
	});

	it('returns null for what is not a webhook body', () => {
		expect(parseBtcpayWebhook('not json')).toBeNull();
		expect(parseBtcpayWebhook('{"invoiceId":"x"}')).toBeNull();
		expect(parseBtcpayWebhook('[]')).toBeNull();
	});

	it('checks BTCPay-Sig over the raw body', () => {
		const signature = signBody('s3cret', raw);
		expect(verifyBtcpayWebhook('s3cret', raw, signature)).toBe(true);
		expect(verifyBtcpayWebhook('other', raw, signature)).toBe(false);
		expect(verifyBtcpayWebhook('s3cret', JSON.stringify(webhook), signature)).toBe(false);
		expect(verifyBtcpayWebhook('s3cret', raw, null)).toBe(false);
	});
});
