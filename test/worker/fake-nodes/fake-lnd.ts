// A fake LND REST gateway built from lnd's swagger (test/fixtures/nodes/lnd-swagger.ts) and the
// behaviour the Go sources add (lnd-facts.ts): macaroon header, protojson (int64 as strings,
// bytes as base64, unknown request fields rejected), gRPC errors as `{ code, message, details }`
// with the derived HTTP status, server streams as newline-separated `{ "result": … }` objects.
// It issues genuine regtest invoices, settles them on request, and pays into the fake network.
import { sha256 } from '@noble/hashes/sha2.js';
import { base64 } from '@scure/base';
import { decodeInvoice } from '../../../worker/lightning/bolt11';
import { LND_FIELDS, LND_PATHS } from '../../fixtures/nodes/lnd-swagger';
import {
	GRPC_CODES,
	GRPC_HTTP_STATUS,
	LND_ERRORS,
	LND_MACAROON_HEADER
} from '../../fixtures/nodes/lnd-facts';
import { bytesToHex, FakeNode, hang, hexToBytes, json, type Recorded } from './common';

type Message = keyof typeof LND_FIELDS;
type InvoiceState = 'OPEN' | 'SETTLED' | 'CANCELED' | 'ACCEPTED';
type PaymentStatus = 'IN_FLIGHT' | 'SUCCEEDED' | 'FAILED' | 'INITIATED';

type InvoiceRecord = {
	hash: string;
	preimage: string;
	paymentAddr: string;
	bolt11: string;
	valueMsat: bigint;
	memo: string;
	creationDate: number;
	expiry: number;
	private: boolean;
	state: InvoiceState;
	amtPaidMsat: bigint;
	settleDate: number;
	addIndex: number;
	settleIndex: number;
};

type PaymentRecord = {
	hash: string;
	bolt11: string;
	valueMsat: bigint;
	feeMsat: bigint;
	status: PaymentStatus;
	preimage: string;
	failureReason: string;
	index: number;
	createdNs: bigint;
};

/** Permissions a macaroon may carry (lnd rpcserver.go permission map, the parts we call). */
export type LndPermission =
	| 'invoices:read'
	| 'invoices:write'
	| 'offchain:read'
	| 'offchain:write'
	| 'info:read';

const REQUIRED: Array<[method: string, prefix: string, permission: LndPermission]> = [
	['POST', '/v1/invoices', 'invoices:write'],
	['GET', '/v1/invoice/', 'invoices:read'],
	// LookupInvoiceV2 requires invoices:write (invoicesrpc/invoices_server.go).
	['GET', '/v2/invoices/lookup', 'invoices:write'],
	['POST', '/v2/router/send', 'offchain:write'],
	['GET', '/v2/router/track/', 'offchain:read'],
	['GET', '/v1/balance/channels', 'offchain:read'],
	['GET', '/v1/getinfo', 'info:read']
];

const ALL_PERMISSIONS: LndPermission[] = [
	'invoices:read',
	'invoices:write',
	'offchain:read',
	'offchain:write',
	'info:read'
];

export function decodeBytes(text: string): Uint8Array | null {
	const standard = text.replaceAll('-', '+').replaceAll('_', '/');
	try {
		return base64.decode(standard + '='.repeat((4 - (standard.length % 4)) % 4));
	} catch {
		return null;
	}
}

function grpcError(code: number, message: string, envelope = false): Response {
	const status = (GRPC_HTTP_STATUS as Record<number, number>)[code] ?? 500;
	const error = { code, message, details: [] };
	return json(envelope ? { error } : error, status);
}

/** Checks a body against a swagger message: unknown fields and JSON types, as protojson does. */
export function protojsonProblem(body: unknown, message: Message): string | null {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		return 'proto: syntax error: expected an object';
	}
	const fields = LND_FIELDS[message] as Record<string, { type: string; format?: string }>;
	for (const [name, value] of Object.entries(body)) {
		const field = fields[name];
		if (!field) return `proto: (line 1:2): unknown field "${name}"`;
		const { type, format } = field;
		if (format === 'int64' || format === 'uint64') {
			if (!(typeof value === 'number' || (typeof value === 'string' && /^-?\d+$/.test(value)))) {
				return `proto: (line 1:2): invalid value for int64 field ${name}: ${JSON.stringify(value)}`;
			}
		} else if (format === 'byte') {
			if (typeof value !== 'string' || decodeBytes(value) === null) {
				return `proto: (line 1:2): invalid value for bytes field ${name}`;
			}
		} else if (type === 'boolean' && typeof value !== 'boolean') {
			return `proto: (line 1:2): invalid value for bool field ${name}`;
		} else if (type === 'integer' && typeof value !== 'number') {
			return `proto: (line 1:2): invalid value for int32 field ${name}`;
		} else if (type === 'string' && !format && typeof value !== 'string') {
			return `proto: (line 1:2): invalid value for string field ${name}`;
		}
	}
	return null;
}

export class FakeLnd extends FakeNode {
	readonly macaroon =
		'0201036c6e6402f801030a10' + bytesToHex(crypto.getRandomValues(new Uint8Array(40)));
	permissions = new Set<LndPermission>(ALL_PERMISSIONS);
	info = { alias: 'fake-lnd', network: 'regtest', syncedToChain: true, syncedToGraph: true };
	localBalanceMsat = 250_000_000n;
	readonly invoices = new Map<string, InvoiceRecord>();
	readonly payments = new Map<string, PaymentRecord>();
	/** Fields replaced in invoice answers: a node that lies about amount or hash. */
	readonly tampered = new Map<string, Record<string, unknown>>();
	private addIndex = 0;
	private settleIndex = 0;
	private paymentIndex = 0;
	/** Resolvers of payment streams held open for in-flight payments. */
	private waiting = new Map<string, Array<() => void>>();

	protected async handle(request: Recorded): Promise<Response> {
		const given = request.headers.get(LND_MACAROON_HEADER);
		if (!given) return grpcError(GRPC_CODES.unknown, 'expected 1 macaroon, got 0');
		if (given !== this.macaroon) return grpcError(GRPC_CODES.unknown, LND_ERRORS.macaroonMismatch);
		const rule = REQUIRED.find(
			([method, prefix]) => method === request.method && request.path.startsWith(prefix)
		);
		if (rule && !this.permissions.has(rule[2])) {
			return grpcError(GRPC_CODES.unknown, 'permission denied');
		}

		const { path, method } = request;
		if (method === LND_PATHS.addInvoice.method && path === LND_PATHS.addInvoice.path) {
			return this.addInvoice(request);
		}
		if (method === 'GET' && path === LND_PATHS.lookupInvoiceV2.path) {
			const hash = decodeBytes(request.url.searchParams.get('payment_hash') ?? '');
			if (!hash || hash.length !== 32) {
				return grpcError(GRPC_CODES.invalidArgument, 'invalid hash length');
			}
			return this.lookup(bytesToHex(hash));
		}
		if (method === 'GET' && path.startsWith('/v1/invoice/')) {
			const hex = path.slice('/v1/invoice/'.length);
			if (!/^[0-9a-f]{64}$/.test(hex)) {
				return grpcError(GRPC_CODES.invalidArgument, 'invalid hash length');
			}
			return this.lookup(hex);
		}
		if (method === LND_PATHS.sendPaymentV2.method && path === LND_PATHS.sendPaymentV2.path) {
			return this.send(request);
		}
		if (method === 'GET' && path.startsWith('/v2/router/track/')) return this.track(request);
		if (method === 'GET' && path === LND_PATHS.channelBalance.path) {
			const msat = this.localBalanceMsat;
			const amount = (m: bigint) => ({ sat: (m / 1000n).toString(), msat: m.toString() });
			return json({
				balance: (msat / 1000n).toString(),
				pending_open_balance: '0',
				local_balance: amount(msat),
				remote_balance: amount(0n),
				unsettled_local_balance: amount(0n),
				unsettled_remote_balance: amount(0n),
				pending_open_local_balance: amount(0n),
				pending_open_remote_balance: amount(0n)
			});
		}
		if (method === 'GET' && path === LND_PATHS.getInfo.path) {
			return json({
				version: '0.21.2-beta commit=v0.21.2-beta',
				commit_hash: '0000000000000000000000000000000000000000',
				identity_pubkey: this.nodeId,
				alias: this.info.alias,
				color: '#3399ff',
				num_pending_channels: 0,
				num_active_channels: 1,
				num_inactive_channels: 0,
				num_peers: 1,
				block_height: 812,
				block_hash: '00'.repeat(32),
				best_header_timestamp: '1738000000',
				synced_to_chain: this.info.syncedToChain,
				synced_to_graph: this.info.syncedToGraph,
				testnet: false,
				chains: [{ chain: 'bitcoin', network: this.info.network }],
				uris: [],
				features: {},
				require_htlc_interceptor: false,
				store_final_htlc_resolutions: false
			});
		}
		return json({ code: 5, message: 'Not Found', details: [] }, 404);
	}

	/** Marks an invoice paid, as LND does when HTLCs settle (amt_paid_msat may exceed the value). */
	settle(hash: string, amountMsat?: bigint): void {
		const invoice = this.invoices.get(hash);
		if (!invoice) throw new Error(`fake LND has no invoice ${hash}`);
		invoice.state = 'SETTLED';
		invoice.amtPaidMsat = amountMsat ?? invoice.valueMsat;
		invoice.settleDate = Math.floor(this.now() / 1000);
		invoice.settleIndex = ++this.settleIndex;
	}

	/** Ends an in-flight payment. */
	finish(hash: string, outcome: 'succeed' | 'fail'): void {
		const payment = this.payments.get(hash);
		if (!payment) throw new Error(`fake LND has no payment ${hash}`);
		const destination = this.network.get(hash);
		if (outcome === 'succeed' && destination) {
			payment.status = 'SUCCEEDED';
			payment.preimage = destination.preimage;
		} else {
			payment.status = 'FAILED';
			payment.failureReason = 'FAILURE_REASON_NO_ROUTE';
		}
		for (const wake of this.waiting.get(hash) ?? []) wake();
		this.waiting.delete(hash);
	}

	invoiceJson(invoice: InvoiceRecord): Record<string, unknown> {
		const settled = invoice.state === 'SETTLED';
		const base: Record<string, unknown> = {
			memo: invoice.memo,
			r_preimage: base64.encode(hexToBytes(invoice.preimage)),
			r_hash: base64.encode(hexToBytes(invoice.hash)),
			value: (invoice.valueMsat / 1000n).toString(),
			value_msat: invoice.valueMsat.toString(),
			settled,
			creation_date: String(invoice.creationDate),
			settle_date: String(invoice.settleDate),
			payment_request: invoice.bolt11,
			description_hash: '',
			expiry: String(invoice.expiry),
			fallback_addr: '',
			cltv_expiry: '80',
			route_hints: [],
			private: invoice.private,
			add_index: String(invoice.addIndex),
			settle_index: String(invoice.settleIndex),
			amt_paid: (invoice.amtPaidMsat / 1000n).toString(),
			amt_paid_sat: (invoice.amtPaidMsat / 1000n).toString(),
			amt_paid_msat: invoice.amtPaidMsat.toString(),
			state: invoice.state,
			htlcs: [],
			features: {},
			is_keysend: false,
			payment_addr: base64.encode(hexToBytes(invoice.paymentAddr)),
			is_amp: false,
			amp_invoice_state: {}
		};
		return { ...base, ...this.tampered.get(invoice.hash) };
	}

	paymentJson(payment: PaymentRecord): Record<string, unknown> {
		return {
			payment_hash: payment.hash,
			value: (payment.valueMsat / 1000n).toString(),
			creation_date: String(Number(payment.createdNs / 1_000_000_000n)),
			fee: (payment.feeMsat / 1000n).toString(),
			payment_preimage: payment.preimage || '0'.repeat(64),
			value_sat: (payment.valueMsat / 1000n).toString(),
			value_msat: payment.valueMsat.toString(),
			payment_request: payment.bolt11,
			status: payment.status,
			fee_sat: (payment.feeMsat / 1000n).toString(),
			fee_msat: payment.feeMsat.toString(),
			creation_time_ns: payment.createdNs.toString(),
			htlcs: [],
			payment_index: String(payment.index),
			failure_reason: payment.failureReason
		};
	}

	private addInvoice(request: Recorded): Response {
		const problem = protojsonProblem(request.body, 'Invoice');
		if (problem) return grpcError(GRPC_CODES.invalidArgument, problem);
		const body = request.body as Record<string, unknown>;
		if (body.value !== undefined && body.value_msat !== undefined) {
			return grpcError(GRPC_CODES.unknown, 'value and value_msat are mutually exclusive');
		}
		const valueMsat =
			body.value_msat !== undefined
				? BigInt(body.value_msat as string)
				: BigInt((body.value as string | undefined) ?? 0) * 1000n;
		const preimage =
			typeof body.r_preimage === 'string'
				? decodeBytes(body.r_preimage)
				: crypto.getRandomValues(new Uint8Array(32));
		if (!preimage || preimage.length !== 32) {
			return grpcError(GRPC_CODES.unknown, 'payment preimage must be exactly 32 bytes');
		}
		const hash = bytesToHex(sha256(preimage));
		if (this.invoices.has(hash)) return grpcError(GRPC_CODES.unknown, LND_ERRORS.duplicateInvoice);
		const expiry = Number((body.expiry as string | undefined) ?? 86400);
		const memo = (body.memo as string | undefined) ?? '';
		const minted = this.mint({
			amountMsat: valueMsat,
			description: memo,
			expirySeconds: expiry,
			preimage
		});
		const invoice: InvoiceRecord = {
			hash,
			preimage: minted.preimage,
			paymentAddr: minted.paymentSecret,
			bolt11: minted.bolt11,
			valueMsat,
			memo,
			creationDate: Math.floor(this.now() / 1000),
			expiry,
			private: body.private === true,
			state: 'OPEN',
			amtPaidMsat: 0n,
			settleDate: 0,
			addIndex: ++this.addIndex,
			settleIndex: 0
		};
		this.invoices.set(hash, invoice);
		return json({
			r_hash: base64.encode(hexToBytes(hash)),
			payment_request: invoice.bolt11,
			add_index: String(invoice.addIndex),
			payment_addr: base64.encode(hexToBytes(invoice.paymentAddr))
		});
	}

	private lookup(hash: string): Response {
		const invoice = this.invoices.get(hash);
		if (!invoice) return grpcError(GRPC_CODES.notFound, LND_ERRORS.invoiceNotFound);
		return json(this.invoiceJson(invoice));
	}

	private send(request: Recorded): Response {
		const problem = protojsonProblem(request.body, 'SendPaymentRequest');
		if (problem) return grpcError(GRPC_CODES.invalidArgument, problem, true);
		const body = request.body as Record<string, unknown>;
		let decoded;
		try {
			decoded = decodeInvoice(String(body.payment_request ?? ''));
		} catch (error) {
			return grpcError(GRPC_CODES.unknown, `invalid payment request: ${String(error)}`, true);
		}
		const hash = decoded.paymentHash;
		const existing = this.payments.get(hash);
		if (existing?.status === 'SUCCEEDED') {
			return grpcError(GRPC_CODES.alreadyExists, LND_ERRORS.alreadyPaid, true);
		}
		if (existing && existing.status !== 'FAILED') {
			return grpcError(GRPC_CODES.alreadyExists, LND_ERRORS.inFlight, true);
		}
		if (decoded.expiresAt * 1000 <= this.now()) {
			return grpcError(GRPC_CODES.unknown, 'invoice expired', true);
		}
		const valueMsat = decoded.amountMsat ?? 0n;
		const feeLimit = BigInt((body.fee_limit_msat as string | undefined) ?? 0);
		const payment: PaymentRecord = {
			hash,
			bolt11: String(body.payment_request),
			valueMsat,
			feeMsat: 0n,
			status: 'IN_FLIGHT',
			preimage: '',
			failureReason: 'FAILURE_REASON_NONE',
			index: ++this.paymentIndex,
			createdNs: BigInt(this.now()) * 1_000_000n
		};
		this.payments.set(hash, payment);
		const destination = this.network.get(hash);
		const fee = feeLimit < 1000n ? feeLimit : 1000n;
		if (!destination || destination.outcome === 'fail') {
			payment.status = 'FAILED';
			payment.failureReason = 'FAILURE_REASON_NO_ROUTE';
			return this.stream([{ result: this.paymentJson(payment) }], 'close', request);
		}
		if (destination.outcome === 'in-flight') {
			return this.stream([], 'wait', request, hash);
		}
		payment.status = 'SUCCEEDED';
		payment.preimage = destination.preimage;
		payment.feeMsat = fee;
		if (destination.outcome === 'cut') return this.stream([], 'cut', request);
		return this.stream([{ result: this.paymentJson(payment) }], 'close', request);
	}

	private track(request: Recorded): Response {
		const hash = decodeBytes(request.path.slice('/v2/router/track/'.length));
		if (!hash || hash.length !== 32) {
			return grpcError(GRPC_CODES.invalidArgument, 'invalid hash', true);
		}
		const payment = this.payments.get(bytesToHex(hash));
		if (!payment) return grpcError(GRPC_CODES.notFound, LND_ERRORS.paymentNotInitiated, true);
		return this.stream([{ result: this.paymentJson(payment) }], 'close', request);
	}

	/** A grpc-gateway server stream: one JSON object per line, then close, cut or wait. */
	private stream(
		messages: unknown[],
		end: 'close' | 'cut' | 'wait',
		request: Recorded,
		hash?: string
	): Response {
		const encoder = new TextEncoder();
		const body = new ReadableStream<Uint8Array>({
			start: (controller) => {
				const line = (message: unknown) => encoder.encode(`${JSON.stringify(message)}\n`);
				for (const message of messages) controller.enqueue(line(message));
				if (end === 'close') controller.close();
				else if (end === 'cut') {
					controller.enqueue(encoder.encode('{"result":{"payment_hash":"'));
					controller.error(new Error('Network connection lost.'));
				} else {
					const list = this.waiting.get(hash!) ?? [];
					list.push(() => {
						const payment = this.payments.get(hash!)!;
						try {
							controller.enqueue(line({ result: this.paymentJson(payment) }));
							controller.close();
						} catch {
							// the client gave up on this stream already
						}
					});
					this.waiting.set(hash!, list);
					void hang(request).catch((reason: unknown) => {
						try {
							controller.error(reason);
						} catch {
							// already closed
						}
					});
				}
			}
		});
		return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
	}
}
