// Flash Card tap-to-paid latency against a local `wrangler dev` with the demo data: the time a
// till needs, once it has read a card, to have its invoice paid. Timed per payment: the LNURL
// request `GET /boltcard?p&c` plus the callback `GET /boltcard/callback?k1&pr` for a till invoice
// of the same deployment (settled internally through the ledger), until it answers
// {"status":"OK"}. The invoice (JMD, demo store) is created beforehand and not timed.
//
// At 1, 10 and 50 concurrent cards: each round taps that many distinct cards at once; cards are
// issued in one batch, programmed by deeplink (POST {UID}) and topped up with cash beforehand, and
// each reading's `p`/`c` is computed from the K1/K2 the programming answered, as the chip would.
// Printed per level: p50 (with the LNURL request's own p50), p95, p99, taps a second, and
// `GET /api/v1/health` measured right after at the same concurrency (the floor), with the ratio of
// the two p50s. At the end every invoice paid must read Settled and every card's balance must have
// gone down by exactly what it paid; failures are counted and printed (exit code 1 if any).
//
// Rate limits: 20 taps per card per minute (no card taps more than 10 times per level, and every
// level uses its own cards) and 600 public card requests per address per minute. Each simulated
// till sends its own `cf-connecting-ip`; a probe at the start checks whether the worker honours
// it, and if it does not, rounds are paced to stay under the address limit.
// Run: `node bench/cards.ts` (or BENCH_URL=http://localhost:8787 with the demo data; rounds per
// level: BENCH_ROUNDS_1, BENCH_ROUNDS_10, BENCH_ROUNDS_50, default 60, 10, 6).
import { hexToBytes } from '@noble/hashes/utils.js';
import { computeSunMac, encryptPiccData } from '../worker/cards/crypto.ts';
import { DEMO_LOGIN, DEMO_STORE_ID } from '../worker/data/demo-seed.ts';
import { fmt, load, percentile, withServer } from './lib.ts';

/** Rounds per level (at concurrency c, a round is c taps at once). */
const LEVELS: Array<{ concurrency: number; rounds: number }> = [
	{ concurrency: 1, rounds: Number(process.env.BENCH_ROUNDS_1 ?? 60) },
	{ concurrency: 10, rounds: Number(process.env.BENCH_ROUNDS_10 ?? 10) },
	{ concurrency: 50, rounds: Number(process.env.BENCH_ROUNDS_50 ?? 6) }
];
/** Taps per card per level: well under the per-card limit of 20 a minute. */
const TAPS_PER_CARD = 10;
/** Under the per-address limit of 600 a minute, with room for the probe and programming. */
const ADDRESS_BUDGET = 540;
const HEALTH_REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);

type Chip = { cardId: string; uid: string; k1: Uint8Array; k2: Uint8Array; counter: number; topup: number; paid: number; invoices: string[] };
type Failure = { what: string; detail: string };

const failures: Failure[] = [];
const fail = (what: string, detail: string) => {
	failures.push({ what, detail });
	if (failures.length <= 10) console.error(`  failure: ${what}: ${detail}`);
};

const randomUid = (): string =>
	[...crypto.getRandomValues(new Uint8Array(7))].map((b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();

/** Minor units (cents) to the API's decimal string. */
const money = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
const cents = (amount: string) => Math.round(Number(amount) * 100);

/** Runs `work` over `items` with at most `concurrency` at once (setup and checks, not timed). */
async function each<T>(items: T[], concurrency: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
	await load(items.length, concurrency, (i) => work(items[i]!, i));
}

function summary(samples: number[]) {
	const sorted = [...samples].sort((a, b) => a - b);
	return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}

await withServer(async (origin) => {
	const api = `${origin}/api/v1`;
	const basic = `Basic ${btoa(`${DEMO_LOGIN.email}:${DEMO_LOGIN.password}`)}`;
	const keyRes = await fetch(`${api}/api-keys`, {
		method: 'POST',
		headers: { authorization: basic, 'content-type': 'application/json' },
		body: JSON.stringify({ label: 'bench cards', permissions: [`btcpay.store.canmodifystoresettings:${DEMO_STORE_ID}`] })
	});
	if (!keyRes.ok) throw new Error(`API key: ${keyRes.status} ${await keyRes.text()}`);
	const { apiKey } = (await keyRes.json()) as { apiKey: string };
	const headers = { authorization: `token ${apiKey}`, 'content-type': 'application/json' };
	const store = `${api}/stores/${DEMO_STORE_ID}`;

	// Does the worker key its address limits on cf-connecting-ip here? The login limit (10 a
	// minute per address and e-mail) tells: the 11th try from one address is refused, a try from
	// another address is not if the header is honoured.
	const login = (ip: string) =>
		fetch(`${api}/session`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip },
			body: JSON.stringify({ email: 'nobody@bench.invalid', password: 'not-a-password' })
		}).then(async (r) => (await r.arrayBuffer(), r.status));
	for (let i = 0; i < 10; i++) await login('198.51.100.1');
	const sameAddress = await login('198.51.100.1');
	const otherAddress = await login('198.51.100.2');
	const perTillAddress = sameAddress === 429 && otherAddress !== 429;
	console.log(
		perTillAddress
			? 'cf-connecting-ip is honoured: each simulated till has its own address'
			: `cf-connecting-ip is not honoured (login probe ${sameAddress}/${otherAddress}): one address, rounds paced under ${ADDRESS_BUDGET} card requests a minute`
	);

	// Card requests sent from the one address in the last minute (only used when not honoured).
	const sent: number[] = [];
	const reserve = async (requests: number) => {
		if (perTillAddress) return;
		for (;;) {
			const now = performance.now();
			while (sent.length > 0 && sent[0]! < now - 61_000) sent.shift();
			if (sent.length + requests <= ADDRESS_BUDGET) break;
			const wait = sent[sent.length + requests - ADDRESS_BUDGET - 1]! + 61_000 - now;
			await new Promise((r) => setTimeout(r, Math.max(50, wait)));
		}
		const now = performance.now();
		for (let i = 0; i < requests; i++) sent.push(now);
	};
	const tillIp = (till: number) => `203.0.113.${(till % 250) + 1}`;

	// Cards: one pool per level, issued in one batch, programmed and topped up with cash.
	const pools = LEVELS.map(({ concurrency, rounds }) => {
		const size = Math.max(concurrency, Math.ceil((concurrency * rounds) / TAPS_PER_CARD));
		return { concurrency, rounds, size, taps: Math.ceil((concurrency * rounds) / size) };
	});
	const total = pools.reduce((n, p) => n + p.size, 0);
	const setupStarted = performance.now();
	const batchRes = await fetch(`${store}/cards/batch`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ count: total, labelPrefix: 'Bench' })
	});
	if (batchRes.status !== 201) throw new Error(`batch: ${batchRes.status} ${await batchRes.text()}`);
	const batch = (await batchRes.json()) as { cards: Array<{ id: string; programUrl: string; currency: string }> };
	if (batch.cards.some((c) => c.currency !== 'JMD')) throw new Error('expected JMD cards on the demo store');
	const chips: Chip[] = [];
	const programUrls = batch.cards.map((c) => c.programUrl.replace(/^https?:\/\/[^/]+/, origin));
	await reserve(total);
	await each(batch.cards, 10, async (card, i) => {
		const uid = randomUid();
		const res = await fetch(programUrls[i]!, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'cf-connecting-ip': tillIp(i) },
			body: JSON.stringify({ UID: uid })
		});
		if (res.status !== 200) throw new Error(`program: ${res.status} ${await res.text()}`);
		const keys = (await res.json()) as { K1: string; K2: string };
		chips[i] = { cardId: card.id, uid, k1: hexToBytes(keys.K1), k2: hexToBytes(keys.K2), counter: 0, topup: 0, paid: 0, invoices: [] };
	});
	// Invoices of 100.00 to 106.00 JMD; each card gets enough for its taps and 50.00 to spare.
	const amountFor = (round: number, slot: number) => 10_000 + ((round * 7 + slot) % 7) * 100;
	let offset = 0;
	for (const pool of pools) {
		for (const chip of chips.slice(offset, offset + pool.size)) chip.topup = pool.taps * 10_600 + 5_000;
		offset += pool.size;
	}
	await each(chips, 10, async (chip) => {
		const res = await fetch(`${store}/cards/${chip.cardId}/topups`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ amount: money(chip.topup), currency: 'JMD', method: 'cash' })
		});
		if (res.status !== 201) throw new Error(`top-up: ${res.status} ${await res.text()}`);
		await res.arrayBuffer();
	});
	console.log(`${total} cards issued, programmed and topped up in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`);

	const createInvoice = async (amountCents: number): Promise<{ id: string; bolt11: string }> => {
		const res = await fetch(`${store}/invoices`, {
			method: 'POST',
			headers: { ...headers, 'idempotency-key': crypto.randomUUID() },
			body: JSON.stringify({ amount: money(amountCents), currency: 'JMD', metadata: { itemDesc: 'bench card' } })
		});
		if (res.status !== 200) throw new Error(`invoice: ${res.status} ${await res.text()}`);
		const { id } = (await res.json()) as { id: string };
		const methods = await fetch(`${store}/invoices/${id}/payment-methods`, { headers });
		if (methods.status !== 200) throw new Error(`payment methods: ${methods.status} ${await methods.text()}`);
		const [method] = (await methods.json()) as Array<{ destination: string }>;
		if (!method) throw new Error(`invoice ${id} has no payment method`);
		return { id, bolt11: method.destination };
	};

	/** One tap-to-paid: the reading, the LNURL request, the callback. Returns ms (total and the LNURL request's), or null on failure. */
	const tapToPaid = async (chip: Chip, invoice: { bolt11: string }, ip: string): Promise<{ ms: number; lnurlMs: number } | null> => {
		const counter = ++chip.counter;
		const p = encryptPiccData(chip.uid, counter, chip.k1);
		const c = computeSunMac(chip.uid, counter, chip.k2);
		const h = { 'cf-connecting-ip': ip };
		const started = performance.now();
		const tap = await fetch(`${origin}/boltcard?p=${p}&c=${c}`, { headers: h });
		const request = (await tap.json()) as { tag?: string; k1?: string; callback?: string; code?: string; reason?: string };
		const lnurlMs = performance.now() - started;
		if (tap.status !== 200 || request.tag !== 'withdrawRequest' || !request.k1 || !request.callback) {
			fail('tap', `${tap.status} ${request.code ?? ''} ${request.reason ?? ''}`);
			return null;
		}
		const url = new URL(request.callback.replace(/^https?:\/\/[^/]+/, origin));
		url.searchParams.set('k1', request.k1);
		url.searchParams.set('pr', invoice.bolt11);
		const answer = await fetch(url, { headers: h });
		const body = (await answer.json()) as { status?: string; code?: string; reason?: string };
		const ms = performance.now() - started;
		if (answer.status !== 200 || body.status !== 'OK') {
			fail('callback', `${answer.status} ${body.code ?? ''} ${body.reason ?? ''}`);
			return null;
		}
		return { ms, lnurlMs };
	};

	// Warm up: the first requests compile the worker and open the database.
	for (let i = 0; i < 20; i++) await fetch(`${api}/health`).then((r) => r.arrayBuffer());

	const results: Array<{ concurrency: number; tap: ReturnType<typeof summary>; lnurlP50: number; tapsPerSecond: number; health: ReturnType<typeof summary>; tapFailures: number }> = [];
	offset = 0;
	for (const pool of pools) {
		const cards = chips.slice(offset, offset + pool.size);
		offset += pool.size;
		const samples: number[] = [];
		const lnurlSamples: number[] = [];
		let tapWallMs = 0;
		const failedBefore = failures.length;
		for (let round = 0; round < pool.rounds; round++) {
			const tappers = Array.from({ length: pool.concurrency }, (_, slot) => cards[(round * pool.concurrency + slot) % cards.length]!);
			const invoices: Array<{ id: string; bolt11: string; amount: number }> = [];
			await each(tappers, Math.min(10, pool.concurrency), async (_, slot) => {
				const amount = amountFor(round, slot);
				invoices[slot] = { ...(await createInvoice(amount)), amount };
			});
			await reserve(2 * pool.concurrency);
			const roundStarted = performance.now();
			const times = await Promise.all(tappers.map((chip, slot) => tapToPaid(chip, invoices[slot]!, tillIp(slot))));
			tapWallMs += performance.now() - roundStarted;
			times.forEach((time, slot) => {
				if (time === null) return;
				samples.push(time.ms);
				lnurlSamples.push(time.lnurlMs);
				tappers[slot]!.paid += invoices[slot]!.amount;
				tappers[slot]!.invoices.push(invoices[slot]!.id);
			});
		}
		const health = await load(Math.max(HEALTH_REQUESTS, samples.length), pool.concurrency, async () => {
			const res = await fetch(`${api}/health`);
			await res.arrayBuffer();
			if (res.status !== 200) fail('health', String(res.status));
		});
		results.push({
			concurrency: pool.concurrency,
			tap: summary(samples),
			lnurlP50: summary(lnurlSamples).p50,
			tapsPerSecond: samples.length / (tapWallMs / 1000),
			health: summary(health.samples),
			tapFailures: failures.length - failedBefore
		});
	}

	console.log(`\ntap-to-paid: GET /boltcard?p&c + GET /boltcard/callback (internal JMD invoice) until {"status":"OK"}`);
	console.log(`health: GET /api/v1/health at the same concurrency, ${HEALTH_REQUESTS}+ requests per level`);
	console.log('concurrency  taps  fail  tap p50 (lnurl)  tap p95  tap p99  taps/s  hlth p50 hlth p95 hlth p99  tap/health p50');
	for (const r of results) {
		console.log(
			`${String(r.concurrency).padStart(11)} ${String(r.tap.n).padStart(5)} ${String(r.tapFailures).padStart(5)}  ${fmt(r.tap.p50)} ${`(${r.lnurlP50.toFixed(1)})`.padStart(8)} ${fmt(r.tap.p95)}  ${fmt(r.tap.p99)} ${r.tapsPerSecond.toFixed(1).padStart(7)}  ${fmt(r.health.p50)}  ${fmt(r.health.p95)}  ${fmt(r.health.p99)}  ${(r.tap.p50 / r.health.p50).toFixed(1).padStart(14)}`
		);
	}

	// Check: every invoice paid is Settled, every balance went down by exactly what it paid.
	const paid = chips.flatMap((chip) => chip.invoices);
	let settled = 0;
	await each(paid, 10, async (id) => {
		const res = await fetch(`${store}/invoices/${id}`, { headers });
		const invoice = (await res.json()) as { status?: string };
		if (res.status === 200 && invoice.status === 'Settled') settled++;
		else fail('invoice not settled', `${id}: ${res.status} ${invoice.status ?? ''}`);
	});
	let balancesRight = 0;
	await each(chips, 10, async (chip) => {
		const res = await fetch(`${store}/cards/${chip.cardId}`, { headers });
		const card = (await res.json()) as { balance?: string };
		const expected = chip.topup - chip.paid;
		if (res.status === 200 && card.balance !== undefined && cents(card.balance) === expected) balancesRight++;
		else fail('card balance', `${chip.cardId}: ${card.balance ?? res.status}, expected ${money(expected)}`);
	});
	console.log(`\ncheck: ${settled}/${paid.length} invoices paid are Settled; ${balancesRight}/${chips.length} card balances = top-up − payments`);
	console.log(failures.length === 0 ? 'failures: 0' : `failures: ${failures.length} (${[...new Set(failures.map((f) => f.what))].join(', ')})`);
	if (failures.length > 0) process.exitCode = 1;
});
