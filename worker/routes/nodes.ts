// The store's node: PUT/GET /api/v1/stores/{storeId}/node (settings in, never credentials
// out) and the simulated node's test wallet, POST …/node/simulate-payment.
import { Hono } from 'hono';
import { webhookFetcher } from '../webhooks/outbound';
import { nodeSettingsSchema, simulatePaymentSchema, type NodeConnectionData } from '../contract/nodes';
import { database } from '../db/client';
import { findInvoice, findInvoiceByPaymentHash } from '../data/invoices';
import { findStoreNode } from '../data/stores';
import { parseDecimal } from '../domain/money';
import type { AppEnv } from '../env';
import { ApiError, ValidationError } from '../errors';
import { storePermission } from '../auth/authorize';
import { STORE } from '../auth/permissions';
import { syncInvoice } from '../invoices/sync';
import { decodeInvoice, InvoiceDecodeError } from '../lightning/bolt11';
import { publishInvoice } from '../live/publish';
import { connectNode, nodeFor } from '../nodes/registry';
import { payWithTestWallet } from '../nodes/simulated';
import { validate } from '../validation';
import { sendDueWebhooks } from '../webhooks/sender';

async function connection(c: { env: AppEnv['Bindings'] }, storeId: string): Promise<NodeConnectionData> {
	const row = await findStoreNode(database(c.env.DB), storeId);
	if (!row) throw new ApiError('node-not-configured', 'This store has no Lightning node yet.');
	const info = await (await nodeFor(c.env, storeId)).info();
	return { kind: row.kind, testMode: row.kind === 'simulated', nodeId: info.nodeId, network: info.network, updated: Math.floor(row.updatedAt / 1000) };
}

export const nodeRoutes = new Hono<AppEnv>()
	.get('/stores/:storeId/node', storePermission(STORE.viewStoreSettings), async (c) => {
		return c.json(await connection(c, c.req.param('storeId')), 200);
	})
	.put('/stores/:storeId/node', storePermission(STORE.modifyStoreSettings), validate('json', nodeSettingsSchema), async (c) => {
		await connectNode(c.env, c.req.param('storeId'), c.req.valid('json'), Date.now());
		return c.json(await connection(c, c.req.param('storeId')), 200);
	})
	.post(
		'/stores/:storeId/node/simulate-payment',
		storePermission(STORE.createInvoice),
		validate('json', simulatePaymentSchema),
		async (c) => {
			const storeId = c.req.param('storeId');
			const input = c.req.valid('json');
			const node = await findStoreNode(database(c.env.DB), storeId);
			if (node?.kind !== 'simulated') {
				throw new ApiError('bad-request', 'Only a store on the simulated node has a test wallet; real nodes take real payments.');
			}
			let paymentHash: string;
			try {
				paymentHash = decodeInvoice(input.destination).paymentHash;
			} catch (error) {
				if (error instanceof InvoiceDecodeError) {
					throw new ValidationError([{ path: 'destination', message: error.message }]);
				}
				throw error;
			}
			const amountMsat = input.amount ? parseDecimal(input.amount, 3) : null;
			const now = Date.now();
			const outcome = await payWithTestWallet(database(c.env.DB), { storeId, paymentHash, amountMsat, late: input.late, now });
			if (!outcome.ok) {
				throw new ApiError(outcome.code === 'unknown-invoice' ? 'invoice-not-found' : 'invoice-not-payable', outcome.message);
			}
			// The payment is a hint: re-read the node and let the invoice follow from what it says.
			const invoice = await findInvoiceByPaymentHash(database(c.env.DB), storeId, paymentHash);
			if (invoice) {
				const result = await syncInvoice(c.env, invoice.id);
				if (result?.changed) {
					const work = Promise.all([publishInvoice(c.env, result.row), sendDueWebhooks(c.env, Date.now, webhookFetcher())]);
					try {
						c.executionCtx.waitUntil(work.catch((e) => console.error(String(e))));
					} catch {
						await work;
					}
				}
			}
			const current = invoice ? await findInvoice(database(c.env.DB), invoice.id) : undefined;
			return c.json(
				{
					paymentId: outcome.paymentId,
					paymentHash: outcome.paymentHash,
					amountMsat: outcome.amountMsat.toString(),
					invoiceId: current?.id ?? null,
					invoiceStatus: current?.status ?? null,
					invoiceAdditionalStatus: current?.additionalStatus ?? null
				},
				200
			);
		}
	);
