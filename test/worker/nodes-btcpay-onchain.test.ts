// BTCPay Server with on-chain payment ("onchain": true): Flashpoint invoices are made as BTCPay
// store invoices offering BTC-CHAIN and BTC-LN, found again by their order id, and their state
// is read back from BTCPay: a Lightning payment settles at once, an on-chain one only once BTCPay
// reports it Settled (confirmed per the store's speed policy). BTCPay's own webhooks fire for
// these invoices, so push works for them end to end.
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeInvoice } from '../../worker/lightning/bolt11';
import { nodeFor, useNodeFetcher } from '../../worker/nodes/registry';
import { NodeError } from '../../worker/nodes/types';
import { FakeGreenfield } from './fake-nodes/btcpay-greenfield';
import { fakeInternet } from './fake-nodes/common';
import { BASE, call } from './helpers';
import { bolt11Of, createInvoice, createStore, json, type StoreFixture } from './setup-store';

const API_KEY = 'c9'.repeat(20);
const BTCPAY_STORE = 'BtcpayChainStore';
const PERMISSIONS = [
	'btcpay.store.cancreatelightninginvoice',
	'btcpay.store.canviewlightninginvoice',
	'btcpay.store.canuselightningnode',
	'btcpay.store.cancreateinvoice',
	'btcpay.store.canviewinvoices',
	'btcpay.store.webhooks.canmodifywebhooks'
];
const settings = { kind: 'btcpay', url: 'https://btcpay.example.com', apiKey: API_KEY, storeId: BTCPAY_STORE, onchain: true };

let greenfield: FakeGreenfield;
let restore: () => void = () => {};
function useGreenfield(permissions = PERMISSIONS) {
	restore();
	greenfield = new FakeGreenfield({ apiKey: API_KEY, storeId: BTCPAY_STORE, permissions });
	restore = useNodeFetcher(fakeInternet({ 'btcpay.example.com': greenfield.fetch }));
}
beforeEach(() => useGreenfield());
afterEach(() => {
	restore();
	restore = () => {};
});

async function chainStore(): Promise<StoreFixture> {
	const f = await createStore({ name: 'BTCPay on-chain café', defaultCurrency: 'USD' }, { node: false });
	const res = await call(`/stores/${f.storeId}/node`, { method: 'PUT', headers: f.auth, json: settings });
	expect(res.status).toBe(200);
	expect(await json(res)).toMatchObject({ kind: 'btcpay', health: { ok: true }, push: { enabled: true } });
	return f;
}

const statusOf = (id: string) =>
	env.DB.prepare('select status, additional_status, paid_msat from invoices where id = ?').bind(id).first<Record<string, unknown>>();
const refresh = async (id: string) => expect((await call(`/checkout/${id}`)).status).toBe(200);

describe('BTCPay store invoices with on-chain and Lightning', () => {
	it('makes the invoice as a BTCPay store invoice and shows its Lightning invoice', async () => {
		const f = await chainStore();
		const invoice = await createInvoice(f, { amount: '2100', currency: 'SATS' });
		const made = greenfield.storeInvoiceOf(invoice.id)!;
		expect(made).toMatchObject({
			amountSats: 2100n,
			paymentMethods: ['BTC-CHAIN', 'BTC-LN'],
			metadata: { orderId: `flashpoint:${invoice.id}`, flashpointInvoiceId: invoice.id }
		});
		const bolt11 = await bolt11Of(f, invoice.id);
		expect(greenfield.invoices.get(made.lightningId!)!.bolt11).toBe(bolt11);
		expect(greenfield.calls('Invoices_CreateInvoice')[0]!.body).toMatchObject({
			currency: 'SATS',
			checkout: { paymentMethods: ['BTC-CHAIN', 'BTC-LN'], defaultPaymentMethod: 'BTC-LN' }
		});
		expect(greenfield.calls('StoreLightningNodeApi_CreateInvoice')).toHaveLength(0);
		expect(greenfield.violations).toEqual([]);
	});

	it('settles at once on a Lightning payment, read back from the store invoice', async () => {
		const f = await chainStore();
		const invoice = await createInvoice(f, { amount: '2100', currency: 'SATS' });
		await refresh(invoice.id);
		expect((await statusOf(invoice.id))!.status).toBe('New');
		greenfield.settle(decodeInvoice(await bolt11Of(f, invoice.id)).paymentHash);
		await refresh(invoice.id);
		expect(await statusOf(invoice.id)).toMatchObject({ status: 'Settled', paid_msat: 2_100_000 });
		expect(greenfield.violations).toEqual([]);
	});

	it('counts an on-chain payment only once BTCPay reports it confirmed, and a webhook then settles it at once', async () => {
		const f = await chainStore();
		const invoice = await createInvoice(f, { amount: '2100', currency: 'SATS' });
		const made = greenfield.storeInvoiceOf(invoice.id)!;
		greenfield.payOnChain(made, 2100n);
		const [seen] = greenfield.deliveries('InvoiceReceivedPayment', { invoiceId: made.id, metadata: made.metadata });
		const deliver = (d: NonNullable<typeof seen>) =>
			call(d.url.slice(BASE.length), { method: 'POST', headers: { 'BTCPay-Sig': d.signature }, body: d.body });
		expect((await deliver(seen!)).status).toBe(200);
		// Seen in the mempool, not confirmed: nothing is credited yet.
		expect(await statusOf(invoice.id)).toMatchObject({ status: 'New', paid_msat: 0 });

		greenfield.confirmOnChain();
		const [settled] = greenfield.deliveries('InvoiceSettled', { invoiceId: made.id, metadata: made.metadata });
		expect((await deliver(settled!)).status).toBe(200);
		expect(await statusOf(invoice.id)).toMatchObject({ status: 'Settled', paid_msat: 2_100_000 });
		const payments = await env.DB.prepare('select id, amount_msat from invoice_payments where invoice_id = ?').bind(invoice.id).all<{ id: string; amount_msat: number }>();
		expect(payments.results).toEqual([{ id: expect.stringMatching(/^BTC-CHAIN:/), amount_msat: 2_100_000 }]);
	});

	it('counts a confirmed partial on-chain payment once, however often it is read', async () => {
		const f = await chainStore();
		const invoice = await createInvoice(f, { amount: '2100', currency: 'SATS' });
		const made = greenfield.storeInvoiceOf(invoice.id)!;
		greenfield.payOnChain(made, 1000n, true);
		await refresh(invoice.id);
		expect(await statusOf(invoice.id)).toMatchObject({ status: 'New', additional_status: 'PaidPartial', paid_msat: 1_000_000 });
		await refresh(invoice.id);
		expect(await statusOf(invoice.id)).toMatchObject({ paid_msat: 1_000_000 });
	});

	it('finds the invoice it made when the creation is retried (Greenfield keeps no idempotency of its own)', async () => {
		const f = await chainStore();
		const ask = { label: 'inv_retried', amountMsat: 5_000_000n, description: 'Tea', expirySeconds: 900 };
		const first = await (await nodeFor(env, f.storeId)).createInvoice(ask);
		const again = await (await nodeFor(env, f.storeId)).createInvoice(ask);
		expect(again).toEqual(first);
		expect(greenfield.calls('Invoices_CreateInvoice')).toHaveLength(1);
	});

	it('says which permission is missing when the key may not create store invoices', async () => {
		useGreenfield(PERMISSIONS.filter((p) => p !== 'btcpay.store.cancreateinvoice'));
		const f = await chainStore();
		const node = await nodeFor(env, f.storeId);
		const error = await node
			.createInvoice({ label: 'inv_refused', amountMsat: 1_000_000n, description: 'Tea', expirySeconds: 900 })
			.then(() => null, (e: unknown) => e);
		expect(error).toBeInstanceOf(NodeError);
		expect((error as NodeError).code).toBe('node-auth-refused');
		expect((error as NodeError).message).toContain('btcpay.store.cancreateinvoice');
	});

	it('still reads invoices made before the option was on from the Lightning node', async () => {
		const f = await chainStore();
		const res = await call(`/stores/${f.storeId}/node`, { method: 'PUT', headers: f.auth, json: { ...settings, onchain: false } });
		expect(res.status).toBe(200);
		const invoice = await createInvoice(f, { amount: '2100', currency: 'SATS' });
		expect(greenfield.storeInvoiceOf(invoice.id)).toBeUndefined();
		expect((await call(`/stores/${f.storeId}/node`, { method: 'PUT', headers: f.auth, json: settings })).status).toBe(200);
		greenfield.settle(decodeInvoice(await bolt11Of(f, invoice.id)).paymentHash);
		await refresh(invoice.id);
		expect((await statusOf(invoice.id))!.status).toBe('Settled');
	});
});
