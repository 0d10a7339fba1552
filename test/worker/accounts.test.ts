import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call } from './helpers';
import { ADMIN, createStore, ensureAdmin, json, type StoreFixture } from './setup-store';

const cookieOf = (res: Response) => /fp_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];

async function invite(f: StoreFixture, role: string, by: Record<string, string> = f.auth) {
	const res = await call(`/stores/${f.storeId}/invites`, { method: 'POST', headers: by, json: { role } });
	expect(res.status).toBe(200);
	return json<{ token: string; url: string }>(res);
}

let counter = 0;
/** Each simulated person and tablet comes from its own address (codes are rate-limited per address). */
const fromSomewhere = () => ({ 'cf-connecting-ip': `198.51.100.${++counter % 250}` });
/** A new person joins the store through an invitation; returns their credentials. */
async function member(f: StoreFixture, role: string) {
	const { token } = await invite(f, role);
	const email = `${role.toLowerCase()}${++counter}@example.com`;
	const password = 'member password 1';
	const res = await call(`/invites/${token}/accept`, { method: 'POST', headers: fromSomewhere(), json: { email, password, name: `${role} ${counter}` } });
	expect(res.status).toBe(200);
	const { userId } = await json<{ userId: string }>(res);
	return { email, password, userId, basic: { email, password } };
}

describe('signing in with a session cookie', () => {
	it('sets a secure HttpOnly cookie that then authenticates, and signs out', async () => {
		await ensureAdmin();
		const res = await call('/session', { method: 'POST', json: ADMIN });
		expect(res.status).toBe(200);
		const setCookie = res.headers.get('set-cookie')!;
		expect(setCookie).toMatch(/HttpOnly/);
		expect(setCookie).toMatch(/Secure/);
		expect(setCookie).toMatch(/SameSite=Strict/);
		expect(setCookie).toMatch(/Path=\/api/);
		const body = await json(res);
		expect(body).toMatchObject({ user: { email: ADMIN.email } });
		const cookie = `fp_session=${cookieOf(res)}`;
		expect((await call('/session', { headers: { cookie } })).status).toBe(200);
		expect((await call('/session', { method: 'DELETE', headers: { cookie, origin: 'http://flashpoint.test' } })).status).toBe(200);
		expect((await call('/session', { headers: { cookie } })).status).toBe(401);
	});

	it('refuses a cookie-authenticated change from another site (CSRF)', async () => {
		await ensureAdmin();
		const cookie = `fp_session=${cookieOf(await call('/session', { method: 'POST', json: ADMIN }))}`;
		const res = await call('/stores', { method: 'POST', headers: { cookie, origin: 'https://evil.example' }, json: { name: 'x' } });
		expect(res.status).toBe(403);
		expect(await json(res)).toMatchObject({ code: 'cross-site-request' });
		const ok = await call('/stores', { method: 'POST', headers: { cookie, origin: 'http://flashpoint.test' }, json: { name: 'Mine' } });
		expect(ok.status).toBe(200);
	});

	it('locks an account after five wrong passwords, whatever the password, and tells how long', async () => {
		const f = await createStore();
		const person = await member(f, 'Employee');
		for (let i = 0; i < 5; i++) {
			const res = await call('/session', { method: 'POST', json: { email: person.email, password: 'wrong' } });
			expect(res.status).toBe(401);
		}
		const locked = await call('/session', { method: 'POST', json: { email: person.email, password: person.password } });
		expect(locked.status).toBe(429);
		expect((await json(locked)).message).toMatch(/try again in \d+ seconds/);
		// Basic auth is locked too.
		expect((await call('/session', { headers: {}, basic: person.basic })).status).toBe(429);
		await env.DB.prepare('update users set locked_until = ? where id = ?').bind(Date.now() - 1, person.userId).run();
		expect((await call('/session', { method: 'POST', json: { email: person.email, password: person.password } })).status).toBe(200);
		// Five wrong passwords and the refused try while locked are all in the audit log.
		const audit = await env.DB.prepare(`select count(*) as n from audit_log where action = 'user.login-failed' and target = ?`).bind(person.email).first<{ n: number }>();
		expect(audit!.n).toBe(6);
	});

	it('logs out everywhere, and a password change ends the other sessions', async () => {
		const f = await createStore();
		const person = await member(f, 'Guest');
		const login = async () => `fp_session=${cookieOf(await call('/session', { method: 'POST', json: { email: person.email, password: person.password } }))}`;
		const a = await login();
		const b = await login();
		const changed = await call('/users/me', {
			method: 'PUT',
			headers: { cookie: a, origin: 'http://flashpoint.test' },
			json: { currentPassword: person.password, newPassword: 'a new long password' }
		});
		expect(changed.status).toBe(200);
		const fresh = `fp_session=${cookieOf(changed)}`;
		expect((await call('/session', { headers: { cookie: b } })).status).toBe(401);
		expect((await call('/session', { headers: { cookie: fresh } })).status).toBe(200);
		expect((await call('/session/revoke-all', { method: 'POST', headers: { cookie: fresh, origin: 'http://flashpoint.test' } })).status).toBe(200);
		expect((await call('/session', { headers: { cookie: fresh } })).status).toBe(401);
	});
});

describe('team and invitations', () => {
	it('an invitation works once, and not after it expires', async () => {
		const f = await createStore();
		const { token } = await invite(f, 'Employee');
		expect(await json(await call(`/invites/${token}`))).toMatchObject({ storeName: 'Test café', role: 'Employee' });
		const ok = await call(`/invites/${token}/accept`, { method: 'POST', json: { email: 'new1@example.com', password: 'password 1234' } });
		expect(ok.status).toBe(200);
		expect(cookieOf(ok)).toBeTruthy();
		const again = await call(`/invites/${token}/accept`, { method: 'POST', json: { email: 'new2@example.com', password: 'password 1234' } });
		expect(again.status).toBe(410);
		const old = await invite(f, 'Employee');
		await env.DB.prepare('update invites set expires_at = 0 where used_at is null').run();
		expect((await call(`/invites/${old.token}/accept`, { method: 'POST', json: { email: 'new3@example.com', password: 'password 1234' } })).status).toBe(410);
		const members = await json<Array<{ email: string; role: string }>>(await call(`/stores/${f.storeId}/users`, { headers: f.auth }));
		expect(members.map((m) => [m.email, m.role])).toContainEqual(['new1@example.com', 'Employee']);
	});

	it('a manager cannot hand out more than they hold, nor touch owners or their own role', async () => {
		const f = await createStore();
		const manager = await member(f, 'Manager');
		const cashier = await member(f, 'Employee');
		const m = { basic: manager.basic };
		expect((await call(`/stores/${f.storeId}/invites`, { method: 'POST', ...m, json: { role: 'Owner' } })).status).toBe(403);
		expect((await call(`/stores/${f.storeId}/invites`, { method: 'POST', ...m, json: { role: 'Manager' } })).status).toBe(403);
		expect((await call(`/stores/${f.storeId}/invites`, { method: 'POST', ...m, json: { role: 'Employee' } })).status).toBe(200);
		expect((await call(`/stores/${f.storeId}/users/${manager.userId}`, { method: 'PUT', ...m, json: { role: 'Owner' } })).status).toBe(403);
		expect((await call(`/stores/${f.storeId}/users/${cashier.userId}`, { method: 'PUT', ...m, json: { role: 'Manager' } })).status).toBe(403);
		expect((await call(`/stores/${f.storeId}/users/${cashier.userId}`, { method: 'PUT', ...m, json: { role: 'Guest' } })).status).toBe(200);
		expect((await call(`/stores/${f.storeId}/users/${ADMIN.email}`, { method: 'DELETE', ...m })).status).toBe(403);
		// The cashier cannot manage the team at all.
		expect((await call(`/stores/${f.storeId}/invites`, { method: 'POST', basic: cashier.basic, json: { role: 'Guest' } })).status).toBe(403);
		// The last owner stays.
		const owners = await json<Array<{ userId: string; role: string }>>(await call(`/stores/${f.storeId}/users`, { headers: f.auth }));
		const owner = owners.find((o) => o.role === 'Owner')!;
		const res = await call(`/stores/${f.storeId}/users/${owner.userId}`, { method: 'PUT', headers: f.auth, json: { role: 'Guest' } });
		expect(res.status).toBe(403); // the owner here is the admin acting on themself
		const audit = await json<Array<{ action: string }>>(await call(`/stores/${f.storeId}/audit`, { headers: f.auth }));
		expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['team.invite', 'team.join', 'team.role']));
		expect((await call(`/stores/${f.storeId}/audit`, { basic: manager.basic })).status).toBe(403);
	});

	it('a key never exceeds its user', async () => {
		const f = await createStore();
		const cashier = await member(f, 'Employee');
		const tooMuch = await call('/api-keys', { method: 'POST', basic: cashier.basic, json: { permissions: [`btcpay.store.canmodifystoresettings:${f.storeId}`] } });
		expect(tooMuch.status).toBe(422);
		const broad = await json<{ apiKey: string }>(await call('/api-keys', { method: 'POST', basic: cashier.basic, json: { permissions: ['btcpay.store.cancreateinvoice'] } }));
		const auth = { authorization: `token ${broad.apiKey}` };
		expect((await call(`/stores/${f.storeId}/invoices`, { method: 'POST', headers: auth, json: { amount: '5' } })).status).toBe(200);
		const other = await createStore();
		expect((await call(`/stores/${other.storeId}/invoices`, { method: 'POST', headers: auth, json: { amount: '5' } })).status).toBe(403);
		expect((await call('/api-keys', { method: 'POST', basic: cashier.basic, json: { permissions: ['unrestricted'] } })).status).toBe(422);
	});
});

describe('terminals and cashier PINs', () => {
	async function pairedTablet(f: StoreFixture) {
		const code = await json<{ code: string; pairUrl: string }>(
			await call(`/stores/${f.storeId}/terminals/pairing-codes`, { method: 'POST', headers: f.auth, json: { name: 'Front till' } })
		);
		expect(code.code).toMatch(/^[2-9A-HJ-NP-Z]{10}$/);
		expect(code.pairUrl).toBe(`http://flashpoint.test/pos?pair=${code.code}`);
		const where = fromSomewhere();
		const paired = await call('/terminals/pair', { method: 'POST', headers: where, json: { code: code.code.toLowerCase() } });
		expect(paired.status).toBe(200);
		const body = await json<{ token: string; terminal: { id: string; name: string } }>(paired);
		expect(body.terminal.name).toBe('Front till');
		const reuse = await call('/terminals/pair', { method: 'POST', headers: where, json: { code: code.code } });
		expect(reuse.status).toBe(410);
		return { token: body.token, id: body.terminal.id, auth: { authorization: `Terminal ${body.token}` } };
	}

	it('pairs a tablet once; the tablet alone charges nothing; a cashier signs in by PIN and charges within their role', async () => {
		const f = await createStore();
		const cashier = await member(f, 'Employee');
		expect((await call('/users/me/pin', { method: 'PUT', basic: cashier.basic, json: { pin: '2468', currentPassword: cashier.password } })).status).toBe(200);
		const tablet = await pairedTablet(f);
		const info = await json<Record<string, any>>(await call('/terminal', { headers: tablet.auth }));
		expect(info.store).toMatchObject({ id: f.storeId, name: 'Test café', testMode: true });
		expect(info.cashiers.find((c: { userId: string }) => c.userId === cashier.userId)).toMatchObject({ pinSet: true, pinLocked: false, role: 'Employee' });
		const alone = await call(`/stores/${f.storeId}/invoices`, { method: 'POST', headers: tablet.auth, json: { amount: '5' } });
		expect(alone.status).toBe(401);
		expect(await json(alone)).toMatchObject({ code: 'cashier-locked' });

		const signIn = await call('/terminal/cashier', { method: 'POST', headers: tablet.auth, json: { userId: cashier.userId, pin: '2468' } });
		expect(signIn.status).toBe(200);
		const { token } = await json<{ token: string }>(signIn);
		const till = { ...tablet.auth, 'x-flashpoint-cashier': token };
		const sale = await call(`/stores/${f.storeId}/invoices`, { method: 'POST', headers: till, json: { amount: '5' } });
		expect(sale.status).toBe(200);
		const row = await env.DB.prepare('select created_by from invoices where id = ?').bind((await json(sale)).id).first<{ created_by: string }>();
		expect(row!.created_by).toBe(`cashier:${tablet.id}/${cashier.userId}`);
		// Settings, reports of other stores and keys are out of reach from the till.
		expect((await call(`/stores/${f.storeId}`, { method: 'PUT', headers: till, json: { name: 'Hacked' } })).status).toBe(403);
		expect((await call(`/stores/${f.storeId}/audit`, { headers: till })).status).toBe(403);
		expect((await call('/api-keys', { method: 'POST', headers: till, json: {} })).status).toBe(403);
		const other = await createStore();
		expect((await call(`/stores/${other.storeId}/invoices`, { method: 'POST', headers: till, json: { amount: '5' } })).status).toBe(403);

		// Idle lock: after the terminal's idle minutes the PIN is needed again.
		await env.DB.prepare('update cashier_sessions set last_seen_at = ? where terminal_id = ?').bind(Date.now() - 6 * 60_000, tablet.id).run();
		const idle = await call(`/stores/${f.storeId}/invoices`, { method: 'POST', headers: till, json: { amount: '5' } });
		expect(idle.status).toBe(401);
		expect(await json(idle)).toMatchObject({ code: 'cashier-locked' });

		// Revoking the terminal ends it.
		expect((await call(`/stores/${f.storeId}/terminals/${tablet.id}`, { method: 'DELETE', headers: f.auth })).status).toBe(200);
		const revoked = await call('/terminal', { headers: tablet.auth });
		expect(revoked.status).toBe(401);
		expect(await json(revoked)).toMatchObject({ code: 'terminal-revoked' });
	});

	it('locks a PIN after five wrong tries until a manager unlocks it', async () => {
		const f = await createStore();
		const cashier = await member(f, 'Employee');
		const manager = await member(f, 'Manager');
		await call('/users/me/pin', { method: 'PUT', basic: cashier.basic, json: { pin: '1357', currentPassword: cashier.password } });
		const tablet = await pairedTablet(f);
		const tryPin = (pin: string) => call('/terminal/cashier', { method: 'POST', headers: tablet.auth, json: { userId: cashier.userId, pin } });
		for (let i = 1; i <= 4; i++) {
			const res = await tryPin('0000');
			expect(res.status).toBe(401);
			expect((await json(res)).message).toBe(`Wrong PIN; ${5 - i} tries left.`);
		}
		expect((await tryPin('0000')).status).toBe(423);
		expect((await tryPin('1357')).status).toBe(423);
		expect((await call(`/stores/${f.storeId}/users/${cashier.userId}/pin-unlock`, { method: 'POST', basic: cashier.basic })).status).toBe(403);
		expect((await call(`/stores/${f.storeId}/users/${cashier.userId}/pin-unlock`, { method: 'POST', basic: manager.basic })).status).toBe(200);
		expect((await tryPin('1357')).status).toBe(200);
	});

	it('rate-limits pairing-code guesses', async () => {
		const statuses: number[] = [];
		for (let i = 0; i < 12; i++) {
			statuses.push((await call('/terminals/pair', { method: 'POST', headers: { 'cf-connecting-ip': '203.0.113.9' }, json: { code: 'ABCDEFGHJK' } })).status);
		}
		expect(statuses.slice(0, 10).every((s) => s === 410)).toBe(true);
		expect(statuses.slice(10)).toEqual([429, 429]);
	});
});


describe('managing one’s API keys', () => {
	it('lists keys without the secret and revokes by id; refusals are audited', async () => {
		const f = await createStore();
		const person = await member(f, 'Manager');
		const created = await json<{ apiKey: string }>(
			await call('/api-keys', { method: 'POST', basic: person.basic, json: { label: 'reports', permissions: [`btcpay.store.canviewinvoices:${f.storeId}`] } })
		);
		const list = await json<Array<Record<string, any>>>(await call('/users/me/api-keys', { basic: person.basic }));
		expect(list).toHaveLength(1);
		expect(list[0]).toMatchObject({ label: 'reports', permissions: [`btcpay.store.canviewinvoices:${f.storeId}`], revoked: null });
		expect(JSON.stringify(list)).not.toContain(created.apiKey);
		const keyAuth = { authorization: `token ${created.apiKey}` };
		// The key tries what its user may do but the key may not: refused and audited.
		expect((await call(`/stores/${f.storeId}/products`, { method: 'POST', headers: keyAuth, json: { title: 'x', price: '1' } })).status).toBe(403);
		const audit = await json<Array<{ action: string; target: string }>>(await call(`/stores/${f.storeId}/audit`, { headers: f.auth }));
		expect(audit.find((a) => a.action === 'access.denied')?.target).toBe(`POST /api/v1/stores/${f.storeId}/products`);
		expect((await call(`/users/me/api-keys/${list[0]!.id}`, { method: 'DELETE', basic: person.basic })).status).toBe(200);
		expect((await call(`/stores/${f.storeId}/invoices`, { headers: keyAuth })).status).toBe(401);
		expect((await call(`/users/me/api-keys/${list[0]!.id}`, { method: 'DELETE', basic: person.basic })).status).toBe(404);
	});
});
