// Renders the PWA icons (192, 512 and a maskable 512 with the logo inside the safe zone) from
// the logo drawing with Chromium, so the PNGs in static/icons can be remade after a logo change:
// `node scripts/render-icons.ts`.
import { chromium } from '@playwright/test';
import { writeFile } from 'node:fs/promises';

const LOGO = '<path d="M36 6 14 36h14l-4 22 26-32H36z" fill="#f7931a"/>';

function svg(maskable: boolean): string {
	// Maskable icons may be cropped to a circle of 80% diameter: draw on full bleed, scale logo in.
	const body = maskable
		? `<rect width="64" height="64" fill="#0f172a"/><g transform="translate(12.8 12.8) scale(0.6)">${LOGO}</g>`
		: `<rect width="64" height="64" rx="14" fill="#0f172a"/>${LOGO}`;
	return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="100%" height="100%">${body}</svg>`;
}

const browser = await chromium.launch({
	executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu']
});
const page = await browser.newPage();
for (const [name, size, maskable] of [
	['icon-192.png', 192, false],
	['icon-512.png', 512, false],
	['icon-maskable-512.png', 512, true]
] as const) {
	await page.setViewportSize({ width: size, height: size });
	await page.setContent(
		`<html><body style="margin:0;background:transparent">${svg(maskable)}</body></html>`
	);
	const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
	await writeFile(new URL(`../static/icons/${name}`, import.meta.url), png);
}
await browser.close();
