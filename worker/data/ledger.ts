// The ledger's SQL: accounts and transfers. Posting is one D1 batch per set of transfers (all or
// none): each transfer's row is inserted under its client-supplied id (a repeat collides on the
// primary key), and both balances move by the amount; the accounts' CHECK refuses a balance below
// its floor. Any refusal aborts the whole batch, so nothing is ever half posted.
import { eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { ledgerAccounts, ledgerTransfers } from '../db/schema';

export type LedgerAccountRow = typeof ledgerAccounts.$inferSelect;
export type LedgerTransferRow = typeof ledgerTransfers.$inferSelect;

export async function insertAccount(db: Db, row: LedgerAccountRow): Promise<void> {
	await db.insert(ledgerAccounts).values(row).onConflictDoNothing();
}

export async function findAccount(db: Db, id: string): Promise<LedgerAccountRow | undefined> {
	return db.query.ledgerAccounts.findFirst({ where: eq(ledgerAccounts.id, id) });
}

export async function findAccounts(db: Db, ids: string[]): Promise<LedgerAccountRow[]> {
	return ids.length === 0 ? [] : db.select().from(ledgerAccounts).where(inArray(ledgerAccounts.id, ids));
}

export async function findTransfers(db: Db, ids: string[]): Promise<LedgerTransferRow[]> {
	return ids.length === 0 ? [] : db.select().from(ledgerTransfers).where(inArray(ledgerTransfers.id, ids));
}

export async function transfersOf(db: Db, accountId: string, limit: number): Promise<LedgerTransferRow[]> {
	return db
		.select()
		.from(ledgerTransfers)
		.where(or(eq(ledgerTransfers.debitAccount, accountId), eq(ledgerTransfers.creditAccount, accountId)))
		.orderBy(sql`${ledgerTransfers.createdAt} desc`)
		.limit(limit);
}

/** Runs the batch; throws D1's error (a constraint name says which rule refused it). */
export async function postBatch(db: Db, transfers: LedgerTransferRow[]): Promise<void> {
	const d1 = db.$client;
	const statements: D1PreparedStatement[] = [];
	for (const t of transfers) {
		statements.push(
			d1
				.prepare(
					// A unit that differs from either account's turns the amount negative, which the
					// transfers' CHECK refuses: an error, so the batch rolls back.
					`insert into ledger_transfers (id, debit_account, credit_account, amount, unit, kind, reference, fiat_amount, fiat_currency, rate, rate_source, created_at)
					 values (?, ?, ?, case when (select unit from ledger_accounts where id = ?) = ? and (select unit from ledger_accounts where id = ?) = ? then ? else -1 end, ?, ?, ?, ?, ?, ?, ?, ?)`
				)
				.bind(t.id, t.debitAccount, t.creditAccount, t.debitAccount, t.unit, t.creditAccount, t.unit, t.amount, t.unit, t.kind, t.reference, t.fiatAmount, t.fiatCurrency, t.rate, t.rateSource, t.createdAt),
			d1.prepare('update ledger_accounts set balance = balance - ? where id = ?').bind(t.amount, t.debitAccount),
			d1.prepare('update ledger_accounts set balance = balance + ? where id = ?').bind(t.amount, t.creditAccount)
		);
	}
	await d1.batch(statements);
}

/** For the invariant checks: per unit, the sum of balances, and each balance against its transfers. */
export async function ledgerTotals(db: Db): Promise<{ byUnit: Array<{ unit: string; total: number }>; drift: Array<{ id: string; balance: number; computed: number }> }> {
	const d1 = db.$client;
	const byUnit = await d1.prepare('select unit, sum(balance) as total from ledger_accounts group by unit').all<{ unit: string; total: number }>();
	const drift = await d1
		.prepare(
			`select a.id, a.balance,
				coalesce((select sum(amount) from ledger_transfers where credit_account = a.id), 0)
				- coalesce((select sum(amount) from ledger_transfers where debit_account = a.id), 0) as computed
			 from ledger_accounts a`
		)
		.all<{ id: string; balance: number; computed: number }>();
	return { byUnit: byUnit.results, drift: drift.results.filter((r) => r.balance !== r.computed) };
}

