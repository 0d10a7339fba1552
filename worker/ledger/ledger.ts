// The double-entry ledger every money movement goes through (cards, rewards, refunds,
// settlement). Amounts are positive integers in the accounts' unit (msat, fiat minor units,
// points); a transfer moves an amount from its debit account to its credit account; an account's
// balance is its credits minus its debits, so the balances of each unit always sum to zero.
// Posting is idempotent by the client-supplied transfer id and atomic for a set of transfers;
// a transfer that would take an account below its floor is refused, whatever runs concurrently.
import type { Db } from '../db/client';
import { findAccounts, findTransfers, insertAccount, postBatch, type LedgerAccountRow, type LedgerTransferRow } from '../data/ledger';

export type AccountKind =
	| 'card'
	| 'store-revenue'
	| 'store-tips'
	| 'cash-drawer'
	| 'issuer-float'
	| 'reward-budget'
	| 'points'
	| 'settlement-receivable'
	| 'settlement-payable'
	| 'node-asset'
	| 'in-flight'
	| 'fees'
	| 'offline-overdraft';

export type TransferInput = {
	/** Client-supplied and unique: the same id posted twice moves money once. */
	id: string;
	debit: string;
	credit: string;
	amount: bigint;
	unit: string;
	kind: string;
	reference?: string | null;
	fiat?: { amountMinor: bigint; currency: string; rate: string | null; rateSource: string | null } | null;
};

export type PostResult =
	| { status: 'posted' }
	| { status: 'already-posted' }
	| { status: 'refused'; reason: 'insufficient-funds'; account: string };

export class LedgerError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'LedgerError';
	}
}

export async function openAccount(
	db: Db,
	account: { id: string; storeId: string | null; kind: AccountKind; unit: string; floor: bigint | null; reference?: string | null; now: number }
): Promise<void> {
	await insertAccount(db, {
		id: account.id,
		storeId: account.storeId,
		kind: account.kind,
		unit: account.unit,
		floor: account.floor === null ? null : Number(account.floor),
		balance: 0,
		reference: account.reference ?? null,
		createdAt: account.now
	});
}

function toRow(t: TransferInput, now: number): LedgerTransferRow {
	if (t.amount <= 0n) throw new LedgerError(`Transfer ${t.id}: the amount must be positive.`);
	if (t.amount > BigInt(Number.MAX_SAFE_INTEGER)) throw new LedgerError(`Transfer ${t.id}: the amount is too large.`);
	return {
		id: t.id,
		debitAccount: t.debit,
		creditAccount: t.credit,
		amount: Number(t.amount),
		unit: t.unit,
		kind: t.kind,
		reference: t.reference ?? null,
		fiatAmount: t.fiat ? Number(t.fiat.amountMinor) : null,
		fiatCurrency: t.fiat?.currency ?? null,
		rate: t.fiat?.rate ?? null,
		rateSource: t.fiat?.rateSource ?? null,
		createdAt: now
	};
}

const same = (a: LedgerTransferRow, b: LedgerTransferRow) =>
	a.debitAccount === b.debitAccount && a.creditAccount === b.creditAccount && a.amount === b.amount && a.unit === b.unit && a.kind === b.kind;

/**
 * Posts transfers together (all or none). Posting the same ids again with the same contents is
 * `already-posted`; the same id with other contents is an error (a bug in the caller).
 */
export async function post(db: Db, transfers: TransferInput[], now: number): Promise<PostResult> {
	if (transfers.length === 0) throw new LedgerError('Nothing to post.');
	const rows = transfers.map((t) => toRow(t, now));
	try {
		await postBatch(db, rows);
		return { status: 'posted' };
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		if (/UNIQUE constraint failed: ledger_transfers\.id/.test(message)) {
			const existing = await findTransfers(db, rows.map((r) => r.id));
			const all = rows.every((r) => existing.some((e) => e.id === r.id && same(e, r)));
			if (all) return { status: 'already-posted' };
			throw new LedgerError(`Transfer ids ${rows.map((r) => r.id).join(', ')} were used before for other transfers.`);
		}
		if (/ledger_floor/.test(message)) {
			// Which account ran short: the first debit whose balance cannot cover it now.
			const accounts = await findAccounts(db, rows.map((r) => r.debitAccount));
			const short = rows.find((r) => {
				const a = accounts.find((x) => x.id === r.debitAccount);
				return a && a.floor !== null && a.balance - r.amount < a.floor;
			});
			return { status: 'refused', reason: 'insufficient-funds', account: short?.debitAccount ?? rows[0]!.debitAccount };
		}
		if (/ledger_amount_positive/.test(message)) {
			const named = [...new Set(rows.flatMap((r) => [r.debitAccount, r.creditAccount]))];
			const found = await findAccounts(db, named);
			const missing = named.filter((x) => !found.some((a) => a.id === x));
			if (missing.length > 0) throw new LedgerError(`No ledger account ${missing.join(', ')}.`);
			throw new LedgerError('A transfer names an account of another unit.');
		}
		if (/FOREIGN KEY/.test(message)) throw new LedgerError('A transfer names an account that does not exist.');
		throw error;
	}
}

export async function balances(db: Db, ids: string[]): Promise<Map<string, bigint>> {
	return new Map((await findAccounts(db, ids)).map((a: LedgerAccountRow) => [a.id, BigInt(a.balance)]));
}
