// Flash Cards for merchants and tills: issue (one or a batch), list with the float, read,
// change limits/PIN/state, programming and reset links, the wipe JSON, replace, top up (cash or
// Lightning), history; and paying a till's invoice with a card read at the till.
import { Hono, type Context } from 'hono';
import {
	createCardBatchSchema,
	createCardSchema,
	listCardsQuerySchema,
	payWithCardSchema,
	tapTopupSchema,
	topupSchema,
	updateCardSchema,
	type CardFloat,
	type CardStatus,
	type PayWithCardResult,
	type TopupResult
} from '../contract/cards';
import { database, type Db } from '../db/client';
import { cardFloat, cardStatusCounts, findCard, listCards, updateCard, type CardRow } from '../data/cards';
import { findStore, type StoreRow } from '../data/stores';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { invoicePermission, storePermission } from '../auth/authorize';
import { STORE } from '../auth/permissions';
import { principalLabel } from '../auth/principal';
import { audit } from '../auth/audit';
import { LIMITS, rateLimit } from '../auth/rate-limit';
import { validate } from '../validation';
import { CardError, toApiError } from '../cards/errors';
import { existingIssuer } from '../cards/issuer';
import { cardSettings, issueCards, withLinks } from '../cards/issue';
import { newCardLink, newHolderToken, wipeJson } from '../cards/program';
import { replaceCard } from '../cards/replace';
import { cashTopup } from '../cards/topup';
import { payInvoiceWithCard, tapAtTill } from '../cards/till';
import { cardUnit, formatCardAmount } from '../cards/units';
import { cardMovements, cardView, cardViews } from '../cards/view';
import { createInvoice } from '../invoices/create';
import { toInvoiceData } from '../invoices/greenfield';
import { publicOrigin } from '../origin';

const originOf = (c: Context<AppEnv>) => publicOrigin(c);

async function storeOf(db: Db, storeId: string): Promise<StoreRow> {
	const store = await findStore(db, storeId);
	if (!store) throw new ApiError('store-not-found', 'The store could not be found.');
	return store;
}

async function cardOf(db: Db, storeId: string, cardId: string): Promise<CardRow> {
	const card = await findCard(db, storeId, cardId);
	if (!card) throw new ApiError('card-not-found', 'There is no such card in this store.');
	return card;
}

/** Which cash drawer a top-up goes to: the till's own, or the office for the merchant app. */
function drawerOf(c: Context<AppEnv>): string {
	const p = c.get('principal');
	return p.kind === 'cashier' || p.kind === 'terminal' ? `terminal-${p.terminalId}` : 'office';
}

const STATUS_CHANGES: Record<string, readonly CardStatus[]> = {
	pending: ['frozen', 'retired'],
	active: ['frozen', 'retired'],
	frozen: ['active', 'retired'],
	retired: []
};

/** Cash for a card: into the till's (or the office's) drawer, recorded and audited. */
async function takeCash(c: Context<AppEnv>, db: Db, store: StoreRow, card: CardRow, input: { amount: string; currency: string }, now: number): Promise<TopupResult> {
	const result = await cashTopup(db, card, store, { id: `topup:${crypto.randomUUID()}`, amount: input.amount, currency: input.currency, drawer: drawerOf(c), by: principalLabel(c.get('principal')) }, now);
	if (result.status === 'refused') throw new ApiError('conflict', 'The top-up could not be recorded; try again.');
	await audit(c, { storeId: store.id, action: 'card.topup', target: card.id, details: { method: 'cash', amount: input.amount, currency: input.currency } });
	const [movement] = await cardMovements(db, card, 1);
	return { method: 'cash', card: await cardView(db, card, now), movement: movement! };
}

export const cardRoutes = new Hono<AppEnv>()
	.post('/stores/:storeId/cards', storePermission(STORE.modifyCards), validate('json', createCardSchema), async (c) => {
		const db = database(c.env.DB);
		const store = await storeOf(db, c.req.param('storeId'));
		const [card] = await issueCards(c.env, db, store, [c.req.valid('json')], originOf(c), Date.now());
		await audit(c, { storeId: store.id, action: 'card.issue', target: card!.id, details: { currency: card!.currency } });
		return c.json(card!, 201);
	})
	.post('/stores/:storeId/cards/batch', storePermission(STORE.modifyCards), validate('json', createCardBatchSchema), async (c) => {
		const db = database(c.env.DB);
		const store = await storeOf(db, c.req.param('storeId'));
		const input = c.req.valid('json');
		const batchId = `batch_${crypto.randomUUID().slice(0, 8)}`;
		const width = String(input.count).length < 3 ? 3 : String(input.count).length;
		const inputs = Array.from({ length: input.count }, (_, i) => ({
			label: `${input.labelPrefix ?? 'Card'} ${String(i + 1).padStart(width, '0')}`,
			perTapLimit: input.perTapLimit,
			dailyLimit: input.dailyLimit,
			...(input.currency ? { currency: input.currency } : {}),
			batchId
		}));
		const cards = await issueCards(c.env, db, store, inputs, originOf(c), Date.now());
		await audit(c, { storeId: store.id, action: 'card.issue-batch', target: batchId, details: { count: cards.length } });
		return c.json({ batchId, cards }, 201);
	})
	.get('/stores/:storeId/cards', storePermission(STORE.viewCards), validate('query', listCardsQuerySchema), async (c) => {
		const q = c.req.valid('query');
		const db = database(c.env.DB);
		const rows = await listCards(db, { storeId: c.req.param('storeId'), search: q.search, status: q.status, skip: q.skip ?? 0, take: q.take ?? 100 });
		return c.json(await cardViews(db, rows, Date.now()), 200);
	})
	.get('/stores/:storeId/cards/float', storePermission(STORE.viewCards), async (c) => {
		const db = database(c.env.DB);
		const storeId = c.req.param('storeId');
		const byStatus: Record<CardStatus, number> = { pending: 0, active: 0, frozen: 0, retired: 0 };
		for (const row of await cardStatusCounts(db, storeId)) byStatus[row.status as CardStatus] = row.count;
		const body: CardFloat = {
			totals: (await cardFloat(db, storeId)).map((t) => ({ currency: t.currency, cards: t.cards, balance: formatCardAmount(cardUnit(t.currency), t.balance) })),
			byStatus
		};
		return c.json(body, 200);
	})
	.post('/stores/:storeId/cards/tap-topup', storePermission(STORE.topUpCards), validate('json', tapTopupSchema), async (c) => {
		const input = c.req.valid('json');
		const db = database(c.env.DB);
		const store = await storeOf(db, c.req.param('storeId'));
		const now = Date.now();
		const card = await tapAtTill(c, db, input.card, now).catch((error: unknown) => {
			throw error instanceof CardError ? toApiError(error) : error;
		});
		if (card.storeId !== store.id) throw new ApiError('card-unknown', 'This card was issued by another store; it can only be topped up there.');
		if (card.status === 'retired') throw new ApiError('card-retired', 'This card is retired; top up its replacement.');
		return c.json(await takeCash(c, db, store, card, input, now), 201);
	})
	.get('/stores/:storeId/cards/:cardId', storePermission(STORE.viewCards), async (c) => {
		const db = database(c.env.DB);
		return c.json(await cardView(db, await cardOf(db, c.req.param('storeId'), c.req.param('cardId')), Date.now()), 200);
	})
	.patch('/stores/:storeId/cards/:cardId', storePermission(STORE.modifyCards), validate('json', updateCardSchema), async (c) => {
		const input = c.req.valid('json');
		const db = database(c.env.DB);
		const card = await cardOf(db, c.req.param('storeId'), c.req.param('cardId'));
		if (card.status === 'retired') throw new ApiError('card-retired', 'This card is retired and can no longer be changed.');
		const set: Partial<CardRow> = { ...(await cardSettings(cardUnit(card.currency), input)), updatedAt: Date.now() };
		// A new PIN keeps the amount it is asked from (every payment if there was none).
		if (input.pin && set.pinLimit === undefined) set.pinLimit = card.pinLimit ?? 0;
		if (input.pin === null) set.pinLimit = null;
		if (input.label !== undefined) set.label = input.label;
		if (input.unblockPin) Object.assign(set, { pinBlocked: false, pinFailures: 0 });
		if (input.status && input.status !== card.status) {
			if (!STATUS_CHANGES[card.status]!.includes(input.status)) {
				throw new ApiError('invalid-status-change', `A ${card.status} card cannot become ${input.status}${card.status === 'pending' ? ': it becomes active on its first tap' : ''}.`);
			}
			set.status = input.status;
			set.frozenBy = input.status === 'frozen' ? 'merchant' : null;
		}
		const updated = (await updateCard(db, card.storeId, card.id, set))!;
		await audit(c, { storeId: card.storeId, action: 'card.update', target: card.id, details: { ...input, pin: input.pin === undefined ? undefined : input.pin === null ? 'removed' : 'set' } });
		return c.json(await cardView(db, updated, Date.now()), 200);
	})
	.post('/stores/:storeId/cards/:cardId/program-link', storePermission(STORE.modifyCards), async (c) => {
		const db = database(c.env.DB);
		const card = await cardOf(db, c.req.param('storeId'), c.req.param('cardId'));
		if (card.status === 'retired') throw new ApiError('card-retired', 'This card is retired; issue a new one.');
		const now = Date.now();
		const holder = newHolderToken();
		const updated = (await updateCard(db, card.storeId, card.id, { holderTokenHash: holder.hash, updatedAt: now }))!;
		await audit(c, { storeId: card.storeId, action: 'card.program-link', target: card.id });
		return c.json(await withLinks(db, updated, holder.token, originOf(c), now), 201);
	})
	.post('/stores/:storeId/cards/:cardId/reset-link', storePermission(STORE.modifyCards), async (c) => {
		const db = database(c.env.DB);
		const card = await cardOf(db, c.req.param('storeId'), c.req.param('cardId'));
		if (!card.keyUid || card.programmedVia === null) throw new ApiError('conflict', 'This card is not programmed, so there is nothing to reset.');
		const link = await newCardLink(db, card.id, 'reset', originOf(c), Date.now());
		await audit(c, { storeId: card.storeId, action: 'card.reset-link', target: card.id });
		return c.json({ resetUrl: link.url, resetLink: link.link, expiresAt: link.expiresAt }, 201);
	})
	.get('/stores/:storeId/cards/:cardId/wipe', storePermission(STORE.modifyCards), async (c) => {
		const db = database(c.env.DB);
		const card = await cardOf(db, c.req.param('storeId'), c.req.param('cardId'));
		const issuer = await existingIssuer(c.env, db, card.storeId);
		if (!issuer) throw new ApiError('conflict', 'This store has not issued cards.');
		await audit(c, { storeId: card.storeId, action: 'card.wipe-keys', target: card.id });
		c.header('Cache-Control', 'no-store');
		return c.json(wipeJson(issuer, card), 200);
	})
	.post('/stores/:storeId/cards/:cardId/replace', storePermission(STORE.modifyCards), async (c) => {
		const db = database(c.env.DB);
		const store = await storeOf(db, c.req.param('storeId'));
		const card = await cardOf(db, store.id, c.req.param('cardId'));
		const replacement = await replaceCard(c.env, db, store, card, originOf(c), Date.now());
		await audit(c, { storeId: store.id, action: 'card.replace', target: card.id, details: { replacement: replacement.id } });
		return c.json(replacement, 201);
	})
	.post('/stores/:storeId/cards/:cardId/topups', storePermission(STORE.topUpCards), validate('json', topupSchema), async (c) => {
		const input = c.req.valid('json');
		const db = database(c.env.DB);
		const store = await storeOf(db, c.req.param('storeId'));
		const card = await cardOf(db, store.id, c.req.param('cardId'));
		if (card.status === 'retired') throw new ApiError('card-retired', 'This card is retired; top up its replacement.');
		const now = Date.now();
		if (input.method === 'lightning') {
			const invoice = await createInvoice(
				{ env: c.env, now, createdBy: principalLabel(c.get('principal')), fetch, cardTopupId: card.id },
				store,
				{ amount: input.amount, currency: input.currency, metadata: { itemDesc: `Flash Card top-up ${card.label ?? card.id}` } }
			);
			await audit(c, { storeId: store.id, action: 'card.topup', target: card.id, details: { method: 'lightning', invoiceId: invoice.id } });
			const body: TopupResult = { method: 'lightning', card: await cardView(db, card, now), invoice: toInvoiceData(invoice, publicOrigin(c), []) };
			return c.json(body, 201);
		}
		return c.json(await takeCash(c, db, store, card, input, now), 201);
	})
	.get('/stores/:storeId/cards/:cardId/movements', storePermission(STORE.viewCards), async (c) => {
		const db = database(c.env.DB);
		const card = await cardOf(db, c.req.param('storeId'), c.req.param('cardId'));
		return c.json(await cardMovements(db, card, 200), 200);
	})
	.post('/stores/:storeId/invoices/:invoiceId/card', invoicePermission(STORE.createInvoice), validate('json', payWithCardSchema), async (c) => {
		const input = c.req.valid('json');
		const invoice = c.get('invoice')!;
		await rateLimit(c, `till-card:${invoice.storeId}`, LIMITS.tillCard);
		const result: PayWithCardResult = await payInvoiceWithCard(c, invoice, input, Date.now());
		return c.json(result, 200);
	});
