// Webhook signatures as BTCPay Server sends them (WebhookSender.SendDelivery): header
// `BTCPay-Sig: sha256=<lower-case hex HMAC-SHA256>`, keyed with the UTF-8 bytes of the webhook's
// secret over the exact body bytes, so existing Greenfield receivers verify Flashpoint unchanged.
// Pure: @noble/hashes and Web Crypto randomness only, the same in the worker and in Node.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { randomBase58 } from '../ids';
import { VERSION } from '../version';

export const SIGNATURE_HEADER = 'BTCPay-Sig';
const PREFIX = 'sha256=';
const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;

function toBytes(body: Uint8Array | string): Uint8Array {
	return typeof body === 'string' ? utf8ToBytes(body) : body;
}

function digest(secret: string, body: Uint8Array | string): Uint8Array {
	return hmac(sha256, utf8ToBytes(secret), toBytes(body));
}

/** The `BTCPay-Sig` value for a body: `sha256=` and the lower-case hex HMAC-SHA256. */
export function signBody(secret: string, body: Uint8Array | string): string {
	return PREFIX + bytesToHex(digest(secret, body));
}

/**
 * Checks a `BTCPay-Sig` value against the body in constant time over the digest. Upper-case hex
 * is accepted (same bytes); a missing `sha256=` prefix or a digest of the wrong length is not.
 */
export function verifySignature(
	secret: string,
	body: Uint8Array | string,
	header: string | null | undefined
): boolean {
	if (typeof header !== 'string' || !header.startsWith(PREFIX)) return false;
	const hex = header.slice(PREFIX.length);
	if (!HEX_DIGEST.test(hex)) return false;
	const given = new Uint8Array(32);
	for (let i = 0; i < 32; i++) given[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
	const expected = digest(secret, body);
	let diff = 0;
	for (let i = 0; i < 32; i++) diff |= given[i]! ^ expected[i]!;
	return diff === 0;
}

/**
 * A new webhook secret when the client gives none: BTCPay's StoreRepository.CreateWebhook uses
 * Base58 of 16 random bytes (128 bits), so ours looks and weighs the same.
 */
export function generateWebhookSecret(): string {
	return randomBase58(16);
}

/**
 * Headers of a delivery POST. BTCPay sends the signature and `Content-Type: application/json`;
 * the User-Agent names Flashpoint so receivers can tell it apart in their logs.
 */
export function deliveryHeaders(secret: string, body: Uint8Array | string): Record<string, string> {
	return {
		'Content-Type': 'application/json',
		'User-Agent': `Flashpoint/${VERSION}`,
		[SIGNATURE_HEADER]: signBody(secret, body)
	};
}
