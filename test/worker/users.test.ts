import { describe, expect, it } from 'vitest';
import { call } from './helpers';

const admin = { email: 'Owner@Example.com', password: 'correct horse battery' };

describe('first-user bootstrap (POST /api/v1/users)', () => {
	it('refuses an invalid body with 422 and Greenfield path/message items, creating nothing', async () => {
		const res = await call('/users', { method: 'POST', json: { email: 'not-an-email', password: 'short' } });
		expect(res.status).toBe(422);
		const body = (await res.json()) as Array<{ path: string; message: string }>;
		expect(body.map((i) => i.path).sort()).toEqual(['email', 'password']);
		expect(body.find((i) => i.path === 'password')?.message).toBe('Use at least 8 characters.');
	});

	it('refuses unknown fields (the Greenfield schema has additionalProperties: false)', async () => {
		const res = await call('/users', { method: 'POST', json: { ...admin, role: 'god' } });
		expect(res.status).toBe(422);
	});

	it('refuses malformed JSON with 400 malformed-json', async () => {
		const res = await call('/users', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{"email": '
		});
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ code: 'malformed-json' });
	});

	it('creates the first user as server admin without authentication', async () => {
		const res = await call('/users', { method: 'POST', json: admin });
		expect(res.status).toBe(201);
		const user = (await res.json()) as Record<string, unknown>;
		expect(user).toMatchObject({
			email: 'owner@example.com',
			roles: ['ServerAdmin'],
			approved: true,
			disabled: false
		});
		expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
		expect(Math.abs((user.created as number) - Date.now() / 1000)).toBeLessThan(60);
		expect(user).not.toHaveProperty('password');
		expect(user).not.toHaveProperty('passwordHash');
	});

	it('is closed to anonymous callers once a user exists', async () => {
		const res = await call('/users', {
			method: 'POST',
			json: { email: 'intruder@example.com', password: 'another password' }
		});
		expect(res.status).toBe(401);
		expect(await res.json()).toMatchObject({ code: 'unauthenticated' });
	});

	it('is closed to the admin too (team invitations are the way in)', async () => {
		const res = await call('/users', {
			method: 'POST',
			basic: admin,
			json: { email: 'second@example.com', password: 'another password' }
		});
		expect(res.status).toBe(403);
		expect(await res.json()).toMatchObject({ code: 'missing-permission' });
	});
});

describe('GET /api/v1/users/me with HTTP Basic', () => {
	it('describes the caller', async () => {
		const res = await call('/users/me', { basic: { ...admin, email: 'owner@example.com' } });
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ email: 'owner@example.com', roles: ['ServerAdmin'] });
	});

	it('refuses a wrong password and an unknown e-mail alike', async () => {
		for (const basic of [
			{ email: admin.email, password: 'wrong password' },
			{ email: 'nobody@example.com', password: admin.password }
		]) {
			const res = await call('/users/me', { basic });
			expect(res.status).toBe(401);
			expect(await res.json()).toEqual({ code: 'unauthenticated', message: 'The e-mail or password is wrong.' });
		}
	});

	it('asks anonymous callers to sign in', async () => {
		const res = await call('/users/me');
		expect(res.status).toBe(401);
	});

	it('refuses an Authorization header it cannot parse', async () => {
		const res = await call('/users/me', { headers: { authorization: 'Bearer abc' } });
		expect(res.status).toBe(401);
		expect(await res.json()).toMatchObject({ code: 'unauthenticated' });
	});
});
