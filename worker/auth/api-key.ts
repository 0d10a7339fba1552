// API key material: 40 hex characters like Greenfield's keys; only their SHA-256 is stored.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

export function newApiKey(): string {
	return bytesToHex(crypto.getRandomValues(new Uint8Array(20)));
}

export function hashApiKey(key: string): string {
	return bytesToHex(sha256(new TextEncoder().encode(key)));
}
