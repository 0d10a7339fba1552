// Outgoing Lightning payments made through a store's node (card spends at other merchants,
// later refunds and settlement), and the NWC adapter's durable pay journal.
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * One payment, at most one per store and payment hash (never pay the same invoice twice). The
 * ledger reservation stays until the node's outcome is definite: `succeeded` or `failed`;
 * `pending` payments are looked up by the cron until they are.
 */
export const outgoingPayments = sqliteTable(
	'outgoing_payments',
	{
		id: text('id').primaryKey(),
		storeId: text('store_id').notNull(),
		paymentHash: text('payment_hash').notNull(),
		bolt11: text('bolt11').notNull(),
		amountMsat: integer('amount_msat').notNull(),
		maxFeeMsat: integer('max_fee_msat').notNull(),
		/** pending | succeeded | failed */
		status: text('status').notNull(),
		feeMsat: integer('fee_msat'),
		preimage: text('preimage'),
		failureReason: text('failure_reason'),
		/** What it pays for, e.g. 'card-tap:<k1>'. */
		source: text('source').notNull(),
		/** JSON: the ledger transfers that settle or release the reservation. */
		reservation: text('reservation').notNull(),
		attempts: integer('attempts').notNull().default(0),
		nextCheckAt: integer('next_check_at').notNull(),
		createdAt: integer('created_at').notNull(),
		updatedAt: integer('updated_at').notNull()
	},
	(t) => [uniqueIndex('outgoing_payments_hash').on(t.storeId, t.paymentHash), index('outgoing_payments_due').on(t.status, t.nextCheckAt)]
);

/** NIP-47 pay_invoice requests sent, per wallet and hash (see nodes/nwc-journal.ts). */
export const nwcPayJournal = sqliteTable('nwc_pay_journal', {
	key: text('key').primaryKey(),
	requestId: text('request_id').notNull(),
	sentAt: integer('sent_at').notNull(),
	expiresAt: integer('expires_at').notNull(),
	/** JSON of the definite outcome, null while the request could still be acted on. */
	outcome: text('outcome')
});
