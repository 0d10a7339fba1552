// Stand-in for the `secp256k1` npm package (v4 API) inside the worker, built on @noble/curves.
// bolt11 requires `secp256k1`, whose native build is not allowed and whose JS fallback (elliptic)
// fails to load under the workerd test runner; wrangler.toml's [alias] and the worker test config
// point the specifier here instead. Only the five calls bolt11's payreq.js makes are provided, with
// secp256k1@4's conventions: Uint8Array in and out, compressed keys by default, 64-byte compact
// signatures with a separate recovery id, messages already hashed (32 bytes). bolt11 require()s
// this module and reads its named exports off the namespace object.
import { secp256k1 } from '@noble/curves/secp256k1.js';

/** The subset of secp256k1@4's API that bolt11 uses; the unit tests hold the real package to it. */
export type Secp256k1Subset = {
	privateKeyVerify(seckey: Uint8Array): boolean;
	publicKeyVerify(pubkey: Uint8Array): boolean;
	publicKeyCreate(seckey: Uint8Array, compressed?: boolean): Uint8Array;
	ecdsaSign(msg32: Uint8Array, seckey: Uint8Array): { signature: Uint8Array; recid: number };
	ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed?: boolean): Uint8Array;
};

// secp256k1@4 validates argument types and lengths and throws on misuse; keep that contract so a
// wrong call fails loudly here rather than signing or recovering something unintended.
function expectBytes(name: string, value: unknown, ...lengths: number[]): Uint8Array {
	if (!(value instanceof Uint8Array)) throw new Error(`Expected ${name} to be an Uint8Array`);
	if (lengths.length > 0 && !lengths.includes(value.length)) {
		throw new Error(`Expected ${name} to be an Uint8Array with length [${lengths.join(', ')}]`);
	}
	return value;
}

function expectBoolean(compressed: unknown): void {
	if (typeof compressed !== 'boolean') throw new Error('Expected compressed to be a Boolean');
}

export function privateKeyVerify(seckey: Uint8Array): boolean {
	return secp256k1.utils.isValidSecretKey(expectBytes('private key', seckey, 32));
}

export function publicKeyVerify(pubkey: Uint8Array): boolean {
	return secp256k1.utils.isValidPublicKey(expectBytes('public key', pubkey, 33, 65));
}

export function publicKeyCreate(seckey: Uint8Array, compressed = true): Uint8Array {
	expectBoolean(compressed);
	if (!privateKeyVerify(seckey)) throw new Error('Private Key is invalid');
	return secp256k1.getPublicKey(seckey, compressed);
}

/**
 * Deterministic (RFC 6979) low-S signature of an already hashed message, like libsecp256k1.
 * `prehash: false` because bolt11 passes SHA-256(hrp || data) itself (BOLT 11 "Requirements":
 * the signature is over the SHA2 256-bit hash of the human-readable part and the data part).
 */
export function ecdsaSign(
	msg32: Uint8Array,
	seckey: Uint8Array
): { signature: Uint8Array; recid: number } {
	expectBytes('message', msg32, 32);
	if (!privateKeyVerify(seckey)) {
		throw new Error('The nonce generation function failed, or the private key was invalid');
	}
	const recoverable = secp256k1.sign(msg32, seckey, { prehash: false, format: 'recovered' });
	// noble's 'recovered' layout is recid || r || s; secp256k1@4 returns r || s and recid apart.
	const recid = recoverable[0];
	if (recid === undefined) throw new Error('Impossible case. Please create issue.');
	return { signature: recoverable.slice(1), recid };
}

/** Public key from a compact signature and recovery id (BOLT 11 recovers the payee this way). */
export function ecdsaRecover(
	sig: Uint8Array,
	recid: number,
	msg32: Uint8Array,
	compressed = true
): Uint8Array {
	expectBytes('signature', sig, 64);
	if (!Number.isInteger(recid) || recid < 0 || recid > 3) {
		throw new Error('Expected recovery id to be a Number within interval [0, 3]');
	}
	expectBytes('message', msg32, 32);
	expectBoolean(compressed);
	const recoverable = new Uint8Array(65);
	recoverable[0] = recid;
	recoverable.set(sig, 1);
	try {
		const signature = secp256k1.Signature.fromBytes(recoverable, 'recovered');
		return signature.recoverPublicKey(msg32).toBytes(compressed);
	} catch {
		// r or s out of range, or no curve point for this r and recovery id.
		throw new Error('Public key could not be recover');
	}
}
