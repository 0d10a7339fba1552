import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { VERSION } from '../../worker/version';
import { hashRequest } from '../../worker/middleware/idempotency';

describe('release metadata', () => {
	it('the worker reports the version in package.json', async () => {
		const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
		expect(VERSION).toBe(pkg.version);
	});
});

describe('idempotency request fingerprint', () => {
	const body = new TextEncoder().encode('{"a":1}');
	it('differs when method, path or body differ and is stable otherwise', () => {
		const base = hashRequest('POST', '/api/v1/users', body);
		expect(base).toMatch(/^[0-9a-f]{64}$/);
		expect(hashRequest('POST', '/api/v1/users', body)).toBe(base);
		expect(hashRequest('PUT', '/api/v1/users', body)).not.toBe(base);
		expect(hashRequest('POST', '/api/v1/users?x=1', body)).not.toBe(base);
		expect(hashRequest('POST', '/api/v1/users', new TextEncoder().encode('{"a":2}'))).not.toBe(base);
	});
});
