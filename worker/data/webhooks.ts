// Webhooks and their deliveries: the only place with SQL for webhooks and webhook_deliveries.
import { and, asc, desc, eq, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { webhookDeliveries, webhooks } from '../db/schema';

export type WebhookRow = typeof webhooks.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

export async function insertWebhook(db: Db, row: typeof webhooks.$inferInsert): Promise<void> {
	await db.insert(webhooks).values(row);
}

export async function findWebhook(db: Db, id: string): Promise<WebhookRow | undefined> {
	return db.query.webhooks.findFirst({ where: eq(webhooks.id, id) });
}

export async function listWebhooks(db: Db, storeId: string): Promise<WebhookRow[]> {
	return db.select().from(webhooks).where(eq(webhooks.storeId, storeId)).orderBy(asc(webhooks.createdAt));
}

export async function updateWebhook(db: Db, id: string, changes: Partial<typeof webhooks.$inferInsert>): Promise<WebhookRow | undefined> {
	const [row] = await db.update(webhooks).set(changes).where(eq(webhooks.id, id)).returning();
	return row;
}

export async function deleteWebhook(db: Db, id: string): Promise<boolean> {
	const rows = await db.delete(webhooks).where(eq(webhooks.id, id)).returning({ id: webhooks.id });
	return rows.length === 1;
}

export async function listDeliveries(db: Db, webhookId: string, limit: number): Promise<DeliveryRow[]> {
	return db
		.select()
		.from(webhookDeliveries)
		.where(eq(webhookDeliveries.webhookId, webhookId))
		.orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.seq), desc(webhookDeliveries.attempt))
		.limit(limit);
}

export async function findDelivery(db: Db, webhookId: string, id: string): Promise<DeliveryRow | undefined> {
	return db.query.webhookDeliveries.findFirst({
		where: and(eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.id, id))
	});
}

/** Webhooks with a pending delivery that is due now. */
export async function webhooksWithDueDeliveries(db: Db, now: number, limit: number): Promise<string[]> {
	const rows = await db
		.selectDistinct({ webhookId: webhookDeliveries.webhookId })
		.from(webhookDeliveries)
		.where(and(eq(webhookDeliveries.status, 'Pending'), lte(webhookDeliveries.nextAttemptAt, now)))
		.limit(limit);
	return rows.map((r) => r.webhookId);
}

/** Takes the webhook's sending lease; one sender at a time keeps deliveries in order. */
export async function takeLease(db: Db, webhookId: string, now: number, until: number): Promise<boolean> {
	const rows = await db
		.update(webhooks)
		.set({ leaseUntil: until })
		.where(and(eq(webhooks.id, webhookId), or(isNull(webhooks.leaseUntil), lt(webhooks.leaseUntil, now))))
		.returning({ id: webhooks.id });
	return rows.length === 1;
}

export async function releaseLease(db: Db, webhookId: string): Promise<void> {
	await db.update(webhooks).set({ leaseUntil: null }).where(eq(webhooks.id, webhookId));
}

/** The webhook's earliest undelivered event: later events wait for it. */
export async function firstPendingDelivery(db: Db, webhookId: string): Promise<DeliveryRow | undefined> {
	const [row] = await db
		.select()
		.from(webhookDeliveries)
		.where(and(eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.status, 'Pending')))
		.orderBy(asc(webhookDeliveries.seq), asc(webhookDeliveries.attempt))
		.limit(1);
	return row;
}

/**
 * Records an attempt's outcome and, if it is to be retried, the redelivery that follows it,
 * in one batch (the retry keeps the event's place in the webhook's order).
 */
export async function finishAttempt(
	db: Db,
	attempt: { id: string; status: string; httpCode: number | null; errorMessage: string | null; deliveredAt: number },
	retry: { id: string; webhookId: string; originalDeliveryId: string; seq: number; attempt: number; type: string; invoiceId: string | null; eventKey: string; body: string; createdAt: number; nextAttemptAt: number } | null
): Promise<void> {
	const finish = db
		.update(webhookDeliveries)
		.set({ status: attempt.status, httpCode: attempt.httpCode, errorMessage: attempt.errorMessage, deliveredAt: attempt.deliveredAt, nextAttemptAt: null })
		.where(and(eq(webhookDeliveries.id, attempt.id), eq(webhookDeliveries.status, 'Pending')));
	if (!retry) {
		await finish;
		return;
	}
	await db.batch([
		finish,
		db.insert(webhookDeliveries).values({ ...retry, status: 'Pending', manual: false }).onConflictDoNothing()
	]);
}

/** A manual redelivery: a new event at the end of the webhook's order. */
export async function insertManualRedelivery(
	db: Db,
	row: { id: string; webhookId: string; originalDeliveryId: string; type: string; invoiceId: string | null; body: string; createdAt: number }
): Promise<void> {
	await db.run(sql`insert into webhook_deliveries
		(id, webhook_id, original_delivery_id, seq, attempt, type, invoice_id, event_key, body, status, created_at, next_attempt_at, manual)
		select ${row.id}, ${row.webhookId}, ${row.originalDeliveryId},
			(select coalesce(max(seq), 0) + 1 from webhook_deliveries where webhook_id = ${row.webhookId}),
			0, ${row.type}, ${row.invoiceId}, ${'manual/' + row.id}, ${row.body}, 'Pending', ${row.createdAt}, ${row.createdAt}, 1`);
}

/** Forgets finished deliveries older than `before` (BTCPay keeps 60 days of them). */
export async function pruneDeliveries(db: Db, before: number): Promise<number> {
	const result = await db
		.delete(webhookDeliveries)
		.where(and(lt(webhookDeliveries.createdAt, before), sql`${webhookDeliveries.status} != 'Pending'`))
		.run();
	return result.meta.changes;
}
