// What the customer's page (/i/{invoiceId}) and the POS read without signing in: the invoice's
// public view, and a WebSocket that pushes its changes. Invoice ids are unguessable (16 random
// bytes), which is what BTCPay's public checkout relies on as well.
import { Hono } from 'hono';
import { database } from '../db/client';
import { findInvoice, listInvoicePayments } from '../data/invoices';
import { findStore } from '../data/stores';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { publicRoute } from '../auth/authorize';
import { toCheckoutView } from '../invoices/greenfield';
import { syncInvoice } from '../invoices/sync';
import { hubOf } from '../live/publish';

/** A Lightning payment can arrive a little after expiry (a slow route); watch that long after. */
const WATCH_AFTER_EXPIRY_MS = 10 * 60_000;

export const checkoutRoutes = new Hono<AppEnv>()
	.get('/checkout/:invoiceId', publicRoute, async (c) => {
		const db = database(c.env.DB);
		let row = await findInvoice(db, c.req.param('invoiceId'));
		if (!row) throw new ApiError('invoice-not-found', 'This invoice does not exist; check the link.');
		// A screen coming back (reload, reconnect, visibilitychange) gets the truth, not a cache.
		if (row.closedAt === null) row = (await syncInvoice(c.env, row.id))?.row ?? row;
		const store = await findStore(db, row.storeId);
		c.header('Cache-Control', 'no-store');
		return c.json(toCheckoutView(row, store?.name ?? '', await listInvoicePayments(db, row.id), Date.now()), 200);
	})
	.get('/checkout/:invoiceId/live', publicRoute, async (c) => {
		if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
			throw new ApiError('bad-request', 'Open this URL as a WebSocket to follow the invoice.');
		}
		const row = await findInvoice(database(c.env.DB), c.req.param('invoiceId'));
		if (!row) throw new ApiError('invoice-not-found', 'This invoice does not exist; check the link.');
		const headers = new Headers(c.req.raw.headers);
		headers.set('x-flashpoint-invoice', row.id);
		// Watched (the node polled every second) while a screen shows it and it can still be paid.
		if (row.closedAt === null) headers.set('x-flashpoint-watch-until', String(Math.min(row.monitoringExpiresAt, row.expiresAt + WATCH_AFTER_EXPIRY_MS)));
		return hubOf(c.env, row.storeId).fetch(new Request(c.req.raw.url, { headers }));
	});
