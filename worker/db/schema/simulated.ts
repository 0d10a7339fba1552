// The simulated node's own books: invoices it issued, payments to and by its wallet.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** The simulated node's own books: invoices it issued, keyed by payment hash. */
export const simInvoices = sqliteTable(
	'sim_invoices',
	{
		paymentHash: text('payment_hash').primaryKey(),
		storeId: text('store_id').notNull(),
		/** The caller's idempotency label: asking again with the same label returns this invoice. */
		label: text('label').notNull(),
		bolt11: text('bolt11').notNull(),
		amountMsat: integer('amount_msat').notNull(),
		preimage: text('preimage').notNull(),
		description: text('description').notNull(),
		createdAt: integer('created_at').notNull(),
		expiresAt: integer('expires_at').notNull()
	},
	(t) => [uniqueIndex('sim_invoices_label').on(t.storeId, t.label)]
);

/** Payments made to simulated-node invoices by its test wallet. */
export const simPayments = sqliteTable(
	'sim_payments',
	{
		id: text('id').primaryKey(),
		paymentHash: text('payment_hash')
			.notNull()
			.references(() => simInvoices.paymentHash, { onDelete: 'cascade' }),
		amountMsat: integer('amount_msat').notNull(),
		paidAt: integer('paid_at').notNull()
	},
	(t) => [index('sim_payments_hash').on(t.paymentHash)]
);

/**
 * Payments the simulated node made (its wallet paying a BOLT 11 invoice). One row per payment
 * hash per store: a second request for the same hash reports this payment instead of paying.
 */
export const simOutgoing = sqliteTable(
	'sim_outgoing',
	{
		storeId: text('store_id').notNull(),
		paymentHash: text('payment_hash').notNull(),
		idempotencyKey: text('idempotency_key').notNull(),
		amountMsat: integer('amount_msat').notNull(),
		feeMsat: integer('fee_msat').notNull(),
		/** succeeded | failed */
		status: text('status').notNull(),
		preimage: text('preimage'),
		reason: text('reason'),
		createdAt: integer('created_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.storeId, t.paymentHash] })]
);
