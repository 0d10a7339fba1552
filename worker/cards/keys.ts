// Deterministic Bolt Card keys from one IssuerKey (boltcard/boltcard docs/DETERMINISTIC.md,
// draft; also BTCPayServer.BoltCardTools IssuerKey). PRF = AES-CMAC (NIST SP 800-38B).
// CardKey = PRF(IssuerKey, 2d003f75 ‖ UID ‖ Version LE32); K0, K2, K3, K4 come from CardKey;
// K1 and the card ID depend on the IssuerKey only, so one K1 decrypts every card's `p`.
import { bytesToHex } from '@noble/hashes/utils.js';
import { aesCmac, CardCryptoError, uidBytes } from './crypto';

const TAG = {
	cardKey: [0x2d, 0x00, 0x3f, 0x75],
	k0: [0x2d, 0x00, 0x3f, 0x76],
	k1: [0x2d, 0x00, 0x3f, 0x77],
	k2: [0x2d, 0x00, 0x3f, 0x78],
	k3: [0x2d, 0x00, 0x3f, 0x79],
	k4: [0x2d, 0x00, 0x3f, 0x7a],
	id: [0x2d, 0x00, 0x3f, 0x7b]
} as const;

export type CardKeys = {
	cardKey: Uint8Array;
	k0: Uint8Array;
	k1: Uint8Array;
	k2: Uint8Array;
	k3: Uint8Array;
	k4: Uint8Array;
	/** Lower-case hex of PRF(IssuerKey, 2d003f7b ‖ UID): the database lookup key. */
	id: string;
};

function concat(...parts: ArrayLike<number>[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

function versionBytes(version: number): Uint8Array {
	if (!Number.isInteger(version) || version < 0 || version > 0xffffffff) {
		throw new CardCryptoError('malformed-version', 'Version must be an integer from 0 to 2^32-1');
	}
	const out = new Uint8Array(4);
	new DataView(out.buffer).setUint32(0, version, true);
	return out;
}

/** K1 (the SDM meta-read key decrypting `p`), shared by every card of the issuer. */
export function deriveIssuerK1(issuerKey: Uint8Array): Uint8Array {
	return aesCmac(issuerKey, Uint8Array.from(TAG.k1));
}

/** The card ID (lower-case hex), per issuer and UID; independent of the version. */
export function deriveCardId(issuerKey: Uint8Array, uid: string): string {
	return bytesToHex(aesCmac(issuerKey, concat(TAG.id, uidBytes(uid))));
}

/** CardKey for one UID and programming version. */
export function deriveCardKey(issuerKey: Uint8Array, uid: string, version: number): Uint8Array {
	return aesCmac(issuerKey, concat(TAG.cardKey, uidBytes(uid), versionBytes(version)));
}

/** K2 (the SUN MAC key) for one UID and version. */
export function deriveCardK2(issuerKey: Uint8Array, uid: string, version: number): Uint8Array {
	return aesCmac(deriveCardKey(issuerKey, uid, version), Uint8Array.from(TAG.k2));
}

/** All five application keys, the CardKey and the ID. */
export function deriveCardKeys(issuerKey: Uint8Array, uid: string, version: number): CardKeys {
	const cardKey = deriveCardKey(issuerKey, uid, version);
	return {
		cardKey,
		k0: aesCmac(cardKey, Uint8Array.from(TAG.k0)),
		k1: deriveIssuerK1(issuerKey),
		k2: aesCmac(cardKey, Uint8Array.from(TAG.k2)),
		k3: aesCmac(cardKey, Uint8Array.from(TAG.k3)),
		k4: aesCmac(cardKey, Uint8Array.from(TAG.k4)),
		id: deriveCardId(issuerKey, uid)
	};
}
