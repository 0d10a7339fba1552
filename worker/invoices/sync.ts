// Brings an invoice up to date with its node and the clock: the single path by which payments
// are recorded and statuses change (node pushes, the test wallet, the Durable Object's polling
// and the cron all end here). What the node says is checked before it counts: the invoice it
// reports must carry our payment hash and amount, or nothing is credited.
import { database } from '../db/client';
import { applyInvoiceChange, findInvoice, listInvoicePayments, type InvoiceRow } from '../data/invoices';
import { findStore } from '../data/stores';
import { findTransfers } from '../data/ledger';
import { creditLightningTopup } from '../cards/topup';
import { listWebhooks } from '../data/webhooks';
import { advance, type InvoiceEvent, type InvoiceState, type InvoiceStatus, type AdditionalStatus, type ObservedPayment } from '../domain/invoice-state';
import { toSafeNumber } from '../domain/money';
import type { WorkerEnv } from '../env';
import { nodeFor } from '../nodes/registry';
import { deliveriesFor } from '../webhooks/enqueue';

export type SyncResult = { row: InvoiceRow; changed: boolean; events: InvoiceEvent[] };

export function stateOf(row: InvoiceRow): InvoiceState {
	const checkout = JSON.parse(row.checkout) as { paymentTolerance?: number };
	return {
		status: row.status as InvoiceStatus,
		additionalStatus: row.additionalStatus as AdditionalStatus,
		amountMsat: BigInt(row.amountMsat),
		paidMsat: BigInt(row.paidMsat),
		expiresAt: row.expiresAt,
		monitoringExpiresAt: row.monitoringExpiresAt,
		closedAt: row.closedAt,
		paymentTolerance: checkout.paymentTolerance ?? 0
	};
}

/**
 * A Flash Card payment settles the invoice inside the ledger (no Lightning hop): the transfer
 * crediting the store under the invoice's id (see cards/withdraw.ts) is the payment.
 */
async function cardPayments(env: WorkerEnv, row: InvoiceRow): Promise<ObservedPayment[]> {
	const [transfer] = await findTransfers(database(env.DB), [`invoice-card:${row.id}`]);
	return transfer ? [{ id: `flashcard:${row.id}`, amountMsat: BigInt(transfer.amount), receivedAt: transfer.createdAt }] : [];
}

async function observe(env: WorkerEnv, row: InvoiceRow): Promise<ObservedPayment[]> {
	const byCard = await cardPayments(env, row);
	try {
		return [...byCard, ...(await nodePayments(env, row))];
	} catch (error) {
		// A node that is down must not hold back a payment the ledger already made.
		if (byCard.length === 0) throw error;
		return byCard;
	}
}

async function nodePayments(env: WorkerEnv, row: InvoiceRow): Promise<ObservedPayment[]> {
	if (row.nodeState !== 'created' || !row.paymentHash) return [];
	const node = await nodeFor(env, row.storeId);
	if (node.kind !== row.nodeKind) return [];
	const seen = await node.lookupInvoice(row.paymentHash, { label: row.id });
	if (!seen) return [];
	if (seen.paymentHash !== row.paymentHash || seen.amountMsat !== BigInt(row.amountMsat)) {
		console.error(JSON.stringify({ invoiceId: row.id, problem: 'node reported a different invoice', hash: seen.paymentHash }));
		return [];
	}
	return seen.payments;
}

/**
 * Applies what the node and the clock say. Retries a few times if another writer got there
 * first (each retry re-reads both). `now` is injectable for tests.
 */
export async function syncInvoice(env: WorkerEnv, invoiceId: string, now: () => number = Date.now): Promise<SyncResult | null> {
	const db = database(env.DB);
	for (let attempt = 0; attempt < 4; attempt++) {
		const row = await findInvoice(db, invoiceId);
		if (!row) return null;
		if (row.closedAt !== null) return { row, changed: false, events: [] };
		const observed = await observe(env, row);
		const known = new Set((await listInvoicePayments(db, row.id)).map((p) => p.id));
		const result = advance(stateOf(row), observed, known, now());
		const s = result.state;
		const unchanged =
			result.payments.length === 0 &&
			result.events.length === 0 &&
			s.status === row.status &&
			s.additionalStatus === row.additionalStatus &&
			s.closedAt === row.closedAt;
		if (unchanged) return { row, changed: false, events: [] };

		const store = await findStore(db, row.storeId);
		const hooks = store ? await listWebhooks(db, store.id) : [];
		const applied = await applyInvoiceChange(db, {
			id: row.id,
			fromVersion: row.version,
			token: crypto.randomUUID(),
			set: { status: s.status, additionalStatus: s.additionalStatus, paidMsat: toSafeNumber(s.paidMsat), closedAt: s.closedAt },
			payments: result.payments.map((p) => ({
				invoiceId: row.id,
				id: p.id,
				amountMsat: toSafeNumber(p.amountMsat),
				feeMsat: 0,
				destination: row.bolt11 ?? '',
				receivedAt: p.receivedAt,
				afterExpiration: p.afterExpiration
			})),
			deliveries: deliveriesFor(hooks, row, row.version + 1, result.events, now())
		});
		if (applied) {
			const updated = (await findInvoice(db, row.id))!;
			// A Flash Card top-up is credited once settled (idempotent; the cron retries if cut off).
			if (updated.cardTopupId && updated.status === 'Settled') await creditLightningTopup(db, updated, now());
			return { row: updated, changed: true, events: result.events };
		}
	}
	throw new Error(`Invoice ${invoiceId} kept changing under concurrent updates.`);
}
