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
	insertSimInvoice,
	insertSimPaymentIfOpen,
	listSimPayments,
	type SimInvoiceRow
} from '../data/sim-node';
import { encodeInvoice, nodeKeyFromPrivateKey } from '../lightning/bolt11';
import { randomBase58 } from '../ids';
import { NodeError, type NodeAdapter, type NodeInfo, type NodeInvoice } from './types';

export type SimulatedConfig = { kind: 'simulated'; privateKey: string };

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

	async info(): Promise<NodeInfo> {
		return {
			kind: 'simulated',
			alias: 'Flashpoint simulated node',
			network: 'regtest',
			nodeId: nodeKeyFromPrivateKey(hexToBytes(this.config.privateKey))
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
