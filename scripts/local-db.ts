// Prepares a local D1 for `wrangler dev`: applies the migrations and, unless told not to, seeds
// the demo data. Used by `npm start` and by the end-to-end tests.
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../worker/auth/password.ts';
import { DEMO_CASHIER, DEMO_LOGIN, demoNodeSealContext, demoSeedSql } from '../worker/data/demo-seed.ts';
import { seal } from '../worker/secrets/seal.ts';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
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
	// The simulated node's signing key, sealed as the worker seals it (same SECRETS_KEY, if set).
	const nodeConfig = JSON.stringify({ kind: 'simulated', privateKey: bytesToHex(secp256k1.utils.randomSecretKey()) });
	const sealed = await seal(
		{ ENVIRONMENT: 'development', SECRETS_KEY: process.env.SECRETS_KEY },
		nodeConfig,
		demoNodeSealContext
	);
	const hashes = {
		ownerPassword: await hashPassword(DEMO_LOGIN.password),
		ownerPin: await hashPassword(DEMO_LOGIN.pin),
		cashierPassword: await hashPassword(DEMO_CASHIER.password),
		cashierPin: await hashPassword(DEMO_CASHIER.pin)
	};
	await writeFile(file, demoSeedSql(hashes, sealed, Date.now()));
	await mustRunQuietly(
		'wrangler',
		['d1', 'execute', 'DB', '--local', '--persist-to', options.persistTo, '--file', file],
		{ env: quietEnv({ CI: 'true' }) }
	);
}
