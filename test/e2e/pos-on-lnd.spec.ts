// A sale on a store connected to its own LND node (played by a fake LND REST server): the till
// shows the node's invoice, and shows it paid once the node reports it settled — found by the
// store's live hub polling the node while the till watches, with no push from the node.
import { expect, test } from '@playwright/test';
import { basicAuth, DEMO, typeOnKeypad } from './helpers';
import { startFakeLnd, type FakeLnd } from './fake-lnd';

let lnd: FakeLnd;
let storeId: string;

test.beforeAll(async ({ playwright }, testInfo) => {
	lnd = await startFakeLnd();
	const api = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL, extraHTTPHeaders: { authorization: basicAuth() } });
	const store = await api.post('/api/v1/stores', { data: { name: 'Node Bar', defaultCurrency: 'USD' } });
	expect(store.ok(), await store.text()).toBe(true);
	storeId = ((await store.json()) as { id: string }).id;
	const node = await api.put(`/api/v1/stores/${storeId}/node`, { data: { kind: 'lnd', url: lnd.url, macaroon: lnd.macaroon } });
	expect(node.ok(), await node.text()).toBe(true);
	expect(await node.json()).toMatchObject({ kind: 'lnd', network: 'regtest' });
	await api.dispose();
});

test.afterAll(async () => {
	await lnd?.close();
});

test('a till sale on an LND store is paid when the node says so', async ({ page }) => {
	await page.goto('/pos');
	await page.getByTestId('sign-in-email').fill(DEMO.email);
	await page.getByTestId('sign-in-password').fill(DEMO.password);
	await page.getByTestId('sign-in-submit').click();
	await page.getByTestId(`choose-store-${storeId}`).click();
	await expect(page.getByTestId('charge')).toBeVisible();

	await typeOnKeypad(page, '1250');
	const created = page.waitForResponse((r) => r.url().endsWith(`/stores/${storeId}/invoices`) && r.request().method() === 'POST');
	await page.getByTestId('charge').click();
	const invoice = (await (await created).json()) as { id: string; amount: string };
	expect(invoice.amount).toBe('12.50');
	await expect(page.getByTestId('charge-screen').getByTestId('invoice-qr').locator('svg')).toBeVisible();
	await expect(page.getByTestId('pay-test-wallet')).toHaveCount(0);

	// The node issued exactly one invoice, for the till's amount.
	expect(lnd.invoices.size).toBe(1);
	const [issued] = [...lnd.invoices.values()];
	await expect(page.getByTestId('paid')).toHaveCount(0);
	lnd.settle(issued!.hash);
	// The hub polls every second while a screen shows the invoice.
	await expect(page.getByTestId('paid')).toBeVisible({ timeout: 5_000 });
});
