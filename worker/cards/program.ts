// Programming and wiping cards with the Bolt Card NFC Programmer app. One-time links (stored
// hashed, 24 hours): GET answers the app's QR "auth URL" flow (lower-case `lnurlw_base`,
// `k0`…`k4`; the app never says which chip it writes, so the keys derive from a random
// stand-in UID and the chip is bound on its first tap); POST `{UID}` answers the deeplink flow
// (DEEPLINK.md: `LNURLW`, `K0`…`K4`), keys derived from the chip's UID. Each programming bumps
// the key version, so reading an earlier programming's `p`/`c` cannot replay (boltcard PR #74).
// Reset (`boltcard://reset`) answers the current keys only after the card proves itself with a
// valid `p`/`c` (DETERMINISTIC.md "How to implement a Reset feature": a wrong key bricks chips).
import { bytesToHex } from '@noble/hashes/utils.js';
import type { WipeJson } from '../contract/cards';
import type { Db } from '../db/client';
import { findCardById, findCardByLookup, findLink, insertLink, retireLinks, updateCard, useLink, type CardRow } from '../data/cards';
import { hashToken, newToken } from '../auth/tokens';
import type { WorkerEnv } from '../env';
import { ApiError } from '../errors';
import { isHexOfLength } from './crypto';
import { CardError } from './errors';
import { existingIssuer, type Issuer } from './issuer';
import { deriveCardId, deriveCardKeys } from './keys';
import { parseCardUrl } from './card-url';
import { verifyTap } from './tap';

export const LINK_LIFETIME_MS = 24 * 3_600_000;

export type KeySet = { k0: string; k1: string; k2: string; k3: string; k4: string };

export function cardKeys(issuer: Issuer, card: Pick<CardRow, 'keyUid' | 'keyVersion'>): KeySet {
	if (!card.keyUid) throw new ApiError('conflict', 'This card has never been programmed, so it has no keys yet.');
	const keys = deriveCardKeys(issuer.issuerKey, card.keyUid, card.keyVersion);
	return { k0: bytesToHex(keys.k0), k1: bytesToHex(keys.k1), k2: bytesToHex(keys.k2), k3: bytesToHex(keys.k3), k4: bytesToHex(keys.k4) };
}

export const cardBaseUrl = (origin: string) => `lnurlw://${new URL(origin).host}/boltcard`;

/** The deeplink flows' answer (DEEPLINK.md): the card URL and the keys in upper-case hex. */
function deeplinkKeys(origin: string, keys: KeySet) {
	return {
		LNURLW: cardBaseUrl(origin),
		K0: keys.k0.toUpperCase(),
		K1: keys.k1.toUpperCase(),
		K2: keys.k2.toUpperCase(),
		K3: keys.k3.toUpperCase(),
		K4: keys.k4.toUpperCase()
	};
}

/** A new one-time link of `kind` for the card; earlier unused ones of that kind stop working. */
export async function newCardLink(db: Db, cardId: string, kind: 'program' | 'reset', origin: string, now: number) {
	await retireLinks(db, cardId, kind, now);
	const token = newToken(24);
	const expiresAt = now + LINK_LIFETIME_MS;
	await insertLink(db, { tokenHash: hashToken(token), cardId, kind, expiresAt, usedAt: null, createdAt: now });
	const url = `${origin}/boltcard/${kind}/${token}`;
	return { url, link: `boltcard://${kind}?url=${encodeURIComponent(url)}`, expiresAt };
}

async function takeLink(env: WorkerEnv, db: Db, token: string, kind: string, now: number): Promise<{ card: CardRow; issuer: Issuer; tokenHash: string }> {
	const tokenHash = hashToken(token);
	const link = await findLink(db, tokenHash);
	if (!link || link.kind !== kind || link.usedAt !== null || link.expiresAt <= now) {
		throw new ApiError('card-link-invalid', 'This card link was already used or has expired; make a new one in the merchant app.');
	}
	const card = await findCardById(db, link.cardId);
	const issuer = card ? await existingIssuer(env, db, card.storeId) : null;
	if (!card || !issuer) throw new ApiError('card-link-invalid', 'The card of this link no longer exists.');
	if (card.status === 'retired') throw new ApiError('card-link-invalid', 'This card is retired; issue a new one.');
	return { card, issuer, tokenHash };
}

async function consume(db: Db, tokenHash: string, now: number): Promise<void> {
	if (!(await useLink(db, tokenHash, now))) {
		throw new ApiError('card-link-invalid', 'This card link was already used or has expired; make a new one in the merchant app.');
	}
}

/** QR flow: keys from a stand-in UID; the chip is bound on its first tap. */
export async function programByQr(env: WorkerEnv, db: Db, token: string, origin: string, now: number) {
	const { card, issuer, tokenHash } = await takeLink(env, db, token, 'program', now);
	await consume(db, tokenHash, now);
	const standIn = bytesToHex(crypto.getRandomValues(new Uint8Array(7)));
	const programmed = (await updateCard(db, card.storeId, card.id, {
		keyUid: standIn,
		keyVersion: card.keyVersion + 1,
		programmedVia: 'qr',
		uid: null,
		lookupId: null,
		lastCounter: -1,
		wipedAt: null,
		updatedAt: now
	}))!;
	const keys = cardKeys(issuer, programmed);
	return {
		protocol_name: 'create_bolt_card_response',
		protocol_version: 2,
		card_name: card.label ?? card.id,
		lnurlw_base: cardBaseUrl(origin),
		uid_privacy: 'N',
		...keys
	};
}

/** Deeplink flow: the app sends the chip's UID; keys derive from it. */
export async function programByUid(env: WorkerEnv, db: Db, token: string, uid: unknown, origin: string, now: number) {
	if (typeof uid !== 'string' || !isHexOfLength(uid, 7)) {
		throw new ApiError('bad-request', 'Send {"UID": "<14 hex characters>"}: the 7-byte UID of the card being programmed.');
	}
	const { card, issuer, tokenHash } = await takeLink(env, db, token, 'program', now);
	const chip = uid.toLowerCase();
	const lookupId = deriveCardId(issuer.issuerKey, chip);
	await consume(db, tokenHash, now);
	// The same chip re-programmed for another card: the earlier card no longer has it.
	const previous = await findCardByLookup(db, card.storeId, lookupId);
	if (previous && previous.id !== card.id) {
		await updateCard(db, card.storeId, previous.id, { lookupId: null, programmedVia: null, wipedAt: now, updatedAt: now });
	}
	const programmed = (await updateCard(db, card.storeId, card.id, {
		keyUid: chip,
		keyVersion: card.keyVersion + 1,
		programmedVia: 'deeplink',
		uid: chip,
		lookupId,
		lastCounter: -1,
		wipedAt: null,
		updatedAt: now
	}))!;
	return { ...deeplinkKeys(origin, cardKeys(issuer, programmed)), Version: programmed.keyVersion };
}

/** Reset deeplink: the card must prove itself with the URL it just read, then gets its keys. */
export async function resetByTap(env: WorkerEnv, db: Db, token: string, lnurlw: unknown, origin: string, now: number) {
	if (typeof lnurlw !== 'string') throw new ApiError('bad-request', 'Send {"LNURLW": "lnurlw://…?p=…&c=…"}: the URL just read from the card.');
	const { card, issuer, tokenHash } = await takeLink(env, db, token, 'reset', now);
	let read;
	try {
		read = parseCardUrl(lnurlw);
	} catch {
		throw new ApiError('bad-request', 'LNURLW is not a card URL (lnurlw://…?p=…&c=…).');
	}
	const tap = await verifyTap(env, db, read.p ?? '', read.c ?? '', now).catch((error: unknown) => {
		if (error instanceof CardError) throw new ApiError('card-unknown', `Not resetting: ${error.message} Resetting with the wrong keys can break a card.`);
		throw error;
	});
	if (tap.card.id !== card.id) {
		throw new ApiError('card-unknown', 'Not resetting: this is a different card from the one the reset link was made for.');
	}
	await consume(db, tokenHash, now);
	const keys = cardKeys(issuer, card);
	await updateCard(db, card.storeId, card.id, { lookupId: null, programmedVia: null, wipedAt: now, updatedAt: now });
	return deeplinkKeys(origin, keys);
}

/** The Programmer app's manual "Reset keys" screen takes this JSON (app README "Wiping cards"). */
export function wipeJson(issuer: Issuer, card: CardRow): WipeJson {
	return { version: 1, action: 'wipe', ...cardKeys(issuer, card) };
}

export const newHolderToken = (): { token: string; hash: string } => {
	const token = newToken(24);
	return { token, hash: hashToken(token) };
};
