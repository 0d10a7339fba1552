// A Flash Card paying an invoice of another merchant through its issuer's node (a fake LND
// built from lnd's REST description): the amount is reserved before paying, released only on a
// definite failure, kept while the outcome is unknown and resolved by the cron; the same invoice
// is never paid twice. Also: another issuer's Bolt Card read at our till (LNURL-withdraw over
// HTTPS from the worker). Ledger invariants after every test.
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { database } from '../../worker/db/client';
import { ledgerTotals } from '../../worker/data/ledger';
import { sweep } from '../../worker/cron/sweep';
import { useNodeFetcher } from '../../worker/nodes/registry';
import { call, callOrigin, ORIGIN } from './helpers';
import { createStore, createInvoice, bolt11Of, json, type StoreFixture } from './setup-store';
import { programByDeeplink, type EmulatedCard } from './card-emulator';
import { fakeInternet, foreignInvoice, json as jsonResponse, type Outcome } from './fake-nodes/common';
import { FakeLnd } from './fake-nodes/fake-lnd';

const LND_URL = 'https://lnd.example.com:8080';
let lnd: FakeLnd;
let restore: () => void;
let foreignService: (request: Request) => Promise<Response>;

beforeEach(() => {
	lnd = new FakeLnd();
	foreignService = async () => new Response('not set', { status: 500 });
	restore = useNodeFetcher(fakeInternet({ 'lnd.example.com:8080': lnd.fetch, 'cards.example.com': (r) => foreignService(r) }));
});

afterEach(async () => {
	restore();
	const totals = await ledgerTotals(database(env.DB));
	for (const u of totals.byUnit) expect(u.total, `unit ${u.unit} sums to zero`).toBe(0);
	expect(totals.drift).toEqual([]);
});

/** A SATS-card issuer on LND (regtest), with one programmed card holding `sats`. */
async function issuerWithCard(sats: string): Promise<{ f: StoreFixture; cardId: string; chip: EmulatedCard }> {
	const f = await createStore({ name: 'Card issuer', defaultCurrency: 'JMD' }, { node: false });
	const node = await call(`/stores/${f.storeId}/node`, { method: 'PUT', headers: f.auth, json: { kind: 'lnd', url: LND_URL, macaroon: lnd.macaroon } });
	expect(node.status).toBe(200);
	const card = await json<{ id: string; programUrl: string }>(await call(`/stores/${f.storeId}/cards`, { method: 'POST', headers: f.auth, json: { currency: 'SATS' } }));
	const chip = await programByDeeplink(card.programUrl);
	// Cash in JMD is converted to sats; top up generously, then read the balance.
	const topup = await call(`/stores/${f.storeId}/cards/${card.id}/topups`, { method: 'POST', headers: f.auth, json: { amount: sats, currency: 'JMD', method: 'cash' } });
	expect(topup.status).toBe(201);
	return { f, cardId: card.id, chip };
}

async function balanceMsat(f: StoreFixture, cardId: string): Promise<number> {
	const card = await json<{ balance: string }>(await call(`/stores/${f.storeId}/cards/${cardId}`, { headers: f.auth }));
	return Math.round(Number(card.balance) * 1000);
}

async function accountBalance(id: string): Promise<number> {
	return (await env.DB.prepare('select balance from ledger_accounts where id = ?').bind(id).first<{ balance: number }>())?.balance ?? 0;
}

async function spend(chip: EmulatedCard, bolt11: string) {
	const read = chip.read();
	const tap = await json<{ k1: string }>(await callOrigin(`/boltcard?p=${read.p}&c=${read.c}`));
	const url = new URL(`${ORIGIN}/boltcard/callback`);
	url.searchParams.set('k1', tap.k1);
	url.searchParams.set('pr', bolt11);
	const res = await callOrigin(url.toString());
	return { k1: tap.k1, body: await json<{ status: string; code?: string; reason?: string }>(res) };
}

function target(amountMsat: bigint, outcome: Outcome) {
	const invoice = foreignInvoice(amountMsat, outcome);
	lnd.network.set(invoice.paymentHash, invoice.destination);
	return invoice;
}

async function outgoing(k1: string) {
	return env.DB.prepare('select status, fee_msat, failure_reason from outgoing_payments where id = ?').bind(`tap:${k1}`).first<{ status: string; fee_msat: number | null; failure_reason: string | null }>();
}

describe('paying another merchant through the issuer node', () => {
	it('pays once and moves the amount from the card to the node, through in-flight', async () => {
		const { f, cardId, chip } = await issuerWithCard('1000.00');
		const before = await balanceMsat(f, cardId);
		const invoice = target(50_000n, 'succeed');
		const paid = await spend(chip, invoice.bolt11);
		expect(paid.body).toEqual({ status: 'OK' });
		expect(await balanceMsat(f, cardId)).toBe(before - 50_000);
		expect(await accountBalance(`inflight:${f.storeId}:msat`)).toBe(0);
		expect(await outgoing(paid.k1)).toMatchObject({ status: 'succeeded' });
		expect(lnd.payments.size).toBe(1);
		// The same invoice again from a new tap: refused before the node is asked.
		const again = await spend(chip, invoice.bolt11);
		expect(again.body).toMatchObject({ status: 'ERROR', code: 'card-invoice-refused' });
		expect(lnd.payments.size).toBe(1);
		expect(await balanceMsat(f, cardId)).toBe(before - 50_000);
	});

	it('releases the reservation when the node says the payment failed', async () => {
		const { f, cardId, chip } = await issuerWithCard('1000.00');
		const before = await balanceMsat(f, cardId);
		const paid = await spend(chip, target(40_000n, 'fail').bolt11);
		expect(paid.body).toMatchObject({ status: 'ERROR', code: 'card-payment-failed' });
		expect(paid.body.reason).toMatch(/Nothing was taken/);
		expect(await balanceMsat(f, cardId)).toBe(before);
		expect(await outgoing(paid.k1)).toMatchObject({ status: 'failed' });
		const tap = await env.DB.prepare('select state from card_taps where k1 = ?').bind(paid.k1).first<{ state: string }>();
		expect(tap?.state).toBe('failed');
	});

	it('keeps the reservation while the outcome is unknown, and the cron settles it from the node', async () => {
		const { f, cardId, chip } = await issuerWithCard('1000.00');
		const before = await balanceMsat(f, cardId);
		const invoice = target(30_000n, 'cut');
		// The stream breaks and tracking fails too: nobody can say yet whether it was paid.
		lnd.inject('/v2/router/track/', () => new Response('<html>503</html>', { status: 503 }));
		const paid = await spend(chip, invoice.bolt11);
		expect(paid.body).toEqual({ status: 'OK' });
		expect(await outgoing(paid.k1)).toMatchObject({ status: 'pending' });
		expect(await balanceMsat(f, cardId)).toBe(before - 30_000);
		expect(await accountBalance(`inflight:${f.storeId}:msat`)).toBe(30_000);
		// Not due yet: nothing happens.
		await sweep(env, Date.now(), async () => new Response('ok'));
		expect(await outgoing(paid.k1)).toMatchObject({ status: 'pending' });
		const report = await sweep(env, Date.now() + 60_000, async () => new Response('ok'));
		expect(report.outgoingResolved).toBeGreaterThanOrEqual(1);
		expect(await outgoing(paid.k1)).toMatchObject({ status: 'succeeded' });
		expect(await accountBalance(`inflight:${f.storeId}:msat`)).toBe(0);
		expect(await balanceMsat(f, cardId)).toBe(before - 30_000);
		expect(lnd.payments.size).toBe(1);
	});

	it('releases a payment the node never made once its invoice has expired', async () => {
		const { f, cardId, chip } = await issuerWithCard('1000.00');
		const before = await balanceMsat(f, cardId);
		const invoice = foreignInvoice(20_000n, 'succeed', 120);
		lnd.network.set(invoice.paymentHash, invoice.destination);
		// The request never reaches LND's payment engine (connection drops), and LND knows nothing.
		lnd.inject('/v2/router/send', () => {
			throw new TypeError('connection reset');
		});
		const paid = await spend(chip, invoice.bolt11);
		expect(paid.body).toEqual({ status: 'OK' });
		expect(await balanceMsat(f, cardId)).toBe(before - 20_000);
		// Before expiry, "not found" is not an answer: keep waiting.
		await sweep(env, Date.now() + 60_000, async () => new Response('ok'));
		expect(await outgoing(paid.k1)).toMatchObject({ status: 'pending' });
		await sweep(env, Date.now() + 20 * 60_000, async () => new Response('ok'));
		expect(await outgoing(paid.k1)).toMatchObject({ status: 'failed' });
		expect(await balanceMsat(f, cardId)).toBe(before);
		expect(lnd.payments.size).toBe(0);
	});

	it('pays one external invoice once when two taps race for it', async () => {
		const { f, cardId, chip } = await issuerWithCard('1000.00');
		const before = await balanceMsat(f, cardId);
		const invoice = target(10_000n, 'succeed');
		const reads = [chip.read(), chip.read()];
		const taps = await Promise.all(reads.map(async (r) => json<{ k1: string }>(await callOrigin(`/boltcard?p=${r.p}&c=${r.c}`))));
		const results = await Promise.all(
			taps.map((t) => callOrigin(`${ORIGIN}/boltcard/callback?k1=${t.k1}&pr=${invoice.bolt11}`).then((r) => json<{ status: string }>(r)))
		);
		expect(results.filter((r) => r.status === 'OK')).toHaveLength(1);
		expect(lnd.payments.size).toBe(1);
		expect(await balanceMsat(f, cardId)).toBe(before - 10_000);
	});
});

describe("another issuer's Bolt Card at our till", () => {
	it('runs LNURL-withdraw against the card service from the worker and asks for the PIN it wants', async () => {
		const f = await createStore();
		const sale = await createInvoice(f, { amount: '500.00', currency: 'JMD' });
		const bolt11 = await bolt11Of(f, sale.id);
		const seen: string[] = [];
		foreignService = async (request) => {
			const url = new URL(request.url);
			seen.push(url.pathname + url.search);
			if (url.pathname === '/ln') {
				return jsonResponse({ tag: 'withdrawRequest', callback: 'https://cards.example.com/cb', k1: 'abc123', minWithdrawable: 1000, maxWithdrawable: 100_000_000_000, defaultDescription: 'x', pinLimit: 1000 });
			}
			if (url.searchParams.get('pin') === '9999') return jsonResponse({ status: 'OK' });
			return jsonResponse({ status: 'ERROR', reason: 'Invalid PIN' });
		};
		const first = await json<{ status: string; tapId: string }>(
			await call(`/stores/${f.storeId}/invoices/${sale.id}/card`, { method: 'POST', headers: f.auth, json: { card: 'lnurlw://cards.example.com/ln?p=AA&c=BB' } })
		);
		expect(first).toMatchObject({ status: 'pin-required' });
		const wrong = await call(`/stores/${f.storeId}/invoices/${sale.id}/card`, { method: 'POST', headers: f.auth, json: { tapId: first.tapId, pin: '1111' } });
		expect(wrong.status).toBe(502);
		expect(await json(wrong)).toMatchObject({ code: 'card-foreign-refused', message: expect.stringContaining('Invalid PIN') });
		const right = await call(`/stores/${f.storeId}/invoices/${sale.id}/card`, { method: 'POST', headers: f.auth, json: { tapId: first.tapId, pin: '9999' } });
		expect(await json(right)).toEqual({ status: 'pending', invoiceId: sale.id });
		expect(seen[0]).toBe('/ln?p=AA&c=BB');
		const callbackUrl = new URL(`https://cards.example.com${seen.at(-1)!}`);
		expect(callbackUrl.searchParams.get('k1')).toBe('abc123');
		expect(callbackUrl.searchParams.get('pr')).toBe(bolt11);
	});

	it('refuses card services at raw IPs, onion and local names before fetching anything', async () => {
		const f = await createStore();
		const sale = await createInvoice(f, { amount: '5.00', currency: 'JMD' });
		for (const card of ['lnurlw://10.0.0.5/ln?p=AA&c=BB', 'lnurlw://printer.local/ln?p=AA&c=BB', 'lnurlw://abcdefghijklmnop.onion/ln?p=AA&c=BB']) {
			const res = await call(`/stores/${f.storeId}/invoices/${sale.id}/card`, { method: 'POST', headers: f.auth, json: { card } });
			expect(res.status, card).toBe(502);
			expect(await json(res)).toMatchObject({ code: 'card-foreign-refused' });
		}
	});
});
