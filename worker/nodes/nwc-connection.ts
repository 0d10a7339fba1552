// Nostr Wallet Connect settings: the `nostr+walletconnect://` string (NIP-47), the NIP-47 event
// kinds, and what an NWC adapter is given.
import type { NodeDeps as HttpNodeDeps } from './http';
import { isValidXOnlyPublicKey, secretKeyFromHex } from './nostr';
import { NodeError } from './types';

// ---------------------------------------------------------------------------------------------
// What adapters are given

/** The smallest WebSocket surface the NWC transport needs (a Workers WebSocket has it). */
export interface WebSocketLike {
	send(data: string): void;
	close(code?: number, reason?: string): void;
	addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
	addEventListener(type: 'close' | 'error', listener: (event: unknown) => void): void;
}

/** What every node adapter is given (./http), plus, for NWC, a way to open a WebSocket. */
export type NodeDeps = HttpNodeDeps & {
	/** Opens a WebSocket to a relay; defaults to a Workers `fetch` upgrade through `fetch`. */
	connect?: (url: string) => Promise<WebSocketLike>;
};

/** A parsed `nostr+walletconnect://` string. `secret` is the client's key: never show it. */
export type NwcConfig = {
	walletPubkey: string;
	relays: string[];
	secret: string;
	lud16: string | null;
};

// NIP-47 event kinds.
export const KIND_INFO = 13194;
export const KIND_REQUEST = 23194;
export const KIND_RESPONSE = 23195;
export const KIND_NOTIFICATION_NIP04 = 23196;
export const KIND_NOTIFICATION = 23197;

export const HEX64 = /^[0-9a-f]{64}$/;
export const ANY_CASE_HEX64 = /^[0-9a-fA-F]{64}$/;

// ---------------------------------------------------------------------------------------------
// Connection string

export function misconfigured(message: string): NodeError {
	return new NodeError('node-misconfigured', message);
}

function isLocalHost(hostname: string): boolean {
	return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

const CONNECTION_STRING =
	/^(?:nostr\+walletconnect|nostrwalletconnect):(?:\/\/)?([^?#/]*)\/?(\?[^#]*)?$/i;

/**
 * Parses a NIP-47 connection URI: `nostr+walletconnect://<wallet pubkey>?relay=wss://…&secret=
 * <hex>[&lud16=…]`, with one or more `relay` parameters. Throws a NodeError
 * (`node-misconfigured`) whose message says what is wrong; it never repeats the secret.
 */
export function parseNwcConnectionString(text: string): NwcConfig {
	const match = CONNECTION_STRING.exec(text.trim());
	if (!match) {
		throw misconfigured(
			'This is not a Nostr Wallet Connect string: it starts with nostr+walletconnect:// ' +
				'followed by the wallet’s public key, then ?relay=…&secret=….'
		);
	}
	const walletPubkey = (match[1] ?? '').toLowerCase();
	if (!isValidXOnlyPublicKey(walletPubkey)) {
		throw misconfigured(
			'The wallet’s public key after nostr+walletconnect:// must be 64 hexadecimal ' +
				'characters (a Nostr public key).'
		);
	}
	const params = new URLSearchParams(match[2] ?? '');

	const relays: string[] = [];
	for (const raw of params.getAll('relay')) {
		const value = raw.trim();
		if (!value) continue;
		let url: URL;
		try {
			url = new URL(value);
		} catch {
			throw misconfigured(
				`The relay “${value}” is not a URL; it should look like wss://relay.example.com.`
			);
		}
		const secure = url.protocol === 'wss:';
		const localPlain = url.protocol === 'ws:' && isLocalHost(url.hostname);
		if (!secure && !localPlain) {
			throw misconfigured(
				`The relay “${value}” must be a secure WebSocket address (wss://…).`
			);
		}
		const normalised = url.toString();
		if (!relays.includes(normalised)) relays.push(normalised);
	}
	if (relays.length === 0) {
		throw misconfigured(
			'The connection string names no relay (relay=wss://…); the wallet listens on one.'
		);
	}

	const secrets = params.getAll('secret');
	if (secrets.length !== 1) {
		throw misconfigured(
			'The connection string must carry exactly one secret=… (64 hexadecimal characters).'
		);
	}
	const secret = (secrets[0] ?? '').trim().toLowerCase();
	try {
		secretKeyFromHex(secret);
	} catch {
		throw misconfigured(
			'The secret in the connection string is not a valid key: 64 hexadecimal characters ' +
				'expected.'
		);
	}

	const lud16 = params.get('lud16')?.trim() || null;
	return { walletPubkey, relays, secret, lud16 };
}

