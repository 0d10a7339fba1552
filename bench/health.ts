// Latency and throughput of GET /api/v1/health (worker + one D1 read) against a local
// `wrangler dev`, at a few concurrency levels: the floor every other API figure compares with.
// Run: `node bench/health.ts` (or BENCH_URL=http://localhost:8787 to use a running server).
import { fmt, load, summarise, withServer } from './lib.ts';

const TOTAL = Number(process.env.BENCH_REQUESTS ?? 500);

await withServer(async (origin) => {
	// Warm up: the first requests compile the worker and open the database.
	for (let i = 0; i < 20; i++) await fetch(`${origin}/api/v1/health`).then((r) => r.arrayBuffer());
	console.log(`GET /api/v1/health, ${TOTAL} requests per level`);
	console.log('concurrency     p50     p90     p99     max   req/s');
	for (const concurrency of [1, 10, 50]) {
		const { samples, wallMs } = await load(TOTAL, concurrency, async () => {
			const res = await fetch(`${origin}/api/v1/health`);
			await res.arrayBuffer();
			if (res.status !== 200) throw new Error(`health answered ${res.status}`);
		});
		const s = summarise(samples);
		console.log(
			`${String(concurrency).padStart(11)} ${fmt(s.p50)} ${fmt(s.p90)} ${fmt(s.p99)} ${fmt(s.max)} ${(TOTAL / (wallMs / 1000)).toFixed(0).padStart(7)}`
		);
	}
});
