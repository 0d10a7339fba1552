// LNbits (a wallet on someone's LNbits server) through its wallet API, v0.12 to v1.x
// (lnbits/core/views/payment_api.py, wallet_api.py; lnbits/core/models/payments.py):
// - header `X-Api-Key`: the invoice key reads and creates invoices, the admin key also pays;
//   a missing key is 401, an unknown one 404 "Wallet not found.", the wrong kind 401/403;
// - `POST /api/v1/payments` creates (`out: false`, `amount` in `unit`, here sat) or pays
//   (`out: true`, `bolt11`, admin key); `out` defaults to true, so it is always sent;
// - `GET /api/v1/payments/{hash}` answers `{ paid, preimage, details? }`; `details` (the
//   Payment, amounts in msat, negative when outgoing) only for the owning wallet's key;
// - payments are keyed by hash: paying again raises PaymentError, HTTP 520
//   `{ detail, status }` ("Payment is still pending.", "Payment already paid."), so a retry
//   never pays twice; LNbits waits a few seconds and then answers 201 with status "pending".
// Limits: LNbits has no invoice labels and no lookup by `extra`, so creation is not idempotent
// on the node: a retried creation makes a second invoice. That is harmless here (an invoice whose
// answer never reached us was never shown to anyone, so nobody pays it and it expires), and each
// invoice carries `extra.flashpointLabel` so the merchant can trace it. LNbits does not say which
// network its funding source is on; it is read from the prefix of the wallet's latest invoice.
import { z } from 'zod';
import {
	callNode,
	expectShape,
	isSetupFailure,
	messageIn,
	NodeHttpError,
	PAY_TIMEOUT_MS,
	paymentHashOf,
	preimageMatches,
	readJson,
	REQUEST_TIMEOUT_MS,
	unknownOutcome,
	type NodeDeps,
	type NodeEndpoint
} from './http';
import {
	NodeError,
	type NodeAdapter,
	type NodeInfo,
	type NodeInvoice,
	type NodePayment
} from './types';

export type LnbitsConfig = {
	kind: 'lnbits';
	/** Base URL of the LNbits server (checked by url-policy). */
	url: string;
	invoiceKey: string;
	/** Needed only to pay (refunds, card withdrawals); null for a receive-only connection. */
	adminKey: string | null;
};

const hex32 = z
	.string()
	.regex(/^[0-9a-f]{64}$/i)
	.transform((v) => v.toLowerCase());
const int = z.number().int();
/** LNbits times: unix seconds (older) or ISO 8601 strings (v1). */
const time = z
	.union([z.number(), z.string()])
	.transform((v) => (typeof v === 'number' ? v * 1000 : Date.parse(v)));
const status = z.enum(['pending', 'success', 'failed']);

const created = z.object({
	payment_hash: hex32,
	// v1.x sends the Payment model (bolt11); v0.12 only payment_request.
	bolt11: z.string().optional(),
	payment_request: z.string().optional(),
	amount: int.optional(),
	expiry: time.nullish()
});

const paymentDetails = z.object({
	payment_hash: hex32,
	amount: int,
	fee: int.default(0),
	bolt11: z.string().default(''),
	status: status.optional(),
	pending: z.boolean().optional(),
	preimage: z.string().nullish(),
	expiry: time.nullish(),
	time: time.nullish(),
	updated_at: time.nullish()
});
type PaymentDetails = z.infer<typeof paymentDetails>;
const paymentStatus = z.object({
	paid: z.boolean().default(false),
	preimage: z.string().nullish(),
	details: paymentDetails.optional()
});

const paid = z.object({ payment_hash: hex32.optional(), status: status.optional() });
const wallet = z.object({ id: z.string().optional(), name: z.string().default(''), balance: int });
const latest = z.array(
	z.object({ bolt11: z.string().default(''), payment_request: z.string().nullish() })
);

/** Invoice prefixes (BOLT 11 human-readable part), longest first. */
const PREFIXES: Array<[string, NodeInfo['network']]> = [
	['lnbcrt', 'regtest'],
	['lntbs', 'signet'],
	['lntb', 'testnet'],
	['lnbc', 'mainnet']
];

type InvoiceRequest = Parameters<NodeAdapter['createInvoice']>[0];
type PayRequest = Parameters<NodeAdapter['payInvoice']>[0];

const why = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));

export class LnbitsNode implements NodeAdapter {
	readonly kind = 'lnbits' as const;
	private readonly invoiceEndpoint: NodeEndpoint;
	private readonly adminEndpoint: NodeEndpoint | null;

	constructor(
		config: LnbitsConfig,
		private readonly deps: NodeDeps
	) {
		const endpoint = (key: string, which: string): NodeEndpoint => ({
			name: 'LNbits',
			base: config.url,
			headers: { 'X-Api-Key': key },
			authHint:
				`Check the wallet’s ${which} key (LNbits, wallet page, “Node URL, API keys and API` +
				' docs”).'
		});
		this.invoiceEndpoint = endpoint(config.invoiceKey, 'invoice/read');
		this.adminEndpoint = config.adminKey ? endpoint(config.adminKey, 'admin') : null;
	}

	async createInvoice(request: InvoiceRequest): Promise<NodeInvoice> {
		if (request.amountMsat % 1000n !== 0n) {
			const message = 'LNbits issues invoices in whole sats; this amount has millisatoshis.';
			throw new NodeError('node-rejected', message);
		}
		const { status, body } = await this.request(this.invoiceEndpoint, 'POST', '/api/v1/payments', {
			out: false,
			amount: Number(request.amountMsat / 1000n),
			unit: 'sat',
			memo: request.description,
			expiry: request.expirySeconds,
			extra: { flashpointLabel: request.label }
		});
		if (status !== 200 && status !== 201) {
			throw this.refusal(this.invoiceEndpoint, status, body, 'create the invoice');
		}
		const invoice = expectShape(this.invoiceEndpoint, created, body, 'the new invoice');
		const bolt11 = invoice.bolt11 || invoice.payment_request;
		if (!bolt11) {
			const message = 'LNbits created an invoice but did not return it.';
			throw new NodeHttpError('node-unavailable', 'shape', message);
		}
		return {
			paymentHash: invoice.payment_hash,
			bolt11,
			// v1.x reports the amount (msat); the BOLT 11 invoice is what the caller checks either way.
			amountMsat: invoice.amount !== undefined ? BigInt(invoice.amount) : request.amountMsat,
			expiresAt: invoice.expiry ?? this.deps.now() + request.expirySeconds * 1000,
			payments: []
		};
	}

	async lookupInvoice(paymentHash: string): Promise<NodeInvoice | null> {
		const details = await this.details(this.invoiceEndpoint, paymentHash);
		// Without details the key's wallet does not own it; a negative amount is an outgoing payment.
		if (!details || details.amount <= 0) return null;
		const settled =
			details.status !== undefined ? details.status === 'success' : details.pending === false;
		// LNbits credits the invoice amount; it does not report overpayment.
		const payment = {
			id: `${details.payment_hash}:0`,
			amountMsat: BigInt(details.amount),
			receivedAt: details.updated_at ?? details.time ?? 0
		};
		return {
			paymentHash: details.payment_hash,
			bolt11: details.bolt11,
			amountMsat: BigInt(details.amount),
			expiresAt: details.expiry ?? 0,
			payments: settled ? [payment] : []
		};
	}

	async payInvoice(request: PayRequest): Promise<NodePayment> {
		const admin = this.requireAdmin();
		const decoded = paymentHashOf(request.bolt11);
		if ('error' in decoded) return { status: 'failed', paymentHash: '', reason: decoded.error };
		const hash = decoded.hash;
		// LNbits has no per-payment fee cap in its API; it holds a fee reserve (by default the larger
		// of 2 sat and 1 %) from the wallet balance instead.
		const body = { out: true, bolt11: request.bolt11 };
		const timeoutMs = this.deps.timeouts?.payMs ?? PAY_TIMEOUT_MS;
		let answer: { status: number; body: unknown };
		try {
			answer = await this.request(admin, 'POST', '/api/v1/payments', body, timeoutMs);
		} catch (error) {
			if (isSetupFailure(error)) throw error;
			return this.resolve(hash, error);
		}
		if (answer.status === 200 || answer.status === 201) {
			const result = expectShape(admin, paid, answer.body, 'the payment');
			if (result.payment_hash !== undefined && result.payment_hash !== hash) {
				return this.resolve(hash, 'LNbits reported a payment for another invoice');
			}
			// The full answer (preimage, fee) is read back by hash, whatever the status said.
			return this.resolve(hash, `LNbits answered ${result.status ?? 'without a status'}`);
		}
		// 520 PaymentError carries the payment's status; 400 is an invoice LNbits will not pay.
		const said = messageIn(answer.body) ?? `HTTP ${answer.status}`;
		let seen: NodePayment | null;
		try {
			seen = await this.lookupPayment(hash);
		} catch (cause) {
			throw unknownOutcome(admin, hash, said, cause);
		}
		if (seen) return seen;
		if (answer.status >= 500 && answer.status !== 520) throw unknownOutcome(admin, hash, said);
		if (/still pending|already paid/i.test(said)) throw unknownOutcome(admin, hash, said);
		return { status: 'failed', paymentHash: hash, reason: `LNbits refused the payment: ${said}` };
	}

	async lookupPayment(paymentHash: string): Promise<NodePayment | null> {
		const details = await this.details(this.adminEndpoint ?? this.invoiceEndpoint, paymentHash);
		if (!details || details.amount >= 0) return null;
		const state = details.status ?? (details.pending === false ? 'success' : 'pending');
		if (state === 'pending') return { status: 'pending', paymentHash };
		if (state === 'failed') return { status: 'failed', paymentHash, reason: 'the payment failed' };
		const preimage = details.preimage ?? '';
		if (!preimageMatches(preimage, paymentHash)) {
			throw unknownOutcome(this.invoiceEndpoint, paymentHash, 'it reports no matching preimage');
		}
		return {
			status: 'succeeded',
			paymentHash,
			amountMsat: BigInt(-details.amount),
			feeMsat: BigInt(Math.abs(details.fee)),
			preimage: preimage.toLowerCase()
		};
	}

	async balance(): Promise<{ spendableMsat: bigint }> {
		const { status, body } = await this.request(this.invoiceEndpoint, 'GET', '/api/v1/wallet');
		if (status !== 200) {
			throw this.refusal(this.invoiceEndpoint, status, body, 'read the wallet balance');
		}
		// The wallet balance is in msat.
		const parsed = expectShape(this.invoiceEndpoint, wallet, body, 'the wallet');
		return { spendableMsat: BigInt(parsed.balance) };
	}

	/** `networkKnown` is false when the wallet has no invoice yet to tell the network by. */
	async info(): Promise<NodeInfo & { networkKnown: boolean }> {
		const { status, body } = await this.request(this.invoiceEndpoint, 'GET', '/api/v1/wallet');
		if (status !== 200) throw this.refusal(this.invoiceEndpoint, status, body, 'read the wallet');
		const parsed = expectShape(this.invoiceEndpoint, wallet, body, 'the wallet');
		let network: NodeInfo['network'] | null = null;
		const recent = await this.request(this.invoiceEndpoint, 'GET', '/api/v1/payments?limit=1');
		if (recent.status === 200) {
			const [payment] = expectShape(this.invoiceEndpoint, latest, recent.body, 'the payments');
			const invoice = (payment?.bolt11 || payment?.payment_request || '').toLowerCase();
			network = PREFIXES.find(([prefix]) => invoice.startsWith(prefix))?.[1] ?? null;
		}
		return {
			kind: 'lnbits',
			alias: parsed.name,
			network: network ?? 'mainnet',
			networkKnown: network !== null,
			nodeId: parsed.id ?? '',
			synced: true
		};
	}

	/** After a missing or unclear answer: the node's record of the hash decides. */
	private async resolve(hash: string, cause: unknown): Promise<NodePayment> {
		let seen: NodePayment | null;
		try {
			seen = await this.lookupPayment(hash);
		} catch (error) {
			throw unknownOutcome(this.invoiceEndpoint, hash, why(cause), error);
		}
		if (seen) return seen;
		throw unknownOutcome(this.invoiceEndpoint, hash, why(cause), cause);
	}

	private requireAdmin(): NodeEndpoint {
		if (!this.adminEndpoint) {
			throw new NodeHttpError(
				'node-misconfigured',
				'auth',
				'Paying from LNbits needs the wallet’s admin key; this store is connected with the' +
					' invoice key only. Add the admin key in the node settings.'
			);
		}
		return this.adminEndpoint;
	}

	private async details(endpoint: NodeEndpoint, hash: string): Promise<PaymentDetails | null> {
		const { status, body } = await this.request(endpoint, 'GET', `/api/v1/payments/${hash}`);
		if (status === 404) return null;
		if (status !== 200) throw this.refusal(endpoint, status, body, 'look up the payment');
		const parsed = expectShape(endpoint, paymentStatus, body, 'the payment');
		if (!parsed.details || parsed.details.payment_hash !== hash) return null;
		return parsed.details;
	}

	private async request(
		endpoint: NodeEndpoint,
		method: 'GET' | 'POST',
		path: string,
		json?: unknown,
		timeoutMs?: number
	): Promise<{ status: number; body: unknown }> {
		const response = await callNode(this.deps, endpoint, {
			method,
			path,
			json,
			timeoutMs: timeoutMs ?? this.deps.timeouts?.requestMs ?? REQUEST_TIMEOUT_MS
		});
		const answer = await readJson(endpoint, response);
		// An unknown key is "Wallet not found." (404), not 401: treat it as the refusal it is.
		const said = messageIn(answer.body) ?? '';
		if (answer.status === 404 && /wallet not found|wallet does not exist/i.test(said)) {
			const message = `LNbits does not know this key (“${said}”). ${endpoint.authHint}`;
			throw new NodeHttpError('node-auth-refused', 'auth', message, { status: 404 });
		}
		return answer;
	}

	private refusal(endpoint: NodeEndpoint, status: number, body: unknown, doing: string) {
		const said = messageIn(body);
		// 520 is LNbits' InvoiceError/PaymentError; 4xx a request it refused. Other 5xx: try later.
		const rejected = status === 520 || (status >= 400 && status < 500);
		return new NodeHttpError(
			rejected ? 'node-rejected' : 'node-unavailable',
			'refusal',
			`LNbits could not ${doing}${said ? `: “${said}”` : ` (HTTP ${status})`}.`,
			{ status }
		);
	}
}
