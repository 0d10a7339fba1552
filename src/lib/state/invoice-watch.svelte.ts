// Follows one invoice live: a WebSocket to /checkout/{id}/live that pushes every change, with
// reconnection (1 s doubling to 30 s), a re-read over HTTP on open, on reconnect and when the
// screen becomes visible again, and polling every 2 s while the socket is down, so no payment is
// missed. Also keeps the countdown on the server's clock (expiry − server time − time elapsed
// here on a monotonic clock), never the device's date.
import { ApiFailure, checkoutLiveUrl, getCheckout, type Checkout } from '../api';
import { invoicePhase, remainingMs, type InvoicePhase } from '../pos/invoice-phase';

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;
const POLL_MS = 2_000;
const PING_MS = 30_000;
const TICK_MS = 250;

export type LiveState = 'connecting' | 'open' | 'down';

export class InvoiceWatch {
	readonly invoiceId: string;
	view = $state.raw<Checkout | null>(null);
	/** Why the invoice could not be read, until a read succeeds. */
	failure = $state.raw<ApiFailure | null>(null);
	live = $state<LiveState>('connecting');
	/** performance.now() when the current view arrived, and a ticking now for the countdown. */
	#receivedAt = $state(0);
	#now = $state(0);

	readonly phase = $derived<InvoicePhase | null>(this.view ? invoicePhase(this.view) : null);
	readonly remaining = $derived(this.view ? remainingMs(this.view, this.#receivedAt, this.#now) : 0);

	#socket: WebSocket | null = null;
	#retryMs = FIRST_RETRY_MS;
	#timers = new Set<ReturnType<typeof setTimeout>>();
	#poll: ReturnType<typeof setInterval> | null = null;
	#ping: ReturnType<typeof setInterval> | null = null;
	#tick: ReturnType<typeof setInterval> | null = null;
	#stopped = false;

	constructor(invoiceId: string, initial?: Checkout) {
		this.invoiceId = invoiceId;
		if (initial) this.#apply(initial);
	}

	/** Starts following; returns the function that stops everything (sockets, timers, listeners). */
	start(): () => void {
		this.#stopped = false;
		this.#now = performance.now();
		this.#tick = setInterval(() => (this.#now = performance.now()), TICK_MS);
		document.addEventListener('visibilitychange', this.#onVisibility);
		window.addEventListener('online', this.#onOnline);
		void this.refresh();
		this.#connect();
		return () => this.stop();
	}

	stop(): void {
		this.#stopped = true;
		document.removeEventListener('visibilitychange', this.#onVisibility);
		window.removeEventListener('online', this.#onOnline);
		for (const timer of this.#timers) clearTimeout(timer);
		this.#timers.clear();
		this.#stopPolling();
		if (this.#ping) clearInterval(this.#ping);
		if (this.#tick) clearInterval(this.#tick);
		this.#ping = this.#tick = null;
		const socket = this.#socket;
		this.#socket = null;
		socket?.close(1000, 'done');
	}

	/** Re-reads the invoice over HTTP (the truth, whatever the socket missed). */
	async refresh(): Promise<void> {
		try {
			const view = await getCheckout(this.invoiceId);
			if (!this.#stopped) this.#apply(view);
		} catch (error) {
			if (this.#stopped) return;
			if (error instanceof ApiFailure && (this.view === null || error.code === 'invoice-not-found')) this.failure = error;
		}
	}

	/** A view that is older than the one shown (a slow poll after a push) is dropped. */
	#apply(view: Checkout): void {
		if (view.id !== this.invoiceId) return;
		if (this.view && view.serverTime < this.view.serverTime) return;
		this.view = view;
		this.#receivedAt = performance.now();
		this.#now = this.#receivedAt;
		this.failure = null;
	}

	#connect(): void {
		if (this.#stopped) return;
		this.live = this.live === 'down' ? 'down' : 'connecting';
		let socket: WebSocket;
		try {
			socket = new WebSocket(checkoutLiveUrl(this.invoiceId));
		} catch {
			this.#lost();
			return;
		}
		this.#socket = socket;
		socket.addEventListener('open', () => {
			if (this.#socket !== socket) return;
			this.live = 'open';
			this.#retryMs = FIRST_RETRY_MS;
			this.#stopPolling();
			// Whatever changed while connecting or while the socket was down.
			void this.refresh();
			if (this.#ping) clearInterval(this.#ping);
			this.#ping = setInterval(() => {
				if (socket.readyState === WebSocket.OPEN) socket.send('ping');
			}, PING_MS);
		});
		socket.addEventListener('message', (event) => {
			if (this.#socket !== socket || typeof event.data !== 'string' || event.data === 'pong') return;
			try {
				const message = JSON.parse(event.data) as { type?: string; invoice?: Checkout };
				if (message.type === 'invoice' && message.invoice) this.#apply(message.invoice);
			} catch {
				// Not ours to understand; the next push or poll brings the truth.
			}
		});
		socket.addEventListener('close', () => {
			if (this.#socket === socket) this.#lost();
		});
		socket.addEventListener('error', () => {
			// A 'close' follows; closing here makes sure of it.
			if (this.#socket === socket) socket.close();
		});
	}

	#lost(): void {
		this.#socket = null;
		if (this.#ping) clearInterval(this.#ping);
		this.#ping = null;
		if (this.#stopped) return;
		this.live = 'down';
		this.#startPolling();
		const wait = this.#retryMs;
		this.#retryMs = Math.min(MAX_RETRY_MS, this.#retryMs * 2);
		this.#later(() => this.#connect(), wait);
	}

	#later(run: () => void, ms: number): void {
		const timer = setTimeout(() => {
			this.#timers.delete(timer);
			run();
		}, ms);
		this.#timers.add(timer);
	}

	#startPolling(): void {
		if (this.#poll) return;
		this.#poll = setInterval(() => void this.refresh(), POLL_MS);
	}

	#stopPolling(): void {
		if (this.#poll) clearInterval(this.#poll);
		this.#poll = null;
	}

	#onVisibility = (): void => {
		if (document.visibilityState !== 'visible') return;
		void this.refresh();
		this.#reconnectNow();
	};

	#onOnline = (): void => {
		void this.refresh();
		this.#reconnectNow();
	};

	/** Back in view or back online: do not wait out the back-off to reconnect. */
	#reconnectNow(): void {
		if (this.#socket || this.#stopped) return;
		for (const timer of this.#timers) clearTimeout(timer);
		this.#timers.clear();
		this.#retryMs = FIRST_RETRY_MS;
		this.#connect();
	}
}
