// Greenfield API keys: POST /api/v1/api-keys (HTTP Basic, or a key with `unrestricted`),
// GET/DELETE /api/v1/api-keys/current, DELETE /api/v1/api-keys/{apiKey}. A key is created with
// a subset of its user's permissions, optionally scoped to a store as `permission:storeId`.
import { Hono } from 'hono';
import { createApiKeySchema, type ApiKeyData } from '../contract/api-keys';
import { database } from '../db/client';
import { findActiveApiKey, insertApiKey, listApiKeys, revokeApiKey, revokeApiKeyById } from '../data/api-keys';
import type { AppEnv } from '../env';
import { ApiError, ValidationError } from '../errors';
import { hashApiKey, newApiKey } from '../auth/api-key';
import { fullUserRights, signedIn, userGrants } from '../auth/authorize';
import { allows, parseGrant, UNRESTRICTED, type Grant } from '../auth/permissions';
import { validate } from '../validation';
import { audit } from '../auth/audit';
import { accountOf } from '../auth/principal';

export const apiKeyRoutes = new Hono<AppEnv>()
	.post('/api-keys', fullUserRights, validate('json', createApiKeySchema), async (c) => {
		const input = c.req.valid('json');
		const principal = c.get('principal');
		const account = accountOf(principal);
		if (!account) throw new ApiError('unauthenticated', 'Sign in first.');
		const db = database(c.env.DB);
		const ofUser = await userGrants(db, account.userId, account.isAdmin);
		const permissions = [...new Set(input.permissions ?? [])];
		const problems: Array<{ path: string; message: string }> = [];
		permissions.forEach((text, i) => {
			const grant = parseGrant(text);
			if (!grant) {
				problems.push({ path: `permissions.${i}`, message: `"${text}" is not a Greenfield permission.` });
			} else if (!userHolds(ofUser, grant.permission, grant.storeId)) {
				problems.push({ path: `permissions.${i}`, message: `You do not hold ${text} yourself, so a key of yours cannot.` });
			}
		});
		if (problems.length > 0) throw new ValidationError(problems);
		const apiKey = newApiKey();
		const label = input.label ?? '';
		await insertApiKey(db, {
			keyHash: hashApiKey(apiKey),
			userId: account.userId,
			label,
			permissions,
			createdAt: Date.now()
		});
		await audit(c, { storeId: null, action: 'api-key.create', target: hashApiKey(apiKey).slice(0, 12), details: { label, permissions } });
		const body: ApiKeyData = { apiKey, label, permissions };
		return c.json(body, 200);
	})
	.get('/api-keys/current', signedIn, async (c) => {
		const principal = c.get('principal');
		if (principal.kind !== 'apiKey') {
			throw new ApiError('bad-request', 'This request was not made with an API key.');
		}
		const found = await findActiveApiKey(database(c.env.DB), principal.keyHash);
		if (!found) throw new ApiError('unauthenticated', 'The API key is unknown or was revoked.');
		const apiKey = c.req.header('authorization')!.trim().split(/\s+/)[1]!;
		const body: ApiKeyData = {
			apiKey,
			label: found.key.label,
			permissions: JSON.parse(found.key.permissions) as string[]
		};
		return c.json(body, 200);
	})
	.delete('/api-keys/current', signedIn, async (c) => {
		const principal = c.get('principal');
		if (principal.kind !== 'apiKey') {
			throw new ApiError('bad-request', 'This request was not made with an API key.');
		}
		await revokeApiKey(database(c.env.DB), principal.userId, principal.keyHash, Date.now());
		await audit(c, { storeId: null, action: 'api-key.revoke', target: principal.keyHash.slice(0, 12) });
		return c.body(null, 200);
	})
	.get('/users/me/api-keys', fullUserRights, async (c) => {
		const account = accountOf(c.get('principal'))!;
		const keys = await listApiKeys(database(c.env.DB), account.userId);
		return c.json(
			keys.map((k) => ({
				id: k.keyHash.slice(0, 16),
				label: k.label,
				permissions: JSON.parse(k.permissions) as string[],
				created: Math.floor(k.createdAt / 1000),
				revoked: k.revokedAt === null ? null : Math.floor(k.revokedAt / 1000)
			})),
			200
		);
	})
	.delete('/users/me/api-keys/:keyId', fullUserRights, async (c) => {
		const account = accountOf(c.get('principal'))!;
		const id = c.req.param('keyId');
		if (!/^[0-9a-f]{16}$/.test(id) || !(await revokeApiKeyById(database(c.env.DB), account.userId, id, Date.now()))) {
			throw new ApiError('not-found', 'No active API key of yours has that id.');
		}
		await audit(c, { storeId: null, action: 'api-key.revoke', target: id.slice(0, 12) });
		return c.body(null, 200);
	})
	.delete('/api-keys/:apiKey', fullUserRights, async (c) => {
		const account = accountOf(c.get('principal'));
		if (!account) throw new ApiError('unauthenticated', 'Sign in first.');
		const revoked = await revokeApiKey(database(c.env.DB), account.userId, hashApiKey(c.req.param('apiKey')), Date.now());
		if (!revoked) throw new ApiError('not-found', 'No active API key of yours matches.');
		await audit(c, { storeId: null, action: 'api-key.revoke', target: hashApiKey(c.req.param('apiKey')).slice(0, 12) });
		return c.body(null, 200);
	});

/**
 * Whether the user holds what a key of theirs asks for: scoped grants on that store; unscoped
 * store grants on at least one store (they then apply store by store, because a key is only
 * ever allowed what its user is allowed); `unrestricted` only for the server admin.
 */
function userHolds(ofUser: Grant[], permission: string, storeId: string | null): boolean {
	if (ofUser.some((g) => g.permission === UNRESTRICTED)) return true;
	if (permission === UNRESTRICTED) return false;
	if (storeId !== null) return allows(ofUser, permission, storeId);
	if (!permission.startsWith('btcpay.store.')) return allows(ofUser, permission, null);
	return ofUser.some((g) => g.storeId !== null && allows([g], permission, g.storeId));
}
