// Bearer secrets (session cookies, device tokens, cashier sessions, invitations, pairing codes):
// random, and stored only as their SHA-256.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { base58 } from '@scure/base';

export function newToken(bytes = 32): string {
	return base58.encode(crypto.getRandomValues(new Uint8Array(bytes)));
}

export function hashToken(token: string): string {
	return bytesToHex(sha256(new TextEncoder().encode(token)));
}

/** A pairing code a person can type: 10 characters without look-alikes (no 0/O, 1/I/L). */
export function newPairingCode(): string {
	const alphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
	const bytes = crypto.getRandomValues(new Uint8Array(10));
	return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
