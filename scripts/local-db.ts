// Prepares a local D1 for `wrangler dev`: applies the migrations and, unless told not to, seeds
// the demo data. Used by `npm start` and by the end-to-end tests.
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../worker/auth/password.ts';
import { DEMO_LOGIN, demoSeedSql } from '../worker/data/demo-seed.ts';
import { mustRunQuietly, quietEnv } from './lib.ts';

export async function prepareLocalDatabase(options: { persistTo: string; seed: boolean }): Promise<void> {
	// Non-interactive (CI=true, no stdin): wrangler applies without asking to confirm.
	await mustRunQuietly(
		'wrangler',
		['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', options.persistTo],
		{ env: quietEnv({ CI: 'true' }) }
	);
	if (!options.seed) return;
	const dir = await mkdtemp(join(tmpdir(), 'flashpoint-seed-'));
	const file = join(dir, 'seed.sql');
	await writeFile(file, demoSeedSql(await hashPassword(DEMO_LOGIN.password), Date.now()));
	await mustRunQuietly(
		'wrangler',
		['d1', 'execute', 'DB', '--local', '--persist-to', options.persistTo, '--file', file],
		{ env: quietEnv({ CI: 'true' }) }
	);
}
