// Invoices, their payments, and the webhooks that report them.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { stores } from './stores';

/**
 * Invoices in Greenfield's model. The row is written before the node is asked for a Lightning
 * invoice (node_state 'creating'), so an invoice the node issued is never unknown to us.
 */
export const invoices = sqliteTable(
	'invoices',
	{
		id: text('id').primaryKey(),
		storeId: text('store_id')
			.notNull()
			.references(() => stores.id, { onDelete: 'cascade' }),
		/** New | Processing | Settled | Expired | Invalid */
		status: text('status').notNull(),
		/** None | PaidPartial | PaidOver | PaidLate | Marked | Invalid */
		additionalStatus: text('additional_status').notNull(),
		/** Standard | TopUp */
		type: text('type').notNull(),
		currency: text('currency').notNull(),
		/** The price in the invoice currency's minor units (sats for BTC and SATS). */
		amountMinor: integer('amount_minor').notNull(),
		/** Of which tip, recorded apart for accounting. */
		tipMinor: integer('tip_minor').notNull().default(0),
		/** What the customer must pay, fixed at creation: whole sats, rounded up. */
		amountMsat: integer('amount_msat').notNull(),
		paidMsat: integer('paid_msat').notNull().default(0),
		/** Fiat per BTC as a decimal string; null for BTC and SATS invoices. */
		rate: text('rate'),
		rateSource: text('rate_source'),
		rateTime: integer('rate_time'),
		metadata: text('metadata').notNull().default('{}'),
		checkout: text('checkout').notNull().default('{}'),
		orderId: text('order_id'),
		/** Greenfield's additionalSearchTerms and item description, lower-cased for textSearch. */
		searchText: text('search_text').notNull().default(''),
		nodeKind: text('node_kind').notNull(),
		testMode: integer('test_mode', { mode: 'boolean' }).notNull().default(false),
		/** creating | created | failed */
		nodeState: text('node_state').notNull(),
		nodeError: text('node_error'),
		bolt11: text('bolt11'),
		paymentHash: text('payment_hash'),
		createdAt: integer('created_at').notNull(),
		expiresAt: integer('expires_at').notNull(),
		monitoringExpiresAt: integer('monitoring_expires_at').notNull(),
		/** When a final status was reached (Settled, Invalid, or Expired past monitoring). */
		closedAt: integer('closed_at'),
		archived: integer('archived', { mode: 'boolean' }).notNull().default(false),
		createdBy: text('created_by'),
		/** The Flash Card a settled payment of this invoice tops up (a Lightning top-up). */
		cardTopupId: text('card_topup_id'),
		/**
		 * Optimistic concurrency: every change bumps `version` from the value it read and stamps
		 * `write_token`; the rows written with it (payments, webhook deliveries) are inserted only
		 * if the token is still theirs, so a losing concurrent writer leaves no trace.
		 */
		version: integer('version').notNull().default(0),
		writeToken: text('write_token')
	},
	(t) => [
		index('invoices_store_created').on(t.storeId, t.createdAt),
		index('invoices_store_order').on(t.storeId, t.orderId),
		index('invoices_open').on(t.closedAt, t.expiresAt),
		index('invoices_hash').on(t.paymentHash)
	]
);

/** Payments the node confirmed for an invoice; one row per node payment, never twice. */
export const invoicePayments = sqliteTable(
	'invoice_payments',
	{
		invoiceId: text('invoice_id')
			.notNull()
			.references(() => invoices.id, { onDelete: 'cascade' }),
		/** The node's id of the payment (for Lightning: payment hash plus part index). */
		id: text('id').notNull(),
		amountMsat: integer('amount_msat').notNull(),
		feeMsat: integer('fee_msat').notNull().default(0),
		destination: text('destination').notNull(),
		receivedAt: integer('received_at').notNull(),
		afterExpiration: integer('after_expiration', { mode: 'boolean' }).notNull().default(false)
	},
	(t) => [primaryKey({ columns: [t.invoiceId, t.id] })]
);

/** Outgoing webhooks (Greenfield). The secret is sealed; it is shown only on creation. */
export const webhooks = sqliteTable(
	'webhooks',
	{
		id: text('id').primaryKey(),
		storeId: text('store_id')
			.notNull()
			.references(() => stores.id, { onDelete: 'cascade' }),
		url: text('url').notNull(),
		sealedSecret: text('sealed_secret').notNull(),
		enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
		automaticRedelivery: integer('automatic_redelivery', { mode: 'boolean' }).notNull().default(true),
		/** JSON `{ everything, specificEvents }` */
		authorizedEvents: text('authorized_events').notNull(),
		createdAt: integer('created_at').notNull(),
		/** While set in the future, one sender owns this webhook's queue (keeps deliveries in order). */
		leaseUntil: integer('lease_until')
	},
	(t) => [index('webhooks_store').on(t.storeId)]
);

/**
 * One row per delivery attempt, as BTCPay keeps them: a retry is a new delivery pointing at the
 * original. `seq` orders the events of a webhook; a later event waits for the earlier ones.
 */
export const webhookDeliveries = sqliteTable(
	'webhook_deliveries',
	{
		id: text('id').primaryKey(),
		webhookId: text('webhook_id')
			.notNull()
			.references(() => webhooks.id, { onDelete: 'cascade' }),
		originalDeliveryId: text('original_delivery_id').notNull(),
		/** Event order within the webhook (shared by an original and its redeliveries). */
		seq: integer('seq').notNull(),
		attempt: integer('attempt').notNull(),
		type: text('type').notNull(),
		invoiceId: text('invoice_id'),
		/** `invoiceId/version/type` for automatic events; a fresh id for manual redeliveries. */
		eventKey: text('event_key').notNull(),
		body: text('body').notNull(),
		/** Pending | HttpSuccess | HttpError | Failed */
		status: text('status').notNull(),
		httpCode: integer('http_code'),
		errorMessage: text('error_message'),
		createdAt: integer('created_at').notNull(),
		nextAttemptAt: integer('next_attempt_at'),
		deliveredAt: integer('delivered_at'),
		/** Manual redelivery asked through the API (not counted against automatic retries). */
		manual: integer('manual', { mode: 'boolean' }).notNull().default(false)
	},
	(t) => [
		index('webhook_deliveries_webhook').on(t.webhookId, t.seq),
		/** One delivery per webhook, event and invoice version: a replayed change enqueues nothing. */
		uniqueIndex('webhook_deliveries_event').on(t.webhookId, t.eventKey, t.attempt),
		index('webhook_deliveries_due').on(t.status, t.nextAttemptAt)
	]
);
