// Resolves who is calling from the Authorization header (HTTP Basic with e-mail and password, as
// Greenfield accepts). It never refuses a request for lacking credentials: routes declare what
// they need. Wrong credentials are refused at once, so a typo is not mistaken for anonymity.
import { createMiddleware } from 'hono/factory';
import { database } from '../db/client';
import { findUserByEmail } from '../data/users';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { verifyPassword } from '../auth/password';

function clientIp(headers: Headers): string {
	return headers.get('cf-connecting-ip') ?? 'local';
}

function parseBasic(header: string): { email: string; password: string } | null {
	const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim());
	if (!match) return null;
	let decoded: string;
	try {
		decoded = new TextDecoder().decode(Uint8Array.from(atob(match[1]!), (ch) => ch.charCodeAt(0)));
	} catch {
		return null;
	}
	const colon = decoded.indexOf(':');
	if (colon < 1) return null;
	return { email: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
	c.set('principal', { kind: 'anonymous', ip: clientIp(c.req.raw.headers) });
	const header = c.req.header('authorization');
	if (header) {
		const basic = parseBasic(header);
		if (!basic) {
			throw new ApiError(
				'unauthenticated',
				'The Authorization header is not understood; use HTTP Basic with your e-mail and password.'
			);
		}
		const user = await findUserByEmail(database(c.env.DB), basic.email);
		// Hash even for an unknown e-mail so the response time does not reveal which e-mails exist.
		const ok = await verifyPassword(basic.password, user?.passwordHash ?? DUMMY_HASH);
		if (!user || !ok) {
			throw new ApiError('unauthenticated', 'The e-mail or password is wrong.');
		}
		c.set('principal', { kind: 'user', userId: user.id, email: user.email, isAdmin: user.isAdmin });
	}
	await next();
});

/** A valid hash of a random password, used to spend the same time on unknown e-mails. */
const DUMMY_HASH =
	'pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$2Gd5Yc2ZB0hYq6V0o7o2cxk3pwFqzZKxJ7t7p4v2a8Q=';

/** Route guard: the caller must be a signed-in user. */
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
	if (c.get('principal').kind !== 'user') {
		throw new ApiError('unauthenticated', 'Sign in first: send your e-mail and password (HTTP Basic).');
	}
	await next();
});
