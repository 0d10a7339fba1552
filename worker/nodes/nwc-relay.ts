// The NWC transport: one relay WebSocket speaking NIP-01 client messages (REQ, EVENT, CLOSE).
import type { NodeDeps, WebSocketLike } from './nwc-connection';
import { bytesToHex } from '@noble/hashes/utils.js';
import { NodeHttpError } from './http';
import type { NostrEvent } from './nostr';

// ---------------------------------------------------------------------------------------------
// Transport

/** The request was not delivered to the relay: nothing can have been acted on. */
export class NotDeliveredError extends NodeHttpError {
	constructor(message: string) {
		super('node-unavailable', 'refusal', message);
	}
}

/** No answer in time (or the connection dropped): what happened is unknown. */
export function silence(message: string): NodeHttpError {
	return new NodeHttpError('node-unavailable', 'timeout', message);
}

export type Filter = {
	kinds: number[];
	authors?: string[];
	'#e'?: string[];
	'#p'?: string[];
	since?: number;
	limit?: number;
};
export type Subscription = {
	onEvent(event: unknown): void;
	onEose(): void;
	onEnd(reason: string): void;
};

export function randomId(): string {
	return bytesToHex(crypto.getRandomValues(new Uint8Array(8)));
}

/** One relay connection speaking NIP-01 client messages (REQ, EVENT, CLOSE). */
export class RelayConnection {
	private readonly subscriptions = new Map<string, Subscription>();
	private readonly okHandlers = new Map<string, (accepted: boolean, message: string) => void>();
	private ended: string | null = null;

	constructor(private readonly socket: WebSocketLike) {
		socket.addEventListener('message', (event) => this.receive(event.data));
		socket.addEventListener('close', () => this.end('the relay closed the connection'));
		socket.addEventListener('error', () => this.end('the connection to the relay failed'));
	}

	get open(): boolean {
		return this.ended === null;
	}

	close(): void {
		this.end('closed');
		try {
			this.socket.close(1000, 'done');
		} catch {
			// Already closed.
		}
	}

	/**
	 * Subscribes to `filter`, publishes `request`, and resolves with the first event `accept`
	 * turns into a value. Rejects with NotDeliveredError if the request never left or the relay
	 * refused it (NIP-01 `OK` false), and with a plain `node-unavailable` error on a timeout or
	 * a dropped connection, when the outcome is unknown.
	 */
	exchange<T>(
		request: NostrEvent,
		filter: Filter,
		accept: (event: unknown) => T | undefined,
		timeoutMs: number
	): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			const subId = randomId();
			let settled = false;
			let timer: ReturnType<typeof setTimeout> | undefined;
			const finish = (done: () => void) => {
				if (settled) return;
				settled = true;
				clearTimeout(timer);
				this.okHandlers.delete(request.id);
				this.unsubscribe(subId);
				done();
			};
			const fail = (error: Error) => finish(() => reject(error));
			timer = setTimeout(() => {
				const seconds = timeoutMs / 1000;
				fail(silence(`no answer from the wallet within ${seconds} s`));
			}, timeoutMs);
			this.subscriptions.set(subId, {
				onEvent: (event) => {
					const value = accept(event);
					if (value !== undefined) finish(() => resolve(value));
				},
				onEose: () => {},
				onEnd: (reason) => fail(silence(reason))
			});
			this.okHandlers.set(request.id, (accepted, message) => {
				if (accepted) return;
				const why = message || 'no reason given';
				fail(new NotDeliveredError(`the relay refused the request (${why})`));
			});
			if (!this.open) {
				fail(new NotDeliveredError(this.ended ?? 'the relay connection is closed'));
				return;
			}
			try {
				// NIP-01: a relay handles one connection's messages in order, so the subscription
				// exists before the wallet can answer the request.
				this.socket.send(JSON.stringify(['REQ', subId, filter]));
				this.socket.send(JSON.stringify(['EVENT', request]));
			} catch (error) {
				fail(new NotDeliveredError(`the request could not be sent (${String(error)})`));
			}
		});
	}

	/** Stored events matching `filter`, up to the relay's EOSE (or the timeout). */
	query(filter: Filter, timeoutMs: number): Promise<unknown[]> {
		return new Promise((resolve) => {
			const subId = randomId();
			const events: unknown[] = [];
			let timer: ReturnType<typeof setTimeout> | undefined;
			const done = () => {
				clearTimeout(timer);
				this.unsubscribe(subId);
				resolve(events);
			};
			timer = setTimeout(done, timeoutMs);
			this.subscriptions.set(subId, {
				onEvent: (event) => events.push(event),
				onEose: done,
				onEnd: done
			});
			try {
				this.socket.send(JSON.stringify(['REQ', subId, filter]));
			} catch {
				done();
			}
		});
	}

	/**
	 * A long-lived subscription (NIP-01 REQ): `onEvent` gets every event the relay forwards for
	 * `filter` until the returned function closes it or the connection ends (`onEnd`).
	 */
	subscribe(filter: Filter, handlers: { onEvent(event: unknown): void; onEnd(reason: string): void }): () => void {
		const subId = randomId();
		if (!this.open) {
			handlers.onEnd(this.ended ?? 'the relay connection is closed');
			return () => {};
		}
		this.subscriptions.set(subId, { onEvent: handlers.onEvent, onEose: () => {}, onEnd: handlers.onEnd });
		try {
			this.socket.send(JSON.stringify(['REQ', subId, filter]));
		} catch (error) {
			this.subscriptions.delete(subId);
			handlers.onEnd(`the subscription could not be sent (${String(error)})`);
		}
		return () => this.unsubscribe(subId);
	}

	private unsubscribe(subId: string): void {
		if (!this.subscriptions.delete(subId) || !this.open) return;
		try {
			this.socket.send(JSON.stringify(['CLOSE', subId]));
		} catch {
			// The connection is going away; nothing to close.
		}
	}

	private end(reason: string): void {
		if (this.ended !== null) return;
		this.ended = reason;
		const subscriptions = [...this.subscriptions.values()];
		this.subscriptions.clear();
		this.okHandlers.clear();
		for (const subscription of subscriptions) subscription.onEnd(reason);
	}

	private receive(data: unknown): void {
		if (typeof data !== 'string') return;
		let message: unknown;
		try {
			message = JSON.parse(data);
		} catch {
			return;
		}
		if (!Array.isArray(message) || typeof message[1] !== 'string') return;
		const [type, key, second, third] = message as [unknown, string, unknown, unknown];
		switch (type) {
			case 'EVENT':
				this.subscriptions.get(key)?.onEvent(second);
				break;
			case 'EOSE':
				this.subscriptions.get(key)?.onEose();
				break;
			case 'CLOSED':
				this.subscriptions
					.get(key)
					?.onEnd(`the relay closed the subscription (${String(second ?? '')})`);
				break;
			case 'OK':
				this.okHandlers.get(key)?.(second === true, String(third ?? ''));
				break;
			// NOTICE and AUTH (NIP-42) are not acted on: NWC relays need no login for requests and
			// answers; a relay that insists closes the subscription (CLOSED), which fails the call.
		}
	}
}

/**
 * Opens an outbound WebSocket from a Worker: `new WebSocket()` is not the way there, so the
 * relay is fetched (https for wss) with `Upgrade: websocket` and the 101 answer's socket accepted.
 */
export function fetchWebSocketConnector(
	fetch: NodeDeps['fetch']
): (url: string) => Promise<WebSocketLike> {
	return async (url) => {
		const target = new URL(url);
		target.protocol = target.protocol === 'ws:' ? 'http:' : 'https:';
		const request = new Request(target.toString(), { headers: { Upgrade: 'websocket' } });
		const response = await fetch(request);
		const socket = response.webSocket;
		if (response.status !== 101 || !socket) {
			const message = `the relay did not accept a WebSocket (HTTP ${response.status})`;
			throw new NodeHttpError('node-unavailable', 'unreachable', message, {
				status: response.status
			});
		}
		socket.accept();
		return socket;
	};
}

