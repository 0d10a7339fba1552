// Flash Cards through the screens: the owner issues a card in the merchant app and reads its
// programming link; the card is programmed as the Bolt Card Programmer app does (POST {UID});
// taps are emulated by computing p and c from the keys (NTAG 424 SUN, as the chip would). The
// till takes the card for a sale through its keyboard-reader input and shows it paid; the
// cardholder page shows what is left.
import { expect, test } from '@playwright/test';
import { hexToBytes } from '@noble/hashes/utils.js';
import { computeSunMac, encryptPiccData } from '../../worker/cards/crypto.ts';
import { basicAuth, DEMO, prepareDemoStore, signInToMerchant, signInToTill, typeOnKeypad } from './helpers';

test.beforeAll(async ({ playwright }, testInfo) => {
	const api = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
	await prepareDemoStore(api);
	await api.dispose();
});

class Chip {
	private counter = 0;
	constructor(
		readonly uid: string,
		private readonly k1: string,
		private readonly k2: string,
		private readonly base: string
	) {}
	/** The URL the chip gives on its next read. */
	read(): string {
		this.counter += 1;
		const p = encryptPiccData(this.uid, this.counter, hexToBytes(this.k1));
		const c = computeSunMac(this.uid, this.counter, hexToBytes(this.k2));
		return `${this.base}?p=${p}&c=${c}`;
	}
}

test('issue a card, program it, pay a till sale with it and see the balance on the cardholder page', async ({ page, browser, request }) => {
	// The owner issues a card in the merchant app.
	await signInToMerchant(page, DEMO.email, DEMO.password);
	await page.getByTestId('m-section-cards').click();
	await page.getByTestId('cards-issue').click();
	await page.getByTestId('cards-issue-submit').click();
	const programUrl = (await page.getByTestId('card-program-url').textContent())!.trim();
	expect(programUrl).toMatch(/\/boltcard\/program\/\w+$/);

	// The Programmer app's deeplink flow: POST the chip's UID, get the keys and the card URL.
	const uid = '04A1B2C3D4E5F6';
	const programmed = await request.post(programUrl, { data: { UID: uid } });
	expect(programmed.ok(), await programmed.text()).toBe(true);
	const keys = (await programmed.json()) as { LNURLW: string; K1: string; K2: string };
	expect(keys.LNURLW).toMatch(/^lnurlw:\/\/[^/]+\/boltcard$/);
	const chip = new Chip(uid, keys.K1, keys.K2, keys.LNURLW);

	// Load it with J$2,000 in cash (as a till would, through the API).
	const list = (await (await request.get(`/api/v1/stores/${DEMO.storeId}/cards`, { headers: { authorization: basicAuth() } })).json()) as Array<{ id: string; programmed: boolean }>;
	const card = list[0]!; // newest first: the one just issued
	expect(card.programmed).toBe(true);
	const topup = await request.post(`/api/v1/stores/${DEMO.storeId}/cards/${card.id}/topups`, {
		headers: { authorization: basicAuth(), 'idempotency-key': crypto.randomUUID() },
		data: { amount: '2000.00', currency: 'JMD', method: 'cash' }
	});
	expect(topup.status(), await topup.text()).toBe(201);

	// The till: a J$1,500 sale, paid by tapping the card on a keyboard-wedge reader.
	const till = await (await browser.newContext()).newPage();
	await signInToTill(till);
	await typeOnKeypad(till, '150000');
	await till.getByTestId('charge').click();
	await expect(till.getByTestId('charge-screen')).toBeVisible();
	await till.getByTestId('pos-tap-card').click();
	const reader = till.getByTestId('pos-card-input');
	await reader.fill(chip.read());
	await reader.press('Enter');
	await expect(till.getByTestId('paid')).toBeVisible({ timeout: 5000 });
	await expect(till.getByTestId('paid')).toContainText('JMD 1,500.00');

	// The cardholder page, with the card read again (a Web NFC read types the same URL).
	const holder = await (await browser.newContext()).newPage();
	await holder.goto('/card');
	const input = holder.getByTestId('card-url-input');
	await input.fill(chip.read());
	await input.press('Enter');
	await expect(holder.getByTestId('card-balance')).toContainText('500.00');

	// A reading used once is refused the second time.
	const used = chip.read();
	const first = await request.get(used.replace(/^lnurlw:/, 'http:'));
	expect(first.ok()).toBe(true);
	const replay = await request.get(used.replace(/^lnurlw:/, 'http:'));
	expect(((await replay.json()) as { code: string }).code).toBe('card-replayed');
});
