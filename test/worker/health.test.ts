import { describe, expect, it } from 'vitest';
import { call } from './helpers';
import pkg from '../../package.json';

describe('GET /api/v1/health', () => {
	it('answers ok after reading D1, with the version and a request id', async () => {
		const res = await call('/health');
		expect(res.status).toBe(200);
		expect(res.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9]{8,}$/);
		expect(await res.json()).toEqual({
			status: 'ok',
			version: pkg.version,
			database: 'ok',
			synchronized: true
		});
	});

	it('echoes a sane caller request id and replaces an unsafe one', async () => {
		const mine = await call('/health', { headers: { 'x-request-id': 'till-7-0001' } });
		expect(mine.headers.get('x-request-id')).toBe('till-7-0001');
		const bad = await call('/health', { headers: { 'x-request-id': 'a b<script>' } });
		expect(bad.headers.get('x-request-id')).not.toBe('a b<script>');
	});
});

describe('unknown routes', () => {
	it('answer 404 in the Greenfield error shape', async () => {
		const res = await call('/nothing-here');
		expect(res.status).toBe(404);
		expect(await res.json()).toEqual({
			code: 'not-found',
			message: 'There is no API route GET /api/v1/nothing-here.'
		});
	});
});
