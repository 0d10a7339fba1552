// Bolt Card SUN cryptography (NTAG 424 DNA): decrypting PICCData (`p`) with K1 and checking the
// SUN MAC (`c`) with K2, per NXP AN12196 (§4.3 Table 2, §4.4) and the Bolt Card spec
// (boltcard/boltcard docs/SPEC.md, docs/TEST_VECTORS.md). Pure and synchronous: AES and AES-CMAC
// (RFC 4493) come from @noble/ciphers, so it runs unchanged on Workers and in Node.
import { cmac, ecb } from '@noble/ciphers/aes.js';
import { equalBytes, randomBytes } from '@noble/ciphers/utils.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

export type CardCryptoErrorCode =
	| 'malformed-p'
	| 'wrong-key'
	| 'malformed-key'
	| 'malformed-uid'
	| 'malformed-counter'
	| 'malformed-padding'
	| 'malformed-version';

export class CardCryptoError extends Error {
	readonly code: CardCryptoErrorCode;
	constructor(code: CardCryptoErrorCode, message: string) {
		super(message);
		this.name = 'CardCryptoError';
		this.code = code;
	}
}

/** PICCDataTag: UID mirrored (bit 7), SDMReadCtr mirrored (bit 6), UID length 7 (AN12196 Table 3). */
export const PICC_DATA_TAG = 0xc7;
/** Largest value of the 3-byte SDMReadCtr. */
export const MAX_COUNTER = 0xffffff;
/** SV2 prefix for the SDM file-read MAC session key (AN12196 §4.3 Table 2). */
const SV2_PREFIX = [0x3c, 0xc3, 0x00, 0x01, 0x00, 0x80] as const;

const HEX = /^[0-9a-fA-F]*$/;

/** True when `s` is hex of exactly `bytes` bytes (either case). */
export function isHexOfLength(s: string, bytes: number): boolean {
	return typeof s === 'string' && s.length === bytes * 2 && HEX.test(s);
}

/** AES-CMAC (RFC 4493 / NIST SP 800-38B) with a 16-byte key; the PRF for SUN and key derivation. */
export function aesCmac(key: Uint8Array, message: Uint8Array): Uint8Array {
	assertKey(key, 'key');
	return cmac.create(key).update(message).digest();
}

function assertKey(key: Uint8Array, name: string): void {
	if (!(key instanceof Uint8Array) || key.length !== 16) {
		throw new CardCryptoError('malformed-key', `${name} must be 16 bytes`);
	}
}

/** Validates a 7-byte UID in hex and returns its bytes. */
export function uidBytes(uid: string): Uint8Array {
	if (!isHexOfLength(uid, 7)) {
		throw new CardCryptoError('malformed-uid', 'UID must be 14 hex characters (7 bytes)');
	}
	return hexToBytes(uid.toLowerCase());
}

function counterBytes(counter: number): Uint8Array {
	if (!Number.isInteger(counter) || counter < 0 || counter > MAX_COUNTER) {
		throw new CardCryptoError('malformed-counter', 'Counter must be an integer from 0 to 0xFFFFFF');
	}
	return Uint8Array.of(counter & 0xff, (counter >>> 8) & 0xff, (counter >>> 16) & 0xff);
}

/**
 * Decrypts `p` (one AES-128 block; CBC with a zero IV equals ECB here) with K1 and reads the UID
 * (lower-case hex) and the little-endian 3-byte read counter.
 */
export function decryptPiccData(pHex: string, k1: Uint8Array): { uid: string; counter: number } {
	if (!isHexOfLength(pHex, 16)) {
		throw new CardCryptoError('malformed-p', 'p must be 32 hex characters (16 bytes)');
	}
	assertKey(k1, 'K1');
	const plain = ecb(k1, { disablePadding: true }).decrypt(hexToBytes(pHex.toLowerCase()));
	if (plain[0] !== PICC_DATA_TAG) {
		throw new CardCryptoError('wrong-key', 'p does not decrypt to PICCData under this K1');
	}
	const uid = bytesToHex(plain.subarray(1, 8));
	const counter = (plain[8] ?? 0) | ((plain[9] ?? 0) << 8) | ((plain[10] ?? 0) << 16);
	return { uid, counter };
}

/**
 * The inverse of `decryptPiccData`, for emulating taps: `padding` is the card's 5 random trailing
 * bytes (random when omitted). Returns upper-case hex, as cards write it.
 */
export function encryptPiccData(
	uid: string,
	counter: number,
	k1: Uint8Array,
	padding?: Uint8Array
): string {
	assertKey(k1, 'K1');
	const pad = padding ?? randomBytes(5);
	if (!(pad instanceof Uint8Array) || pad.length !== 5) {
		throw new CardCryptoError('malformed-padding', 'Padding must be 5 bytes');
	}
	const plain = new Uint8Array(16);
	plain[0] = PICC_DATA_TAG;
	plain.set(uidBytes(uid), 1);
	plain.set(counterBytes(counter), 8);
	plain.set(pad, 11);
	return bytesToHex(ecb(k1, { disablePadding: true }).encrypt(plain)).toUpperCase();
}

/** SV2 = 3CC300010080 ‖ UID ‖ counter (LSB first): 16 bytes, no padding (AN12196 Table 2). */
export function sessionVector2(uid: string, counter: number): Uint8Array {
	const sv2 = new Uint8Array(16);
	sv2.set(SV2_PREFIX, 0);
	sv2.set(uidBytes(uid), 6);
	sv2.set(counterBytes(counter), 13);
	return sv2;
}

function sunMacBytes(uid: string, counter: number, k2: Uint8Array): Uint8Array {
	assertKey(k2, 'K2');
	const ks = aesCmac(k2, sessionVector2(uid, counter));
	const cm = aesCmac(ks, new Uint8Array(0));
	const mac = new Uint8Array(8);
	for (let i = 0; i < 8; i++) mac[i] = cm[2 * i + 1] ?? 0;
	return mac;
}

/** The 8-byte SUN MAC `c` for a UID and counter under K2, as upper-case hex. */
export function computeSunMac(uid: string, counter: number, k2: Uint8Array): string {
	return bytesToHex(sunMacBytes(uid, counter, k2)).toUpperCase();
}

/**
 * Checks `c` (16 hex characters, either case) in constant time. A malformed `c` is simply
 * false; a malformed UID, counter or key throws `CardCryptoError` (those are caller bugs).
 */
export function verifySunMac(uid: string, counter: number, cHex: string, k2: Uint8Array): boolean {
	const expected = sunMacBytes(uid, counter, k2);
	if (!isHexOfLength(cHex, 8)) return false;
	return equalBytes(expected, hexToBytes(cHex.toLowerCase()));
}
