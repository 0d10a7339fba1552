// Greenfield users: POST /api/v1/users creates the first user (the server admin) without
// authentication while no user exists; GET /api/v1/users/me describes the caller.
import { Hono } from 'hono';
import { createUserSchema, type ApplicationUserData } from '../contract/users';
import { database } from '../db/client';
import { countUsers, findUserByEmail, findUserById, insertFirstUser, type UserRow } from '../data/users';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { hashPassword } from '../auth/password';
import { globalPermission, publicRoute } from '../auth/authorize';
import { USER } from '../auth/permissions';
import { newUserId } from '../ids';
import { validate } from '../validation';
import { accountOf } from '../auth/principal';

export function toUserData(u: UserRow): ApplicationUserData {
	return {
		id: u.id,
		email: u.email,
		name: u.name,
		imageUrl: null,
		emailConfirmed: true,
		requiresEmailConfirmation: false,
		approved: true,
		requiresApproval: false,
		created: Math.floor(u.createdAt / 1000),
		disabled: false,
		roles: u.isAdmin ? ['ServerAdmin'] : []
	};
}

export const userRoutes = new Hono<AppEnv>()
	.post('/users', publicRoute, validate('json', createUserSchema), async (c) => {
		const input = c.req.valid('json');
		const db = database(c.env.DB);
		if ((await countUsers(db)) > 0) {
			// Inviting further users belongs to store teams; until then only the bootstrap is open.
			if (c.get('principal').kind === 'anonymous') {
				throw new ApiError(
					'unauthenticated',
					'This server already has an administrator; sign in to manage users.'
				);
			}
			throw new ApiError(
				'missing-permission',
				'Only the first user can be created here; invite further people from the store team.'
			);
		}
		const passwordHash = await hashPassword(input.password);
		const user = await insertFirstUser(db, {
			id: newUserId(),
			email: input.email,
			name: input.name ?? null,
			passwordHash,
			createdAt: Date.now()
		});
		if (!user) {
			// Another sign-up won the race between our count and our insert.
			const existing = await findUserByEmail(db, input.email);
			throw new ApiError(
				existing ? 'conflict' : 'unauthenticated',
				existing
					? 'A user with this e-mail already exists.'
					: 'This server already has an administrator; sign in to manage users.'
			);
		}
		return c.json(toUserData(user), 201);
	})
	.get('/users/me', globalPermission(USER.viewProfile), async (c) => {
		const account = accountOf(c.get('principal'));
		if (!account) throw new ApiError('unauthenticated', 'Sign in first.');
		const user = await findUserById(database(c.env.DB), account.userId);
		if (!user) throw new ApiError('not-found', 'The user could not be found.');
		return c.json(toUserData(user), 200);
	});
