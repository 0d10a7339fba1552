// Encryption at rest for credentials (node macaroons and runes, webhook secrets, node keys):
// AES-256-GCM through WebCrypto with a key derived (HKDF-SHA256) from the worker secret
// SECRETS_KEY. Each sealed value names the key it was sealed with, so the key can be rotated:
// set the new one as SECRETS_KEY and the old one as SECRETS_KEY_PREVIOUS, and values sealed
// with either open. Local development falls back to a fixed, published key; production refuses.
// Self-contained (a package import only) so the demo seed can seal in Node with the same code.
import { base64urlnopad } from '@scure/base';

export type SecretsEnv = {
	ENVIRONMENT: string;
	SECRETS_KEY?: string;
	SECRETS_KEY_PREVIOUS?: string;
};

const VERSION = 'v1';
/** Only for `wrangler dev` and tests: anyone can read values sealed with it. */
const DEVELOPMENT_KEY = 'flashpoint-development-key-not-secret';
const encoder = new TextEncoder();

type Keyring = { current: SealKey; all: Map<string, SealKey> };
type SealKey = { id: string; key: CryptoKey };

/** The worker cannot seal or open credentials; the API answers 503 with this message. */
export class SecretsUnavailableError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SecretsUnavailableError';
	}
}

/** A copy backed by a plain ArrayBuffer, as WebCrypto's BufferSource type asks. */
const bytes = (view: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(view);

const cache = new Map<string, Promise<SealKey>>();

function deriveKey(material: string): Promise<SealKey> {
	let pending = cache.get(material);
	if (!pending) {
		pending = (async () => {
			const raw = await crypto.subtle.importKey('raw', encoder.encode(material), 'HKDF', false, [
				'deriveKey'
			]);
			const key = await crypto.subtle.deriveKey(
				{ name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('flashpoint/seal'), info: new Uint8Array() },
				raw,
				{ name: 'AES-GCM', length: 256 },
				false,
				['encrypt', 'decrypt']
			);
			const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(material)));
			return { id: base64urlnopad.encode(digest.subarray(0, 6)), key };
		})();
		cache.set(material, pending);
	}
	return pending;
}

async function keyring(env: SecretsEnv): Promise<Keyring> {
	let current = env.SECRETS_KEY;
	if (!current) {
		if (env.ENVIRONMENT === 'production') {
			throw new SecretsUnavailableError(
				'The SECRETS_KEY worker secret is not set, so credentials cannot be stored; set it with `wrangler secret put SECRETS_KEY`.'
			);
		}
		current = DEVELOPMENT_KEY;
	}
	const materials = [current, env.SECRETS_KEY_PREVIOUS].filter((m): m is string => !!m);
	const keys = await Promise.all(materials.map(deriveKey));
	return { current: keys[0]!, all: new Map(keys.map((k) => [k.id, k])) };
}

/** `v1.<key id>.<iv>.<ciphertext>` (base64url); the context binds a value to its use. */
export async function seal(env: SecretsEnv, plaintext: string, context: string): Promise<string> {
	const ring = await keyring(env);
	const iv = crypto.getRandomValues(new Uint8Array(12));
	const ciphertext = await crypto.subtle.encrypt(
		{ name: 'AES-GCM', iv, additionalData: encoder.encode(context) },
		ring.current.key,
		encoder.encode(plaintext)
	);
	return [VERSION, ring.current.id, base64urlnopad.encode(iv), base64urlnopad.encode(new Uint8Array(ciphertext))].join('.');
}

export async function unseal(env: SecretsEnv, sealed: string, context: string): Promise<string> {
	const [version, keyId, iv, ciphertext] = sealed.split('.');
	if (version !== VERSION || !keyId || !iv || !ciphertext) {
		throw new Error('A sealed secret is malformed.');
	}
	const ring = await keyring(env);
	const key = ring.all.get(keyId);
	if (!key) {
		throw new SecretsUnavailableError(
			'A stored credential was sealed with a key this worker no longer has; set the old key as SECRETS_KEY_PREVIOUS.'
		);
	}
	const plaintext = await crypto.subtle.decrypt(
		{ name: 'AES-GCM', iv: bytes(base64urlnopad.decode(iv)), additionalData: encoder.encode(context) },
		key.key,
		bytes(base64urlnopad.decode(ciphertext))
	);
	return new TextDecoder().decode(plaintext);
}
