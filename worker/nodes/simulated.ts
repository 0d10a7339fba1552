// The simulated node: a real backend kind for demos and tests, not a mock. It issues genuine
// BOLT 11 invoices on regtest (`lnbcrt`), signed with the store's own secp256k1 key, keeps its
// books in D1, and has a test wallet that pays them (in full, partly, or more than asked).
// No real money exists on it; every screen of a store using it says "test mode".
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { Db } from '../db/client';
import {
	findSimInvoice,
	findSimInvoiceByLabel,
	findSimOutgoing,
	insertSimInvoice,
	insertSimPaymentIfOpen,
	listSimPayments,
	paySimInvoice,
	recordSimFailure,
	simNetFlowMsat,
	type SimInvoiceRow,
	type SimOutgoingRow
} from '../data/sim-node';
import { decodeInvoice, encodeInvoice, nodeKeyFromPrivateKey } from '../lightning/bolt11';
import { randomBase58 } from '../ids';
import { NodeError, type NodeAdapter, type NodeInfo, type NodeInvoice, type NodePayment } from './types';

export type SimulatedConfig = { kind: 'simulated'; privateKey: string };

export const SIMULATED_STARTING_BALANCE_MSAT = 100_000_000_000n;

function toNodePayment(row: SimOutgoingRow): NodePayment {
	return row.status === 'succeeded'
		? { status: 'succeeded', paymentHash: row.paymentHash, amountMsat: BigInt(row.amountMsat), feeMsat: BigInt(row.feeMsat), preimage: row.preimage ?? '' }
		: { status: 'failed', paymentHash: row.paymentHash, reason: row.reason ?? 'failed' };
}

export class SimulatedNode implements NodeAdapter {
	readonly kind = 'simulated' as const;

	constructor(
		private readonly db: Db,
		private readonly storeId: string,
		private readonly config: SimulatedConfig,
		private readonly now: () => number = Date.now
	) {}

	async createInvoice(request: { label: string; amountMsat: bigint; description: string; expirySeconds: number }): Promise<NodeInvoice> {
		const existing = await findSimInvoiceByLabel(this.db, this.storeId, request.label);
		if (existing) return this.toNodeInvoice(existing);
		const preimage = crypto.getRandomValues(new Uint8Array(32));
		const paymentHash = bytesToHex(sha256(preimage));
		const createdAt = this.now();
		const timestamp = Math.floor(createdAt / 1000);
		const bolt11 = encodeInvoice({
			network: 'regtest',
			amountMsat: request.amountMsat,
			paymentHash,
			paymentSecret: bytesToHex(crypto.getRandomValues(new Uint8Array(32))),
			description: request.description,
			expirySeconds: request.expirySeconds,
			timestamp,
			privateKey: hexToBytes(this.config.privateKey)
		});
		const row: SimInvoiceRow = {
			paymentHash,
			storeId: this.storeId,
			label: request.label,
			bolt11,
			amountMsat: Number(request.amountMsat),
			preimage: bytesToHex(preimage),
			description: request.description,
			createdAt,
			expiresAt: (timestamp + request.expirySeconds) * 1000
		};
		if (!(await insertSimInvoice(this.db, row))) {
			// A concurrent request with the same label won: return its invoice.
			const winner = await findSimInvoiceByLabel(this.db, this.storeId, request.label);
			if (!winner) throw new NodeError('node-unavailable', 'The simulated node lost an invoice it just created.');
			return this.toNodeInvoice(winner);
		}
		return this.toNodeInvoice(row);
	}

	async lookupInvoice(paymentHash: string): Promise<NodeInvoice | null> {
		const row = await findSimInvoice(this.db, paymentHash);
		if (!row || row.storeId !== this.storeId) return null;
		return this.toNodeInvoice(row);
	}

	/**
	 * The simulated wallet reaches only invoices of simulated nodes on this deployment (like a
	 * regtest node whose only channels are to them); anything else fails with "no route".
	 */
	async payInvoice(request: { bolt11: string; maxFeeMsat: bigint; idempotencyKey: string }): Promise<NodePayment> {
		let decoded;
		try {
			decoded = decodeInvoice(request.bolt11);
		} catch (error) {
			return { status: 'failed', paymentHash: '', reason: error instanceof Error ? error.message : 'not a BOLT 11 invoice' };
		}
		const hash = decoded.paymentHash;
		const existing = await findSimOutgoing(this.db, this.storeId, hash);
		if (existing) return toNodePayment(existing);
		const now = this.now();
		const fail = async (reason: string) =>
			toNodePayment(
				await recordSimFailure(this.db, {
					storeId: this.storeId,
					paymentHash: hash,
					idempotencyKey: request.idempotencyKey,
					amountMsat: Number(decoded.amountMsat ?? 0n),
					reason,
					now
				})
			);
		if (decoded.network !== 'regtest') return fail(`the simulated node is on regtest and cannot pay a ${decoded.network} invoice`);
		if (decoded.amountMsat === null) return fail('invoices without an amount are not supported');
		if (decoded.expiresAt * 1000 <= now) return fail('the invoice has expired');
		const target = await findSimInvoice(this.db, hash);
		if (!target) return fail('no route: the simulated node reaches only invoices of simulated nodes on this server');
		const row = await paySimInvoice(this.db, {
			storeId: this.storeId,
			paymentHash: hash,
			idempotencyKey: request.idempotencyKey,
			amountMsat: Number(decoded.amountMsat),
			preimage: target.preimage,
			invoiceAmountMsat: target.amountMsat,
			now
		});
		return row ? toNodePayment(row) : fail('the invoice is already paid');
	}

	async lookupPayment(paymentHash: string): Promise<NodePayment | null> {
		const row = await findSimOutgoing(this.db, this.storeId, paymentHash);
		return row ? toNodePayment(row) : null;
	}

	/** A test wallet that starts with 1 BTC, plus what it received, minus what it paid. */
	async balance(): Promise<{ spendableMsat: bigint }> {
		return { spendableMsat: SIMULATED_STARTING_BALANCE_MSAT + (await simNetFlowMsat(this.db, this.storeId)) };
	}

	async info(): Promise<NodeInfo> {
		return {
			kind: 'simulated',
			alias: 'Flashpoint simulated node',
			network: 'regtest',
			nodeId: nodeKeyFromPrivateKey(hexToBytes(this.config.privateKey)),
			synced: true
		};
	}

	private async toNodeInvoice(row: SimInvoiceRow): Promise<NodeInvoice> {
		const payments = await listSimPayments(this.db, row.paymentHash);
		return {
			paymentHash: row.paymentHash,
			bolt11: row.bolt11,
			amountMsat: BigInt(row.amountMsat),
			expiresAt: row.expiresAt,
			payments: payments.map((p) => ({ id: p.id, amountMsat: BigInt(p.amountMsat), receivedAt: p.paidAt }))
		};
	}
}

export type TestWalletOutcome =
	| { ok: true; paymentId: string; amountMsat: bigint; paymentHash: string }
	| { ok: false; code: 'unknown-invoice' | 'invoice-already-paid' | 'invoice-expired'; message: string };

/**
 * The test wallet pays a simulated-node invoice. Without an amount it pays what is still due;
 * with one it can pay part of it or more. Like a real wallet it will not pay an expired
 * invoice, unless `late` asks it to play a node that accepted a payment after expiry.
 */
export async function payWithTestWallet(
	db: Db,
	request: { storeId: string; paymentHash: string; amountMsat: bigint | null; late: boolean; now: number }
): Promise<TestWalletOutcome> {
	const invoice = await findSimInvoice(db, request.paymentHash);
	if (!invoice || invoice.storeId !== request.storeId) {
		return { ok: false, code: 'unknown-invoice', message: 'This invoice was not issued by this store’s simulated node.' };
	}
	if (invoice.expiresAt <= request.now && !request.late) {
		return { ok: false, code: 'invoice-expired', message: 'The invoice has expired; a wallet will not pay it.' };
	}
	const paid = (await listSimPayments(db, invoice.paymentHash)).reduce((sum, p) => sum + BigInt(p.amountMsat), 0n);
	const due = BigInt(invoice.amountMsat) - paid;
	const amount = request.amountMsat ?? due;
	if (due <= 0n || amount <= 0n) {
		return { ok: false, code: 'invoice-already-paid', message: 'The invoice is already paid in full.' };
	}
	const paymentId = `${invoice.paymentHash}:${randomBase58(8)}`;
	const recorded = await insertSimPaymentIfOpen(
		db,
		{ id: paymentId, paymentHash: invoice.paymentHash, amountMsat: Number(amount), paidAt: request.now },
		invoice.amountMsat
	);
	if (!recorded) {
		return { ok: false, code: 'invoice-already-paid', message: 'The invoice is already paid in full.' };
	}
	return { ok: true, paymentId, amountMsat: amount, paymentHash: invoice.paymentHash };
}
