// Pushes an invoice's public view to its store's live hub.
import { database } from '../db/client';
import { listInvoicePayments, type InvoiceRow } from '../data/invoices';
import { findStore } from '../data/stores';
import type { WorkerEnv } from '../env';
import { toCheckoutView } from '../invoices/greenfield';
import type { StoreHub } from './store-hub';

export function hubOf(env: WorkerEnv, storeId: string): DurableObjectStub<StoreHub> {
	return env.STORE_HUB.getByName(storeId) as DurableObjectStub<StoreHub>;
}

/** `hub` is passed when called from inside the hub itself (no round trip). */
export async function publishInvoice(env: WorkerEnv, row: InvoiceRow, hub?: StoreHub): Promise<void> {
	const db = database(env.DB);
	const store = await findStore(db, row.storeId);
	const view = toCheckoutView(row, store?.name ?? '', await listInvoicePayments(db, row.id), Date.now());
	if (hub) await hub.publish(view);
	else await hubOf(env, row.storeId).publish(view);
}
