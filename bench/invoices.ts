// Invoice creation (latency percentiles and throughput at a few concurrency levels) and
// settle-to-screen latency: from sending a test-wallet payment until a screen subscribed to the
// invoice's live channel receives "Settled". Against a local `wrangler dev` with the demo data.
// Run: `node bench/invoices.ts` (or BENCH_URL=http://localhost:8787 with the demo data).
import { DEMO_LOGIN, DEMO_STORE_ID } from '../worker/data/demo-seed.ts';
import { fmt, load, summarise, withServer } from './lib.ts';

const TOTAL = Number(process.env.BENCH_REQUESTS ?? 300);
const SETTLE_RUNS = Number(process.env.BENCH_SETTLE_RUNS ?? 50);

await withServer(async (origin) => {
	const api = `${origin}/api/v1`;
	const basic = `Basic ${btoa(`${DEMO_LOGIN.email}:${DEMO_LOGIN.password}`)}`;
	const keyRes = await fetch(`${api}/api-keys`, {
		method: 'POST',
		headers: { authorization: basic, 'content-type': 'application/json' },
		body: JSON.stringify({ label: 'bench', permissions: [`btcpay.store.canmodifystoresettings:${DEMO_STORE_ID}`] })
	});
	if (!keyRes.ok) throw new Error(`API key: ${keyRes.status} ${await keyRes.text()}`);
	const { apiKey } = (await keyRes.json()) as { apiKey: string };
	const headers = { authorization: `token ${apiKey}`, 'content-type': 'application/json' };

	const createInvoice = async (): Promise<{ id: string }> => {
		const res = await fetch(`${api}/stores/${DEMO_STORE_ID}/invoices`, {
			method: 'POST',
			headers: { ...headers, 'idempotency-key': crypto.randomUUID() },
			body: JSON.stringify({ amount: '1500.00', currency: 'JMD', metadata: { itemDesc: 'bench' } })
		});
		if (res.status !== 200) throw new Error(`create: ${res.status} ${await res.text()}`);
		return (await res.json()) as { id: string };
	};

	for (let i = 0; i < 10; i++) await createInvoice();
	console.log(`POST /api/v1/stores/{id}/invoices (JMD, simulated node), ${TOTAL} per level`);
	console.log('concurrency     p50     p90     p99     max   inv/s');
	for (const concurrency of [1, 10, 50]) {
		const { samples, wallMs } = await load(TOTAL, concurrency, async () => {
			await createInvoice();
		});
		const s = summarise(samples);
		console.log(`${String(concurrency).padStart(11)} ${fmt(s.p50)} ${fmt(s.p90)} ${fmt(s.p99)} ${fmt(s.max)} ${(TOTAL / (wallMs / 1000)).toFixed(0).padStart(7)}`);
	}

	const fromSend: number[] = [];
	const fromAnswer: number[] = [];
	for (let run = 0; run < SETTLE_RUNS; run++) {
		const invoice = await createInvoice();
		const view = (await (await fetch(`${api}/checkout/${invoice.id}`)).json()) as { bolt11: string };
		const socket = new WebSocket(`${api.replace(/^http/, 'ws')}/checkout/${invoice.id}/live`);
		await new Promise<void>((resolve, reject) => {
			socket.addEventListener('message', () => resolve(), { once: true });
			socket.addEventListener('error', () => reject(new Error('socket failed')), { once: true });
		});
		let answeredAt = 0;
		const started = performance.now();
		const settled = new Promise<number>((resolve) => {
			socket.addEventListener('message', (event) => {
				const message = JSON.parse(String(event.data)) as { type: string; invoice?: { status: string } };
				if (message.type === 'invoice' && message.invoice?.status === 'Settled') resolve(performance.now());
			});
		});
		const pay = await fetch(`${api}/stores/${DEMO_STORE_ID}/node/simulate-payment`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ destination: view.bolt11 })
		});
		answeredAt = performance.now();
		if (!pay.ok) throw new Error(`pay: ${pay.status}`);
		const seenAt = await settled;
		fromSend.push(seenAt - started);
		fromAnswer.push(seenAt - answeredAt);
		socket.close();
	}
	const a = summarise(fromSend);
	const b = summarise(fromAnswer);
	console.log(`\nsettle-to-screen over the live WebSocket, ${SETTLE_RUNS} payments`);
	console.log('measured from                p50     p90     p99     max');
	console.log(`payment sent            ${fmt(a.p50)} ${fmt(a.p90)} ${fmt(a.p99)} ${fmt(a.max)}`);
	console.log(`payment answered        ${fmt(b.p50)} ${fmt(b.p90)} ${fmt(b.p99)} ${fmt(b.max)}`);
});
