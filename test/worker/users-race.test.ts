// A fresh database (isolation is per file): two sign-ups at once must yield exactly one admin.
import { env } from 'cloudflare:workers';
import { expect, it } from 'vitest';
import { call } from './helpers';

it('lets exactly one of several concurrent first sign-ups become the admin', async () => {
	const results = await Promise.all(
		['a', 'b', 'c', 'd'].map((n) =>
			call('/users', { method: 'POST', json: { email: `${n}@example.com`, password: 'password-1234' } })
		)
	);
	const statuses = results.map((r) => r.status).sort();
	expect(statuses.filter((s) => s === 201)).toHaveLength(1);
	expect(statuses.filter((s) => s !== 201).every((s) => s === 401)).toBe(true);
	const row = await env.DB.prepare('select count(*) as n from users').first<{ n: number }>();
	expect(row?.n).toBe(1);
});
