// A store's team, as Greenfield defines it (GET/POST/PUT/DELETE /api/v1/stores/{storeId}/users,
// GET …/roles), plus invitations by link. Nobody can hand out more than they hold: a manager may
// add, change and remove only people below Manager, nobody changes their own role, and the last
// owner stays.
import { Hono, type Context } from 'hono';
import { acceptInviteSchema, addStoreUserSchema, createInviteSchema, updateStoreUserSchema } from '../contract/accounts';
import { database } from '../db/client';
import { addMember, changeRole, countOwners, findInvite, insertInvite, insertUser, listMembers, removeMember, roleOf, useInvite } from '../data/team';
import { findStore } from '../data/stores';
import { findUserByEmail, findUserById } from '../data/users';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { audit } from '../auth/audit';
import { principalAllows, publicRoute, storePermission } from '../auth/authorize';
import { hashPassword } from '../auth/password';
import { isStoreRole, ROLE_RANK, STORE, STORE_ROLES, type StoreRole } from '../auth/permissions';
import { accountOf } from '../auth/principal';
import { LIMITS, rateLimit } from '../auth/rate-limit';
import { hashToken, newToken } from '../auth/tokens';
import { newUserId } from '../ids';
import { publicOrigin } from '../origin';
import { startSession } from './session';
import { validate } from '../validation';
import { clientIp } from '../middleware/authenticate';

/** The highest role the caller may give or take on this store. */
async function assignableRank(c: Context<AppEnv>, storeId: string): Promise<number> {
	const principal = c.get('principal');
	const db = database(c.env.DB);
	if (await principalAllows(db, principal, STORE.modifyStoreSettings, storeId)) return ROLE_RANK.Owner;
	return ROLE_RANK.Manager - 1;
}

async function guardChange(c: Context<AppEnv>, storeId: string, targetUserId: string, newRole: StoreRole | null): Promise<void> {
	const db = database(c.env.DB);
	const rank = await assignableRank(c, storeId);
	const account = accountOf(c.get('principal'));
	if (account?.userId === targetUserId) {
		throw new ApiError('missing-permission', 'You cannot change or remove your own role; ask another owner.');
	}
	const current = await roleOf(db, storeId, targetUserId);
	if (current && isStoreRole(current) && ROLE_RANK[current] > rank) {
		throw new ApiError('missing-permission', `Only an owner can change a ${current}.`);
	}
	if (newRole && ROLE_RANK[newRole] > rank) {
		throw new ApiError('missing-permission', `Only an owner can make someone ${newRole}.`);
	}
	if (current === 'Owner' && newRole !== 'Owner' && (await countOwners(db, storeId)) <= 1) {
		throw new ApiError('conflict', 'A store keeps at least one owner.');
	}
}

async function resolveUser(c: Context<AppEnv>, idOrEmail: string) {
	const db = database(c.env.DB);
	return idOrEmail.includes('@') ? findUserByEmail(db, idOrEmail) : findUserById(db, idOrEmail);
}

export const teamRoutes = new Hono<AppEnv>()
	.get('/stores/:storeId/users', storePermission(STORE.viewStoreSettings), async (c) => {
		const members = await listMembers(database(c.env.DB), c.req.param('storeId'));
		return c.json(members.map((m) => ({ userId: m.userId, email: m.email, name: m.name, role: m.role })), 200);
	})
	.get('/stores/:storeId/roles', storePermission(STORE.viewStoreSettings), async (c) => {
		return c.json(
			(Object.keys(STORE_ROLES) as StoreRole[]).map((role) => ({ id: role, role, permissions: [...STORE_ROLES[role]], isServerRole: true })),
			200
		);
	})
	.post('/stores/:storeId/users', storePermission(STORE.manageTeam), validate('json', addStoreUserSchema), async (c) => {
		const storeId = c.req.param('storeId');
		const { userId, role } = c.req.valid('json');
		const user = await resolveUser(c, userId);
		if (!user) throw new ApiError('not-found', 'No user with that id or e-mail; send them an invitation instead.');
		await guardChange(c, storeId, user.id, role);
		if (!(await addMember(database(c.env.DB), storeId, user.id, role, Date.now()))) {
			throw new ApiError('conflict', 'That person is already in the team; change their role instead.');
		}
		await audit(c, { storeId, action: 'team.add', target: user.id, details: { role } });
		return c.body(null, 200);
	})
	.put('/stores/:storeId/users/:idOrEmail', storePermission(STORE.manageTeam), validate('json', updateStoreUserSchema), async (c) => {
		const storeId = c.req.param('storeId');
		const user = await resolveUser(c, c.req.param('idOrEmail'));
		const { role } = c.req.valid('json');
		if (!user || !(await roleOf(database(c.env.DB), storeId, user.id))) throw new ApiError('not-found', 'That person is not in this team.');
		await guardChange(c, storeId, user.id, role);
		await changeRole(database(c.env.DB), storeId, user.id, role);
		await audit(c, { storeId, action: 'team.role', target: user.id, details: { role } });
		return c.body(null, 200);
	})
	.delete('/stores/:storeId/users/:idOrEmail', storePermission(STORE.manageTeam), async (c) => {
		const storeId = c.req.param('storeId');
		const user = await resolveUser(c, c.req.param('idOrEmail'));
		if (!user || !(await roleOf(database(c.env.DB), storeId, user.id))) throw new ApiError('not-found', 'That person is not in this team.');
		await guardChange(c, storeId, user.id, null);
		await removeMember(database(c.env.DB), storeId, user.id);
		await audit(c, { storeId, action: 'team.remove', target: user.id });
		return c.body(null, 200);
	})
	.post('/stores/:storeId/invites', storePermission(STORE.manageTeam), validate('json', createInviteSchema), async (c) => {
		const storeId = c.req.param('storeId');
		const { role, email, validHours } = c.req.valid('json');
		if (ROLE_RANK[role] > (await assignableRank(c, storeId))) {
			throw new ApiError('missing-permission', `Only an owner can invite a ${role}.`);
		}
		const token = newToken();
		const now = Date.now();
		const expiresAt = now + validHours * 3_600_000;
		await insertInvite(database(c.env.DB), {
			tokenHash: hashToken(token),
			storeId,
			role,
			email: email?.toLowerCase() ?? null,
			createdBy: accountOf(c.get('principal'))?.userId ?? 'unknown',
			createdAt: now,
			expiresAt,
			usedAt: null,
			usedBy: null
		});
		await audit(c, { storeId, action: 'team.invite', details: { role, email: email ?? null } });
		return c.json({ token, url: `${publicOrigin(c)}/m/join?invite=${token}`, role, expiresAt: Math.floor(expiresAt / 1000) }, 200);
	})
	.get('/invites/:token', publicRoute, async (c) => {
		await rateLimit(c, `code:${clientIp(c.req.raw.headers)}`, LIMITS.code);
		const db = database(c.env.DB);
		const invite = await findInvite(db, hashToken(c.req.param('token')));
		if (!invite || invite.usedAt !== null || invite.expiresAt <= Date.now()) {
			throw new ApiError('invite-invalid', 'This invitation link was already used or has expired; ask for a new one.');
		}
		const store = await findStore(db, invite.storeId);
		return c.json({ storeName: store?.name ?? '', role: invite.role, email: invite.email, expiresAt: Math.floor(invite.expiresAt / 1000) }, 200);
	})
	.post('/invites/:token/accept', publicRoute, validate('json', acceptInviteSchema), async (c) => {
		await rateLimit(c, `code:${clientIp(c.req.raw.headers)}`, LIMITS.code);
		const db = database(c.env.DB);
		const tokenHash = hashToken(c.req.param('token'));
		const invite = await findInvite(db, tokenHash);
		const now = Date.now();
		if (!invite || invite.usedAt !== null || invite.expiresAt <= now) {
			throw new ApiError('invite-invalid', 'This invitation link was already used or has expired; ask for a new one.');
		}
		const input = c.req.valid('json');
		let userId = accountOf(c.get('principal'))?.userId ?? null;
		let created = false;
		if (!userId) {
			if (!input.email || !input.password) {
				throw new ApiError('bad-request', 'Sign in first, or give an e-mail and a password to create your account.');
			}
			if (invite.email && invite.email !== input.email.toLowerCase()) {
				throw new ApiError('invite-invalid', 'This invitation is for another e-mail address.');
			}
			if (await findUserByEmail(db, input.email)) {
				throw new ApiError('conflict', 'An account with this e-mail exists; sign in, then open the link again.');
			}
			userId = newUserId();
			created = await insertUser(db, { id: userId, email: input.email, name: input.name ?? null, passwordHash: await hashPassword(input.password), createdAt: now });
			if (!created) throw new ApiError('conflict', 'An account with this e-mail exists; sign in, then open the link again.');
		}
		if (!(await useInvite(db, tokenHash, userId, now))) {
			throw new ApiError('invite-invalid', 'This invitation link was already used or has expired; ask for a new one.');
		}
		if (created) await startSession(c, userId, now);
		await audit(c, { storeId: invite.storeId, action: 'team.join', target: userId, details: { role: invite.role }, actor: `user:${userId}` });
		return c.json({ storeId: invite.storeId, role: invite.role, userId }, 200);
	});
