// Push from BTCPay Server: connecting a BTCPay node registers a webhook on the merchant's store
// (Greenfield), and its signed deliveries reach POST /stores/{id}/node/btcpay-webhook as hints
// only: the invoice is re-read from the node, never credited from the body. Without the webhook
// permission the node still connects, and GET node and the node test say that polling is used.
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeInvoice } from '../../worker/lightning/bolt11';
import { useNodeFetcher } from '../../worker/nodes/registry';
import { FakeGreenfield, type FakeDelivery } from './fake-nodes/btcpay-greenfield';
import { fakeInternet } from './fake-nodes/common';
import { BASE, call } from './helpers';
import { bolt11Of, createInvoice, createStore, json, type StoreFixture } from './setup-store';

const API_KEY = 'b7'.repeat(20);
const BTCPAY_STORE = 'BtcpayPushStore';
const LIGHTNING = [
	'btcpay.store.cancreatelightninginvoice',
	'btcpay.store.canviewlightninginvoice',
	'btcpay.store.canuselightningnode',
	// Store invoices, for the on-chain mode (whose invoices are the ones BTCPay sends events for).
	'btcpay.store.cancreateinvoice',
	'btcpay.store.canviewinvoices'
];
const WITH_WEBHOOKS = [...LIGHTNING, 'btcpay.store.webhooks.canmodifywebhooks'];

let greenfield: FakeGreenfield;
let restore: () => void = () => {};

function useGreenfield(permissions: string[]) {
	greenfield = new FakeGreenfield({ apiKey: API_KEY, storeId: BTCPAY_STORE, permissions });
	restore = useNodeFetcher(fakeInternet({ 'btcpay.example.com': greenfield.fetch }));
}
beforeEach(() => useGreenfield(WITH_WEBHOOKS));
afterEach(() => restore());

const settings = { kind: 'btcpay', url: 'https://btcpay.example.com', apiKey: API_KEY, storeId: BTCPAY_STORE, onchain: true };

async function btcpayStore(): Promise<StoreFixture> {
	const f = await createStore({ name: 'BTCPay push café', defaultCurrency: 'USD' }, { node: false });
	const res = await call(`/stores/${f.storeId}/node`, { method: 'PUT', headers: f.auth, json: settings });
	expect(res.status).toBe(200);
	return f;
}

/** Sends a delivery to Flashpoint as BTCPay Server would. */
function deliver(delivery: Pick<FakeDelivery, 'url' | 'body' | 'signature'>) {
	expect(delivery.url.startsWith(BASE)).toBe(true);
	return call(delivery.url.slice(BASE.length), {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'BTCPay-Sig': delivery.signature, 'user-agent': 'BTCPayServer/2.4.1' },
		body: delivery.body
	});
}

/** What BTCPay sends for the store invoice it made for a Flashpoint invoice. */
async function deliveryFor(type: string, flashpointInvoiceId: string) {
	const made = greenfield.storeInvoiceOf(flashpointInvoiceId);
	expect(made?.metadata).toMatchObject({ flashpointInvoiceId });
	return onlyDelivery(type, made!.id, made!.metadata);
}

async function onlyDelivery(type: string, invoiceId: string, metadata: Record<string, unknown>) {
	const deliveries = greenfield.deliveries(type, { invoiceId, metadata });
	expect(deliveries).toHaveLength(1);
	return deliveries[0]!;
}

const statusOf = (id: string) =>
	env.DB.prepare('select status, additional_status, paid_msat from invoices where id = ?').bind(id).first<Record<string, unknown>>();
const paymentCount = async (id: string) =>
	(await env.DB.prepare('select count(*) as n from invoice_payments where invoice_id = ?').bind(id).first<{ n: number }>())!.n;

describe('connecting BTCPay Server registers a webhook for invoice events', () => {
	it('registers one pointing at the store’s public receiver, with a secret that is never shown', async () => {
		const f = await createStore({ name: 'BTCPay push café', defaultCurrency: 'USD' }, { node: false });
		const res = await call(`/stores/${f.storeId}/node`, { method: 'PUT', headers: f.auth, json: settings });
		const text = await res.text();
		expect(res.status).toBe(200);
		expect(JSON.parse(text)).toMatchObject({ kind: 'btcpay', health: { ok: true }, push: { enabled: true } });
		const hooks = [...greenfield.webhooks.values()];
		expect(hooks).toHaveLength(1);
		expect(hooks[0]).toMatchObject({
			url: `${BASE}/stores/${f.storeId}/node/btcpay-webhook`,
			enabled: true,
			automaticRedelivery: true,
			authorizedEvents: {
				everything: false,
				specificEvents: ['InvoiceReceivedPayment', 'InvoicePaymentSettled', 'InvoiceProcessing', 'InvoiceSettled', 'InvoiceExpired']
			}
		});
		expect(hooks[0]!.secret).toMatch(/^[0-9a-f]{64}$/);
		expect(text).not.toContain(hooks[0]!.secret);
		const stored = await env.DB.prepare('select sealed_config from store_nodes where store_id = ?').bind(f.storeId).first<{ sealed_config: string }>();
		expect(stored!.sealed_config).not.toContain(hooks[0]!.secret);
		expect(greenfield.violations).toEqual([]);

		const got = await json(await call(`/stores/${f.storeId}/node`, { headers: f.auth }));
		expect(got).toMatchObject({ push: { enabled: true } });
		// Lightning-only invoices are the node's, not store invoices: BTCPay sends no events for
		// them, and GET node says so (the webhook stays registered for when "onchain" is on).
		const lightningOnly = await json<{ push: { enabled: boolean; message: string } }>(
			await call(`/stores/${f.storeId}/node`, { method: 'PUT', headers: f.auth, json: { ...settings, onchain: false } })
		);
		expect(lightningOnly.push.enabled).toBe(false);
		expect(lightningOnly.push.message).toContain('store invoices');
		expect(lightningOnly.push.message).toContain('polling');
		expect(greenfield.webhooks.size).toBe(1);
		const test = await json<{ ok: boolean; checks: Array<{ name: string; ok: boolean; message: string }> }>(
			await call(`/stores/${f.storeId}/node/test`, { method: 'POST', headers: f.auth })
		);
		expect(test.checks.find((c) => c.name === 'push')).toMatchObject({ ok: true });
		expect(test.ok).toBe(true);
	});

	it('replaces the webhook when the node is saved again, so only one sends and the old secret stops working', async () => {
		const f = await btcpayStore();
		const invoice = await createInvoice(f, { amount: '2100', currency: 'SATS' });
		const old = await deliveryFor('InvoiceSettled', invoice.id);
		const [first] = [...greenfield.webhooks.keys()];
		expect((await call(`/stores/${f.storeId}/node`, { method: 'PUT', headers: f.auth, json: settings })).status).toBe(200);
		expect([...greenfield.webhooks.keys()]).toHaveLength(1);
		expect(greenfield.webhooks.has(first!)).toBe(false);
		expect((await deliver(old)).status).toBe(401);
		expect((await deliver(await deliveryFor('InvoiceSettled', invoice.id))).status).toBe(200);
	});

	it('removes its webhook from BTCPay Server when the store switches to another node', async () => {
		const f = await btcpayStore();
		expect(greenfield.webhooks.size).toBe(1);
		expect((await call(`/stores/${f.storeId}/node`, { method: 'PUT', headers: f.auth, json: { kind: 'simulated' } })).status).toBe(200);
		expect(greenfield.webhooks.size).toBe(0);
		expect(greenfield.calls('Webhooks_DeleteWebhook')).toHaveLength(1);
	});

	it('still connects when the API key may not manage webhooks, and says polling is used', async () => {
		restore();
		useGreenfield(LIGHTNING);
		const f = await btcpayStore();
		expect(greenfield.webhooks.size).toBe(0);
		const got = await json<{ health: { ok: boolean }; push: { enabled: boolean; message: string } }>(
			await call(`/stores/${f.storeId}/node`, { headers: f.auth })
		);
		expect(got.health.ok).toBe(true);
		expect(got.push.enabled).toBe(false);
		expect(got.push.message).toContain('polling');
		expect(got.push.message).toContain('btcpay.store.webhooks.canmodifywebhooks');
		expect(got.push.message).toContain('403');

		const test = await json<{ ok: boolean; checks: Array<{ name: string; ok: boolean; message: string }> }>(
			await call(`/stores/${f.storeId}/node/test`, { method: 'POST', headers: f.auth })
		);
		expect(test.checks.filter((c) => c.name !== 'push').every((c) => c.ok)).toBe(true);
		const push = test.checks.find((c) => c.name === 'push')!;
		expect(push.ok).toBe(false);
		expect(push.message).toContain('polling');

		// Invoices are still found, by polling.
		const invoice = await createInvoice(f, { amount: '2100', currency: 'SATS' });
		greenfield.settle(decodeInvoice(await bolt11Of(f, invoice.id)).paymentHash);
		expect((await call(`/checkout/${invoice.id}`)).status).toBe(200);
		expect((await statusOf(invoice.id))!.status).toBe('Settled');
		// And the receiver refuses deliveries: there is no secret to check them with.
		const res = await call(`/stores/${f.storeId}/node/btcpay-webhook`, { method: 'POST', body: '{"type":"InvoiceSettled"}' });
		expect(res.status).toBe(404);
		expect(await json(res)).toMatchObject({ code: 'not-found' });
	});

	it('reports a webhook deleted on BTCPay Server in the node test', async () => {
		const f = await btcpayStore();
		greenfield.webhooks.clear();
		const test = await json<{ checks: Array<{ name: string; ok: boolean; message: string }> }>(
			await call(`/stores/${f.storeId}/node/test`, { method: 'POST', headers: f.auth })
		);
		expect(test.checks.find((c) => c.name === 'push')).toMatchObject({ ok: false, message: expect.stringContaining('gone') });
	});
});

describe('POST /stores/{id}/node/btcpay-webhook', () => {
	it('refuses a forged or missing signature with 401, and an unreadable body with 400', async () => {
		const f = await btcpayStore();
		const invoice = await createInvoice(f, { amount: '2100', currency: 'SATS' });
		const genuine = await deliveryFor('InvoiceSettled', invoice.id);
		greenfield.settle(decodeInvoice(await bolt11Of(f, invoice.id)).paymentHash);

		const forged = await deliver({ ...genuine, signature: `sha256=${'0'.repeat(64)}` });
		expect(forged.status).toBe(401);
		expect(await json(forged)).toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('BTCPay-Sig') });
		const tampered = await deliver({ ...genuine, body: genuine.body.replace('"InvoiceSettled"', '"InvoiceExpired"') });
		expect(tampered.status).toBe(401);
		const unsigned = await call(`/stores/${f.storeId}/node/btcpay-webhook`, { method: 'POST', body: genuine.body });
		expect(unsigned.status).toBe(401);
		// Refused hints change nothing, even for an invoice the node has settled.
		expect((await statusOf(invoice.id))!.status).toBe('New');

		const secret = [...greenfield.webhooks.values()][0]!.secret;
		const { hmac } = await import('@noble/hashes/hmac.js');
		const { sha256 } = await import('@noble/hashes/sha2.js');
		const { bytesToHex, utf8ToBytes } = await import('@noble/hashes/utils.js');
		const sign = (body: string) => `sha256=${bytesToHex(hmac(sha256, utf8ToBytes(secret), utf8ToBytes(body)))}`;
		const url = genuine.url;
		const notJson = await deliver({ url, body: 'not json', signature: sign('not json') });
		expect(notJson.status).toBe(400);
		expect(await json(notJson)).toMatchObject({ code: 'bad-request' });
		const noType = await deliver({ url, body: '{"invoiceId":"x"}', signature: sign('{"invoiceId":"x"}') });
		expect(noType.status).toBe(400);
	});

	it('re-reads the node: a hint for an unpaid invoice changes nothing, one after payment settles it, a replay is harmless', async () => {
		const f = await btcpayStore();
		const invoice = await createInvoice(f, { amount: '2100', currency: 'SATS' });
		// The body says "settled", but BTCPay's node has not been paid: nothing moves.
		const early = await deliveryFor('InvoiceSettled', invoice.id);
		const first = await deliver(early);
		expect(first.status).toBe(200);
		expect(await json(first)).toEqual({ received: true, invoiceId: invoice.id });
		expect(await statusOf(invoice.id)).toMatchObject({ status: 'New', paid_msat: 0 });
		expect(await paymentCount(invoice.id)).toBe(0);

		const lookups = () => greenfield.calls('Invoices_GetInvoices').length;
		const before = lookups();
		greenfield.settle(decodeInvoice(await bolt11Of(f, invoice.id)).paymentHash);
		const after = await deliveryFor('InvoiceSettled', invoice.id);
		expect((await deliver(after)).status).toBe(200);
		expect(lookups()).toBeGreaterThan(before);
		expect(await statusOf(invoice.id)).toMatchObject({ status: 'Settled', paid_msat: 2_100_000 });
		expect(await paymentCount(invoice.id)).toBe(1);

		// BTCPay signs no timestamp, so a delivery can be replayed: it only re-reads again.
		for (const replay of [after, after, early]) expect((await deliver(replay)).status).toBe(200);
		expect(await statusOf(invoice.id)).toMatchObject({ status: 'Settled', paid_msat: 2_100_000 });
		expect(await paymentCount(invoice.id)).toBe(1);
		expect(greenfield.violations).toEqual([]);
	});

	it('acknowledges (200) and ignores events for invoices that are not this store’s', async () => {
		const f = await btcpayStore();
		const other = await createStore({ name: 'Someone else', defaultCurrency: 'USD' });
		const theirs = await createInvoice(other, { amount: '100', currency: 'SATS' });
		const cases = [
			await onlyDelivery('InvoiceSettled', 'BtcpayInv9', {}),
			await onlyDelivery('InvoiceSettled', 'BtcpayInv9', { orderId: 'A-1042' }),
			await onlyDelivery('InvoiceSettled', 'BtcpayInv9', { flashpointInvoiceId: 'no-such-invoice' }),
			await onlyDelivery('InvoiceSettled', 'BtcpayInv9', { flashpointInvoiceId: theirs.id })
		];
		for (const delivery of cases) {
			const res = await deliver(delivery);
			expect(res.status).toBe(200);
			expect(await json(res)).toEqual({ received: true, invoiceId: null });
		}
		// An event naming another BTCPay store is not ours either, even if signed with our secret.
		const mine = await createInvoice(f, { amount: '2100', currency: 'SATS' });
		greenfield.settle(decodeInvoice(await bolt11Of(f, mine.id)).paymentHash);
		const elsewhere = greenfield.deliveries('InvoiceSettled', { invoiceId: 'X', storeId: 'AnotherBtcpayStore', metadata: { flashpointInvoiceId: mine.id } })[0]!;
		expect(await json(await deliver(elsewhere))).toEqual({ received: true, invoiceId: null });
		expect((await statusOf(mine.id))!.status).toBe('New');
	});
});
