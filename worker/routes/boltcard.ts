// The public card endpoints, at the card URL `lnurlw://HOST/boltcard` (LUD-17) and beside it:
//   GET  /boltcard?p&c                  tap → LUD-03 withdrawRequest
//   GET  /boltcard/callback?k1&pr[&pin]  pay the invoice → {"status":"OK"}
//   GET  /boltcard/program/{token}       Programmer app QR flow (lower-case keys)
//   POST /boltcard/program/{token}       Programmer app deeplink flow, body {"UID"}
//   POST /boltcard/reset/{token}         reset deeplink, body {"LNURLW"} (verified before answering)
//   GET  /boltcard/balance?p&c           cardholder view by tap (consumes the counter)
//   POST /boltcard/holder                cardholder view by the card's own link
//   POST /boltcard/holder/freeze         freeze or unfreeze with the view's session
// Errors are LNURL's `{"status":"ERROR","reason"}` (clients read the body, LUD-01) plus a stable
// `code`, with an HTTP status that says the same.
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { holderFreezeSchema, holderTokenSchema } from '../contract/cards';
import { database } from '../db/client';
import { findCardById, findCardByHolderToken, updateCard } from '../data/cards';
import type { AppEnv } from '../env';
import { ApiError, ERROR_STATUS } from '../errors';
import { hashToken } from '../auth/tokens';
import { clientIp } from '../middleware/authenticate';
import { LIMITS, rateLimit } from '../auth/rate-limit';
import { CardError } from '../cards/errors';
import { cardOfSession, holderView } from '../cards/holder';
import { programByQr, programByUid, resetByTap } from '../cards/program';
import { completeWithdraw, startWithdraw } from '../cards/withdraw';
import { announceInvoice, verifiedTap } from '../cards/till';
import { publicOrigin } from '../origin';

function lnurlError(c: Context<AppEnv>, error: unknown): Response {
	if (error instanceof CardError || error instanceof ApiError) {
		const status = (ERROR_STATUS as Record<string, ContentfulStatusCode>)[error.code] ?? 400;
		return c.json({ status: 'ERROR', reason: error.message, code: error.code }, status);
	}
	throw error;
}

async function guarded(c: Context<AppEnv>, work: () => Promise<Response>): Promise<Response> {
	try {
		c.header('Cache-Control', 'no-store');
		return await work();
	} catch (error) {
		return lnurlError(c, error);
	}
}

async function readJson(c: Context<AppEnv>): Promise<Record<string, unknown>> {
	try {
		const body = (await c.req.json()) as unknown;
		if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
	} catch {
		// answered below
	}
	throw new ApiError('malformed-json', 'The request body must be a JSON object.');
}

const limitAddress = (c: Context<AppEnv>) => rateLimit(c, `tap-ip:${clientIp(c.req.raw.headers)}`, LIMITS.tapAddress);

export const boltcardRoutes = new Hono<AppEnv>()
	.get('/boltcard', (c) =>
		guarded(c, async () => {
			await limitAddress(c);
			const now = Date.now();
			const db = database(c.env.DB);
			const tap = await verifiedTap(c, db, c.req.query('p') ?? '', c.req.query('c') ?? '', now);
			return c.json(await startWithdraw(c.env, db, tap, { origin: publicOrigin(c), purpose: 'lnurl', now }), 200);
		})
	)
	.get('/boltcard/callback', (c) =>
		guarded(c, async () => {
			await limitAddress(c);
			const k1 = c.req.query('k1');
			const pr = c.req.query('pr');
			if (!k1 || !pr) throw new ApiError('bad-request', 'The callback needs k1 and pr (a BOLT 11 invoice).');
			const pin = c.req.query('pin');
			if (pin !== undefined && !/^\d{4}$/.test(pin)) throw new CardError('card-pin-wrong', 'A card PIN is four digits.');
			const db = database(c.env.DB);
			const result = await completeWithdraw(c.env, db, { k1, pr, pin }, Date.now());
			if (result.internal && result.invoiceId) await announceInvoice(c, result.invoiceId);
			return c.json({ status: 'OK' }, 200);
		})
	)
	.get('/boltcard/program/:token', (c) =>
		guarded(c, async () => {
			await limitAddress(c);
			return c.json(await programByQr(c.env, database(c.env.DB), c.req.param('token'), publicOrigin(c), Date.now()), 200);
		})
	)
	.post('/boltcard/program/:token', (c) =>
		guarded(c, async () => {
			await limitAddress(c);
			const body = await readJson(c);
			return c.json(await programByUid(c.env, database(c.env.DB), c.req.param('token'), body.UID ?? body.uid, publicOrigin(c), Date.now()), 200);
		})
	)
	.post('/boltcard/reset/:token', (c) =>
		guarded(c, async () => {
			await limitAddress(c);
			const body = await readJson(c);
			return c.json(await resetByTap(c.env, database(c.env.DB), c.req.param('token'), body.LNURLW ?? body.lnurlw, publicOrigin(c), Date.now()), 200);
		})
	)
	.get('/boltcard/balance', (c) =>
		guarded(c, async () => {
			await limitAddress(c);
			const now = Date.now();
			const db = database(c.env.DB);
			const tap = await verifiedTap(c, db, c.req.query('p') ?? '', c.req.query('c') ?? '', now);
			return c.json(await holderView(c.env, db, tap.card, now), 200);
		})
	)
	.post('/boltcard/holder', (c) =>
		guarded(c, async () => {
			await rateLimit(c, `holder-ip:${clientIp(c.req.raw.headers)}`, LIMITS.holder);
			const parsed = holderTokenSchema.safeParse(await readJson(c));
			if (!parsed.success) throw new ApiError('bad-request', 'Send {"token"}: the secret from the card link.');
			const db = database(c.env.DB);
			const card = await findCardByHolderToken(db, hashToken(parsed.data.token));
			if (!card) throw new CardError('card-unknown', 'This card link is not valid (the card may have been re-issued).');
			return c.json(await holderView(c.env, db, card, Date.now()), 200);
		})
	)
	.post('/boltcard/holder/freeze', (c) =>
		guarded(c, async () => {
			await rateLimit(c, `holder-ip:${clientIp(c.req.raw.headers)}`, LIMITS.holder);
			const parsed = holderFreezeSchema.safeParse(await readJson(c));
			if (!parsed.success) throw new ApiError('bad-request', 'Send {"session", "frozen": true|false}.');
			const now = Date.now();
			const db = database(c.env.DB);
			const card = await cardOfSession(c.env, db, parsed.data.session, now);
			if (!card) throw new ApiError('unauthenticated', 'This page has been open too long; tap the card or open its link again.');
			if (card.status === 'retired' || card.status === 'pending') {
				throw new ApiError('invalid-status-change', card.status === 'retired' ? 'This card is retired.' : 'This card is not in use yet.');
			}
			if (parsed.data.frozen && card.status === 'active') {
				await updateCard(db, card.storeId, card.id, { status: 'frozen', frozenBy: 'cardholder', updatedAt: now });
			} else if (!parsed.data.frozen && card.status === 'frozen') {
				// The cardholder may lift only their own freeze; the issuer's stays.
				if (card.frozenBy !== 'cardholder') throw new ApiError('missing-permission', 'The issuer froze this card; ask them to unfreeze it.');
				await updateCard(db, card.storeId, card.id, { status: 'active', frozenBy: null, updatedAt: now });
			}
			const fresh = (await findCardById(db, card.id)) ?? card;
			return c.json(await holderView(c.env, db, fresh, now), 200);
		})
	);

