// The node settings API with real node kinds behind the fake nodes (reached through the node
// fetch door): PUT validates and seals, GET never returns a credential and still answers when
// the node is down, the connection test says exactly what is wrong, and an invoice on a store
// relaying to LND is settled only when LND reports it paid with our hash and amount.
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { base64 } from '@scure/base';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { askNode } from '../../worker/invoices/create';
import { syncInvoice } from '../../worker/invoices/sync';
import { decodeInvoice } from '../../worker/lightning/bolt11';
import { nodeFor, useNodeFetcher } from '../../worker/nodes/registry';
import { database } from '../../worker/db/client';
import { findStore } from '../../worker/data/stores';
import { fakeInternet, json as jsonResponse } from './fake-nodes/common';
import { FakeGreenfield } from './fake-nodes/btcpay-greenfield';
import { FakeCln } from './fake-nodes/fake-cln';
import { FakeLnbits } from './fake-nodes/fake-lnbits';
import { FakeLnd } from './fake-nodes/fake-lnd';
import { call } from './helpers';
import { bolt11Of, createInvoice, createStore, json, type StoreFixture } from './setup-store';

const LND_URL = 'https://lnd.example.com:8080';

type TestResult = { ok: boolean; checks: Array<{ name: string; ok: boolean; message: string }> };
const CLN_URL = 'https://cln.example.com:3010';
const LNBITS_URL = 'https://pay.example.org/lnbits';

let lnd: FakeLnd;
let cln: FakeCln;
let lnbits: FakeLnbits;
let restore: () => void;

beforeEach(() => {
	lnd = new FakeLnd();
	cln = new FakeCln();
	lnbits = new FakeLnbits();
	lnbits.pathPrefix = '/lnbits';
	restore = useNodeFetcher(
		fakeInternet({
			'lnd.example.com:8080': lnd.fetch,
			'cln.example.com:3010': cln.fetch,
			'pay.example.org': lnbits.fetch
		})
	);
});
afterEach(() => restore());

const putNode = (f: StoreFixture, body: Record<string, unknown>) => call(
	`/stores/${f.storeId}/node`,
	{ method: 'PUT', headers: f.auth, json: body }
);
const testNode = (f: StoreFixture, body?: Record<string, unknown>) =>
	call(
		`/stores/${f.storeId}/node/test`,
		{ method: 'POST', headers: f.auth, ...(body ? { json: body } : {}) }
	);

async function lndStore(): Promise<StoreFixture> {
	const f = await createStore({ name: 'LND café', defaultCurrency: 'USD' }, { node: false });
	const res = await putNode(f, { kind: 'lnd', url: LND_URL, macaroon: lnd.macaroon.toUpperCase() });
	expect(res.status).toBe(200);
	return f;
}

describe('test mode follows the node’s network', () => {
	it('labels a store and its invoices on a regtest LND as test mode, without the simulated test wallet', async () => {
		const f = await lndStore();
		expect(await json(await call(`/stores/${f.storeId}`, { headers: f.auth }))).toMatchObject({ nodeKind: 'lnd', testMode: true });
		const invoice = await createInvoice(f, { amount: '1.00', currency: 'USD' });
		const view = await json(await call(`/checkout/${invoice.id}`));
		expect(view).toMatchObject({ testMode: true, testWallet: false });
	});
});

describe('PUT /stores/{id}/node', () => {
	it('connects LND, answers with what the node said, and never returns the macaroon', async () => {
		const f = await createStore({ name: 'Node', defaultCurrency: 'USD' }, { node: false });
		const res = await putNode(f, { kind: 'lnd', url: `${LND_URL}/`, macaroon: lnd.macaroon });
		const text = await res.text();
		expect(res.status).toBe(200);
		expect(JSON.parse(text)).toEqual({
			kind: 'lnd',
			testMode: true,
			nodeId: lnd.nodeId,
			network: 'regtest',
			updated: expect.any(Number),
			url: LND_URL,
			health: { ok: true, message: 'LND answered.', checked: expect.any(Number) }
		});
		expect(text).not.toContain(lnd.macaroon);
		const stored = await env.DB.prepare('select sealed_config from store_nodes where store_id = ?')
			.bind(f.storeId)
			.first<{ sealed_config: string }>();
		expect(stored!.sealed_config).not.toContain(lnd.macaroon);
		expect(lnd.log[0]!.path).toBe('/v1/getinfo');
	});

	it('connects Core Lightning and LNbits (a path prefix is kept), and says testMode from the network', async () => {
		const f = await createStore({ name: 'Node', defaultCurrency: 'USD' }, { node: false });
		const clnRes = await json(await putNode(f, { kind: 'cln', url: CLN_URL, rune: cln.rune }));
		expect(clnRes).toMatchObject({
			kind: 'cln',
			nodeId: cln.nodeId,
			network: 'regtest',
			testMode: true,
			health: { ok: true }
		});
		cln.info = { ...cln.info, network: 'bitcoin' };
		expect(await json(await call(`/stores/${f.storeId}/node`, { headers: f.auth }))).toMatchObject({
			network: 'mainnet',
			testMode: false
		});
		const lnbitsRes = await json(await putNode(
			f,
			{ kind: 'lnbits', url: LNBITS_URL, invoiceKey: lnbits.invoiceKey }
		));
		expect(lnbitsRes).toMatchObject({ kind: 'lnbits', url: LNBITS_URL, health: { ok: true } });
		expect(lnbits.log[0]!.url.pathname).toBe('/lnbits/api/v1/wallet');
		expect(JSON.stringify(lnbitsRes)).not.toContain(lnbits.invoiceKey);
	});

	it('refuses what Workers cannot reach, with the reason, as 422 on url', async () => {
		const f = await createStore({ name: 'Node', defaultCurrency: 'USD' }, { node: false });
		const cases: Array<[string, RegExp]> = [
			['https://203.0.113.7:8080', /Workers cannot reach a raw IP address.*Cloudflare Tunnel/],
			['https://abcdefghijklmnop.onion', /Tor/],
			['https://umbrel.local:8080', /local-network \(mDNS\)/],
			['https://mynode:8080', /not a full domain name/],
			['http://lnd.example.com:8080', /Use an https:\/\/ address/],
			['ftp://lnd.example.com', /https:\/\//]
		];
		for (const [url, message] of cases) {
			const res = await putNode(f, { kind: 'lnd', url, macaroon: lnd.macaroon });
			expect(res.status, url).toBe(422);
			const body = await json<Array<{ path: string; message: string }>>(res);
			expect(body[0]!.path).toBe('url');
			expect(body[0]!.message).toMatch(message);
		}
		expect(lnd.log).toHaveLength(0);
		// Plain http to this machine is fine while developing (wrangler dev, end-to-end tests).
		restore();
		restore = useNodeFetcher(async () => {
			throw new TypeError('connect ECONNREFUSED 127.0.0.1:8080');
		});
		const local = await putNode(
			f,
			{ kind: 'lnd', url: 'http://127.0.0.1:8080', macaroon: lnd.macaroon }
		);
		expect(local.status).toBe(200);
		expect(await json(local)).toMatchObject({
			kind: 'lnd',
			url: 'http://127.0.0.1:8080',
			health: { ok: false }
		});
	});

	it('validates each kind’s credentials with clear paths', async () => {
		const f = await createStore({ name: 'Node', defaultCurrency: 'USD' }, { node: false });
		const issues = async (body: Record<string, unknown>) => {
			const res = await putNode(f, body);
			expect(res.status).toBe(422);
			return json<Array<{ path: string; message: string }>>(res);
		};
		expect(await issues({ kind: 'lnd', url: LND_URL })).toEqual([
			{ path: 'macaroon', message: expect.stringContaining('hex') }
		]);
		const b64 = base64.encode(new Uint8Array(60).fill(7));
		expect((await issues({ kind: 'lnd', url: LND_URL, macaroon: b64 }))[0]).toMatchObject({
			path: 'macaroon',
			message: expect.stringContaining('not base64')
		});
		expect((await issues({ kind: 'cln', url: CLN_URL, rune: 'short' }))[0]!.path).toBe('rune');
		const lnbitsIssues = await issues({ kind: 'lnbits', url: LNBITS_URL, invoiceKey: 'x' });
		expect(lnbitsIssues[0]!.path).toBe('invoiceKey');
		expect((await issues({ kind: 'lnd', macaroon: lnd.macaroon }))[0]!.path).toBe('url');
		expect((await issues({ kind: 'eclair' }))[0]!.message).toContain('"lnd", "cln", "lnbits"');
	});

	it('stores the settings even when the node does not answer, and GET answers from them with health', async () => {
		const f = await lndStore();
		restore();
		restore = useNodeFetcher(async () => {
			throw new TypeError('connect ECONNREFUSED');
		});
		const res = await call(`/stores/${f.storeId}/node`, { headers: f.auth });
		expect(res.status).toBe(200);
		const body = await json(res);
		expect(body).toMatchObject({
			kind: 'lnd',
			nodeId: lnd.nodeId,
			network: 'regtest',
			url: LND_URL,
			health: { ok: false }
		});
		expect((body.health as { message: string }).message).toContain('refused the connection');
	});

	it('keeps the LND label secret across reconnects, so a retried creation finds its invoice', async () => {
		const f = await lndStore();
		lnd.inject('/v1/invoices', async (request) => {
			// LND creates the invoice, but the answer never reaches the worker.
			await lnd.fetch(new Request(
				request.url.toString(),
				{ method: 'POST', headers: request.headers, body: request.text }
			));
			throw new TypeError('Network connection lost.');
		});
		const res = await call(
			`/stores/${f.storeId}/invoices`,
			{ method: 'POST', headers: f.auth, json: { amount: '1500', currency: 'SATS' } }
		);
		expect(res.status).toBe(502);
		const row = await env.DB.prepare(
			"select id from invoices where store_id = ? and node_state = 'creating'"
		)
			.bind(f.storeId)
			.first<{ id: string }>();
		expect(row).not.toBeNull();
		// The merchant re-enters the macaroon meanwhile; the cron asks again under the same label.
		expect((await putNode(
			f,
			{ kind: 'lnd', url: LND_URL, macaroon: lnd.macaroon }
		)).status).toBe(200);
		const store = (await findStore(database(env.DB), f.storeId))!;
		await askNode({ env, now: Date.now() }, await nodeFor(env, f.storeId), store, row!.id);
		const after = await env.DB.prepare('select node_state, payment_hash from invoices where id = ?')
			.bind(row!.id)
			.first<{ node_state: string; payment_hash: string }>();
		expect(after!.node_state).toBe('created');
		expect(lnd.invoices.size).toBe(1);
		expect(lnd.invoices.has(after!.payment_hash)).toBe(true);
	});
});

describe('POST /stores/{id}/node/test', () => {
	it('passes every check on a healthy node', async () => {
		const f = await lndStore();
		const res = await testNode(f);
		expect(res.status).toBe(200);
		const body = await json<TestResult>(res);
		expect(body.ok).toBe(true);
		expect(body.checks.map((c) => c.name)).toEqual([
			'address',
			'connection',
			'certificate',
			'credentials',
			'network',
			'synced',
			'balance'
		]);
		expect(body.checks.find((c) => c.name === 'balance')!.message).toContain('250000 sats');
	});

	it('names the failing part: credentials, certificate, connection, network, sync, balance', async () => {
		const f = await lndStore();
		const failing = async (body?: Record<string, unknown>) => {
			const result = await json<TestResult>(await testNode(f, body));
			expect(result.ok).toBe(false);
			return result.checks.filter((c) => !c.ok);
		};
		lnd.inject('/v1/getinfo', () => jsonResponse(
			{ code: 2, message: 'verification failed: signature mismatch after caveat verification' },
			500
		));
		expect(await failing()).toEqual([
			{ name: 'credentials', ok: false, message: expect.stringContaining('macaroon') }
		]);
		lnd.inject('/v1/getinfo', () => new Response('<html>526</html>', { status: 526 }));
		expect(await failing()).toEqual([
			{ name: 'certificate', ok: false, message: expect.stringContaining('not publicly trusted') }
		]);
		lnd.inject('/v1/getinfo', () => {
			throw new TypeError('DNS lookup failed: lnd.example.com');
		});
		expect(await failing()).toEqual([
			{ name: 'connection', ok: false, message: expect.stringContaining('DNS') }
		]);
		expect(await failing({ network: 'mainnet' })).toEqual([
			{
				name: 'network',
				ok: false,
				message:
					'The node is on regtest, but this store takes payments on mainnet. Connect a mainnet node.'
			}
		]);
		lnd.info = { ...lnd.info, syncedToChain: false };
		lnd.permissions.delete('offchain:read');
		const names = (await failing()).map((c) => c.name);
		expect(names).toEqual(['synced', 'balance']);
	});

	it('needs the permission to modify store settings', async () => {
		const f = await lndStore();
		const keyRes = await call('/api-keys', {
			method: 'POST',
			basic: f.admin,
			json: { label: 'viewer', permissions: [`btcpay.store.canviewstoresettings:${f.storeId}`] }
		});
		const { apiKey } = await json<{ apiKey: string }>(keyRes);
		const res = await call(
			`/stores/${f.storeId}/node/test`,
			{ method: 'POST', headers: { authorization: `token ${apiKey}` } }
		);
		expect(res.status).toBe(403);
		expect((await call(
			`/stores/${f.storeId}/node`,
			{ headers: { authorization: `token ${apiKey}` } }
		)).status).toBe(200);
	});

	it('reports the simulated node as healthy', async () => {
		const f = await createStore();
		const body = await json<{ ok: boolean; checks: Array<{ name: string }> }>(await testNode(f));
		expect(body.ok).toBe(true);
		expect(body.checks[0]!.name).toBe('address');
	});
});

describe('an invoice on a store relaying to LND', () => {
	it('is issued by LND and settled only when LND reports it paid with our hash and amount', async () => {
		const f = await lndStore();
		const invoice = await createInvoice(f, { amount: '2100', currency: 'SATS' });
		const bolt11 = await bolt11Of(f, invoice.id);
		const decoded = decodeInvoice(bolt11);
		expect(decoded.amountMsat).toBe(2_100_000n);
		expect(lnd.invoices.get(decoded.paymentHash)!.bolt11).toBe(bolt11);

		expect((await syncInvoice(env, invoice.id))!.row.status).toBe('New');

		// The node lies: it reports the invoice paid, but for another amount.
		lnd.tampered.set(
			decoded.paymentHash,
			{ value_msat: '1000', state: 'SETTLED', amt_paid_msat: '1000', settle_date: '1738000000' }
		);
		let synced = await syncInvoice(env, invoice.id);
		expect(synced!.row).toMatchObject({ status: 'New', paidMsat: 0 });

		// Or under another payment hash.
		const stranger = base64.encode(crypto.getRandomValues(new Uint8Array(32)));
		lnd.tampered.set(
			decoded.paymentHash,
			{ r_hash: stranger, state: 'SETTLED', amt_paid_msat: '2100000', settle_date: '1738000000' }
		);
		synced = await syncInvoice(env, invoice.id);
		expect(synced!.row).toMatchObject({ status: 'New', paidMsat: 0 });

		// The truth: settled for the full amount.
		lnd.tampered.delete(decoded.paymentHash);
		lnd.settle(decoded.paymentHash);
		synced = await syncInvoice(env, invoice.id);
		expect(synced!.row).toMatchObject({ status: 'Settled', paidMsat: 2_100_000 });
		const payments = await env.DB.prepare(
			'select id, amount_msat from invoice_payments where invoice_id = ?'
		)
			.bind(invoice.id)
			.all();
		expect(payments.results).toEqual([{ id: `${decoded.paymentHash}:0`, amount_msat: 2_100_000 }]);
	});

	it('fails the creation when LND issues an invoice for another amount', async () => {
		const f = await lndStore();
		lnd.inject('/v1/invoices', (request) => {
			const body = request.body as { r_preimage: string; memo: string };
			const minted = lnd.mint({
				amountMsat: 1_000n,
				description: body.memo,
				expirySeconds: 900,
				preimage: base64.decode(body.r_preimage)
			});
			return jsonResponse({
				r_hash: base64.encode(hexToBytes(minted.paymentHash)),
				payment_request: minted.bolt11,
				add_index: '1'
			});
		});
		const res = await call(
			`/stores/${f.storeId}/invoices`,
			{ method: 'POST', headers: f.auth, json: { amount: '2100', currency: 'SATS' } }
		);
		expect(res.status).toBe(502);
		const { message } = await json<{ message: string }>(res);
		expect(message).toContain("the node's invoice is for 1000 msat instead of 2100000");
	});

	it('leaves the invoice for the cron when LND does not answer in time', async () => {
		const f = await lndStore();
		lnd.inject(
			'/v1/invoices',
			() => Promise.reject(new DOMException('The operation timed out', 'TimeoutError'))
		);
		const res = await call(
			`/stores/${f.storeId}/invoices`,
			{ method: 'POST', headers: f.auth, json: { amount: '2100', currency: 'SATS' } }
		);
		expect(res.status).toBe(502);
		const row = await env.DB.prepare(
			"select count(*) as n from invoices where store_id = ? and node_state = 'creating'"
		)
			.bind(f.storeId)
			.first<{ n: number }>();
		expect(row!.n).toBe(1);
	});
});

describe('the other node kinds through the same settings API', () => {
	it('connects a BTCPay Server store’s Lightning node and settles an invoice only from its answer', async () => {
		const apiKey = 'a1'.repeat(20);
		const greenfield = new FakeGreenfield({ apiKey, storeId: 'BtcpayStore1' });
		restore();
		restore = useNodeFetcher(fakeInternet({ 'btcpay.example.com': greenfield.fetch }));
		const f = await createStore({ name: 'BTCPay café', defaultCurrency: 'USD' }, { node: false });
		const res = await putNode(
			f,
			{ kind: 'btcpay', url: 'https://btcpay.example.com', apiKey, storeId: 'BtcpayStore1' }
		);
		const text = await res.text();
		expect(res.status).toBe(200);
		expect(JSON.parse(text)).toMatchObject({
			kind: 'btcpay',
			url: 'https://btcpay.example.com',
			health: { ok: true }
		});
		expect(text).not.toContain(apiKey);
		const invoice = await createInvoice(f, { amount: '2100', currency: 'SATS' });
		const hash = decodeInvoice(await bolt11Of(f, invoice.id)).paymentHash;
		expect((await syncInvoice(env, invoice.id))!.row.status).toBe('New');
		greenfield.settle(hash);
		expect((await syncInvoice(env, invoice.id))!.row.status).toBe('Settled');
	});

	it('takes a Nostr Wallet Connect string, refusing one that does not parse on its own path', async () => {
		const f = await createStore({ name: 'NWC café', defaultCurrency: 'USD' }, { node: false });
		const bad = await putNode(
			f,
			{ kind: 'nwc', connectionString: 'nostr+walletconnect://zz?relay=wss://relay.example.com' }
		);
		expect(bad.status).toBe(422);
		expect((await json<Array<{ path: string }>>(bad))[0]!.path).toBe('connectionString');
		restore();
		restore = useNodeFetcher(async () => {
			throw new TypeError('connect ECONNREFUSED');
		});
		const secret = '3'.repeat(64);
		const wallet = bytesToHex(schnorr.getPublicKey(hexToBytes('4'.repeat(64))));
		const connectionString = `nostr+walletconnect://${wallet}?relay=wss://relay.example.com&secret=${secret}`;
		const res = await putNode(f, { kind: 'nwc', connectionString });
		const text = await res.text();
		expect(res.status).toBe(200);
		expect(JSON.parse(text)).toMatchObject({
			kind: 'nwc',
			url: 'wss://relay.example.com/',
			health: { ok: false }
		});
		expect(text).not.toContain(secret);
	});
});
