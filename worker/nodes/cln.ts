// Core Lightning over clnrest: every RPC is `POST /v1/<method>` with named parameters as JSON and
// the header `Rune: <rune>` (doc/developers-guide/app-development/rest.md). Success is HTTP 201;
// an RPC error is HTTP 500 with `{ code, message, data }`; 401/403 are refused runes (codes
// 1501/1502); an unknown method is 404 with -32601. Facts from the JSON schemas in
// doc/schemas/{invoice,listinvoices,xpay,pay,listpays,getinfo,listfunds}.json:
// - `invoice` labels are unique: creating again with the same label fails with 900, and the
//   invoice made the first time is read back with `listinvoices {label}` (idempotent per label);
// - `xpay` (v24.11+; `pay` before) pays, with `maxfee` as an absolute cap; 219 "already paid"
//   (xpay) and 201 "already paid with a different amount" (pay) are answered from `listpays`;
// - msat values are JSON numbers (older versions: strings such as "1000msat").
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
	REQUEST_TIMEOUT_MS,
	unknownOutcome,
	type NodeDeps,
	type NodeEndpoint
} from './http';
import type { NodeAdapter, NodeInfo, NodeInvoice, NodePayment } from './types';

export type ClnConfig = {
	kind: 'cln';
	/** Base URL of clnrest (checked by url-policy). */
	url: string;
	rune: string;
};

/** Our invoices carry this label prefix, so a merchant can tell them apart in `listinvoices`. */
export const CLN_LABEL_PREFIX = 'flashpoint-';
/** xpay/pay `retry_for` (seconds): kept well inside our own pay timeout. */
const PAY_RETRY_SECONDS = 40;

// RPC error codes (doc/schemas/invoice.json, pay.json, xpay.json; common/jsonrpc_errors.h).
const DUPLICATE_LABEL = 900;
const UNKNOWN_METHOD = -32601;
const ALREADY_PAID_XPAY = 219;
const ALREADY_PAID_PAY = 201;
/** Errors after which nothing is in flight: the payment failed for good. */
const FINAL_PAY_ERRORS = new Map<number, string>([
	[203, 'the destination refused the payment for good'],
	[205, 'no route to the destination'],
	[206, 'every route costs more than the fee limit'],
	[207, 'the invoice has expired'],
	[209, 'the payment failed'],
	[210, 'the payment timed out before any attempt was in flight'],
	[-32602, 'the node refused the payment parameters']
]);

const msat = z
	.union([z.number().int().nonnegative(), z.string().regex(/^\d+(msat)?$/)])
	.transform((v) => BigInt(typeof v === 'number' ? v : v.replace(/msat$/, '')));
const unix = z
	.number()
	.nonnegative()
	.transform((v) => Math.floor(v));
const hex32 = z
	.string()
	.regex(/^[0-9a-f]{64}$/i)
	.transform((v) => v.toLowerCase());

const invoiceCreated = z.object({
	bolt11: z.string().min(1),
	payment_hash: hex32,
	expires_at: unix
});
const invoiceSchema = z.object({
	label: z.string(),
	payment_hash: hex32,
	status: z.enum(['unpaid', 'paid', 'expired']),
	expires_at: unix,
	amount_msat: msat.optional(),
	bolt11: z.string().optional(),
	amount_received_msat: msat.optional(),
	paid_at: unix.optional()
});
const listInvoices = z.object({ invoices: z.array(invoiceSchema) });

const xpayResult = z.object({
	payment_preimage: z.string(),
	amount_msat: msat,
	amount_sent_msat: msat
});
const payResult = z.object({
	payment_preimage: z.string().default(''),
	payment_hash: hex32,
	amount_msat: msat,
	amount_sent_msat: msat,
	status: z.enum(['complete', 'pending', 'failed'])
});
const listPays = z.object({
	pays: z.array(
		z.object({
			payment_hash: hex32,
			status: z.enum(['pending', 'failed', 'complete']),
			amount_msat: msat.optional(),
			amount_sent_msat: msat.optional(),
			preimage: z.string().optional()
		})
	)
});
const getinfo = z.object({
	id: z.string(),
	alias: z.string().default(''),
	network: z.string(),
	warning_bitcoind_sync: z.string().optional(),
	warning_lightningd_sync: z.string().optional()
});
const listFunds = z.object({
	channels: z.array(
		z.object({
			our_amount_msat: msat,
			state: z.string(),
			connected: z.boolean().default(true)
		})
	)
});

const NETWORKS: Record<string, NodeInfo['network']> = {
	bitcoin: 'mainnet',
	testnet: 'testnet',
	testnet4: 'testnet',
	signet: 'signet',
	regtest: 'regtest'
};

type RpcError = { code: number | null; message: string };
type RpcFailure = { ok: false; status: number; error: RpcError };
type RpcAnswer = { ok: true; result: unknown } | RpcFailure;
type InvoiceRequest = Parameters<NodeAdapter['createInvoice']>[0];
type PayRequest = Parameters<NodeAdapter['payInvoice']>[0];

const why = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));

export class ClnNode implements NodeAdapter {
	readonly kind = 'cln' as const;
	private readonly endpoint: NodeEndpoint;

	constructor(
		config: ClnConfig,
		private readonly deps: NodeDeps
	) {
		this.endpoint = {
			name: 'Core Lightning',
			base: config.url,
			headers: { Rune: config.rune },
			authHint:
				'Check the rune: create one with `lightning-cli createrune` that allows invoice,' +
				' listinvoices, xpay (or pay), listpays, getinfo and listfunds, and paste it whole.'
		};
	}

	async createInvoice(request: InvoiceRequest): Promise<NodeInvoice> {
		const label = `${CLN_LABEL_PREFIX}${request.label}`;
		const answer = await this.rpc('invoice', {
			amount_msat: safeNumber(request.amountMsat),
			label,
			description: request.description,
			expiry: request.expirySeconds
		});
		if (answer.ok) {
			const created = expectShape(this.endpoint, invoiceCreated, answer.result, 'the new invoice');
			return {
				paymentHash: created.payment_hash,
				bolt11: created.bolt11,
				amountMsat: request.amountMsat,
				expiresAt: created.expires_at * 1000,
				payments: []
			};
		}
		if (answer.error.code === DUPLICATE_LABEL) {
			// Created by an earlier attempt: the invoice.json schema says to ask listinvoices.
			const found = await this.listInvoices({ label });
			if (found) return found;
			const message = 'Core Lightning says the label is taken but lists no invoice for it.';
			throw new NodeHttpError('node-unavailable', 'refusal', message);
		}
		throw this.refusal(answer, 'create the invoice');
	}

	async lookupInvoice(paymentHash: string): Promise<NodeInvoice | null> {
		return this.listInvoices({ payment_hash: paymentHash });
	}

	async payInvoice(request: PayRequest): Promise<NodePayment> {
		const decoded = paymentHashOf(request.bolt11);
		if ('error' in decoded) return { status: 'failed', paymentHash: '', reason: decoded.error };
		const hash = decoded.hash;
		const timeoutMs = this.deps.timeouts?.payMs ?? PAY_TIMEOUT_MS;
		const maxfee = safeNumber(request.maxFeeMsat);
		let method: 'xpay' | 'pay' = 'xpay';
		let answer: RpcAnswer;
		try {
			const params = { invstring: request.bolt11, maxfee, retry_for: PAY_RETRY_SECONDS };
			answer = await this.rpc('xpay', params, timeoutMs);
			if (!answer.ok && answer.error.code === UNKNOWN_METHOD) {
				// Before v24.11 there is no xpay; `pay` takes the same absolute cap as `maxfee`.
				method = 'pay';
				const old = { bolt11: request.bolt11, maxfee, retry_for: PAY_RETRY_SECONDS };
				answer = await this.rpc('pay', old, timeoutMs);
			}
		} catch (error) {
			if (isSetupFailure(error)) throw error;
			return this.resolve(hash, error);
		}
		if (answer.ok) {
			const paid =
				method === 'xpay' ? this.fromXpay(hash, answer.result) : this.fromPay(hash, answer.result);
			return paid ?? this.resolve(hash, 'Core Lightning reported a payment that does not match');
		}
		// The call has returned, so nothing of it is still running unless listpays says so.
		const said = answer.error.message;
		let seen: NodePayment | null;
		try {
			seen = await this.lookupPayment(hash);
		} catch (cause) {
			throw unknownOutcome(this.endpoint, hash, said, cause);
		}
		if (seen && seen.status !== 'failed') return seen;
		const code = answer.error.code;
		if (code === ALREADY_PAID_XPAY || code === ALREADY_PAID_PAY) {
			throw unknownOutcome(this.endpoint, hash, `${said}, but listpays shows no such payment`);
		}
		if (answer.status >= 502 && code === null) throw unknownOutcome(this.endpoint, hash, said);
		const reason = (code !== null && FINAL_PAY_ERRORS.get(code)) || 'the payment failed';
		return { status: 'failed', paymentHash: hash, reason: `${reason}: ${said}` };
	}

	async lookupPayment(paymentHash: string): Promise<NodePayment | null> {
		const answer = await this.rpc('listpays', { payment_hash: paymentHash });
		if (!answer.ok) throw this.refusal(answer, 'look up the payment');
		const { pays } = expectShape(this.endpoint, listPays, answer.result, 'the payments');
		const ours = pays.filter((p) => p.payment_hash === paymentHash);
		const complete = ours.find((p) => p.status === 'complete');
		if (complete) {
			if (!complete.preimage || !preimageMatches(complete.preimage, paymentHash)) {
				throw unknownOutcome(this.endpoint, paymentHash, 'it reports no matching preimage');
			}
			const amount = complete.amount_msat ?? complete.amount_sent_msat ?? 0n;
			const sent = complete.amount_sent_msat ?? amount;
			return {
				status: 'succeeded',
				paymentHash,
				amountMsat: amount,
				feeMsat: sent - amount,
				preimage: complete.preimage.toLowerCase()
			};
		}
		if (ours.some((p) => p.status === 'pending')) return { status: 'pending', paymentHash };
		if (ours.length > 0) return { status: 'failed', paymentHash, reason: 'the payment failed' };
		return null;
	}

	async balance(): Promise<{ spendableMsat: bigint }> {
		const answer = await this.rpc('listfunds', {});
		if (!answer.ok) throw this.refusal(answer, 'read the channel balance');
		const { channels } = expectShape(this.endpoint, listFunds, answer.result, 'the funds');
		// Only channels in CHANNELD_NORMAL with a connected peer can carry a payment now.
		const spendableMsat = channels
			.filter((c) => c.state === 'CHANNELD_NORMAL' && c.connected)
			.reduce((sum, c) => sum + c.our_amount_msat, 0n);
		return { spendableMsat };
	}

	async info(): Promise<NodeInfo> {
		const answer = await this.rpc('getinfo', {});
		if (!answer.ok) throw this.refusal(answer, 'read the node information');
		const parsed = expectShape(this.endpoint, getinfo, answer.result, 'the node information');
		const network = NETWORKS[parsed.network];
		if (!network) {
			const message = `Core Lightning reports an unknown network “${parsed.network}”.`;
			throw new NodeHttpError('node-misconfigured', 'shape', message);
		}
		// getinfo warns while bitcoind or lightningd is still catching up with the chain.
		const warned = parsed.warning_bitcoind_sync ?? parsed.warning_lightningd_sync;
		const synced = warned === undefined;
		return { kind: 'cln', alias: parsed.alias, network, nodeId: parsed.id, synced };
	}

	private async rpc(
		method: string,
		params: Record<string, unknown>,
		timeoutMs?: number
	): Promise<RpcAnswer> {
		const response = await callNode(this.deps, this.endpoint, {
			method: 'POST',
			path: `/v1/${method}`,
			json: params,
			timeoutMs: timeoutMs ?? this.deps.timeouts?.requestMs ?? REQUEST_TIMEOUT_MS
		});
		const { status, body } = await readJson(this.endpoint, response);
		// clnrest answers 201 Created on success (plugins/rest-plugin; tests/test_clnrest.py).
		if (status === 200 || status === 201) return { ok: true, result: body };
		const record = (typeof body === 'object' && body !== null ? body : {}) as Record<
			string,
			unknown
		>;
		const message = typeof record.message === 'string' ? record.message : `HTTP ${status}`;
		const code = typeof record.code === 'number' ? record.code : null;
		return { ok: false, status, error: { code, message } };
	}

	private async listInvoices(
		filter: { label: string } | { payment_hash: string }
	): Promise<NodeInvoice | null> {
		const answer = await this.rpc('listinvoices', filter);
		if (!answer.ok) throw this.refusal(answer, 'look up the invoice');
		const { invoices } = expectShape(this.endpoint, listInvoices, answer.result, 'the invoices');
		const invoice = invoices[0];
		if (!invoice) return null;
		if (!invoice.bolt11) {
			const message = 'Core Lightning lists a BOLT 12 invoice where a BOLT 11 one was expected.';
			throw new NodeHttpError('node-rejected', 'shape', message);
		}
		// amount_received_msat can exceed amount_msat: payers may overpay.
		const payment = {
			id: `${invoice.payment_hash}:0`,
			amountMsat: invoice.amount_received_msat ?? invoice.amount_msat ?? 0n,
			receivedAt: (invoice.paid_at ?? 0) * 1000
		};
		return {
			paymentHash: invoice.payment_hash,
			bolt11: invoice.bolt11,
			amountMsat: invoice.amount_msat ?? 0n,
			expiresAt: invoice.expires_at * 1000,
			payments: invoice.status === 'paid' ? [payment] : []
		};
	}

	private fromXpay(hash: string, result: unknown): NodePayment | null {
		const paid = expectShape(this.endpoint, xpayResult, result, 'the payment');
		if (!preimageMatches(paid.payment_preimage, hash)) return null;
		return {
			status: 'succeeded',
			paymentHash: hash,
			amountMsat: paid.amount_msat,
			feeMsat: paid.amount_sent_msat - paid.amount_msat,
			preimage: paid.payment_preimage.toLowerCase()
		};
	}

	private fromPay(hash: string, result: unknown): NodePayment | null {
		const paid = expectShape(this.endpoint, payResult, result, 'the payment');
		if (paid.payment_hash !== hash) return null;
		if (paid.status === 'pending') return { status: 'pending', paymentHash: hash };
		if (paid.status === 'failed') {
			return { status: 'failed', paymentHash: hash, reason: 'the payment failed' };
		}
		if (!preimageMatches(paid.payment_preimage, hash)) return null;
		return {
			status: 'succeeded',
			paymentHash: hash,
			amountMsat: paid.amount_msat,
			feeMsat: paid.amount_sent_msat - paid.amount_msat,
			preimage: paid.payment_preimage.toLowerCase()
		};
	}

	/** After a cut or missing answer: listpays decides. */
	private async resolve(hash: string, cause: unknown): Promise<NodePayment> {
		let seen: NodePayment | null;
		try {
			seen = await this.lookupPayment(hash);
		} catch (error) {
			throw unknownOutcome(this.endpoint, hash, why(cause), error);
		}
		if (seen) return seen;
		throw unknownOutcome(this.endpoint, hash, why(cause), cause);
	}

	private refusal(answer: RpcFailure, doing: string): NodeHttpError {
		const { status, error } = answer;
		if (status === 404 && error.code === UNKNOWN_METHOD) {
			return new NodeHttpError(
				'node-misconfigured',
				'refusal',
				`Core Lightning could not ${doing}: this version lacks the method` +
					` (“${error.message}”). Update Core Lightning.`,
				{ status }
			);
		}
		// lightningd RPC errors are HTTP 500 with a code: the node answered and said no.
		const rejected = status === 500 && error.code !== null;
		const code = error.code !== null ? ` (code ${error.code})` : '';
		return new NodeHttpError(
			rejected ? 'node-rejected' : 'node-unavailable',
			'refusal',
			`Core Lightning could not ${doing}: “${error.message}”${code}.`,
			{ status }
		);
	}
}

function safeNumber(value: bigint): number {
	if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
		throw new RangeError(`${value} msat is out of range`);
	}
	return Number(value);
}
