// A fake Core Lightning clnrest built from CLN's JSON schemas (test/fixtures/nodes/cln-schemas.ts):
// `POST /v1/<method>` only (405 otherwise), the `Rune` header (403 missing, 401 refused), 201 on
// success, lightningd errors as HTTP 500 `{ code, message }`, unknown methods 404 -32601.
// Parameters are checked against each method's request schema. Issues genuine regtest invoices
// with unique labels (900 on a duplicate), and pays into the fake network with xpay or pay.
import { base64urlnopad } from '@scure/base';
import { decodeInvoice } from '../../../worker/lightning/bolt11';
import { CLN_METHODS } from '../../fixtures/nodes/cln-schemas';
import { FakeNode, hang, json, type Recorded } from './common';

type Method = keyof typeof CLN_METHODS;

type InvoiceRecord = {
	label: string;
	description: string;
	hash: string;
	preimage: string;
	bolt11: string;
	amountMsat: number;
	expiresAt: number;
	status: 'unpaid' | 'paid' | 'expired';
	amountReceivedMsat: number;
	paidAt: number;
	payIndex: number;
	createdIndex: number;
};

type PayRecord = {
	hash: string;
	bolt11: string;
	status: 'pending' | 'failed' | 'complete';
	amountMsat: number;
	sentMsat: number;
	preimage: string;
	createdAt: number;
	createdIndex: number;
};

const rpcError = (code: number, message: string, status = 500) => json({ code, message }, status);

function channel(ours: number, total: number, state: string, connected: boolean) {
	return { our_amount_msat: ours, amount_msat: total, state, connected };
}

export class FakeCln extends FakeNode {
	/** A rune as `lightning-cli createrune` prints it (base64url). */
	readonly rune = base64urlnopad.encode(crypto.getRandomValues(new Uint8Array(64)));
	/** Methods this node does not have (e.g. 'xpay' before v24.11). */
	readonly missing = new Set<string>();
	info: { alias: string; network: string; warningBitcoindSync?: string } = {
		alias: 'fake-cln',
		network: 'regtest'
	};
	channels = [
		channel(150_000_000, 500_000_000, 'CHANNELD_NORMAL', true),
		channel(70_000_000, 100_000_000, 'CHANNELD_NORMAL', false),
		channel(9_000_000, 10_000_000, 'CLOSINGD_COMPLETE', false)
	];
	readonly invoices = new Map<string, InvoiceRecord>();
	readonly pays = new Map<string, PayRecord>();
	readonly tampered = new Map<string, Record<string, unknown>>();
	private createdIndex = 0;
	private payIndex = 0;

	protected async handle(request: Recorded): Promise<Response> {
		if (request.method !== 'POST') {
			return rpcError(-32601, 'Path invalid, http_method must be POST for CLN methods', 405);
		}
		const rune = request.headers.get('rune');
		if (!rune) return rpcError(1501, 'Not authorized: Missing rune', 403);
		if (rune !== this.rune) return rpcError(1502, 'Not authorized: Invalid rune', 401);
		const method = request.path.replace(/^\/v1\//, '');
		if (!(method in CLN_METHODS) || this.missing.has(method)) {
			return rpcError(-32601, `Unknown command '${method}'`, 404);
		}
		const params = (request.body ?? {}) as Record<string, unknown>;
		const schema = CLN_METHODS[method as Method].request;
		for (const name of Object.keys(params)) {
			if (!(name in schema.properties)) return rpcError(-32602, `unknown parameter: ${name}`);
		}
		for (const name of schema.required) {
			if (params[name] === undefined) {
				return rpcError(-32602, `missing required parameter: ${name}`);
			}
		}
		switch (method as Method) {
			case 'invoice':
				return this.invoice(params);
			case 'listinvoices':
				return this.listInvoices(params);
			case 'xpay':
				return this.pay(request, String(params.invstring), Number(params.maxfee ?? 0), 'xpay');
			case 'pay':
				return this.pay(request, String(params.bolt11), Number(params.maxfee ?? 0), 'pay');
			case 'listpays': {
				const wanted = params.payment_hash;
				const pays = [...this.pays.values()].filter(
					(p) => wanted === undefined || p.hash === wanted
				);
				return json({ pays: pays.map((p) => this.payJson(p)) }, 201);
			}
			case 'getinfo':
				return json(
					{
						...CLN_METHODS.getinfo.example.response,
						id: this.nodeId,
						alias: this.info.alias,
						network: this.info.network,
						...(this.info.warningBitcoindSync
							? { warning_bitcoind_sync: this.info.warningBitcoindSync }
							: {})
					},
					201
				);
			case 'listfunds':
				return json(
					{
						outputs: CLN_METHODS.listfunds.example.response.outputs,
						channels: this.channels.map((c, i) => ({
							peer_id: '02287bfac8b99b35477ebe9334eede1e32b189e24644eb701c079614712331cec0',
							funding_txid: 'df0d67b5c14dc69c1f7dea24111e4557aaa9a01bca5c683cd81efda21f12031f',
							funding_output: i,
							channel_id: `${i}`.padStart(64, '0'),
							short_channel_id: `168x1x${i}`,
							...c
						}))
					},
					201
				);
		}
		return rpcError(-32601, 'Unknown command', 404);
	}

	/** Marks an invoice paid (amount_received_msat may exceed amount_msat). */
	settle(hash: string, amountMsat?: number): void {
		const invoice = this.invoices.get(hash);
		if (!invoice) throw new Error(`fake CLN has no invoice ${hash}`);
		invoice.status = 'paid';
		invoice.amountReceivedMsat = amountMsat ?? invoice.amountMsat;
		invoice.paidAt = Math.floor(this.now() / 1000);
		invoice.payIndex = ++this.payIndex;
	}

	finish(hash: string, outcome: 'succeed' | 'fail'): void {
		const pay = this.pays.get(hash);
		const destination = this.network.get(hash);
		if (!pay) throw new Error(`fake CLN has no payment ${hash}`);
		if (outcome === 'succeed' && destination) {
			pay.status = 'complete';
			pay.preimage = destination.preimage;
		} else pay.status = 'failed';
	}

	private invoice(params: Record<string, unknown>): Response {
		const label = String(params.label);
		if ([...this.invoices.values()].some((i) => i.label === label)) {
			return rpcError(900, `Duplicate label '${label}'`);
		}
		if (typeof params.amount_msat !== 'number') {
			return rpcError(-32602, 'amount_msat: should be a millisatoshi amount');
		}
		const expiry = Number(params.expiry ?? 604800);
		const minted = this.mint({
			amountMsat: BigInt(params.amount_msat),
			description: String(params.description),
			expirySeconds: expiry
		});
		const record: InvoiceRecord = {
			label,
			description: String(params.description),
			hash: minted.paymentHash,
			preimage: minted.preimage,
			bolt11: minted.bolt11,
			amountMsat: params.amount_msat,
			expiresAt: Math.floor(this.now() / 1000) + expiry,
			status: 'unpaid',
			amountReceivedMsat: 0,
			paidAt: 0,
			payIndex: 0,
			createdIndex: ++this.createdIndex
		};
		this.invoices.set(record.hash, record);
		return json(
			{
				payment_hash: record.hash,
				expires_at: record.expiresAt,
				bolt11: record.bolt11,
				payment_secret: minted.paymentSecret,
				created_index: record.createdIndex
			},
			201
		);
	}

	invoiceJson(i: InvoiceRecord): Record<string, unknown> {
		const base: Record<string, unknown> = {
			label: i.label,
			bolt11: i.bolt11,
			payment_hash: i.hash,
			status: i.status,
			description: i.description,
			expires_at: i.expiresAt,
			amount_msat: i.amountMsat,
			created_index: i.createdIndex,
			...(i.status === 'paid'
				? {
						pay_index: i.payIndex,
						amount_received_msat: i.amountReceivedMsat,
						paid_at: i.paidAt,
						payment_preimage: i.preimage,
						updated_index: i.payIndex
					}
				: {})
		};
		return { ...base, ...this.tampered.get(i.hash) };
	}

	private listInvoices(params: Record<string, unknown>): Response {
		const all = [...this.invoices.values()].filter(
			(i) =>
				(params.label === undefined || i.label === params.label) &&
				(params.payment_hash === undefined || i.hash === params.payment_hash)
		);
		return json({ invoices: all.map((i) => this.invoiceJson(i)) }, 201);
	}

	private payJson(p: PayRecord): Record<string, unknown> {
		return {
			created_index: p.createdIndex,
			payment_hash: p.hash,
			status: p.status,
			created_at: p.createdAt,
			bolt11: p.bolt11,
			amount_msat: p.amountMsat,
			...(p.status === 'complete'
				? { amount_sent_msat: p.sentMsat, preimage: p.preimage, completed_at: p.createdAt }
				: {})
		};
	}

	private async pay(
		request: Recorded,
		bolt11: string,
		maxfee: number,
		method: 'xpay' | 'pay'
	): Promise<Response> {
		let decoded;
		try {
			decoded = decodeInvoice(bolt11);
		} catch {
			return rpcError(-32602, 'invstring: Invalid invoice');
		}
		const hash = decoded.paymentHash;
		const existing = this.pays.get(hash);
		if (existing?.status === 'complete') {
			// pay: "calls to pay with the same bolt11 will succeed immediately"; xpay: 219.
			if (method === 'xpay') return rpcError(219, 'Already paid');
			return json(this.payResult(existing), 201);
		}
		if (existing?.status === 'pending') {
			return rpcError(method === 'xpay' ? 209 : 210, 'Payment in progress');
		}
		if (decoded.expiresAt * 1000 <= this.now()) return rpcError(207, 'Invoice expired');
		const amountMsat = Number(decoded.amountMsat ?? 0n);
		const fee = Math.min(maxfee, 1000);
		const record: PayRecord = {
			hash,
			bolt11,
			status: 'pending',
			amountMsat,
			sentMsat: amountMsat + fee,
			preimage: '',
			createdAt: Math.floor(this.now() / 1000),
			createdIndex: this.pays.size + 1
		};
		this.pays.set(hash, record);
		const destination = this.network.get(hash);
		if (!destination || destination.outcome === 'fail') {
			record.status = 'failed';
			return rpcError(205, `Failed after 1 attempts: We could not find a usable set of paths`);
		}
		if (destination.outcome === 'in-flight') return hang(request);
		record.status = 'complete';
		record.preimage = destination.preimage;
		if (destination.outcome === 'cut') throw new TypeError('Network connection lost.');
		if (method === 'pay') return json(this.payResult(record), 201);
		return json(
			{
				payment_preimage: record.preimage,
				failed_parts: 0,
				successful_parts: 1,
				amount_msat: record.amountMsat,
				amount_sent_msat: record.sentMsat
			},
			201
		);
	}

	private payResult(p: PayRecord): Record<string, unknown> {
		return {
			payment_preimage: p.preimage,
			destination: this.nodeId,
			payment_hash: p.hash,
			created_at: p.createdAt,
			parts: 1,
			amount_msat: p.amountMsat,
			amount_sent_msat: p.sentMsat,
			status: p.status
		};
	}
}
