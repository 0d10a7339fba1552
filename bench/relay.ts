// What relaying to the merchant's own node costs the worker: invoice creation on stores connected
// to LND, Core Lightning and LNbits, each played by a small fake node this script serves on
// 127.0.0.1 (answering like the real API, with genuine signed regtest invoices, after a fixed
// delay). The fake measures its own time per request; the worker's share is the round trip minus
// that. The simulated node (no relay) is the baseline. Against a local `wrangler dev`
// (development mode, where http://127.0.0.1 nodes are allowed).
// Run: `npx node bench/relay.ts` (BENCH_REQUESTS per kind, BENCH_NODE_DELAY_MS the fake's delay).
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_LOGIN, DEMO_STORE_ID } from '../worker/data/demo-seed.ts';
import {
	encodeInvoice,
	newNodePrivateKey,
	nodeKeyFromPrivateKey
} from '../worker/lightning/bolt11.ts';
import { fmt, summarise, withServer } from './lib.ts';

const TOTAL = Number(process.env.BENCH_REQUESTS ?? 200);
const WARMUP = 10;
const DELAY_MS = Number(process.env.BENCH_NODE_DELAY_MS ?? 5);

type Kind = 'lnd' | 'cln' | 'lnbits';
type Json = Record<string, unknown>;
type Answer = { status: number; body: unknown };
type Call = { method: string; path: string; headers: IncomingMessage['headers']; body: Json };
type Handler = (call: Call, query: URLSearchParams) => Answer;
type FakeNode = {
	kind: Kind;
	port: number;
	server: Server;
	/** The fake's own time for each invoice creation it answered, in ms. */
	createMs: number[];
	settings: (url: string) => Json;
};

/** Invoices the fakes issued: the store's live-status object looks them up while they are open. */
type Issued = {
	paymentHash: string;
	bolt11: string;
	amountMsat: bigint;
	created: number;
	expirySeconds: number;
};
const issued = new Map<string, Issued>();

const privateKey = newNodePrivateKey();
const nodeId = nodeKeyFromPrivateKey(privateKey);
const MACAROON = randomBytes(80).toString('hex');
const RUNE = randomBytes(40).toString('base64url');
const INVOICE_KEY = randomBytes(16).toString('hex');

function mint(
	amountMsat: bigint,
	description: string,
	expirySeconds: number,
	preimage = randomBytes(32)
) {
	const paymentHash = createHash('sha256').update(preimage).digest('hex');
	const paymentSecret = randomBytes(32).toString('hex');
	const bolt11 = encodeInvoice({
		network: 'regtest',
		amountMsat,
		paymentHash,
		paymentSecret,
		description,
		expirySeconds,
		timestamp: Math.floor(Date.now() / 1000),
		privateKey
	});
	const created = Math.floor(Date.now() / 1000);
	issued.set(paymentHash, { paymentHash, bolt11, amountMsat, created, expirySeconds });
	return { bolt11, paymentHash, paymentSecret };
}

const b64 = (hex: string, alphabet: 'base64' | 'base64url' = 'base64') =>
	Buffer.from(hex, 'hex').toString(alphabet);

// LND REST: macaroon header, int64 as strings, r_hash in base64 (lnrpc/lightning.swagger.json).
function lnd({ method, path, headers, body }: Call, query: URLSearchParams): Answer {
	if (headers['grpc-metadata-macaroon'] !== MACAROON) {
		return { status: 500, body: { code: 2, message: 'verification failed', details: [] } };
	}
	if (method === 'GET' && path === '/v1/getinfo') {
		const chains = [{ chain: 'bitcoin', network: 'regtest' }];
		const info = { identity_pubkey: nodeId, alias: 'bench-lnd', synced_to_chain: true };
		return { status: 200, body: { ...info, synced_to_graph: true, chains } };
	}
	if (method === 'POST' && path === '/v1/invoices') {
		const preimage = Buffer.from(String(body.r_preimage), 'base64');
		const amount = BigInt(String(body.value_msat));
		const minted = mint(amount, String(body.memo), Number(body.expiry), preimage);
		return {
			status: 200,
			body: {
				r_hash: b64(minted.paymentHash),
				payment_request: minted.bolt11,
				add_index: '1',
				payment_addr: b64(minted.paymentSecret)
			}
		};
	}
	if (method === 'GET' && path === '/v2/invoices/lookup') {
		const hash = Buffer.from(String(query.get('payment_hash')), 'base64url').toString('hex');
		const invoice = issued.get(hash);
		if (!invoice) {
			return { status: 404, body: { code: 5, message: 'unable to locate invoice', details: [] } };
		}
		return {
			status: 200,
			body: {
				r_hash: b64(hash),
				payment_request: invoice.bolt11,
				value_msat: invoice.amountMsat.toString(),
				creation_date: String(invoice.created),
				expiry: String(invoice.expirySeconds),
				state: 'OPEN',
				amt_paid_msat: '0',
				settle_date: '0'
			}
		};
	}
	return { status: 404, body: { code: 5, message: 'Not Found', details: [] } };
}

// clnrest: POST /v1/<method>, Rune header, 201 on success (doc/schemas/*.json).
function cln({ method, path, headers, body }: Call): Answer {
	if (headers.rune !== RUNE) {
		return { status: 401, body: { code: 1502, message: 'Not authorized: Invalid rune' } };
	}
	if (method !== 'POST') {
		const message = 'Path invalid, http_method must be POST for CLN methods';
		return { status: 405, body: { code: -32601, message } };
	}
	if (path === '/v1/getinfo') {
		const info = { id: nodeId, alias: 'bench-cln', network: 'regtest', blockheight: 800 };
		return { status: 201, body: info };
	}
	if (path === '/v1/invoice') {
		const expiry = Number(body.expiry ?? 604800);
		const minted = mint(BigInt(Number(body.amount_msat)), String(body.description), expiry);
		return {
			status: 201,
			body: {
				payment_hash: minted.paymentHash,
				expires_at: Math.floor(Date.now() / 1000) + expiry,
				bolt11: minted.bolt11,
				payment_secret: minted.paymentSecret,
				created_index: 1
			}
		};
	}
	if (path === '/v1/listinvoices') {
		const invoice = issued.get(String(body.payment_hash));
		const listed = invoice
			? [
					{
						label: 'bench',
						payment_hash: invoice.paymentHash,
						status: 'unpaid',
						expires_at: invoice.created + invoice.expirySeconds,
						amount_msat: Number(invoice.amountMsat),
						bolt11: invoice.bolt11,
						created_index: 1
					}
				]
			: [];
		return { status: 201, body: { invoices: listed } };
	}
	return { status: 404, body: { code: -32601, message: 'Unknown command' } };
}

// LNbits wallet API: X-Api-Key, amounts out in sat and back in msat (core/views/payment_api.py).
function lnbits({ method, path, headers, body }: Call): Answer {
	if (headers['x-api-key'] !== INVOICE_KEY) {
		return { status: 404, body: { detail: 'Wallet not found.' } };
	}
	if (method === 'GET' && path === '/api/v1/wallet') {
		return { status: 200, body: { id: 'bench', name: 'Bench wallet', balance: 1_000_000 } };
	}
	if (method === 'GET' && path.startsWith('/api/v1/payments/')) {
		const invoice = issued.get(path.slice('/api/v1/payments/'.length));
		if (!invoice) return { status: 404, body: { detail: 'Payment does not exist.' } };
		const details = {
			payment_hash: invoice.paymentHash,
			amount: Number(invoice.amountMsat),
			fee: 0,
			bolt11: invoice.bolt11,
			status: 'pending'
		};
		return { status: 200, body: { paid: false, preimage: null, details } };
	}
	if (method === 'GET' && path === '/api/v1/payments') return { status: 200, body: [] };
	if (method === 'POST' && path === '/api/v1/payments' && body.out === false) {
		const amountMsat = BigInt(Number(body.amount)) * 1000n;
		const minted = mint(amountMsat, String(body.memo), Number(body.expiry));
		return {
			status: 201,
			body: {
				checking_id: minted.paymentHash,
				payment_hash: minted.paymentHash,
				amount: Number(amountMsat),
				fee: 0,
				bolt11: minted.bolt11,
				status: 'pending',
				expiry: new Date(Date.now() + Number(body.expiry) * 1000).toISOString()
			}
		};
	}
	return { status: 404, body: { detail: 'Not Found' } };
}

const HANDLERS: Record<Kind, Handler> = { lnd, cln, lnbits };
const CREATE_PATHS: Record<Kind, string> = {
	lnd: '/v1/invoices',
	cln: '/v1/invoice',
	lnbits: '/api/v1/payments'
};

async function startFake(kind: Kind): Promise<FakeNode> {
	const createMs: number[] = [];
	const server = createServer((req: IncomingMessage, res: ServerResponse) => {
		const started = performance.now();
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			setTimeout(() => {
				const text = Buffer.concat(chunks).toString('utf8');
				const body = (text ? JSON.parse(text) : {}) as Json;
				const url = new URL(req.url ?? '/', 'http://127.0.0.1');
				const method = req.method ?? 'GET';
				const call = { method, path: url.pathname, headers: req.headers, body };
				const answer = HANDLERS[kind](call, url.searchParams);
				res.writeHead(answer.status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(answer.body), () => {
					const creating = method === 'POST' && url.pathname === CREATE_PATHS[kind];
					if (creating) createMs.push(performance.now() - started);
				});
			}, DELAY_MS);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	const settings = (url: string): Json => {
		if (kind === 'lnd') return { kind, url, macaroon: MACAROON };
		if (kind === 'cln') return { kind, url, rune: RUNE };
		return { kind, url, invoiceKey: INVOICE_KEY };
	};
	return { kind, port, server, createMs, settings };
}

/** A port nobody listens on, so the `wrangler dev` measured is ours, not one left running. */
async function freePort(): Promise<number> {
	const probe = createServer();
	await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
	const { port } = probe.address() as AddressInfo;
	await new Promise<void>((resolve) => probe.close(() => resolve()));
	return port;
}

if (!process.env.BENCH_URL && !process.env.BENCH_PORT) {
	process.env.BENCH_PORT = String(await freePort());
}
const fakes = await Promise.all((['lnd', 'cln', 'lnbits'] as const).map(startFake));

try {
	await withServer(async (origin) => {
		const api = `${origin}/api/v1`;
		const basic = `Basic ${btoa(`${DEMO_LOGIN.email}:${DEMO_LOGIN.password}`)}`;
		let restarts = 0;
		const send = async (path: string, init: { method?: string; auth: string; body?: unknown }) => {
			// `wrangler dev` reloads the worker when a source file changes (other work in the same
			// checkout): such a request is sent again with the same idempotency key, its time dropped.
			const headers = {
				authorization: init.auth,
				'content-type': 'application/json',
				'idempotency-key': crypto.randomUUID()
			};
			for (let attempt = 0; ; attempt++) {
				let res: Response;
				let text: string;
				try {
					res = await fetch(`${api}${path}`, {
						method: init.method ?? 'GET',
						headers,
						body: init.body === undefined ? undefined : JSON.stringify(init.body)
					});
					text = await res.text();
				} catch (error) {
					// A reload can also drop the connection outright.
					if (attempt >= 5) throw error;
					restarts++;
					continue;
				}
				if (res.status === 503 && text.includes('restarted mid-request') && attempt < 5) {
					restarts++;
					continue;
				}
				if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text}`);
				return JSON.parse(text) as Json;
			}
		};

		type Target = { kind: Kind | 'simulated'; id: string; fake: FakeNode | null };
		const stores: Target[] = [{ kind: 'simulated', id: DEMO_STORE_ID, fake: null }];
		for (const fake of fakes) {
			const body = { name: `Bench ${fake.kind}`, defaultCurrency: 'USD' };
			const store = await send('/stores', { method: 'POST', auth: basic, body });
			stores.push({ kind: fake.kind, id: String(store.id), fake });
		}
		const permissions = stores.map((s) => `btcpay.store.canmodifystoresettings:${s.id}`);
		const key = await send('/api-keys', {
			method: 'POST',
			auth: basic,
			body: { label: 'bench', permissions }
		});
		const auth = `token ${String(key.apiKey)}`;
		for (const store of stores) {
			if (!store.fake) continue;
			const body = store.fake.settings(`http://127.0.0.1:${store.fake.port}`);
			const connected = await send(`/stores/${store.id}/node`, { method: 'PUT', auth, body });
			const health = connected.health as { ok: boolean; message: string };
			if (!health.ok) throw new Error(`${store.kind}: ${health.message}`);
		}

		console.log(
			`POST /api/v1/stores/{id}/invoices (SATS), ${TOTAL} per kind, one at a time, kinds` +
				` taking turns; fake node delay ${DELAY_MS} ms`
		);
		console.log('times in ms; worker = round trip − the fake node’s own time');
		console.log('kind          round trip p50     p90     node p50   worker p50     p90     p99');
		type Samples = { totals: number[]; node: number[]; worker: number[] };
		const samples = stores.map((): Samples => ({ totals: [], node: [], worker: [] }));
		const invoice = { amount: '1500', currency: 'SATS' };
		const failures: string[] = [];
		const create = (storeId: string) =>
			send(`/stores/${storeId}/invoices`, { method: 'POST', auth, body: invoice });
		for (const store of stores) for (let i = 0; i < WARMUP; i++) await create(store.id);
		// Taking turns spreads the background work (each store's live-status object polls its node
		// about every open invoice once a second) evenly over the kinds.
		for (let i = 0; i < TOTAL; i++) {
			for (const [index, store] of stores.entries()) {
				const before = store.fake?.createMs.length ?? 0;
				const restartsBefore = restarts;
				const started = performance.now();
				try {
					await create(store.id);
				} catch (error) {
					// Reported below: a node error is a finding, not something to average away.
					failures.push(`${store.kind}: ${error instanceof Error ? error.message : String(error)}`);
					continue;
				}
				const total = performance.now() - started;
				if (restarts !== restartsBefore) continue;
				// The fake records its time when its answer is written, before the worker answers.
				const own = (store.fake?.createMs.slice(before) ?? []).reduce((sum, ms) => sum + ms, 0);
				samples[index]!.totals.push(total);
				samples[index]!.node.push(own);
				samples[index]!.worker.push(total - own);
			}
		}
		for (const [index, store] of stores.entries()) {
			const t = summarise(samples[index]!.totals);
			const n = summarise(samples[index]!.node);
			const w = summarise(samples[index]!.worker);
			const cells = [fmt(t.p50), '        ', fmt(t.p90), fmt(n.p50), '   ', fmt(w.p50), fmt(w.p90)];
			console.log(`${store.kind.padEnd(13)} ${cells.join(' ')} ${fmt(w.p99)}`);
		}
		for (const failure of failures) console.log(`failed: ${failure}`);
		if (restarts > 0) {
			console.log(`(${restarts} requests were cut by a worker reload, sent again and left out)`);
		}
	});
} finally {
	for (const fake of fakes) fake.server.close();
}
