// The double-entry ledger.
import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Double-entry ledger accounts (cards, store revenue and tips, cash drawers, issuer float,
 * reward budget, points, settlement, node asset, fees, in-flight payments). `balance` caches
 * credits minus debits; the CHECK makes D1 refuse any write that takes an account below its
 * floor, which rolls back the whole batch the write was part of, so concurrent spends cannot
 * overdraw.
 */
export const ledgerAccounts = sqliteTable(
	'ledger_accounts',
	{
		id: text('id').primaryKey(),
		storeId: text('store_id'),
		kind: text('kind').notNull(),
		/** 'msat', a fiat code (minor units) or 'points'. */
		unit: text('unit').notNull(),
		/** The lowest balance allowed; null for accounts that may go negative (counter-accounts). */
		floor: integer('floor'),
		balance: integer('balance').notNull().default(0),
		reference: text('reference'),
		createdAt: integer('created_at').notNull()
	},
	(t) => [
		index('ledger_accounts_store').on(t.storeId, t.kind),
		check('ledger_floor', sql`${t.floor} is null or ${t.balance} >= ${t.floor}`)
	]
);

/** Transfers: client-supplied ids make posting idempotent; amounts are positive integers. */
export const ledgerTransfers = sqliteTable(
	'ledger_transfers',
	{
		id: text('id').primaryKey(),
		debitAccount: text('debit_account')
			.notNull()
			.references(() => ledgerAccounts.id),
		creditAccount: text('credit_account')
			.notNull()
			.references(() => ledgerAccounts.id),
		amount: integer('amount').notNull(),
		unit: text('unit').notNull(),
		kind: text('kind').notNull(),
		reference: text('reference'),
		/** The fiat value at the time, for reports: amount in minor units, currency, rate, source. */
		fiatAmount: integer('fiat_amount'),
		fiatCurrency: text('fiat_currency'),
		rate: text('rate'),
		rateSource: text('rate_source'),
		createdAt: integer('created_at').notNull()
	},
	(t) => [
		index('ledger_transfers_debit').on(t.debitAccount, t.createdAt),
		index('ledger_transfers_credit').on(t.creditAccount, t.createdAt),
		check('ledger_amount_positive', sql`${t.amount} > 0`),
		check('ledger_distinct_accounts', sql`${t.debitAccount} != ${t.creditAccount}`)
	]
);
