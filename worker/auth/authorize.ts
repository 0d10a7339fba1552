// The one place that decides access. Every route declares what it needs with `guard(...)`:
// a permission and where the store comes from (path parameter, or the invoice/webhook it
// names). A user's grants come from their store roles (and `unrestricted` for the server
// admin); an API key is allowed only what both its own grants and its user's grants allow,
// so a key never exceeds its user.
import { createMiddleware } from 'hono/factory';
import type { Context } from 'hono';
import { database, type Db } from '../db/client';
import { rolesOfUser } from '../data/stores';
import { findInvoice } from '../data/invoices';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { allows, isStoreRole, STORE, STORE_ROLES, UNRESTRICTED, USER, type Grant } from './permissions';
import type { Principal } from './principal';

export async function userGrants(db: Db, userId: string, isAdmin: boolean): Promise<Grant[]> {
	if (isAdmin) return [{ permission: UNRESTRICTED, storeId: null }];
	const grants: Grant[] = [
		{ permission: USER.modifyProfile, storeId: null },
		{ permission: USER.viewProfile, storeId: null }
	];
	for (const { storeId, role } of await rolesOfUser(db, userId)) {
		if (!isStoreRole(role)) continue;
		for (const permission of STORE_ROLES[role]) grants.push({ permission, storeId });
	}
	return grants;
}

export async function principalAllows(
	db: Db,
	principal: Principal,
	permission: string,
	storeId: string | null
): Promise<boolean> {
	if (principal.kind === 'anonymous') return false;
	const ofUser = await userGrants(db, principal.userId, principal.isAdmin);
	if (!allows(ofUser, permission, storeId)) return false;
	return principal.kind === 'user' || allows(principal.grants, permission, storeId);
}

/** Throws 401 for anonymous callers and 403 for callers without the permission. */
export async function requirePermission(
	c: Context<AppEnv>,
	permission: string,
	storeId: string | null
): Promise<void> {
	const principal = c.get('principal');
	if (principal.kind === 'anonymous') {
		throw new ApiError('unauthenticated', 'Authenticate with an API key (`Authorization: token …`) or HTTP Basic.');
	}
	if (!(await principalAllows(database(c.env.DB), principal, permission, storeId))) {
		throw new ApiError(
			'missing-permission',
			`This needs the permission ${permission}${storeId ? ` on store ${storeId}` : ''}.`
		);
	}
}

/** Declares a route public: anyone may call it (kept explicit so every route says something). */
export const publicRoute = createMiddleware<AppEnv>(async (_c, next) => next());

/** Guards a route by a permission on the store named by the `storeId` path parameter. */
export function storePermission(permission: string) {
	return createMiddleware<AppEnv>(async (c, next) => {
		await requirePermission(c, permission, c.req.param('storeId') ?? null);
		await next();
	});
}

/** Guards a route by a permission that is not about one store (profile, server). */
export function globalPermission(permission: string) {
	return createMiddleware<AppEnv>(async (c, next) => {
		await requirePermission(c, permission, null);
		await next();
	});
}

/** Any signed-in caller (user or API key). */
export const signedIn = createMiddleware<AppEnv>(async (c, next) => {
	if (c.get('principal').kind === 'anonymous') {
		throw new ApiError('unauthenticated', 'Authenticate with an API key (`Authorization: token …`) or HTTP Basic.');
	}
	await next();
});

/**
 * The caller acts with all of its user's rights: signed in with the password (HTTP Basic), or
 * with a key that holds `unrestricted` (Greenfield's rule for managing API keys).
 */
export const fullUserRights = createMiddleware<AppEnv>(async (c, next) => {
	const principal = c.get('principal');
	if (principal.kind === 'anonymous') {
		throw new ApiError('unauthenticated', 'Authenticate with HTTP Basic or an API key.');
	}
	if (principal.kind === 'apiKey' && !principal.grants.some((g) => g.permission === UNRESTRICTED)) {
		throw new ApiError('missing-permission', 'This needs HTTP Basic or an API key with the unrestricted permission.');
	}
	await next();
});

/**
 * Guards a route by a permission on the store of the invoice named by `invoiceId`. An invoice
 * of a store the caller cannot see answers 404 like an unknown one, so ids cannot be probed.
 */
export function invoicePermission(permission: string) {
	return createMiddleware<AppEnv>(async (c, next) => {
		const principal = c.get('principal');
		if (principal.kind === 'anonymous') {
			throw new ApiError('unauthenticated', 'Authenticate with an API key (`Authorization: token …`) or HTTP Basic.');
		}
		const db = database(c.env.DB);
		const invoice = await findInvoice(db, c.req.param('invoiceId') ?? '');
		if (!invoice || !(await principalAllows(db, principal, permission, invoice.storeId))) {
			if (invoice && (await principalAllows(db, principal, STORE.viewInvoices, invoice.storeId))) {
				throw new ApiError('missing-permission', `This needs the permission ${permission} on store ${invoice.storeId}.`);
			}
			throw new ApiError('invoice-not-found', 'The invoice could not be found.');
		}
		const storeParam = c.req.param('storeId');
		if (storeParam !== undefined && storeParam !== invoice.storeId) {
			throw new ApiError('invoice-not-found', 'The invoice could not be found in this store.');
		}
		c.set('invoice', invoice);
		await next();
	});
}
