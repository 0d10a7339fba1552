// Nostr Wallet Connect (NIP-47): the node kind that needs no inbound exposure. The worker opens
// a WebSocket to the wallet's relay, sends a signed kind-23194 request encrypted to the wallet
// (NIP-44 v2, or NIP-04 for wallets that predate it), and waits for the kind-23195 answer that
// points back at it with an `e` tag. Every answer is signature-checked and decrypted before it
// counts. NIP-47 has no idempotency of its own, so paying is guarded here: the wallet is asked
// what it knows about a payment hash before anything is sent, every pay_invoice request is
// remembered in a journal and carries an `expiration` tag, and no second request for the same
// hash leaves while an earlier one could still be acted on.
import { z } from 'zod';
import { decodeInvoice, type DecodedInvoice } from '../lightning/bolt11';
import { payOnce } from './pay-once';
import { NodeHttpError, preimageMatches } from './http';
import {
	isValidXOnlyPublicKey,
	looksLikeNip04,
	nip04Decrypt,
	nip04Encrypt,
	nip44ConversationKey,
	nip44Decrypt,
	nip44Encrypt,
	publicKeyOf,
	secretKeyFromHex,
	signEvent,
	tagValue,
	verifyEvent,
	type NostrEvent
} from './nostr';
import {
	NodeError,
	type NodeAdapter,
	type NodeInfo,
	type NodeInvoice,
	type NodePayment
} from './types';

import {
	ANY_CASE_HEX64,
	HEX64,
	KIND_INFO,
	KIND_NOTIFICATION,
	KIND_NOTIFICATION_NIP04,
	KIND_REQUEST,
	KIND_RESPONSE,
	misconfigured,
	type NodeDeps,
	type NwcConfig,
	type WebSocketLike
} from './nwc-connection';
import { isolateJournal, type NwcPayJournal, type PayJournalEntry } from './nwc-journal';
import { fetchWebSocketConnector, NotDeliveredError, RelayConnection, type Filter } from './nwc-relay';

export { parseNwcConnectionString, type NodeDeps, type NwcConfig, type WebSocketLike } from './nwc-connection';
export { memoryPayJournal, type NwcPayJournal, type PayJournalEntry } from './nwc-journal';
export { fetchWebSocketConnector } from './nwc-relay';

// ---------------------------------------------------------------------------------------------
// NIP-47 messages

const ERROR_CODES = [
	'RATE_LIMITED',
	'NOT_IMPLEMENTED',
	'INSUFFICIENT_BALANCE',
	'QUOTA_EXCEEDED',
	'RESTRICTED',
	'UNAUTHORIZED',
	'INTERNAL',
	'UNSUPPORTED_ENCRYPTION',
	'PAYMENT_FAILED',
	'NOT_FOUND',
	'OTHER'
] as const;

/**
 * Errors by which a wallet says it refused pay_invoice before trying (NIP-47 "Error codes"):
 * nothing left the wallet, so the failure is definite.
 */
const REFUSED_BEFORE_PAYING = new Set<string>([
	'RATE_LIMITED',
	'NOT_IMPLEMENTED',
	'INSUFFICIENT_BALANCE',
	'QUOTA_EXCEEDED',
	'RESTRICTED',
	'UNAUTHORIZED',
	'UNSUPPORTED_ENCRYPTION'
]);

/** Errors by which a wallet declines to tell (rather than says it does not know). */
const WILL_NOT_SAY = new Set<string>(['NOT_IMPLEMENTED', 'RESTRICTED', 'UNAUTHORIZED']);

const replySchema = z.object({
	result_type: z.string(),
	error: z.object({ code: z.string(), message: z.string().default('') }).nullish(),
	result: z.record(z.string(), z.unknown()).nullish()
});
type Reply = z.infer<typeof replySchema>;

/** NIP-47 amounts are msat numbers; digit strings are tolerated. */
const msat = z
	.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)])
	.transform((value) => BigInt(value));
const unixSeconds = z.number().nonnegative();

/** NIP-47 transaction (make_invoice, lookup_invoice, list_transactions). */
const transactionSchema = z.object({
	type: z.enum(['incoming', 'outgoing']).optional(),
	// NIP-47: pending | settled | accepted | expired | failed, and optional.
	state: z.string().optional(),
	invoice: z.string().nullish(),
	payment_hash: z.string().regex(ANY_CASE_HEX64).optional(),
	preimage: z.string().nullish(),
	amount: msat,
	fees_paid: msat.nullish(),
	created_at: unixSeconds.nullish(),
	expires_at: unixSeconds.nullish(),
	settled_at: unixSeconds.nullish()
});
type Transaction = z.infer<typeof transactionSchema>;

const balanceSchema = z.object({ balance: msat });
const infoSchema = z.object({
	alias: z.string().nullish(),
	pubkey: z.string().nullish(),
	network: z.string().nullish()
});
const listSchema = z.object({ transactions: z.array(z.unknown()) });

/**
 * A wallet's NIP-47 error as a NodeHttpError: a code the merchant can act on, and (for the
 * connection test, ./http) whether it was the credentials (`auth`) or the wallet saying no.
 */
function walletError(method: string, error: { code: string; message: string }): NodeHttpError {
	const detail = error.message ? ` (${error.message})` : '';
	const message = `The wallet refused ${method}: ${error.code}${detail}.`;
	switch (error.code) {
		case 'UNAUTHORIZED':
		case 'RESTRICTED':
			return new NodeHttpError('node-auth-refused', 'auth', message);
		case 'NOT_IMPLEMENTED':
		case 'UNSUPPORTED_ENCRYPTION':
			return new NodeHttpError('node-misconfigured', 'refusal', message);
		case 'RATE_LIMITED':
		case 'INTERNAL':
			return new NodeHttpError('node-unavailable', 'refusal', message);
		default:
			return new NodeHttpError('node-rejected', 'refusal', message);
	}
}

function unreadable(method: string): NodeHttpError {
	const message = `The wallet answered ${method} with something unreadable.`;
	return new NodeHttpError('node-rejected', 'shape', message);
}

function toSafeNumber(value: bigint, what: string): number {
	if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
		throw new RangeError(`${what} is out of range`);
	}
	return Number(value);
}

function tryDecode(bolt11: string | null | undefined): DecodedInvoice | null {
	if (!bolt11) return null;
	try {
		return decodeInvoice(bolt11);
	} catch {
		return null;
	}
}

/** The wallet's record of an outgoing payment, as a NodePayment. */
function outgoingPayment(tx: Transaction, hash: string): NodePayment {
	const preimage = tx.preimage?.toLowerCase() ?? '';
	const state = tx.state ?? (tx.settled_at != null || preimage ? 'settled' : 'pending');
	switch (state) {
		case 'settled':
			if (preimage && !preimageMatches(preimage, hash)) {
				throw new NodeError(
					'node-rejected',
					'The wallet reported a preimage that does not match the payment hash.'
				);
			}
			return {
				status: 'succeeded',
				paymentHash: hash,
				amountMsat: tx.amount,
				feeMsat: tx.fees_paid ?? 0n,
				preimage
			};
		case 'failed':
		case 'expired':
			return {
				status: 'failed',
				paymentHash: hash,
				reason: `the wallet reports the payment ${state}`
			};
		default:
			// pending, accepted, or a state NIP-47 does not know yet: not settled, not failed.
			return { status: 'pending', paymentHash: hash };
	}
}

function networkOf(value: string | null | undefined): NodeInfo['network'] {
	switch (value?.toLowerCase()) {
		case 'regtest':
			return 'regtest';
		case 'signet':
			return 'signet';
		case 'testnet':
		case 'testnet3':
		case 'testnet4':
			return 'testnet';
		default:
			// NIP-47 get_info names mainnet, testnet, signet or regtest; wallets that leave it out
			// are, in practice, on mainnet.
			return 'mainnet';
	}
}

// ---------------------------------------------------------------------------------------------
// The adapter

export type NwcOptions = {
	/** Pay-request journal; defaults to one in memory shared by this isolate. */
	journal?: NwcPayJournal;
	/** How long to wait for a relay to accept the WebSocket. */
	connectTimeoutMs?: number;
	/** How long to wait for the wallet's answer to anything but pay_invoice. */
	replyTimeoutMs?: number;
	/** How long to wait for the wallet's answer to pay_invoice before reporting "unknown". */
	payReplyTimeoutMs?: number;
	/** pay_invoice requests expire (NIP-47 `expiration` tag) this long after they are sent. */
	payRequestTtlSeconds?: number;
	/** Allowance for the wallet's clock when deciding that an expired request cannot run. */
	clockAllowanceMs?: number;
	/** Skips reading the wallet's info event (kind 13194) when the encryption is known. */
	encryption?: Encryption;
};

type Encryption = 'nip44_v2' | 'nip04';
type Settings = Required<Omit<NwcOptions, 'journal' | 'encryption'>>;

const DEFAULTS: Settings = {
	connectTimeoutMs: 10_000,
	replyTimeoutMs: 15_000,
	payReplyTimeoutMs: 30_000,
	payRequestTtlSeconds: 60,
	clockAllowanceMs: 120_000
};
const INFO_TIMEOUT_MS = 3_000;
const ENCRYPTION_CACHE_MS = 10 * 60_000;
const NO_INFO_CACHE_MS = 60_000;

/** Which encryption each wallet speaks, as its info event said (per isolate). */
const encryptionCache = new Map<string, { encryption: Encryption; until: number }>();

/** What the wallet knows of an outgoing payment; `refused` when it will not say. */
type Known = NodePayment | null | 'refused';

class NwcNode implements NodeAdapter {
	readonly kind = 'nwc' as const;
	private readonly secretKey: Uint8Array;
	private readonly clientPubkey: string;
	private readonly conversationKey: Uint8Array;
	private readonly connectRelay: (url: string) => Promise<WebSocketLike>;
	private readonly journal: NwcPayJournal;
	private readonly settings: Settings;
	private connection: Promise<RelayConnection> | null = null;
	private users = 0;
	/** Within one adapter, a label or a payment hash is only ever worked on once at a time. */
	private readonly creating = new Map<string, Promise<NodeInvoice>>();
	private readonly paying = new Map<string, Promise<NodePayment>>();

	constructor(
		private readonly config: NwcConfig,
		private readonly deps: NodeDeps,
		private readonly options: NwcOptions
	) {
		this.secretKey = secretKeyFromHex(config.secret);
		this.clientPubkey = publicKeyOf(this.secretKey);
		this.conversationKey = nip44ConversationKey(this.secretKey, config.walletPubkey);
		this.connectRelay = deps.connect ?? fetchWebSocketConnector(deps.fetch);
		this.journal = options.journal ?? isolateJournal;
		this.settings = {
			connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
			replyTimeoutMs:
				options.replyTimeoutMs ?? deps.timeouts?.requestMs ?? DEFAULTS.replyTimeoutMs,
			payReplyTimeoutMs:
				options.payReplyTimeoutMs ?? deps.timeouts?.payMs ?? DEFAULTS.payReplyTimeoutMs,
			payRequestTtlSeconds: options.payRequestTtlSeconds ?? DEFAULTS.payRequestTtlSeconds,
			clockAllowanceMs: options.clockAllowanceMs ?? DEFAULTS.clockAllowanceMs
		};
	}

	/**
	 * make_invoice. NIP-47 has no labels, so a make_invoice retried after a lost answer makes a
	 * second invoice; that one is harmless (its BOLT 11 reached no one and it expires unpaid).
	 * Within one adapter the same label is answered once.
	 */
	createInvoice(request: {
		label: string;
		amountMsat: bigint;
		description: string;
		expirySeconds: number;
	}): Promise<NodeInvoice> {
		const existing = this.creating.get(request.label);
		if (existing) return existing;
		const created = this.session(async (relay) => {
			const params = {
				amount: toSafeNumber(request.amountMsat, 'the amount'),
				description: request.description,
				expiry: request.expirySeconds
			};
			const reply = await this.call(relay, 'make_invoice', params, this.settings.replyTimeoutMs);
			if (reply.error) throw walletError('make_invoice', reply.error);
			const tx = transactionSchema.safeParse(reply.result);
			if (!tx.success) throw unreadable('make_invoice');
			return this.toNodeInvoice(tx.data, null, request.expirySeconds);
		});
		this.creating.set(request.label, created);
		created.catch(() => this.creating.delete(request.label));
		return created;
	}

	/** lookup_invoice by payment hash; NOT_FOUND (or one of the wallet's payments) is null. */
	async lookupInvoice(paymentHash: string): Promise<NodeInvoice | null> {
		if (!HEX64.test(paymentHash)) return null;
		return this.session(async (relay) => {
			const params = { payment_hash: paymentHash };
			const reply = await this.call(relay, 'lookup_invoice', params, this.settings.replyTimeoutMs);
			if (reply.error?.code === 'NOT_FOUND') return null;
			if (reply.error) throw walletError('lookup_invoice', reply.error);
			const tx = transactionSchema.safeParse(reply.result);
			if (!tx.success) throw unreadable('lookup_invoice');
			if (tx.data.type === 'outgoing') return null;
			return this.toNodeInvoice(tx.data, paymentHash, null);
		});
	}

	payInvoice(request: {
		bolt11: string;
		maxFeeMsat: bigint;
		idempotencyKey: string;
	}): Promise<NodePayment> {
		return payOnce(this.paying, request.bolt11, (decoded) => this.pay(decoded, decoded.amountMsat));
	}

	async lookupPayment(paymentHash: string): Promise<NodePayment | null> {
		if (!HEX64.test(paymentHash)) return null;
		const recorded = await this.journal.get(this.journalKey(paymentHash));
		return this.session(async (relay) => {
			const known = await this.findOutgoing(relay, paymentHash, recorded?.sentAt ?? null);
			const resolved = this.resolve(paymentHash, known, recorded);
			if (resolved === null && known === 'refused') {
				throw new NodeHttpError(
					'node-auth-refused',
					'auth',
					'The wallet does not let this connection look payments up (lookup_invoice, ' +
						'list_transactions), so the payment’s state is unknown.'
				);
			}
			return resolved;
		});
	}

	async balance(): Promise<{ spendableMsat: bigint }> {
		return this.session(async (relay) => {
			const reply = await this.call(relay, 'get_balance', {}, this.settings.replyTimeoutMs);
			if (reply.error) throw walletError('get_balance', reply.error);
			const parsed = balanceSchema.safeParse(reply.result);
			if (!parsed.success) throw unreadable('get_balance');
			return { spendableMsat: parsed.data.balance };
		});
	}

	async info(): Promise<NodeInfo> {
		return this.session(async (relay) => {
			const reply = await this.call(relay, 'get_info', {}, this.settings.replyTimeoutMs);
			if (reply.error) throw walletError('get_info', reply.error);
			const parsed = infoSchema.safeParse(reply.result ?? {});
			const data = parsed.success ? parsed.data : {};
			return {
				kind: 'nwc',
				alias: data.alias ?? '',
				network: networkOf(data.network),
				nodeId: data.pubkey ?? '',
				// NIP-47 get_info says nothing about sync; a wallet that answers is taken as ready.
				synced: true
			};
		});
	}

	// -- paying ------------------------------------------------------------------------------

	private async pay(invoice: DecodedInvoice, amountMsat: bigint): Promise<NodePayment> {
		const hash = invoice.paymentHash;
		const key = this.journalKey(hash);
		return this.session(async (relay) => {
			// 1. What the wallet and the journal know: never a request for a hash already paid,
			//    never a second one while an earlier one could still be acted on.
			const recorded = await this.journal.get(key);
			const known = await this.findOutgoing(relay, hash, recorded?.sentAt ?? null);
			const resolved = this.resolve(hash, known, recorded);
			if (resolved && resolved.status !== 'failed') return resolved;

			// 2. Claim the hash in the journal with the exact request about to leave.
			const encryption = await this.encryption(relay);
			const ttl = this.settings.payRequestTtlSeconds;
			const params = { invoice: invoice.paymentRequest };
			const event = this.request('pay_invoice', params, encryption, ttl);
			const entry: PayJournalEntry = {
				key,
				requestId: event.id,
				sentAt: this.deps.now(),
				expiresAt: (event.created_at + ttl) * 1000,
				outcome: null
			};
			const claimed = recorded
				? await this.journal.replace(recorded, entry)
				: (await this.journal.claim(entry)).requestId === entry.requestId;
			if (!claimed) return { status: 'pending', paymentHash: hash };

			// 3. Send it once and read the answer.
			let reply: Reply;
			try {
				reply = await this.exchange(relay, event, 'pay_invoice', this.settings.payReplyTimeoutMs);
			} catch (error) {
				if (error instanceof NotDeliveredError) {
					await this.record(entry, { status: 'failed', paymentHash: hash, reason: error.message });
				}
				// Otherwise the outcome is unknown: the entry stays open; lookupPayment resolves it.
				if (!(error instanceof NodeError)) throw error;
				const message =
					`The payment’s outcome is unknown: ${error.message}; it is never sent twice.`;
				throw new NodeHttpError(error.code, 'unknown-outcome', message, { cause: error });
			}

			if (!reply.error) {
				const preimage = reply.result?.preimage;
				const hex = typeof preimage === 'string' ? preimage.toLowerCase() : '';
				if (!preimageMatches(hex, hash)) {
					throw new NodeError(
						'node-rejected',
						'The wallet reported the payment done with a preimage that does not match ' +
							'its hash; its outcome is unknown.'
					);
				}
				const fees = msat.safeParse(reply.result?.fees_paid);
				const feeMsat = fees.success ? fees.data : 0n;
				const done: NodePayment = {
					status: 'succeeded',
					paymentHash: hash,
					amountMsat,
					feeMsat,
					preimage: hex
				};
				await this.record(entry, done);
				return done;
			}

			const detail = reply.error.message ? `: ${reply.error.message}` : '';
			const reason = `${reply.error.code}${detail}`;
			const failed: NodePayment = { status: 'failed', paymentHash: hash, reason };
			if (!REFUSED_BEFORE_PAYING.has(reply.error.code)) {
				// PAYMENT_FAILED may follow a timeout inside the wallet while parts are still in
				// flight (NIP-47): only the wallet's own record of the payment makes it definite.
				const after = await this.findOutgoing(relay, hash, entry.sentAt);
				if (after && after !== 'refused' && after.status !== 'failed') {
					if (after.status === 'succeeded') await this.record(entry, after);
					return after;
				}
			}
			await this.record(entry, failed);
			return failed;
		});
	}

	/**
	 * Merges the wallet's view with the journal's. A live request (sent, unanswered, not yet
	 * expired) keeps the payment pending whatever older failure the wallet remembers.
	 */
	private resolve(
		hash: string,
		known: Known,
		recorded: PayJournalEntry | null
	): NodePayment | null {
		const wallet = known === 'refused' ? null : known;
		if (wallet && wallet.status !== 'failed') return wallet;
		if (recorded?.outcome?.status === 'succeeded') return recorded.outcome;
		if (recorded && recorded.outcome === null && !this.expired(recorded)) {
			return { status: 'pending', paymentHash: hash };
		}
		return wallet ?? recorded?.outcome ?? null;
	}

	private expired(entry: PayJournalEntry): boolean {
		return this.deps.now() > entry.expiresAt + this.settings.clockAllowanceMs;
	}

	private async record(
		entry: PayJournalEntry,
		outcome: NonNullable<PayJournalEntry['outcome']>
	): Promise<void> {
		await this.journal.replace(entry, { ...entry, outcome });
	}

	private journalKey(paymentHash: string): string {
		return `${this.config.walletPubkey}:${paymentHash}`;
	}

	/**
	 * The wallet's record of an outgoing payment: lookup_invoice by hash (NIP-47), and, when that
	 * finds nothing but a request was sent, list_transactions since then, for wallets that only
	 * look up their own invoices.
	 */
	private async findOutgoing(
		relay: RelayConnection,
		hash: string,
		since: number | null
	): Promise<Known> {
		const timeout = this.settings.replyTimeoutMs;
		const reply = await this.call(relay, 'lookup_invoice', { payment_hash: hash }, timeout);
		let refused = false;
		if (!reply.error) {
			const tx = transactionSchema.safeParse(reply.result);
			if (!tx.success) throw unreadable('lookup_invoice');
			if (tx.data.type !== 'incoming') return outgoingPayment(tx.data, hash);
		} else if (WILL_NOT_SAY.has(reply.error.code)) {
			refused = true;
		} else if (reply.error.code !== 'NOT_FOUND') {
			throw walletError('lookup_invoice', reply.error);
		}
		if (since === null && !refused) return null;

		const from = since === null ? undefined : Math.floor(since / 1000) - 60;
		const params = { type: 'outgoing', unpaid: true, from, limit: 100 };
		const list = await this.call(relay, 'list_transactions', params, timeout);
		if (list.error) {
			if (WILL_NOT_SAY.has(list.error.code)) return refused ? 'refused' : null;
			if (list.error.code === 'NOT_FOUND') return null;
			throw walletError('list_transactions', list.error);
		}
		const parsed = listSchema.safeParse(list.result);
		if (!parsed.success) throw unreadable('list_transactions');
		for (const item of parsed.data.transactions) {
			const tx = transactionSchema.safeParse(item);
			if (!tx.success || tx.data.type === 'incoming') continue;
			if (tx.data.payment_hash?.toLowerCase() === hash) return outgoingPayment(tx.data, hash);
		}
		return null;
	}

	// -- invoices ----------------------------------------------------------------------------

	/** What the wallet said, unchanged: the caller compares it with what it asked for. */
	private toNodeInvoice(
		tx: Transaction,
		askedHash: string | null,
		expirySeconds: number | null
	): NodeInvoice {
		const decoded = tryDecode(tx.invoice);
		const paymentHash = tx.payment_hash?.toLowerCase() ?? decoded?.paymentHash ?? askedHash ?? '';
		let expiresAt = 0;
		if (tx.expires_at != null) expiresAt = tx.expires_at * 1000;
		else if (decoded) expiresAt = decoded.expiresAt * 1000;
		else if (expirySeconds !== null) expiresAt = this.deps.now() + expirySeconds * 1000;
		// `accepted` is a held HTLC, not money yet; without a state, a settlement time means paid.
		const settled = tx.state !== undefined ? tx.state === 'settled' : tx.settled_at != null;
		const receivedAt = tx.settled_at != null ? tx.settled_at * 1000 : this.deps.now();
		return {
			paymentHash,
			bolt11: tx.invoice ?? '',
			amountMsat: tx.amount,
			expiresAt,
			// One settlement per invoice: the id is the hash and part 0 (invoice_payments.id).
			payments: settled ? [{ id: `${paymentHash}:0`, amountMsat: tx.amount, receivedAt }] : []
		};
	}

	// -- requests ----------------------------------------------------------------------------

	/** One NIP-47 request and its answer (throws when no answer comes: outcome unknown). */
	private async call(
		relay: RelayConnection,
		method: string,
		params: Record<string, unknown>,
		timeoutMs: number
	): Promise<Reply> {
		const encryption = await this.encryption(relay);
		const ttl = Math.ceil(timeoutMs / 1000) + 30;
		const event = this.request(method, params, encryption, ttl);
		return this.exchange(relay, event, method, timeoutMs);
	}

	/**
	 * A signed kind-23194 request: content encrypted to the wallet, a `p` tag naming it, the
	 * `encryption` tag (NIP-47: without it the wallet assumes NIP-04) and an `expiration` after
	 * which the wallet must ignore it.
	 */
	private request(
		method: string,
		params: Record<string, unknown>,
		encryption: Encryption,
		ttlSeconds: number
	): NostrEvent {
		const content = JSON.stringify({ method, params });
		const wallet = this.config.walletPubkey;
		const createdAt = Math.floor(this.deps.now() / 1000);
		const tags = [['p', wallet]];
		if (encryption === 'nip44_v2') tags.push(['encryption', 'nip44_v2']);
		tags.push(['expiration', String(createdAt + ttlSeconds)]);
		const encrypted =
			encryption === 'nip44_v2'
				? nip44Encrypt(content, this.conversationKey)
				: nip04Encrypt(content, this.secretKey, wallet);
		const template = { kind: KIND_REQUEST, created_at: createdAt, tags, content: encrypted };
		return signEvent(template, this.secretKey);
	}

	private exchange(
		relay: RelayConnection,
		request: NostrEvent,
		method: string,
		timeoutMs: number
	): Promise<Reply> {
		const filter: Filter = {
			kinds: [KIND_RESPONSE],
			authors: [this.config.walletPubkey],
			'#e': [request.id]
		};
		const accept = (event: unknown) => this.readReply(event, request.id, method);
		return relay.exchange(request, filter, accept, timeoutMs);
	}

	/**
	 * An answer counts only if it is a correctly signed kind-23195 event from the wallet, points
	 * at our request (`e`), is addressed to us when it says so (`p`), decrypts, and answers the
	 * method asked (`result_type`, which NIP-47 says MUST match). Anything else is ignored: the
	 * signature check is what stops a replayed, genuinely encrypted answer re-tagged to a new id.
	 */
	private readReply(value: unknown, requestId: string, method: string): Reply | undefined {
		if (!verifyEvent(value)) return undefined;
		const event = value;
		if (event.kind !== KIND_RESPONSE || event.pubkey !== this.config.walletPubkey) return undefined;
		if (tagValue(event, 'e') !== requestId) return undefined;
		const addressee = tagValue(event, 'p');
		if (addressee !== null && addressee !== this.clientPubkey) return undefined;
		const plaintext = this.decrypt(event.content);
		if (plaintext === null) return undefined;
		let json: unknown;
		try {
			json = JSON.parse(plaintext);
		} catch {
			return undefined;
		}
		const reply = replySchema.safeParse(json);
		if (!reply.success || reply.data.result_type !== method) return undefined;
		return reply.data;
	}

	/** Wallets answer in the scheme of the request; either is read (NIP-04 carries `?iv=`). */
	private decrypt(content: string): string | null {
		try {
			if (looksLikeNip04(content)) {
				return nip04Decrypt(content, this.secretKey, this.config.walletPubkey);
			}
			return nip44Decrypt(content, this.conversationKey);
		} catch {
			return null;
		}
	}

	/**
	 * The encryption the wallet speaks, from its replaceable info event (kind 13194): an
	 * `encryption` tag listing `nip44_v2` means NIP-44; no such tag means NIP-04 only (NIP-47).
	 * Without an info event on the relay, NIP-44 is tried.
	 */
	private async encryption(relay: RelayConnection): Promise<Encryption> {
		if (this.options.encryption) return this.options.encryption;
		const wallet = this.config.walletPubkey;
		const cached = encryptionCache.get(wallet);
		if (cached && cached.until > this.deps.now()) return cached.encryption;
		const filter = { kinds: [KIND_INFO], authors: [wallet], limit: 1 };
		const events = await relay.query(filter, INFO_TIMEOUT_MS);
		const info = events
			.filter(verifyEvent)
			.filter((event) => event.kind === KIND_INFO && event.pubkey === wallet)
			.sort((a, b) => b.created_at - a.created_at)[0];
		let encryption: Encryption = 'nip44_v2';
		if (info) {
			const tag = tagValue(info, 'encryption');
			encryption = tag !== null && tag.split(/\s+/).includes('nip44_v2') ? 'nip44_v2' : 'nip04';
		}
		const until = this.deps.now() + (info ? ENCRYPTION_CACHE_MS : NO_INFO_CACHE_MS);
		encryptionCache.set(wallet, { encryption, until });
		return encryption;
	}

	// -- connection --------------------------------------------------------------------------

	/** Runs `work` on the shared relay connection, opened on first use and closed when idle. */
	private async session<T>(work: (relay: RelayConnection) => Promise<T>): Promise<T> {
		this.users += 1;
		try {
			return await work(await this.acquire());
		} finally {
			this.users -= 1;
			if (this.users === 0 && this.connection) {
				const closing = this.connection;
				this.connection = null;
				closing.then(
					(relay) => relay.close(),
					() => {}
				);
			}
		}
	}

	/** The open connection, or a new one (one at a time, however many callers ask). */
	private async acquire(): Promise<RelayConnection> {
		const current = this.connection;
		if (current) {
			const relay = await current.catch(() => null);
			if (relay?.open) return relay;
			if (this.connection !== current) return this.acquire();
		}
		const opening = this.openRelay();
		this.connection = opening;
		try {
			return await opening;
		} catch (error) {
			if (this.connection === opening) this.connection = null;
			throw error;
		}
	}

	/** The first of the wallet's relays that accepts a connection. */
	private async openRelay(): Promise<RelayConnection> {
		const problems: string[] = [];
		for (const url of this.config.relays) {
			try {
				return new RelayConnection(await this.connectWithin(url));
			} catch (error) {
				const reason = error instanceof Error ? error.message : String(error);
				problems.push(`${new URL(url).host}: ${reason}`);
			}
		}
		const message = `No relay of the wallet could be reached (${problems.join('; ')}).`;
		throw new NodeHttpError('node-unavailable', 'unreachable', message);
	}

	/** Connects within the timeout; a socket that turns up later is closed, not leaked. */
	private connectWithin(url: string): Promise<WebSocketLike> {
		const attempt = this.connectRelay(url);
		let timer: ReturnType<typeof setTimeout> | undefined;
		const expiry = new Promise<never>((_, reject) => {
			timer = setTimeout(() => {
				attempt.then(
					(socket) => socket.close(),
					() => {}
				);
				reject(new NodeHttpError('node-unavailable', 'timeout', 'timed out'));
			}, this.settings.connectTimeoutMs);
		});
		return Promise.race([attempt, expiry]).finally(() => clearTimeout(timer));
	}
}

/** An NWC wallet behind the NodeAdapter interface. Throws NodeError for an unusable config. */
export function createNwcAdapter(
	config: NwcConfig,
	deps: NodeDeps,
	options: NwcOptions = {}
): NodeAdapter {
	if (!isValidXOnlyPublicKey(config.walletPubkey)) {
		throw misconfigured('The wallet public key is not valid.');
	}
	if (config.relays.length === 0) throw misconfigured('The wallet connection names no relay.');
	try {
		secretKeyFromHex(config.secret);
	} catch {
		throw misconfigured('The wallet connection secret is not a valid key.');
	}
	return new NwcNode(config, deps, options);
}

// ---------------------------------------------------------------------------------------------
// Notifications

export type NwcNotification = { type: string; paymentHash: string | null };

const notificationSchema = z.object({
	notification_type: z.string(),
	notification: z.looseObject({ payment_hash: z.string().regex(ANY_CASE_HEX64).optional() })
});

/**
 * Reads a wallet notification (kind 23197 NIP-44, or 23196 NIP-04), such as `payment_received`.
 * A notification is only a hint to look the invoice up: null unless it is correctly signed by
 * the wallet, addressed to this client and readable.
 */
export function decodeNwcNotification(value: unknown, config: NwcConfig): NwcNotification | null {
	if (!verifyEvent(value)) return null;
	const event = value;
	if (event.pubkey !== config.walletPubkey) return null;
	if (event.kind !== KIND_NOTIFICATION && event.kind !== KIND_NOTIFICATION_NIP04) return null;
	const secretKey = secretKeyFromHex(config.secret);
	if (tagValue(event, 'p') !== publicKeyOf(secretKey)) return null;
	let json: unknown;
	try {
		const plaintext =
			event.kind === KIND_NOTIFICATION_NIP04
				? nip04Decrypt(event.content, secretKey, config.walletPubkey)
				: nip44Decrypt(event.content, nip44ConversationKey(secretKey, config.walletPubkey));
		json = JSON.parse(plaintext);
	} catch {
		return null;
	}
	const parsed = notificationSchema.safeParse(json);
	if (!parsed.success) return null;
	return {
		type: parsed.data.notification_type,
		paymentHash: parsed.data.notification.payment_hash?.toLowerCase() ?? null
	};
}

export const NWC_ERROR_CODES: readonly string[] = ERROR_CODES;
export const NWC_KINDS = {
	info: KIND_INFO,
	request: KIND_REQUEST,
	response: KIND_RESPONSE,
	notification: KIND_NOTIFICATION,
	notificationNip04: KIND_NOTIFICATION_NIP04
} as const;
