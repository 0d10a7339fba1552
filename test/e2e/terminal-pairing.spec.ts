// A shared tablet: the owner makes a pairing code in the merchant app, the tablet opens
// /pos?pair=CODE, the demo cashier unlocks it with their PIN and sells (paid with the test
// wallet), then locks it; the owner takes over by PIN, after a wrong PIN shows the tries left.
import { expect, test } from '@playwright/test';
import { DEMO_CASHIER, DEMO_CASHIER_ID, DEMO_LOGIN, DEMO_USER_ID } from '../../worker/data/demo-seed.ts';
import { prepareDemoStore, signInToMerchant, typeOnKeypad } from './helpers';

test.beforeAll(async ({ playwright }, testInfo) => {
	const api = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
	await prepareDemoStore(api);
	await api.dispose();
});

test('a tablet paired by code sells as a PIN-signed cashier, locks and switches cashier', async ({ page, browser }) => {
	await signInToMerchant(page, DEMO_LOGIN.email, DEMO_LOGIN.password);
	await page.getByTestId('m-section-terminals').click();
	await page.getByTestId('terminal-name').fill('Front till');
	await page.getByTestId('pairing-create').click();
	const code = (await page.getByTestId('pairing-code').textContent())!.trim();
	expect(code).toMatch(/^[2-9A-HJ-NP-Z]{10}$/);
	await expect(page.getByTestId('qr').locator('svg')).toBeVisible();
	await expect(page.getByTestId('pairing-url')).toHaveValue(new RegExp(`/pos\\?pair=${code}$`));

	const tabletContext = await browser.newContext();
	const tablet = await tabletContext.newPage();
	await tablet.goto(`/pos?pair=${code}`);
	await expect(tablet.getByTestId('lock-screen')).toBeVisible();
	await expect(tablet).toHaveURL(/\/pos$/);
	await tablet.getByTestId(`cashier-${DEMO_CASHIER_ID}`).click();
	for (const digit of DEMO_CASHIER.pin) await tablet.getByTestId(`pin-key-${digit}`).click();
	await expect(tablet.getByTestId('pin-dots')).toHaveAttribute('data-length', '4');
	await tablet.getByTestId('pin-submit').click();
	await expect(tablet.getByTestId('current-cashier')).toHaveText(DEMO_CASHIER.name);
	await expect(tablet.getByTestId('charge')).toBeVisible();
	// A cashier may not edit the items.
	await expect(tablet.getByTestId('edit-items')).toHaveCount(0);

	await typeOnKeypad(tablet, '50000');
	const created = tablet.waitForResponse((r) => r.url().endsWith('/invoices') && r.request().method() === 'POST');
	await tablet.getByTestId('charge').click();
	const request = (await created).request();
	expect(await request.headerValue('authorization')).toMatch(/^Terminal /);
	expect(await request.headerValue('x-flashpoint-cashier')).toBeTruthy();
	await expect(tablet.getByTestId('invoice-qr').locator('svg')).toBeVisible();
	const [paid] = await Promise.all([
		tablet.waitForResponse((r) => r.url().includes('/node/simulate-payment')),
		tablet.getByTestId('pay-test-wallet').click()
	]);
	expect(paid.ok(), await paid.text()).toBe(true);
	await expect(tablet.getByTestId('paid')).toBeVisible();
	await tablet.getByTestId('new-sale').click();

	// Lock: the same cashier's PIN is asked; someone else takes over by their own PIN.
	await typeOnKeypad(tablet, '1200');
	await tablet.getByTestId('lock').click();
	await expect(tablet.getByTestId('pin-for')).toContainText(DEMO_CASHIER.name);
	await tablet.getByTestId('pick-other').click();
	await tablet.getByTestId(`cashier-${DEMO_USER_ID}`).click();
	for (const digit of '9999') await tablet.getByTestId(`pin-key-${digit}`).click();
	await tablet.getByTestId('pin-submit').click();
	await expect(tablet.getByTestId('pin-problem')).toHaveText('Wrong PIN: 4 tries left.');
	await tablet.screenshot({ path: 'test-results/terminal-pin-pad.png' });
	for (const digit of DEMO_LOGIN.pin) await tablet.getByTestId(`pin-key-${digit}`).click();
	await tablet.getByTestId('pin-submit').click();
	await expect(tablet.getByTestId('lock-screen')).toHaveCount(0);
	await expect(tablet.getByTestId('current-cashier')).not.toHaveText(DEMO_CASHIER.name);
	// The sale rung up before the lock is still there; the owner may edit the items.
	await expect(tablet.getByTestId('keypad-amount')).toHaveText('JMD 12.00');
	await expect(tablet.getByTestId('edit-items')).toBeVisible();
	await tablet.screenshot({ path: 'test-results/terminal-owner.png' });
	await tabletContext.close();
});
