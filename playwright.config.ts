// End-to-end layer: Debian's Chromium driven by Playwright against a real `wrangler dev`
// serving the built PWA and the API on a fresh local D1 (scripts/e2e-server.ts).
import { defineConfig } from '@playwright/test';
import { chromiumPath, missingChromiumMessage } from './scripts/chromium.ts';

const missing = missingChromiumMessage();
if (missing) {
	console.error(missing);
	process.exit(1);
}

const port = process.env.E2E_PORT ?? '8788';
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
	testDir: 'test/e2e',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 30_000,
	expect: { timeout: 10_000 },
	reporter: [['list'], ['json', { outputFile: '.test-results/e2e.json' }]],
	use: {
		baseURL,
		serviceWorkers: 'allow',
		launchOptions: {
			executablePath: chromiumPath,
			// As root in CI; the rest keeps Chromium off the network it cannot reach.
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		}
	},
	webServer: {
		command: 'node scripts/e2e-server.ts',
		url: `${baseURL}/api/v1/health`,
		timeout: 120_000,
		reuseExistingServer: false,
		stdout: 'ignore',
		stderr: 'pipe'
	}
});
