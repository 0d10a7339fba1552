// Moving between the three faces of the app, and what an unknown address shows.
import { expect, test } from '@playwright/test';

test('the navigation reaches the POS, the merchant app and the card page', async ({ page }) => {
	await page.goto('/');
	for (const [testId, heading, path] of [
		['nav-nav.pos', 'Point of sale', '/pos'],
		['nav-nav.merchant', 'Merchant', '/m'],
		['nav-nav.card', 'Flash Card', '/card'],
		['nav-nav.home', 'Take Bitcoin payments at the till', '/']
	] as const) {
		await page.getByTestId(testId).click();
		await expect(page).toHaveURL(path);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
		await expect(page.getByTestId(testId)).toHaveAttribute('aria-current', 'page');
	}
	await expect(page.getByTestId('server-status')).toHaveText('Server online · version 0.1.0');
});

test('an unknown page says so inside the app', async ({ page }) => {
	await page.goto('/no-such-page');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
	await expect(page.getByText('There is nothing at /no-such-page.')).toBeVisible();
});

test('a browser navigation to an unknown API path gets the API error, not the app shell', async ({ page }) => {
	const res = await page.goto('/api/v1/nothing-here');
	expect(res?.status()).toBe(404);
	expect(await res?.json()).toEqual({
		code: 'not-found',
		message: 'There is no API route GET /api/v1/nothing-here.'
	});
});
