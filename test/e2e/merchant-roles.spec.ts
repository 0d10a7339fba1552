// The merchant app by role: a cashier signing in is refused the store settings, team, node,
// audit log and reports (said so, with no data); the owner sees them and invites a cashier,
// whose link creates the account.
import { expect, test, type Page } from '@playwright/test';
import { DEMO_CASHIER, DEMO_LOGIN } from '../../worker/data/demo-seed.ts';
import { signInToMerchant } from './helpers';

const GUARDED = [
	['settings', 'settings-list'],
	['team', 'team-list'],
	['node', 'node-current'],
	['audit', 'audit-list'],
	['reports', 'reports-table']
] as const;

async function open(page: Page, section: string): Promise<void> {
	await page.getByTestId(`m-section-${section}`).click();
}

test('a cashier is refused settings, team, node, audit and reports; the owner sees them', async ({ page, browser }) => {
	await signInToMerchant(page, DEMO_CASHIER.email, DEMO_CASHIER.password);
	await expect(page.getByTestId('today-total')).toBeVisible();
	for (const [section, data] of GUARDED) {
		await open(page, section);
		await expect(page.getByTestId('not-allowed'), section).toContainText('Not allowed');
		await expect(page.getByTestId(data), section).toHaveCount(0);
	}
	await page.screenshot({ path: 'test-results/merchant-cashier-refused.png' });

	const ownerContext = await browser.newContext();
	const owner = await ownerContext.newPage();
	await signInToMerchant(owner, DEMO_LOGIN.email, DEMO_LOGIN.password);
	for (const [section, data] of GUARDED) {
		await open(owner, section);
		await expect(owner.getByTestId(data), section).toBeVisible();
		await expect(owner.getByTestId('not-allowed'), section).toHaveCount(0);
	}
	await owner.screenshot({ path: 'test-results/merchant-owner-reports.png' });
	await ownerContext.close();
});

test('the owner invites a cashier and the invitation link creates their account', async ({ page, browser }) => {
	await signInToMerchant(page, DEMO_LOGIN.email, DEMO_LOGIN.password);
	await open(page, 'team');
	await page.getByTestId('invite-role').selectOption('Employee');
	await page.getByTestId('invite-create').click();
	const url = await page.getByTestId('invite-url').inputValue();
	expect(url).toMatch(/\/m\/join\?invite=/);
	await expect(page.getByTestId('qr').locator('svg')).toBeVisible();
	await page.screenshot({ path: 'test-results/merchant-invite.png', fullPage: true });

	const newcomerContext = await browser.newContext();
	const newcomer = await newcomerContext.newPage();
	await newcomer.goto(new URL(url).pathname + new URL(url).search);
	await expect(newcomer.getByTestId('join-intro')).toContainText('Employee');
	const email = `new-cashier-${Date.now()}@example.com`;
	await newcomer.getByTestId('join-name').fill('New Cashier');
	await newcomer.getByTestId('join-email').fill(email);
	await newcomer.getByTestId('join-password').fill('a-long-password');
	await newcomer.getByTestId('join-accept').click();
	await expect(newcomer.getByTestId('join-done')).toBeVisible();
	await newcomer.getByTestId('join-open').click();
	await expect(newcomer.getByTestId('m-user')).toHaveText('New Cashier');

	await page.reload();
	await open(page, 'team');
	await expect(page.getByTestId(`member-${email}`)).toContainText('New Cashier');
	await newcomerContext.close();
});
