// A manager opens Flashpoint on a tablet, it is installable, and after the first visit a reload
// with no network still shows the app (the service worker serves the precached shell).
import { expect, test } from '@playwright/test';

type Manifest = {
	name: string;
	short_name: string;
	start_url: string;
	display: string;
	theme_color: string;
	icons: Array<{ src: string; sizes: string; type: string; purpose?: string }>;
};

test('the web manifest makes the app installable', async ({ page, request }) => {
	await page.goto('/');
	const href = await page.locator('link[rel="manifest"]').getAttribute('href');
	expect(href).toBe('/manifest.webmanifest');
	const res = await request.get(href!);
	expect(res.ok()).toBe(true);
	const manifest = (await res.json()) as Manifest;
	expect(manifest).toMatchObject({
		name: 'Flashpoint point of sale',
		short_name: 'Flashpoint',
		start_url: '/pos',
		display: 'standalone',
		theme_color: '#0f172a'
	});
	const sizes = manifest.icons.map((i) => `${i.sizes}:${i.purpose ?? 'any'}`);
	expect(sizes).toEqual(expect.arrayContaining(['192x192:any', '512x512:any', '512x512:maskable']));
	for (const icon of manifest.icons) {
		const png = await request.get(icon.src);
		expect(png.ok(), icon.src).toBe(true);
		expect(png.headers()['content-type']).toBe('image/png');
		const [width, height] = icon.sizes.split('x').map(Number);
		// PNG IHDR: width and height are big-endian at bytes 16..23.
		const body = await png.body();
		expect([body.readUInt32BE(16), body.readUInt32BE(20)]).toEqual([width, height]);
	}
	await expect(page.locator('meta[name="theme-color"]')).toHaveAttribute('content', '#0f172a');
});

test('after one visit the app reloads and navigates while offline', async ({ page, context }) => {
	await page.goto('/');
	await expect(page.getByTestId('server-status')).toHaveAttribute('data-state', 'online');
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
	});
	// The first load is not controlled by the worker that it installed; the reload is.
	await page.reload();
	await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

	await context.setOffline(true);
	await page.reload();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Take Bitcoin payments at the till');
	await expect(page.getByTestId('server-status')).toHaveAttribute('data-state', 'offline');

	// A deep link typed while offline gets the shell, and the router shows the page.
	await page.goto('/pos');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Point of sale');
	await page.getByTestId('nav-nav.card').click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Flash Card');

	await context.setOffline(false);
	await page.evaluate(() => window.dispatchEvent(new Event('online')));
	await expect(page.getByTestId('server-status')).toHaveAttribute('data-state', 'online');
});
