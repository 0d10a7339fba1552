// D1 schema (drizzle): the system of record. Times are Unix epoch milliseconds; money columns
// are integers (msat or fiat minor units), never REAL.
import { sql } from 'drizzle-orm';
import { integer, primaryKey, sqliteTable, text, index } from 'drizzle-orm/sqlite-core';

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
	createdAt: createdAt()
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
