// D1 schema (drizzle): the system of record. Times are Unix epoch milliseconds; money columns
// are integers (msat or fiat minor units), never REAL.
import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const createdAt = () =>
	integer('created_at')
		.notNull()
		.default(sql`(unixepoch('subsec') * 1000)`);

export const users = sqliteTable('users', {
	id: text('id').primaryKey(),
	/** Lower-cased; the login name. */
	email: text('email').notNull().unique(),
	name: text('name'),
	/** `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>` (see worker/auth/password.ts). */
	passwordHash: text('password_hash').notNull(),
	/** Greenfield's server admin (`btcpay.server.canmodifyserversettings`): the first user. */
	isAdmin: integer('is_admin', { mode: 'boolean' }).notNull().default(false),
	createdAt: createdAt(),
	/** Consecutive wrong passwords; at 5 and more each further try waits longer (lockedUntil). */
	failedLogins: integer('failed_logins').notNull().default(0),
	lockedUntil: integer('locked_until'),
	/** Sessions created before this time are void ("log out everywhere", password change). */
	sessionsValidAfter: integer('sessions_valid_after').notNull().default(0),
	/** The 4–6 digit PIN a cashier unlocks a paired terminal with (PBKDF2, like the password). */
	pinHash: text('pin_hash'),
	pinFailures: integer('pin_failures').notNull().default(0),
	/** Set after repeated wrong PINs; only a manager clears it. */
	pinLocked: integer('pin_locked', { mode: 'boolean' }).notNull().default(false)
});

export const stores = sqliteTable('stores', {
	id: text('id').primaryKey(),
	name: text('name').notNull(),
	defaultCurrency: text('default_currency').notNull(),
	invoiceExpirationSeconds: integer('invoice_expiration_seconds').notNull().default(900),
	/** Greenfield speed policy; meaningful for on-chain payments only. */
	speedPolicy: text('speed_policy').notNull().default('MediumSpeed'),
	/** Store settings as JSON; grows with later features without a migration each time. */
	settings: text('settings').notNull().default('{}'),
	createdAt: createdAt()
});

export const storeUsers = sqliteTable(
	'store_users',
	{
		storeId: text('store_id')
			.notNull()
			.references(() => stores.id, { onDelete: 'cascade' }),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		/** Owner, Manager, Employee (the cashier) or Guest, as Greenfield names store roles. */
		role: text('role').notNull(),
		createdAt: createdAt()
	},
	(t) => [primaryKey({ columns: [t.storeId, t.userId] }), index('store_users_user').on(t.userId)]
);

/**
 * Stored responses of POST requests, keyed by the caller's `Idempotency-Key`, so that a retried
 * request gets the first answer again instead of acting twice.
 */
export const idempotencyRecords = sqliteTable(
	'idempotency_records',
	{
		/** Who sent it (principal id, or `anonymous:<ip>`), so keys of different callers never clash. */
		scope: text('scope').notNull(),
		key: text('key').notNull(),
		method: text('method').notNull(),
		path: text('path').notNull(),
		/** SHA-256 of method, path and raw body: the same key with another request is refused. */
		requestHash: text('request_hash').notNull(),
		/** Null while the first request is still being handled. */
		status: integer('status'),
		responseBody: text('response_body'),
		responseHeaders: text('response_headers'),
		createdAt: createdAt()
	},
	(t) => [primaryKey({ columns: [t.scope, t.key] }), index('idempotency_created').on(t.createdAt)]
);

/**
 * Greenfield API keys. Only a SHA-256 hash of the key is stored; the key itself is shown once.
 * `permissions` is a JSON array of Greenfield permission strings, optionally `perm:storeId`.
 */
export const apiKeys = sqliteTable(
	'api_keys',
	{
		keyHash: text('key_hash').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		label: text('label').notNull(),
		permissions: text('permissions').notNull(),
		createdAt: createdAt(),
		revokedAt: integer('revoked_at')
	},
	(t) => [index('api_keys_user').on(t.userId)]
);

/** The node each store relays to. `config` holds the kind's settings, encrypted at rest. */
export const storeNodes = sqliteTable('store_nodes', {
	storeId: text('store_id')
		.primaryKey()
		.references(() => stores.id, { onDelete: 'cascade' }),
	kind: text('kind').notNull(),
	/** Sealed JSON (worker/secrets): credentials never leave the worker. */
	sealedConfig: text('sealed_config').notNull(),
	updatedAt: integer('updated_at').notNull()
});

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

/** Items a store sells from the POS product grid. */
export const products = sqliteTable(
	'products',
	{
		id: text('id').primaryKey(),
		storeId: text('store_id')
			.notNull()
			.references(() => stores.id, { onDelete: 'cascade' }),
		title: text('title').notNull(),
		description: text('description'),
		/** In the store's default currency's minor units at the time of editing. */
		priceMinor: integer('price_minor').notNull(),
		currency: text('currency').notNull(),
		category: text('category'),
		imageUrl: text('image_url'),
		position: integer('position').notNull().default(0),
		disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
		createdAt: integer('created_at').notNull(),
		updatedAt: integer('updated_at').notNull()
	},
	(t) => [index('products_store').on(t.storeId, t.position)]
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

/** Browser sessions (HttpOnly cookie); only the token's hash is stored. */
export const sessions = sqliteTable(
	'sessions',
	{
		tokenHash: text('token_hash').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		createdAt: integer('created_at').notNull(),
		expiresAt: integer('expires_at').notNull(),
		ip: text('ip'),
		userAgent: text('user_agent')
	},
	(t) => [index('sessions_user').on(t.userId)]
);

/** One-time invitations to join a store's team with a role. */
export const invites = sqliteTable('invites', {
	tokenHash: text('token_hash').primaryKey(),
	storeId: text('store_id')
		.notNull()
		.references(() => stores.id, { onDelete: 'cascade' }),
	role: text('role').notNull(),
	email: text('email'),
	createdBy: text('created_by').notNull(),
	createdAt: integer('created_at').notNull(),
	expiresAt: integer('expires_at').notNull(),
	usedAt: integer('used_at'),
	usedBy: text('used_by')
});

/** Tablets paired to a store; the device token (hashed) is revocable. */
export const terminals = sqliteTable(
	'terminals',
	{
		id: text('id').primaryKey(),
		storeId: text('store_id')
			.notNull()
			.references(() => stores.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		tokenHash: text('token_hash').notNull().unique(),
		/** Minutes without activity after which the cashier must enter the PIN again. */
		idleLockMinutes: integer('idle_lock_minutes').notNull().default(5),
		createdAt: integer('created_at').notNull(),
		createdBy: text('created_by').notNull(),
		lastSeenAt: integer('last_seen_at'),
		revokedAt: integer('revoked_at')
	},
	(t) => [index('terminals_store').on(t.storeId)]
);

/** One-time pairing codes a manager shows to a tablet (hashed; short-lived). */
export const pairingCodes = sqliteTable('pairing_codes', {
	codeHash: text('code_hash').primaryKey(),
	storeId: text('store_id')
		.notNull()
		.references(() => stores.id, { onDelete: 'cascade' }),
	terminalName: text('terminal_name').notNull(),
	createdBy: text('created_by').notNull(),
	createdAt: integer('created_at').notNull(),
	expiresAt: integer('expires_at').notNull(),
	usedAt: integer('used_at'),
	terminalId: text('terminal_id')
});

/** A cashier signed in on a terminal by PIN; ends on idle lock, sign-out or revocation. */
export const cashierSessions = sqliteTable(
	'cashier_sessions',
	{
		tokenHash: text('token_hash').primaryKey(),
		terminalId: text('terminal_id')
			.notNull()
			.references(() => terminals.id, { onDelete: 'cascade' }),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		createdAt: integer('created_at').notNull(),
		lastSeenAt: integer('last_seen_at').notNull(),
		endedAt: integer('ended_at')
	},
	(t) => [index('cashier_sessions_terminal').on(t.terminalId)]
);

/** Who did what, when and from where: every change of settings, roles, keys, nodes, cards. */
export const auditLog = sqliteTable(
	'audit_log',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		storeId: text('store_id'),
		/** user:<id> | key:<hash prefix> | terminal:<id> | cashier:<terminal>/<user> | anonymous */
		actor: text('actor').notNull(),
		action: text('action').notNull(),
		target: text('target'),
		details: text('details').notNull().default('{}'),
		ip: text('ip'),
		requestId: text('request_id'),
		at: integer('at').notNull()
	},
	(t) => [index('audit_store_at').on(t.storeId, t.at)]
);

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
