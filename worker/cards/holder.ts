// The cardholder's view, without an account: reached by tapping the card (the tap proves the
// card is in hand) or by the card's own printed link (a secret stored hashed). Either gives a
// short-lived session, sealed with SECRETS_KEY, that lets the page freeze or unfreeze the card.
import type { CardholderView } from '../contract/cards';
import type { Db } from '../db/client';
import { findCardById, type CardRow } from '../data/cards';
import { findStore } from '../data/stores';
import type { WorkerEnv } from '../env';
import { seal, unseal } from '../secrets/seal';
import { cardMovements, cardView } from './view';

const SESSION_MS = 15 * 60_000;
const CONTEXT = 'card-holder-session';

export async function holderView(env: WorkerEnv, db: Db, card: CardRow, now: number): Promise<CardholderView> {
	const view = await cardView(db, card, now);
	const store = await findStore(db, card.storeId);
	return {
		cardId: card.id,
		label: card.label,
		status: view.status,
		currency: view.currency,
		balance: view.balance,
		perTapLimit: view.perTapLimit,
		dailyLimit: view.dailyLimit,
		spentToday: view.spentToday,
		pinEnabled: view.pinEnabled,
		issuer: store?.name ?? '',
		movements: await cardMovements(db, card, 20),
		holderSession: await seal(env, JSON.stringify({ cardId: card.id, until: now + SESSION_MS }), CONTEXT)
	};
}

/** The card a session speaks for, or null if it is forged or over. */
export async function cardOfSession(env: WorkerEnv, db: Db, session: string, now: number): Promise<CardRow | null> {
	let claims: { cardId?: unknown; until?: unknown };
	try {
		claims = JSON.parse(await unseal(env, session, CONTEXT)) as typeof claims;
	} catch {
		return null;
	}
	if (typeof claims.cardId !== 'string' || typeof claims.until !== 'number' || claims.until < now) return null;
	return (await findCardById(db, claims.cardId)) ?? null;
}
