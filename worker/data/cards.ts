// The Flash Cards' SQL: issuers, cards, one-time links and taps. The statements that decide who
// wins a race are single conditional UPDATEs (D1 runs each statement atomically): consuming a
// tap counter, using a link, claiming a `k1` within the daily limit, counting PIN failures.
import { and, desc, eq, inArray, isNull, like, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { cardIssuers, cardLinks, cards, cardTaps } from '../db/schema';

export type CardIssuerRow = typeof cardIssuers.$inferSelect;
export type CardRow = typeof cards.$inferSelect;
export type CardLinkRow = typeof cardLinks.$inferSelect;
export type CardTapRow = typeof cardTaps.$inferSelect;

// ---- issuers ----

export async function findIssuer(db: Db, storeId: string): Promise<CardIssuerRow | undefined> {
	return db.query.cardIssuers.findFirst({ where: eq(cardIssuers.storeId, storeId) });
}

export async function listIssuers(db: Db): Promise<CardIssuerRow[]> {
	return db.select().from(cardIssuers);
}

/** Inserts unless the store has one already (two first cards at once keep the first key). */
export async function insertIssuer(db: Db, row: CardIssuerRow): Promise<void> {
	await db.insert(cardIssuers).values(row).onConflictDoNothing();
}

// ---- cards ----

export async function insertCards(db: Db, rows: CardRow[]): Promise<void> {
	// D1 limits bound parameters per statement; insert in slices.
	for (let i = 0; i < rows.length; i += 3) await db.insert(cards).values(rows.slice(i, i + 3));
}

export async function findCard(db: Db, storeId: string, id: string): Promise<CardRow | undefined> {
	return db.query.cards.findFirst({ where: and(eq(cards.storeId, storeId), eq(cards.id, id)) });
}

export async function findCardById(db: Db, id: string): Promise<CardRow | undefined> {
	return db.query.cards.findFirst({ where: eq(cards.id, id) });
}

export async function findCardByLookup(db: Db, storeId: string, lookupId: string): Promise<CardRow | undefined> {
	return db.query.cards.findFirst({ where: and(eq(cards.storeId, storeId), eq(cards.lookupId, lookupId)) });
}

export async function findCardByHolderToken(db: Db, tokenHash: string): Promise<CardRow | undefined> {
	return db.query.cards.findFirst({ where: eq(cards.holderTokenHash, tokenHash) });
}

/** Cards programmed from a QR whose chip has not tapped yet: the app never told us its UID. */
export async function listUnboundQrCards(db: Db, storeId: string, limit: number): Promise<CardRow[]> {
	return db
		.select()
		.from(cards)
		.where(and(eq(cards.storeId, storeId), eq(cards.programmedVia, 'qr'), isNull(cards.lookupId)))
		.orderBy(desc(cards.updatedAt))
		.limit(limit);
}

export type CardFilter = { storeId: string; search?: string; status?: string; skip: number; take: number };

export async function listCards(db: Db, f: CardFilter): Promise<CardRow[]> {
	const conditions = [eq(cards.storeId, f.storeId)];
	if (f.status) conditions.push(eq(cards.status, f.status));
	if (f.search) {
		const pattern = `%${f.search.replace(/[%_\\]/g, (m) => `\\${m}`)}%`;
		conditions.push(or(sql`${cards.label} like ${pattern} escape '\\'`, like(cards.id, pattern))!);
	}
	return db
		.select()
		.from(cards)
		.where(and(...conditions))
		.orderBy(desc(cards.createdAt))
		.limit(f.take)
		.offset(f.skip);
}

export async function cardStatusCounts(db: Db, storeId: string): Promise<Array<{ status: string; count: number }>> {
	return db
		.select({ status: cards.status, count: sql<number>`count(*)` })
		.from(cards)
		.where(eq(cards.storeId, storeId))
		.groupBy(cards.status);
}

/** Per currency: cards and the sum of their ledger balances (minor units). */
export async function cardFloat(db: Db, storeId: string): Promise<Array<{ currency: string; cards: number; balance: number }>> {
	const result = await db.$client
		.prepare(
			`select c.currency as currency, count(*) as cards, coalesce(sum(a.balance), 0) as balance
			 from cards c join ledger_accounts a on a.id = c.account_id
			 where c.store_id = ? and c.status != 'retired' group by c.currency order by c.currency`
		)
		.bind(storeId)
		.all<{ currency: string; cards: number; balance: number }>();
	return result.results;
}

export async function updateCard(db: Db, storeId: string, id: string, set: Partial<CardRow>): Promise<CardRow | undefined> {
	const rows = await db
		.update(cards)
		.set(set)
		.where(and(eq(cards.storeId, storeId), eq(cards.id, id)))
		.returning();
	return rows[0];
}

/**
 * Consumes a tap's counter: only a value strictly above the last one counts, once (the Go
 * server's Check_and_update_counter). False means a replay, or a concurrent tap got there first.
 */
export async function consumeCounter(db: Db, cardId: string, counter: number, now: number): Promise<boolean> {
	const result = await db.$client
		.prepare('update cards set last_counter = ?, last_used_at = ? where id = ? and last_counter < ?')
		.bind(counter, now, cardId, counter)
		.run();
	return result.meta.changes === 1;
}

/** The first verified tap of a QR-programmed card tells us its chip; bind it once. */
export async function bindCard(db: Db, cardId: string, uid: string, lookupId: string, now: number): Promise<boolean> {
	const result = await db.$client
		.prepare('update cards set uid = ?, lookup_id = ?, updated_at = ? where id = ? and lookup_id is null')
		.bind(uid, lookupId, now, cardId)
		.run();
	return result.meta.changes === 1;
}

export async function activateCard(db: Db, cardId: string, now: number): Promise<void> {
	await db.$client
		.prepare(`update cards set status = 'active', activated_at = ?, updated_at = ? where id = ? and status = 'pending'`)
		.bind(now, now, cardId)
		.run();
}

/**
 * Counts a wrong PIN; the third in a row blocks the card (lnurl/luds PR #200: invalidate after
 * three failures). Returns the failures so far and whether the card is now blocked.
 */
export async function countPinFailure(db: Db, cardId: string, now: number, blockAt: number): Promise<{ failures: number; blocked: boolean }> {
	const row = await db.$client
		.prepare(
			`update cards set pin_failures = pin_failures + 1, pin_blocked = (pin_failures + 1 >= ?), updated_at = ?
			 where id = ? returning pin_failures, pin_blocked`
		)
		.bind(blockAt, now, cardId)
		.first<{ pin_failures: number; pin_blocked: number }>();
	return { failures: row?.pin_failures ?? blockAt, blocked: Boolean(row?.pin_blocked ?? 1) };
}

export async function clearPinFailures(db: Db, cardId: string): Promise<void> {
	await db.$client.prepare('update cards set pin_failures = 0 where id = ? and pin_failures != 0').bind(cardId).run();
}

// ---- one-time links ----

export async function insertLink(db: Db, row: CardLinkRow): Promise<void> {
	await db.insert(cardLinks).values(row);
}

export async function findLink(db: Db, tokenHash: string): Promise<CardLinkRow | undefined> {
	return db.query.cardLinks.findFirst({ where: eq(cardLinks.tokenHash, tokenHash) });
}

/** Uses a link once: false if it was used (or expired) in the meantime. */
export async function useLink(db: Db, tokenHash: string, now: number): Promise<boolean> {
	const result = await db.$client
		.prepare('update card_links set used_at = ? where token_hash = ? and used_at is null and expires_at > ?')
		.bind(now, tokenHash, now)
		.run();
	return result.meta.changes === 1;
}

/** A new programming link replaces the card's unused ones of the same kind. */
export async function retireLinks(db: Db, cardId: string, kind: string, now: number): Promise<void> {
	await db.$client.prepare('update card_links set used_at = ? where card_id = ? and kind = ? and used_at is null').bind(now, cardId, kind).run();
}

// ---- taps ----

export async function insertTap(db: Db, row: CardTapRow): Promise<void> {
	await db.insert(cardTaps).values(row);
}

export async function findTap(db: Db, k1: string): Promise<CardTapRow | undefined> {
	return db.query.cardTaps.findFirst({ where: eq(cardTaps.k1, k1) });
}

export type TapClaim = {
	k1: string;
	cardId: string;
	bolt11: string;
	paymentHash: string;
	amount: number;
	amountMsat: number;
	now: number;
	dailyLimit: number | null;
	dayStart: number;
};

/**
 * Claims an open, unexpired `k1` for one invoice, atomically with the daily limit: the amounts
 * of the card's other claimed or paid taps in the window plus this one must fit. A retry of the
 * same claim (same invoice) succeeds again, so a callback cut off half-way can be finished.
 */
export async function claimTap(db: Db, c: TapClaim): Promise<boolean> {
	const result = await db.$client
		.prepare(
			`update card_taps set state = 'claimed', bolt11 = ?1, payment_hash = ?2, amount = ?3, amount_msat = ?4, claimed_at = ?5
			 where k1 = ?6
			   and ((state = 'open' and expires_at >= ?5) or (state = 'claimed' and payment_hash = ?2))
			   and (?7 is null or ?3 + (select coalesce(sum(amount), 0) from card_taps
			        where card_id = ?8 and state in ('claimed', 'paid') and claimed_at > ?9 and k1 != ?6) <= ?7)`
		)
		.bind(c.bolt11, c.paymentHash, c.amount, c.amountMsat, c.now, c.k1, c.dailyLimit, c.cardId, c.dayStart)
		.run();
	return result.meta.changes === 1;
}

/** Ends a claimed tap: paid, or failed/refused (which frees its share of the daily limit). */
export async function finishTap(db: Db, k1: string, state: 'paid' | 'failed' | 'refused', reason: string | null, now: number): Promise<void> {
	await db.$client
		.prepare(`update card_taps set state = ?, reason = ?, finished_at = ? where k1 = ? and state in ('open', 'claimed')`)
		.bind(state, reason, now, k1)
		.run();
}

/** What the card spent (claimed or paid) since `since`, in its minor units. */
export async function spentSince(db: Db, cardId: string, since: number): Promise<number> {
	const row = await db.$client
		.prepare(`select coalesce(sum(amount), 0) as spent from card_taps where card_id = ? and state in ('claimed', 'paid') and claimed_at > ?`)
		.bind(cardId, since)
		.first<{ spent: number }>();
	return row?.spent ?? 0;
}

export async function spentSinceMany(db: Db, cardIds: string[], since: number): Promise<Map<string, number>> {
	const out = new Map<string, number>();
	if (cardIds.length === 0) return out;
	const rows = await db
		.select({ cardId: cardTaps.cardId, spent: sql<number>`coalesce(sum(${cardTaps.amount}), 0)` })
		.from(cardTaps)
		.where(and(inArray(cardTaps.cardId, cardIds), inArray(cardTaps.state, ['claimed', 'paid']), sql`${cardTaps.claimedAt} > ${since}`))
		.groupBy(cardTaps.cardId);
	for (const r of rows) if (r.cardId) out.set(r.cardId, r.spent);
	return out;
}
