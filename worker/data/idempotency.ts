// Idempotency records: claim a key before acting, store the response after, replay it on retry.
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { idempotencyRecords } from '../db/schema';

export type IdempotencyRecord = typeof idempotencyRecords.$inferSelect;

export type Claim = { claimed: true } | { claimed: false; existing: IdempotencyRecord };

/**
 * Atomically claims (scope, key) for one request. The primary key makes the insert the lock:
 * of two concurrent requests with the same key exactly one inserts.
 */
export async function claimKey(
	db: Db,
	r: { scope: string; key: string; method: string; path: string; requestHash: string; now: number }
): Promise<Claim> {
	const inserted = await db
		.insert(idempotencyRecords)
		.values({
			scope: r.scope,
			key: r.key,
			method: r.method,
			path: r.path,
			requestHash: r.requestHash,
			createdAt: r.now
		})
		.onConflictDoNothing()
		.returning({ key: idempotencyRecords.key });
	if (inserted.length === 1) return { claimed: true };
	const existing = await db.query.idempotencyRecords.findFirst({
		where: and(eq(idempotencyRecords.scope, r.scope), eq(idempotencyRecords.key, r.key))
	});
	// Pruned between the insert and the read: claim again.
	if (!existing) return claimKey(db, r);
	return { claimed: false, existing };
}

/**
 * Takes over a claim whose request never finished (the worker was cut off), only if it is still
 * unfinished and older than `staleBefore`; one taker wins.
 */
export async function takeOverStaleClaim(
	db: Db,
	r: { scope: string; key: string; requestHash: string; staleBefore: number; now: number }
): Promise<boolean> {
	const rows = await db
		.update(idempotencyRecords)
		.set({ createdAt: r.now })
		.where(
			and(
				eq(idempotencyRecords.scope, r.scope),
				eq(idempotencyRecords.key, r.key),
				eq(idempotencyRecords.requestHash, r.requestHash),
				sql`${idempotencyRecords.status} is null`,
				lt(idempotencyRecords.createdAt, r.staleBefore)
			)
		)
		.returning({ key: idempotencyRecords.key });
	return rows.length === 1;
}

export async function storeResponse(
	db: Db,
	r: { scope: string; key: string; status: number; body: string; headers: Record<string, string> }
): Promise<void> {
	await db
		.update(idempotencyRecords)
		.set({ status: r.status, responseBody: r.body, responseHeaders: JSON.stringify(r.headers) })
		.where(and(eq(idempotencyRecords.scope, r.scope), eq(idempotencyRecords.key, r.key)));
}

/** Releases a claim so that a retry runs the request again (after a server-side failure). */
export async function releaseClaim(db: Db, r: { scope: string; key: string }): Promise<void> {
	await db
		.delete(idempotencyRecords)
		.where(
			and(
				eq(idempotencyRecords.scope, r.scope),
				eq(idempotencyRecords.key, r.key),
				sql`${idempotencyRecords.status} is null`
			)
		);
}

export async function pruneRecords(db: Db, olderThan: number): Promise<number> {
	const result = await db
		.delete(idempotencyRecords)
		.where(lt(idempotencyRecords.createdAt, olderThan))
		.run();
	return result.meta.changes;
}
