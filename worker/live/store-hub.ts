// One Durable Object per store: it pushes invoice changes to the screens watching them (the
// POS and the customer's page) over hibernating WebSockets, and while a screen shows an open
// invoice it asks the node about it on an alarm (every second at first, then every ten), so a
// payment shows within a second even from a node that pushes nothing. Invoices nobody is looking
// at are left to the minute cron. D1 stays the system of record: a message is the invoice's
// public view at that moment, and a reconnecting screen re-reads it over HTTP.
//
// For a store on Nostr Wallet Connect the object also follows the wallet's NIP-47
// `payment_received` notifications on its relay while a screen shows an invoice, and re-reads a
// watched invoice as soon as one names its payment hash (a hint only: syncInvoice asks the
// wallet with lookup_invoice). Polling stays on underneath for wallets that send none and for
// notifications the relay drops.
import { DurableObject } from 'cloudflare:workers';
import { webhookFetcher } from '../webhooks/outbound';
import type { CheckoutView } from '../contract/invoices';
import { database } from '../db/client';
import { findInvoice, findInvoiceByPaymentHash } from '../data/invoices';
import type { WorkerEnv } from '../env';
import { syncInvoice } from '../invoices/sync';
import type { NotificationFeed } from '../nodes/nwc-notifications';
import { followStoreNotifications } from '../nodes/registry';
import { publishInvoice } from './publish';
import { sendDueWebhooks } from '../webhooks/sender';

export type LiveMessage = { type: 'invoice'; invoice: CheckoutView } | { type: 'hello'; invoiceId: string | null };

/** Poll every second for this long after an invoice is shown, then every ten seconds. */
const FAST_POLL_MS = 5 * 60_000;
const FAST_INTERVAL_MS = 1_000;
const SLOW_INTERVAL_MS = 10_000;

type Watch = { since: number; until: number };

export class StoreHub extends DurableObject<WorkerEnv> {
	/** The NWC wallet's notifications, followed while something is watched (in memory only). */
	private feed: NotificationFeed | null = null;
	private feedOpening: Promise<void> | null = null;
	/** The store's node pushes nothing this way (not NWC); asked again once watching restarts. */
	private noFeed = false;
	/** Bumped when following stops, so a feed still opening then is closed, not kept. */
	private feedGeneration = 0;

	constructor(ctx: DurableObjectState, env: WorkerEnv) {
		super(ctx, env);
		// Answered by the runtime without waking the object, so idle screens cost nothing.
		this.ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
	}

	override async fetch(request: Request): Promise<Response> {
		if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
			return Response.json({ code: 'upgrade-required', message: 'Open this URL as a WebSocket.' }, { status: 426 });
		}
		const invoiceId = request.headers.get('x-flashpoint-invoice');
		const pair = new WebSocketPair();
		const [client, server] = [pair[0], pair[1]];
		this.ctx.acceptWebSocket(server, invoiceId ? [`invoice:${invoiceId}`] : ['store']);
		const hello: LiveMessage = { type: 'hello', invoiceId };
		server.send(JSON.stringify(hello));
		const until = Number(request.headers.get('x-flashpoint-watch-until'));
		if (invoiceId && until > Date.now()) await this.watch(invoiceId, until);
		return new Response(null, { status: 101, webSocket: client });
	}

	/** Sends an invoice's new view to the screens showing it; returns how many got it. */
	async publish(view: CheckoutView): Promise<number> {
		const text = JSON.stringify({ type: 'invoice', invoice: view } satisfies LiveMessage);
		let sent = 0;
		for (const socket of [...this.ctx.getWebSockets(`invoice:${view.id}`), ...this.ctx.getWebSockets('store')]) {
			try {
				socket.send(text);
				sent++;
			} catch {
				// Closed meanwhile; the runtime drops it.
			}
		}
		return sent;
	}

	/** Starts polling the node about an open invoice until `until` (its monitoring end). */
	async watch(invoiceId: string, until: number): Promise<void> {
		const now = Date.now();
		await this.ctx.storage.put<Watch>(`watch:${invoiceId}`, { since: now, until });
		const current = await this.ctx.storage.getAlarm();
		if (current === null || current > now + FAST_INTERVAL_MS) {
			await this.ctx.storage.setAlarm(now + FAST_INTERVAL_MS);
		}
		const row = await findInvoice(database(this.env.DB), invoiceId);
		if (row) await this.ctx.storage.put('store', row.storeId);
		// Not awaited: the screen's WebSocket must not wait for the wallet's relay.
		this.ctx.waitUntil(this.followNotifications());
	}

	/** Whether the wallet's notifications are being followed now (for tests and status). */
	async following(): Promise<boolean> {
		await this.feedOpening;
		return this.feed?.open ?? false;
	}

	/** Opens the notification feed unless it is open, opening, or the node has none. */
	private async followNotifications(): Promise<void> {
		if (this.feed?.open || this.noFeed) return;
		if (this.feedOpening) return this.feedOpening;
		const generation = this.feedGeneration;
		const opening = (async () => {
			const storeId = await this.ctx.storage.get<string>('store');
			if (!storeId) return;
			try {
				const hint = (paymentHash: string) => this.ctx.waitUntil(this.onPaymentHint(storeId, paymentHash));
				const feed = await followStoreNotifications(this.env, storeId, hint);
				if (generation !== this.feedGeneration) {
					// Nobody watches any more: the connection opened too late to be wanted.
					feed?.close();
					return;
				}
				this.feed = feed;
				if (!feed) this.noFeed = true;
			} catch (error) {
				// The relay is unreachable: polling carries on, and the next alarm tries again.
				console.error(JSON.stringify({ storeId, notifications: String(error) }));
			}
		})();
		this.feedOpening = opening.finally(() => {
			this.feedOpening = null;
		});
		return this.feedOpening;
	}

	private stopFollowing(): void {
		this.feedGeneration++;
		this.feed?.close();
		this.feed = null;
		this.noFeed = false;
	}

	/** A wallet said a payment arrived: re-read the invoice it names, if a screen shows it. */
	private async onPaymentHint(storeId: string, paymentHash: string): Promise<void> {
		try {
			const row = await findInvoiceByPaymentHash(database(this.env.DB), storeId, paymentHash);
			if (!row || (await this.ctx.storage.get<Watch>(`watch:${row.id}`)) === undefined) return;
			if (await this.refresh(row.id)) {
				await sendDueWebhooks(this.env, Date.now, webhookFetcher());
			}
		} catch (error) {
			console.error(JSON.stringify({ paymentHash, notification: String(error) }));
		}
	}

	/** Brings one invoice up to date and tells its screens; whether it changed. */
	private async refresh(invoiceId: string): Promise<boolean> {
		const result = await syncInvoice(this.env, invoiceId);
		if (result?.changed) await publishInvoice(this.env, result.row, this);
		return result?.changed ?? false;
	}

	async watching(): Promise<string[]> {
		return [...(await this.ctx.storage.list<Watch>({ prefix: 'watch:' })).keys()].map((k) => k.slice(6));
	}

	override async alarm(): Promise<void> {
		const now = Date.now();
		const watches = await this.ctx.storage.list<Watch>({ prefix: 'watch:' });
		let next: number | null = null;
		let anyChange = false;
		for (const [key, watch] of watches) {
			const invoiceId = key.slice(6);
			if (this.ctx.getWebSockets(`invoice:${invoiceId}`).length === 0) {
				// Nobody is looking any more: the cron keeps it up to date from here.
				await this.ctx.storage.delete(key);
				continue;
			}
			try {
				const result = await syncInvoice(this.env, invoiceId);
				if (result?.changed) {
					anyChange = true;
					await publishInvoice(this.env, result.row, this);
				}
				if (!result || result.row.closedAt !== null || now >= watch.until) {
					await this.ctx.storage.delete(key);
					continue;
				}
			} catch (error) {
				// A node that is down must not stop the others; the next alarm tries again.
				console.error(JSON.stringify({ invoiceId, alarm: String(error) }));
			}
			const interval = now - watch.since < FAST_POLL_MS ? FAST_INTERVAL_MS : SLOW_INTERVAL_MS;
			next = next === null ? now + interval : Math.min(next, now + interval);
		}
		if (anyChange) this.ctx.waitUntil(sendDueWebhooks(this.env, Date.now, webhookFetcher()).then(() => undefined));
		if (next !== null) {
			await this.ctx.storage.setAlarm(next);
			// Reopens the notification feed if the relay dropped it (or the object was evicted).
			this.ctx.waitUntil(this.followNotifications());
		} else {
			this.stopFollowing();
		}
	}

	override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
		if (message === 'status') socket.send(JSON.stringify({ type: 'status', connections: this.ctx.getWebSockets().length }));
	}

	override async webSocketClose(socket: WebSocket, code: number, reason: string): Promise<void> {
		// 1005 and 1006 report "no code" and "gone"; they may not be sent back.
		try {
			socket.close(code === 1005 || code === 1006 ? 1000 : code, reason);
		} catch {
			// Already closed.
		}
	}
}
