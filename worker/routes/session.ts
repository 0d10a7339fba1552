// Signing in to the app: POST/GET/DELETE /api/v1/session (an HttpOnly cookie), log out
// everywhere, password and PIN changes on /api/v1/users/me.
import { Hono, type Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { changePasswordSchema, loginSchema, setPinSchema } from '../contract/accounts';
import { database } from '../db/client';
import { deleteSession, insertSession, setPassword, setPin, voidSessions } from '../data/accounts';
import { listAllStores, listStoresOfUser, rolesOfUser } from '../data/stores';
import { findUserById } from '../data/users';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { audit } from '../auth/audit';
import { fullUserRights, publicRoute, signedIn } from '../auth/authorize';
import { hashPassword, verifyPassword } from '../auth/password';
import { accountOf } from '../auth/principal';
import { LIMITS, rateLimit } from '../auth/rate-limit';
import { hashToken, newToken } from '../auth/tokens';
import { checkPassword, clientIp, SESSION_COOKIE } from '../middleware/authenticate';
import { toUserData } from './users';
import { validate } from '../validation';

const SESSION_DAYS = 30;

async function startSession(c: Context<AppEnv>, userId: string, now: number): Promise<void> {
	const token = newToken();
	await insertSession(database(c.env.DB), {
		tokenHash: hashToken(token),
		userId,
		createdAt: now,
		expiresAt: now + SESSION_DAYS * 86_400_000,
		ip: c.req.header('cf-connecting-ip') ?? null,
		userAgent: c.req.header('user-agent')?.slice(0, 200) ?? null
	});
	setCookie(c, SESSION_COOKIE, token, {
		httpOnly: true,
		secure: true,
		sameSite: 'Strict',
		path: '/api',
		maxAge: SESSION_DAYS * 86_400
	});
}

async function me(c: Context<AppEnv>, userId: string) {
	const db = database(c.env.DB);
	const user = await findUserById(db, userId);
	if (!user) throw new ApiError('unauthenticated', 'Sign in again.');
	const stores = user.isAdmin ? await listAllStores(db) : await listStoresOfUser(db, user.id);
	const roles = new Map((await rolesOfUser(db, user.id)).map((r) => [r.storeId, r.role]));
	return {
		user: toUserData(user),
		stores: stores.map((s) => ({ id: s.id, name: s.name, role: roles.get(s.id) ?? (user.isAdmin ? 'Owner' : null) })),
		pinSet: user.pinHash !== null
	};
}

export { startSession };

export const sessionRoutes = new Hono<AppEnv>()
	.post('/session', publicRoute, validate('json', loginSchema), async (c) => {
		const { email, password } = c.req.valid('json');
		await rateLimit(c, `login:${clientIp(c.req.raw.headers)}:${email.toLowerCase()}`, LIMITS.login);
		const db = database(c.env.DB);
		const now = Date.now();
		let user;
		try {
			user = await checkPassword(db, email, password, now);
		} catch (error) {
			await audit(c, { storeId: null, action: 'user.login-failed', target: email.toLowerCase(), actor: 'anonymous' });
			throw error;
		}
		await startSession(c, user.id, now);
		await audit(c, { storeId: null, action: 'user.login', target: user.id, actor: `user:${user.id}` });
		return c.json(await me(c, user.id), 200);
	})
	.get('/session', signedIn, async (c) => {
		const account = accountOf(c.get('principal'))!;
		return c.json(await me(c, account.userId), 200);
	})
	.delete('/session', signedIn, async (c) => {
		const principal = c.get('principal');
		if (principal.kind === 'user' && principal.sessionHash) await deleteSession(database(c.env.DB), principal.sessionHash);
		deleteCookie(c, SESSION_COOKIE, { path: '/api', secure: true });
		return c.body(null, 200);
	})
	.post('/session/revoke-all', fullUserRights, async (c) => {
		const account = accountOf(c.get('principal'))!;
		await voidSessions(database(c.env.DB), account.userId, Date.now() + 1);
		deleteCookie(c, SESSION_COOKIE, { path: '/api', secure: true });
		await audit(c, { storeId: null, action: 'user.logout-everywhere', target: account.userId });
		return c.body(null, 200);
	})
	.put('/users/me', fullUserRights, validate('json', changePasswordSchema), async (c) => {
		const account = accountOf(c.get('principal'))!;
		const { currentPassword, newPassword } = c.req.valid('json');
		const db = database(c.env.DB);
		const user = await findUserById(db, account.userId);
		if (!user || !(await verifyPassword(currentPassword, user.passwordHash))) {
			throw new ApiError('unauthenticated', 'The current password is wrong.');
		}
		const now = Date.now();
		await setPassword(db, user.id, await hashPassword(newPassword));
		// Every other session ends; this browser gets a fresh one.
		await voidSessions(db, user.id, now);
		const principal = c.get('principal');
		if (principal.kind === 'user' && principal.via === 'session') await startSession(c, user.id, now + 1);
		await audit(c, { storeId: null, action: 'user.password-changed', target: user.id });
		return c.json(toUserData((await findUserById(db, user.id))!), 200);
	})
	.put('/users/me/pin', fullUserRights, validate('json', setPinSchema), async (c) => {
		const account = accountOf(c.get('principal'))!;
		const { pin, currentPassword } = c.req.valid('json');
		const db = database(c.env.DB);
		const user = await findUserById(db, account.userId);
		if (!user || !(await verifyPassword(currentPassword, user.passwordHash))) {
			throw new ApiError('unauthenticated', 'The password is wrong.');
		}
		await setPin(db, user.id, await hashPassword(pin));
		await audit(c, { storeId: null, action: 'user.pin-set', target: user.id });
		return c.body(null, 200);
	});

