// Shared by the bench scripts: timing, percentiles and a local server to measure against.
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { prepareLocalDatabase } from '../scripts/local-db.ts';
import { quietEnv, waitForUrl } from '../scripts/lib.ts';

export function percentile(sortedMs: number[], p: number): number {
	if (sortedMs.length === 0) return NaN;
	const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
	return sortedMs[Math.max(0, index)]!;
}

export function summarise(samplesMs: number[]): { n: number; p50: number; p90: number; p99: number; max: number } {
	const sorted = [...samplesMs].sort((a, b) => a - b);
	return {
		n: sorted.length,
		p50: percentile(sorted, 50),
		p90: percentile(sorted, 90),
		p99: percentile(sorted, 99),
		max: sorted[sorted.length - 1] ?? NaN
	};
}

export const fmt = (ms: number) => ms.toFixed(1).padStart(7);

/**
 * Uses BENCH_URL if given (a server you started), otherwise starts `wrangler dev` on a fresh
 * local D1 with the demo data and stops it afterwards.
 */
export async function withServer<T>(fn: (origin: string) => Promise<T>): Promise<T> {
	if (process.env.BENCH_URL) return fn(process.env.BENCH_URL.replace(/\/$/, ''));
	const port = process.env.BENCH_PORT ?? '8790';
	const persistTo = '.wrangler/bench';
	await rm(persistTo, { recursive: true, force: true });
	await prepareLocalDatabase({ persistTo, seed: true });
	const child: ChildProcess = spawn(
		'wrangler',
		['dev', '--port', port, '--ip', '127.0.0.1', '--persist-to', persistTo, '--log-level', 'error', '--show-interactive-dev-session=false'],
		{ stdio: ['ignore', 'ignore', 'inherit'], env: quietEnv() }
	);
	const origin = `http://127.0.0.1:${port}`;
	try {
		await waitForUrl(`${origin}/api/v1/health`, 120_000);
		return await fn(origin);
	} finally {
		child.kill('SIGTERM');
	}
}

/** Runs `total` calls of `one` with at most `concurrency` in flight; returns each call's ms. */
export async function load(total: number, concurrency: number, one: (i: number) => Promise<void>): Promise<{ samples: number[]; wallMs: number }> {
	const samples: number[] = [];
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < total) {
				const i = next++;
				const t = performance.now();
				await one(i);
				samples.push(performance.now() - t);
			}
		})
	);
	return { samples, wallMs: performance.now() - started };
}
