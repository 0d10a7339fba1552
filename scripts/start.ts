// `npm start`: builds the PWA, prepares the local D1 (migrations, then demo data unless DEMO=0)
// and serves PWA and API from one `wrangler dev` on http://localhost:$PORT (default 8787).
// DEMO=0 uses a database of its own under .wrangler/blank, so the demo data never leaks into it.
import { spawn } from 'node:child_process';
import { DEMO_CASHIER, DEMO_LOGIN } from '../worker/data/demo-seed.ts';
import { prepareLocalDatabase } from './local-db.ts';
import { mustRun, quietEnv, waitForUrl } from './lib.ts';

const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
	console.error(`PORT must be a port number; got "${process.env.PORT}".`);
	process.exit(1);
}
const demo = process.env.DEMO !== '0';
const persistTo = demo ? '.wrangler/demo' : '.wrangler/blank';
const origin = `http://localhost:${port}`;

console.log('Building the app…');
await mustRun('vite', ['build', '--logLevel', 'warn'], { stdio: 'inherit' });
console.log(demo ? 'Preparing the local database with demo data…' : 'Preparing an empty local database…');
await prepareLocalDatabase({ persistTo, seed: demo });

const wrangler = spawn(
	'wrangler',
	['dev', '--port', String(port), '--persist-to', persistTo, '--show-interactive-dev-session=false'],
	{ stdio: ['ignore', 'inherit', 'inherit'], env: quietEnv() }
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => wrangler.kill(signal));
}
wrangler.on('exit', (code) => process.exit(code ?? 0));

await waitForUrl(`${origin}/api/v1/health`, 120_000);
const lines = [
	'',
	'Flashpoint is running.',
	`  App:        ${origin}/`,
	`  POS:        ${origin}/pos`,
	`  Merchant:   ${origin}/m`,
	`  API health: ${origin}/api/v1/health`,
	demo
		? [
				`  Demo login: ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}  (owner of "Flashpoint Demo Café", JMD; till PIN ${DEMO_LOGIN.pin})`,
				`  Cashier:    ${DEMO_CASHIER.email} / ${DEMO_CASHIER.password}  (till PIN ${DEMO_CASHIER.pin})`
			].join('\n')
		: `  Empty database: create the first user (the admin) with POST ${origin}/api/v1/users`,
	'Press Ctrl+C to stop.',
	''
];
console.log(lines.join('\n'));
