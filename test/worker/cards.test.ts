// Flash Cards end to end on the worker and real D1: issue, program (deeplink and QR), tap
// (LUD-03 withdrawRequest), pay a till's invoice internally, limits, PIN, replays, state,
// replace, top-ups, balance; the ledger invariants are checked after every test.
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import { database } from '../../worker/db/client';
import { ledgerTotals } from '../../worker/data/ledger';
import { completeWithdraw } from '../../worker/cards/withdraw';
import { CardError } from '../../worker/cards/errors';
import { programByQr } from '../../worker/cards/program';
import { encodeInvoice, newNodePrivateKey } from '../../worker/lightning/bolt11';
import { call, callOrigin, ORIGIN } from './helpers';
import { bolt11Of, createInvoice, createStore, json, pay, type StoreFixture } from './setup-store';
import vectors from '../fixtures/bolt11-vectors.json';
import { EmulatedCard, programByDeeplink, randomUid } from './card-emulator';

type Card = { id: string; status: string; currency: string; balance: string; programUrl: string; programLink: string; holderUrl: string; [k: string]: unknown };
type Lnurl = { status?: string; reason?: string; code?: string; tag?: string; k1: string; callback: string; minWithdrawable: number; maxWithdrawable: number; pinLimit?: number; defaultDescription: string };

const db = () => database(env.DB);

afterEach(async () => {
	const totals = await ledgerTotals(db());
	for (const u of totals.byUnit) expect(u.total, `unit ${u.unit} sums to zero`).toBe(0);
	expect(totals.drift).toEqual([]);
	const negative = await env.DB.prepare(`select id, balance from ledger_accounts where kind = 'card' and balance < 0`).all();
	expect(negative.results).toEqual([]);
});

async function issue(f: StoreFixture, body: Record<string, unknown> = {}): Promise<Card> {
	const res = await call(`/stores/${f.storeId}/cards`, { method: 'POST', headers: f.auth, json: body });
	expect(res.status, await res.clone().text()).toBe(201);
	return json<Card>(res);
}

async function issued(f: StoreFixture, body: Record<string, unknown> = {}, topup?: string) {
	const card = await issue(f, body);
	const chip = await programByDeeplink(card.programUrl);
	if (topup) await cashTopup(f, card.id, topup, card.currency === 'SATS' ? 'JMD' : card.currency);
	return { card, chip };
}

async function cashTopup(f: StoreFixture, cardId: string, amount: string, currency = 'JMD') {
	const res = await call(`/stores/${f.storeId}/cards/${cardId}/topups`, { method: 'POST', headers: f.auth, json: { amount, currency, method: 'cash' } });
	expect(res.status, await res.clone().text()).toBe(201);
	return json<{ card: Card; movement: Record<string, unknown> }>(res);
}

async function tap(read: { p: string; c: string }) {
	const res = await callOrigin(`/boltcard?p=${read.p}&c=${read.c}`);
	return { res, body: await json<Lnurl>(res) };
}

async function callback(k1: string, pr: string, pin?: string) {
	const url = new URL(`${ORIGIN}/boltcard/callback`);
	url.searchParams.set('k1', k1);
	url.searchParams.set('pr', pr);
	if (pin !== undefined) url.searchParams.set('pin', pin);
	const res = await callOrigin(url.toString());
	return { res, body: await json<{ status: string; reason?: string; code?: string }>(res) };
}

async function sale(f: StoreFixture, amount = '1500.00', currency = 'JMD') {
	const invoice = await createInvoice(f, { amount, currency });
	return { id: invoice.id as string, bolt11: await bolt11Of(f, invoice.id) };
}

async function getCard(f: StoreFixture, id: string): Promise<Card> {
	return json<Card>(await call(`/stores/${f.storeId}/cards/${id}`, { headers: f.auth }));
}

async function invoiceStatus(f: StoreFixture, id: string): Promise<string> {
	return (await json<{ status: string }>(await call(`/stores/${f.storeId}/invoices/${id}`, { headers: f.auth }))).status;
}

async function payByTap(chip: EmulatedCard, bolt11: string, pin?: string) {
	const t = await tap(chip.read());
	expect(t.res.status, JSON.stringify(t.body)).toBe(200);
	return callback(t.body.k1, bolt11, pin);
}

describe('issuing and programming', () => {
	it('issues a pending card with a one-time program URL and deeplink, in the store currency', async () => {
		const f = await createStore();
		const card = await issue(f, { label: 'Market 1', perTapLimit: '5000', dailyLimit: '20000.00' });
		expect(card).toMatchObject({ status: 'pending', currency: 'JMD', balance: '0.00', label: 'Market 1', perTapLimit: '5000.00', dailyLimit: '20000.00', programmed: false });
		expect(card.id).toMatch(/^fc_/);
		expect(card.programUrl).toMatch(new RegExp(`^${ORIGIN}/boltcard/program/[1-9A-HJ-NP-Za-km-z]{20,}$`));
		expect(card.programLink).toBe(`boltcard://program?url=${encodeURIComponent(card.programUrl)}`);
		expect(card.holderUrl).toMatch(new RegExp(`^${ORIGIN}/card#t=`));
		const read = await getCard(f, card.id);
		expect(read).toMatchObject({ id: card.id, status: 'pending', currency: 'JMD', balance: '0.00' });
		expect(read).not.toHaveProperty('programUrl');
		const list = await json<Card[]>(await call(`/stores/${f.storeId}/cards?search=market`, { headers: f.auth }));
		expect(list.map((c) => c.id)).toEqual([card.id]);
	});

	it('refuses bad input with 422 and the field named', async () => {
		const f = await createStore();
		for (const body of [{ perTapLimit: '-5' }, { perTapLimit: '1.234' }, { pin: '12' }, { currency: 'BTC' }, { currency: 'XXX' }, { perTapLimit: '0' }]) {
			const res = await call(`/stores/${f.storeId}/cards`, { method: 'POST', headers: f.auth, json: body });
			expect(res.status, JSON.stringify(body)).toBe(422);
			const issues = await json<Array<{ path: string }>>(res);
			expect(issues[0]!.path).toBe(Object.keys(body)[0]);
		}
	});

	it('programs by deeplink: POST {UID} answers LNURLW and K0..K4 once, and the keys work', async () => {
		const f = await createStore();
		const card = await issue(f);
		const uid = randomUid();
		const res = await callOrigin(card.programUrl, { method: 'POST', json: { UID: uid } });
		expect(res.status).toBe(200);
		const keys = await json<Record<string, string>>(res);
		expect(keys.LNURLW).toBe('lnurlw://flashpoint.test/boltcard');
		for (const k of ['K0', 'K1', 'K2', 'K3', 'K4']) expect(keys[k]).toMatch(/^[0-9A-F]{32}$/);
		expect(new Set([keys.K0, keys.K2, keys.K3, keys.K4]).size).toBe(4);
		const again = await callOrigin(card.programUrl, { method: 'POST', json: { UID: uid } });
		expect(again.status).toBe(410);
		expect(await json(again)).toMatchObject({ status: 'ERROR', code: 'card-link-invalid' });
		const chip = new EmulatedCard(uid, keys.K1!, keys.K2!);
		const t = await tap(chip.read());
		expect(t.res.status).toBe(200);
		expect(await getCard(f, card.id)).toMatchObject({ status: 'active', programmed: true, keyVersion: 1 });
	});

	it('programs from a QR: GET answers lower-case lnurlw_base and k0..k4, and the first tap binds the chip', async () => {
		const f = await createStore();
		const card = await issue(f, { label: 'QR card' });
		const res = await callOrigin(card.programUrl);
		expect(res.status).toBe(200);
		const keys = await json<Record<string, unknown>>(res);
		expect(keys).toMatchObject({ protocol_name: 'create_bolt_card_response', protocol_version: 2, card_name: 'QR card', lnurlw_base: 'lnurlw://flashpoint.test/boltcard' });
		for (const k of ['k0', 'k1', 'k2', 'k3', 'k4']) expect(keys[k]).toMatch(/^[0-9a-f]{32}$/);
		expect((await callOrigin(card.programUrl)).status).toBe(410);
		// The app never says which chip it wrote: any UID, with these keys.
		const chip = new EmulatedCard(randomUid(), keys.k1 as string, keys.k2 as string);
		expect((await tap(chip.read())).res.status).toBe(200);
		expect((await tap(chip.read())).res.status).toBe(200);
		expect(await getCard(f, card.id)).toMatchObject({ status: 'active' });
	});

	it('refuses an expired program link', async () => {
		const f = await createStore();
		const card = await issue(f);
		const token = card.programUrl.split('/').pop()!;
		await expect(programByQr(env, db(), token, ORIGIN, Date.now() + 25 * 3_600_000)).rejects.toMatchObject({ code: 'card-link-invalid' });
	});

	it('re-programming bumps the version, so a reading of the earlier programming cannot be used', async () => {
		const f = await createStore();
		const { card, chip } = await issued(f);
		const old = chip.read(50);
		const link = await json<Card>(await call(`/stores/${f.storeId}/cards/${card.id}/program-link`, { method: 'POST', headers: f.auth }));
		const reprogrammed = await programByDeeplink(link.programUrl, chip.uid);
		expect(reprogrammed.k2).not.toBe(chip.k2);
		expect((await tap(old)).body).toMatchObject({ status: 'ERROR', code: 'card-unknown' });
		// The chip's counter restarts at 1 after programming, and that is fine.
		expect((await tap(reprogrammed.read(1))).res.status).toBe(200);
		expect(await getCard(f, card.id)).toMatchObject({ keyVersion: 2 });
	});

	it('issues a batch with numbered labels and a program link each', async () => {
		const f = await createStore();
		const res = await call(`/stores/${f.storeId}/cards/batch`, { method: 'POST', headers: f.auth, json: { count: 12, labelPrefix: 'Fair', perTapLimit: '1000' } });
		expect(res.status).toBe(201);
		const batch = await json<{ batchId: string; cards: Card[] }>(res);
		expect(batch.cards).toHaveLength(12);
		expect(batch.cards.map((c) => c.label)).toEqual(Array.from({ length: 12 }, (_, i) => `Fair ${String(i + 1).padStart(3, '0')}`));
		expect(new Set(batch.cards.map((c) => c.programUrl)).size).toBe(12);
		expect(batch.cards.every((c) => c.batchId === batch.batchId && c.perTapLimit === '1000.00')).toBe(true);
		const float = await json<{ byStatus: Record<string, number> }>(await call(`/stores/${f.storeId}/cards/float`, { headers: f.auth }));
		expect(float.byStatus.pending).toBe(12);
	});
});

describe('tapping', () => {
	it('answers a LUD-03 withdrawRequest with a single-use k1, limits in msat and no balance', async () => {
		const f = await createStore();
		const { chip } = await issued(f, { perTapLimit: '5000.00' }, '2000.00');
		const t = await tap(chip.read());
		expect(t.res.status).toBe(200);
		expect(t.body).toMatchObject({ tag: 'withdrawRequest', callback: `${ORIGIN}/boltcard/callback`, minWithdrawable: 1000 });
		expect(t.body.k1).toMatch(/^[0-9a-f]{32}$/);
		expect(t.body.defaultDescription).toContain('Test café');
		// J$5,000 at the fixed rate, never the J$2,000 balance (Bolt Card SPEC).
		expect(t.body.maxWithdrawable).toBeGreaterThan(0);
		expect(t.body).not.toHaveProperty('pinLimit');
	});

	it('refuses replays, forged MACs, other keys, malformed and wrong-length values; accepts lower-case hex', async () => {
		const f = await createStore();
		const { chip } = await issued(f);
		const first = chip.read(10);
		expect((await tap(first)).res.status).toBe(200);
		const replay = await tap(first);
		expect(replay.res.status).toBe(409);
		expect(replay.body).toMatchObject({ status: 'ERROR', code: 'card-replayed' });
		expect((await tap(chip.read(9))).body.code).toBe('card-replayed');
		const forged = { ...chip.read(11), c: '0000000000000000' };
		expect((await tap(forged)).body.code).toBe('card-unknown');
		const stranger = new EmulatedCard(chip.uid, '00112233445566778899aabbccddeeff', chip.k2).read(12);
		expect((await tap(stranger)).body.code).toBe('card-unknown');
		expect((await tap({ p: 'zz', c: 'yy' })).res.status).toBe(400);
		expect((await tap({ p: chip.read(13).p.slice(2), c: chip.read(13).c })).body.code).toBe('card-malformed');
		const lower = chip.read(14);
		expect((await tap({ p: lower.p.toLowerCase(), c: lower.c.toLowerCase() })).res.status).toBe(200);
	});

	it('lets exactly one of two terminals use the same reading', async () => {
		const f = await createStore();
		const { chip } = await issued(f);
		const read = chip.read();
		const results = await Promise.all(Array.from({ length: 6 }, () => tap(read)));
		expect(results.filter((r) => r.res.status === 200)).toHaveLength(1);
		expect(results.filter((r) => r.body.code === 'card-replayed')).toHaveLength(5);
	});

	it('accepts the highest counter and refuses it again (counter wrap: a card at 0xFFFFFF is spent)', async () => {
		const f = await createStore();
		const { chip } = await issued(f);
		expect((await tap(chip.read(0xffffff))).res.status).toBe(200);
		expect((await tap(chip.read(0xffffff))).body.code).toBe('card-replayed');
	});
});

describe('paying a sale by card', () => {
	it('settles an invoice of this deployment internally, once, and the invoice is paid', async () => {
		const f = await createStore();
		const { card, chip } = await issued(f, {}, '2000.00');
		const s = await sale(f, '1500.00');
		const t = await tap(chip.read());
		const ok = await callback(t.body.k1, s.bolt11);
		expect(ok.body).toEqual({ status: 'OK' });
		expect(await invoiceStatus(f, s.id)).toBe('Settled');
		expect((await getCard(f, card.id)).balance).toBe('500.00');
		// The same callback again: OK, nothing more moves.
		expect((await callback(t.body.k1, s.bolt11)).body).toEqual({ status: 'OK' });
		expect((await getCard(f, card.id)).balance).toBe('500.00');
		// The same k1 for another invoice, or a new tap for the paid invoice: refused.
		const other = await sale(f, '100.00');
		expect((await callback(t.body.k1, other.bolt11)).body.code).toBe('card-tap-used');
		expect((await payByTap(chip, s.bolt11)).body.code).toBe('card-invoice-refused');
		const movements = await json<Array<{ kind: string; amount: string; fiat: { amount: string; currency: string } | null }>>(
			await call(`/stores/${f.storeId}/cards/${card.id}/movements`, { headers: f.auth })
		);
		expect(movements.map((m) => [m.kind, m.amount])).toEqual([
			['payment', '-1500.00'],
			['topup-cash', '2000.00']
		]);
		expect(movements[0]!.fiat).toMatchObject({ amount: '1500.00', currency: 'JMD' });
	});

	it('refuses over the per-tap limit, over the daily limit and over the balance, moving nothing', async () => {
		const f = await createStore();
		const { card, chip } = await issued(f, { perTapLimit: '1000.00', dailyLimit: '1500.00' }, '1200.00');
		expect((await payByTap(chip, (await sale(f, '1000.01')).bolt11)).body.code).toBe('card-over-tap-limit');
		expect((await payByTap(chip, (await sale(f, '900.00')).bolt11)).body).toEqual({ status: 'OK' });
		expect((await payByTap(chip, (await sale(f, '700.00')).bolt11)).body.code).toBe('card-over-daily-limit');
		expect((await payByTap(chip, (await sale(f, '400.00')).bolt11)).body.code).toBe('card-insufficient-funds');
		// A refusal frees its share of the daily limit: 300 still fits the day and the balance.
		expect((await payByTap(chip, (await sale(f, '300.00')).bolt11)).body).toEqual({ status: 'OK' });
		expect(await getCard(f, card.id)).toMatchObject({ balance: '0.00', spentToday: '1200.00' });
	});

	it('refuses an expired k1, an expired invoice, one for another network and one that is not an invoice', async () => {
		const f = await createStore();
		const { chip } = await issued(f, {}, '500.00');
		const s = await sale(f, '100.00');
		const t = await tap(chip.read());
		const late = await completeWithdraw(env, db(), { k1: t.body.k1, pr: s.bolt11 }, Date.now() + 61_000).catch((e: unknown) => e);
		expect(late).toBeInstanceOf(CardError);
		expect((late as CardError).code).toBe('card-tap-expired');
		const key = newNodePrivateKey();
		const make = (over: Record<string, unknown>) =>
			encodeInvoice({ network: 'regtest', amountMsat: 10_000n, paymentHash: 'ab'.repeat(32), paymentSecret: 'cd'.repeat(32), description: 'x', expirySeconds: 600, timestamp: Math.floor(Date.now() / 1000), privateKey: key, ...over } as Parameters<typeof encodeInvoice>[0]);
		const t2 = await tap(chip.read());
		expect((await callback(t2.body.k1, make({ timestamp: Math.floor(Date.now() / 1000) - 3600 }))).body).toMatchObject({ status: 'ERROR', code: 'card-invoice-refused' });
		// BOLT 11's own example of a mainnet invoice (test/fixtures/bolt11-vectors.json).
		const mainnet = vectors.valid.find((v) => v.paymentRequest.startsWith('lnbc2500u'))!.paymentRequest;
		expect((await callback(t2.body.k1, mainnet)).body.reason).toMatch(/bitcoin.*regtest/);
		expect((await callback(t2.body.k1, 'lnbc1notaninvoice')).body.code).toBe('card-invoice-refused');
		const donation = vectors.valid.find((v) => v.name === 'donation')!.paymentRequest;
		expect((await callback(t2.body.k1, donation)).body.reason).toMatch(/no amount/);
	});

	it('never overspends under many parallel taps and callbacks', async () => {
		const f = await createStore();
		const { card, chip } = await issued(f, {}, '5000.00');
		const sales = await Promise.all(Array.from({ length: 12 }, () => sale(f, '1000.00')));
		const taps: string[] = [];
		for (let i = 0; i < sales.length; i++) taps.push((await tap(chip.read())).body.k1);
		const results = await Promise.all(sales.map((s, i) => callback(taps[i]!, s.bolt11)));
		expect(results.filter((r) => r.body.status === 'OK')).toHaveLength(5);
		expect(results.filter((r) => r.body.code === 'card-insufficient-funds')).toHaveLength(7);
		expect((await getCard(f, card.id)).balance).toBe('0.00');
		const settled = await Promise.all(sales.map((s) => invoiceStatus(f, s.id)));
		expect(settled.filter((s) => s === 'Settled')).toHaveLength(5);
	});

	it('lets only one card pay an invoice when two pay it at once', async () => {
		const f = await createStore();
		const a = await issued(f, {}, '2000.00');
		const b = await issued(f, {}, '2000.00');
		const s = await sale(f, '1500.00');
		const [ta, tb] = [await tap(a.chip.read()), await tap(b.chip.read())];
		const results = await Promise.all([callback(ta.body.k1, s.bolt11), callback(tb.body.k1, s.bolt11)]);
		expect(results.filter((r) => r.body.status === 'OK')).toHaveLength(1);
		const balances = [(await getCard(f, a.card.id)).balance, (await getCard(f, b.card.id)).balance].sort();
		expect(balances).toEqual(['2000.00', '500.00']);
	});

	it('pays by SATS card and by JMD card across currencies at the rate, recorded on the movement', async () => {
		const f = await createStore();
		const sats = await issued(f, { currency: 'SATS' });
		await cashTopup(f, sats.card.id, '1000.00', 'JMD');
		const satsBalance = (await getCard(f, sats.card.id)).balance;
		expect(Number(satsBalance)).toBeGreaterThan(0);
		const s = await sale(f, '100.00');
		expect((await payByTap(sats.chip, s.bolt11)).body).toEqual({ status: 'OK' });
		const spent = Number(satsBalance) - Number((await getCard(f, sats.card.id)).balance);
		const invoice = await json<{ amount: string }>(await call(`/stores/${f.storeId}/invoices/${s.id}`, { headers: f.auth }));
		expect(invoice.amount).toBe('100.00');
		expect(spent).toBeGreaterThan(0);
		// A JMD card paying an invoice priced in sats pays its value at the rate, rounded up.
		const jmd = await issued(f, {}, '1000.00');
		const satsSale = await sale(f, '1000', 'SATS');
		expect((await payByTap(jmd.chip, satsSale.bolt11)).body).toEqual({ status: 'OK' });
		const after = await getCard(f, jmd.card.id);
		expect(Number(after.balance)).toBeLessThan(1000);
		const [movement] = await json<Array<{ fiat: { rate: string | null; currency: string } }>>(
			await call(`/stores/${f.storeId}/cards/${jmd.card.id}/movements`, { headers: f.auth })
		);
		expect(movement!.fiat).toMatchObject({ currency: 'JMD' });
		expect(movement!.fiat.rate).toMatch(/^\d/);
	});
});

describe('PIN', () => {
	it('asks above pinLimit, blocks after three wrong PINs, and a merchant unblocks', async () => {
		const f = await createStore();
		const { card, chip } = await issued(f, { pin: '4321', pinLimit: '1000.00' }, '5000.00');
		const t = await tap(chip.read());
		expect(t.body.pinLimit).toBeGreaterThan(0);
		expect((await payByTap(chip, (await sale(f, '999.00')).bolt11)).body).toEqual({ status: 'OK' });
		const big = await sale(f, '1000.00');
		const t2 = await tap(chip.read());
		expect((await callback(t2.body.k1, big.bolt11)).body.code).toBe('card-pin-required');
		expect((await callback(t2.body.k1, big.bolt11, '0000')).body.reason).toMatch(/2 tries left/);
		expect((await callback(t2.body.k1, big.bolt11, '1111')).body.reason).toMatch(/1 try left/);
		expect((await callback(t2.body.k1, big.bolt11, '2222')).body.code).toBe('card-pin-blocked');
		expect((await callback(t2.body.k1, big.bolt11, '4321')).body.code).toBe('card-pin-blocked');
		expect((await tap(chip.read())).body.code).toBe('card-pin-blocked');
		const unblock = await call(`/stores/${f.storeId}/cards/${card.id}`, { method: 'PATCH', headers: f.auth, json: { unblockPin: true } });
		expect(await json(unblock)).toMatchObject({ pinBlocked: false });
		expect((await payByTap(chip, big.bolt11, '4321')).body).toEqual({ status: 'OK' });
		expect((await getCard(f, card.id)).balance).toBe('3001.00');
	});
});

describe('state, replace and reset', () => {
	it('freezes and unfreezes; a frozen or retired card cannot pay', async () => {
		const f = await createStore();
		const { card, chip } = await issued(f, {}, '500.00');
		const patch = (body: Record<string, unknown>) => call(`/stores/${f.storeId}/cards/${card.id}`, { method: 'PATCH', headers: f.auth, json: body });
		expect(await json(await patch({ status: 'frozen' }))).toMatchObject({ status: 'frozen', frozenBy: 'merchant' });
		expect((await tap(chip.read())).body.code).toBe('card-frozen');
		expect(await json(await patch({ status: 'active' }))).toMatchObject({ status: 'active' });
		expect((await payByTap(chip, (await sale(f, '100.00')).bolt11)).body).toEqual({ status: 'OK' });
		const pending = await issue(f);
		const refused = await call(`/stores/${f.storeId}/cards/${pending.id}`, { method: 'PATCH', headers: f.auth, json: { status: 'active' } });
		expect(refused.status).toBe(422);
		expect(await json(refused)).toMatchObject({ code: 'invalid-status-change' });
	});

	it('replaces a lost card: the balance moves in one transfer, the old card is retired', async () => {
		const f = await createStore();
		const { card, chip } = await issued(f, { perTapLimit: '800.00', pin: '1234', pinLimit: '600.00' }, '900.00');
		const res = await call(`/stores/${f.storeId}/cards/${card.id}/replace`, { method: 'POST', headers: f.auth });
		expect(res.status).toBe(201);
		const replacement = await json<Card>(res);
		expect(replacement).toMatchObject({ status: 'pending', balance: '900.00', perTapLimit: '800.00', pinEnabled: true, pinLimit: '600.00' });
		expect(await getCard(f, card.id)).toMatchObject({ status: 'retired', balance: '0.00', replacedBy: replacement.id });
		expect((await tap(chip.read())).body.code).toBe('card-retired');
		const again = await json<Card>(await call(`/stores/${f.storeId}/cards/${card.id}/replace`, { method: 'POST', headers: f.auth }));
		expect(again.id).toBe(replacement.id);
		expect(again.balance).toBe('900.00');
	});

	it('resets only the card the link is for, after checking its p and c; gives the wipe JSON', async () => {
		const f = await createStore();
		const { card, chip } = await issued(f);
		const other = await issued(f);
		const link = await json<{ resetUrl: string; resetLink: string }>(await call(`/stores/${f.storeId}/cards/${card.id}/reset-link`, { method: 'POST', headers: f.auth }));
		expect(link.resetLink).toBe(`boltcard://reset?url=${encodeURIComponent(link.resetUrl)}`);
		const wrong = await callOrigin(link.resetUrl, { method: 'POST', json: { LNURLW: other.chip.url() } });
		expect(wrong.status).toBe(404);
		expect(await json(wrong)).toMatchObject({ status: 'ERROR', code: 'card-unknown' });
		const forged = await callOrigin(link.resetUrl, { method: 'POST', json: { LNURLW: `lnurlw://flashpoint.test/boltcard?p=${chip.read().p}&c=0000000000000000` } });
		expect(forged.status).toBe(404);
		const wipe = await json<Record<string, unknown>>(await call(`/stores/${f.storeId}/cards/${card.id}/wipe`, { headers: f.auth }));
		expect(wipe).toMatchObject({ version: 1, action: 'wipe' });
		const ok = await callOrigin(link.resetUrl, { method: 'POST', json: { LNURLW: chip.url() } });
		expect(ok.status).toBe(200);
		const keys = await json<Record<string, string>>(ok);
		expect(keys.K1!.toLowerCase()).toBe(wipe.k1);
		expect(keys.K2!.toLowerCase()).toBe(chip.k2.toLowerCase());
		expect(await getCard(f, card.id)).toMatchObject({ programmed: false });
		expect((await callOrigin(link.resetUrl, { method: 'POST', json: { LNURLW: chip.url() } })).status).toBe(410);
	});
});

describe('top-ups, balance and the till', () => {
	it('tops up by Lightning: credited once the invoice settles, with its fiat value', async () => {
		const f = await createStore();
		const { card } = await issued(f);
		const res = await call(`/stores/${f.storeId}/cards/${card.id}/topups`, { method: 'POST', headers: f.auth, json: { amount: '2000.00', currency: 'JMD', method: 'lightning' } });
		expect(res.status).toBe(201);
		const body = await json<{ method: string; invoice: { id: string; status: string } }>(res);
		expect(body).toMatchObject({ method: 'lightning', invoice: { status: 'New' } });
		expect((await getCard(f, card.id)).balance).toBe('0.00');
		const paid = await pay(f, await bolt11Of(f, body.invoice.id));
		expect(paid.status).toBe(200);
		expect(await invoiceStatus(f, body.invoice.id)).toBe('Settled');
		expect((await getCard(f, card.id)).balance).toBe('2000.00');
		const [movement] = await json<Array<{ kind: string; fiat: { amount: string } }>>(await call(`/stores/${f.storeId}/cards/${card.id}/movements`, { headers: f.auth }));
		expect(movement).toMatchObject({ kind: 'topup-lightning', fiat: { amount: '2000.00' } });
	});

	it('shows the cardholder balance by tap (consuming the counter) and by the card link, and lets them freeze', async () => {
		const f = await createStore();
		const { card, chip } = await issued(f, { dailyLimit: '3000' }, '750.00');
		const read = chip.read();
		const res = await callOrigin(`/boltcard/balance?p=${read.p}&c=${read.c}`);
		expect(res.status).toBe(200);
		const view = await json<{ balance: string; holderSession: string; movements: unknown[]; dailyLimit: string; issuer: string }>(res);
		expect(view).toMatchObject({ balance: '750.00', dailyLimit: '3000.00', issuer: 'Test café' });
		expect(view.movements).toHaveLength(1);
		expect((await callOrigin(`/boltcard/balance?p=${read.p}&c=${read.c}`)).status).toBe(409);
		const token = card.holderUrl.split('#t=')[1]!;
		const byLink = await callOrigin('/boltcard/holder', { method: 'POST', json: { token } });
		expect(await json(byLink)).toMatchObject({ balance: '750.00', cardId: card.id });
		expect((await callOrigin('/boltcard/holder', { method: 'POST', json: { token: 'x'.repeat(30) } })).status).toBe(404);
		const frozen = await callOrigin('/boltcard/holder/freeze', { method: 'POST', json: { session: view.holderSession, frozen: true } });
		expect(await json(frozen)).toMatchObject({ status: 'frozen' });
		expect(await getCard(f, card.id)).toMatchObject({ status: 'frozen', frozenBy: 'cardholder' });
		const thawed = await callOrigin('/boltcard/holder/freeze', { method: 'POST', json: { session: view.holderSession, frozen: false } });
		expect(await json(thawed)).toMatchObject({ status: 'active' });
		await call(`/stores/${f.storeId}/cards/${card.id}`, { method: 'PATCH', headers: f.auth, json: { status: 'frozen' } });
		const notYours = await callOrigin('/boltcard/holder/freeze', { method: 'POST', json: { session: view.holderSession, frozen: false } });
		expect(notYours.status).toBe(403);
		expect((await callOrigin('/boltcard/holder/freeze', { method: 'POST', json: { session: 'forged-session-value-123', frozen: true } })).status).toBe(401);
	});

	it('pays a till invoice from a card read at the till, asking for the PIN when needed', async () => {
		const f = await createStore();
		const { chip } = await issued(f, { pin: '2468', pinLimit: '500.00' }, '3000.00');
		const small = await sale(f, '200.00');
		const paid = await call(`/stores/${f.storeId}/invoices/${small.id}/card`, { method: 'POST', headers: f.auth, json: { card: chip.url() } });
		expect(await json(paid)).toEqual({ status: 'paid', invoiceId: small.id, internal: true });
		expect(await invoiceStatus(f, small.id)).toBe('Settled');
		const big = await sale(f, '800.00');
		const ask = await json<{ status: string; tapId: string; triesLeft: number }>(
			await call(`/stores/${f.storeId}/invoices/${big.id}/card`, { method: 'POST', headers: f.auth, json: { card: chip.url() } })
		);
		expect(ask).toMatchObject({ status: 'pin-required', triesLeft: 3 });
		const wrong = await call(`/stores/${f.storeId}/invoices/${big.id}/card`, { method: 'POST', headers: f.auth, json: { tapId: ask.tapId, pin: '0000' } });
		expect(wrong.status).toBe(401);
		expect(await json(wrong)).toMatchObject({ code: 'card-pin-wrong' });
		const right = await call(`/stores/${f.storeId}/invoices/${big.id}/card`, { method: 'POST', headers: f.auth, json: { tapId: ask.tapId, pin: '2468' } });
		expect(await json(right)).toMatchObject({ status: 'paid' });
		const again = await call(`/stores/${f.storeId}/invoices/${big.id}/card`, { method: 'POST', headers: f.auth, json: { card: chip.url() } });
		expect(again.status).toBe(422);
		expect(await json(again)).toMatchObject({ code: 'invoice-not-payable' });
		const junk = await call(`/stores/${f.storeId}/invoices/${(await sale(f, '5.00')).id}/card`, { method: 'POST', headers: f.auth, json: { card: 'hello world' } });
		expect(junk.status).toBe(400);
	});

	it('takes cash for a tapped card at a till, into that till\'s drawer', async () => {
		const f = await createStore();
		const { card, chip } = await issued(f);
		const res = await call(`/stores/${f.storeId}/cards/tap-topup`, { method: 'POST', headers: f.auth, json: { card: chip.url(), amount: '1000.00', currency: 'JMD' } });
		expect(res.status).toBe(201);
		expect(await json(res)).toMatchObject({ method: 'cash', card: { id: card.id, balance: '1000.00' }, movement: { kind: 'topup-cash', amount: '1000.00' } });
		const float = await json<{ totals: Array<{ currency: string; balance: string }> }>(await call(`/stores/${f.storeId}/cards/float`, { headers: f.auth }));
		expect(float.totals).toEqual([{ currency: 'JMD', cards: 1, balance: '1000.00' }]);
	});
});
