// The owner connects the store to their own LND from the merchant app, tests the connection
// (each check shown), sees a wrong credential explained, and goes back to the simulated node;
// and creates a store-scoped API key that works once, shown once.
import { expect, test } from '@playwright/test';
import { basicAuth, DEMO, signInToMerchant } from './helpers';
import { startFakeLnd, type FakeLnd } from './fake-lnd';

let lnd: FakeLnd;

test.beforeAll(async () => {
	lnd = await startFakeLnd();
});

test.afterAll(async ({ playwright }, testInfo) => {
	// Whatever happened above, later specs expect the demo store on the simulated node.
	const api = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL, extraHTTPHeaders: { authorization: basicAuth() } });
	await api.put(`/api/v1/stores/${DEMO.storeId}/node`, { data: { kind: 'simulated' } });
	await api.dispose();
	await lnd?.close();
});

test('the owner connects an LND node, tests it, and switches back to the simulated node', async ({ page }) => {
	await signInToMerchant(page, DEMO.email, DEMO.password);
	await page.getByTestId('m-section-node').click();
	await expect(page.getByTestId('node-current')).toContainText('Simulated');

	await page.getByTestId('node-kind').selectOption('lnd');
	const form = page.locator('form').filter({ has: page.getByTestId('node-save') });
	await form.locator('input').nth(0).fill(lnd.url);
	await form.locator('input').nth(1).fill(lnd.macaroon);
	await page.getByTestId('node-save').click();
	await expect(page.getByTestId('node-current')).toContainText('LND');
	await expect(page.getByTestId('node-current')).toContainText('regtest');

	await page.getByTestId('node-test').click();
	await expect(page.getByTestId('node-checks')).toBeVisible();
	const checks = page.getByTestId('node-checks').locator('li');
	expect(await checks.count()).toBeGreaterThanOrEqual(4);
	await expect(page.getByTestId('node-checks')).toContainText('LND');

	// A wrong macaroon: saved, but the test says the credentials were refused.
	await page.getByTestId('node-kind').selectOption('lnd');
	await form.locator('input').nth(0).fill(lnd.url);
	await form.locator('input').nth(1).fill('ab'.repeat(40));
	await page.getByTestId('node-save').click();
	await page.getByTestId('node-test').click();
	await expect(page.getByTestId('node-checks')).toContainText(/macaroon|credential|refused|auth/i);

	await page.getByTestId('node-kind').selectOption('simulated');
	await page.getByTestId('node-save').click();
	await expect(page.getByTestId('node-current')).toContainText('Simulated');
});

test('the owner makes a store-scoped API key that works and is shown once', async ({ page, request }) => {
	await signInToMerchant(page, DEMO.email, DEMO.password);
	await page.getByTestId('m-section-keys').click();
	await page.getByTestId('key-label').fill('accounting export');
	await page.locator('label.check', { hasText: 'canviewinvoices' }).locator('input').check();
	await page.locator('label.check').last().locator('input').check();
	await page.getByTestId('key-create').click();
	const key = await page.getByTestId('key-value').inputValue();
	expect(key).toMatch(/^[0-9a-f]{40}$/);
	const ok = await request.get(`/api/v1/stores/${DEMO.storeId}/invoices`, { headers: { authorization: `token ${key}` } });
	expect(ok.status()).toBe(200);
	const refused = await request.post(`/api/v1/stores/${DEMO.storeId}/products`, {
		headers: { authorization: `token ${key}` },
		data: { title: 'x', price: '1.00' }
	});
	expect(refused.status()).toBe(403);
	await page.reload();
	await expect(page.getByTestId('key-value')).toHaveCount(0);
});
