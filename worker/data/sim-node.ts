// The simulated node's books in D1: its invoices and the payments its test wallet made.
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { simInvoices, simPayments } from '../db/schema';

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
