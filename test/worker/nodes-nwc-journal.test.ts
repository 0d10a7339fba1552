// The NWC pay journal in D1: adapters that do not share memory (as two isolates would not) still
// never both send pay_invoice for one payment hash, because they share the journal table. The
// fake wallet here does not de-duplicate, so a second request would be a second payment.
import { bytesToHex } from '@noble/hashes/utils.js';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import { database } from '../../worker/db/client';
import { d1PayJournal } from '../../worker/data/nwc-journal';
import { newNodePrivateKey } from '../../worker/lightning/bolt11';
import {
	createNwcAdapter,
	memoryPayJournal,
	parseNwcConnectionString,
	type NwcPayJournal
} from '../../worker/nodes/nwc';
import { nodeFor, useNodeFetcher } from '../../worker/nodes/registry';
import { FakeLightning, FakeRelay, FakeWallet } from './fake-nodes/nwc-relay';
import { relayFetch } from './fake-nodes/nwc-workers';
import { call } from './helpers';
import { createStore } from './setup-store';

function world() {
	const relay = new FakeRelay('wss://relay.test/');
	const network = new FakeLightning();
	const wallet = new FakeWallet(relay, network, { dedupes: false });
	const secret = bytesToHex(newNodePrivateKey());
	const config = parseNwcConnectionString(wallet.connectionString(secret));
	let clock = Date.now();
	const now = () => clock;
	/** A fresh adapter, as another isolate would build it: nothing shared but `journal`. */
	const isolate = (journal: NwcPayJournal) =>
		createNwcAdapter(
			config,
			{ fetch: async () => new Response(null, { status: 500 }), now, connect: relay.connect },
			{ journal, replyTimeoutMs: 1_000, payReplyTimeoutMs: 300 }
		);
	return { relay, network, wallet, config, isolate, advance: (ms: number) => (clock += ms) };
}

const journalRow = (key: string) =>
	env.DB.prepare('select request_id, outcome from nwc_pay_journal where key = ?')
		.bind(key)
		.first<{ request_id: string; outcome: string | null }>();

describe('the NWC pay journal in D1', () => {
	it('lets only one of two isolates send pay_invoice for a hash, however they race', async () => {
		const { network, wallet, isolate } = world();
		const a = isolate(d1PayJournal(database(env.DB)));
		const b = isolate(d1PayJournal(database(env.DB)));
		const target = network.invoice(5_000n);
		const request = { bolt11: target.bolt11, maxFeeMsat: 1_000n, idempotencyKey: 'k' };
		const results = await Promise.all([a.payInvoice(request), b.payInvoice(request)]);
		expect(wallet.payRequestsFor(target.paymentHash)).toBe(1);
		expect(wallet.paidCount.get(target.paymentHash)).toBe(1);
		expect(results.map((r) => r.status).sort()).toEqual(['pending', 'succeeded']);
		// The one that stood back learns the outcome by looking, not by paying.
		expect(await b.lookupPayment(target.paymentHash)).toMatchObject({ status: 'succeeded', preimage: target.preimage });
		expect(await a.lookupPayment(target.paymentHash)).toMatchObject({ status: 'succeeded' });
		expect(wallet.payRequestsFor(target.paymentHash)).toBe(1);
	});

	it('(without a shared journal the same race pays twice: what the table prevents)', async () => {
		const { network, wallet, isolate } = world();
		const target = network.invoice(5_000n);
		const request = { bolt11: target.bolt11, maxFeeMsat: 1_000n, idempotencyKey: 'k' };
		await Promise.all([isolate(memoryPayJournal()).payInvoice(request), isolate(memoryPayJournal()).payInvoice(request)]);
		expect(wallet.paidCount.get(target.paymentHash)).toBe(2);
	});

	it('keeps another isolate from sending while a lost request could still be acted on, and lets it after expiry', async () => {
		const { network, wallet, config, isolate, advance } = world();
		const target = network.invoice(8_000n);
		const request = { bolt11: target.bolt11, maxFeeMsat: 1_000n, idempotencyKey: 'k' };
		// The first isolate's request is lost on the way: its outcome is unknown.
		wallet.behave('pay_invoice', 'ignore');
		const first = await isolate(d1PayJournal(database(env.DB))).payInvoice(request).then(
			() => null,
			(error: unknown) => error
		);
		expect(String(first)).toContain('outcome is unknown');
		const key = `${config.walletPubkey}:${target.paymentHash}`;
		const recorded = await journalRow(key);
		expect(recorded).toMatchObject({ outcome: null });

		// Another isolate, a moment later: the request could still reach the wallet, so it waits.
		const second = await isolate(d1PayJournal(database(env.DB))).payInvoice(request);
		expect(second).toEqual({ status: 'pending', paymentHash: target.paymentHash });
		expect(wallet.paidCount.get(target.paymentHash)).toBeUndefined();
		expect((await journalRow(key))!.request_id).toBe(recorded!.request_id);

		// Once the lost request has expired (NIP-47 `expiration`, plus the clock allowance) it
		// cannot run any more: a new request may go, once, and its outcome is recorded.
		advance(10 * 60_000);
		const third = await isolate(d1PayJournal(database(env.DB))).payInvoice(request);
		expect(third).toMatchObject({ status: 'succeeded', preimage: target.preimage, amountMsat: 8_000n });
		expect(wallet.paidCount.get(target.paymentHash)).toBe(1);
		const done = await journalRow(key);
		expect(done!.request_id).not.toBe(recorded!.request_id);
		expect(JSON.parse(done!.outcome!)).toMatchObject({ status: 'succeeded', amountMsat: '8000', preimage: target.preimage });
		// A fresh isolate reads the recorded outcome back with its amounts intact.
		const journal = d1PayJournal(database(env.DB));
		expect((await journal.get(key))!.outcome).toMatchObject({ status: 'succeeded', amountMsat: 8_000n, feeMsat: 1_000n });
	});

	it('claims by insert-if-absent and replaces only what is still recorded', async () => {
		const journal = d1PayJournal(database(env.DB));
		const key = `wallet:${'ab'.repeat(32)}`;
		const entry = { key, requestId: 'r1', sentAt: 1, expiresAt: 2, outcome: null };
		expect(await journal.claim(entry)).toEqual(entry);
		expect(await journal.claim({ ...entry, requestId: 'r2' })).toEqual(entry);
		const failed = { status: 'failed' as const, paymentHash: 'ab'.repeat(32), reason: 'no route' };
		expect(await journal.replace({ ...entry, requestId: 'r2' }, { ...entry, requestId: 'r3' })).toBe(false);
		expect(await journal.replace(entry, { ...entry, outcome: failed })).toBe(true);
		expect(await journal.get(key)).toEqual({ ...entry, outcome: failed });
	});
});

describe('the registry builds NWC adapters on the D1 journal', () => {
	let restore: (() => void) | null = null;
	afterEach(() => restore?.());

	it('two adapters of one store, built separately, send one pay_invoice between them', async () => {
		const relay = new FakeRelay('wss://relay.test/');
		const network = new FakeLightning();
		const wallet = new FakeWallet(relay, network, { dedupes: false });
		restore = useNodeFetcher(relayFetch(relay));
		const f = await createStore({ name: 'NWC journal café', defaultCurrency: 'USD' }, { node: false });
		const connectionString = wallet.connectionString(bytesToHex(newNodePrivateKey()));
		const res = await call(`/stores/${f.storeId}/node`, { method: 'PUT', headers: f.auth, json: { kind: 'nwc', connectionString } });
		expect(res.status).toBe(200);
		const [a, b] = [await nodeFor(env, f.storeId), await nodeFor(env, f.storeId)];
		const target = network.invoice(3_000n);
		const request = { bolt11: target.bolt11, maxFeeMsat: 1_000n, idempotencyKey: 'k' };
		await Promise.all([a.payInvoice(request), b.payInvoice(request)]);
		expect(wallet.payRequestsFor(target.paymentHash)).toBe(1);
		expect(wallet.paidCount.get(target.paymentHash)).toBe(1);
		const row = await env.DB.prepare('select count(*) as n from nwc_pay_journal where key = ?')
			.bind(`${wallet.pubkey}:${target.paymentHash}`)
			.first<{ n: number }>();
		expect(row!.n).toBe(1);
	});
});
