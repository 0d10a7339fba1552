// `npm test`: every layer in order — type checks, unit tests (Node), worker tests (workerd with
// real local D1), the production build, and end-to-end tests (Playwright + Chromium against
// `wrangler dev`) — then one line of totals across all layers: `N passed, N failed`.
// A failed type check or build counts as one failure and skips the layers that need it.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { missingChromiumMessage } from './chromium.ts';
import { runChecks } from './check.ts';
import { run } from './lib.ts';

type Tally = { passed: number; failed: number; skipped: number };
const results: Array<[layer: string, tally: Tally]> = [];
const OUT = '.test-results';

async function readJson<T>(file: string): Promise<T | null> {
	try {
		return JSON.parse(await readFile(file, 'utf8')) as T;
	} catch {
		return null;
	}
}

async function vitestLayer(layer: string, config: string): Promise<void> {
	const file = `${OUT}/${layer}.json`;
	const { code } = await run(
		'vitest',
		['run', '--config', config, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`],
		{ stdio: 'inherit' }
	);
	const report = await readJson<{ numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number }>(file);
	const tally: Tally = report
		? {
				passed: report.numPassedTests,
				failed: report.numFailedTests,
				skipped: report.numPendingTests + report.numTodoTests
			}
		: { passed: 0, failed: 1, skipped: 0 };
	// A crash outside any test (a broken config, a failing setup file) still fails the layer.
	if (code !== 0 && tally.failed === 0) tally.failed = 1;
	results.push([layer, tally]);
}

async function e2eLayer(): Promise<void> {
	const missing = missingChromiumMessage();
	if (missing) {
		console.error(missing);
		results.push(['e2e', { passed: 0, failed: 1, skipped: 0 }]);
		return;
	}
	const file = `${OUT}/e2e.json`;
	const { code } = await run('playwright', ['test'], { stdio: 'inherit' });
	const report = await readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number } }>(file);
	const tally: Tally = report
		? {
				passed: report.stats.expected,
				failed: report.stats.unexpected + report.stats.flaky,
				skipped: report.stats.skipped
			}
		: { passed: 0, failed: 1, skipped: 0 };
	if (code !== 0 && tally.failed === 0) tally.failed = 1;
	results.push(['e2e', tally]);
}

const started = Date.now();
await rm(OUT, { recursive: true, force: true });
await mkdir(OUT, { recursive: true });

const failedChecks = await runChecks();
results.push(['check', { passed: failedChecks.length === 0 ? 1 : 0, failed: failedChecks.length, skipped: 0 }]);
if (failedChecks.length === 0) {
	await vitestLayer('unit', 'test/unit/vitest.config.ts');
	await vitestLayer('worker', 'test/worker/vitest.config.ts');
	const build = await run('vite', ['build', '--logLevel', 'warn'], { stdio: 'inherit' });
	if (build.code === 0) await e2eLayer();
	else results.push(['build', { passed: 0, failed: 1, skipped: 0 }]);
}

const total = results.reduce(
	(sum, [, t]) => ({ passed: sum.passed + t.passed, failed: sum.failed + t.failed, skipped: sum.skipped + t.skipped }),
	{ passed: 0, failed: 0, skipped: 0 }
);
console.log('');
for (const [layer, t] of results) {
	console.log(`${layer.padEnd(7)} ${t.passed} passed, ${t.failed} failed${t.skipped ? `, ${t.skipped} skipped` : ''}`);
}
console.log(`took ${Math.round((Date.now() - started) / 1000)} s`);
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(total.failed === 0 ? 0 : 1);
