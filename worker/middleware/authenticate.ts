// Resolves who is calling. Greenfield's ways (HTTP Basic with e-mail and password,
// `Authorization: token <apiKey>`), the app's session cookie, and a paired terminal
// (`Authorization: Terminal <device token>`, plus `X-Flashpoint-Cashier: <session>` once a
// cashier has entered a PIN). It never refuses a request for lacking credentials (routes declare
// what they need); wrong credentials are refused at once, so a typo is not mistaken for
// anonymity. Cookie-authenticated writes must come from our own origin (CSRF).
import { createMiddleware } from 'hono/factory';
import { getCookie } from 'hono/cookie';
import { database, type Db } from '../db/client';
import { clearFailedLogins, findLiveSession, recordFailedLogin } from '../data/accounts';
import { findActiveApiKey } from '../data/api-keys';
import { endCashierSession, findCashierSession, findTerminalByToken, touchCashierSession, updateTerminal } from '../data/terminals';
import { findUserByEmail, findUserById, type UserRow } from '../data/users';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { hashApiKey } from '../auth/api-key';
import { verifyPassword } from '../auth/password';
import { parseGrant, type Grant } from '../auth/permissions';
import { hashToken } from '../auth/tokens';

export const SESSION_COOKIE = 'fp_session';

/** The caller's address as Cloudflare reports it (`local` in development). */
export function clientIp(headers: Headers): string {
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
const DUMMY_HASH = 'pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$2Gd5Yc2ZB0hYq6V0o7o2cxk3pwFqzZKxJ7t7p4v2a8Q=';

const UNREADABLE =
	'The Authorization header is not understood; use `token <API key>`, HTTP Basic with your e-mail and password, or `Terminal <device token>`.';

/**
 * Checks a password with lockout: after five wrong tries in a row the account waits 30 s,
 * doubling up to an hour, whatever the password (so guessing gains nothing by speed).
 */
export async function checkPassword(db: Db, email: string, password: string, now: number): Promise<UserRow> {
	const user = await findUserByEmail(db, email);
	if (user?.lockedUntil && user.lockedUntil > now) {
		const seconds = Math.ceil((user.lockedUntil - now) / 1000);
		throw new ApiError('login-locked', `Too many wrong passwords; try again in ${seconds} seconds.`);
	}
	// Hash even for an unknown e-mail so the response time does not reveal which exist.
	const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
	if (!user || !ok) {
		if (user) await recordFailedLogin(db, user.id, now);
		throw new ApiError('unauthenticated', 'The e-mail or password is wrong.');
	}
	if (user.failedLogins > 0) await clearFailedLogins(db, user.id);
	return user;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
	c.set('principal', { kind: 'anonymous', ip: clientIp(c.req.raw.headers) });
	const db = database(c.env.DB);
	const now = Date.now();
	const header = c.req.header('authorization')?.trim();
	if (header) {
		const [scheme, value, ...rest] = header.split(/\s+/);
		if (!scheme || !value || rest.length > 0) throw new ApiError('unauthenticated', UNREADABLE);
		switch (scheme.toLowerCase()) {
			case 'basic': {
				const basic = parseBasic(value);
				if (!basic) throw new ApiError('unauthenticated', UNREADABLE);
				const user = await checkPassword(db, basic.email, basic.password, now);
				c.set('principal', { kind: 'user', via: 'basic', userId: user.id, email: user.email, isAdmin: user.isAdmin });
				break;
			}
			case 'token': {
				// Looked up by hash: comparing hashes of equal length leaks nothing useful by timing.
				const keyHash = hashApiKey(value);
				const found = await findActiveApiKey(db, keyHash);
				if (!found) throw new ApiError('unauthenticated', 'The API key is unknown or was revoked.');
				const grants = (JSON.parse(found.key.permissions) as string[]).map(parseGrant).filter((g): g is Grant => g !== null);
				c.set('principal', { kind: 'apiKey', userId: found.user.id, email: found.user.email, isAdmin: found.user.isAdmin, keyHash, grants });
				break;
			}
			case 'terminal': {
				const terminal = await findTerminalByToken(db, hashToken(value));
				if (!terminal) throw new ApiError('terminal-revoked', 'This tablet is not paired (or was unpaired); ask a manager to pair it again.');
				if (!terminal.lastSeenAt || now - terminal.lastSeenAt > 60_000) {
					await updateTerminal(db, terminal.storeId, terminal.id, { lastSeenAt: now });
				}
				c.set('principal', { kind: 'terminal', terminalId: terminal.id, storeId: terminal.storeId });
				const cashierToken = c.req.header('x-flashpoint-cashier');
				if (cashierToken) {
					const sessionHash = hashToken(cashierToken);
					const session = await findCashierSession(db, sessionHash);
					if (!session || session.terminalId !== terminal.id) {
						throw new ApiError('cashier-locked', 'The cashier is signed out; enter your PIN again.');
					}
					if (now - session.lastSeenAt > terminal.idleLockMinutes * 60_000) {
						await endCashierSession(db, sessionHash, now);
						throw new ApiError('cashier-locked', 'The till locked itself after being idle; enter your PIN again.');
					}
					const user = await findUserById(db, session.userId);
					if (!user) throw new ApiError('cashier-locked', 'The cashier is signed out; enter your PIN again.');
					await touchCashierSession(db, sessionHash, now);
					c.set('principal', { kind: 'cashier', terminalId: terminal.id, storeId: terminal.storeId, userId: user.id, email: user.email, sessionHash });
				}
				break;
			}
			default:
				throw new ApiError('unauthenticated', UNREADABLE);
		}
	} else {
		const cookie = getCookie(c, SESSION_COOKIE);
		if (cookie) {
			const sessionHash = hashToken(cookie);
			const found = await findLiveSession(db, sessionHash, now);
			if (found) {
				// Cookies ride along on cross-site requests; writes must come from our own pages.
				if (MUTATING.has(c.req.method)) {
					const origin = c.req.header('origin');
					const site = c.req.header('sec-fetch-site');
					const ownOrigin = new URL(c.req.url).origin;
					if ((origin && origin !== ownOrigin) || (!origin && site && site !== 'same-origin' && site !== 'none')) {
						throw new ApiError('cross-site-request', 'This change must be made from Flashpoint itself.');
					}
				}
				c.set('principal', { kind: 'user', via: 'session', userId: found.user.id, email: found.user.email, isAdmin: found.user.isAdmin, sessionHash });
			}
		}
	}
	await next();
});
