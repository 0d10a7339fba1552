// Worker layer: the real worker in workerd with a real local D1, migrated from drizzle/.
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

const root = new URL('../..', import.meta.url).pathname;
const migrations = await readD1Migrations(`${root}/drizzle`);

export default defineConfig({
	root,
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
		setupFiles: ['test/worker/apply-migrations.ts']
	}
});
