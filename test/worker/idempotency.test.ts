import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import worker from '../../worker/index';
import { describe, expect, it } from 'vitest';
import { hashRequest } from '../../worker/middleware/idempotency';
import { call } from './helpers';

const body = { email: 'first@example.com', password: 'password-1234' };

async function countUsers(): Promise<number> {
	return (await env.DB.prepare('select count(*) as n from users').first<{ n: number }>())!.n;
}

describe('Idempotency-Key on POST', () => {
	it('replays the stored response for the same key and body, acting once', async () => {
		const init = { method: 'POST', json: body, headers: { 'idempotency-key': 'signup-1' } };
		const first = await call('/users', init);
		expect(first.status).toBe(201);
		const firstBody = await first.json();

		const again = await call('/users', init);
		expect(again.status).toBe(201);
		expect(again.headers.get('idempotent-replayed')).toBe('true');
		expect(again.headers.get('content-type')).toMatch(/application\/json/);
		expect(await again.json()).toEqual(firstBody);
		expect(await countUsers()).toBe(1);

		// Without the key the same request is a new request, refused now that a user exists.
		const fresh = await call('/users', { method: 'POST', json: body });
		expect(fresh.status).toBe(401);
	});

	it('refuses the same key with a different body (422 idempotency-key-reused)', async () => {
		const res = await call('/users', {
			method: 'POST',
			json: { ...body, name: 'Someone else' },
			headers: { 'idempotency-key': 'signup-1' }
		});
		expect(res.status).toBe(422);
		const err = (await res.json()) as { code: string; message: string };
		expect(err.code).toBe('idempotency-key-reused');
		expect(err.message).toContain('POST /api/v1/users');
	});

	it('keeps keys apart per caller: another caller may use the same key', async () => {
		const res = await call('/users', {
			method: 'POST',
			json: body,
			basic: { email: body.email, password: body.password },
			headers: { 'idempotency-key': 'signup-1' }
		});
		// Runs (and is refused on its merits), rather than replaying the anonymous caller's 201.
		expect(res.status).toBe(403);
		expect(res.headers.get('idempotent-replayed')).toBeNull();
	});

	it('stores refusals too, so a retried refused request is not re-run', async () => {
		const init = {
			method: 'POST',
			json: { email: 'x@example.com', password: 'password-1234' },
			headers: { 'idempotency-key': 'refused-1' }
		};
		const first = await call('/users', init);
		const again = await call('/users', init);
		expect(first.status).toBe(401);
		expect(again.status).toBe(401);
		expect(again.headers.get('idempotent-replayed')).toBe('true');
	});

	it('rejects keys that are empty, too long or not visible ASCII', async () => {
		for (const key of ['a'.repeat(256), 'has space', 'tab\there', 'caf\u00e9']) {
			const res = await call('/users', { method: 'POST', json: body, headers: { 'idempotency-key': key } });
			expect(res.status).toBe(400);
			expect(await res.json()).toMatchObject({ code: 'invalid-idempotency-key' });
		}
	});

	it('answers 409 while the first request with the key is still running, then lets a stale claim be taken over', async () => {
		const payload = JSON.stringify({ email: 'late@example.com', password: 'password-1234' });
		const requestHash = hashRequest('POST', '/api/v1/users', new TextEncoder().encode(payload));
		const insert = (createdAt: number) =>
			env.DB.prepare(
				`insert or replace into idempotency_records (scope, key, method, path, request_hash, created_at)
				 values ('anonymous:local', 'slow-1', 'POST', '/api/v1/users', ?, ?)`
			)
				.bind(requestHash, createdAt)
				.run();
		const send = () =>
			call('/users', {
				method: 'POST',
				body: payload,
				headers: { 'content-type': 'application/json', 'idempotency-key': 'slow-1' }
			});

		await insert(Date.now());
		const busy = await send();
		expect(busy.status).toBe(409);
		expect(await busy.json()).toMatchObject({ code: 'idempotency-key-in-flight' });

		await insert(Date.now() - 10 * 60 * 1000);
		const takeover = await send();
		// It ran this time (and was refused on its merits: a user exists already).
		expect(takeover.status).toBe(401);
		expect(takeover.headers.get('idempotent-replayed')).toBeNull();
		const row = await env.DB.prepare(
			`select status from idempotency_records where key = 'slow-1'`
		).first<{ status: number }>();
		expect(row?.status).toBe(401);
	});

	it('ignores the key on GET', async () => {
		const res = await call('/health', { headers: { 'idempotency-key': 'x' } });
		expect(res.status).toBe(200);
		const row = await env.DB.prepare(`select count(*) as n from idempotency_records where key = 'x'`).first<{ n: number }>();
		expect(row?.n).toBe(0);
	});
});

describe('cron sweep', () => {
	it('prunes idempotency records older than 24 hours and keeps newer ones', async () => {
		const now = Date.now();
		await env.DB.prepare(
			`insert into idempotency_records (scope, key, method, path, request_hash, status, created_at)
			 values ('s', 'old', 'POST', '/x', 'h', 201, ?), ('s', 'new', 'POST', '/x', 'h', 201, ?)`
		)
			.bind(now - 25 * 60 * 60 * 1000, now - 60 * 60 * 1000)
			.run();
		const controller = createScheduledController({ scheduledTime: new Date(now), cron: '* * * * *' });
		const ctx = createExecutionContext();
		await worker.scheduled(controller, env, ctx);
		await waitOnExecutionContext(ctx);
		const keys = await env.DB.prepare(`select key from idempotency_records where scope = 's'`).all<{ key: string }>();
		expect(keys.results.map((r) => r.key)).toEqual(['new']);
	});
});
