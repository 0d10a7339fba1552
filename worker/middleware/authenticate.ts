// Resolves who is calling from the Authorization header, as Greenfield accepts it: HTTP Basic
// with e-mail and password, or `token <apiKey>`. It never refuses a request for lacking
// credentials (routes declare what they need); wrong credentials are refused at once, so a typo
// is not mistaken for anonymity.
import { createMiddleware } from 'hono/factory';
import { database } from '../db/client';
import { findActiveApiKey } from '../data/api-keys';
import { findUserByEmail } from '../data/users';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { hashApiKey } from '../auth/api-key';
import { verifyPassword } from '../auth/password';
import { parseGrant, type Grant } from '../auth/permissions';

function clientIp(headers: Headers): string {
	return headers.get('cf-connecting-ip') ?? 'local';
}

function parseBasic(credentials: string): { email: string; password: string } | null {
	let decoded: string;
	try {
		decoded = new TextDecoder().decode(Uint8Array.from(atob(credentials), (ch) => ch.charCodeAt(0)));
	} catch {
		return null;
	}
	const colon = decoded.indexOf(':');
	if (colon < 1) return null;
	return { email: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** A valid hash of a random password, used to spend the same time on unknown e-mails. */
const DUMMY_HASH =
	'pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$2Gd5Yc2ZB0hYq6V0o7o2cxk3pwFqzZKxJ7t7p4v2a8Q=';

const UNREADABLE =
	'The Authorization header is not understood; use `token <API key>` or HTTP Basic with your e-mail and password.';

export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
	c.set('principal', { kind: 'anonymous', ip: clientIp(c.req.raw.headers) });
	const header = c.req.header('authorization')?.trim();
	if (header) {
		const [scheme, value, ...rest] = header.split(/\s+/);
		if (!scheme || !value || rest.length > 0) throw new ApiError('unauthenticated', UNREADABLE);
		const db = database(c.env.DB);
		if (scheme.toLowerCase() === 'basic') {
			const basic = parseBasic(value);
			if (!basic) throw new ApiError('unauthenticated', UNREADABLE);
			const user = await findUserByEmail(db, basic.email);
			// Hash even for an unknown e-mail so the response time does not reveal which exist.
			const ok = await verifyPassword(basic.password, user?.passwordHash ?? DUMMY_HASH);
			if (!user || !ok) throw new ApiError('unauthenticated', 'The e-mail or password is wrong.');
			c.set('principal', { kind: 'user', userId: user.id, email: user.email, isAdmin: user.isAdmin });
		} else if (scheme.toLowerCase() === 'token') {
			// Looked up by hash: comparing hashes of equal length leaks nothing useful by timing.
			const keyHash = hashApiKey(value);
			const found = await findActiveApiKey(db, keyHash);
			if (!found) throw new ApiError('unauthenticated', 'The API key is unknown or was revoked.');
			const grants = (JSON.parse(found.key.permissions) as string[])
				.map(parseGrant)
				.filter((g): g is Grant => g !== null);
			c.set('principal', {
				kind: 'apiKey',
				userId: found.user.id,
				email: found.user.email,
				isAdmin: found.user.isAdmin,
				keyHash,
				grants
			});
		} else {
			throw new ApiError('unauthenticated', UNREADABLE);
		}
	}
	await next();
});
