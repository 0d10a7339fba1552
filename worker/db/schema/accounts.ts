// Accounts: users, browser sessions, invitations, API keys, terminals and cashier sessions, the audit log.
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { stores } from './stores';
import { createdAt } from './common';

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
