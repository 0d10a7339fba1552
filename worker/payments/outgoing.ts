// Paying a Lightning invoice through a store's node, with the money reserved in the ledger first
// and released only on a definite failure (the node says failed, or the invoice expired without
// the node ever having seen a payment). Unknown outcomes (timeouts, cut streams, "in flight")
// keep the reservation; the cron looks the payment up until the node gives a definite answer.
// The record comes before the reservation, and the reservation before the node is asked, so a
// worker cut off at any point leaves something the cron can finish: never a payment made twice.
import { database, type Db } from '../db/client';
import { claimOutgoing, findOutgoing, listDueOutgoing, resolveOutgoing, scheduleCheck, type OutgoingPaymentRow } from '../data/outgoing';
import type { WorkerEnv } from '../env';
import { post, type TransferInput } from '../ledger/ledger';
import { decodeInvoice } from '../lightning/bolt11';
import { nodeFor } from '../nodes/registry';
import type { NodePayment } from '../nodes/types';
import { accountIds } from '../cards/accounts';

/** What a payment does to the ledger: reserve now; settle (plus the fee) or release later. */
export type Reservation = { reserve: TransferInput[]; settle: TransferInput[]; release: TransferInput[] };

export type OutgoingRequest = {
	id: string;
	storeId: string;
	bolt11: string;
	paymentHash: string;
	amountMsat: bigint;
	maxFeeMsat: bigint;
	source: string;
	reservation: Reservation;
};

export type OutgoingOutcome =
	| { status: 'succeeded'; feeMsat: bigint }
	| { status: 'failed'; reason: string }
	| { status: 'pending' }
	| { status: 'refused'; reason: 'insufficient-funds' | 'already-paying' };

/** Routing fee limit: 0.5 % of the amount, at least 10 sat (the Go server's defaults). */
export function feeLimitFor(amountMsat: bigint): bigint {
	const share = amountMsat / 200n;
	return share > 10_000n ? share : 10_000n;
}

/** How long after the invoice expires a payment the node never saw is called failed. */
const EXPIRY_GRACE_MS = 5 * 60_000;
const CHECK_BACKOFF_MS = [15_000, 30_000, 60_000, 120_000, 300_000];

type Resolver = (env: WorkerEnv, row: OutgoingPaymentRow, outcome: 'succeeded' | 'failed', reason: string | null, now: number) => Promise<void>;
const resolvers = new Map<string, Resolver>();

/** What else must happen when a payment from `sourcePrefix` ends (e.g. a card tap is closed). */
export function onOutgoingResolved(sourcePrefix: string, resolver: Resolver): void {
	resolvers.set(sourcePrefix, resolver);
}

async function settle(env: WorkerEnv, db: Db, row: OutgoingPaymentRow, payment: NodePayment, now: number): Promise<OutgoingOutcome> {
	if (payment.status === 'pending') return { status: 'pending' };
	const reservation = JSON.parse(row.reservation) as { settle: SerializedTransfer[]; release: SerializedTransfer[] };
	if (payment.status === 'succeeded') {
		const fee = payment.feeMsat > 0n ? payment.feeMsat : 0n;
		const transfers = reservation.settle.map(revive);
		if (fee > 0n) {
			transfers.push({
				id: `${row.id}:fee`,
				debit: accountIds.fees(row.storeId),
				credit: accountIds.node(row.storeId),
				amount: fee,
				unit: 'msat',
				kind: 'routing-fee',
				reference: row.source
			});
		}
		await post(db, transfers, now);
		if (await resolveOutgoing(db, row.id, { status: 'succeeded', feeMsat: Number(fee), preimage: payment.preimage, failureReason: null, updatedAt: now })) {
			await resolverFor(row)?.(env, row, 'succeeded', null, now);
		}
		return { status: 'succeeded', feeMsat: fee };
	}
	await release(env, db, row, payment.reason, now);
	return { status: 'failed', reason: payment.reason };
}

async function release(env: WorkerEnv, db: Db, row: OutgoingPaymentRow, reason: string, now: number): Promise<void> {
	const reservation = JSON.parse(row.reservation) as { release: SerializedTransfer[] };
	// Refused only if nothing was reserved (cut off before the reservation): nothing to give back.
	await post(db, reservation.release.map(revive), now);
	if (await resolveOutgoing(db, row.id, { status: 'failed', feeMsat: null, preimage: null, failureReason: reason.slice(0, 300), updatedAt: now })) {
		await resolverFor(row)?.(env, row, 'failed', reason, now);
	}
}

function resolverFor(row: OutgoingPaymentRow): Resolver | undefined {
	for (const [prefix, resolver] of resolvers) if (row.source.startsWith(prefix)) return resolver;
	return undefined;
}

type SerializedTransfer = Omit<TransferInput, 'amount' | 'fiat'> & {
	amount: string;
	fiat: { amountMinor: string; currency: string; rate: string | null; rateSource: string | null } | null;
};

function serialize(t: TransferInput): SerializedTransfer {
	return { ...t, amount: t.amount.toString(), fiat: t.fiat ? { ...t.fiat, amountMinor: t.fiat.amountMinor.toString() } : null };
}

function revive(t: SerializedTransfer): TransferInput {
	return { ...t, amount: BigInt(t.amount), fiat: t.fiat ? { ...t.fiat, amountMinor: BigInt(t.fiat.amountMinor) } : null };
}

/**
 * Reserves and pays. Calling again with the same id (a retried callback) resumes: the record and
 * the reservation are idempotent, and the node is asked with the same idempotency key (adapters
 * report an existing payment of the hash instead of paying again).
 */
export async function payOut(env: WorkerEnv, request: OutgoingRequest, now: number): Promise<OutgoingOutcome> {
	const db = database(env.DB);
	const recorded = await claimOutgoing(db, {
		id: request.id,
		storeId: request.storeId,
		paymentHash: request.paymentHash,
		bolt11: request.bolt11,
		amountMsat: Number(request.amountMsat),
		maxFeeMsat: Number(request.maxFeeMsat),
		status: 'pending',
		feeMsat: null,
		preimage: null,
		failureReason: null,
		source: request.source,
		reservation: JSON.stringify({ settle: request.reservation.settle.map(serialize), release: request.reservation.release.map(serialize) }),
		attempts: 0,
		nextCheckAt: now + CHECK_BACKOFF_MS[0]!,
		createdAt: now,
		updatedAt: now
	});
	if (recorded.id !== request.id) return { status: 'refused', reason: 'already-paying' };
	if (recorded.status === 'succeeded') return { status: 'succeeded', feeMsat: BigInt(recorded.feeMsat ?? 0) };
	if (recorded.status === 'failed') return { status: 'failed', reason: recorded.failureReason ?? 'failed' };

	const reserved = await post(db, request.reservation.reserve, now);
	if (reserved.status === 'refused') {
		await resolveOutgoing(db, recorded.id, { status: 'failed', feeMsat: null, preimage: null, failureReason: 'insufficient funds', updatedAt: now });
		return { status: 'refused', reason: 'insufficient-funds' };
	}

	let payment: NodePayment;
	try {
		const node = await nodeFor(env, request.storeId);
		payment = await node.payInvoice({ bolt11: request.bolt11, maxFeeMsat: request.maxFeeMsat, idempotencyKey: request.id });
	} catch (error) {
		// The outcome is unknown: keep the reservation, and let the cron ask the node.
		console.error(JSON.stringify({ outgoing: request.id, problem: 'pay outcome unknown', error: String(error) }));
		return { status: 'pending' };
	}
	return settle(env, db, recorded, payment, Date.now());
}

/** The cron's part: asks the node about pending payments that are due, until each is definite. */
export async function reconcileOutgoing(env: WorkerEnv, now: number, limit = 50): Promise<{ checked: number; resolved: number }> {
	const db = database(env.DB);
	let resolved = 0;
	const due = await listDueOutgoing(db, now, limit);
	for (const row of due) {
		try {
			const node = await nodeFor(env, row.storeId);
			const seen = await node.lookupPayment(row.paymentHash);
			if (seen && seen.status !== 'pending') {
				await settle(env, db, row, seen, now);
				resolved++;
				continue;
			}
			if (!seen && now > invoiceExpiry(row) + EXPIRY_GRACE_MS) {
				// The invoice can no longer be paid and the node never saw a payment: definite.
				await release(env, db, row, 'the node never made the payment and the invoice has expired', now);
				resolved++;
				continue;
			}
		} catch (error) {
			console.error(JSON.stringify({ outgoing: row.id, problem: 'reconcile failed', error: String(error) }));
		}
		const attempts = row.attempts + 1;
		await scheduleCheck(db, row.id, attempts, now + CHECK_BACKOFF_MS[Math.min(attempts, CHECK_BACKOFF_MS.length - 1)]!, now);
	}
	return { checked: due.length, resolved };
}

function invoiceExpiry(row: OutgoingPaymentRow): number {
	try {
		const decoded = decodeInvoice(row.bolt11);
		return decoded.expiresAt * 1000;
	} catch {
		return row.createdAt;
	}
}

export { findOutgoing };
