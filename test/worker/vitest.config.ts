// Worker layer: the real worker in workerd with a real local D1, migrated from drizzle/.
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import type { DepOptimizationOptions } from 'vite';
import { defineConfig } from 'vitest/config';

const root = new URL('../..', import.meta.url).pathname;
const migrations = await readD1Migrations(`${root}/drizzle`);

// bolt11 is CommonJS: left alone, workerd require()s its dependencies from disk as they are, so an
// aliased .ts shim would arrive untranspiled. Pre-bundled, the shims are compiled in, and
// `require('buffer')` (safe-buffer, bitcoinjs-lib) becomes an import of workerd's own. `force`
// rebuilds the bundle on every run: Vite's cache does not notice edits to the aliased shims.
// (Vitest passes `force` through to Vite, though its option type leaves it out.)
const prebundleBolt11: DepOptimizationOptions & { enabled: boolean } = {
	enabled: true,
	include: ['bolt11'],
	exclude: ['buffer'],
	force: true
};

export default defineConfig({
	root,
	// The same aliases as wrangler.toml's [alias]: bolt11's `secp256k1` and `create-hash` onto the
	// @noble shims in worker/lightning/.
	resolve: {
		alias: {
			secp256k1: `${root}/worker/lightning/secp256k1-shim.ts`,
			'create-hash': `${root}/worker/lightning/create-hash-shim.ts`
		}
	},
	plugins: [
		cloudflareTest({
			wrangler: { configPath: `${root}/wrangler.toml` },
			miniflare: { bindings: { TEST_MIGRATIONS: migrations } }
		})
	],
	test: {
		name: 'worker',
		// Request logs of passing tests are noise; a failing test still shows them.
		silent: 'passed-only',
		include: ['test/worker/**/*.test.ts'],
		setupFiles: ['test/worker/apply-migrations.ts'],
		deps: { optimizer: { ssr: prebundleBolt11 } }
	}
});
