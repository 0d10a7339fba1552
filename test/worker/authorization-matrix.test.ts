// Every route declares who may call it, and the declaration holds: each API route is checked
// against every store role, an anonymous caller and the owner of another store. A route added
// without a guard fails the first test.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { app } from '../../worker/app';
import { guardOf, type GuardSpec } from '../../worker/auth/authorize';
import { allows, STORE_ROLES, type StoreRole } from '../../worker/auth/permissions';
import { call } from './helpers';
import { ADMIN, ensureAdmin, json } from './setup-store';

type Route = { method: string; path: string; guards: GuardSpec[] };

function apiRoutes(): Route[] {
	const byKey = new Map<string, Route>();
	for (const r of app.routes) {
		if (!r.path.startsWith('/api/v1/') || r.method === 'ALL') continue;
		const key = `${r.method} ${r.path}`;
		const route = byKey.get(key) ?? { method: r.method, path: r.path, guards: [] };
		const guard = guardOf(r.handler);
		if (guard) route.guards.push(guard);
		byKey.set(key, route);
	}
	return [...byKey.values()];
}

describe('every route declares a guard', () => {
	it('has exactly one guard on each API route', () => {
		const routes = apiRoutes();
		expect(routes.length).toBeGreaterThan(40);
		const unguarded = routes.filter((r) => r.guards.length !== 1).map((r) => `${r.method} ${r.path} (${r.guards.length})`);
		expect(unguarded).toEqual([]);
	});
});

describe('public routes that authenticate their caller another way', () => {
	it('the BTCPay Server webhook receiver is public (BTCPay cannot sign in); BTCPay-Sig is its check', () => {
		const route = apiRoutes().find((r) => r.method === 'POST' && r.path === '/api/v1/stores/:storeId/node/btcpay-webhook');
		expect(route?.guards).toEqual([{ kind: 'public' }]);
	});
});

const ROLES: StoreRole[] = ['Owner', 'Manager', 'Employee', 'Guest'];
type Caller = { name: string; headers: Record<string, string>; role: StoreRole | 'anonymous' | 'stranger' };

describe('route × role', () => {
	const callers: Caller[] = [];
	const members: Record<StoreRole, string> = { Owner: '', Manager: '', Employee: '', Guest: '' };
	let adminAuth: Record<string, string>;

	beforeAll(async () => {
		await ensureAdmin();
		adminAuth = { authorization: `Basic ${btoa(`${ADMIN.email}:${ADMIN.password}`)}` };
		// A home store where each person holds their role, so their keys may carry its permissions.
		const home = await json<{ id: string }>(await call('/stores', { method: 'POST', basic: ADMIN, json: { name: 'Home' } }));
		for (const role of ROLES) {
			const invite = await json<{ token: string }>(await call(`/stores/${home.id}/invites`, { method: 'POST', basic: ADMIN, json: { role } }));
			const email = `${role.toLowerCase()}@matrix.example`;
			const accepted = await json<{ userId: string }>(
				await call(`/invites/${invite.token}/accept`, { method: 'POST', headers: { 'cf-connecting-ip': `192.0.2.${ROLES.indexOf(role)}` }, json: { email, password: 'matrix password' } })
			);
			members[role] = accepted.userId;
			const key = await json<{ apiKey: string }>(
				await call('/api-keys', { method: 'POST', basic: { email, password: 'matrix password' }, json: { permissions: [...STORE_ROLES[role]] } })
			);
			callers.push({ name: role, role, headers: { authorization: `token ${key.apiKey}` } });
		}
		const stranger = await json<{ id: string }>(await call('/stores', { method: 'POST', basic: ADMIN, json: { name: 'Elsewhere' } }));
		const strangerKey = await json<{ apiKey: string }>(
			await call('/api-keys', { method: 'POST', basic: ADMIN, json: { permissions: [`btcpay.store.canmodifystoresettings:${stranger.id}`] } })
		);
		callers.push({ name: 'owner of another store', role: 'stranger', headers: { authorization: `token ${strangerKey.apiKey}` } });
		callers.push({ name: 'anonymous', role: 'anonymous', headers: {} });
	}, 60_000);

	let worlds = 0;
	/** A fresh store with everything a route may name, and the members in their roles. */
	async function world() {
		worlds++;
		const store = await json<{ id: string }>(await call('/stores', { method: 'POST', basic: ADMIN, json: { name: 'Matrix' } }));
		await call(`/stores/${store.id}/node`, { method: 'PUT', headers: adminAuth, json: { kind: 'simulated' } });
		for (const role of ROLES) await call(`/stores/${store.id}/users`, { method: 'POST', headers: adminAuth, json: { userId: members[role], role } });
		const webhook = await json<{ id: string }>(await call(`/stores/${store.id}/webhooks`, { method: 'POST', headers: adminAuth, json: { url: 'https://merchant.example.com/h' } }));
		const invoice = await json<{ id: string }>(await call(`/stores/${store.id}/invoices`, { method: 'POST', headers: adminAuth, json: { amount: '10' } }));
		const product = await json<{ id: string }>(await call(`/stores/${store.id}/products`, { method: 'POST', headers: adminAuth, json: { title: 'Tea', price: '1.00' } }));
		const card = await json<{ id: string }>(await call(`/stores/${store.id}/cards`, { method: 'POST', headers: adminAuth, json: {} }));
		const delivery = await env.DB.prepare('select id from webhook_deliveries where webhook_id = ? limit 1').bind(webhook.id).first<{ id: string }>();
		const code = await json<{ code: string }>(await call(`/stores/${store.id}/terminals/pairing-codes`, { method: 'POST', headers: adminAuth, json: { name: 'T' } }));
		const paired = await json<{ terminal: { id: string } }>(await call('/terminals/pair', { method: 'POST', headers: { 'cf-connecting-ip': `198.18.${worlds}.1` }, json: { code: code.code } }));
		const params: Record<string, string> = {
			storeId: store.id,
			invoiceId: invoice.id,
			webhookId: webhook.id,
			productId: product.id,
			cardId: card.id,
			deliveryId: delivery?.id ?? 'none',
			terminalId: paired.terminal.id,
			userId: members.Guest,
			idOrEmail: members.Guest,
			token: 'not-a-token',
			apiKey: '0'.repeat(40),
			keyId: '0'.repeat(16)
		};
		return params;
	}

	const fill = (path: string, params: Record<string, string>) =>
		path.replace(/:(\w+)/g, (_, name: string) => {
			if (!(name in params)) throw new Error(`no value for :${name} in ${path}`);
			return params[name]!;
		});

	function expected(guard: GuardSpec, caller: Caller): boolean {
		switch (guard.kind) {
			case 'public':
				return true;
			case 'signed-in':
			case 'full-user-rights':
				return caller.role !== 'anonymous' && guard.kind === 'signed-in';
			case 'terminal':
				return false;
			case 'global':
				// The callers here are keys holding store permissions only.
				return false;
			case 'store':
				if (caller.role === 'anonymous' || caller.role === 'stranger') return false;
				return allows(STORE_ROLES[caller.role].map((permission) => ({ permission, storeId: null })), guard.permission, 'x');
		}
	}

	it('allows exactly the roles whose permissions include what each route declares', async () => {
		const mismatches: string[] = [];
		// Revoking one's own key ends that caller: it goes last.
		const last = (r: Route) => (r.method === 'DELETE' && r.path === '/api/v1/api-keys/current' ? 1 : 0);
		const routes = apiRoutes()
			.filter((r) => r.guards[0]!.kind !== 'public')
			.sort((a, b) => last(a) - last(b));
		for (const route of routes) {
			const guard = route.guards[0]!;
			// WebSocket and session-only routes are exercised in their own tests.
			if (route.path.endsWith('/live')) continue;
			const params = await world();
			const ordered = [...callers].sort((a, b) => Number(expected(guard, a)) - Number(expected(guard, b)));
			for (const caller of ordered) {
				const init: RequestInit & { json?: unknown } = { method: route.method, headers: { ...caller.headers, 'cf-connecting-ip': `198.19.${worlds}.${callers.indexOf(caller)}` } };
				if (route.method !== 'GET' && route.method !== 'DELETE') init.json = {};
				const res = await call(fill(route.path, params).replace('/api/v1', ''), init);
				const via = guard.kind === 'store' ? guard.via : 'storeId';
				const denied = res.status === 401 || res.status === 403 || (via !== 'storeId' && res.status === 404);
				const want = expected(guard, caller);
				if (want === denied) {
					mismatches.push(`${route.method} ${route.path} as ${caller.name}: ${res.status} (${want ? 'should pass' : 'should be refused'})`);
				}
			}
		}
		expect(mismatches).toEqual([]);
	}, 180_000);
});
