// `npm run check`: every type check — the worker (with types generated from wrangler.toml), the
// SvelteKit app (svelte-check, which also covers scripts and end-to-end tests), the worker and
// unit tests and the service worker.
import { pathToFileURL } from 'node:url';
import { run } from './lib.ts';

export const CHECK_STEPS: Array<[label: string, command: string, args: string[]]> = [
	['worker types', 'wrangler', ['types', 'worker/worker-configuration.d.ts', '--strict-vars=false']],
	['worker', 'tsc', ['-p', 'worker/tsconfig.json']],
	['kit sync', 'svelte-kit', ['sync']],
	['app', 'svelte-check', ['--tsconfig', './tsconfig.json', '--fail-on-warnings']],
	['worker tests', 'tsc', ['-p', 'test/worker/tsconfig.json']],
	['unit tests', 'tsc', ['-p', 'test/unit/tsconfig.json']],
	['service worker', 'tsc', ['-p', 'src/service-worker/tsconfig.json']]
];

/** Runs the checks in order; returns the labels of those that failed (stops after the first). */
export async function runChecks(): Promise<string[]> {
	for (const [label, command, args] of CHECK_STEPS) {
		const { code, output } = await run(command, args, {
			stdio: ['ignore', 'pipe', 'pipe'],
			env: { ...process.env, WRANGLER_SEND_METRICS: 'false' }
		});
		if (code !== 0) {
			process.stdout.write(output);
			console.log(`check: ${label} failed`);
			return [label];
		}
		console.log(`check: ${label} ok`);
	}
	return [];
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
	process.exit((await runChecks()).length === 0 ? 0 : 1);
}
