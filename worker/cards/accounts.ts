// The ledger accounts Flash Cards move money between, and the transfers for a movement that
// crosses units. A card's account holds what the issuer owes its holder (floor 0). A movement
// between a card in JMD and an msat account goes through the issuer's float in each unit
// (card → float JMD, float msat → target): each unit still sums to zero, and the float shows
// the issuer's exchange position.
import type { Db } from '../db/client';
import { openAccount, type AccountKind, type TransferInput } from '../ledger/ledger';

export const accountIds = {
	card: (cardId: string) => `card:${cardId}`,
	float: (storeId: string, unit: string) => `float:${storeId}:${unit}`,
	cashDrawer: (storeId: string, drawer: string, unit: string) => `cash:${storeId}:${drawer}:${unit}`,
	revenue: (storeId: string) => `revenue:${storeId}:msat`,
	node: (storeId: string) => `node:${storeId}:msat`,
	inFlight: (storeId: string) => `inflight:${storeId}:msat`,
	fees: (storeId: string) => `fees:${storeId}:msat`
};

export type AccountSpec = { id: string; storeId: string; kind: AccountKind; unit: string; floor: bigint | null; reference?: string };

export const accountSpecs = {
	card: (storeId: string, cardId: string, unit: string): AccountSpec => ({ id: accountIds.card(cardId), storeId, kind: 'card', unit, floor: 0n, reference: cardId }),
	float: (storeId: string, unit: string): AccountSpec => ({ id: accountIds.float(storeId, unit), storeId, kind: 'issuer-float', unit, floor: null }),
	cashDrawer: (storeId: string, drawer: string, unit: string): AccountSpec => ({
		id: accountIds.cashDrawer(storeId, drawer, unit),
		storeId,
		kind: 'cash-drawer',
		unit,
		floor: null,
		reference: drawer
	}),
	revenue: (storeId: string): AccountSpec => ({ id: accountIds.revenue(storeId), storeId, kind: 'store-revenue', unit: 'msat', floor: null }),
	node: (storeId: string): AccountSpec => ({ id: accountIds.node(storeId), storeId, kind: 'node-asset', unit: 'msat', floor: null }),
	inFlight: (storeId: string): AccountSpec => ({ id: accountIds.inFlight(storeId), storeId, kind: 'in-flight', unit: 'msat', floor: 0n }),
	fees: (storeId: string): AccountSpec => ({ id: accountIds.fees(storeId), storeId, kind: 'fees', unit: 'msat', floor: null })
};

const opened = new Set<string>();

/** Opens accounts once per isolate (opening is insert-or-ignore, so repeats are harmless). */
export async function ensureAccounts(db: Db, specs: AccountSpec[], now: number): Promise<void> {
	for (const spec of specs) {
		if (opened.has(spec.id)) continue;
		await openAccount(db, { ...spec, now });
		opened.add(spec.id);
	}
}

export type Leg = { account: string; unit: string; amount: bigint };
type Meta = Pick<TransferInput, 'kind' | 'reference' | 'fiat'>;

/**
 * The transfers moving `from.amount` out of `from.account` and `to.amount` into `to.account`:
 * one transfer in a single unit (the amounts must agree), otherwise two through the issuer's
 * float. Ids are `<id>` or `<id>:out` / `<id>:in`; `inId` overrides the id of the leg that
 * credits `to` (used to make "one card payment per invoice" a ledger-enforced rule).
 */
export function movement(id: string, issuerStoreId: string, from: Leg, to: Leg, meta: Meta, inId?: string): TransferInput[] {
	if (from.unit === to.unit) {
		if (from.amount !== to.amount) throw new Error(`Movement ${id}: amounts differ within one unit.`);
		return [{ id: inId ?? id, debit: from.account, credit: to.account, amount: from.amount, unit: from.unit, ...meta }];
	}
	return [
		{ id: `${id}:out`, debit: from.account, credit: accountIds.float(issuerStoreId, from.unit), amount: from.amount, unit: from.unit, ...meta },
		{ id: inId ?? `${id}:in`, debit: accountIds.float(issuerStoreId, to.unit), credit: to.account, amount: to.amount, unit: to.unit, ...meta }
	];
}

/** The float accounts a movement between these units needs (none within one unit). */
export function floatsFor(issuerStoreId: string, a: string, b: string): AccountSpec[] {
	return a === b ? [] : [accountSpecs.float(issuerStoreId, a), accountSpecs.float(issuerStoreId, b)];
}
