// Shared by the end-to-end tests of the till and the customer's page: the demo login, making sure
// the demo store can take (simulated) payments, and signing the till in through its own screen.
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { DEMO_LOGIN, DEMO_STORE_ID } from '../../worker/data/demo-seed.ts';

export const DEMO = { ...DEMO_LOGIN, storeId: DEMO_STORE_ID } as const;

export function basicAuth(email: string = DEMO.email, password: string = DEMO.password): string {
	return `Basic ${Buffer.from(`${email}:${password}`, 'utf8').toString('base64')}`;
}

export type DemoProduct = { id: string; title: string; price: string };

/**
 * Makes sure the demo store runs on the simulated node (the seed should connect it; if it did
 * not, this connects it through the API as a merchant would) and has at least two items.
 * Returns the store's items in grid order.
 */
export async function prepareDemoStore(api: APIRequestContext): Promise<DemoProduct[]> {
	const headers = { authorization: basicAuth() };
	const base = `/api/v1/stores/${DEMO.storeId}`;
	const node = await api.get(`${base}/node`, { headers });
	if (!node.ok()) {
		expect((await node.json()) as { code: string }).toMatchObject({ code: 'node-not-configured' });
		const connect = await api.put(`${base}/node`, { headers, data: { kind: 'simulated' } });
		expect(connect.ok(), await connect.text()).toBe(true);
	}
	let products = (await (await api.get(`${base}/products`, { headers })).json()) as DemoProduct[];
	for (const [title, price] of [
		['Test coffee', '650.00'],
		['Test patty', '450.00']
	] as const) {
		if (products.length >= 2) break;
		const made = await api.post(`${base}/products`, { headers, data: { title, price, category: 'Test' } });
		expect(made.ok(), await made.text()).toBe(true);
		products = (await (await api.get(`${base}/products`, { headers })).json()) as DemoProduct[];
	}
	return products;
}

/** Signs the till in on its own screen with the demo login and picks the demo store. */
export async function signInToTill(page: Page, path = '/pos'): Promise<void> {
	await page.goto(path);
	await page.getByTestId('sign-in-email').fill(DEMO.email);
	await page.getByTestId('sign-in-password').fill(DEMO.password);
	await page.getByTestId('sign-in-submit').click();
	await page.getByTestId(`choose-store-${DEMO.storeId}`).click();
	await expect(page.getByTestId('charge')).toBeVisible();
}

/** Presses keypad keys one by one, as a cashier does. */
export async function typeOnKeypad(page: Page, digits: string): Promise<void> {
	for (const digit of digits) await page.getByTestId(`key-${digit}`).click();
}

/** The invoice id from the charge screen's link to the customer's page. */
export async function chargedInvoiceId(page: Page): Promise<string> {
	const href = await page.getByTestId('customer-link').getAttribute('href');
	const id = /\/i\/([^/?#]+)/.exec(href ?? '')?.[1];
	expect(id, `customer link ${href}`).toBeTruthy();
	return id!;
}

/** Signs in to the merchant app (/m) with an e-mail and password; the demo store is then chosen. */
export async function signInToMerchant(page: Page, email: string, password: string): Promise<void> {
	await page.goto('/m');
	await page.getByTestId('m-email').fill(email);
	await page.getByTestId('m-password').fill(password);
	await page.getByTestId('m-submit').click();
	await expect(page.getByTestId('m-user')).toBeVisible();
	await page.getByTestId('m-store').selectOption(DEMO.storeId);
	await expect(page.getByTestId('m-section-today')).toBeVisible();
}
