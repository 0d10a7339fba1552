// "Replace card": a lost or broken card's balance moves to a new card in one transfer. The old
// card is retired first so it cannot spend while the balance moves; calling replace again on a
// retired card moves whatever is left (say, a payment released later) to the same replacement.
import type { CardWithLinks } from '../contract/cards';
import type { Db } from '../db/client';
import { findCardById, updateCard, type CardRow } from '../data/cards';
import { findAccount } from '../data/ledger';
import type { StoreRow } from '../data/stores';
import type { WorkerEnv } from '../env';
import { ApiError } from '../errors';
import { post } from '../ledger/ledger';
import { accountIds } from './accounts';
import { issueCards, withLinks } from './issue';
import { newHolderToken } from './program';
import { cardUnit } from './units';
import { cardView } from './view';

export async function replaceCard(env: WorkerEnv, db: Db, store: StoreRow, card: CardRow, origin: string, now: number): Promise<CardWithLinks> {
	let replacement: CardWithLinks;
	if (card.replacedBy) {
		const existing = await findCardById(db, card.replacedBy);
		if (!existing) throw new ApiError('conflict', 'The replacement of this card no longer exists.');
		const holder = newHolderToken();
		replacement = await withLinks(db, (await updateCard(db, store.id, existing.id, { holderTokenHash: holder.hash, updatedAt: now }))!, holder.token, origin, now);
	} else {
		if (card.status === 'retired') throw new ApiError('card-retired', 'This card is retired and has no replacement.');
		const [made] = await issueCards(env, db, store, [{ label: card.label, currency: card.currency }], origin, now);
		// Same limits and PIN as the old card (copied as stored, already in the card's unit).
		await updateCard(db, store.id, made!.id, { perTapLimit: card.perTapLimit, dailyLimit: card.dailyLimit, pinHash: card.pinHash, pinLimit: card.pinLimit });
		replacement = made!;
		await updateCard(db, store.id, card.id, { status: 'retired', frozenBy: null, replacedBy: made!.id, updatedAt: now });
	}
	const balance = (await findAccount(db, accountIds.card(card.id)))?.balance ?? 0;
	if (balance > 0) {
		const result = await post(
			db,
			[
				{
					id: `replace:${card.id}:${now}`,
					debit: accountIds.card(card.id),
					credit: accountIds.card(replacement.id),
					amount: BigInt(balance),
					unit: cardUnit(card.currency).ledgerUnit,
					kind: 'card-replaced',
					reference: `card:${card.id}`
				}
			],
			now
		);
		if (result.status === 'refused') throw new ApiError('conflict', 'The balance changed while moving it; try again.');
	}
	const fresh = (await findCardById(db, replacement.id))!;
	return { ...replacement, ...(await cardView(db, fresh, now)) };
}
