// Issuing cards, one or a batch: each gets a ledger account in its currency (floor 0), a
// one-time programming link and the cardholder's own link. The PIN is stored hashed (PBKDF2, as
// lnbits/boltcards PR #67 proposes); limits are kept in the card's minor units.
import type { CardWithLinks, CreateCard } from '../contract/cards';
import type { Db } from '../db/client';
import { insertCards, type CardRow } from '../data/cards';
import type { StoreRow } from '../data/stores';
import { MoneyError } from '../domain/money';
import type { WorkerEnv } from '../env';
import { ValidationError } from '../errors';
import { randomBase58 } from '../ids';
import { hashPassword } from '../auth/password';
import { accountIds, accountSpecs, ensureAccounts } from './accounts';
import { issuerOf } from './issuer';
import { newCardLink, newHolderToken } from './program';
import { cardUnit, parseCardAmount, type CardUnit } from './units';
import { cardView } from './view';

export const newCardId = (): string => `fc_${randomBase58(12)}`;

function limit(unit: CardUnit, value: string | null | undefined, path: string): number | null {
	if (value === undefined || value === null) return null;
	try {
		const minor = parseCardAmount(unit, value);
		if (minor <= 0n) throw new ValidationError([{ path, message: 'A limit must be more than zero (leave it out for no limit).' }]);
		if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new ValidationError([{ path, message: 'That limit is too large.' }]);
		return Number(minor);
	} catch (error) {
		if (error instanceof MoneyError) throw new ValidationError([{ path, message: `${error.message} (in ${unit.currency})` }]);
		throw error;
	}
}

/** Limits and PIN settings of a create or update body, in the card's unit. */
export async function cardSettings(unit: CardUnit, input: Pick<CreateCard, 'perTapLimit' | 'dailyLimit' | 'pin' | 'pinLimit'>) {
	const out: Partial<Pick<CardRow, 'perTapLimit' | 'dailyLimit' | 'pinHash' | 'pinLimit' | 'pinFailures' | 'pinBlocked'>> = {};
	if (input.perTapLimit !== undefined) out.perTapLimit = limit(unit, input.perTapLimit, 'perTapLimit');
	if (input.dailyLimit !== undefined) out.dailyLimit = limit(unit, input.dailyLimit, 'dailyLimit');
	if (input.pin !== undefined) {
		out.pinHash = input.pin === null ? null : await hashPassword(input.pin);
		out.pinFailures = 0;
		out.pinBlocked = false;
	}
	if (input.pinLimit !== undefined) {
		// No amount: the PIN is asked for every payment.
		out.pinLimit = input.pinLimit === null ? 0 : (limit(unit, input.pinLimit, 'pinLimit') ?? 0);
	}
	return out;
}

export type IssueInput = CreateCard & { batchId?: string | null };

export async function issueCards(env: WorkerEnv, db: Db, store: StoreRow, inputs: IssueInput[], origin: string, now: number): Promise<CardWithLinks[]> {
	const issuer = await issuerOf(env, db, store.id, store.defaultCurrency, now);
	const rows: Array<{ row: CardRow; holder: string }> = [];
	for (const input of inputs) {
		let unit: CardUnit;
		try {
			unit = cardUnit(input.currency ?? issuer.currency);
		} catch (error) {
			if (error instanceof MoneyError) throw new ValidationError([{ path: 'currency', message: error.message }]);
			throw error;
		}
		const settings = await cardSettings(unit, input);
		const id = newCardId();
		const holder = newHolderToken();
		rows.push({
			holder: holder.token,
			row: {
				id,
				storeId: store.id,
				label: input.label ?? null,
				currency: unit.currency,
				status: 'pending',
				frozenBy: null,
				accountId: accountIds.card(id),
				keyUid: null,
				keyVersion: 0,
				programmedVia: null,
				uid: null,
				lookupId: null,
				lastCounter: -1,
				perTapLimit: settings.perTapLimit ?? null,
				dailyLimit: settings.dailyLimit ?? null,
				pinHash: settings.pinHash ?? null,
				pinLimit: settings.pinHash ? (settings.pinLimit ?? 0) : null,
				pinFailures: 0,
				pinBlocked: false,
				holderTokenHash: holder.hash,
				batchId: input.batchId ?? null,
				replacedBy: null,
				createdAt: now,
				updatedAt: now,
				activatedAt: null,
				lastUsedAt: null,
				wipedAt: null
			}
		});
	}
	await ensureAccounts(db, rows.map(({ row }) => accountSpecs.card(store.id, row.id, cardUnit(row.currency).ledgerUnit)), now);
	await insertCards(db, rows.map((r) => r.row));
	const out: CardWithLinks[] = [];
	for (const { row, holder } of rows) out.push(await withLinks(db, row, holder, origin, now));
	return out;
}

/** The card with a new programming link (and the holder link when its secret is at hand). */
export async function withLinks(db: Db, row: CardRow, holderToken: string, origin: string, now: number): Promise<CardWithLinks> {
	const program = await newCardLink(db, row.id, 'program', origin, now);
	return {
		...(await cardView(db, row, now)),
		programUrl: program.url,
		programLink: program.link,
		programExpiresAt: program.expiresAt,
		holderUrl: `${origin}/card#t=${holderToken}`
	};
}
