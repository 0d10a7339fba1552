// The simulated node's books in D1: its invoices and the payments its test wallet made.
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { simInvoices, simOutgoing, simPayments } from '../db/schema';

export type SimInvoiceRow = typeof simInvoices.$inferSelect;
export type SimPaymentRow = typeof simPayments.$inferSelect;

export async function findSimInvoiceByLabel(db: Db, storeId: string, label: string): Promise<SimInvoiceRow | undefined> {
	return db.query.simInvoices.findFirst({ where: and(eq(simInvoices.storeId, storeId), eq(simInvoices.label, label)) });
}

export async function findSimInvoice(db: Db, paymentHash: string): Promise<SimInvoiceRow | undefined> {
	return db.query.simInvoices.findFirst({ where: eq(simInvoices.paymentHash, paymentHash) });
}

/** Inserts unless the label exists; returns whether this call inserted it. */
export async function insertSimInvoice(db: Db, row: SimInvoiceRow): Promise<boolean> {
	const inserted = await db.insert(simInvoices).values(row).onConflictDoNothing().returning({ h: simInvoices.paymentHash });
	return inserted.length === 1;
}

export async function listSimPayments(db: Db, paymentHash: string): Promise<SimPaymentRow[]> {
	return db.select().from(simPayments).where(eq(simPayments.paymentHash, paymentHash)).orderBy(simPayments.paidAt);
}

/**
 * Records a test-wallet payment unless the invoice is already paid in full, in one statement,
 * so two payments racing for the same invoice cannot both complete it (a real node settles an
 * invoice once). Partial payments below the amount may add up.
 */
export async function insertSimPaymentIfOpen(
	db: Db,
	payment: SimPaymentRow,
	invoiceAmountMsat: number
): Promise<boolean> {
	const result = await db.run(
		sql`insert into sim_payments (id, payment_hash, amount_msat, paid_at)
			select ${payment.id}, ${payment.paymentHash}, ${payment.amountMsat}, ${payment.paidAt}
			where (select coalesce(sum(amount_msat), 0) from sim_payments where payment_hash = ${payment.paymentHash}) < ${invoiceAmountMsat}`
	);
	return result.meta.changes === 1;
}

export type SimOutgoingRow = typeof simOutgoing.$inferSelect;

export async function findSimOutgoing(db: Db, storeId: string, paymentHash: string): Promise<SimOutgoingRow | undefined> {
	return db.query.simOutgoing.findFirst({ where: and(eq(simOutgoing.storeId, storeId), eq(simOutgoing.paymentHash, paymentHash)) });
}

/**
 * The simulated wallet pays one of the simulated node's invoices, in one batch: the outgoing
 * payment is recorded only while the invoice is not yet paid in full and only once per hash, and
 * the incoming payment is written only with it (a fixed id, so a repeat adds nothing). Returns
 * the outgoing row as it stands after the batch (whoever wrote it).
 */
export async function paySimInvoice(
	db: Db,
	p: { storeId: string; paymentHash: string; idempotencyKey: string; amountMsat: number; preimage: string; invoiceAmountMsat: number; now: number }
): Promise<SimOutgoingRow | undefined> {
	const d1 = db.$client;
	const paymentId = `node:${p.storeId}:${p.paymentHash}`;
	await d1.batch([
		d1
			.prepare(
				`insert or ignore into sim_outgoing (store_id, payment_hash, idempotency_key, amount_msat, fee_msat, status, preimage, reason, created_at)
				 select ?, ?, ?, ?, 0, 'succeeded', ?, null, ?
				 where (select coalesce(sum(amount_msat), 0) from sim_payments where payment_hash = ?) < ?`
			)
			.bind(p.storeId, p.paymentHash, p.idempotencyKey, p.amountMsat, p.preimage, p.now, p.paymentHash, p.invoiceAmountMsat),
		d1
			.prepare(
				`insert or ignore into sim_payments (id, payment_hash, amount_msat, paid_at)
				 select ?, ?, ?, ? where exists (
					select 1 from sim_outgoing where store_id = ? and payment_hash = ? and status = 'succeeded')`
			)
			.bind(paymentId, p.paymentHash, p.amountMsat, p.now, p.storeId, p.paymentHash)
	]);
	return findSimOutgoing(db, p.storeId, p.paymentHash);
}

/** Records a definite failure (kept, so asking again gives the same answer). */
export async function recordSimFailure(
	db: Db,
	p: { storeId: string; paymentHash: string; idempotencyKey: string; amountMsat: number; reason: string; now: number }
): Promise<SimOutgoingRow> {
	await db
		.insert(simOutgoing)
		.values({ ...p, feeMsat: 0, status: 'failed', preimage: null, createdAt: p.now })
		.onConflictDoNothing();
	return (await findSimOutgoing(db, p.storeId, p.paymentHash))!;
}

/** Received on the store's simulated invoices minus paid out by its wallet. */
export async function simNetFlowMsat(db: Db, storeId: string): Promise<bigint> {
	const row = await db.$client
		.prepare(
			`select
				(select coalesce(sum(p.amount_msat), 0) from sim_payments p join sim_invoices i on i.payment_hash = p.payment_hash where i.store_id = ?1)
				- (select coalesce(sum(amount_msat + fee_msat), 0) from sim_outgoing where store_id = ?1 and status = 'succeeded') as net`
		)
		.bind(storeId)
		.first<{ net: number }>();
	return BigInt(row?.net ?? 0);
}
