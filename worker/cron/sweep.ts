// The cron sweep (every minute): what must happen even when nobody is watching.
// - invoices whose creation at the node got no answer are asked about again (same label);
// - open invoices are brought up to date with their node and the clock (payments the live
//   polling missed, expiry, the end of monitoring);
// - webhook deliveries that are due (first attempts and retries) are sent;
// - idempotency records older than 24 hours, and finished webhook deliveries older than 60 days
//   (as BTCPay keeps them), are pruned;
// - outgoing payments whose outcome was unknown (card spends at other merchants) are looked up
//   at the node until definite, and settled Flash Card top-ups missing their credit get it.
import { database } from '../db/client';
import { webhookFetcher } from '../webhooks/outbound';
import { pruneRecords } from '../data/idempotency';
import { listOpenInvoices, listStuckCreations, listUncreditedTopups } from '../data/invoices';
import { creditLightningTopup } from '../cards/topup';
import { reconcileOutgoing } from '../payments/outgoing';
// Registers what ends a card tap when its payment resolves (see onOutgoingResolved).
import '../cards/withdraw';
import { findStore } from '../data/stores';
import { pruneDeliveries } from '../data/webhooks';
import type { WorkerEnv } from '../env';
import { askNode } from '../invoices/create';
import { syncInvoice } from '../invoices/sync';
import { publishInvoice } from '../live/publish';
import { IDEMPOTENCY_TTL_MS } from '../middleware/idempotency';
import { nodeFor } from '../nodes/registry';
import { sendDueWebhooks, type Fetcher } from '../webhooks/sender';

export type SweepReport = {
	idempotencyRecordsPruned: number;
	webhookDeliveriesPruned: number;
	creationsRetried: number;
	invoicesChecked: number;
	invoicesChanged: number;
	webhookDeliveriesSent: number;
	outgoingChecked: number;
	outgoingResolved: number;
	topupsCredited: number;
	errors: number;
};

/** A creation is retried once it has been without an answer this long. */
const STUCK_AFTER_MS = 60_000;
const BATCH = 200;
const DELIVERY_RETENTION_MS = 60 * 86_400_000;

export async function sweep(env: WorkerEnv, now: number, fetcher: Fetcher = webhookFetcher()): Promise<SweepReport> {
	const db = database(env.DB);
	const report: SweepReport = {
		idempotencyRecordsPruned: 0,
		webhookDeliveriesPruned: 0,
		creationsRetried: 0,
		invoicesChecked: 0,
		invoicesChanged: 0,
		webhookDeliveriesSent: 0,
		outgoingChecked: 0,
		outgoingResolved: 0,
		topupsCredited: 0,
		errors: 0
	};
	for (const row of await listStuckCreations(db, now - STUCK_AFTER_MS, BATCH)) {
		try {
			const store = await findStore(db, row.storeId);
			if (!store) continue;
			await askNode({ env, now }, await nodeFor(env, row.storeId), store, row.id);
			report.creationsRetried++;
		} catch (error) {
			report.errors++;
			console.error(JSON.stringify({ cron: 'creation', invoiceId: row.id, error: String(error) }));
		}
	}
	for (const row of await listOpenInvoices(db, BATCH)) {
		try {
			report.invoicesChecked++;
			const result = await syncInvoice(env, row.id, () => now);
			if (result?.changed) {
				report.invoicesChanged++;
				await publishInvoice(env, result.row);
			}
		} catch (error) {
			report.errors++;
			console.error(JSON.stringify({ cron: 'sync', invoiceId: row.id, error: String(error) }));
		}
	}
	try {
		const outgoing = await reconcileOutgoing(env, now);
		report.outgoingChecked = outgoing.checked;
		report.outgoingResolved = outgoing.resolved;
	} catch (error) {
		report.errors++;
		console.error(JSON.stringify({ cron: 'outgoing', error: String(error) }));
	}
	for (const row of await listUncreditedTopups(db, BATCH)) {
		try {
			if ((await creditLightningTopup(db, row, now))?.status === 'posted') report.topupsCredited++;
		} catch (error) {
			report.errors++;
			console.error(JSON.stringify({ cron: 'topup', invoiceId: row.id, error: String(error) }));
		}
	}
	report.webhookDeliveriesSent = await sendDueWebhooks(env, () => now, fetcher);
	report.idempotencyRecordsPruned = await pruneRecords(db, now - IDEMPOTENCY_TTL_MS);
	report.webhookDeliveriesPruned = await pruneDeliveries(db, now - DELIVERY_RETENTION_MS);
	return report;
}
