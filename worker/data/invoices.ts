// Invoices and their payments: the only place with SQL for invoices and invoice_payments.
// Changes go through `applyInvoiceChange`: one D1 batch whose first statement bumps the
// invoice's version from the one read, and whose other statements only take effect if that
// bump was theirs (see the `write_token` column), so concurrent watchers never double-count.
import { and, asc, desc, eq, gte, inArray, isNull, like, lte, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { invoicePayments, invoices } from '../db/schema';

export type InvoiceRow = typeof invoices.$inferSelect;
export type InvoiceInsert = typeof invoices.$inferInsert;
export type InvoicePaymentRow = typeof invoicePayments.$inferSelect;

export type DeliveryInsert = {
	id: string;
	webhookId: string;
	type: string;
	eventKey: string;
	body: string;
	createdAt: number;
};

export async function insertInvoice(db: Db, row: InvoiceInsert): Promise<void> {
	await db.insert(invoices).values(row);
}

export async function findInvoice(db: Db, id: string): Promise<InvoiceRow | undefined> {
	return db.query.invoices.findFirst({ where: eq(invoices.id, id) });
}

export async function listInvoicePayments(db: Db, invoiceId: string): Promise<InvoicePaymentRow[]> {
	return db.select().from(invoicePayments).where(eq(invoicePayments.invoiceId, invoiceId)).orderBy(asc(invoicePayments.receivedAt));
}

export async function listPaymentsOf(db: Db, invoiceIds: string[]): Promise<InvoicePaymentRow[]> {
	if (invoiceIds.length === 0) return [];
	return db.select().from(invoicePayments).where(inArray(invoicePayments.invoiceId, invoiceIds)).orderBy(asc(invoicePayments.receivedAt));
}

/** Records what the node answered to the creation request (only while still 'creating'). */
export async function recordNodeInvoice(
	db: Db,
	id: string,
	result: { bolt11: string; paymentHash: string } | { error: string; now: number }
): Promise<boolean> {
	const changes =
		'bolt11' in result
			? { nodeState: 'created', bolt11: result.bolt11, paymentHash: result.paymentHash }
			: {
					nodeState: 'failed',
					nodeError: result.error,
					status: 'Invalid',
					additionalStatus: 'Invalid',
					closedAt: result.now
				};
	const rows = await db
		.update(invoices)
		.set({ ...changes, version: sql`${invoices.version} + 1` })
		.where(and(eq(invoices.id, id), eq(invoices.nodeState, 'creating')))
		.returning({ id: invoices.id });
	return rows.length === 1;
}

/**
 * Applies a computed change atomically: the invoice columns (only if its version is still
 * `fromVersion`), the newly recorded payments and the webhook deliveries of the change's events.
 * Returns false if another writer changed the invoice first (nothing was written then).
 */
export async function applyInvoiceChange(
	db: Db,
	change: {
		id: string;
		fromVersion: number;
		token: string;
		set: Partial<Pick<InvoiceRow, 'status' | 'additionalStatus' | 'paidMsat' | 'closedAt'>>;
		payments: InvoicePaymentRow[];
		deliveries: DeliveryInsert[];
	}
): Promise<boolean> {
	const d1 = db.$client;
	const columns = Object.entries({
		status: change.set.status,
		additional_status: change.set.additionalStatus,
		paid_msat: change.set.paidMsat,
		closed_at: change.set.closedAt
	}).filter(([, value]) => value !== undefined);
	const statements: D1PreparedStatement[] = [
		d1
			.prepare(
				`update invoices set ${columns.map(([name]) => `${name} = ?`).join(', ')}${columns.length ? ', ' : ''}version = ?, write_token = ?
				 where id = ? and version = ?`
			)
			.bind(...columns.map(([, value]) => value ?? null), change.fromVersion + 1, change.token, change.id, change.fromVersion)
	];
	const mine = 'exists (select 1 from invoices where id = ? and write_token = ?)';
	for (const p of change.payments) {
		statements.push(
			d1
				.prepare(
					`insert or ignore into invoice_payments (invoice_id, id, amount_msat, fee_msat, destination, received_at, after_expiration)
					 select ?, ?, ?, ?, ?, ?, ? where ${mine}`
				)
				.bind(p.invoiceId, p.id, p.amountMsat, p.feeMsat, p.destination, p.receivedAt, p.afterExpiration ? 1 : 0, change.id, change.token)
		);
	}
	for (const d of change.deliveries) {
		statements.push(deliveryStatement(d1, d, change.id, { sql: mine, params: [change.id, change.token] }));
	}
	const [first] = await d1.batch(statements);
	return first!.meta.changes === 1;
}

/**
 * A first delivery of an event, sequenced after the webhook's earlier events; with a
 * condition, it is written only if the condition holds (ties it to the batch's invoice change).
 */
export function deliveryStatement(
	d1: D1Database,
	d: DeliveryInsert,
	invoiceId: string | null,
	condition?: { sql: string; params: unknown[] }
): D1PreparedStatement {
	return d1
		.prepare(
			`insert or ignore into webhook_deliveries
			 (id, webhook_id, original_delivery_id, seq, attempt, type, invoice_id, event_key, body, status, created_at, next_attempt_at, manual)
			 select ?, ?, ?, (select coalesce(max(seq), 0) + 1 from webhook_deliveries where webhook_id = ?), 0, ?, ?, ?, ?, 'Pending', ?, ?, 0
			 where ${condition?.sql ?? '1'}`
		)
		.bind(d.id, d.webhookId, d.id, d.webhookId, d.type, invoiceId, d.eventKey, d.body, d.createdAt, d.createdAt, ...(condition?.params ?? []));
}

/** Enqueues deliveries that belong to no invoice change (InvoiceCreated). */
export async function insertDeliveries(db: Db, deliveries: DeliveryInsert[], invoiceId: string): Promise<void> {
	if (deliveries.length === 0) return;
	await db.$client.batch(deliveries.map((d) => deliveryStatement(db.$client, d, invoiceId)));
}

export type InvoiceFilter = {
	storeId: string;
	orderIds?: string[];
	statuses?: string[];
	textSearch?: string;
	startMs?: number;
	endMs?: number;
	skip: number;
	take: number;
};

export async function listInvoices(db: Db, f: InvoiceFilter): Promise<InvoiceRow[]> {
	const where: SQL[] = [eq(invoices.storeId, f.storeId), eq(invoices.archived, false)];
	if (f.orderIds && f.orderIds.length > 0) where.push(inArray(invoices.orderId, f.orderIds));
	if (f.statuses && f.statuses.length > 0) where.push(inArray(invoices.status, f.statuses));
	if (f.startMs !== undefined) where.push(gte(invoices.createdAt, f.startMs));
	if (f.endMs !== undefined) where.push(lte(invoices.createdAt, f.endMs));
	if (f.textSearch) {
		const term = `%${f.textSearch.toLowerCase().replace(/[%_\\]/g, (ch) => `\\${ch}`)}%`;
		where.push(or(sql`${invoices.searchText} like ${term} escape '\\'`, like(invoices.id, term))!);
	}
	return db
		.select()
		.from(invoices)
		.where(and(...where))
		.orderBy(desc(invoices.createdAt), desc(invoices.id))
		.limit(f.take)
		.offset(f.skip);
}

/** Invoices that still need watching (open, Lightning invoice issued), oldest first. */
export async function listOpenInvoices(db: Db, limit: number): Promise<InvoiceRow[]> {
	return db
		.select()
		.from(invoices)
		.where(and(isNull(invoices.closedAt), eq(invoices.nodeState, 'created')))
		.orderBy(asc(invoices.expiresAt))
		.limit(limit);
}

/** Invoices whose creation at the node never got an answer (the worker was cut off). */
export async function listStuckCreations(db: Db, startedBefore: number, limit: number): Promise<InvoiceRow[]> {
	return db
		.select()
		.from(invoices)
		.where(and(eq(invoices.nodeState, 'creating'), lt(invoices.createdAt, startedBefore)))
		.limit(limit);
}

export async function findInvoiceByPaymentHash(db: Db, storeId: string, paymentHash: string): Promise<InvoiceRow | undefined> {
	return db.query.invoices.findFirst({ where: and(eq(invoices.storeId, storeId), eq(invoices.paymentHash, paymentHash)) });
}

/** The invoice of any store on this deployment with this payment hash (card payments settle these internally). */
export async function findInvoiceByHashAnywhere(db: Db, paymentHash: string): Promise<InvoiceRow | undefined> {
	return db.query.invoices.findFirst({ where: eq(invoices.paymentHash, paymentHash) });
}

/** Settled Lightning top-ups of Flash Cards whose credit is not in the ledger yet. */
export async function listUncreditedTopups(db: Db, limit: number): Promise<InvoiceRow[]> {
	return db
		.select()
		.from(invoices)
		.where(
			and(
				sql`${invoices.cardTopupId} is not null`,
				eq(invoices.status, 'Settled'),
				sql`not exists (select 1 from ledger_transfers t where t.id = 'topup-ln:' || ${invoices.id})`
			)
		)
		.limit(limit);
}

/** Notes why the node has not answered a creation yet (the row stays 'creating' for the cron). */
export async function noteNodeError(db: Db, id: string, error: string): Promise<void> {
	await db.update(invoices).set({ nodeError: error.slice(0, 500) }).where(and(eq(invoices.id, id), eq(invoices.nodeState, 'creating')));
}
