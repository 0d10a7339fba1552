// The server the end-to-end tests drive: a fresh local D1 (migrated and seeded with the demo
// data) under .wrangler/e2e and `wrangler dev` serving the already built PWA and the API.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { prepareLocalDatabase } from './local-db.ts';
import { quietEnv } from './lib.ts';

const port = process.env.E2E_PORT ?? '8788';
const persistTo = '.wrangler/e2e';

await rm(persistTo, { recursive: true, force: true });
await prepareLocalDatabase({ persistTo, seed: true });
const wrangler = spawn(
	'wrangler',
	['dev', '--port', port, '--ip', '127.0.0.1', '--persist-to', persistTo, '--show-interactive-dev-session=false', '--log-level', 'warn'],
	{ stdio: ['ignore', 'inherit', 'inherit'], env: quietEnv() }
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => wrangler.kill(signal));
wrangler.on('exit', (code) => process.exit(code ?? 0));
