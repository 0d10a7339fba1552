// A cashier switches the app to Arabic: text is translated, the layout is right-to-left, and the
// choice survives a reload; `?lang=` on any URL does the same.
import { expect, test } from '@playwright/test';

test('switching to Arabic in the app turns the page right-to-left and is remembered', async ({ page }) => {
	await page.goto('/pos');
	await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Point of sale');

	await page.getByTestId('language-picker').selectOption('ar');
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('نقطة البيع');

	// Logical properties mirror the layout: the brand sits on the right in right-to-left.
	const brand = await page.locator('.brand').boundingBox();
	const viewport = page.viewportSize()!;
	expect(brand!.x).toBeGreaterThan(viewport.width / 2);

	await page.reload();
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('نقطة البيع');
});

test('?lang= on any URL picks the language and remembers it', async ({ page }) => {
	await page.goto('/card?lang=ar');
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('بطاقة فلاش');

	await page.goto('/m');
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('التاجر');

	await page.goto('/m?lang=en');
	await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Merchant');
});

test('an unknown ?lang= falls back without breaking the page', async ({ page }) => {
	await page.goto('/?lang=xx');
	await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Take Bitcoin payments at the till');
});
