// Cards as the API shows them: balances from the ledger, limits in the card's currency, and
// movements signed from the cardholder's side (a credit to the card is positive).
import type { CardData, CardMovement, CardStatus } from '../contract/cards';
import type { Db } from '../db/client';
import { spentSince, spentSinceMany, type CardRow } from '../data/cards';
import { findAccount, findAccounts, transfersOf, type LedgerTransferRow } from '../data/ledger';
import { formatDecimal, resolveCurrency } from '../domain/money';
import { accountIds } from './accounts';
import { cardUnit, formatCardAmount } from './units';

const DAY_MS = 86_400_000;

function toCardData(card: CardRow, balance: number, spentToday: number): CardData {
	const unit = cardUnit(card.currency);
	const amount = (v: number | null) => (v === null ? null : formatCardAmount(unit, v));
	return {
		id: card.id,
		storeId: card.storeId,
		label: card.label,
		status: card.status as CardStatus,
		currency: unit.currency,
		balance: formatCardAmount(unit, balance),
		perTapLimit: amount(card.perTapLimit),
		dailyLimit: amount(card.dailyLimit),
		spentToday: formatCardAmount(unit, spentToday),
		pinEnabled: card.pinHash !== null,
		pinLimit: card.pinHash ? amount(card.pinLimit) : null,
		pinBlocked: card.pinBlocked,
		frozenBy: card.status === 'frozen' ? ((card.frozenBy as 'merchant' | 'cardholder' | null) ?? 'merchant') : null,
		programmed: card.programmedVia !== null,
		keyVersion: card.keyVersion,
		replacedBy: card.replacedBy,
		batchId: card.batchId,
		createdAt: card.createdAt,
		activatedAt: card.activatedAt,
		lastUsedAt: card.lastUsedAt
	};
}

export async function cardView(db: Db, card: CardRow, now: number): Promise<CardData> {
	const account = await findAccount(db, accountIds.card(card.id));
	return toCardData(card, account?.balance ?? 0, await spentSince(db, card.id, now - DAY_MS));
}

export async function cardViews(db: Db, cards: CardRow[], now: number): Promise<CardData[]> {
	const accounts = new Map((await findAccounts(db, cards.map((c) => accountIds.card(c.id)))).map((a) => [a.id, a.balance]));
	const spent = await spentSinceMany(db, cards.map((c) => c.id), now - DAY_MS);
	return cards.map((c) => toCardData(c, accounts.get(accountIds.card(c.id)) ?? 0, spent.get(c.id) ?? 0));
}

const KIND: Record<string, [credit: string, debit: string]> = {
	'card-topup-cash': ['topup-cash', 'topup-cash-reversed'],
	'card-topup-lightning': ['topup-lightning', 'topup-lightning-reversed'],
	'card-payment': ['payment-refunded', 'payment'],
	'card-payment-released': ['payment-released', 'payment-released'],
	'card-replaced': ['replaced-in', 'replaced-out'],
	'card-refund': ['refund', 'refund']
};

function toMovement(card: CardRow, t: LedgerTransferRow): CardMovement {
	const unit = cardUnit(card.currency);
	const credit = t.creditAccount === accountIds.card(card.id);
	const kinds = KIND[t.kind] ?? [t.kind, t.kind];
	let fiat: CardMovement['fiat'] = null;
	if (t.fiatAmount !== null && t.fiatCurrency) {
		const exponent = resolveCurrency(t.fiatCurrency).exponent;
		fiat = { amount: formatDecimal(BigInt(t.fiatAmount), exponent), currency: t.fiatCurrency, rate: t.rate };
	}
	return {
		id: t.id,
		kind: credit ? kinds[0] : kinds[1],
		amount: (credit ? '' : '-') + formatCardAmount(unit, t.amount),
		currency: unit.currency,
		fiat,
		reference: t.reference,
		createdAt: t.createdAt
	};
}

export async function cardMovements(db: Db, card: CardRow, limit: number): Promise<CardMovement[]> {
	return (await transfersOf(db, accountIds.card(card.id), limit)).map((t) => toMovement(card, t));
}
