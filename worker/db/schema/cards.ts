// Flash Cards (Bolt Card standard): the issuer key of each store, the cards, their one-time
// programming and reset links, and the taps (LUD-03 `k1` values) they make.
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { stores } from './stores';

/**
 * A store's card issuer: the IssuerKey every card key derives from (DETERMINISTIC.md), sealed
 * with SECRETS_KEY, and the unit new cards are denominated in ('SATS' or a fiat code).
 */
export const cardIssuers = sqliteTable('card_issuers', {
	storeId: text('store_id')
		.primaryKey()
		.references(() => stores.id, { onDelete: 'cascade' }),
	issuerKeySealed: text('issuer_key_sealed').notNull(),
	currency: text('currency').notNull(),
	createdAt: integer('created_at').notNull()
});

/**
 * One card. `keyUid` is the UID the keys derive from: the chip's UID when it was programmed
 * through the deeplink flow (the app sends it), a random stand-in when programmed from a QR (the
 * app never says which chip it wrote). `lookupId` = PRF(IssuerKey, 2d003f7b ‖ chip UID), set on
 * the first verified tap, is how a tap finds its card. `lastCounter` only ever grows.
 */
export const cards = sqliteTable(
	'cards',
	{
		id: text('id').primaryKey(),
		storeId: text('store_id')
			.notNull()
			.references(() => stores.id, { onDelete: 'cascade' }),
		label: text('label'),
		/** 'SATS' (ledger unit msat) or an ISO 4217 code (ledger unit: its minor units). */
		currency: text('currency').notNull(),
		/** pending | active | frozen | retired */
		status: text('status').notNull(),
		/** Who froze it: 'merchant' or 'cardholder' (a cardholder may unfreeze only their own). */
		frozenBy: text('frozen_by'),
		accountId: text('account_id').notNull(),
		keyUid: text('key_uid'),
		keyVersion: integer('key_version').notNull().default(0),
		/** 'deeplink' | 'qr' | null while never programmed. */
		programmedVia: text('programmed_via'),
		uid: text('uid'),
		lookupId: text('lookup_id'),
		lastCounter: integer('last_counter').notNull().default(-1),
		/** Limits in the card's minor units (msat for SATS cards); null for none. */
		perTapLimit: integer('per_tap_limit'),
		dailyLimit: integer('daily_limit'),
		pinHash: text('pin_hash'),
		pinLimit: integer('pin_limit'),
		pinFailures: integer('pin_failures').notNull().default(0),
		pinBlocked: integer('pin_blocked', { mode: 'boolean' }).notNull().default(false),
		/** SHA-256 of the cardholder link's secret (the printed QR for balance without a tap). */
		holderTokenHash: text('holder_token_hash'),
		batchId: text('batch_id'),
		replacedBy: text('replaced_by'),
		createdAt: integer('created_at').notNull(),
		updatedAt: integer('updated_at').notNull(),
		activatedAt: integer('activated_at'),
		lastUsedAt: integer('last_used_at'),
		wipedAt: integer('wiped_at')
	},
	(t) => [
		uniqueIndex('cards_lookup').on(t.storeId, t.lookupId),
		index('cards_store_created').on(t.storeId, t.createdAt),
		index('cards_holder').on(t.holderTokenHash)
	]
);

/** One-time links for the Bolt Card NFC Programmer app: 'program' and 'reset'. Stored hashed. */
export const cardLinks = sqliteTable(
	'card_links',
	{
		tokenHash: text('token_hash').primaryKey(),
		cardId: text('card_id')
			.notNull()
			.references(() => cards.id, { onDelete: 'cascade' }),
		kind: text('kind').notNull(),
		expiresAt: integer('expires_at').notNull(),
		usedAt: integer('used_at'),
		createdAt: integer('created_at').notNull()
	},
	(t) => [index('card_links_card').on(t.cardId)]
);

/**
 * A verified tap: the LUD-03 `k1` it was answered with (single use, short-lived) and what became
 * of it. `state`: open → claimed (an invoice is being paid) → paid | failed; or expired/refused.
 * Taps of other issuers' cards read at our POS have no card and keep the foreign callback.
 */
export const cardTaps = sqliteTable(
	'card_taps',
	{
		k1: text('k1').primaryKey(),
		cardId: text('card_id').references(() => cards.id, { onDelete: 'cascade' }),
		storeId: text('store_id'),
		counter: integer('counter'),
		/** lnurl (a wallet or POS asked for a withdrawRequest) | balance | pos */
		purpose: text('purpose').notNull(),
		state: text('state').notNull(),
		bolt11: text('bolt11'),
		paymentHash: text('payment_hash'),
		/** Debited from the card, in its minor units, and the invoice's amount. */
		amount: integer('amount'),
		amountMsat: integer('amount_msat'),
		reason: text('reason'),
		foreignCallback: text('foreign_callback'),
		createdAt: integer('created_at').notNull(),
		expiresAt: integer('expires_at').notNull(),
		claimedAt: integer('claimed_at'),
		finishedAt: integer('finished_at')
	},
	(t) => [index('card_taps_card').on(t.cardId, t.claimedAt)]
);
