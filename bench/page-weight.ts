// What a page costs to load: the JavaScript and CSS that Chromium fetches for /pos (and the
// other entry pages), each file gzip-compressed as a server would send it. Target for /pos:
// at most 60 KB. Run: `node bench/page-weight.ts` after `npm run build`.
import { chromium } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import { chromiumPath } from '../scripts/chromium.ts';
import { withServer } from './lib.ts';

const PAGES = ['/pos', '/', '/m', '/card'];

await withServer(async (origin) => {
	const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu'] });
	console.log('page     js gzip   css gzip   total gzip   files');
	for (const path of PAGES) {
		// A fresh context each time: no HTTP cache, no service worker.
		const context = await browser.newContext({ serviceWorkers: 'block' });
		const page = await context.newPage();
		const sizes = { js: 0, css: 0, files: 0 };
		page.on('response', async (res) => {
			const type = res.request().resourceType();
			if (type !== 'script' && type !== 'stylesheet') return;
			const body = await res.body().catch(() => null);
			if (!body) return;
			sizes[type === 'script' ? 'js' : 'css'] += gzipSync(body, { level: 9 }).length;
			sizes.files++;
		});
		await page.goto(`${origin}${path}`, { waitUntil: 'networkidle' });
		const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`.padStart(9);
		console.log(`${path.padEnd(6)} ${kb(sizes.js)}  ${kb(sizes.css)}    ${kb(sizes.js + sizes.css)}   ${String(sizes.files).padStart(5)}`);
		await context.close();
	}
	await browser.close();
});
