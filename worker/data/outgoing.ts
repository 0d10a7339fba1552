// SQL of outgoing payments: one row per store and payment hash, so the same invoice is never
// paid twice by one store, whatever retries or races.
import { and, eq, lte } from 'drizzle-orm';
import type { Db } from '../db/client';
import { outgoingPayments } from '../db/schema';

export type OutgoingPaymentRow = typeof outgoingPayments.$inferSelect;

/** Inserts unless the store already pays this hash; returns the row that is recorded. */
export async function claimOutgoing(db: Db, row: OutgoingPaymentRow): Promise<OutgoingPaymentRow> {
	await db.insert(outgoingPayments).values(row).onConflictDoNothing();
	return (await db.query.outgoingPayments.findFirst({
		where: and(eq(outgoingPayments.storeId, row.storeId), eq(outgoingPayments.paymentHash, row.paymentHash))
	}))!;
}

export async function findOutgoing(db: Db, id: string): Promise<OutgoingPaymentRow | undefined> {
	return db.query.outgoingPayments.findFirst({ where: eq(outgoingPayments.id, id) });
}

/** Moves a pending payment to its outcome once; false if something else resolved it first. */
export async function resolveOutgoing(
	db: Db,
	id: string,
	set: Pick<OutgoingPaymentRow, 'status' | 'feeMsat' | 'preimage' | 'failureReason' | 'updatedAt'>
): Promise<boolean> {
	const rows = await db
		.update(outgoingPayments)
		.set(set)
		.where(and(eq(outgoingPayments.id, id), eq(outgoingPayments.status, 'pending')))
		.returning({ id: outgoingPayments.id });
	return rows.length === 1;
}

export async function scheduleCheck(db: Db, id: string, attempts: number, nextCheckAt: number, now: number): Promise<void> {
	await db.update(outgoingPayments).set({ attempts, nextCheckAt, updatedAt: now }).where(and(eq(outgoingPayments.id, id), eq(outgoingPayments.status, 'pending')));
}

export async function listDueOutgoing(db: Db, now: number, limit: number): Promise<OutgoingPaymentRow[]> {
	return db
		.select()
		.from(outgoingPayments)
		.where(and(eq(outgoingPayments.status, 'pending'), lte(outgoingPayments.nextCheckAt, now)))
		.limit(limit);
}
