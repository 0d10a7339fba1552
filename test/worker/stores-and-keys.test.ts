import { describe, expect, it } from 'vitest';
import { call } from './helpers';
import { ADMIN, createStore, ensureAdmin, json } from './setup-store';

describe('stores (Greenfield)', () => {
	it('creates a store with its creator as owner, readable and updatable', async () => {
		await ensureAdmin();
		const res = await call('/stores', { method: 'POST', basic: ADMIN, json: { name: 'Kingston Kiosk', defaultCurrency: 'jmd' } });
		expect(res.status).toBe(200);
		const store = await json(res);
		expect(store).toMatchObject({
			name: 'Kingston Kiosk',
			defaultCurrency: 'JMD',
			invoiceExpiration: 900,
			monitoringExpiration: 86400,
			speedPolicy: 'MediumSpeed',
			tipPercentages: [10, 15, 20],
			rateSource: { kind: 'fixed' },
			nodeKind: null,
			testMode: false
		});
		const id = store.id as string;
		expect((await json(await call(`/stores/${id}`, { basic: ADMIN }))).name).toBe('Kingston Kiosk');

		const put = await call(`/stores/${id}`, { method: 'PUT', basic: ADMIN, json: { name: 'Kiosk 2', tipPercentages: [5, 10], invoiceExpiration: 600 } });
		expect(put.status).toBe(200);
		expect(await json(put)).toMatchObject({ name: 'Kiosk 2', tipPercentages: [5, 10], invoiceExpiration: 600, defaultCurrency: 'JMD' });

		const list = await json<Array<{ id: string }>>(await call('/stores', { basic: ADMIN }));
		expect(list.map((s) => s.id)).toContain(id);
	});

	it.each([
		[{ name: '' }, 'name'],
		[{ name: 'X', defaultCurrency: 'XYZ' }, 'defaultCurrency'],
		[{ name: 'X', invoiceExpiration: 5 }, 'invoiceExpiration'],
		[{ name: 'X', rateSource: { kind: 'fixed', rates: { JMD: 'lots' } } }, 'rateSource.rates.JMD']
	])('refuses %o with 422 at %s', async (body, path) => {
		await ensureAdmin();
		const res = await call('/stores', { method: 'POST', basic: ADMIN, json: body });
		expect(res.status).toBe(422);
		const issues = await json<Array<{ path: string; message: string }>>(res);
		expect(issues.map((i) => i.path)).toContain(path);
		expect(issues.every((i) => i.message.length > 5)).toBe(true);
	});

	it('needs authentication', async () => {
		expect((await call('/stores')).status).toBe(401);
		expect((await call('/stores', { method: 'POST', json: { name: 'x' } })).status).toBe(401);
	});

	it('connects the simulated node and never returns its key', async () => {
		const f = await createStore({ name: 'Node test', defaultCurrency: 'USD' }, { node: false });
		const none = await call(`/stores/${f.storeId}/node`, { headers: f.auth });
		expect(none.status).toBe(422);
		expect(await json(none)).toMatchObject({ code: 'node-not-configured' });
		const res = await call(`/stores/${f.storeId}/node`, { method: 'PUT', headers: f.auth, json: { kind: 'simulated' } });
		expect(res.status).toBe(200);
		const body = await json(res);
		expect(body).toMatchObject({ kind: 'simulated', testMode: true, network: 'regtest' });
		expect(body.nodeId).toMatch(/^0[23][0-9a-f]{64}$/);
		expect(JSON.stringify(body)).not.toContain('privateKey');
		// Reconnecting keeps the same node identity (invoices it issued stay verifiable).
		const again = await json(await call(`/stores/${f.storeId}/node`, { method: 'PUT', headers: f.auth, json: { kind: 'simulated' } }));
		expect(again.nodeId).toBe(body.nodeId);
		expect((await json(await call(`/stores/${f.storeId}`, { headers: f.auth }))).testMode).toBe(true);
		const bad = await call(`/stores/${f.storeId}/node`, { method: 'PUT', headers: f.auth, json: { kind: 'mystery' } });
		expect(bad.status).toBe(422);
	});
});

describe('API keys (Greenfield)', () => {
	it('creates a key with Basic auth that then authenticates as `token`', async () => {
		const f = await createStore();
		const current = await call('/api-keys/current', { headers: f.auth });
		expect(current.status).toBe(200);
		expect(await json(current)).toEqual({ apiKey: f.key, label: 'till', permissions: [`btcpay.store.canmodifystoresettings:${f.storeId}`] });
		expect(f.key).toMatch(/^[0-9a-f]{40}$/);
	});

	it('scopes a key to its store: another store answers 403, and its invoices 404', async () => {
		const a = await createStore();
		const b = await createStore();
		const res = await call(`/stores/${b.storeId}`, { headers: a.auth });
		expect(res.status).toBe(403);
		expect(await json(res)).toMatchObject({ code: 'missing-permission' });
		const invoice = await json(await call(`/stores/${b.storeId}/invoices`, { method: 'POST', headers: b.auth, json: { amount: '100', currency: 'JMD' } }));
		const cross = await call(`/invoices/${invoice.id}`, { headers: a.auth });
		expect(cross.status).toBe(404);
		expect(await json(cross)).toMatchObject({ code: 'invoice-not-found' });
		// Through the other store's path too.
		expect((await call(`/stores/${a.storeId}/invoices/${invoice.id}`, { headers: a.auth })).status).toBe(404);
	});

	it('a key without the permission is refused with 403', async () => {
		const f = await createStore();
		const viewer = await json<{ apiKey: string }>(
			await call('/api-keys', { method: 'POST', basic: ADMIN, json: { label: 'viewer', permissions: [`btcpay.store.canviewinvoices:${f.storeId}`] } })
		);
		const res = await call(`/stores/${f.storeId}/invoices`, {
			method: 'POST',
			headers: { authorization: `token ${viewer.apiKey}` },
			json: { amount: '100', currency: 'JMD' }
		});
		expect(res.status).toBe(403);
		expect((await call(`/stores/${f.storeId}/invoices`, { headers: { authorization: `token ${viewer.apiKey}` } })).status).toBe(200);
	});

	it('refuses unknown permissions and a key creating keys', async () => {
		const f = await createStore();
		const bad = await call('/api-keys', { method: 'POST', basic: ADMIN, json: { permissions: ['btcpay.store.canfly'] } });
		expect(bad.status).toBe(422);
		expect(await json(bad)).toEqual([{ path: 'permissions.0', message: '"btcpay.store.canfly" is not a Greenfield permission.' }]);
		const byKey = await call('/api-keys', { method: 'POST', headers: f.auth, json: { permissions: [] } });
		expect(byKey.status).toBe(403);
	});

	it('revokes a key: it stops working at once', async () => {
		const f = await createStore();
		expect((await call('/api-keys/current', { method: 'DELETE', headers: f.auth })).status).toBe(200);
		const after = await call(`/stores/${f.storeId}`, { headers: f.auth });
		expect(after.status).toBe(401);
		expect(await json(after)).toMatchObject({ code: 'unauthenticated', message: 'The API key is unknown or was revoked.' });
	});
});
