// LND over its REST gateway (grpc-gateway in front of gRPC): the merchant's own node, called with
// its macaroon. Facts from lnd's lnrpc/lightning.swagger.json, invoicesrpc/invoices.swagger.json
// and routerrpc/router.swagger.json, and its Go sources where the swagger is silent:
// - header `Grpc-Metadata-macaroon: <hex>` (docs/macaroons.md);
// - JSON is protojson with proto field names; int64/uint64 are strings; `bytes` are standard
//   base64 in bodies, base64url (padded) in paths and queries; Payment hashes are hex strings;
// - errors are `{ code (gRPC), message, details }`; streams are lines of `{ result }` or
//   `{ error }`.
// Idempotent creation: LND has no labels, so the preimage is derived from the label
// (HMAC-SHA256 with the store's `labelSecret`): asking again with the same label asks for the same
// payment hash, which LND refuses as a duplicate ("invoice with payment hash already exists",
// invoices/errors.go), and the first invoice is looked up instead. Payments are keyed by hash in
// LND (payments/db/errors.go: "invoice is already paid", "payment is in transition"), so a retry
// cannot pay twice; an answer that never arrives is resolved with TrackPaymentV2.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { base64, base64url } from '@scure/base';
import { z } from 'zod';
import {
	callNode,
	expectShape,
	isSetupFailure,
	NodeHttpError,
	PAY_TIMEOUT_MS,
	paymentHashOf,
	preimageMatches,
	readJson,
	readJsonLines,
	REQUEST_TIMEOUT_MS,
	unknownOutcome,
	type NodeDeps,
	type NodeEndpoint
} from './http';
import type { NodeAdapter, NodeInfo, NodeInvoice, NodePayment } from './types';

export type LndConfig = {
	kind: 'lnd';
	/** Base URL of the REST interface (checked by url-policy). */
	url: string;
	/** The macaroon, hex. */
	macaroon: string;
	/** 32 random bytes (hex) from which invoice preimages are derived per label. */
	labelSecret: string;
};

/** SendPaymentRequest.timeout_seconds: time allowed before the first HTLC (router.swagger.json). */
const PAY_ROUTE_TIMEOUT_SECONDS = 45;

// int64/uint64 arrive as JSON strings (protojson); numbers are accepted too, to be lenient.
const int64 = z.union([z.string().regex(/^-?\d+$/), z.number().int()]).transform((v) => BigInt(v));
const optionalInt64 = int64.optional().transform((v) => v ?? 0n);
const bytes32Base64 = z
	.string()
	.refine((v) => decodeBase64(v)?.length === 32, { message: 'expected 32 bytes in base64' })
	.transform((v) => bytesToHex(decodeBase64(v)!));
const hex32 = z
	.string()
	.regex(/^[0-9a-f]{64}$/i)
	.transform((v) => v.toLowerCase());

function decodeBase64(text: string): Uint8Array | null {
	// grpc-gateway writes standard base64; accept the URL alphabet as its parser does.
	const standard = text.replaceAll('-', '+').replaceAll('_', '/');
	const padded = standard + '='.repeat((4 - (standard.length % 4)) % 4);
	try {
		return base64.decode(padded);
	} catch {
		return null;
	}
}

const addInvoiceResponse = z.object({ r_hash: bytes32Base64, payment_request: z.string().min(1) });

const invoiceSchema = z.object({
	r_hash: bytes32Base64,
	payment_request: z.string(),
	value_msat: optionalInt64,
	creation_date: optionalInt64,
	expiry: optionalInt64,
	// protojson emits the zero value, "OPEN"; accept its absence as well.
	state: z.enum(['OPEN', 'SETTLED', 'CANCELED', 'ACCEPTED']).default('OPEN'),
	amt_paid_msat: optionalInt64,
	settle_date: optionalInt64
});

const paymentSchema = z.object({
	payment_hash: hex32,
	payment_preimage: z.string().default(''),
	value_msat: optionalInt64,
	fee_msat: optionalInt64,
	status: z.enum(['UNKNOWN', 'IN_FLIGHT', 'SUCCEEDED', 'FAILED', 'INITIATED']),
	failure_reason: z.string().default('FAILURE_REASON_NONE')
});
type LndPayment = z.infer<typeof paymentSchema>;

const infoSchema = z.object({
	identity_pubkey: z.string(),
	alias: z.string().default(''),
	synced_to_chain: z.boolean().default(false),
	synced_to_graph: z.boolean().default(false),
	chains: z.array(z.object({ network: z.string() })).default([])
});

const amountSchema = z.object({ sat: optionalInt64, msat: optionalInt64 });
const balanceSchema = z.object({ local_balance: amountSchema.optional(), balance: optionalInt64 });

const NETWORKS: Record<string, NodeInfo['network']> = {
	mainnet: 'mainnet',
	testnet: 'testnet',
	testnet3: 'testnet',
	testnet4: 'testnet',
	signet: 'signet',
	regtest: 'regtest',
	simnet: 'regtest'
};

// lnrpc PaymentFailureReason, in words.
const FAILURE_REASONS: Record<string, string> = {
	FAILURE_REASON_TIMEOUT: 'no route was found before the payment timeout',
	FAILURE_REASON_NO_ROUTE: 'no route to the destination within the fee limit',
	FAILURE_REASON_ERROR: 'the payment failed with an unrecoverable error',
	FAILURE_REASON_INCORRECT_PAYMENT_DETAILS:
		'the destination rejected the payment details (unknown or already paid invoice, wrong amount)',
	FAILURE_REASON_INSUFFICIENT_BALANCE: 'not enough outbound balance in the node’s channels',
	FAILURE_REASON_CANCELED: 'the payment was canceled',
	FAILURE_REASON_NONE: 'the payment failed'
};

/** "Already paid" and "in flight" refusals (payments/db/errors.go): report that payment. */
const PAYMENT_EXISTS = /invoice is already paid|payment is in transition|payment already exists/i;
const INVOICE_EXISTS = /invoice with payment hash already exists/i;
/** LookupInvoice: invoices.ErrInvoiceNotFound / ErrNoInvoicesCreated. */
const INVOICE_NOT_FOUND = /unable to locate invoice|there are no existing invoices/i;
/** The above, TrackPayment's ErrPaymentNotInitiated, and NotFound in general. */
const NOT_FOUND = new RegExp(`${INVOICE_NOT_FOUND.source}|payment isn'?t initiated|not found`, 'i');
/** Macaroon refusals arrive as gRPC errors, often with HTTP 500. */
const MACAROON = /macaroon|permission denied|verification failed|invalid authentication/i;
const NOT_READY = /wallet locked|unlock|starting up|not yet ready|in the process of starting/i;

type RpcStatus = { code: number | null; message: string };
type InvoiceRequest = Parameters<NodeAdapter['createInvoice']>[0];
type PayRequest = Parameters<NodeAdapter['payInvoice']>[0];

/** `{ code, message }` or, in streams and stream errors, `{ error: { code, message } }`. */
function rpcStatus(body: unknown): RpcStatus | null {
	if (typeof body !== 'object' || body === null) return null;
	const record = body as Record<string, unknown>;
	const nested = typeof record.error === 'object' && record.error !== null;
	const inner = nested ? (record.error as Record<string, unknown>) : record;
	if (typeof inner.message !== 'string') return null;
	return { code: typeof inner.code === 'number' ? inner.code : null, message: inner.message };
}

const why = (cause: unknown): Error => (cause instanceof Error ? cause : new Error(String(cause)));

export class LndNode implements NodeAdapter {
	readonly kind = 'lnd' as const;
	private readonly endpoint: NodeEndpoint;

	constructor(
		private readonly config: LndConfig,
		private readonly deps: NodeDeps
	) {
		this.endpoint = {
			name: 'LND',
			base: config.url,
			headers: { 'Grpc-Metadata-macaroon': config.macaroon },
			authHint:
				'Check the macaroon: give admin.macaroon as hex (for example the output of' +
				' `xxd -ps -u -c 1000 admin.macaroon`), or one baked with invoices:read, invoices:write,' +
				' offchain:read and offchain:write.'
		};
	}

	/** The preimage LND is asked to use for `label`: HMAC-SHA256(labelSecret, label). */
	preimageFor(label: string): Uint8Array {
		return hmac(sha256, hexToBytes(this.config.labelSecret), utf8ToBytes(label));
	}

	async createInvoice(request: InvoiceRequest): Promise<NodeInvoice> {
		const preimage = this.preimageFor(request.label);
		const expected = bytesToHex(sha256(preimage));
		// lnrpcInvoice (POST /v1/invoices): value_msat xor value; r_preimage is `bytes` (base64).
		// `private` adds route hints for private channels, so payers reach a node that has only those.
		const { status, body } = await this.request('POST', '/v1/invoices', {
			memo: request.description,
			value_msat: request.amountMsat.toString(),
			expiry: String(request.expirySeconds),
			r_preimage: base64.encode(preimage),
			private: true
		});
		if (status === 200) {
			const added = expectShape(this.endpoint, addInvoiceResponse, body, 'the new invoice');
			if (added.r_hash !== expected) {
				throw new NodeHttpError(
					'node-rejected',
					'refusal',
					'LND issued the invoice under another payment hash than the preimage we gave it, so' +
						' its invoices could not be matched to sales. Check that the address points at' +
						' LND’s REST interface.'
				);
			}
			return {
				paymentHash: added.r_hash,
				bolt11: added.payment_request,
				amountMsat: request.amountMsat,
				expiresAt: this.deps.now() + request.expirySeconds * 1000,
				payments: []
			};
		}
		const error = rpcStatus(body);
		if (error && INVOICE_EXISTS.test(error.message)) {
			// Created by an earlier attempt with the same label: that invoice is the answer.
			const existing = await this.lookupInvoice(expected);
			if (existing) return existing;
			const message = 'LND says the invoice exists but cannot find it; try again.';
			throw new NodeHttpError('node-unavailable', 'refusal', message);
		}
		throw this.refusal(status, error, 'create the invoice');
	}

	async lookupInvoice(paymentHash: string): Promise<NodeInvoice | null> {
		// LookupInvoiceV2 (invoices.swagger.json): `payment_hash` is bytes, base64 in the query.
		const query = encodeURIComponent(base64url.encode(hexToBytes(paymentHash)));
		let answer = await this.request('GET', `/v2/invoices/lookup?payment_hash=${query}`);
		let error = rpcStatus(answer.body);
		if (answer.status === 404 && !(error && INVOICE_NOT_FOUND.test(error.message))) {
			// A gateway 404 without LND's "unable to locate invoice" is a route this LND lacks
			// (LookupInvoiceV2 is newer): ask LookupInvoice, whose path takes the hash in hex.
			answer = await this.request('GET', `/v1/invoice/${paymentHash}`);
			error = rpcStatus(answer.body);
		}
		if (answer.status === 200) {
			return this.toInvoice(expectShape(this.endpoint, invoiceSchema, answer.body, 'the invoice'));
		}
		if (answer.status === 404 || (error && NOT_FOUND.test(error.message))) return null;
		throw this.refusal(answer.status, error, 'look up the invoice');
	}

	async payInvoice(request: PayRequest): Promise<NodePayment> {
		const decoded = paymentHashOf(request.bolt11);
		if ('error' in decoded) return { status: 'failed', paymentHash: '', reason: decoded.error };
		const hash = decoded.hash;
		let response: Response;
		try {
			// SendPaymentV2: always a non-zero fee limit in practice (0 allows only fee-free routes);
			// no_inflight_updates streams only the final state.
			response = await callNode(this.deps, this.endpoint, {
				method: 'POST',
				path: '/v2/router/send',
				json: {
					payment_request: request.bolt11,
					fee_limit_msat: request.maxFeeMsat.toString(),
					timeout_seconds: PAY_ROUTE_TIMEOUT_SECONDS,
					no_inflight_updates: true
				},
				timeoutMs: this.deps.timeouts?.payMs ?? PAY_TIMEOUT_MS
			});
		} catch (error) {
			if (isSetupFailure(error)) throw error;
			return this.resolve(hash, error);
		}
		if (response.status !== 200) {
			let error: RpcStatus | null = null;
			try {
				error = rpcStatus((await readJson(this.endpoint, response)).body);
			} catch (cause) {
				return this.resolve(hash, cause);
			}
			if (error && MACAROON.test(error.message)) throw this.authError(error.message);
			return this.refusedPayment(hash, response.status, error);
		}
		let messages: unknown[];
		try {
			messages = await readJsonLines(this.endpoint, response, (value) => {
				const status = (value as { result?: { status?: unknown } }).result?.status;
				return rpcStatus(value) !== null || status === 'SUCCEEDED' || status === 'FAILED';
			});
		} catch (error) {
			// The stream was cut (LND restarted, the tunnel dropped): the payment may be in flight.
			return this.resolve(hash, error);
		}
		const last = messages[messages.length - 1];
		if (last === undefined) return this.resolve(hash, 'the payment stream ended without a result');
		const error = rpcStatus(last);
		if (error) return this.refusedPayment(hash, 200, error);
		const result = (last as { result?: unknown }).result;
		const payment = expectShape(this.endpoint, paymentSchema, result, 'the payment');
		const seen = this.verified(hash, payment);
		return seen ?? this.resolve(hash, 'LND reported a payment that does not match the invoice');
	}

	async lookupPayment(paymentHash: string): Promise<NodePayment | null> {
		// TrackPaymentV2: hash as base64url in the path. With in-flight updates on, the first message
		// is the current state, so reading one message answers without waiting for the outcome.
		const hash = base64url.encode(hexToBytes(paymentHash));
		const response = await callNode(this.deps, this.endpoint, {
			method: 'GET',
			path: `/v2/router/track/${hash}?no_inflight_updates=false`,
			timeoutMs: this.deps.timeouts?.requestMs ?? REQUEST_TIMEOUT_MS
		});
		if (response.status !== 200) {
			const error = rpcStatus((await readJson(this.endpoint, response)).body);
			if (response.status === 404 || (error && NOT_FOUND.test(error.message))) return null;
			throw this.refusal(response.status, error, 'look up the payment');
		}
		const [first] = await readJsonLines(this.endpoint, response, () => true);
		const error = rpcStatus(first);
		if (error) {
			if (NOT_FOUND.test(error.message)) return null;
			throw this.refusal(200, error, 'look up the payment');
		}
		if (first === undefined) return null;
		const result = (first as { result?: unknown }).result;
		const payment = expectShape(this.endpoint, paymentSchema, result, 'the payment');
		const seen = this.verified(paymentHash, payment);
		if (!seen) throw unknownOutcome(this.endpoint, paymentHash, 'its report does not match');
		return seen;
	}

	async balance(): Promise<{ spendableMsat: bigint }> {
		const { status, body } = await this.request('GET', '/v1/balance/channels');
		if (status !== 200) throw this.refusal(status, rpcStatus(body), 'read the channel balance');
		const parsed = expectShape(this.endpoint, balanceSchema, body, 'the channel balance');
		// ChannelBalanceResponse: local_balance (sat and msat) replaced the deprecated `balance` (sat).
		const local = parsed.local_balance;
		return { spendableMsat: local ? local.msat : parsed.balance * 1000n };
	}

	async info(): Promise<NodeInfo> {
		const { status, body } = await this.request('GET', '/v1/getinfo');
		if (status !== 200) throw this.refusal(status, rpcStatus(body), 'read the node information');
		const parsed = expectShape(this.endpoint, infoSchema, body, 'the node information');
		const name = parsed.chains[0]?.network ?? '';
		const network = NETWORKS[name];
		if (!network) {
			const message = `LND reports an unknown network “${name}”.`;
			throw new NodeHttpError('node-misconfigured', 'shape', message);
		}
		return {
			kind: 'lnd',
			alias: parsed.alias,
			network,
			nodeId: parsed.identity_pubkey,
			synced: parsed.synced_to_chain && parsed.synced_to_graph
		};
	}

	private async request(
		method: 'GET' | 'POST',
		path: string,
		json?: unknown
	): Promise<{ status: number; body: unknown }> {
		const response = await callNode(this.deps, this.endpoint, {
			method,
			path,
			json,
			timeoutMs: this.deps.timeouts?.requestMs ?? REQUEST_TIMEOUT_MS
		});
		const answer = await readJson(this.endpoint, response);
		const error = answer.status !== 200 ? rpcStatus(answer.body) : null;
		if (error && MACAROON.test(error.message)) throw this.authError(error.message);
		return answer;
	}

	private authError(said: string): NodeHttpError {
		const message = `LND refused the macaroon (“${said}”). ${this.endpoint.authHint}`;
		return new NodeHttpError('node-auth-refused', 'auth', message);
	}

	/** A gRPC error in words: 'node-rejected' when LND answered and said no. */
	private refusal(status: number, error: RpcStatus | null, doing: string): NodeHttpError {
		if (!error) {
			const message = `LND could not ${doing} (HTTP ${status}, no error message).`;
			return new NodeHttpError('node-unavailable', 'malformed', message, { status });
		}
		if (NOT_READY.test(error.message)) {
			return new NodeHttpError(
				'node-unavailable',
				'refusal',
				`LND is not ready to ${doing} (“${error.message}”): unlock its wallet and wait until` +
					' it has started.',
				{ status }
			);
		}
		// gRPC Unavailable (14), DeadlineExceeded (4), ResourceExhausted (8): try again later.
		const transient = error.code === 14 || error.code === 4 || error.code === 8;
		return new NodeHttpError(
			transient ? 'node-unavailable' : 'node-rejected',
			'refusal',
			`LND could not ${doing}: “${error.message}”.`,
			{ status }
		);
	}

	/** SendPaymentV2 answered with an error before any payment update. */
	private async refusedPayment(
		hash: string,
		status: number,
		error: RpcStatus | null
	): Promise<NodePayment> {
		// Whatever LND said, its own record of the hash decides: an existing payment (already paid,
		// in flight) is reported as it is; no record means nothing was sent.
		const said = error?.message ?? `HTTP ${status}`;
		let seen: NodePayment | null;
		try {
			seen = await this.lookupPayment(hash);
		} catch (cause) {
			throw unknownOutcome(this.endpoint, hash, said, cause);
		}
		if (seen) return seen;
		if (!error || PAYMENT_EXISTS.test(error.message) || error.code === 14 || status >= 502) {
			throw unknownOutcome(this.endpoint, hash, said);
		}
		return { status: 'failed', paymentHash: hash, reason: `LND refused the payment: ${said}` };
	}

	/** After a cut or missing answer: ask LND what became of the payment. */
	private async resolve(hash: string, cause: unknown): Promise<NodePayment> {
		let seen: NodePayment | null;
		try {
			seen = await this.lookupPayment(hash);
		} catch (error) {
			throw unknownOutcome(this.endpoint, hash, why(cause).message, error);
		}
		if (seen) return seen;
		// LND records a payment before sending anything; no record yet may still mean our request is
		// on its way, so this is not a definite failure.
		throw unknownOutcome(this.endpoint, hash, why(cause).message, cause);
	}

	/** A payment update for our hash, believed only with a preimage that proves it. */
	private verified(hash: string, payment: LndPayment): NodePayment | null {
		if (payment.payment_hash !== hash) return null;
		switch (payment.status) {
			case 'SUCCEEDED':
				if (!preimageMatches(payment.payment_preimage, hash)) return null;
				return {
					status: 'succeeded',
					paymentHash: hash,
					amountMsat: payment.value_msat,
					feeMsat: payment.fee_msat,
					preimage: payment.payment_preimage.toLowerCase()
				};
			case 'FAILED': {
				const reason = FAILURE_REASONS[payment.failure_reason] ?? payment.failure_reason;
				return { status: 'failed', paymentHash: hash, reason };
			}
			default:
				return { status: 'pending', paymentHash: hash };
		}
	}

	private toInvoice(invoice: z.infer<typeof invoiceSchema>): NodeInvoice {
		// amt_paid_msat is set once the invoice is settled; the payer may pay more than asked.
		const settled = invoice.state === 'SETTLED' && invoice.amt_paid_msat > 0n;
		const payment = {
			id: `${invoice.r_hash}:0`,
			amountMsat: invoice.amt_paid_msat,
			receivedAt: Number(invoice.settle_date) * 1000
		};
		return {
			paymentHash: invoice.r_hash,
			bolt11: invoice.payment_request,
			amountMsat: invoice.value_msat,
			expiresAt: Number(invoice.creation_date + invoice.expiry) * 1000,
			payments: settled ? [payment] : []
		};
	}
}
