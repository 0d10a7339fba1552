import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { decodeInvoice } from '../../worker/lightning/bolt11';
import { call } from './helpers';
import { bolt11Of, createInvoice, createStore, json, pay } from './setup-store';

async function webhookTypes(invoiceId: string): Promise<string[]> {
	const rows = await env.DB.prepare('select type from webhook_deliveries where invoice_id = ? order by seq').bind(invoiceId).all<{ type: string }>();
	return rows.results.map((r) => r.type);
}

describe('creating invoices', () => {
	it('prices a JMD invoice at the store rate and hands out a matching signed regtest BOLT 11 invoice', async () => {
		const f = await createStore();
		const invoice = await createInvoice(f, { amount: '1500.00', currency: 'JMD', metadata: { orderId: 'A-1', itemDesc: 'Coffee' } });
		expect(invoice).toMatchObject({
			storeId: f.storeId,
			amount: '1500.00',
			paidAmount: '0.00',
			currency: 'JMD',
			type: 'Standard',
			status: 'New',
			additionalStatus: 'None',
			availableStatusesForManualMarking: ['Settled', 'Invalid'],
			archived: false,
			metadata: { orderId: 'A-1', itemDesc: 'Coffee' }
		});
		expect(invoice.id).toMatch(/^[1-9A-HJ-NP-Za-km-z]{20,24}$/);
		expect(invoice.checkoutLink).toBe(`http://flashpoint.test/i/${invoice.id}`);
		expect(invoice.expirationTime - invoice.createdTime).toBe(900);

		const methods = await json<Array<Record<string, any>>>(await call(`/invoices/${invoice.id}/payment-methods`, { headers: f.auth }));
		expect(methods).toHaveLength(1);
		const ln = methods[0]!;
		expect(ln).toMatchObject({ paymentMethodId: 'BTC-LN', currency: 'BTC', paymentMethodFee: '0', activated: true, payments: [] });
		expect(ln.destination.startsWith('lnbcrt')).toBe(true);
		expect(ln.paymentLink).toBe(`lightning:${ln.destination}`);

		const decoded = decodeInvoice(ln.destination);
		const row = await env.DB.prepare('select amount_msat, payment_hash, rate, rate_source from invoices where id = ?').bind(invoice.id).first<Record<string, any>>();
		expect(decoded.network).toBe('regtest');
		expect(decoded.amountMsat).toBe(BigInt(row!.amount_msat));
		expect(decoded.amountMsat! % 1000n).toBe(0n);
		expect(decoded.paymentHash).toBe(row!.payment_hash);
		expect(decoded.description).toBe('Paid to Test café (Order ID: A-1)');
		expect(decoded.expiresAt - decoded.timestamp).toBe(900);
		expect(row!.rate_source).toBe('fixed');
		// The fixed JMD rate: 1500.00 JMD / rate BTC, rounded up to a whole sat.
		expect(ln.rate).toBe(row!.rate);
		// msat = 150000 minor / 10^2 / (N / S) × 10^11, rounded up to a whole sat.
		const { numerator, scale } = exactRate(row!.rate);
		const exact = 150_000n * 100_000_000_000n * scale;
		const denominator = 100n * numerator;
		const sats = (exact + denominator * 1000n - 1n) / (denominator * 1000n);
		expect(BigInt(row!.amount_msat)).toBe(sats * 1000n);
		expect(ln.amount).toBe(ln.due);
	});

	it('creates one invoice for a double-clicked Charge (same Idempotency-Key)', async () => {
		const f = await createStore();
		const send = () =>
			call(`/stores/${f.storeId}/invoices`, {
				method: 'POST',
				headers: { ...f.auth, 'idempotency-key': 'charge-42' },
				json: { amount: '250.00', currency: 'JMD' }
			});
		const [a, b] = await Promise.all([send(), send()]);
		const statuses = [a.status, b.status].sort();
		// Either both answered with the same invoice, or the second was told the first is running.
		const bodies = await Promise.all([a, b].map((r) => json(r)));
		const ids = bodies.filter((x) => typeof x.id === 'string').map((x) => x.id);
		expect(new Set(ids).size).toBe(1);
		expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
		const again = await send();
		expect(again.status).toBe(200);
		expect((await json(again)).id).toBe(ids[0]);
		const count = await env.DB.prepare('select count(*) as n from invoices where store_id = ?').bind(f.storeId).first<{ n: number }>();
		expect(count!.n).toBe(1);
	});

	it.each([
		[{ amount: '10', currency: 'XYZ' }, 'currency'],
		[{ amount: '-1', currency: 'JMD' }, 'amount'],
		[{ amount: '1.234', currency: 'JMD' }, 'amount'],
		[{ amount: '1.5', currency: 'JPY' }, 'amount'],
		[{ amount: '1e5', currency: 'USD' }, 'amount'],
		[{ amount: 12, currency: 'USD' }, 'amount'],
		[{ amount: '999999999999', currency: 'USD' }, 'amount'],
		[{ amount: '0.00000001', currency: 'USD' }, 'amount'],
		[{ amount: '0', currency: 'USD' }, 'amount'],
		[{ currency: 'USD' }, 'amount'],
		[{ amount: '5', metadata: 'order 7' }, 'metadata'],
		[{ amount: '5', metadata: { orderId: 7 } }, 'metadata.orderId'],
		[{ amount: '5', checkout: { expirationMinutes: 0.1 } }, 'checkout.expirationMinutes'],
		[{ amount: '5', checkout: { paymentMethods: ['BTC-CHAIN'] } }, 'checkout.paymentMethods'],
		[{ amount: '5', tip: '6' }, 'tip']
	])('refuses %o with 422 at %s', async (body, path) => {
		const f = await createStore();
		const res = await call(`/stores/${f.storeId}/invoices`, { method: 'POST', headers: f.auth, json: body });
		expect(res.status).toBe(422);
		const issues = await json<Array<{ path: string; message: string }>>(res);
		expect(issues.map((i) => i.path)).toContain(path);
		const count = await env.DB.prepare('select count(*) as n from invoices where store_id = ?').bind(f.storeId).first<{ n: number }>();
		expect(count!.n).toBe(0);
	});

	it('explains that a store without a node cannot take payments', async () => {
		const f = await createStore({ name: 'No node', defaultCurrency: 'USD' }, { node: false });
		const res = await call(`/stores/${f.storeId}/invoices`, { method: 'POST', headers: f.auth, json: { amount: '5' } });
		expect(res.status).toBe(422);
		expect(await json(res)).toMatchObject({ code: 'node-not-configured' });
	});

	it('accepts BTC and SATS amounts without a rate', async () => {
		const f = await createStore();
		const btc = await createInvoice(f, { amount: '0.0001', currency: 'BTC' });
		expect(btc.amount).toBe('0.00010000');
		const sats = await createInvoice(f, { amount: '2100', currency: 'SATS' });
		expect(sats.amount).toBe('2100');
		const methods = await json<Array<Record<string, any>>>(await call(`/invoices/${sats.id}/payment-methods`, { headers: f.auth }));
		expect(methods[0]!.amount).toBe('0.00002100');
		expect(methods[0]!.rate).toBe('100000000');
	});

	it('records the tip apart, as part of the amount', async () => {
		const f = await createStore();
		const invoice = await createInvoice(f, { amount: '1150.00', currency: 'JMD', tip: '150.00' });
		const row = await env.DB.prepare('select tip_minor, amount_minor from invoices where id = ?').bind(invoice.id).first<Record<string, number>>();
		expect(row).toEqual({ tip_minor: 15000, amount_minor: 115000 });
		const view = await json(await call(`/checkout/${invoice.id}`));
		expect(view.tip).toBe('150.00');
	});
});

/** A decimal rate as numerator / scale, computed independently of the code under test. */
function exactRate(rate: string): { numerator: bigint; scale: bigint } {
	const [whole, frac = ''] = rate.split('.');
	return { numerator: BigInt(whole! + frac), scale: 10n ** BigInt(frac.length) };
}

describe('payments through the simulated node', () => {
	it('settles on full payment, with the Greenfield webhook events in order', async () => {
		const f = await createStore();
		await call(`/stores/${f.storeId}/webhooks`, { method: 'POST', headers: f.auth, json: { url: 'http://127.0.0.1:9/hook' } });
		const invoice = await createInvoice(f);
		const res = await pay(f, await bolt11Of(f, invoice.id));
		expect(res.status).toBe(200);
		expect(await json(res)).toMatchObject({ invoiceId: invoice.id, invoiceStatus: 'Settled', invoiceAdditionalStatus: 'None' });
		const after = await json<Record<string, any>>(await call(`/invoices/${invoice.id}?includePaymentMethods=true`, { headers: f.auth }));
		expect(after).toMatchObject({ status: 'Settled', additionalStatus: 'None', paidAmount: '1500.00', availableStatusesForManualMarking: ['Invalid'] });
		expect(after.paymentMethods[0].payments).toHaveLength(1);
		expect(after.paymentMethods[0].due).toBe('0.00000000');
		expect(await webhookTypes(invoice.id)).toEqual([
			'InvoiceCreated',
			'InvoiceReceivedPayment',
			'InvoicePaymentSettled',
			'InvoiceProcessing',
			'InvoiceSettled'
		]);
		// Paying again is refused by the wallet: an invoice is paid once.
		const twice = await pay(f, await bolt11Of(f, invoice.id));
		expect(twice.status).toBe(422);
		expect(await json(twice)).toMatchObject({ code: 'invoice-not-payable' });
	});

	it('keeps a partly paid invoice New with PaidPartial, then settles when the rest arrives', async () => {
		const f = await createStore();
		const invoice = await createInvoice(f, { amount: '100', currency: 'SATS' });
		const bolt11 = await bolt11Of(f, invoice.id);
		await pay(f, bolt11, { amount: '40' });
		let now = await json(await call(`/invoices/${invoice.id}`, { headers: f.auth }));
		expect(now).toMatchObject({ status: 'New', additionalStatus: 'PaidPartial', paidAmount: '40' });
		const view = await json(await call(`/checkout/${invoice.id}`));
		expect(view).toMatchObject({ paidSats: '40', dueSats: '60' });
		await pay(f, bolt11);
		now = await json(await call(`/invoices/${invoice.id}`, { headers: f.auth }));
		expect(now).toMatchObject({ status: 'Settled', additionalStatus: 'None', paidAmount: '100' });
	});

	it('marks an overpaid invoice PaidOver', async () => {
		const f = await createStore();
		const invoice = await createInvoice(f, { amount: '100', currency: 'SATS' });
		await pay(f, await bolt11Of(f, invoice.id), { amount: '150' });
		expect(await json(await call(`/invoices/${invoice.id}`, { headers: f.auth }))).toMatchObject({
			status: 'Settled',
			additionalStatus: 'PaidOver',
			paidAmount: '150'
		});
	});

	it('refuses a destination that is not a BOLT 11 invoice, or not this store’s', async () => {
		const f = await createStore();
		const other = await createStore();
		const bad = await pay(f, 'lnbcrt1garbage');
		expect(bad.status).toBe(422);
		const foreign = await createInvoice(other);
		const res = await pay(f, await bolt11Of(other, foreign.id));
		expect(res.status).toBe(404);
	});
});

describe('manual marking', () => {
	it('lets a manager mark Settled or Invalid, and refuses a repeat', async () => {
		const f = await createStore();
		const invoice = await createInvoice(f);
		const settled = await call(`/invoices/${invoice.id}/status`, { method: 'POST', headers: f.auth, json: { status: 'Settled' } });
		expect(settled.status).toBe(200);
		expect(await json(settled)).toMatchObject({ status: 'Settled', additionalStatus: 'Marked' });
		const again = await call(`/invoices/${invoice.id}/status`, { method: 'POST', headers: f.auth, json: { status: 'Settled' } });
		expect(again.status).toBe(422);
		expect(await json(again)).toMatchObject({ code: 'invalid-status-change' });
		const invalid = await call(`/stores/${f.storeId}/invoices/${invoice.id}/status`, { method: 'POST', headers: f.auth, json: { status: 'Invalid' } });
		expect(await json(invalid)).toMatchObject({ status: 'Invalid', additionalStatus: 'Marked' });
		expect((await call(`/invoices/${invoice.id}/status`, { method: 'POST', headers: f.auth, json: { status: 'Expired' } })).status).toBe(422);
	});
});

describe('listing invoices', () => {
	it('filters by status, orderId, text and time, and pages', async () => {
		const f = await createStore();
		const a = await createInvoice(f, { amount: '10', metadata: { orderId: 'ORD-1', itemDesc: 'Ackee' } });
		const b = await createInvoice(f, { amount: '20', metadata: { orderId: 'ORD-2' }, additionalSearchTerms: ['table 4'] });
		const c = await createInvoice(f, { amount: '30' });
		await pay(f, await bolt11Of(f, c.id));
		const list = async (q: string) => (await json<Array<{ id: string }>>(await call(`/stores/${f.storeId}/invoices${q}`, { headers: f.auth }))).map((i) => i.id);
		expect(await list('')).toEqual([c.id, b.id, a.id]);
		expect(await list('?status=Settled')).toEqual([c.id]);
		expect(await list('?status=New&status=Settled')).toEqual([c.id, b.id, a.id]);
		expect(await list('?orderId=ORD-1&orderId=ORD-2')).toEqual([b.id, a.id]);
		expect(await list('?textSearch=ackee')).toEqual([a.id]);
		expect(await list('?textSearch=TABLE')).toEqual([b.id]);
		expect(await list('?take=1&skip=1')).toEqual([b.id]);
		expect(await list(`?startDate=${a.createdTime}&endDate=${c.createdTime}`)).toHaveLength(3);
		expect(await list(`?endDate=${a.createdTime - 10}`)).toEqual([]);
		expect((await call(`/stores/${f.storeId}/invoices?take=0`, { headers: f.auth })).status).toBe(422);
		expect((await call(`/stores/${f.storeId}/invoices?status=Paid`, { headers: f.auth })).status).toBe(422);
	});
});
