// Password hashing with PBKDF2-HMAC-SHA256 through WebCrypto, the only KDF Workers offer natively.
// Workers cap PBKDF2 at 100,000 iterations, so that is the work factor; the per-user random salt
// and the stored parameters let a later version raise it and re-hash on the next login.
// Pure WebCrypto: the same code runs in the worker and in Node (the demo seed script).

const ALGORITHM = 'pbkdf2-sha256';
export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;

function toBase64(bytes: Uint8Array): string {
	let s = '';
	for (const b of bytes) s += String.fromCharCode(b);
	return btoa(s);
}

function fromBase64(text: string): Uint8Array {
	const s = atob(text);
	const out = new Uint8Array(s.length);
	for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
	return out;
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
	const material = await crypto.subtle.importKey(
		'raw',
		new TextEncoder().encode(password),
		'PBKDF2',
		false,
		['deriveBits']
	);
	const bits = await crypto.subtle.deriveBits(
		{ name: 'PBKDF2', hash: 'SHA-256', salt: salt as Uint8Array<ArrayBuffer>, iterations },
		material,
		HASH_BITS
	);
	return new Uint8Array(bits);
}

/** `pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>` */
export async function hashPassword(password: string, salt?: Uint8Array): Promise<string> {
	const s = salt ?? crypto.getRandomValues(new Uint8Array(SALT_BYTES));
	const hash = await derive(password, s, PBKDF2_ITERATIONS);
	return `${ALGORITHM}$${PBKDF2_ITERATIONS}$${toBase64(s)}$${toBase64(hash)}`;
}

/** Constant-time in the hash comparison, so a guess learns nothing from the timing. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const parts = stored.split('$');
	if (parts.length !== 4 || parts[0] !== ALGORITHM) return false;
	const iterations = Number(parts[1]);
	if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > PBKDF2_ITERATIONS) return false;
	const expected = fromBase64(parts[3]!);
	const actual = await derive(password, fromBase64(parts[2]!), iterations);
	return constantTimeEqual(actual, expected);
}

export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	let diff = 0;
	for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
	return diff === 0;
}
