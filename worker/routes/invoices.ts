// Greenfield invoices: create and list per store, read, payment methods and manual marking by
// invoice id (both the short and the store-scoped paths, as BTCPay routes both).
import { Hono, type Context } from 'hono';
import { webhookFetcher } from '../webhooks/outbound';
import { createMiddleware } from 'hono/factory';
import { createInvoiceSchema, listInvoicesQuerySchema, markInvoiceStatusSchema } from '../contract/invoices';
import { database } from '../db/client';
import { applyInvoiceChange, findInvoice, listInvoicePayments, listInvoices, listPaymentsOf } from '../data/invoices';
import { findStore } from '../data/stores';
import { listWebhooks } from '../data/webhooks';
import { mark } from '../domain/invoice-state';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { invoicePermission, registerGuard, requirePermission, storePermission } from '../auth/authorize';
import { LIMITS, rateLimit } from '../auth/rate-limit';
import { STORE } from '../auth/permissions';
import { principalLabel, principalScope } from '../auth/principal';
import { createInvoice } from '../invoices/create';
import { toInvoiceData } from '../invoices/greenfield';
import { stateOf } from '../invoices/sync';
import { publishInvoice } from '../live/publish';
import { publicOrigin } from '../origin';
import { readSettings } from '../stores/store-data';
import { validate } from '../validation';
import { inBackground } from '../background';
import { audit } from '../auth/audit';
import { deliveriesFor } from '../webhooks/enqueue';
import { sendDueWebhooks } from '../webhooks/sender';

const asArray = <T>(v: T | T[] | undefined): T[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

async function readInvoice(c: Context<AppEnv>) {
	const row = c.get('invoice');
	const include = c.req.query('includePaymentMethods') === 'true';
	const payments = include ? await listInvoicePayments(database(c.env.DB), row.id) : undefined;
	return c.json(toInvoiceData(row, publicOrigin(c), payments), 200);
}

async function paymentMethods(c: Context<AppEnv>) {
	const row = c.get('invoice');
	const data = toInvoiceData(row, publicOrigin(c), await listInvoicePayments(database(c.env.DB), row.id));
	return c.json(data.paymentMethods ?? [], 200);
}

async function markStatus(c: Context<AppEnv>, target: 'Settled' | 'Invalid') {
	const db = database(c.env.DB);
	for (let attempt = 0; attempt < 3; attempt++) {
		const row = (await findInvoice(db, c.get('invoice').id))!;
		const result = mark(stateOf(row), target, Date.now());
		if (!result.ok) throw new ApiError('invalid-status-change', result.message);
		const applied = await applyInvoiceChange(db, {
			id: row.id,
			fromVersion: row.version,
			token: crypto.randomUUID(),
			set: { status: result.state.status, additionalStatus: result.state.additionalStatus, closedAt: result.state.closedAt },
			payments: [],
			deliveries: deliveriesFor(await listWebhooks(db, row.storeId), row, row.version + 1, result.events, Date.now())
		});
		if (applied) {
			const updated = (await findInvoice(db, row.id))!;
			await audit(c, { storeId: row.storeId, action: 'invoice.mark', target: row.id, details: { from: row.status, to: target } });
			void inBackground(c, Promise.all([publishInvoice(c.env, updated), sendDueWebhooks(c.env, Date.now, webhookFetcher())]));
			return c.json(toInvoiceData(updated, publicOrigin(c)), 200);
		}
	}
	throw new ApiError('conflict', 'The invoice changed while it was being marked; try again.');
}

/** Greenfield: creating needs cancreateinvoice, unless the store lets anyone create invoices. */
const invoiceCreation = registerGuard(
	createMiddleware<AppEnv>(async (c, next) => {
		const store = await findStore(database(c.env.DB), c.req.param('storeId') ?? '');
		if (!store || !readSettings(store).anyoneCanCreateInvoice) {
			await requirePermission(c, STORE.createInvoice, c.req.param('storeId') ?? null);
		} else {
			// Open to anyone, so bounded per caller.
			await rateLimit(c, `invoice:${store.id}:${principalScope(c.get('principal'))}`, LIMITS.anonymousInvoice);
		}
		await next();
	}),
	{ kind: 'store', permission: STORE.createInvoice, via: 'storeId' }
);

export const invoiceRoutes = new Hono<AppEnv>()
	.post('/stores/:storeId/invoices', invoiceCreation, validate('json', createInvoiceSchema), async (c) => {
		const store = await findStore(database(c.env.DB), c.req.param('storeId'));
		if (!store) throw new ApiError('store-not-found', 'The store could not be found.');
		const row = await createInvoice(
			{ env: c.env, now: Date.now(), createdBy: principalLabel(c.get('principal')), fetch: (input, init) => fetch(input, init) },
			store,
			c.req.valid('json')
		);
		void inBackground(c, sendDueWebhooks(c.env, Date.now, webhookFetcher()));
		return c.json(toInvoiceData(row, publicOrigin(c)), 200);
	})
	.get('/stores/:storeId/invoices', storePermission(STORE.viewInvoices), validate('query', listInvoicesQuerySchema), async (c) => {
		const q = c.req.valid('query');
		// Hono's query validator sees only the first value of a repeated key: read them all.
		const orderIds = c.req.queries('orderId') ?? asArray(q.orderId);
		const statuses = c.req.queries('status') ?? asArray(q.status);
		const db = database(c.env.DB);
		const rows = await listInvoices(db, {
			storeId: c.req.param('storeId'),
			orderIds,
			statuses,
			textSearch: q.textSearch,
			startMs: q.startDate === undefined ? undefined : q.startDate * 1000,
			endMs: q.endDate === undefined ? undefined : q.endDate * 1000 + 999,
			skip: q.skip,
			take: q.take
		});
		const payments = q.includePaymentMethods ? await listPaymentsOf(db, rows.map((r) => r.id)) : [];
		const origin = publicOrigin(c);
		return c.json(
			rows.map((r) => toInvoiceData(r, origin, q.includePaymentMethods ? payments.filter((p) => p.invoiceId === r.id) : undefined)),
			200
		);
	})
	.get('/invoices/:invoiceId', invoicePermission(STORE.viewInvoices), readInvoice)
	.get('/stores/:storeId/invoices/:invoiceId', invoicePermission(STORE.viewInvoices), readInvoice)
	.get('/invoices/:invoiceId/payment-methods', invoicePermission(STORE.viewInvoices), paymentMethods)
	.get('/stores/:storeId/invoices/:invoiceId/payment-methods', invoicePermission(STORE.viewInvoices), paymentMethods)
	.post('/invoices/:invoiceId/status', invoicePermission(STORE.modifyInvoices), validate('json', markInvoiceStatusSchema), (c) =>
		markStatus(c, c.req.valid('json').status)
	)
	.post('/stores/:storeId/invoices/:invoiceId/status', invoicePermission(STORE.modifyInvoices), validate('json', markInvoiceStatusSchema), (c) =>
		markStatus(c, c.req.valid('json').status)
	);
