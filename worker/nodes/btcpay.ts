// BTCPay Server as a node: the store's own Lightning node through Greenfield's store-level
// Lightning API (`/api/v1/stores/{storeId}/lightning/BTC/...`, header `Authorization: token
// <apiKey>`). Field names, casings (`BOLT11`) and status codes follow BTCPay's OpenAPI
// description (swagger.template.lightning.store.json); amounts are millisatoshi strings.
//
// What this relies on (BTCPayServer.Lightning, the library behind Greenfield):
// - A Lightning invoice's `id` is the payment hash for LND (hex r_hash), LNbits and phoenixd.
//   For Core Lightning the id is a random label, but `GET invoices/{id}` falls back to a
//   payment-hash lookup for a 64-hex id. So invoices are looked up by payment hash, never by a
//   stored id (there is none to store).
// - Older LND clients left `paymentHash` out of LightningInvoiceData, so the hash is read from
//   the BOLT 11 when the field is missing.
// - Greenfield keeps no labels and no idempotency for Lightning invoices: a create retried after
//   a lost answer makes a second invoice. That one is harmless (its BOLT 11 reached no one and
//   it expires unpaid), so nothing is done about it beyond answering a label once per adapter.
// - Paying: BTCPay adds no de-duplication of its own (LND and CLN de-duplicate by hash beneath
//   it, other backends may not), so the payment hash is looked up before anything is sent, and
//   a refusal (400) is checked against the node's payment record before it counts as definite.
import { z } from 'zod';
import { parseDecimal } from '../domain/money';
import { decodeInvoice, type DecodedInvoice } from '../lightning/bolt11';
import { payOnce } from './pay-once';
import { verifySignature } from '../webhooks/signature';
import {
	connectionError,
	NodeHttpError,
	preimageMatches,
	type NodeDeps,
	type NodeEndpoint,
	type NodeFailure
} from './http';
import {
	NodeError,
	type NodeAdapter,
	type NodeInfo,
	type NodeInvoice,
	type NodePayment
} from './types';

/**
 * `onchain`: Flashpoint invoices are made as BTCPay store invoices (Greenfield `POST /api/v1/
 * stores/{storeId}/invoices`) offering on-chain (BTC-CHAIN) and Lightning (BTC-LN), and read
 * back from them, instead of as bare Lightning invoices of the store's node.
 */
export type BtcpayConfig = { url: string; apiKey: string; storeId: string; onchain?: boolean };

export type BtcpayOptions = {
	/** Time allowed for any call but paying. */
	requestTimeoutMs?: number;
	/** `sendTimeout` asked of BTCPay when paying. */
	paySendTimeoutSeconds?: number;
	/** Our own wait for the pay call; defaults to `sendTimeout` plus a margin. */
	payTimeoutMs?: number;
};

const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
const DEFAULT_SEND_TIMEOUT_SECONDS = 20;
const PAY_WAIT_MARGIN_MS = 10_000;
const HEX64 = /^[0-9a-f]{64}$/;

// ---------------------------------------------------------------------------------------------
// Greenfield shapes (components.schemas of the OpenAPI description)

/** LightMoney: millisatoshi as a string of digits (a number is tolerated). */
const msatString = z
	.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()])
	.transform((value) => BigInt(value));

/** LightningInvoiceData; `status` is LightningInvoiceStatus (Unpaid | Paid | Expired). */
const invoiceSchema = z.object({
	id: z.string(),
	status: z.string(),
	BOLT11: z.string(),
	paidAt: z.number().nullish(),
	expiresAt: z.number().nullish(),
	amount: msatString.nullish(),
	amountReceived: msatString.nullish(),
	paymentHash: z.string().nullish(),
	preimage: z.string().nullish()
});
type InvoiceData = z.infer<typeof invoiceSchema>;

/** LightningPaymentData; `status` is LightningPaymentStatus (Unknown|Pending|Complete|Failed). */
const paymentSchema = z.object({
	id: z.string().nullish(),
	status: z.string(),
	BOLT11: z.string().nullish(),
	paymentHash: z.string().nullish(),
	preimage: z.string().nullish(),
	createdAt: z.number().nullish(),
	totalAmount: msatString.nullish(),
	feeAmount: msatString.nullish()
});
type PaymentData = z.infer<typeof paymentSchema>;

/** Greenfield store invoices (InvoiceData with `paymentMethods`, includePaymentMethods=true). */
const storePaymentSchema = z.object({
	id: z.string(),
	receivedDate: z.number().nullish(),
	value: z.string(),
	// PaymentStatus: Invalid | Processing | Settled.
	status: z.string()
});
const storeMethodSchema = z.object({
	paymentMethodId: z.string(),
	destination: z.string().nullish(),
	payments: z.array(storePaymentSchema).nullish()
});
const storeInvoiceSchema = z.object({
	id: z.string(),
	amount: z.string(),
	currency: z.string(),
	status: z.string(),
	expirationTime: z.number().nullish(),
	metadata: z.record(z.string(), z.unknown()).nullish(),
	paymentMethods: z.array(storeMethodSchema).nullish()
});
type StoreInvoiceData = z.infer<typeof storeInvoiceSchema>;

/** ProblemDetails, and the 422 ValidationProblemDetails array. */
const problemSchema = z.object({ code: z.string().optional(), message: z.string().optional() });
const validationSchema = z.array(
	z.object({ path: z.string().optional(), message: z.string().optional() })
);
const infoSchema = z.object({
	nodeURIs: z.array(z.string()).nullish(),
	blockHeight: z.number().nullish(),
	alias: z.string().nullish()
});
const balanceSchema = z.object({
	offchain: z.object({ local: msatString.nullish() }).nullish()
});

// ---------------------------------------------------------------------------------------------
// HTTP

type Answer = { status: number; body: unknown };

function problemOf(body: unknown): { code: string; message: string } {
	const problem = problemSchema.safeParse(body);
	if (problem.success) {
		return { code: problem.data.code ?? '', message: problem.data.message ?? '' };
	}
	const validation = validationSchema.safeParse(body);
	if (validation.success) {
		const parts = validation.data.map((v) => [v.path, v.message].filter(Boolean).join(': '));
		return { code: 'validation', message: parts.join('; ') };
	}
	return { code: '', message: '' };
}

/**
 * A Greenfield error answer as a NodeHttpError: a code the merchant can act on, and the part of
 * the connection that failed (./http), which the connection test reports check by check.
 */
function failure(answer: Answer, what: string): NodeHttpError {
	const { code, message } = problemOf(answer.body);
	const detail = message ? `: ${message}` : '';
	const { status } = answer;
	const error = (kind: NodeError['code'], failed: NodeFailure, text: string) =>
		new NodeHttpError(kind, failed, text, { status });
	if (status === 401) {
		const text = `BTCPay Server refused the API key (401) while ${what}; check the key.`;
		return error('node-auth-refused', 'auth', text);
	}
	if (status === 403) {
		const text = `The API key lacks a permission needed for ${what} (403)${detail}.`;
		return error('node-auth-refused', 'auth', text);
	}
	if (status === 404) {
		if (code === 'lightning-not-configured' || code === 'unknown-cryptocode') {
			const text = `The BTCPay store has no Lightning node set up (${code})${detail}.`;
			return error('node-misconfigured', 'refusal', text);
		}
		const text = `BTCPay Server answered 404 while ${what}: check the server URL and store id.`;
		return error('node-misconfigured', 'shape', text);
	}
	// Cloudflare's "invalid SSL certificate" family: the node needs a publicly trusted certificate.
	if (status === 525 || status === 526) {
		const text =
			`BTCPay Server's certificate is not publicly trusted (HTTP ${status}): Workers accept ` +
			'only certificates from public authorities.';
		return error('node-misconfigured', 'tls', text);
	}
	if (status === 400 || status === 422) {
		const label = code ? ` (${code})` : '';
		return error('node-rejected', 'refusal', `BTCPay Server refused ${what}${label}${detail}.`);
	}
	const text = `BTCPay Server could not answer ${what} (HTTP ${status})${detail}.`;
	// A 5xx without Greenfield's JSON comes from whatever stands in front of BTCPay.
	const failed: NodeFailure = status >= 500 && !code ? 'proxy' : 'unreachable';
	return error('node-unavailable', failed, text);
}

function tryDecode(bolt11: string | null | undefined): DecodedInvoice | null {
	if (!bolt11) return null;
	try {
		return decodeInvoice(bolt11);
	} catch {
		return null;
	}
}

/** The searchable order id of the BTCPay invoice made for a Flashpoint invoice. */
const storeOrderId = (label: string) => `flashpoint:${label}`;

/** A BTC decimal string (up to 11 places: millisats) in msat; null if it is not one. */
function btcToMsat(value: string): bigint | null {
	try {
		return parseDecimal(value, 11);
	} catch {
		return null;
	}
}

/** A store invoice's amount in msat, for the currencies Flashpoint makes them in. */
function invoiceAmountMsat(amount: string, currency: string): bigint | null {
	try {
		if (currency.toUpperCase() === 'SATS') return parseDecimal(amount, 3);
		if (currency.toUpperCase() === 'BTC') return parseDecimal(amount, 11);
	} catch {
		return null;
	}
	return null;
}

function unknownOutcome(error: NodeError): NodeHttpError {
	const message = `${error.message} The payment’s outcome is unknown; it is never sent twice.`;
	return new NodeHttpError(error.code, 'unknown-outcome', message, { cause: error });
}

// ---------------------------------------------------------------------------------------------
// The adapter

class BtcpayNode implements NodeAdapter {
	readonly kind = 'btcpay' as const;
	private readonly base: string;
	/** `…/api/v1/stores/{storeId}`: store invoices, for the on-chain mode. */
	private readonly storeBase: string;
	private readonly onchain: boolean;
	private readonly endpoint: NodeEndpoint;
	private readonly requestTimeoutMs: number;
	private readonly sendTimeoutSeconds: number;
	private readonly payTimeoutMs: number;
	private readonly creating = new Map<string, Promise<NodeInvoice>>();
	private readonly paying = new Map<string, Promise<NodePayment>>();

	constructor(
		config: BtcpayConfig,
		private readonly deps: NodeDeps,
		options: BtcpayOptions
	) {
		const root = config.url.replace(/\/+$/, '');
		const store = encodeURIComponent(config.storeId);
		this.storeBase = `${root}/api/v1/stores/${store}`;
		this.base = `${this.storeBase}/lightning/BTC`;
		this.onchain = config.onchain === true;
		this.endpoint = {
			name: 'BTCPay Server',
			base: root,
			headers: { Authorization: `token ${config.apiKey}` },
			authHint: 'the API key and its store permissions'
		};
		const timeouts = deps.timeouts ?? {};
		this.requestTimeoutMs =
			options.requestTimeoutMs ?? timeouts.requestMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
		this.sendTimeoutSeconds = options.paySendTimeoutSeconds ?? DEFAULT_SEND_TIMEOUT_SECONDS;
		this.payTimeoutMs =
			options.payTimeoutMs ??
			timeouts.payMs ??
			this.sendTimeoutSeconds * 1000 + PAY_WAIT_MARGIN_MS;
	}

	/**
	 * POST invoices. `expiry` is required in practice (a non-nullable TimeSpan, <= 0 refused);
	 * `privateRouteHints` lets nodes with only private channels (common behind an LSP) be paid,
	 * and adds nothing for nodes without them.
	 */
	createInvoice(request: {
		label: string;
		amountMsat: bigint;
		description: string;
		expirySeconds: number;
	}): Promise<NodeInvoice> {
		const existing = this.creating.get(request.label);
		if (existing) return existing;
		const created = this.onchain ? this.createStoreInvoice(request) : (async () => {
			const body = {
				amount: request.amountMsat.toString(),
				description: request.description,
				expiry: request.expirySeconds,
				privateRouteHints: true
			};
			const answer = await this.send('POST', '/invoices', body, this.requestTimeoutMs);
			if (answer.status !== 200) throw failure(answer, 'creating the invoice');
			return this.toNodeInvoice(this.readInvoice(answer.body));
		})();
		this.creating.set(request.label, created);
		created.catch(() => this.creating.delete(request.label));
		return created;
	}

	/**
	 * GET invoices/{paymentHash}; `invoice-not-found` means the node does not know it (null). In
	 * the on-chain mode the store invoice made under `label` is read instead, on-chain payments
	 * included; an invoice made before that mode was on is still found on the Lightning node.
	 */
	async lookupInvoice(paymentHash: string, hint?: { label: string }): Promise<NodeInvoice | null> {
		if (!HEX64.test(paymentHash)) return null;
		if (this.onchain && hint) {
			const found = await this.findStoreInvoice(hint.label);
			if (found) return this.storeInvoiceToNode(found);
		}
		const path = `/invoices/${paymentHash}`;
		const answer = await this.send('GET', path, undefined, this.requestTimeoutMs);
		if (answer.status === 404 && problemOf(answer.body).code === 'invoice-not-found') return null;
		if (answer.status !== 200) throw failure(answer, 'looking up the invoice');
		return this.toNodeInvoice(this.readInvoice(answer.body));
	}

	payInvoice(request: {
		bolt11: string;
		maxFeeMsat: bigint;
		idempotencyKey: string;
	}): Promise<NodePayment> {
		return payOnce(this.paying, request.bolt11, (decoded) => this.pay(decoded, request.maxFeeMsat));
	}

	/** GET payments/{paymentHash}; `payment-not-found` means the node never saw one (null). */
	async lookupPayment(paymentHash: string): Promise<NodePayment | null> {
		if (!HEX64.test(paymentHash)) return null;
		const path = `/payments/${paymentHash}`;
		const answer = await this.send('GET', path, undefined, this.requestTimeoutMs);
		if (answer.status === 404 && problemOf(answer.body).code === 'payment-not-found') return null;
		if (answer.status !== 200) throw failure(answer, 'looking up the payment');
		const data = paymentSchema.safeParse(answer.body);
		if (!data.success) throw this.unreadable('payment');
		return this.toNodePayment(data.data, paymentHash, null);
	}

	/** GET balance: `offchain.local`, what the node can send over its active channels. */
	async balance(): Promise<{ spendableMsat: bigint }> {
		const answer = await this.send('GET', '/balance', undefined, this.requestTimeoutMs);
		if (answer.status !== 200) throw failure(answer, 'reading the balance');
		const data = balanceSchema.safeParse(answer.body);
		if (!data.success) throw this.unreadable('balance');
		return { spendableMsat: data.data.offchain?.local ?? 0n };
	}

	/**
	 * GET info. Greenfield reports neither the chain nor the sync state here (an unsynced or
	 * unreachable node answers 503 instead), so the network is taken as mainnet.
	 */
	async info(): Promise<NodeInfo> {
		const answer = await this.send('GET', '/info', undefined, this.requestTimeoutMs);
		if (answer.status !== 200) throw failure(answer, 'reading the node information');
		const data = infoSchema.safeParse(answer.body);
		if (!data.success) throw this.unreadable('node information');
		const uri = data.data.nodeURIs?.[0] ?? '';
		return {
			kind: 'btcpay',
			alias: data.data.alias ?? '',
			network: 'mainnet',
			nodeId: uri.split('@')[0] ?? '',
			synced: true
		};
	}

	// -- store invoices (on-chain mode) --------------------------------------------------------

	/**
	 * A BTCPay store invoice offering BTC-CHAIN and BTC-LN, priced in SATS. Greenfield keeps no
	 * idempotency for invoices, so the label goes into the searchable `orderId` and a creation
	 * retried (the cron, after a lost answer) finds the first invoice instead of making another.
	 * The metadata also names the Flashpoint invoice, which is how BTCPay's webhook deliveries
	 * (they carry the invoice metadata) are matched to it.
	 */
	private async createStoreInvoice(request: {
		label: string;
		amountMsat: bigint;
		description: string;
		expirySeconds: number;
	}): Promise<NodeInvoice> {
		const existing = await this.findStoreInvoice(request.label);
		if (existing) return this.storeInvoiceToNode(existing, true);
		if (request.amountMsat % 1000n !== 0n) {
			const message = 'BTCPay Server invoices are priced in whole sats; this amount has millisats.';
			throw new NodeError('node-rejected', message);
		}
		const body = {
			amount: (request.amountMsat / 1000n).toString(),
			currency: 'SATS',
			metadata: {
				orderId: storeOrderId(request.label),
				[FLASHPOINT_INVOICE_METADATA]: request.label,
				itemDesc: request.description
			},
			checkout: {
				paymentMethods: ['BTC-CHAIN', 'BTC-LN'],
				defaultPaymentMethod: 'BTC-LN',
				expirationMinutes: request.expirySeconds / 60
			}
		};
		const url = `${this.storeBase}/invoices`;
		const answer = await greenfieldSend(this.endpoint, this.deps, 'POST', url, body, this.requestTimeoutMs);
		if (answer.status !== 200) throw failure(answer, 'creating the invoice');
		const made = await this.findStoreInvoice(request.label);
		if (!made) {
			const message = 'BTCPay Server made the invoice but does not list it under its order id.';
			throw new NodeHttpError('node-rejected', 'shape', message);
		}
		return this.storeInvoiceToNode(made, true);
	}

	/** `GET …/invoices?orderId=…&includePaymentMethods=true`: the store invoice of a label. */
	private async findStoreInvoice(label: string): Promise<StoreInvoiceData | null> {
		const orderId = storeOrderId(label);
		const query = new URLSearchParams({ orderId, includePaymentMethods: 'true' });
		const url = `${this.storeBase}/invoices?${query}`;
		const answer = await greenfieldSend(this.endpoint, this.deps, 'GET', url, undefined, this.requestTimeoutMs);
		if (answer.status !== 200) throw failure(answer, 'looking up the invoice');
		const list = z.array(z.unknown()).safeParse(answer.body);
		if (!list.success) throw this.unreadable('invoice list');
		for (const item of list.data) {
			const invoice = storeInvoiceSchema.safeParse(item);
			if (invoice.success && invoice.data.metadata?.orderId === orderId) return invoice.data;
		}
		return null;
	}

	/**
	 * What BTCPay says of its invoice, as a NodeInvoice: the BTC-LN BOLT 11 gives the payment
	 * hash the caller checks; only payments BTCPay reports Settled count (on-chain ones once they
	 * have the confirmations of the store's speed policy; Processing ones wait).
	 */
	private storeInvoiceToNode(data: StoreInvoiceData, creating = false): NodeInvoice {
		const methods = data.paymentMethods ?? [];
		const lightning = methods.find((m) => m.paymentMethodId === 'BTC-LN' || m.paymentMethodId === 'BTC-LightningNetwork');
		const decoded = tryDecode(lightning?.destination);
		if (creating && !decoded) {
			const message =
				'BTCPay Server made the invoice without a Lightning payment method (BTC-LN): set up' +
				' Lightning on the BTCPay store, or turn the on-chain option off.';
			throw new NodeError('node-misconfigured', message);
		}
		const paymentHash = decoded?.paymentHash ?? '';
		const payments: NodeInvoice['payments'] = [];
		for (const method of methods) {
			const isLightning = method === lightning;
			for (const payment of method.payments ?? []) {
				if (payment.status !== 'Settled') continue;
				const amountMsat = btcToMsat(payment.value);
				if (amountMsat === null) continue;
				const receivedAt = payment.receivedDate != null ? payment.receivedDate * 1000 : this.deps.now();
				// A BOLT 11 is paid once: the same id as a Lightning-only lookup would give it.
				const id = isLightning ? `${paymentHash}:0` : `${method.paymentMethodId}:${payment.id}`;
				payments.push({ id, amountMsat, receivedAt });
			}
		}
		let expiresAt = 0;
		if (data.expirationTime != null) expiresAt = data.expirationTime * 1000;
		else if (decoded) expiresAt = decoded.expiresAt * 1000;
		return {
			paymentHash,
			bolt11: lightning?.destination ?? '',
			amountMsat: invoiceAmountMsat(data.amount, data.currency) ?? 0n,
			expiresAt,
			payments
		};
	}

	// -- paying ------------------------------------------------------------------------------

	private async pay(invoice: DecodedInvoice, maxFeeMsat: bigint): Promise<NodePayment> {
		const hash = invoice.paymentHash;
		// Never a second payment for a hash the node has paid or is paying.
		const before = await this.lookupPayment(hash);
		if (before && before.status !== 'failed') return before;

		const body = {
			BOLT11: invoice.paymentRequest,
			// Greenfield's flat fee cap is in whole sats: rounded down, it is never exceeded.
			maxFeeFlat: (maxFeeMsat / 1000n).toString(),
			sendTimeout: this.sendTimeoutSeconds
		};
		let answer: Answer;
		try {
			answer = await this.send('POST', '/invoices/pay', body, this.payTimeoutMs);
		} catch (error) {
			throw error instanceof NodeError ? unknownOutcome(error) : error;
		}

		// 200: paid; 202: initiated, or its outcome unknown when the send timeout ran out.
		if (answer.status === 200 || answer.status === 202) {
			const data = paymentSchema.safeParse(answer.body);
			if (data.success) return this.toNodePayment(data.data, hash, invoice.amountMsat);
			const now = await this.lookupPayment(hash);
			if (now) return now;
			const message = 'BTCPay Server accepted the payment but its outcome is unknown.';
			throw new NodeHttpError('node-unavailable', 'unknown-outcome', message);
		}
		// 400 could-not-find-route | generic-error: the node said no. A generic error can also
		// hide a payment already in flight (CLN reports "in progress" that way), so ask first.
		if (answer.status === 400) {
			const { code, message } = problemOf(answer.body);
			const after = await this.lookupPayment(hash);
			if (after && after.status !== 'failed') return after;
			const reason = [code, message].filter(Boolean).join(': ') || 'refused';
			return { status: 'failed', paymentHash: hash, reason };
		}
		// 422: the request itself was invalid; BTCPay validates before it pays.
		if (answer.status === 422) {
			const reason = problemOf(answer.body).message || 'invalid request';
			return { status: 'failed', paymentHash: hash, reason };
		}
		throw unknownOutcome(failure(answer, 'paying the invoice'));
	}

	// -- mapping -----------------------------------------------------------------------------

	private readInvoice(body: unknown): InvoiceData {
		const data = invoiceSchema.safeParse(body);
		if (!data.success) throw this.unreadable('invoice');
		return data.data;
	}

	/**
	 * What the node said, unchanged: the caller compares hash and amount with what it asked
	 * for. A paid invoice counts `amountReceived` (payers may pay more), or the amount when the
	 * backend leaves it out.
	 */
	private toNodeInvoice(data: InvoiceData): NodeInvoice {
		const decoded = tryDecode(data.BOLT11);
		const paymentHash = (data.paymentHash ?? decoded?.paymentHash ?? '').toLowerCase();
		const amountMsat = data.amount ?? decoded?.amountMsat ?? 0n;
		let expiresAt = 0;
		if (data.expiresAt != null) expiresAt = data.expiresAt * 1000;
		else if (decoded) expiresAt = decoded.expiresAt * 1000;
		const reported = data.amountReceived ?? 0n;
		const received = reported > 0n ? reported : amountMsat;
		const receivedAt = data.paidAt != null ? data.paidAt * 1000 : this.deps.now();
		const paid = data.status === 'Paid';
		return {
			paymentHash,
			bolt11: data.BOLT11,
			amountMsat,
			expiresAt,
			// One settlement per invoice: the id is the hash and part 0 (invoice_payments.id).
			payments: paid ? [{ id: `${paymentHash}:0`, amountMsat: received, receivedAt }] : []
		};
	}

	private toNodePayment(
		data: PaymentData,
		askedHash: string,
		invoiceAmount: bigint | null
	): NodePayment {
		const paymentHash = (data.paymentHash || askedHash).toLowerCase();
		switch (data.status) {
			case 'Complete': {
				const preimage = data.preimage?.toLowerCase() ?? '';
				if (preimage && !preimageMatches(preimage, paymentHash)) {
					throw new NodeError(
						'node-rejected',
						'BTCPay Server reported a preimage that does not match the payment hash.'
					);
				}
				const feeMsat = data.feeAmount ?? 0n;
				// totalAmount includes the fee (LightningPaymentData).
				const amountMsat =
					data.totalAmount != null
						? data.totalAmount - feeMsat
						: (invoiceAmount ?? tryDecode(data.BOLT11)?.amountMsat ?? 0n);
				return { status: 'succeeded', paymentHash, amountMsat, feeMsat, preimage };
			}
			case 'Failed':
				return { status: 'failed', paymentHash, reason: 'the node reports the payment failed' };
			default:
				// Pending, or Unknown: in flight as far as anyone can tell.
				return { status: 'pending', paymentHash };
		}
	}

	private unreadable(what: string): NodeHttpError {
		const message =
			`BTCPay Server answered with an unreadable ${what}: ` +
			'is the URL the BTCPay Server root?';
		return new NodeHttpError('node-misconfigured', 'shape', message);
	}

	// -- transport ---------------------------------------------------------------------------

	private send(
		method: 'GET' | 'POST',
		path: string,
		body: unknown,
		timeoutMs: number
	): Promise<Answer> {
		return greenfieldSend(this.endpoint, this.deps, method, `${this.base}${path}`, body, timeoutMs);
	}
}

/** One Greenfield request with a timeout; the answer's status and parsed JSON body. */
async function greenfieldSend(
	endpoint: NodeEndpoint,
	deps: NodeDeps,
	method: 'GET' | 'POST' | 'DELETE',
	url: string,
	body: unknown,
	timeoutMs: number
): Promise<Answer> {
	const headers = new Headers({ ...endpoint.headers, Accept: 'application/json' });
	if (body !== undefined) headers.set('Content-Type', 'application/json');
	const controller = new AbortController();
	const request = new Request(url, {
		method,
		headers,
		body: body === undefined ? undefined : JSON.stringify(body),
		signal: controller.signal
	});
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => {
			controller.abort();
			const message = `BTCPay Server did not answer within ${timeoutMs / 1000} s`;
			reject(new NodeHttpError('node-unavailable', 'timeout', message));
		}, timeoutMs);
	});
	try {
		const response = await Promise.race([deps.fetch(request), timeout]);
		const text = await Promise.race([response.text(), timeout]);
		let parsed: unknown = null;
		try {
			parsed = text ? JSON.parse(text) : null;
		} catch {
			parsed = null;
		}
		return { status: response.status, body: parsed };
	} catch (error) {
		if (error instanceof NodeError) throw error;
		throw connectionError(endpoint, error, timeoutMs);
	} finally {
		clearTimeout(timer);
	}
}

/** A BTCPay store's Lightning node behind the NodeAdapter interface. */
export function createBtcpayAdapter(
	config: BtcpayConfig,
	deps: NodeDeps,
	options: BtcpayOptions = {}
): NodeAdapter {
	let url: URL;
	try {
		url = new URL(config.url);
	} catch {
		throw new NodeError(
			'node-misconfigured',
			'The BTCPay Server address is not a URL (https://btcpay.example.com).'
		);
	}
	const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
		const message = 'The BTCPay Server address must start with https://.';
		throw new NodeError('node-misconfigured', message);
	}
	if (!config.storeId.trim()) {
		throw new NodeError('node-misconfigured', 'Give the BTCPay store id.');
	}
	if (!config.apiKey.trim()) throw new NodeError('node-misconfigured', 'Give a BTCPay API key.');
	return new BtcpayNode({ ...config, url: url.toString() }, deps, options);
}

// ---------------------------------------------------------------------------------------------
// Webhooks from BTCPay (hints only)

/**
 * The invoice events that can move a Flashpoint invoice: a payment seen, paid in full
 * (Processing), settled, or expired (Greenfield `authorizedEvents.specificEvents`).
 */
export const BTCPAY_HINT_EVENTS = [
	'InvoiceReceivedPayment',
	'InvoicePaymentSettled',
	'InvoiceProcessing',
	'InvoiceSettled',
	'InvoiceExpired'
] as const;

/** The key of BTCPay invoice metadata naming the Flashpoint invoice it belongs to. */
export const FLASHPOINT_INVOICE_METADATA = 'flashpointInvoiceId';

const webhookCreatedSchema = z.object({ id: z.string().min(1) });
const webhookDataSchema = z.object({ id: z.string().optional(), enabled: z.boolean().optional(), url: z.string().optional() });
const WEBHOOK_TIMEOUT_MS = 15_000;

function storeWebhooks(config: BtcpayConfig): { endpoint: NodeEndpoint; url: string } {
	const root = config.url.replace(/\/+$/, '');
	return {
		endpoint: {
			name: 'BTCPay Server',
			base: root,
			headers: { Authorization: `token ${config.apiKey}` },
			authHint: 'the API key and its store permissions'
		},
		url: `${root}/api/v1/stores/${encodeURIComponent(config.storeId)}/webhooks`
	};
}

/**
 * Registers a webhook on the merchant's BTCPay store (Greenfield `POST /api/v1/stores/{storeId}/
 * webhooks`, permission `btcpay.store.webhooks.canmodifywebhooks`) that sends the invoice events
 * above to `url`, signed with `secret`; returns BTCPay's id of it. BTCPay retries failed
 * deliveries itself (automaticRedelivery: 10 s, 1 min, then 6 × 10 min).
 */
export async function registerBtcpayWebhook(
	config: BtcpayConfig,
	deps: NodeDeps,
	hook: { url: string; secret: string }
): Promise<{ webhookId: string }> {
	const { endpoint, url } = storeWebhooks(config);
	const body = {
		enabled: true,
		automaticRedelivery: true,
		url: hook.url,
		authorizedEvents: { everything: false, specificEvents: [...BTCPAY_HINT_EVENTS] },
		secret: hook.secret
	};
	const answer = await greenfieldSend(endpoint, deps, 'POST', url, body, WEBHOOK_TIMEOUT_MS);
	if (answer.status !== 200) throw failure(answer, 'registering the webhook');
	const created = webhookCreatedSchema.safeParse(answer.body);
	if (!created.success) {
		const message = 'BTCPay Server answered the webhook registration without an id.';
		throw new NodeHttpError('node-rejected', 'shape', message);
	}
	return { webhookId: created.data.id };
}

/** Whether the webhook is still there and enabled (`GET …/webhooks/{webhookId}`). */
export async function btcpayWebhookState(
	config: BtcpayConfig,
	deps: NodeDeps,
	webhookId: string
): Promise<'enabled' | 'disabled' | 'missing'> {
	const { endpoint, url } = storeWebhooks(config);
	const target = `${url}/${encodeURIComponent(webhookId)}`;
	const answer = await greenfieldSend(endpoint, deps, 'GET', target, undefined, WEBHOOK_TIMEOUT_MS);
	if (answer.status === 404) return 'missing';
	if (answer.status !== 200) throw failure(answer, 'reading the webhook');
	const data = webhookDataSchema.safeParse(answer.body);
	return data.success && data.data.enabled === false ? 'disabled' : 'enabled';
}

/** Removes a webhook Flashpoint registered earlier; one already gone is fine. */
export async function deleteBtcpayWebhook(
	config: BtcpayConfig,
	deps: NodeDeps,
	webhookId: string
): Promise<void> {
	const { endpoint, url } = storeWebhooks(config);
	const target = `${url}/${encodeURIComponent(webhookId)}`;
	const answer = await greenfieldSend(endpoint, deps, 'DELETE', target, undefined, WEBHOOK_TIMEOUT_MS);
	if (answer.status !== 200 && answer.status !== 404) throw failure(answer, 'removing the webhook');
}

/** The `BTCPay-Sig` check on the raw body: the project's own verifier, re-exported. */
export function verifyBtcpayWebhook(
	secret: string,
	rawBody: Uint8Array | string,
	sigHeader: string | null | undefined
): boolean {
	return verifySignature(secret, rawBody, sigHeader);
}

export type BtcpayWebhookHint = {
	type: string;
	invoiceId: string | null;
	storeId: string | null;
	/** BTCPay's delivery id (`originalDeliveryId` on a redelivery), for de-duplication. */
	deliveryId: string | null;
	/** The Flashpoint invoice the BTCPay invoice was made for (its metadata), if any. */
	flashpointInvoiceId: string | null;
};

const webhookSchema = z.object({
	type: z.string().min(1),
	invoiceId: z.string().min(1).nullish(),
	storeId: z.string().min(1).nullish(),
	deliveryId: z.string().nullish(),
	originalDeliveryId: z.string().nullish(),
	// The typo BTCPay once sent, still tolerated by its own readers.
	orignalDeliveryId: z.string().nullish(),
	metadata: z.record(z.string(), z.unknown()).nullish()
});

/**
 * Reads a BTCPay webhook body (WebhookEvent / WebhookInvoiceEvent): which event, for which
 * invoice and store. Null when the body is not one. Invoice payloads carry no amounts or status
 * (and Greenfield's raw Lightning invoices fire no webhooks), so this is only ever a reason to
 * look the invoice up again before anything moves.
 */
export function parseBtcpayWebhook(rawBody: Uint8Array | string): BtcpayWebhookHint | null {
	let json: unknown;
	try {
		json = JSON.parse(typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody));
	} catch {
		return null;
	}
	const parsed = webhookSchema.safeParse(json);
	if (!parsed.success) return null;
	const data = parsed.data;
	const metadataId = data.metadata?.[FLASHPOINT_INVOICE_METADATA];
	return {
		type: data.type,
		invoiceId: data.invoiceId ?? null,
		storeId: data.storeId ?? null,
		deliveryId: data.originalDeliveryId ?? data.orignalDeliveryId ?? data.deliveryId ?? null,
		flashpointInvoiceId: typeof metadataId === 'string' && metadataId !== '' ? metadataId : null
	};
}
