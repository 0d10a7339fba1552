// The one place that decides access. Every route declares what it needs with a guard from this
// module (a permission and where the store comes from: path parameter, or the invoice/webhook
// it names; or public, signed-in, terminal-only). Each guard is registered, so a test can find a
// route that declares nothing. A user's grants come from their store roles (`unrestricted` for
// the server admin); an API key is allowed only what both its own grants and its user's grants
// allow, so a key never exceeds its user; a cashier on a terminal has their role on that
// terminal's store only; a terminal alone has nothing but its own sign-in routes.
import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { database, type Db } from '../db/client';
import { findInvoice } from '../data/invoices';
import { rolesOfUser } from '../data/stores';
import { findUserById } from '../data/users';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { allows, isStoreRole, STORE, STORE_ROLES, UNRESTRICTED, USER, type Grant } from './permissions';
import type { Principal } from './principal';
import { audit } from './audit';

/** What a guard requires, as the route × role test reads it. */
export type GuardSpec =
	| { kind: 'public' }
	| { kind: 'signed-in' }
	| { kind: 'full-user-rights' }
	| { kind: 'terminal' }
	| { kind: 'global'; permission: string }
	| { kind: 'store'; permission: string; via: 'storeId' | 'invoiceId' | 'webhookId' };

const guards = new WeakMap<MiddlewareHandler, GuardSpec>();

export function registerGuard<H extends MiddlewareHandler>(handler: H, spec: GuardSpec): H {
	guards.set(handler, spec);
	return handler;
}

export function guardOf(handler: unknown): GuardSpec | undefined {
	return typeof handler === 'function' ? guards.get(handler as MiddlewareHandler) : undefined;
}

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

export async function principalAllows(db: Db, principal: Principal, permission: string, storeId: string | null): Promise<boolean> {
	switch (principal.kind) {
		case 'anonymous':
		case 'terminal':
			return false;
		case 'user':
			return allows(await userGrants(db, principal.userId, principal.isAdmin), permission, storeId);
		case 'apiKey':
			return (
				allows(await userGrants(db, principal.userId, principal.isAdmin), permission, storeId) &&
				allows(principal.grants, permission, storeId)
			);
		case 'cashier': {
			if (storeId !== principal.storeId) return false;
			// Their store role only: a server admin at the till is a cashier like any other.
			const user = await findUserById(db, principal.userId);
			if (!user) return false;
			const grants = (await userGrants(db, user.id, false)).filter((g) => g.storeId === principal.storeId);
			return allows(grants, permission, storeId);
		}
	}
}

const ANONYMOUS = 'Sign in (or authenticate with an API key: `Authorization: token …`).';

/** Throws 401 for callers without identity and 403 for callers without the permission. */
export async function requirePermission(c: Context<AppEnv>, permission: string, storeId: string | null): Promise<void> {
	const principal = c.get('principal');
	if (principal.kind === 'anonymous') throw new ApiError('unauthenticated', ANONYMOUS);
	if (principal.kind === 'terminal') {
		throw new ApiError('cashier-locked', 'A cashier must enter their PIN on this tablet first.');
	}
	if (!(await principalAllows(database(c.env.DB), principal, permission, storeId))) {
		// Refusals of someone identified are worth knowing about (escalation attempts).
		await audit(c, { storeId, action: 'access.denied', target: `${c.req.method} ${c.req.path}`, details: { permission } });
		throw new ApiError('missing-permission', `This needs the permission ${permission}${storeId ? ` on store ${storeId}` : ''}.`);
	}
}

/** Declares a route public: anyone may call it (explicit, so every route says something). */
export const publicRoute = registerGuard(
	createMiddleware<AppEnv>(async (_c, next) => next()),
	{ kind: 'public' }
);

/** Guards a route by a permission on the store named by the `storeId` path parameter. */
export function storePermission(permission: string) {
	return registerGuard(
		createMiddleware<AppEnv>(async (c, next) => {
			await requirePermission(c, permission, c.req.param('storeId') ?? null);
			await next();
		}),
		{ kind: 'store', permission, via: 'storeId' }
	);
}

/** Guards a route by a permission that is not about one store (profile, server). */
export function globalPermission(permission: string) {
	return registerGuard(
		createMiddleware<AppEnv>(async (c, next) => {
			await requirePermission(c, permission, null);
			await next();
		}),
		{ kind: 'global', permission }
	);
}

/** Any signed-in person or key (what they may then see is filtered by the route). */
export const signedIn = registerGuard(
	createMiddleware<AppEnv>(async (c, next) => {
		const kind = c.get('principal').kind;
		if (kind === 'anonymous') throw new ApiError('unauthenticated', ANONYMOUS);
		if (kind === 'terminal') throw new ApiError('cashier-locked', 'A cashier must enter their PIN on this tablet first.');
		await next();
	}),
	{ kind: 'signed-in' }
);

/** A paired terminal (with or without a cashier): its own sign-in routes. */
export const terminalOnly = registerGuard(
	createMiddleware<AppEnv>(async (c, next) => {
		const kind = c.get('principal').kind;
		if (kind !== 'terminal' && kind !== 'cashier') {
			throw new ApiError('unauthenticated', 'This is for a paired tablet: send `Authorization: Terminal <device token>`.');
		}
		await next();
	}),
	{ kind: 'terminal' }
);

/**
 * The caller acts with all of its user's rights: signed in with the password (HTTP Basic or the
 * session), or with a key that holds `unrestricted` (Greenfield's rule for managing API keys).
 */
export const fullUserRights = registerGuard(
	createMiddleware<AppEnv>(async (c, next) => {
		const principal = c.get('principal');
		if (principal.kind === 'anonymous') throw new ApiError('unauthenticated', ANONYMOUS);
		if (principal.kind === 'terminal' || principal.kind === 'cashier') {
			throw new ApiError('missing-permission', 'Manage your account from your own device, not a shared till.');
		}
		if (principal.kind === 'apiKey' && !principal.grants.some((g) => g.permission === UNRESTRICTED)) {
			throw new ApiError('missing-permission', 'This needs your password (or an API key with the unrestricted permission).');
		}
		await next();
	}),
	{ kind: 'full-user-rights' }
);

/**
 * Guards a route by a permission on the store of the invoice named by `invoiceId`. An invoice
 * of a store the caller cannot see answers 404 like an unknown one, so ids cannot be probed.
 */
export function invoicePermission(permission: string) {
	return registerGuard(
		createMiddleware<AppEnv>(async (c, next) => {
			const principal = c.get('principal');
			if (principal.kind === 'anonymous') throw new ApiError('unauthenticated', ANONYMOUS);
			if (principal.kind === 'terminal') throw new ApiError('cashier-locked', 'A cashier must enter their PIN on this tablet first.');
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
		}),
		{ kind: 'store', permission, via: 'invoiceId' }
	);
}
