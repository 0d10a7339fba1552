// An in-memory Nostr relay and NIP-47 wallet service for NWC tests, in plain TypeScript (no
// Workers globals), so unit tests in Node and worker tests in workerd share it. The relay speaks
// NIP-01 (REQ / EVENT / CLOSE, OK / EOSE / CLOSED), checks signatures and stores only
// non-ephemeral events. The wallet keeps a small ledger, answers in the encryption of the
// request, honours NIP-47 `expiration`, and can be told to misbehave: stay silent, lose its
// answer after acting, answer with an error, or report PAYMENT_FAILED while the payment is still
// in flight. It pays only invoices registered in its FakeLightning "network".
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { decodeInvoice, encodeInvoice, newNodePrivateKey } from '../../../worker/lightning/bolt11';
import type { WebSocketLike } from '../../../worker/nodes/nwc';
import {
	looksLikeNip04,
	nip04Decrypt,
	nip04Encrypt,
	nip44ConversationKey,
	nip44Decrypt,
	nip44Encrypt,
	publicKeyOf,
	signEvent,
	tagValue,
	verifyEvent,
	type NostrEvent
} from '../../../worker/nodes/nostr';

// ---------------------------------------------------------------------------------------------
// Relay

type Filter = {
	ids?: string[];
	kinds?: number[];
	authors?: string[];
	'#e'?: string[];
	'#p'?: string[];
	since?: number;
	limit?: number;
};

/** One connected client as the relay sees it. */
export type RelayPeer = { send(text: string): void };

export function matches(filter: Filter, event: NostrEvent): boolean {
	if (filter.ids && !filter.ids.includes(event.id)) return false;
	if (filter.since !== undefined && event.created_at < filter.since) return false;
	if (filter.kinds && !filter.kinds.includes(event.kind)) return false;
	if (filter.authors && !filter.authors.includes(event.pubkey)) return false;
	for (const tag of ['e', 'p'] as const) {
		const wanted = filter[`#${tag}`];
		if (!wanted) continue;
		if (!event.tags.some((t) => t[0] === tag && wanted.includes(t[1] ?? ''))) return false;
	}
	return true;
}

const isEphemeral = (kind: number) => kind >= 20000 && kind < 30000;
const isReplaceable = (kind: number) => kind === 0 || kind === 3 || (kind >= 10000 && kind < 20000);

export class FakeRelay {
	/** Every EVENT a client or the wallet published, in order. */
	readonly published: NostrEvent[] = [];
	/** Set to refuse EVENTs with a reason (NIP-01 `OK` false). */
	refuse: ((event: NostrEvent) => string | null) | null = null;
	/** Connections fail while true. */
	down = false;
	private readonly stored: NostrEvent[] = [];
	private readonly subscriptions = new Map<RelayPeer, Map<string, Filter[]>>();
	private readonly listeners = new Set<{ filter: Filter; onEvent: (event: NostrEvent) => void }>();
	private readonly sockets = new Set<MemorySocket>();

	constructor(readonly url = 'wss://relay.test/') {}

	/** A client WebSocket to this relay (NodeDeps.connect). */
	connect = async (url: string): Promise<WebSocketLike> => {
		if (this.down) throw new Error(`connection to ${url} refused`);
		const socket = new MemorySocket(this);
		this.sockets.add(socket);
		return socket;
	};

	/** Connects any transport: the relay sends text through `peer`; feed it client text back. */
	attach(peer: RelayPeer): { receive(text: string): void; detach(): void } {
		this.subscriptions.set(peer, new Map());
		return {
			receive: (text) => this.handle(peer, text),
			detach: () => this.subscriptions.delete(peer)
		};
	}

	/** Number of client connections currently open. */
	get openConnections(): number {
		return [...this.sockets].filter((s) => s.isOpen).length;
	}

	/** In-process subscription (the wallet's). */
	listen(filter: Filter, onEvent: (event: NostrEvent) => void): void {
		this.listeners.add({ filter, onEvent });
	}

	/** Publishes an event as if a client had sent it (tests inject spoofed answers this way). */
	publish(event: NostrEvent): { accepted: boolean; message: string } {
		if (!verifyEvent(event)) return { accepted: false, message: 'invalid: bad signature or id' };
		const refusal = this.refuse?.(event) ?? null;
		if (refusal) return { accepted: false, message: refusal };
		this.published.push(event);
		if (!isEphemeral(event.kind)) {
			if (isReplaceable(event.kind)) {
				const older = this.stored.findIndex(
					(e) => e.kind === event.kind && e.pubkey === event.pubkey
				);
				if (older >= 0) this.stored.splice(older, 1);
			}
			this.stored.push(event);
		}
		this.forwardUnchecked(event);
		for (const listener of this.listeners) {
			if (matches(listener.filter, event)) listener.onEvent(event);
		}
		return { accepted: true, message: '' };
	}

	/** Forwards an event to subscribers without any check (a relay that does not verify). */
	forwardUnchecked(event: NostrEvent): void {
		for (const [peer, subs] of this.subscriptions) {
			for (const [subId, filters] of subs) {
				if (!filters.some((f) => matches(f, event))) continue;
				peer.send(JSON.stringify(['EVENT', subId, event]));
			}
		}
	}

	/** How many open client subscriptions would be sent `event`. */
	subscribersFor(event: NostrEvent): number {
		let count = 0;
		for (const subs of this.subscriptions.values()) {
			for (const filters of subs.values()) {
				if (filters.some((f) => matches(f, event))) count++;
			}
		}
		return count;
	}

	/** Closes every client connection (a relay restart). */
	dropConnections(): void {
		for (const socket of this.sockets) socket.serverClose();
	}

	private handle(peer: RelayPeer, text: string): void {
		let message: unknown;
		try {
			message = JSON.parse(text);
		} catch {
			peer.send(JSON.stringify(['NOTICE', 'invalid JSON']));
			return;
		}
		if (!Array.isArray(message)) return;
		const [type, ...rest] = message as [unknown, ...unknown[]];
		if (type === 'REQ') {
			const [subId, ...filters] = rest as [string, ...Filter[]];
			this.subscriptions.get(peer)?.set(subId, filters);
			for (const filter of filters) {
				const found = this.stored
					.filter((e) => matches(filter, e))
					.sort((a, b) => b.created_at - a.created_at);
				for (const event of found.slice(0, filter.limit ?? found.length)) {
					peer.send(JSON.stringify(['EVENT', subId, event]));
				}
			}
			peer.send(JSON.stringify(['EOSE', subId]));
		} else if (type === 'CLOSE') {
			this.subscriptions.get(peer)?.delete(rest[0] as string);
		} else if (type === 'EVENT') {
			const event = rest[0] as NostrEvent;
			const { accepted, message: reason } = this.publish(event);
			peer.send(JSON.stringify(['OK', event?.id ?? '', accepted, reason]));
		}
	}
}

/** The client end of an in-memory WebSocket; messages travel on later ticks, as on a network. */
class MemorySocket implements WebSocketLike {
	isOpen = true;
	private readonly handlers = {
		message: [] as Array<(event: { data: unknown }) => void>,
		close: [] as Array<(event: unknown) => void>
	};
	private readonly link: { receive(text: string): void; detach(): void };

	constructor(relay: FakeRelay) {
		this.link = relay.attach({ send: (text) => this.deliver(text) });
	}

	send(data: string): void {
		if (!this.isOpen) throw new Error('WebSocket is closed');
		setTimeout(() => this.link.receive(data), 0);
	}

	close(): void {
		if (!this.isOpen) return;
		this.isOpen = false;
		this.link.detach();
	}

	/** The relay hangs up. */
	serverClose(): void {
		if (!this.isOpen) return;
		this.close();
		for (const handler of this.handlers.close) handler({});
	}

	addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
	addEventListener(type: 'close' | 'error', listener: (event: unknown) => void): void;
	addEventListener(type: string, listener: (event: never) => void): void {
		if (type === 'message') {
			this.handlers.message.push(listener as (event: { data: unknown }) => void);
		}
		if (type === 'close') this.handlers.close.push(listener as (event: unknown) => void);
	}

	private deliver(text: string): void {
		setTimeout(() => {
			if (!this.isOpen) return;
			for (const handler of this.handlers.message) handler({ data: text });
		}, 0);
	}
}

// ---------------------------------------------------------------------------------------------
// The Lightning network the fake wallet can pay into

export type PayableInvoice = {
	bolt11: string;
	paymentHash: string;
	preimage: string;
	amountMsat: bigint;
};

/** Invoices the fake wallet can pay (by hash), made with real BOLT 11 encoding on regtest. */
export class FakeLightning {
	private readonly preimages = new Map<string, string>();
	private readonly key = newNodePrivateKey();

	invoice(amountMsat: bigint, description = 'coffee', expirySeconds = 600): PayableInvoice {
		const timestamp = Math.floor(Date.now() / 1000);
		const preimage = crypto.getRandomValues(new Uint8Array(32));
		const paymentHash = bytesToHex(sha256(preimage));
		const bolt11 = encodeInvoice({
			network: 'regtest',
			amountMsat,
			paymentHash,
			paymentSecret: bytesToHex(crypto.getRandomValues(new Uint8Array(32))),
			description,
			expirySeconds,
			timestamp,
			privateKey: this.key
		});
		this.preimages.set(paymentHash, bytesToHex(preimage));
		return { bolt11, paymentHash, preimage: bytesToHex(preimage), amountMsat };
	}

	preimageOf(paymentHash: string): string | null {
		return this.preimages.get(paymentHash) ?? null;
	}
}

// ---------------------------------------------------------------------------------------------
// Wallet service

type WalletError = { code: string; message: string };

/** How the wallet handles the next request of a method. */
export type Behaviour =
	| 'answer'
	/** Never sees the request (lost on the way). */
	| 'ignore'
	/** Acts on it, but the answer is lost. */
	| 'drop-answer'
	/** pay_invoice only: starts paying and stays silent until `finishPayments()`. */
	| 'stall'
	/** pay_invoice only: starts paying, then answers PAYMENT_FAILED while it is still in flight. */
	| 'fail-in-flight'
	| { error: WalletError }
	/** Answers this result without doing anything (a wallet that misreports). */
	| { result: Record<string, unknown> }
	| { delayMs: number };

type IncomingInvoice = {
	bolt11: string;
	paymentHash: string;
	preimage: string;
	amountMsat: bigint;
	description: string;
	createdAt: number;
	expiresAt: number;
	settledAt: number | null;
};

type OutgoingPayment = {
	bolt11: string;
	paymentHash: string;
	amountMsat: bigint;
	feeMsat: bigint;
	state: 'pending' | 'settled' | 'failed';
	preimage: string | null;
	createdAt: number;
	settledAt: number | null;
};

export type WalletOptions = {
	/** `nip44`: reads both and advertises `nip44_v2 nip04`; `nip04-only`: a legacy wallet. */
	encryption?: 'nip44' | 'nip04-only';
	/** Publishes the NIP-47 info event (kind 13194) on the relay. */
	publishInfo?: boolean;
	/** Notification types the info event announces (`notifications` tag; none: no tag). */
	notifications?: string[];
	/** Methods this connection may use; others answer NOT_IMPLEMENTED. */
	methods?: string[];
	/** When false, lookup_invoice finds only the wallet's own invoices (not its payments). */
	lookupFindsPayments?: boolean;
	/** When false, a second pay_invoice for a paid hash pays again (no de-duplication). */
	dedupes?: boolean;
	balanceMsat?: bigint;
	feeMsat?: bigint;
	network?: string;
	now?: () => number;
};

const ALL_METHODS = [
	'pay_invoice',
	'make_invoice',
	'lookup_invoice',
	'list_transactions',
	'get_balance',
	'get_info'
];

export class FakeWallet {
	readonly secretKey = newNodePrivateKey();
	readonly pubkey = publicKeyOf(this.secretKey);
	/** Decrypted requests in arrival order (after `ignore` and expiry). */
	readonly requests: Array<{
		method: string;
		params: Record<string, unknown>;
		id: string;
		encryption: string;
	}> = [];
	readonly invoices = new Map<string, IncomingInvoice>();
	readonly payments = new Map<string, OutgoingPayment>();
	/** How many times each payment hash was actually paid (a double payment shows as 2). */
	readonly paidCount = new Map<string, number>();
	balanceMsat: bigint;
	private readonly behaviours = new Map<string, Behaviour[]>();
	private readonly options: Required<Omit<WalletOptions, 'balanceMsat'>>;
	private readonly invoiceKey = newNodePrivateKey();

	constructor(
		private readonly relay: FakeRelay,
		private readonly network: FakeLightning,
		options: WalletOptions = {}
	) {
		this.options = {
			encryption: options.encryption ?? 'nip44',
			publishInfo: options.publishInfo ?? true,
			notifications: options.notifications ?? ['payment_received'],
			methods: options.methods ?? ALL_METHODS,
			lookupFindsPayments: options.lookupFindsPayments ?? true,
			dedupes: options.dedupes ?? false,
			feeMsat: options.feeMsat ?? 1_000n,
			network: options.network ?? 'regtest',
			now: options.now ?? Date.now
		};
		this.balanceMsat = options.balanceMsat ?? 1_000_000_000n;
		relay.listen({ kinds: [23194], '#p': [this.pubkey] }, (event) => this.onRequest(event));
		if (this.options.publishInfo) this.publishInfo();
	}

	/** A connection string for a client with `clientSecret` (hex). */
	connectionString(clientSecret: string, extra = ''): string {
		const relay = encodeURIComponent(this.relay.url);
		return `nostr+walletconnect://${this.pubkey}?relay=${relay}&secret=${clientSecret}${extra}`;
	}

	/** Queues behaviours for the next requests of `method`, in order; then back to 'answer'. */
	behave(method: string, ...behaviours: Behaviour[]): void {
		this.behaviours.set(method, [...(this.behaviours.get(method) ?? []), ...behaviours]);
	}

	/** A payer pays one of the wallet's invoices. */
	receive(paymentHash: string, at = this.options.now()): void {
		const invoice = this.invoices.get(paymentHash);
		if (!invoice) throw new Error('no such invoice');
		invoice.settledAt = Math.floor(at / 1000);
		this.balanceMsat += invoice.amountMsat;
	}

	/** Completes every stalled or in-flight payment. */
	finishPayments(): void {
		for (const payment of this.payments.values()) {
			if (payment.state === 'pending') this.complete(payment);
		}
	}

	/** A signed kind-23197 notification to `clientPubkey`. */
	notification(clientPubkey: string, body: unknown, kind = 23197): NostrEvent {
		const content =
			kind === 23196
				? nip04Encrypt(JSON.stringify(body), this.secretKey, clientPubkey)
				: nip44Encrypt(JSON.stringify(body), nip44ConversationKey(this.secretKey, clientPubkey));
		const createdAt = Math.floor(this.options.now() / 1000);
		const template = { kind, created_at: createdAt, tags: [['p', clientPubkey]], content };
		return signEvent(template, this.secretKey);
	}

	payRequestsFor(paymentHash: string): number {
		return this.requests.filter((r) => {
			if (r.method !== 'pay_invoice' || typeof r.params.invoice !== 'string') return false;
			return decodeInvoice(r.params.invoice).paymentHash === paymentHash;
		}).length;
	}

	private publishInfo(): void {
		const tags: string[][] = [];
		if (this.options.notifications.length > 0) tags.push(['notifications', this.options.notifications.join(' ')]);
		if (this.options.encryption === 'nip44') tags.unshift(['encryption', 'nip44_v2 nip04']);
		const createdAt = Math.floor(this.options.now() / 1000);
		const content = this.options.methods.join(' ');
		const template = { kind: 13194, created_at: createdAt, tags, content };
		this.relay.publish(signEvent(template, this.secretKey));
	}

	private onRequest(event: NostrEvent): void {
		if (tagValue(event, 'p') !== this.pubkey) return;
		// NIP-47: a request received after its `expiration` is ignored.
		const expiration = tagValue(event, 'expiration');
		if (expiration !== null && Number(expiration) * 1000 < this.options.now()) return;
		const nip44 = tagValue(event, 'encryption') === 'nip44_v2';
		let plaintext: string;
		try {
			if (nip44) {
				if (this.options.encryption !== 'nip44') return; // a legacy wallet cannot read it
				plaintext = nip44Decrypt(event.content, nip44ConversationKey(this.secretKey, event.pubkey));
			} else {
				if (!looksLikeNip04(event.content)) return;
				plaintext = nip04Decrypt(event.content, this.secretKey, event.pubkey);
			}
		} catch {
			return;
		}
		type Message = { method: string; params: Record<string, unknown> };
		const { method, params } = JSON.parse(plaintext) as Message;
		const queue = this.behaviours.get(method) ?? [];
		const behaviour = queue.shift() ?? 'answer';
		if (behaviour === 'ignore') return;
		this.requests.push({ method, params, id: event.id, encryption: nip44 ? 'nip44_v2' : 'nip04' });

		const answer = (body: { result?: unknown; error?: WalletError }, delayMs = 0) => {
			const response = {
				result_type: method,
				error: body.error ?? null,
				result: body.result ?? null
			};
			const text = JSON.stringify(response);
			const content = nip44
				? nip44Encrypt(text, nip44ConversationKey(this.secretKey, event.pubkey))
				: nip04Encrypt(text, this.secretKey, event.pubkey);
			const reply = signEvent(
				{
					kind: 23195,
					created_at: Math.floor(this.options.now() / 1000),
					tags: [
						['p', event.pubkey],
						['e', event.id]
					],
					content
				},
				this.secretKey
			);
			setTimeout(() => this.relay.publish(reply), delayMs);
		};

		if (typeof behaviour === 'object' && 'error' in behaviour) {
			answer({ error: behaviour.error });
			return;
		}
		if (typeof behaviour === 'object' && 'result' in behaviour) {
			answer({ result: behaviour.result });
			return;
		}
		if (!this.options.methods.includes(method)) {
			answer({ error: { code: 'NOT_IMPLEMENTED', message: `${method} is not available` } });
			return;
		}
		const outcome = this.execute(method, params, behaviour);
		if (behaviour === 'drop-answer' || behaviour === 'stall') return;
		const delay = typeof behaviour === 'object' && 'delayMs' in behaviour ? behaviour.delayMs : 0;
		answer(outcome, delay);
	}

	private execute(
		method: string,
		params: Record<string, unknown>,
		behaviour: Behaviour
	): { result?: unknown; error?: WalletError } {
		const nowSeconds = Math.floor(this.options.now() / 1000);
		switch (method) {
			case 'make_invoice': {
				const amountMsat = BigInt(params.amount as number);
				const expiry = (params.expiry as number | undefined) ?? 3600;
				const preimage = crypto.getRandomValues(new Uint8Array(32));
				const paymentHash = bytesToHex(sha256(preimage));
				const bolt11 = encodeInvoice({
					network: 'regtest',
					amountMsat,
					paymentHash,
					paymentSecret: bytesToHex(crypto.getRandomValues(new Uint8Array(32))),
					description: String(params.description ?? ''),
					expirySeconds: expiry,
					timestamp: nowSeconds,
					privateKey: this.invoiceKey
				});
				const invoice: IncomingInvoice = {
					bolt11,
					paymentHash,
					preimage: bytesToHex(preimage),
					amountMsat,
					description: String(params.description ?? ''),
					createdAt: nowSeconds,
					expiresAt: nowSeconds + expiry,
					settledAt: null
				};
				this.invoices.set(paymentHash, invoice);
				return { result: this.incoming(invoice) };
			}
			case 'lookup_invoice': {
				const hash = String(params.payment_hash ?? '');
				const invoice = this.invoices.get(hash);
				if (invoice) return { result: this.incoming(invoice) };
				const payment = this.payments.get(hash);
				if (payment && this.options.lookupFindsPayments) return { result: this.outgoing(payment) };
				return { error: { code: 'NOT_FOUND', message: 'invoice not found' } };
			}
			case 'list_transactions': {
				const from = (params.from as number | undefined) ?? 0;
				const outgoing = [...this.payments.values()]
					.filter((p) => p.createdAt >= from)
					.map((p) => this.outgoing(p));
				const incoming = [...this.invoices.values()]
					.filter((i) => i.createdAt >= from)
					.map((i) => this.incoming(i));
				let wanted = [...incoming, ...outgoing];
				if (params.type === 'outgoing') wanted = outgoing;
				if (params.type === 'incoming') wanted = incoming;
				return { result: { transactions: wanted } };
			}
			case 'get_balance':
				return { result: { balance: Number(this.balanceMsat) } };
			case 'get_info':
				return {
					result: {
						alias: 'fake wallet',
						color: '#ff9900',
						pubkey: '02' + this.pubkey,
						network: this.options.network,
						block_height: 1000,
						methods: this.options.methods
					}
				};
			case 'pay_invoice':
				return this.pay(String(params.invoice ?? ''), behaviour);
			default:
				return { error: { code: 'NOT_IMPLEMENTED', message: `${method} is not known` } };
		}
	}

	private pay(bolt11: string, behaviour: Behaviour): { result?: unknown; error?: WalletError } {
		let hash: string;
		let amountMsat: bigint;
		try {
			const decoded = decodeInvoice(bolt11);
			hash = decoded.paymentHash;
			amountMsat = decoded.amountMsat ?? 0n;
		} catch {
			return { error: { code: 'OTHER', message: 'invalid invoice' } };
		}
		const previous = this.payments.get(hash);
		if (this.options.dedupes && previous && previous.state !== 'failed') {
			return previous.state === 'settled'
				? { result: { preimage: previous.preimage, fees_paid: Number(previous.feeMsat) } }
				: { error: { code: 'OTHER', message: 'payment already in flight' } };
		}
		if (amountMsat + this.options.feeMsat > this.balanceMsat) {
			return { error: { code: 'INSUFFICIENT_BALANCE', message: 'not enough funds' } };
		}
		const preimage = this.network.preimageOf(hash);
		const payment: OutgoingPayment = {
			bolt11,
			paymentHash: hash,
			amountMsat,
			feeMsat: this.options.feeMsat,
			state: 'pending',
			preimage: null,
			createdAt: Math.floor(this.options.now() / 1000),
			settledAt: null
		};
		this.payments.set(hash, payment);
		if (!preimage) {
			payment.state = 'failed';
			return { error: { code: 'PAYMENT_FAILED', message: 'no route' } };
		}
		if (behaviour === 'stall') return {};
		if (behaviour === 'fail-in-flight') {
			return { error: { code: 'PAYMENT_FAILED', message: 'timed out' } };
		}
		this.complete(payment);
		return { result: { preimage: payment.preimage, fees_paid: Number(payment.feeMsat) } };
	}

	private complete(payment: OutgoingPayment): void {
		const preimage = this.network.preimageOf(payment.paymentHash);
		if (!preimage) {
			payment.state = 'failed';
			return;
		}
		payment.state = 'settled';
		payment.preimage = preimage;
		payment.settledAt = Math.floor(this.options.now() / 1000);
		this.balanceMsat -= payment.amountMsat + payment.feeMsat;
		this.paidCount.set(payment.paymentHash, (this.paidCount.get(payment.paymentHash) ?? 0) + 1);
	}

	private incoming(invoice: IncomingInvoice): Record<string, unknown> {
		const settled = invoice.settledAt !== null;
		const expired = !settled && invoice.expiresAt * 1000 < this.options.now();
		return {
			type: 'incoming',
			state: settled ? 'settled' : expired ? 'expired' : 'pending',
			invoice: invoice.bolt11,
			description: invoice.description,
			payment_hash: invoice.paymentHash,
			preimage: settled ? invoice.preimage : undefined,
			amount: Number(invoice.amountMsat),
			fees_paid: 0,
			created_at: invoice.createdAt,
			expires_at: invoice.expiresAt,
			settled_at: invoice.settledAt ?? undefined
		};
	}

	private outgoing(payment: OutgoingPayment): Record<string, unknown> {
		return {
			type: 'outgoing',
			state: payment.state,
			invoice: payment.bolt11,
			payment_hash: payment.paymentHash,
			preimage: payment.preimage ?? undefined,
			amount: Number(payment.amountMsat),
			fees_paid: Number(payment.feeMsat),
			created_at: payment.createdAt,
			settled_at: payment.settledAt ?? undefined
		};
	}
}
