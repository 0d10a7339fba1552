// The ledger on real D1: idempotent, atomic, never below a floor under concurrency, and always
// balanced (each unit sums to zero; each balance equals its transfers).
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import { database } from '../../worker/db/client';
import { ledgerTotals } from '../../worker/data/ledger';
import { balances, LedgerError, openAccount, post } from '../../worker/ledger/ledger';

const db = () => database(env.DB);
let n = 0;
const id = (p: string) => `${p}-${++n}`;

async function accounts() {
	const now = Date.now();
	const float = id('float');
	const card = id('card');
	const revenue = id('revenue');
	await openAccount(db(), { id: float, storeId: 'S', kind: 'issuer-float', unit: 'msat', floor: null, now });
	await openAccount(db(), { id: card, storeId: 'S', kind: 'card', unit: 'msat', floor: 0n, now });
	await openAccount(db(), { id: revenue, storeId: 'S', kind: 'store-revenue', unit: 'msat', floor: null, now });
	return { float, card, revenue };
}

afterEach(async () => {
	const totals = await ledgerTotals(db());
	for (const u of totals.byUnit) expect(u.total, `unit ${u.unit} sums to zero`).toBe(0);
	expect(totals.drift).toEqual([]);
});

describe('the ledger', () => {
	it('moves money from debit to credit and keeps both sides', async () => {
		const a = await accounts();
		expect(await post(db(), [{ id: id('t'), debit: a.float, credit: a.card, amount: 5_000n, unit: 'msat', kind: 'topup' }], Date.now())).toEqual({ status: 'posted' });
		const b = await balances(db(), [a.float, a.card]);
		expect(b.get(a.card)).toBe(5_000n);
		expect(b.get(a.float)).toBe(-5_000n);
	});

	it('posts the same transfer id once, and refuses the id reused for something else', async () => {
		const a = await accounts();
		const t = { id: id('t'), debit: a.float, credit: a.card, amount: 1_000n, unit: 'msat', kind: 'topup' };
		expect((await post(db(), [t], Date.now())).status).toBe('posted');
		expect((await post(db(), [t], Date.now())).status).toBe('already-posted');
		expect((await balances(db(), [a.card])).get(a.card)).toBe(1_000n);
		await expect(post(db(), [{ ...t, amount: 2_000n }], Date.now())).rejects.toThrow(LedgerError);
	});

	it('refuses a transfer that takes a card below zero, and posts nothing of its batch', async () => {
		const a = await accounts();
		await post(db(), [{ id: id('t'), debit: a.float, credit: a.card, amount: 1_000n, unit: 'msat', kind: 'topup' }], Date.now());
		const result = await post(
			db(),
			[
				{ id: id('fee'), debit: a.float, credit: a.revenue, amount: 10n, unit: 'msat', kind: 'fee' },
				{ id: id('spend'), debit: a.card, credit: a.revenue, amount: 1_001n, unit: 'msat', kind: 'payment' }
			],
			Date.now()
		);
		expect(result).toEqual({ status: 'refused', reason: 'insufficient-funds', account: a.card });
		const b = await balances(db(), [a.card, a.revenue]);
		expect(b.get(a.card)).toBe(1_000n);
		expect(b.get(a.revenue)).toBe(0n);
	});

	it('never overspends under many concurrent spends', async () => {
		const a = await accounts();
		await post(db(), [{ id: id('t'), debit: a.float, credit: a.card, amount: 10_000n, unit: 'msat', kind: 'topup' }], Date.now());
		const results = await Promise.all(
			Array.from({ length: 25 }, (_, i) => post(db(), [{ id: id(`tap${i}`), debit: a.card, credit: a.revenue, amount: 1_000n, unit: 'msat', kind: 'payment' }], Date.now()))
		);
		expect(results.filter((r) => r.status === 'posted')).toHaveLength(10);
		expect(results.filter((r) => r.status === 'refused')).toHaveLength(15);
		expect((await balances(db(), [a.card])).get(a.card)).toBe(0n);
	});

	it('refuses mixing units and unknown accounts', async () => {
		const a = await accounts();
		const now = Date.now();
		const jmd = id('jmd');
		await openAccount(db(), { id: jmd, storeId: 'S', kind: 'cash-drawer', unit: 'JMD', floor: null, now });
		await expect(post(db(), [{ id: id('t'), debit: jmd, credit: a.card, amount: 100n, unit: 'msat', kind: 'x' }], now)).rejects.toThrow(/another unit/);
		await expect(post(db(), [{ id: id('t'), debit: 'nope', credit: a.card, amount: 100n, unit: 'msat', kind: 'x' }], now)).rejects.toThrow('No ledger account nope.');
		await expect(post(db(), [{ id: id('t'), debit: a.float, credit: a.card, amount: 0n, unit: 'msat', kind: 'x' }], now)).rejects.toThrow(/positive/);
	});
});
