// Each store's card issuer: the IssuerKey (random, 16 bytes) every card key derives from
// (DETERMINISTIC.md), sealed at rest with SECRETS_KEY and opened once per isolate. Because K1
// depends on the IssuerKey only, a tap's `p` names its issuer by decrypting to PICCData under
// that issuer's K1 (tag 0xC7); with several stores the worker tries each issuer's K1.
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { Db } from '../db/client';
import { findIssuer, insertIssuer, listIssuers, type CardIssuerRow } from '../data/cards';
import type { WorkerEnv } from '../env';
import { seal, unseal } from '../secrets/seal';
import { deriveIssuerK1 } from './keys';

export type Issuer = { storeId: string; currency: string; issuerKey: Uint8Array; k1: Uint8Array };

const SEAL_CONTEXT = (storeId: string) => `card-issuer:${storeId}`;
const opened = new Map<string, Issuer>();

async function open(env: WorkerEnv, row: CardIssuerRow): Promise<Issuer> {
	const cached = opened.get(row.storeId);
	if (cached) return cached;
	const issuerKey = hexToBytes(await unseal(env, row.issuerKeySealed, SEAL_CONTEXT(row.storeId)));
	const issuer = { storeId: row.storeId, currency: row.currency, issuerKey, k1: deriveIssuerK1(issuerKey) };
	opened.set(row.storeId, issuer);
	return issuer;
}

/** The store's issuer, made on first use with the card currency given (the store's default). */
export async function issuerOf(env: WorkerEnv, db: Db, storeId: string, defaultCurrency: string, now: number): Promise<Issuer> {
	let row = await findIssuer(db, storeId);
	if (!row) {
		const key = crypto.getRandomValues(new Uint8Array(16));
		await insertIssuer(db, {
			storeId,
			issuerKeySealed: await seal(env, bytesToHex(key), SEAL_CONTEXT(storeId)),
			currency: defaultCurrency,
			createdAt: now
		});
		// A concurrent first card may have won; everyone uses the stored key.
		row = (await findIssuer(db, storeId))!;
	}
	return open(env, row);
}

/** The store's issuer if it has issued cards. */
export async function existingIssuer(env: WorkerEnv, db: Db, storeId: string): Promise<Issuer | null> {
	const row = await findIssuer(db, storeId);
	return row ? open(env, row) : null;
}

/** Every issuer on this deployment, for finding whose card a tap is. */
export async function allIssuers(env: WorkerEnv, db: Db): Promise<Issuer[]> {
	return Promise.all((await listIssuers(db)).map((row) => open(env, row)));
}
