// Spending from a card by LNURL-withdraw (LUD-03): a verified tap gets a single-use `k1` that
// expires in a minute; the callback with `k1` and a BOLT 11 invoice pays it. Checks at the
// callback, against the real invoice amount (reference §13.5): card state, per-tap limit, PIN at
// and above `pinLimit` (the pinLimit proposal, lnurl/luds PR #200: three wrong PINs block the
// card), the rolling 24-hour limit (claimed atomically with the `k1`) and the balance (the
// ledger's floor). An invoice of any store on this deployment settles internally through the
// ledger; any other is paid by the issuer store's node with the amount reserved first.
import { bytesToHex } from '@noble/hashes/utils.js';
import { database, type Db } from '../db/client';
import { claimTap, clearPinFailures, countPinFailure, finishTap, findCardById, findTap, insertTap, type CardRow, type CardTapRow } from '../data/cards';
import { findInvoiceByHashAnywhere } from '../data/invoices';
import { findStore } from '../data/stores';
import type { WorkerEnv } from '../env';
import { post } from '../ledger/ledger';
import { decodeInvoice, InvoiceDecodeError, type DecodedInvoice } from '../lightning/bolt11';
import { nodeSummary } from '../nodes/registry';
import { feeLimitFor, onOutgoingResolved, payOut } from '../payments/outgoing';
import { MAX_INVOICE_MSAT } from '../invoices/create';
import { verifyPassword } from '../auth/password';
import { accountIds, accountSpecs, ensureAccounts, floatsFor, movement } from './accounts';
import { CardError } from './errors';
import { cardAmountInMsat, priceForCard } from './pricing';
import { assertCanSpend, type VerifiedTap } from './tap';
import { cardUnit, formatCardAmount } from './units';

/** Go's boltcard server allows 60 s between the tap and the callback. */
export const K1_LIFETIME_MS = 60_000;
const DAY_MS = 86_400_000;
export const PIN_TRIES = 3;

export type WithdrawRequest = {
	tag: 'withdrawRequest';
	callback: string;
	k1: string;
	defaultDescription: string;
	minWithdrawable: number;
	maxWithdrawable: number;
	pinLimit?: number;
};

/** Answers a verified tap with a withdrawRequest and records its `k1`. */
export async function startWithdraw(
	env: WorkerEnv,
	db: Db,
	tap: VerifiedTap,
	options: { origin: string; purpose: 'lnurl' | 'pos'; now: number }
): Promise<WithdrawRequest> {
	const { card } = tap;
	assertCanSpend(card);
	const store = await findStore(db, card.storeId);
	if (!store) throw new CardError('card-unknown', 'The store that issued this card no longer exists.');
	const unit = cardUnit(card.currency);
	const k1 = bytesToHex(crypto.getRandomValues(new Uint8Array(16)));
	await insertTap(db, {
		k1,
		cardId: card.id,
		storeId: card.storeId,
		counter: tap.counter,
		purpose: options.purpose,
		state: 'open',
		bolt11: null,
		paymentHash: null,
		amount: null,
		amountMsat: null,
		reason: null,
		foreignCallback: null,
		createdAt: options.now,
		expiresAt: options.now + K1_LIFETIME_MS,
		claimedAt: null,
		finishedAt: null
	});
	// Bolt Card SPEC: maxWithdrawable is deliberately above the real maximum so that a POS cannot
	// learn the balance; it is the per-tap limit (or the largest till payment) instead.
	let max = MAX_INVOICE_MSAT;
	if (card.perTapLimit !== null) {
		const limit = await cardAmountInMsat(unit, store, BigInt(card.perTapLimit), options.now);
		if (limit < max) max = limit;
	}
	const request: WithdrawRequest = {
		tag: 'withdrawRequest',
		callback: `${options.origin}/boltcard/callback`,
		k1,
		defaultDescription: `Flash Card ${card.label ?? card.id} — ${store.name}`,
		minWithdrawable: 1000,
		maxWithdrawable: Number(max < 1000n ? 1000n : max)
	};
	if (card.pinHash && card.pinLimit !== null) {
		// In msat, rounded down, so a wallet asks for the PIN at the limit or a little before.
		request.pinLimit = Number(await cardAmountInMsat(unit, store, BigInt(card.pinLimit), options.now));
	}
	return request;
}

export type WithdrawResult = { status: 'paid' | 'pending'; internal: boolean; invoiceId: string | null; cardId: string };

function decodeChecked(pr: string): DecodedInvoice & { amountMsat: bigint } {
	let decoded: DecodedInvoice;
	try {
		decoded = decodeInvoice(pr);
	} catch (error) {
		if (error instanceof InvoiceDecodeError) throw new CardError('card-invoice-refused', 'The invoice could not be read: it is not a valid Lightning invoice.');
		throw error;
	}
	if (decoded.amountMsat === null || decoded.amountMsat <= 0n) {
		throw new CardError('card-invoice-refused', 'The invoice has no amount; a card pays invoices with an amount.');
	}
	return { ...decoded, amountMsat: decoded.amountMsat };
}

const NETWORK_OF_NODE: Record<string, string> = { mainnet: 'bitcoin', testnet: 'testnet', signet: 'signet', regtest: 'regtest' };

async function checkPin(db: Db, card: CardRow, amount: bigint, pin: string | undefined, now: number): Promise<void> {
	if (!card.pinHash || card.pinLimit === null || amount < BigInt(card.pinLimit)) return;
	if (pin === undefined) throw new CardError('card-pin-required', 'PIN required for this amount.', PIN_TRIES - card.pinFailures);
	if (await verifyPassword(pin, card.pinHash)) {
		await clearPinFailures(db, card.id);
		return;
	}
	const { failures, blocked } = await countPinFailure(db, card.id, now, PIN_TRIES);
	if (blocked) throw new CardError('card-pin-blocked', 'Wrong PIN three times: the card is blocked until the issuer unblocks it.');
	const left = PIN_TRIES - failures;
	throw new CardError('card-pin-wrong', `Wrong PIN; ${left} ${left === 1 ? 'try' : 'tries'} left before the card is blocked.`, left);
}

function refuseTapState(tap: CardTapRow, now: number, paymentHash: string): void {
	if (tap.state === 'open' && tap.expiresAt < now) throw new CardError('card-tap-expired', 'This tap has expired; tap the card again.');
	if (tap.state === 'open') return;
	if (tap.state === 'claimed' && tap.paymentHash === paymentHash) return;
	throw new CardError('card-tap-used', 'This tap was already used; tap the card again.');
}

/**
 * The callback: pays `pr` from the card behind `k1`. Idempotent: the same `k1` and invoice again
 * reports the first outcome and moves nothing more; any other reuse of `k1` is refused.
 */
export async function completeWithdraw(env: WorkerEnv, db: Db, input: { k1: string; pr: string; pin?: string | undefined }, now: number): Promise<WithdrawResult> {
	if (!/^[0-9a-f]{32}$/i.test(input.k1)) throw new CardError('card-tap-used', 'This is not a tap of a Flash Card (unknown k1).');
	const tap = await findTap(db, input.k1.toLowerCase());
	if (!tap || !tap.cardId) throw new CardError('card-tap-used', 'This tap is unknown here; tap the card again.');
	const decoded = decodeChecked(input.pr);
	if (tap.state === 'paid' && tap.paymentHash === decoded.paymentHash) {
		return { status: 'paid', internal: true, invoiceId: (await findInvoiceByHashAnywhere(db, decoded.paymentHash))?.id ?? null, cardId: tap.cardId };
	}
	refuseTapState(tap, now, decoded.paymentHash);

	const card = await findCardById(db, tap.cardId);
	if (!card) throw new CardError('card-unknown', 'This card no longer exists.');
	assertCanSpend(card);
	const issuerStore = (await findStore(db, card.storeId))!;
	const unit = cardUnit(card.currency);

	// Internal: an open invoice of a store on this deployment, for exactly this amount.
	const invoice = await findInvoiceByHashAnywhere(db, decoded.paymentHash);
	if (invoice && (invoice.status !== 'New' || invoice.paidMsat > 0 || invoice.expiresAt <= now || BigInt(invoice.amountMsat) !== decoded.amountMsat)) {
		throw new CardError('card-invoice-refused', invoice.status === 'Settled' ? 'This invoice is already paid.' : 'This invoice can no longer be paid by card.');
	}
	if (!invoice) await checkNetwork(env, card.storeId, decoded);
	if (decoded.expiresAt * 1000 <= now) throw new CardError('card-invoice-refused', 'The invoice has expired; make a new one.');

	const priced = await priceForCard(unit, issuerStore, decoded.amountMsat, invoice ?? null, now);
	if (card.perTapLimit !== null && priced.amount > BigInt(card.perTapLimit)) {
		throw new CardError('card-over-tap-limit', `Over this card's limit of ${formatCardAmount(unit, card.perTapLimit)} ${unit.currency} per payment.`);
	}
	await checkPin(db, card, priced.amount, input.pin, now);

	const claimed = await claimTap(db, {
		k1: tap.k1,
		cardId: card.id,
		bolt11: decoded.paymentRequest,
		paymentHash: decoded.paymentHash,
		amount: Number(priced.amount),
		amountMsat: Number(decoded.amountMsat),
		now,
		dailyLimit: card.dailyLimit,
		dayStart: now - DAY_MS
	});
	if (!claimed) {
		const again = await findTap(db, tap.k1);
		if (again && again.state === tap.state && (again.state === 'open' ? again.expiresAt >= now : true)) {
			throw new CardError('card-over-daily-limit', `Over this card's daily limit of ${formatCardAmount(unit, card.dailyLimit ?? 0)} ${unit.currency}.`);
		}
		throw new CardError('card-tap-used', 'This tap was already used; tap the card again.');
	}

	const meta = { kind: 'card-payment', reference: invoice ? `invoice:${invoice.id}` : `tap:${tap.k1}`, fiat: priced.fiat };
	const cardLeg = { account: accountIds.card(card.id), unit: unit.ledgerUnit, amount: priced.amount };
	if (invoice) {
		await ensureAccounts(db, [accountSpecs.revenue(invoice.storeId), ...floatsFor(card.storeId, unit.ledgerUnit, 'msat')], now);
		// One card payment per invoice, enforced by the ledger: the leg crediting the store has the
		// invoice's id, so a second card (or a second tap) cannot pay the same invoice again.
		const transfers = movement(`tap:${tap.k1}`, card.storeId, cardLeg, { account: accountIds.revenue(invoice.storeId), unit: 'msat', amount: decoded.amountMsat }, meta, `invoice-card:${invoice.id}`);
		let result;
		try {
			result = await post(db, transfers, now);
		} catch (error) {
			// The invoice's leg exists with other contents: another card paid this invoice first.
			console.error(JSON.stringify({ k1: tap.k1, problem: 'invoice already paid by card', error: String(error) }));
			await finishTap(db, tap.k1, 'refused', 'invoice already paid by card', now);
			throw new CardError('card-invoice-refused', 'This invoice is already paid.');
		}
		if (result.status === 'refused') {
			await finishTap(db, tap.k1, 'refused', 'insufficient funds', now);
			throw new CardError('card-insufficient-funds', 'Not enough balance on the card.');
		}
		await finishTap(db, tap.k1, 'paid', null, now);
		return { status: 'paid', internal: true, invoiceId: invoice.id, cardId: card.id };
	}

	// External: reserve, then pay through the issuer store's node.
	await ensureAccounts(db, [accountSpecs.inFlight(card.storeId), accountSpecs.node(card.storeId), accountSpecs.fees(card.storeId), ...floatsFor(card.storeId, unit.ledgerUnit, 'msat')], now);
	const inFlight = { account: accountIds.inFlight(card.storeId), unit: 'msat', amount: decoded.amountMsat };
	const outcome = await payOut(
		env,
		{
			id: `tap:${tap.k1}`,
			storeId: card.storeId,
			bolt11: decoded.paymentRequest,
			paymentHash: decoded.paymentHash,
			amountMsat: decoded.amountMsat,
			maxFeeMsat: feeLimitFor(decoded.amountMsat),
			source: `card-tap:${tap.k1}`,
			reservation: {
				reserve: movement(`tap:${tap.k1}:reserve`, card.storeId, cardLeg, inFlight, meta),
				settle: [
					{ id: `tap:${tap.k1}:paid`, debit: inFlight.account, credit: accountIds.node(card.storeId), amount: decoded.amountMsat, unit: 'msat', kind: 'card-payment-sent', reference: meta.reference }
				],
				release: movement(`tap:${tap.k1}:release`, card.storeId, inFlight, cardLeg, { ...meta, kind: 'card-payment-released' })
			}
		},
		now
	);
	switch (outcome.status) {
		case 'succeeded':
			return { status: 'paid', internal: false, invoiceId: null, cardId: card.id };
		case 'pending':
			return { status: 'pending', internal: false, invoiceId: null, cardId: card.id };
		case 'failed':
			throw new CardError('card-payment-failed', `The payment failed: ${outcome.reason}. Nothing was taken from the card.`);
		case 'refused':
			await finishTap(db, tap.k1, 'refused', outcome.reason, now);
			if (outcome.reason === 'insufficient-funds') throw new CardError('card-insufficient-funds', 'Not enough balance on the card.');
			throw new CardError('card-invoice-refused', 'This invoice is already being paid.');
	}
}

/** An external invoice must be for the network the issuer's node is on (no testnet coins for mainnet). */
async function checkNetwork(env: WorkerEnv, storeId: string, decoded: DecodedInvoice): Promise<void> {
	const summary = await nodeSummary(env, storeId);
	const network = summary?.kind === 'simulated' ? 'regtest' : summary?.observed?.network;
	if (network && NETWORK_OF_NODE[network] && NETWORK_OF_NODE[network] !== decoded.network) {
		throw new CardError('card-invoice-refused', `The invoice is for ${decoded.network}, but this card pays on ${network}.`);
	}
}

// A card payment at another merchant ends (possibly long after the tap): close the tap.
onOutgoingResolved('card-tap:', async (env, row, outcome, reason, now) => {
	await finishTap(database(env.DB), row.source.slice('card-tap:'.length), outcome === 'succeeded' ? 'paid' : 'failed', reason, now);
});

