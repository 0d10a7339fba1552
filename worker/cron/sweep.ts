// The cron sweep (every minute): what must happen even when nobody is watching.
// - invoices whose creation at the node got no answer are asked about again (same label);
// - open invoices are brought up to date with their node and the clock (payments the live
//   polling missed, expiry, the end of monitoring);
// - webhook deliveries that are due (first attempts and retries) are sent;
// - idempotency records older than 24 hours, and finished webhook deliveries older than 60 days
//   (as BTCPay keeps them), are pruned.
import { database } from '../db/client';
import { webhookFetcher } from '../webhooks/outbound';
import { pruneRecords } from '../data/idempotency';
import { listOpenInvoices, listStuckCreations } from '../data/invoices';
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
	report.webhookDeliveriesSent = await sendDueWebhooks(env, () => now, fetcher);
	report.idempotencyRecordsPruned = await pruneRecords(db, now - IDEMPOTENCY_TTL_MS);
	report.webhookDeliveriesPruned = await pruneDeliveries(db, now - DELIVERY_RETENTION_MS);
	return report;
}
