import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { sendDueWebhooks, type Fetcher } from '../../worker/webhooks/sender';
import { useWebhookFetcher } from '../../worker/webhooks/outbound';
import { sweep } from '../../worker/cron/sweep';
import { afterEach } from 'vitest';
import { verifySignature } from '../../worker/webhooks/signature';
import { call } from './helpers';
import { bolt11Of, createInvoice, createStore, json, pay, type StoreFixture } from './setup-store';

type Sent = { url: string; headers: Headers; body: string; parsed: Record<string, any> };

let restore: (() => void) | null = null;
afterEach(() => restore?.());

/**
 * A receiver that answers with the given statuses in turn (then 200), recording each request.
 * It becomes the webhook door, so deliveries sent in the background by API calls reach it too.
 */
function receiver(statuses: Array<number | 'down'> = []) {
	const sent: Sent[] = [];
	const fetcher: Fetcher = async (request) => {
		const body = await request.text();
		sent.push({ url: request.url, headers: request.headers, body, parsed: JSON.parse(body) });
		const next = statuses.shift() ?? 200;
		if (next === 'down') throw new Error('connection refused');
		return new Response('ok', { status: next });
	};
	restore?.();
	restore = useWebhookFetcher(fetcher);
	return { sent, fetcher };
}

async function hook(f: StoreFixture, body: Record<string, unknown> = {}) {
	const res = await call(`/stores/${f.storeId}/webhooks`, {
		method: 'POST',
		headers: f.auth,
		json: { url: 'https://merchant.example.com/btcpay', ...body }
	});
	expect(res.status).toBe(200);
	return json<Record<string, any>>(res);
}

/** Leaves only the given webhook's deliveries pending (others of this file are done). */
async function clearOtherDeliveries(webhookId: string) {
	await env.DB.prepare(`update webhook_deliveries set status = 'HttpSuccess' where webhook_id != ? and status = 'Pending'`).bind(webhookId).run();
}

describe('managing webhooks', () => {
	it('creates a webhook, returns the secret only once, lists, updates and deletes it', async () => {
		const f = await createStore();
		const created = await hook(f, { authorizedEvents: { everything: false, specificEvents: ['InvoiceSettled'] } });
		expect(created).toMatchObject({
			enabled: true,
			automaticRedelivery: true,
			url: 'https://merchant.example.com/btcpay',
			authorizedEvents: { everything: false, specificEvents: ['InvoiceSettled'] }
		});
		expect(created.secret.length).toBeGreaterThanOrEqual(16);
		const read = await json(await call(`/webhooks/${created.id}`, { headers: f.auth }));
		expect(read).not.toHaveProperty('secret');
		const list = await json<Array<Record<string, any>>>(await call(`/stores/${f.storeId}/webhooks`, { headers: f.auth }));
		expect(list.map((w) => w.id)).toEqual([created.id]);
		const put = await call(`/webhooks/${created.id}`, { method: 'PUT', headers: f.auth, json: { url: 'https://merchant.example.com/v2', enabled: false } });
		expect(await json(put)).toMatchObject({ url: 'https://merchant.example.com/v2', enabled: false });
		const row = await env.DB.prepare('select sealed_secret from webhooks where id = ?').bind(created.id).first<{ sealed_secret: string }>();
		expect(row!.sealed_secret).not.toContain(created.secret);
		expect((await call(`/webhooks/${created.id}`, { method: 'DELETE', headers: f.auth })).status).toBe(200);
		expect((await call(`/webhooks/${created.id}`, { headers: f.auth })).status).toBe(404);
	});

	it.each([
		['ftp://merchant.example.com/x'],
		['http://10.0.0.7/hook'],
		['http://192.168.1.1/hook'],
		['not a url']
	])('refuses %s with 422 at url', async (url) => {
		const f = await createStore();
		const res = await call(`/stores/${f.storeId}/webhooks`, { method: 'POST', headers: f.auth, json: { url } });
		expect(res.status).toBe(422);
		expect((await json<Array<{ path: string }>>(res)).map((i) => i.path)).toEqual(['url']);
	});

	it('accepts a loopback URL in local development so an integration can be tried on one machine', async () => {
		const f = await createStore();
		const res = await call(`/stores/${f.storeId}/webhooks`, { method: 'POST', headers: f.auth, json: { url: 'http://127.0.0.1:3000/hook' } });
		expect(res.status).toBe(200);
	});

	it('keeps another store’s webhooks out of reach', async () => {
		const a = await createStore();
		const b = await createStore();
		const theirs = await hook(b);
		expect((await call(`/webhooks/${theirs.id}`, { headers: a.auth })).status).toBe(404);
		expect((await call(`/stores/${a.storeId}/webhooks/${theirs.id}`, { headers: b.auth })).status).toBe(404);
	});
});

describe('delivering webhooks', () => {
	it('signs each body with BTCPay-Sig and sends the events of a payment in order', async () => {
		const f = await createStore();
		const created = await hook(f);
		await clearOtherDeliveries(created.id);
		const r = receiver();
		const invoice = await createInvoice(f, { amount: '500', currency: 'SATS', metadata: { orderId: 'W-1' } });
		await pay(f, await bolt11Of(f, invoice.id));
		const mine = r.sent.filter((s) => s.parsed.webhookId === created.id);
		expect(mine.map((s) => s.parsed.type)).toEqual([
			'InvoiceCreated',
			'InvoiceReceivedPayment',
			'InvoicePaymentSettled',
			'InvoiceProcessing',
			'InvoiceSettled'
		]);
		for (const s of mine) {
			expect(s.url).toBe('https://merchant.example.com/btcpay');
			expect(s.headers.get('content-type')).toBe('application/json');
			expect(verifySignature(created.secret, s.body, s.headers.get('btcpay-sig'))).toBe(true);
			expect(verifySignature('another secret', s.body, s.headers.get('btcpay-sig'))).toBe(false);
			expect(s.parsed).toMatchObject({ storeId: f.storeId, invoiceId: invoice.id, isRedelivery: false, metadata: { orderId: 'W-1' } });
			expect(s.parsed.originalDeliveryId).toBe(s.parsed.deliveryId);
		}
		expect(mine[1]!.parsed).toMatchObject({ afterExpiration: false, paymentMethodId: 'BTC-LN', payment: { value: '0.00000500', status: 'Settled' } });
		expect(mine[4]!.parsed).toMatchObject({ manuallyMarked: false, overPaid: false });
		// Delivered once: a second sweep sends nothing.
		const again = receiver();
		await sendDueWebhooks(env, Date.now, again.fetcher);
		expect(again.sent.filter((s) => s.parsed.webhookId === created.id)).toHaveLength(0);
		const deliveries = await json<Array<Record<string, any>>>(await call(`/webhooks/${created.id}/deliveries`, { headers: f.auth }));
		expect(deliveries).toHaveLength(5);
		expect(deliveries.every((d) => d.status === 'HttpSuccess' && d.httpCode === 200)).toBe(true);
	});

	it('retries a failed delivery after 10 s, 1 min, then 10 min, as new deliveries pointing at the first, holding later events back', async () => {
		const f = await createStore();
		const created = await hook(f, { authorizedEvents: { everything: false, specificEvents: ['InvoiceCreated', 'InvoiceSettled'] } });
		await clearOtherDeliveries(created.id);
		const r = receiver([503, 'down', 500]);
		const invoice = await createInvoice(f, { amount: '100', currency: 'SATS' });
		await call(`/invoices/${invoice.id}/status`, { method: 'POST', headers: f.auth, json: { status: 'Settled' } });
		const t = Date.now();
		const sendAt = (ms: number) => sendDueWebhooks(env, () => ms, r.fetcher);
		// The first attempt (sent in the background after creating) failed: InvoiceSettled waits.
		expect(r.sent.map((s) => s.parsed.type)).toEqual(['InvoiceCreated']);
		await sendAt(t + 9_000);
		expect(r.sent).toHaveLength(1);
		await sendAt(t + 10_000);
		expect(r.sent).toHaveLength(2);
		await sendAt(t + 10_000 + 59_000);
		expect(r.sent).toHaveLength(2);
		await sendAt(t + 10_000 + 60_000);
		expect(r.sent).toHaveLength(3);
		await sendAt(t + 10_000 + 60_000 + 600_000);
		// Fourth attempt succeeds, then InvoiceSettled follows at once.
		expect(r.sent.map((s) => s.parsed.type)).toEqual(['InvoiceCreated', 'InvoiceCreated', 'InvoiceCreated', 'InvoiceCreated', 'InvoiceSettled']);
		const first = r.sent[0]!.parsed;
		for (const retry of r.sent.slice(1, 4)) {
			expect(retry.parsed.isRedelivery).toBe(true);
			expect(retry.parsed.originalDeliveryId).toBe(first.deliveryId);
			expect(retry.parsed.deliveryId).not.toBe(first.deliveryId);
		}
		const deliveries = await json<Array<Record<string, any>>>(await call(`/webhooks/${created.id}/deliveries`, { headers: f.auth }));
		expect(deliveries.map((d) => [d.status, d.httpCode]).sort()).toEqual(
			[['Failed', null], ['HttpError', 500], ['HttpError', 503], ['HttpSuccess', 200], ['HttpSuccess', 200]].sort()
		);
	});

	it('gives up after the sixth 10-minute retry, and does not retry a 404', async () => {
		const f = await createStore();
		const created = await hook(f, { authorizedEvents: { everything: false, specificEvents: ['InvoiceCreated'] } });
		await clearOtherDeliveries(created.id);
		const r = receiver(Array.from({ length: 20 }, () => 500));
		await createInvoice(f, { amount: '100', currency: 'SATS' });
		let t = Date.now();
		for (let i = 0; i < 20; i++) {
			await sendDueWebhooks(env, () => t, r.fetcher);
			t += 600_000;
		}
		expect(r.sent).toHaveLength(9);

		const g = await createStore();
		const other = await hook(g, { authorizedEvents: { everything: false, specificEvents: ['InvoiceCreated'] } });
		await clearOtherDeliveries(other.id);
		const notFound = receiver([404]);
		await createInvoice(g, { amount: '100', currency: 'SATS' });
		t = Date.now();
		for (let i = 0; i < 3; i++) {
			await sendDueWebhooks(env, () => t, notFound.fetcher);
			t += 600_000;
		}
		expect(notFound.sent).toHaveLength(1);
	});

	it('redelivers on request, and shows the exact body that was sent', async () => {
		const f = await createStore();
		const created = await hook(f, { authorizedEvents: { everything: false, specificEvents: ['InvoiceCreated'] } });
		await clearOtherDeliveries(created.id);
		const r = receiver();
		await createInvoice(f, { amount: '100', currency: 'SATS' });
		const [delivery] = await json<Array<Record<string, any>>>(await call(`/webhooks/${created.id}/deliveries`, { headers: f.auth }));
		const raw = await call(`/webhooks/${created.id}/deliveries/${delivery!.id}/request`, { headers: f.auth });
		expect(await raw.text()).toBe(r.sent[0]!.body);
		const res = await call(`/webhooks/${created.id}/deliveries/${delivery!.id}/redeliver`, { method: 'POST', headers: f.auth });
		expect(res.status).toBe(200);
		const newId = await json<string>(res);
		const row = await env.DB.prepare('select original_delivery_id, body from webhook_deliveries where id = ?').bind(newId).first<Record<string, string>>();
		expect(row!.original_delivery_id).toBe(delivery!.id);
		expect(JSON.parse(row!.body as string)).toMatchObject({ deliveryId: newId, originalDeliveryId: delivery!.id, isRedelivery: true, type: 'InvoiceCreated' });
		// Sent at once, signed like the first.
		expect(r.sent.map((s) => s.parsed.deliveryId)).toEqual([delivery!.id, newId]);
	});

	it('does not send to a disabled webhook or for events it did not ask for', async () => {
		const f = await createStore();
		const off = await hook(f, { enabled: false });
		const settledOnly = await hook(f, { authorizedEvents: { everything: false, specificEvents: ['InvoiceSettled'] } });
		await createInvoice(f, { amount: '100', currency: 'SATS' });
		const count = async (id: string) =>
			(await env.DB.prepare('select count(*) as n from webhook_deliveries where webhook_id = ?').bind(id).first<{ n: number }>())!.n;
		expect(await count(off.id)).toBe(0);
		expect(await count(settledOnly.id)).toBe(0);
	});
});

describe('retention', () => {
	it('prunes finished deliveries after 60 days and keeps pending ones', async () => {
		const f = await createStore();
		const created = await hook(f, { authorizedEvents: { everything: false, specificEvents: ['InvoiceCreated'] } });
		receiver();
		await createInvoice(f, { amount: '100', currency: 'SATS' });
		await env.DB.prepare(`insert into webhook_deliveries (id, webhook_id, original_delivery_id, seq, attempt, type, event_key, body, status, created_at, manual)
			values ('old-pending', ?1, 'old-pending', 999, 0, 'InvoiceCreated', 'k-old', '{}', 'Pending', 0, 0)`).bind(created.id).run();
		await env.DB.prepare('update webhook_deliveries set created_at = 0 where webhook_id = ?').bind(created.id).run();
		const report = await sweep(env, 61 * 86_400_000, async () => new Response('ok', { status: 503 }));
		expect(report.webhookDeliveriesPruned).toBe(1);
		const left = await env.DB.prepare('select id from webhook_deliveries where webhook_id = ?').bind(created.id).all<{ id: string }>();
		expect(left.results.map((r) => r.id)).toContain('old-pending');
	});
});

