// Expiry (cron and the Durable Object alarm), late payment, a creation cut off half-way, and the
// live channel that tells the POS and the customer's page.
import { createExecutionContext, runDurableObjectAlarm, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../worker/index';
import { sweep } from '../../worker/cron/sweep';
import { call, BASE } from './helpers';
import { bolt11Of, createInvoice, createStore, json, pay } from './setup-store';

async function statusOf(id: string) {
	return env.DB.prepare('select status, additional_status as additionalStatus, closed_at as closedAt from invoices where id = ?')
		.bind(id)
		.first<{ status: string; additionalStatus: string; closedAt: number | null }>();
}

async function deliveryTypes(id: string) {
	const rows = await env.DB.prepare('select distinct type from webhook_deliveries where invoice_id = ? order by seq').bind(id).all<{ type: string }>();
	return rows.results.map((r) => r.type);
}

describe('expiry', () => {
	it('expires an unpaid invoice through the cron sweep, and says so to webhooks', async () => {
		const f = await createStore();
		await call(`/stores/${f.storeId}/webhooks`, { method: 'POST', headers: f.auth, json: { url: 'https://merchant.example.com/h' } });
		const invoice = await createInvoice(f, { amount: '100', currency: 'SATS', checkout: { expirationMinutes: 1, monitoringMinutes: 5 } });
		const created = invoice.createdTime * 1000;
		await sweep(env, created + 59_000);
		expect((await statusOf(invoice.id))!.status).toBe('New');
		const report = await sweep(env, created + 61_000);
		expect(report.invoicesChanged).toBeGreaterThanOrEqual(1);
		expect(await statusOf(invoice.id)).toEqual({ status: 'Expired', additionalStatus: 'None', closedAt: null });
		expect(await deliveryTypes(invoice.id)).toEqual(['InvoiceCreated', 'InvoiceExpired']);
		// Watched until the monitoring window closes, then closed.
		await sweep(env, created + 6 * 60_000 + 1_000);
		expect((await statusOf(invoice.id))!.closedAt).not.toBeNull();
		const pm = await json<Array<Record<string, unknown>>>(await call(`/invoices/${invoice.id}`, { headers: f.auth }));
		expect(pm).toMatchObject({ status: 'Expired', availableStatusesForManualMarking: ['Settled', 'Invalid'] });
	});

	it('keeps PaidPartial when a partly paid invoice expires', async () => {
		const f = await createStore();
		const invoice = await createInvoice(f, { amount: '100', currency: 'SATS', checkout: { expirationMinutes: 1 } });
		await pay(f, await bolt11Of(f, invoice.id), { amount: '30' });
		await sweep(env, invoice.createdTime * 1000 + 61_000);
		expect(await statusOf(invoice.id)).toMatchObject({ status: 'Expired', additionalStatus: 'PaidPartial' });
	});

	it('expires through the store’s Durable Object alarm as well', async () => {
		const f = await createStore();
		const invoice = await createInvoice(f, { amount: '100', currency: 'SATS' });
		const hub = env.STORE_HUB.getByName(f.storeId);
		// Nobody looks at it yet: not polled (the cron covers it).
		expect(await hub.watching()).not.toContain(invoice.id);
		const ctx = createExecutionContext();
		const res = await worker.fetch(new Request(`${BASE}/checkout/${invoice.id}/live`, { headers: { upgrade: 'websocket' } }), env, ctx);
		await waitOnExecutionContext(ctx);
		res.webSocket!.accept();
		expect(await hub.watching()).toContain(invoice.id);
		// Let the invoice's time run out (as if its 15 minutes had passed), then let the alarm run.
		await env.DB.prepare('update invoices set expires_at = ?, monitoring_expires_at = ? where id = ?')
			.bind(Date.now() - 1_000, Date.now() + 60_000, invoice.id)
			.run();
		expect(await runDurableObjectAlarm(hub)).toBe(true);
		expect((await statusOf(invoice.id))!.status).toBe('Expired');
		res.webSocket!.close();
	});

	it('marks a payment after expiry PaidLate and leaves the invoice Expired for the merchant to decide', async () => {
		const f = await createStore();
		const invoice = await createInvoice(f, { amount: '100', currency: 'SATS', checkout: { expirationMinutes: 1 } });
		const bolt11 = await bolt11Of(f, invoice.id);
		// Expire it now (as the cron would a minute later).
		await env.DB.prepare('update invoices set expires_at = ? where id = ?').bind(Date.now() - 1_000, invoice.id).run();
		await env.DB.prepare('update sim_invoices set expires_at = ? where payment_hash = (select payment_hash from invoices where id = ?)')
			.bind(Date.now() - 1_000, invoice.id)
			.run();
		const refused = await pay(f, bolt11);
		expect(refused.status).toBe(422);
		expect(await json(refused)).toMatchObject({ code: 'invoice-not-payable' });
		const late = await pay(f, bolt11, { late: true });
		expect(late.status).toBe(200);
		expect(await statusOf(invoice.id)).toMatchObject({ status: 'Expired', additionalStatus: 'PaidLate' });
		const data = await json<Record<string, any>>(await call(`/invoices/${invoice.id}?includePaymentMethods=true`, { headers: f.auth }));
		expect(data.paymentMethods[0].payments).toHaveLength(1);
		const view = await json(await call(`/checkout/${invoice.id}`));
		expect(view).toMatchObject({ status: 'Expired', additionalStatus: 'PaidLate', payments: [{ afterExpiration: true }] });
	});
});

describe('a creation cut off between the node and the database', () => {
	it('is finished by the cron: the node is asked again under the same label, and nothing is issued twice', async () => {
		const f = await createStore();
		const invoice = await createInvoice(f, { amount: '100', currency: 'SATS' });
		const original = await bolt11Of(f, invoice.id);
		// As if the worker had died after the node issued the invoice but before we stored it.
		await env.DB.prepare(`update invoices set node_state = 'creating', bolt11 = null, payment_hash = null, created_at = created_at - 120000 where id = ?`)
			.bind(invoice.id)
			.run();
		const report = await sweep(env, Date.now());
		expect(report.creationsRetried).toBe(1);
		const row = await env.DB.prepare('select node_state, bolt11 from invoices where id = ?').bind(invoice.id).first<Record<string, string>>();
		expect(row).toEqual({ node_state: 'created', bolt11: original });
		const issued = await env.DB.prepare('select count(*) as n from sim_invoices where label = ?').bind(invoice.id).first<{ n: number }>();
		expect(issued!.n).toBe(1);
		// And it can be paid and seen.
		await pay(f, original);
		expect((await statusOf(invoice.id))!.status).toBe('Settled');
	});
});

describe('the live channel', () => {
	it('pushes the new status to a screen watching the invoice', async () => {
		const f = await createStore();
		const invoice = await createInvoice(f, { amount: '100', currency: 'SATS' });
		const ctx = createExecutionContext();
		const res = await worker.fetch(new Request(`${BASE}/checkout/${invoice.id}/live`, { headers: { upgrade: 'websocket' } }), env, ctx);
		await waitOnExecutionContext(ctx);
		expect(res.status).toBe(101);
		const socket = res.webSocket!;
		const messages: Array<Record<string, any>> = [];
		socket.accept();
		const settled = new Promise<void>((resolve) => {
			socket.addEventListener('message', (event) => {
				const message = JSON.parse(event.data as string);
				messages.push(message);
				if (message.type === 'invoice' && message.invoice.status === 'Settled') resolve();
			});
		});
		await pay(f, await bolt11Of(f, invoice.id));
		await settled;
		expect(messages[0]).toEqual({ type: 'hello', invoiceId: invoice.id });
		expect(messages.at(-1)!.invoice).toMatchObject({ id: invoice.id, status: 'Settled', paidSats: '100', dueSats: '0' });
		socket.close();
	});

	it('refuses a plain GET and an unknown invoice', async () => {
		const f = await createStore();
		const invoice = await createInvoice(f, { amount: '100', currency: 'SATS' });
		expect((await call(`/checkout/${invoice.id}/live`)).status).toBe(400);
		expect((await call('/checkout/nope/live', { headers: { upgrade: 'websocket' } })).status).toBe(404);
		expect((await call('/checkout/nope')).status).toBe(404);
	});

	it('shows the customer the public view, with the test-mode label and server time', async () => {
		const f = await createStore();
		const invoice = await createInvoice(f, { amount: '1500.00', currency: 'JMD', metadata: { itemDesc: 'Lunch' } });
		const view = await json(await call(`/checkout/${invoice.id}`));
		expect(view).toMatchObject({
			id: invoice.id,
			storeName: 'Test café',
			status: 'New',
			currency: 'JMD',
			amount: '1500.00',
			testMode: true,
			itemDesc: 'Lunch',
			paidSats: '0'
		});
		expect(view.paymentLink).toBe(`lightning:${(view.bolt11 as string).toUpperCase()}`);
		expect(Math.abs((view.serverTime as number) - Date.now())).toBeLessThan(5_000);
	});
});
