// Verifying a tap (Bolt Card SPEC.md; AN12196 §4.4): `p` decrypts under an issuer's K1 to
// PICCData (tag 0xC7, UID, little-endian counter); the UID names the card (ID = PRF(IssuerKey,
// 2d003f7b ‖ UID)); `c` must be the SUN MAC under the card's K2; and the counter must be strictly
// greater than the last one seen, consumed by one conditional UPDATE so two terminals tapping the
// same read cannot both win. Order as DETERMINISTIC.md: decrypt, look up, check MAC, counter.
import type { Db } from '../db/client';
import { activateCard, bindCard, consumeCounter, findCardByLookup, listUnboundQrCards, type CardRow } from '../data/cards';
import type { WorkerEnv } from '../env';
import { CardCryptoError, decryptPiccData, isHexOfLength, verifySunMac } from './crypto';
import { CardError } from './errors';
import { allIssuers, type Issuer } from './issuer';
import { deriveCardId, deriveCardK2 } from './keys';

export type VerifiedTap = { card: CardRow; issuer: Issuer; uid: string; counter: number };

/** How many QR-programmed cards, not yet tapped, a store's unknown UID is tried against. */
const UNBOUND_SCAN = 50;

function checkMac(issuer: Issuer, card: CardRow, uid: string, counter: number, c: string): boolean {
	if (!card.keyUid) return false;
	return verifySunMac(uid, counter, c, deriveCardK2(issuer.issuerKey, card.keyUid, card.keyVersion));
}

async function findCard(db: Db, issuer: Issuer, uid: string, counter: number, c: string, now: number): Promise<CardRow | null> {
	const lookupId = deriveCardId(issuer.issuerKey, uid);
	const known = await findCardByLookup(db, issuer.storeId, lookupId);
	if (known) {
		if (!checkMac(issuer, known, uid, counter, c)) throw new CardError('card-unknown', 'This card could not be verified (its code does not match). Tap again; if it keeps failing, the card must be re-programmed.');
		return known;
	}
	// A card written from a QR: its keys derive from a stand-in UID, so try the MAC against the
	// store's cards still waiting for their first tap (the Go server's setup_card_record does
	// the same over blank-UID cards), then bind the chip to the one that matches.
	for (const candidate of await listUnboundQrCards(db, issuer.storeId, UNBOUND_SCAN)) {
		if (checkMac(issuer, candidate, uid, counter, c)) {
			await bindCard(db, candidate.id, uid, lookupId, now);
			return { ...candidate, uid, lookupId };
		}
	}
	return null;
}

/**
 * Verifies `p` and `c` (hex, either case: some wallets lower-case them) and consumes the
 * counter. Refuses with CardError: malformed values, a card no issuer here knows, a bad MAC, a
 * replayed or out-of-order counter. A pending card becomes active on its first valid tap. State
 * (frozen, retired) is left to the caller, which words it for its flow.
 */
export async function verifyTap(env: WorkerEnv, db: Db, p: string, c: string, now: number): Promise<VerifiedTap> {
	if (!isHexOfLength(p, 16) || !isHexOfLength(c, 8)) {
		throw new CardError('card-malformed', 'This is not a Flash Card reading: p must be 32 and c 16 hex characters.');
	}
	for (const issuer of await allIssuers(env, db)) {
		let picc: { uid: string; counter: number };
		try {
			picc = decryptPiccData(p, issuer.k1);
		} catch (error) {
			if (error instanceof CardCryptoError) continue;
			throw error;
		}
		const card = await findCard(db, issuer, picc.uid, picc.counter, c, now);
		if (!card) continue;
		if (!(await consumeCounter(db, card.id, picc.counter, now))) {
			throw new CardError('card-replayed', 'This reading was already used. Tap the card again.');
		}
		if (card.status === 'pending') await activateCard(db, card.id, now);
		const status = card.status === 'pending' ? 'active' : card.status;
		return { card: { ...card, status, lastCounter: picc.counter, lastUsedAt: now }, issuer, uid: picc.uid, counter: picc.counter };
	}
	throw new CardError('card-unknown', 'This card was not issued here, or it has been reset.');
}

/** Refuses a card that cannot spend in its state. */
export function assertCanSpend(card: CardRow): void {
	if (card.status === 'frozen') throw new CardError('card-frozen', 'This card is frozen. The cardholder or the issuer can unfreeze it.');
	if (card.status === 'retired') throw new CardError('card-retired', 'This card has been retired or replaced and can no longer pay.');
	if (card.pinBlocked) throw new CardError('card-pin-blocked', 'This card is blocked after three wrong PINs; the issuer can unblock it.');
}
