// A cashier signs the till in, rings up sales on the keypad and from the item grid, adds a tip
// and charges; the customer's page and the till both show the payment the moment the (simulated)
// node sees it. Also: partial payments, a lost answer retried without a second invoice, the item
// editor, signing out, and the till in Arabic, right-to-left.
import { expect, test, type Page } from '@playwright/test';
import { chargedInvoiceId, DEMO, prepareDemoStore, signInToTill, typeOnKeypad, type DemoProduct } from './helpers';

let products: DemoProduct[] = [];

test.beforeAll(async ({ playwright }, testInfo) => {
	const api = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
	products = await prepareDemoStore(api);
	await api.dispose();
});

/** Clicks a test-wallet button and waits for the payment to be accepted by the server. */
async function payAndWait(page: Page, testId: string): Promise<void> {
	const [response] = await Promise.all([
		page.waitForResponse((r) => r.url().includes('/node/simulate-payment') && r.request().method() === 'POST'),
		page.getByTestId(testId).click()
	]);
	expect(response.ok(), await response.text()).toBe(true);
}

test('a keypad sale with a tip is paid and both the till and the customer see it within a second', async ({
	page,
	context,
	browser
}) => {
	await signInToTill(page);
	await expect(page.getByTestId('test-mode-banner')).toHaveText('TEST MODE — no real money');

	// Digits shift in like a till: 1 5 0 0 0 0 is 1,500.00 JMD; backspace drops the last one.
	await typeOnKeypad(page, '1500009');
	await expect(page.getByTestId('keypad-amount')).toHaveText('JMD 15,000.09');
	await page.getByTestId('key-backspace').click();
	await expect(page.getByTestId('keypad-amount')).toHaveText('JMD 1,500.00');

	// 10% of 1,500.00 is 150.00, shown apart from the subtotal.
	await page.getByTestId('tip-10').click();
	await expect(page.getByTestId('subtotal')).toHaveText('JMD 1,500.00');
	await expect(page.getByTestId('tip-amount')).toHaveText('JMD 150.00');
	await expect(page.getByTestId('total')).toHaveText('JMD 1,650.00');

	const created = page.waitForResponse((r) => r.url().endsWith(`/stores/${DEMO.storeId}/invoices`));
	await page.getByTestId('charge').click();
	const invoice = (await (await created).json()) as { id: string; amount: string; currency: string };
	expect(invoice).toMatchObject({ amount: '1650.00', currency: 'JMD' });

	const charge = page.getByTestId('charge-screen');
	await expect(charge.getByTestId('invoice-qr').locator('svg')).toBeVisible();
	await expect(charge.getByTestId('invoice-amount')).toHaveText('JMD 1,650.00');
	await expect(charge.getByTestId('invoice-sats')).toHaveText(/^[\d,]+ sats$/);
	await expect(charge.getByTestId('countdown')).toHaveText(/Expires in 1[45]:\d\d/);
	await expect(charge.getByTestId('test-mode-banner')).toBeVisible();
	expect(await chargedInvoiceId(page)).toBe(invoice.id);

	// A customer's phone (no till key) sees the invoice but no test wallet.
	const stranger = await browser.newContext();
	const phone = await stranger.newPage();
	await phone.goto(`/i/${invoice.id}`);
	await expect(phone.getByTestId('customer-store')).toHaveText('Pay Flashpoint Demo Café');
	await expect(phone.getByTestId('invoice-amount')).toHaveText('JMD 1,650.00');
	await expect(phone.getByTestId('invoice-qr').locator('svg')).toBeVisible();
	await expect(phone.getByTestId('test-mode-banner')).toBeVisible();
	await expect(phone.getByTestId('pay-test-wallet')).toHaveCount(0);

	// The customer's page opened on the till's own device offers the test wallet.
	const customer = await context.newPage();
	await customer.goto(`/i/${invoice.id}`);
	await expect(customer.getByTestId('invoice-qr').locator('svg')).toBeVisible();
	await expect(customer.getByTestId('invoice-status')).toHaveAttribute('data-phase', 'waiting');

	await payAndWait(customer, 'pay-test-wallet');
	await Promise.all([
		expect(page.getByTestId('paid')).toBeVisible({ timeout: 1000 }),
		expect(customer.getByTestId('paid')).toBeVisible({ timeout: 1000 }),
		expect(phone.getByTestId('paid')).toBeVisible({ timeout: 1000 })
	]);
	await expect(page.getByTestId('paid')).toContainText('JMD 1,650.00');
	await expect(customer.getByTestId('receipt-total')).toHaveText('JMD 1,650.00');

	// The receipt, then a new sale starts from nothing.
	await page.bringToFront();
	await page.getByTestId('show-receipt').click();
	await expect(page.getByTestId('receipt')).toContainText('Flashpoint Demo Café');
	await expect(page.getByTestId('receipt')).toContainText('TEST — no real money was paid');
	await expect(page.getByTestId('receipt')).toHaveAttribute('data-width', '58');
	await page.getByTestId('paper-80').click();
	await expect(page.getByTestId('receipt')).toHaveAttribute('data-width', '80');
	await page.getByTestId('new-sale').click();
	await expect(page.getByTestId('charge-screen')).toHaveCount(0);
	await expect(page.getByTestId('keypad-amount')).toHaveText('JMD 0.00');
	await stranger.close();
});

test('a cart of two items is charged and paid', async ({ page }) => {
	const [first, second] = products as [DemoProduct, DemoProduct];
	await signInToTill(page);
	await page.getByTestId('mode-items').click();
	await page.getByTestId(`product-${first.id}`).click();
	await page.getByTestId(`product-${second.id}`).click();
	await page.getByTestId(`product-${second.id}`).click();
	await expect(page.getByTestId(`cart-qty-${second.id}`)).toHaveText('2');
	await page.getByRole('button', { name: `One less ${second.title}` }).click();
	await page.getByRole('button', { name: `One more ${first.title}` }).click();
	await expect(page.getByTestId(`cart-qty-${first.id}`)).toHaveText('2');
	await expect(page.getByTestId(`cart-qty-${second.id}`)).toHaveText('1');

	const total = (2n * BigInt(first.price.replace('.', '')) + BigInt(second.price.replace('.', ''))).toString();
	const totalText = `JMD ${Number(total.slice(0, -2)).toLocaleString('en')}.${total.slice(-2)}`;
	await expect(page.getByTestId('total')).toHaveText(totalText);

	await page.getByTestId('charge').click();
	await expect(page.getByTestId('invoice-qr').locator('svg')).toBeVisible();
	await expect(page.getByTestId('invoice-amount')).toHaveText(totalText);
	await payAndWait(page, 'pay-test-wallet');
	await expect(page.getByTestId('paid')).toBeVisible({ timeout: 1000 });

	await page.getByTestId('show-receipt').click();
	const receipt = page.getByTestId('receipt');
	await expect(receipt).toContainText(first.title);
	await expect(receipt).toContainText(second.title);
	await expect(receipt.getByTestId('receipt-total')).toHaveText(totalText);
	await page.getByTestId('new-sale').click();
	await expect(page.getByTestId('cart')).toContainText('Tap an item to add it.');
});

test('a partial payment shows what was paid and what is still due, then the rest settles it', async ({ page }) => {
	await signInToTill(page);
	await typeOnKeypad(page, '100000');
	await page.getByTestId('charge').click();
	await expect(page.getByTestId('invoice-qr').locator('svg')).toBeVisible();

	await payAndWait(page, 'pay-part');
	const status = page.getByTestId('invoice-status');
	await expect(status).toHaveAttribute('data-phase', 'partial', { timeout: 1000 });
	await expect(status).toContainText('Partly paid');
	await expect(page.getByTestId('paid-so-far')).toHaveText(/^Paid: [\d,]+ sats \(JMD\s[\d,.]+\)$/);
	await expect(page.getByTestId('still-due')).toHaveText(/^Still due: [\d,]+ sats \(JMD\s[\d,.]+\)$/);
	// Still payable: the QR stays up.
	await expect(page.getByTestId('invoice-qr')).toBeVisible();

	await payAndWait(page, 'pay-test-wallet');
	await expect(page.getByTestId('paid')).toBeVisible({ timeout: 1000 });
});

test('with live updates cut, the customer page polls and still sees the payment', async ({ page, browser }) => {
	await signInToTill(page);
	await typeOnKeypad(page, '30000');
	await page.getByTestId('charge').click();
	await expect(page.getByTestId('invoice-qr').locator('svg')).toBeVisible();
	const id = await chargedInvoiceId(page);

	const phoneContext = await browser.newContext();
	const phone = await phoneContext.newPage();
	// Every WebSocket to the live endpoint is refused at once, as behind a proxy that drops them.
	await phone.routeWebSocket(/\/checkout\/[^/]+\/live$/, (ws) => ws.close({ code: 1011, reason: 'test' }));
	await phone.goto(`/i/${id}`);
	await expect(phone.getByText('Live updates interrupted: checking every 2 seconds')).toBeVisible();

	await payAndWait(page, 'pay-test-wallet');
	await expect(page.getByTestId('paid')).toBeVisible({ timeout: 1000 });
	// Polling every 2 s (plus the request) finds it without the socket.
	await expect(phone.getByTestId('paid')).toBeVisible({ timeout: 3500 });
	await phoneContext.close();
});

test('an invoice whose answer was lost is retried with the same key and made once', async ({ page }) => {
	await signInToTill(page);
	await typeOnKeypad(page, '25000');

	const keys: string[] = [];
	let firstId: string | null = null;
	await page.route(`**/api/v1/stores/${DEMO.storeId}/invoices`, async (route) => {
		keys.push((await route.request().headerValue('idempotency-key')) ?? '');
		if (firstId === null) {
			// The server creates the invoice, but the answer never reaches the till.
			const response = await route.fetch();
			firstId = ((await response.json()) as { id: string }).id;
			await route.abort('connectionreset');
		} else {
			await route.continue();
		}
	});

	await page.getByTestId('charge').click();
	await expect(page.getByTestId('charge-problem')).toContainText('Could not create the invoice');
	await page.getByTestId('charge').click();
	await expect(page.getByTestId('invoice-qr').locator('svg')).toBeVisible();

	expect(keys).toHaveLength(2);
	expect(keys[1]).toBe(keys[0]);
	expect(await chargedInvoiceId(page)).toBe(firstId);
});

test('the item editor adds, changes and deletes an item', async ({ page }) => {
	await signInToTill(page);
	await page.getByTestId('edit-items').click();
	const editor = page.getByTestId('item-editor');
	await page.getByTestId('editor-add').click();
	await page.getByTestId('editor-title').fill('Sorrel drink');
	await page.getByTestId('editor-price').fill('3.5.0');
	await page.getByTestId('editor-save').click();
	await expect(editor.getByRole('alert')).toHaveText('Type the price as an amount, such as 450.00.');
	await page.getByTestId('editor-price').fill('300');
	await page.getByTestId('editor-category').fill('Drinks');
	await page.getByTestId('editor-save').click();
	const row = editor.locator('li', { hasText: 'Sorrel drink' });
	await expect(row).toContainText('JMD 300.00 · Drinks');

	await row.getByRole('button', { name: 'Edit Sorrel drink' }).click();
	await page.getByTestId('editor-price').fill('320.50');
	await page.getByTestId('editor-save').click();
	await expect(row).toContainText('JMD 320.50');

	// It is on the grid.
	await page.getByTestId('editor-done').click();
	await page.getByTestId('mode-items').click();
	await expect(page.getByRole('button', { name: /Sorrel drink/ })).toContainText('JMD 320.50');

	// Deleting asks once more before it happens.
	await page.getByTestId('edit-items').click();
	await row.getByRole('button', { name: 'Delete' }).click();
	await row.getByRole('button', { name: 'Delete Sorrel drink for good' }).click();
	await expect(editor.locator('li', { hasText: 'Sorrel drink' })).toHaveCount(0);
});

test('a store without a Lightning node says so and the till cannot charge', async ({ page }) => {
	// As the API answers for a store whose node was never connected.
	await page.route(`**/api/v1/stores/${DEMO.storeId}/node`, (route) =>
		route.fulfill({
			status: 422,
			json: { code: 'node-not-configured', message: 'This store has no Lightning node yet.' }
		})
	);
	await signInToTill(page);
	await expect(page.getByTestId('node-missing')).toContainText('This store has no Lightning node connected');
	await typeOnKeypad(page, '1000');
	await expect(page.getByTestId('charge')).toBeDisabled();
});

test('signing out forgets the key on this device and revokes it', async ({ page, request }) => {
	await signInToTill(page);
	const apiKey = await page.evaluate(() => (JSON.parse(localStorage.getItem('flashpoint.pos') ?? '{}') as { apiKey?: string }).apiKey);
	expect(apiKey).toBeTruthy();
	const revoked = page.waitForResponse((r) => r.url().endsWith('/api-keys/current') && r.request().method() === 'DELETE');
	await page.getByTestId('sign-out').click();
	expect((await revoked).ok()).toBe(true);
	await expect(page.getByTestId('sign-in-email')).toBeVisible();
	expect(await page.evaluate(() => localStorage.getItem('flashpoint.pos'))).toBeNull();
	const after = await request.get(`/api/v1/stores/${DEMO.storeId}`, { headers: { authorization: `token ${apiKey}` } });
	expect(after.status()).toBe(401);
});

test('a wrong password is said plainly and nothing is kept', async ({ page }) => {
	await page.goto('/pos');
	await page.getByTestId('sign-in-email').fill(DEMO.email);
	await page.getByTestId('sign-in-password').fill('not-the-password');
	await page.getByTestId('sign-in-submit').click();
	await expect(page.getByTestId('sign-in-problem')).toHaveText('The e-mail or password is wrong.');
	expect(await page.evaluate(() => localStorage.getItem('flashpoint.pos'))).toBeNull();
});

test('the till in Arabic is right-to-left and still charges', async ({ page }) => {
	await signInToTill(page, '/pos?lang=ar');
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('نقطة البيع');
	await expect(page.getByTestId('test-mode-banner')).toHaveText('وضع الاختبار — لا أموال حقيقية');

	// Mirrored: the keypad tab (first) is on the right of the items tab, the keypad on the right
	// of the totals, and "1" at the right end of its row.
	const keypadTab = (await page.getByTestId('mode-keypad').boundingBox())!;
	const itemsTab = (await page.getByTestId('mode-items').boundingBox())!;
	expect(keypadTab.x).toBeGreaterThan(itemsTab.x);
	const one = (await page.getByTestId('key-1').boundingBox())!;
	const three = (await page.getByTestId('key-3').boundingBox())!;
	expect(one.x).toBeGreaterThan(three.x);
	const charge = (await page.getByTestId('charge').boundingBox())!;
	expect(charge.x).toBeLessThan(one.x);

	await typeOnKeypad(page, '50000');
	await page.getByTestId('tip-15').click();
	await expect(page.getByTestId('charge')).toContainText('تحصيل');
	await page.getByTestId('charge').click();
	await expect(page.getByTestId('invoice-qr').locator('svg')).toBeVisible();
	await expect(page.getByTestId('invoice-status')).toHaveText('في انتظار الدفع');
	await payAndWait(page, 'pay-test-wallet');
	await expect(page.getByTestId('paid')).toContainText('تم الدفع', { timeout: 1000 });
});

test('an expired invoice says so, and a late payment is shown as late, not as paid', async ({ page, request }) => {
	test.slow();
	await signInToTill(page);
	const apiKey = await page.evaluate(() => (JSON.parse(localStorage.getItem('flashpoint.pos') ?? '{}') as { apiKey: string }).apiKey);
	// The till does not shorten expiry; a merchant's integration may (Greenfield's expirationMinutes).
	const made = await request.post(`/api/v1/stores/${DEMO.storeId}/invoices`, {
		headers: { authorization: `token ${apiKey}` },
		data: { amount: '200.00', currency: 'JMD', checkout: { expirationMinutes: 0.5 } }
	});
	expect(made.ok(), await made.text()).toBe(true);
	const { id } = (await made.json()) as { id: string };

	const customer = await page.context().newPage();
	await customer.goto(`/i/${id}`);
	await expect(customer.getByTestId('countdown')).toHaveText(/Expires in 0:[0-3]\d/);
	const status = customer.getByTestId('invoice-status');
	await expect(status).toHaveAttribute('data-phase', 'expired', { timeout: 45_000 });
	await expect(status).toHaveText('Expired: this invoice was not paid in time.');
	await expect(customer.getByTestId('invoice-qr')).toHaveCount(0);

	await payAndWait(customer, 'pay-late');
	await expect(status).toHaveAttribute('data-phase', 'paid-late', { timeout: 1000 });
	await expect(status).toContainText('Paid after the invoice expired');
	await expect(customer.getByTestId('paid')).toHaveCount(0);
});
