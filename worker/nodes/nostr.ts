// Nostr primitives for Nostr Wallet Connect: NIP-01 events (id, BIP-340 signature), NIP-44 v2
// payload encryption (what NIP-47 requests and responses use today) and NIP-04 (what wallets
// that predate NIP-44 still speak). Pure: @noble/@scure primitives and Web Crypto randomness
// only, the same in the worker and in Node. Nothing here is hand-rolled cryptography: ChaCha20,
// AES-CBC, HMAC, HKDF, SHA-256, ECDH and Schnorr all come from audited libraries.
import { cbc } from '@noble/ciphers/aes.js';
import { chacha20 } from '@noble/ciphers/chacha.js';
import { equalBytes } from '@noble/ciphers/utils.js';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { base64 } from '@scure/base';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// NIP-01 events

const HEX64 = /^[0-9a-f]{64}$/;
const HEX128 = /^[0-9a-f]{128}$/;

/** A signed event as NIP-01 defines it (hex is lower case, `created_at` in unix seconds). */
export type NostrEvent = {
	id: string;
	pubkey: string;
	created_at: number;
	kind: number;
	tags: string[][];
	content: string;
	sig: string;
};

export type EventTemplate = Pick<NostrEvent, 'created_at' | 'kind' | 'tags' | 'content'>;

const eventSchema = z.object({
	id: z.string().regex(HEX64),
	pubkey: z.string().regex(HEX64),
	created_at: z.number().int().nonnegative(),
	kind: z.number().int().min(0).max(65535),
	tags: z.array(z.array(z.string())),
	content: z.string(),
	sig: z.string().regex(HEX128)
});

/**
 * NIP-01 serialisation: `[0, pubkey, created_at, kind, tags, content]` as compact UTF-8 JSON.
 * JSON.stringify escapes exactly what NIP-01 lists (\n \" \\ \r \t \b \f) and writes every other
 * character verbatim, which is what relays and other clients compute.
 */
export function serializeEvent(event: Omit<NostrEvent, 'id' | 'sig'>): string {
	return JSON.stringify([0, event.pubkey, event.created_at, event.kind, event.tags, event.content]);
}

/** NIP-01 event id: lower-case hex SHA-256 of the serialisation. */
export function eventId(event: Omit<NostrEvent, 'id' | 'sig'>): string {
	return bytesToHex(sha256(utf8ToBytes(serializeEvent(event))));
}

/** The x-only public key (BIP-340) of a secret key, lower-case hex. */
export function publicKeyOf(secretKey: Uint8Array): string {
	return bytesToHex(schnorr.getPublicKey(secretKey));
}

/** Signs an event template with BIP-340 Schnorr over the NIP-01 id (fresh auxiliary randomness). */
export function signEvent(template: EventTemplate, secretKey: Uint8Array): NostrEvent {
	const unsigned = { ...template, pubkey: publicKeyOf(secretKey) };
	const id = eventId(unsigned);
	const sig = bytesToHex(schnorr.sign(hexToBytes(id), secretKey));
	return { ...unsigned, id, sig };
}

/**
 * True when `value` is a well-formed event whose id is the hash of its contents and whose
 * signature verifies under its pubkey. Anything a relay hands us goes through this first.
 */
export function verifyEvent(value: unknown): value is NostrEvent {
	const parsed = eventSchema.safeParse(value);
	if (!parsed.success) return false;
	const event = parsed.data;
	if (eventId(event) !== event.id) return false;
	try {
		return schnorr.verify(hexToBytes(event.sig), hexToBytes(event.id), hexToBytes(event.pubkey));
	} catch {
		return false;
	}
}

/** The value of the first tag named `name` (its second element), or null. */
export function tagValue(event: Pick<NostrEvent, 'tags'>, name: string): string | null {
	const tag = event.tags.find((t) => t[0] === name);
	return tag?.[1] ?? null;
}

// ---------------------------------------------------------------------------------------------
// Keys

/** A 32-byte secret key from 64 hex characters; throws unless it is a valid secp256k1 scalar. */
export function secretKeyFromHex(hex: string): Uint8Array {
	if (!HEX64.test(hex)) throw new Error('a secret key is 64 lower-case hex characters');
	const key = hexToBytes(hex);
	if (!secp256k1.utils.isValidSecretKey(key)) {
		throw new Error('the secret key is not a valid secp256k1 key');
	}
	return key;
}

/** True when `hex` is an x-only public key on the curve (BIP-340 lift_x succeeds). */
export function isValidXOnlyPublicKey(hex: string): boolean {
	if (!HEX64.test(hex)) return false;
	try {
		schnorr.utils.lift_x(BigInt(`0x${hex}`));
		return true;
	} catch {
		return false;
	}
}

/**
 * The ECDH shared x coordinate both NIP-04 and NIP-44 start from. Nostr public keys are x-only;
 * BIP-340 gives them the even-y point, so the compressed form is `02 || x`. Throws for an invalid
 * secret key or a public key that is not on the curve.
 */
function sharedX(secretKey: Uint8Array, publicKeyHex: string): Uint8Array {
	if (!HEX64.test(publicKeyHex)) throw new Error('a public key is 64 lower-case hex characters');
	const compressed = concatBytes(Uint8Array.of(2), hexToBytes(publicKeyHex));
	const shared = secp256k1.getSharedSecret(secretKey, compressed, true);
	return shared.subarray(1, 33);
}

// ---------------------------------------------------------------------------------------------
// NIP-44 v2

const NIP44_SALT = utf8ToBytes('nip44-v2');
const MIN_PLAINTEXT = 1;
const MAX_PLAINTEXT = 65535;

/** NIP-44 "conversation key": HKDF-extract(IKM = shared x, salt = "nip44-v2"). Symmetric. */
export function nip44ConversationKey(secretKey: Uint8Array, publicKeyHex: string): Uint8Array {
	return extract(sha256, sharedX(secretKey, publicKeyHex), NIP44_SALT);
}

/** NIP-44 message keys: HKDF-expand(conversation key, info = nonce, 76 bytes), split 32/12/32. */
export function nip44MessageKeys(
	conversationKey: Uint8Array,
	nonce: Uint8Array
): { chachaKey: Uint8Array; chachaNonce: Uint8Array; hmacKey: Uint8Array } {
	if (conversationKey.length !== 32) throw new Error('invalid conversation key length');
	if (nonce.length !== 32) throw new Error('invalid nonce length');
	const keys = expand(sha256, conversationKey, nonce, 76);
	return {
		chachaKey: keys.subarray(0, 32),
		chachaNonce: keys.subarray(32, 44),
		hmacKey: keys.subarray(44, 76)
	};
}

/** NIP-44 padding: 32 bytes minimum, then chunks of 32 up to 256 and of next_power/8 beyond. */
export function nip44PaddedLength(unpaddedLength: number): number {
	if (!Number.isSafeInteger(unpaddedLength) || unpaddedLength < 1) {
		throw new Error('expected a positive integer');
	}
	if (unpaddedLength <= 32) return 32;
	const nextPower = 1 << (Math.floor(Math.log2(unpaddedLength - 1)) + 1);
	const chunk = nextPower <= 256 ? 32 : nextPower / 8;
	return chunk * (Math.floor((unpaddedLength - 1) / chunk) + 1);
}

/** Strict UTF-8: malformed bytes throw instead of turning into U+FFFD. */
function utf8Decoder(): TextDecoder {
	return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
}

function pad(plaintext: string): Uint8Array {
	const unpadded = utf8ToBytes(plaintext);
	const length = unpadded.length;
	if (length < MIN_PLAINTEXT || length > MAX_PLAINTEXT) {
		throw new Error('invalid plaintext length: must be 1 to 65535 bytes');
	}
	const padded = new Uint8Array(2 + nip44PaddedLength(length));
	new DataView(padded.buffer).setUint16(0, length, false);
	padded.set(unpadded, 2);
	return padded;
}

function unpad(padded: Uint8Array): string {
	const view = new DataView(padded.buffer, padded.byteOffset, padded.byteLength);
	const length = view.getUint16(0, false);
	const unpadded = padded.subarray(2, 2 + length);
	const expected = length >= MIN_PLAINTEXT ? 2 + nip44PaddedLength(length) : -1;
	if (unpadded.length !== length || padded.length !== expected) {
		throw new Error('invalid padding');
	}
	return utf8Decoder().decode(unpadded);
}

/** HMAC-SHA256 over `aad || message`; NIP-44 uses the 32-byte nonce as the associated data. */
function hmacAad(key: Uint8Array, message: Uint8Array, aad: Uint8Array): Uint8Array {
	if (aad.length !== 32) throw new Error('AAD associated data must be 32 bytes');
	return hmac(sha256, key, concatBytes(aad, message));
}

/**
 * NIP-44 v2 encryption: pad, ChaCha20 (counter 0) with the per-message key and nonce, HMAC-SHA256
 * with the nonce as AAD, then base64 of `0x02 || nonce || ciphertext || mac`. The nonce is random
 * unless given (tests pass the vectors' nonces).
 */
export function nip44Encrypt(
	plaintext: string,
	conversationKey: Uint8Array,
	nonce: Uint8Array = crypto.getRandomValues(new Uint8Array(32))
): string {
	const { chachaKey, chachaNonce, hmacKey } = nip44MessageKeys(conversationKey, nonce);
	const ciphertext = chacha20(chachaKey, chachaNonce, pad(plaintext));
	const mac = hmacAad(hmacKey, ciphertext, nonce);
	return base64.encode(concatBytes(Uint8Array.of(2), nonce, ciphertext, mac));
}

/** NIP-44 v2 decryption; throws on an unknown version, a bad length, a bad MAC or bad padding. */
export function nip44Decrypt(payload: string, conversationKey: Uint8Array): string {
	// NIP-44 "decode_payload": `#` marks a future non-base64 encoding; lengths bound v2 payloads.
	if (payload.length === 0 || payload[0] === '#') throw new Error('unknown encryption version');
	if (payload.length < 132 || payload.length > 87472) throw new Error('invalid payload length');
	let data: Uint8Array;
	try {
		data = base64.decode(payload);
	} catch {
		throw new Error('invalid base64');
	}
	if (data.length < 99 || data.length > 65603) throw new Error('invalid data length');
	if (data[0] !== 2) throw new Error(`unknown encryption version ${data[0]}`);
	const nonce = data.subarray(1, 33);
	const ciphertext = data.subarray(33, data.length - 32);
	const mac = data.subarray(data.length - 32);
	const { chachaKey, chachaNonce, hmacKey } = nip44MessageKeys(conversationKey, nonce);
	// Verify before decrypting, in constant time (NIP-44 "decrypt" step 3).
	if (!equalBytes(hmacAad(hmacKey, ciphertext, nonce), mac)) throw new Error('invalid MAC');
	return unpad(chacha20(chachaKey, chachaNonce, ciphertext));
}

// ---------------------------------------------------------------------------------------------
// NIP-04 (legacy; NIP-47 wallets without an `encryption` tag in their info event speak only this)

/**
 * NIP-04: AES-256-CBC keyed with the raw shared x coordinate, content `base64(ct)?iv=base64(iv)`.
 * Unauthenticated and deprecated in favour of NIP-44; used only toward wallets that need it.
 */
export function nip04Encrypt(
	plaintext: string,
	secretKey: Uint8Array,
	publicKeyHex: string,
	iv: Uint8Array = crypto.getRandomValues(new Uint8Array(16))
): string {
	const ciphertext = cbc(sharedX(secretKey, publicKeyHex), iv).encrypt(utf8ToBytes(plaintext));
	return `${base64.encode(ciphertext)}?iv=${base64.encode(iv)}`;
}

export function nip04Decrypt(content: string, secretKey: Uint8Array, publicKeyHex: string): string {
	const [body, iv, ...rest] = content.split('?iv=');
	if (!body || !iv || rest.length > 0) throw new Error('not a NIP-04 payload');
	const key = sharedX(secretKey, publicKeyHex);
	const plaintext = cbc(key, base64.decode(iv)).decrypt(base64.decode(body));
	return utf8Decoder().decode(plaintext);
}

/** NIP-04 content carries `?iv=`; NIP-44 base64 never does. */
export function looksLikeNip04(content: string): boolean {
	return content.includes('?iv=');
}
