// Stores: the store, its team, its node, its POS catalogue, and stored idempotent responses.
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './accounts';
import { createdAt } from './common';

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
