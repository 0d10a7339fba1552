// Cards read at a till. Our own cards (this deployment's `/boltcard`) run the LNURL-withdraw
// steps in-process: verify the tap, open a `k1`, pay the till's invoice from it (internally, so
// the sale is paid at once). Other issuers' Bolt Cards run LNURL-withdraw over HTTPS from the
// worker (no CORS trouble for the till; the address policy refuses raw IPs, .onion and local
// names, as BTCPay PR #7494 does against SSRF), and the invoice is then paid over Lightning.
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Context } from 'hono';
import type { PayWithCard, PayWithCardResult } from '../contract/cards';
import { database, type Db } from '../db/client';
import { findTap, insertTap, type CardRow } from '../data/cards';
import type { InvoiceRow } from '../data/invoices';
import { isProduction, type AppEnv } from '../env';
import { ApiError } from '../errors';
import { LIMITS, rateLimit } from '../auth/rate-limit';
import { inBackground } from '../background';
import { syncInvoice } from '../invoices/sync';
import { publishInvoice } from '../live/publish';
import { nodeFetcher } from '../nodes/registry';
import { checkNodeUrl } from '../nodes/url-policy';
import { sendDueWebhooks } from '../webhooks/sender';
import { webhookFetcher } from '../webhooks/outbound';
import { publicOrigin } from '../origin';
import { parseCardUrl, CardUrlError, type CardUrl } from './card-url';
import { CardError, toApiError } from './errors';
import { verifyTap, type VerifiedTap } from './tap';
import { completeWithdraw, K1_LIFETIME_MS, startWithdraw } from './withdraw';

const FOREIGN_TIMEOUT_MS = 8_000;

function read(text: string): CardUrl {
	try {
		return parseCardUrl(text);
	} catch (error) {
		if (error instanceof CardUrlError) throw new ApiError('card-malformed', `${error.message} Tap the card again.`);
		throw error;
	}
}

function isOurs(c: Context<AppEnv>, card: CardUrl): boolean {
	const ours = new URL(publicOrigin(c)).host;
	return (card.url.host === ours || card.url.host === new URL(c.req.url).host) && card.url.pathname.replace(/\/$/, '') === '/boltcard';
}

/** Verifies a tap (consuming its counter) and holds each card to its rate of taps. */
export async function verifiedTap(c: Context<AppEnv>, db: Db, p: string, cHex: string, now: number): Promise<VerifiedTap> {
	const tap = await verifyTap(c.env, db, p, cHex, now);
	await rateLimit(c, `tap:${tap.card.id}`, LIMITS.tap);
	return tap;
}

/** A card read at a till for a cash top-up: ours only; the counter is consumed. */
export async function tapAtTill(c: Context<AppEnv>, db: Db, text: string, now: number): Promise<CardRow> {
	const card = read(text);
	if (!isOurs(c, card)) throw new CardError('card-unknown', 'This card was issued elsewhere; only our own cards can be topped up here.');
	return (await verifiedTap(c, db, card.p ?? '', card.c ?? '', now)).card;
}

function payable(invoice: InvoiceRow, now: number): string {
	if (invoice.status !== 'New' || invoice.expiresAt <= now || !invoice.bolt11) {
		throw new ApiError('invoice-not-payable', invoice.status === 'Settled' ? 'This invoice is already paid.' : 'This invoice can no longer be paid; start a new sale.');
	}
	return invoice.bolt11;
}

/** Marks the invoice paid now; if that fails, the paid card payment stands and the cron catches up. */
export async function announceInvoice(c: Context<AppEnv>, invoiceId: string): Promise<void> {
	try {
		const result = await syncInvoice(c.env, invoiceId);
		if (result?.changed) await inBackground(c, Promise.all([publishInvoice(c.env, result.row), sendDueWebhooks(c.env, Date.now, webhookFetcher())]));
	} catch (error) {
		console.error(JSON.stringify({ invoiceId, problem: 'card payment made; invoice update deferred to the cron', error: String(error) }));
	}
}

async function ownCard(c: Context<AppEnv>, invoice: InvoiceRow, bolt11: string, k1: string, pin: string | undefined, now: number): Promise<PayWithCardResult> {
	const db = database(c.env.DB);
	try {
		const result = await completeWithdraw(c.env, db, { k1, pr: bolt11, pin }, now);
		if (result.status === 'paid' && result.internal) {
			await announceInvoice(c, invoice.id);
			return { status: 'paid', invoiceId: invoice.id, internal: true };
		}
		return { status: 'pending', invoiceId: invoice.id };
	} catch (error) {
		if (error instanceof CardError && error.code === 'card-pin-required') return { status: 'pin-required', tapId: k1, triesLeft: error.triesLeft };
		throw error instanceof CardError ? toApiError(error) : error;
	}
}

export async function payInvoiceWithCard(c: Context<AppEnv>, invoice: InvoiceRow, input: PayWithCard, now: number): Promise<PayWithCardResult> {
	const db = database(c.env.DB);
	const bolt11 = payable(invoice, now);
	if (input.tapId) {
		const tap = await findTap(db, input.tapId.toLowerCase());
		if (!tap) throw new ApiError('card-tap-used', 'This tap is unknown or over; tap the card again.');
		if (tap.foreignCallback) return foreignCallback(c, invoice, tap.k1, tap.foreignCallback, input.pin, now);
		return ownCard(c, invoice, bolt11, tap.k1, input.pin, now);
	}
	if (!input.card) throw new ApiError('bad-request', 'Send the card as read ({"card": "lnurlw://…"}) or answer a PIN request ({"tapId", "pin"}).');
	const card = read(input.card);
	if (isOurs(c, card)) {
		let k1: string;
		try {
			const tap = await verifiedTap(c, db, card.p ?? '', card.c ?? '', now);
			k1 = (await startWithdraw(c.env, db, tap, { origin: publicOrigin(c), purpose: 'pos', now })).k1;
		} catch (error) {
			throw error instanceof CardError ? toApiError(error) : error;
		}
		return ownCard(c, invoice, bolt11, k1, input.pin, now);
	}
	return foreignCard(c, invoice, card, input.pin, now);
}

// ---- other issuers' cards ----

async function getJson(c: Context<AppEnv>, url: string): Promise<Record<string, unknown>> {
	const base = new URL(url);
	const check = checkNodeUrl(`${base.origin}${base.pathname}`, { production: isProduction(c.env) });
	if (!check.ok) throw new ApiError('card-foreign-refused', `The card's service cannot be reached: ${check.message}`);
	let response: Response;
	try {
		response = await nodeFetcher()(new Request(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(FOREIGN_TIMEOUT_MS) }));
	} catch {
		throw new ApiError('card-foreign-refused', "The card's issuer did not answer in time; try again or pay by QR.");
	}
	try {
		const body = (await response.json()) as unknown;
		if (body && typeof body === 'object') return body as Record<string, unknown>;
	} catch {
		// fall through
	}
	throw new ApiError('card-foreign-refused', "The card's issuer answered with something that is not LNURL; pay by QR instead.");
}

function refusedBy(body: Record<string, unknown>): never {
	const reason = typeof body.reason === 'string' ? body.reason.slice(0, 200) : 'no reason given';
	throw new ApiError('card-foreign-refused', `The card's issuer refused: ${reason}`);
}

async function foreignCard(c: Context<AppEnv>, invoice: InvoiceRow, card: CardUrl, pin: string | undefined, now: number): Promise<PayWithCardResult> {
	const request = await getJson(c, card.url.toString());
	if (request.status === 'ERROR') refusedBy(request);
	if (request.tag !== 'withdrawRequest' || typeof request.callback !== 'string' || typeof request.k1 !== 'string') {
		throw new ApiError('card-foreign-refused', 'This card does not offer a Lightning withdrawal (LUD-03).');
	}
	const amount = invoice.amountMsat;
	const min = Number(request.minWithdrawable ?? 0);
	const max = Number(request.maxWithdrawable ?? 0);
	if (amount < min || amount > max) throw new ApiError('card-over-tap-limit', "The amount is outside what this card allows per payment.");
	const callback = new URL(request.callback);
	callback.searchParams.set('k1', request.k1);
	callback.searchParams.set('pr', invoice.bolt11!);
	const pinLimit = typeof request.pinLimit === 'number' ? request.pinLimit : null;
	if (pinLimit !== null && amount >= pinLimit && !pin) {
		// Keep the callback (not the till) so the PIN answer goes where the card's issuer said.
		const tapId = bytesToHex(crypto.getRandomValues(new Uint8Array(16)));
		await insertTap(database(c.env.DB), {
			k1: tapId,
			cardId: null,
			storeId: invoice.storeId,
			counter: null,
			purpose: 'pos',
			state: 'open',
			bolt11: invoice.bolt11,
			paymentHash: invoice.paymentHash,
			amount: null,
			amountMsat: amount,
			reason: null,
			foreignCallback: callback.toString(),
			createdAt: now,
			expiresAt: now + K1_LIFETIME_MS,
			claimedAt: null,
			finishedAt: null
		});
		return { status: 'pin-required', tapId, triesLeft: null };
	}
	return foreignCallback(c, invoice, null, callback.toString(), pin, now);
}

async function foreignCallback(c: Context<AppEnv>, invoice: InvoiceRow, tapId: string | null, callback: string, pin: string | undefined, now: number): Promise<PayWithCardResult> {
	const url = new URL(callback);
	if (url.searchParams.get('pr') !== invoice.bolt11) throw new ApiError('card-tap-used', 'This tap was for another sale; tap the card again.');
	if (tapId) {
		const tap = await findTap(database(c.env.DB), tapId);
		if (!tap || tap.expiresAt < now) throw new ApiError('card-tap-expired', 'This tap has expired; tap the card again.');
	}
	if (pin) url.searchParams.set('pin', pin);
	const answer = await getJson(c, url.toString());
	if (answer.status !== 'OK') refusedBy(answer);
	// The issuer pays asynchronously (LUD-03); the invoice turns paid when our node sees it.
	return { status: 'pending', invoiceId: invoice.id };
}
