// The NWC (NIP-47) adapter against an in-memory relay and wallet service: connection strings,
// the request/answer round trip (signed kind 23194, NIP-44 or NIP-04, `e`-tagged kind 23195),
// wallet errors and silence, answers that must be ignored, and paying without ever sending a
// second pay_invoice for a hash while an earlier one could still be acted on.
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { decodeInvoice, newNodePrivateKey } from '../../worker/lightning/bolt11';
import {
	eventId,
	nip44ConversationKey,
	nip44Encrypt,
	publicKeyOf,
	signEvent,
	tagValue,
	verifyEvent
} from '../../worker/nodes/nostr';
import {
	createNwcAdapter,
	decodeNwcNotification,
	memoryPayJournal,
	NWC_ERROR_CODES,
	NWC_KINDS,
	parseNwcConnectionString,
	type NodeDeps,
	type NwcConfig,
	type NwcOptions,
	type NwcPayJournal
} from '../../worker/nodes/nwc';
import { NodeHttpError } from '../../worker/nodes/http';
import { NodeError, type NodeAdapter } from '../../worker/nodes/types';
import facts from '../fixtures/nodes/nwc/nostr-facts.json';
import {
	FakeLightning,
	FakeRelay,
	FakeWallet,
	type WalletOptions
} from '../worker/fake-nodes/nwc-relay';

type Clock = { now: number };

const noFetch: NodeDeps['fetch'] = () => Promise.reject(new Error('no HTTP in these tests'));

/** Past a pay_invoice request's expiration (60 s) and the clock allowance (120 s). */
const PAST_EXPIRY_MS = 60_000 + 120_000 + 1_000;

function setup(options: { wallet?: WalletOptions; adapter?: NwcOptions; clock?: Clock } = {}) {
	const clock = options.clock ?? { now: Date.now() };
	const relay = new FakeRelay();
	const network = new FakeLightning();
	const wallet = new FakeWallet(relay, network, { now: () => clock.now, ...options.wallet });
	const config = parseNwcConnectionString(wallet.connectionString(bytesToHex(newNodePrivateKey())));
	const journal = memoryPayJournal();
	const deps: NodeDeps = { fetch: noFetch, now: () => clock.now, connect: relay.connect };
	const adapter = (extra: NwcOptions = {}, own: { journal?: NwcPayJournal } = {}): NodeAdapter =>
		createNwcAdapter(config, deps, {
			journal: own.journal ?? journal,
			replyTimeoutMs: 300,
			payReplyTimeoutMs: 300,
			...options.adapter,
			...extra
		});
	const clientPubkey = publicKeyOf(hexToBytes(config.secret));
	const node = adapter();
	return { clock, relay, network, wallet, config, journal, deps, node, adapter, clientPubkey };
}

function create(node: NodeAdapter, label: string, amountMsat = 1_000n, expirySeconds = 60) {
	return node.createInvoice({ label, amountMsat, description: 'x', expirySeconds });
}

function pay(node: NodeAdapter, bolt11: string, idempotencyKey = 'k') {
	return node.payInvoice({ bolt11, maxFeeMsat: 1_000n, idempotencyKey });
}

/** Requests the client published (kind 23194), oldest first. */
function requestsOn(relay: FakeRelay) {
	return relay.published.filter((e) => e.kind === NWC_KINDS.request);
}

async function until(condition: () => boolean, ms = 2_000): Promise<void> {
	const start = Date.now();
	while (!condition()) {
		if (Date.now() - start > ms) throw new Error('timed out waiting');
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}

async function nodeError(promise: Promise<unknown>): Promise<NodeError> {
	const error = await promise.then(
		() => null,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(NodeError);
	return error as NodeError;
}

const WALLET = 'b889ff5b1513b641e2a139f661a661364979c5beee91842f8f0ef42ab558e9d4';
const SECRET = '71a8c14c1407c113601079c4302dab36460f0ccd0ad506f1f2dc73b5100e4f3c';

describe('parseNwcConnectionString', () => {
	it('reads the NIP-47 example', () => {
		expect(parseNwcConnectionString(facts.nip47ExampleConnectionString)).toEqual({
			walletPubkey: WALLET,
			relays: ['wss://relay.damus.io/'],
			secret: SECRET,
			lud16: null
		});
	});

	it('takes several relays (once each), a lightning address, upper case and no slashes', () => {
		const relays = 'relay=wss://a.example&relay=wss%3A%2F%2Fb.example%2Fv1&relay=wss://a.example/';
		const rest = `secret=${SECRET.toUpperCase()}&lud16=cafe%40example.com`;
		const text = `  nostr+walletconnect:${WALLET.toUpperCase()}?${relays}&${rest}  `;
		expect(parseNwcConnectionString(text)).toEqual({
			walletPubkey: WALLET,
			relays: ['wss://a.example/', 'wss://b.example/v1'],
			secret: SECRET,
			lud16: 'cafe@example.com'
		});
		const local = `nostr+walletconnect://${WALLET}?relay=ws://localhost:7777&secret=${SECRET}`;
		expect(parseNwcConnectionString(local).relays).toEqual(['ws://localhost:7777/']);
	});

	const relay = 'relay=wss%3A%2F%2Frelay.example.com';
	const nwc = (query: string, key = WALLET) => `nostr+walletconnect://${key}?${query}`;
	const bad: Array<[what: string, text: string, message: RegExp]> = [
		['another scheme', `https://example.com/?${relay}&secret=${SECRET}`, /not a Nostr Wallet/],
		['no wallet key', nwc(`${relay}&secret=${SECRET}`, ''), /public key/],
		['a short wallet key', nwc(`${relay}&secret=${SECRET}`, 'abc123'), /public key/],
		['a wallet key off the curve', nwc(`${relay}&secret=${SECRET}`, 'ff'.repeat(32)), /public key/],
		['no relay', nwc(`secret=${SECRET}`), /names no relay/],
		['an empty relay', nwc(`relay=&secret=${SECRET}`), /names no relay/],
		['an https relay', nwc(`relay=https://relay.example.com&secret=${SECRET}`), /wss:\/\//],
		['a plain ws relay', nwc(`relay=ws://relay.example.com&secret=${SECRET}`), /wss:\/\//],
		['a relay that is no URL', nwc(`relay=relay.example.com&secret=${SECRET}`), /not a URL/],
		['no secret', nwc(relay), /exactly one secret/],
		['two secrets', nwc(`${relay}&secret=${SECRET}&secret=${SECRET}`), /exactly one secret/],
		['a zero secret', nwc(`${relay}&secret=${'00'.repeat(32)}`), /not a valid key/],
		['a short secret', nwc(`${relay}&secret=${SECRET.slice(2)}`), /not a valid key/]
	];
	it.each(bad)('refuses %s', (_what, text, message) => {
		let error: unknown;
		try {
			parseNwcConnectionString(text);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(NodeError);
		expect((error as NodeError).code).toBe('node-misconfigured');
		expect((error as NodeError).message).toMatch(message);
		expect((error as NodeError).message).not.toContain(SECRET.slice(2));
	});
});

describe('NWC adapter: requests and answers', () => {
	it('creates an invoice with make_invoice in a signed, NIP-44 encrypted kind 23194', async () => {
		const { node, wallet, relay, clientPubkey, clock } = setup();
		const description = 'Flat white';
		const asked = { label: 'inv-1', amountMsat: 21_000n, description, expirySeconds: 600 };
		const invoice = await node.createInvoice(asked);

		const params = { amount: 21_000, description: 'Flat white', expiry: 600 };
		expect(wallet.requests).toEqual([
			expect.objectContaining({ method: 'make_invoice', params, encryption: 'nip44_v2' })
		]);
		const [request] = requestsOn(relay);
		expect(verifyEvent(request)).toBe(true);
		expect(request!.pubkey).toBe(clientPubkey);
		expect(tagValue(request!, 'p')).toBe(wallet.pubkey);
		expect(tagValue(request!, 'encryption')).toBe('nip44_v2');
		expect(Number(tagValue(request!, 'expiration'))).toBeGreaterThan(request!.created_at);
		expect(request!.content).not.toContain('make_invoice');
		expect(request!.created_at).toBe(Math.floor(clock.now / 1000));

		const [answer] = relay.published.filter((e) => e.kind === NWC_KINDS.response);
		expect(tagValue(answer!, 'e')).toBe(request!.id);

		const decoded = decodeInvoice(invoice.bolt11);
		expect(invoice).toEqual({
			paymentHash: decoded.paymentHash,
			bolt11: invoice.bolt11,
			amountMsat: 21_000n,
			expiresAt: (Math.floor(clock.now / 1000) + 600) * 1000,
			payments: []
		});
		expect(decoded.amountMsat).toBe(21_000n);
	});

	it('looks invoices up: open, then paid; one it does not know is null', async () => {
		const { node, wallet, clock } = setup();
		const invoice = await create(node, 'a', 5_000n);
		expect((await node.lookupInvoice(invoice.paymentHash))?.payments).toEqual([]);
		wallet.receive(invoice.paymentHash, clock.now);
		const receivedAt = Math.floor(clock.now / 1000) * 1000;
		expect((await node.lookupInvoice(invoice.paymentHash))?.payments).toEqual([
			{ id: `${invoice.paymentHash}:0`, amountMsat: 5_000n, receivedAt }
		]);
		expect(await node.lookupInvoice('ab'.repeat(32))).toBeNull();
		expect(await node.lookupInvoice('not hex')).toBeNull();
	});

	it('answers the same label once per adapter', async () => {
		const { node, wallet } = setup();
		const [a, b] = await Promise.all([create(node, 'same'), create(node, 'same')]);
		expect(a).toEqual(b);
		expect(wallet.requests.filter((r) => r.method === 'make_invoice')).toHaveLength(1);
	});

	it('reads balance and node information, and closes the connection when idle', async () => {
		const { node, relay } = setup({ wallet: { balanceMsat: 123_456_000n } });
		expect(await node.balance()).toEqual({ spendableMsat: 123_456_000n });
		const info = { kind: 'nwc', alias: 'fake wallet', network: 'regtest', synced: true };
		expect(await node.info()).toMatchObject(info);
		await until(() => relay.openConnections === 0);
	});

	it('speaks NIP-04 to a wallet whose info event does not list nip44_v2', async () => {
		const { node, wallet, relay } = setup({ wallet: { encryption: 'nip04-only' } });
		await create(node, 'legacy');
		expect(wallet.requests[0]?.encryption).toBe('nip04');
		const [request] = requestsOn(relay);
		expect(tagValue(request!, 'encryption')).toBeNull();
		expect(request!.content).toContain('?iv=');
	});

	it('uses NIP-44 when the relay keeps no info event', async () => {
		const { node, wallet } = setup({ wallet: { publishInfo: false } });
		expect((await node.balance()).spendableMsat).toBe(wallet.balanceMsat);
		expect(wallet.requests[0]?.encryption).toBe('nip44_v2');
	});

	it('moves on to the next relay when one is down, and says so when all are', async () => {
		const down = new FakeRelay('wss://down.example/');
		down.down = true;
		const up = new FakeRelay('wss://up.example/');
		const wallet = new FakeWallet(up, new FakeLightning());
		const secret = bytesToHex(newNodePrivateKey());
		const text = `nostr+walletconnect://${wallet.pubkey}?relay=${down.url}&relay=${up.url}`;
		const config: NwcConfig = parseNwcConnectionString(`${text}&secret=${secret}`);
		const relays: Record<string, FakeRelay> = { [down.url]: down, [up.url]: up };
		const connect = (url: string) => relays[url]!.connect(url);
		const deps = { fetch: noFetch, now: Date.now, connect };
		const node = createNwcAdapter(config, deps, { replyTimeoutMs: 300 });
		expect((await node.balance()).spendableMsat).toBe(wallet.balanceMsat);

		up.down = true;
		const error = await nodeError(node.balance());
		expect(error.code).toBe('node-unavailable');
		expect(error.message).toContain('down.example');
	});
});

describe('NWC adapter: wallet errors, silence and impostors', () => {
	const mapping: Array<[string, NodeError['code']]> = [
		['UNAUTHORIZED', 'node-auth-refused'],
		['RESTRICTED', 'node-auth-refused'],
		['NOT_IMPLEMENTED', 'node-misconfigured'],
		['UNSUPPORTED_ENCRYPTION', 'node-misconfigured'],
		['RATE_LIMITED', 'node-unavailable'],
		['INTERNAL', 'node-unavailable'],
		['QUOTA_EXCEEDED', 'node-rejected'],
		['OTHER', 'node-rejected']
	];
	it.each(mapping)('maps %s to %s', async (code, expected) => {
		const { node, wallet } = setup();
		wallet.behave('get_balance', { error: { code, message: 'no' } });
		const error = await nodeError(node.balance());
		expect(error.code).toBe(expected);
		expect(error.message).toContain(code);
		// The connection test reports refused credentials as the credentials check failing.
		const failure = (error as NodeHttpError).failure;
		expect(failure).toBe(expected === 'node-auth-refused' ? 'auth' : 'refusal');
	});

	it('knows every NIP-47 error code and event kind', () => {
		expect([...NWC_ERROR_CODES].sort()).toEqual([...facts.nip47.errorCodes].sort());
		expect(NWC_KINDS).toEqual(facts.nip47.kinds);
	});

	it('says a connection without make_invoice permission is misconfigured', async () => {
		const { node } = setup({ wallet: { methods: ['get_balance', 'lookup_invoice'] } });
		expect((await nodeError(create(node, 'x'))).code).toBe('node-misconfigured');
	});

	it('reports a wallet that never answers as node-unavailable after the timeout', async () => {
		const { node, wallet } = setup();
		wallet.behave('make_invoice', 'ignore');
		const started = Date.now();
		const error = await nodeError(create(node, 'x'));
		expect(error.code).toBe('node-unavailable');
		expect(error.message).toContain('no answer');
		expect(Date.now() - started).toBeGreaterThanOrEqual(250);
	});

	it('ignores answers from others, badly signed, for someone else or another method', async () => {
		const { node, wallet, relay, clientPubkey } = setup({ adapter: { replyTimeoutMs: 2_000 } });
		// A genuine answer from before, to replay later under the new request's id.
		expect((await node.balance()).spendableMsat).toBe(wallet.balanceMsat);
		const earlier = relay.published.filter((e) => e.kind === NWC_KINDS.response).at(-1)!;
		wallet.balanceMsat += 1_000n;
		wallet.behave('get_balance', { delayMs: 150 });
		const balance = node.balance();
		await until(() => wallet.requests.filter((r) => r.method === 'get_balance').length === 2);
		const request = requestsOn(relay).at(-1)!;
		const lie = (secret: Uint8Array, body: unknown, tags: string[][]) => {
			const key = nip44ConversationKey(secret, clientPubkey);
			const content = nip44Encrypt(JSON.stringify(body), key);
			const template = { kind: NWC_KINDS.response, created_at: request.created_at, tags, content };
			return signEvent(template, secret);
		};
		const rich = { result_type: 'get_balance', error: null, result: { balance: 1 } };
		const attacker = newNodePrivateKey();
		const toUs = [
			['p', clientPubkey],
			['e', request.id]
		];
		const toThem = [
			['p', publicKeyOf(attacker)],
			['e', request.id]
		];
		relay.publish(lie(attacker, rich, toUs));
		relay.forwardUnchecked({ ...lie(attacker, rich, toUs), pubkey: wallet.pubkey });
		relay.publish(lie(wallet.secretKey, { ...rich, result_type: 'get_info' }, toUs));
		relay.publish(lie(wallet.secretKey, rich, toThem));
		// The replay: the wallet's real, readable answer, re-tagged (its id recomputed, its
		// signature now stale). Only the signature check tells it apart.
		const retagged = { ...earlier, tags: toUs };
		relay.forwardUnchecked({ ...retagged, id: eventId(retagged) });
		expect((await balance).spendableMsat).toBe(wallet.balanceMsat);
	});

	it('fails fast when the relay drops the connection, and reconnects next time', async () => {
		const { node, wallet, relay } = setup({ adapter: { replyTimeoutMs: 5_000 } });
		wallet.behave('get_balance', 'ignore');
		const started = Date.now();
		const pending = node.balance();
		await until(() => requestsOn(relay).length === 1);
		relay.dropConnections();
		const error = await nodeError(pending);
		expect(error.code).toBe('node-unavailable');
		expect(Date.now() - started).toBeLessThan(2_000);
		expect((await node.balance()).spendableMsat).toBe(wallet.balanceMsat);
	});
});

describe('NWC adapter: paying, never twice', () => {
	it('asks the wallet first, then pays once with an expiring pay_invoice', async () => {
		const { node, wallet, network, relay } = setup();
		const target = network.invoice(50_000n);
		expect(await pay(node, target.bolt11)).toEqual({
			status: 'succeeded',
			paymentHash: target.paymentHash,
			amountMsat: 50_000n,
			feeMsat: 1_000n,
			preimage: target.preimage
		});
		expect(wallet.requests.map((r) => r.method)).toEqual(['lookup_invoice', 'pay_invoice']);
		expect(wallet.requests[1]!.params).toEqual({ invoice: target.bolt11 });
		const sent = requestsOn(relay).find((e) => e.id === wallet.requests[1]!.id)!;
		expect(Number(tagValue(sent, 'expiration'))).toBe(sent.created_at + 60);
	});

	it('answers a retry from the wallet’s record, even from another isolate', async () => {
		const { node, wallet, network, adapter } = setup({ wallet: { dedupes: false } });
		const target = network.invoice(10_000n);
		await pay(node, target.bolt11, 'a');
		const elsewhere = adapter({}, { journal: memoryPayJournal() });
		const again = await pay(elsewhere, target.bolt11, 'b');
		expect(again).toMatchObject({ status: 'succeeded', preimage: target.preimage });
		expect(wallet.payRequestsFor(target.paymentHash)).toBe(1);
		expect(wallet.paidCount.get(target.paymentHash)).toBe(1);
	});

	it('sends one pay_invoice for concurrent payments of one hash', async () => {
		const { node, wallet, network, adapter } = setup({ wallet: { dedupes: false } });
		const target = network.invoice(10_000n);
		const other = adapter();
		const attempts = [node, node, node, other, other].map((n, i) => pay(n, target.bolt11, `k${i}`));
		const results = await Promise.all(attempts);
		expect(results.some((r) => r.status === 'succeeded')).toBe(true);
		expect(results.every((r) => r.status !== 'failed')).toBe(true);
		expect(wallet.payRequestsFor(target.paymentHash)).toBe(1);
		expect(wallet.paidCount.get(target.paymentHash)).toBe(1);
		expect(await other.lookupPayment(target.paymentHash)).toMatchObject({ status: 'succeeded' });
	});

	it('throws when the answer is lost; lookup finds the payment; a retry sends none', async () => {
		const { node, wallet, network } = setup();
		const target = network.invoice(10_000n);
		wallet.behave('pay_invoice', 'drop-answer');
		const error = await nodeError(pay(node, target.bolt11));
		expect(error.code).toBe('node-unavailable');
		expect((error as NodeHttpError).failure).toBe('unknown-outcome');
		const found = await node.lookupPayment(target.paymentHash);
		expect(found).toMatchObject({ status: 'succeeded', preimage: target.preimage });
		expect((await pay(node, target.bolt11)).status).toBe('succeeded');
		expect(wallet.payRequestsFor(target.paymentHash)).toBe(1);
	});

	it('keeps a request the wallet never saw pending until it expired, then resends', async () => {
		const { node, wallet, network, clock } = setup();
		const target = network.invoice(10_000n);
		const pending = { status: 'pending', paymentHash: target.paymentHash };
		wallet.behave('pay_invoice', 'ignore');
		await nodeError(pay(node, target.bolt11));
		expect(await node.lookupPayment(target.paymentHash)).toEqual(pending);
		expect(await pay(node, target.bolt11)).toEqual(pending);
		expect(wallet.payRequestsFor(target.paymentHash)).toBe(0);

		// NIP-47: after its `expiration` the wallet must ignore the old request.
		clock.now += PAST_EXPIRY_MS;
		expect(await node.lookupPayment(target.paymentHash)).toBeNull();
		expect((await pay(node, target.bolt11)).status).toBe('succeeded');
		expect(wallet.payRequestsFor(target.paymentHash)).toBe(1);
	});

	it('follows a stalled payment from unknown to pending to settled', async () => {
		const { node, wallet, network } = setup();
		const target = network.invoice(10_000n);
		wallet.behave('pay_invoice', 'stall');
		await nodeError(pay(node, target.bolt11));
		const pending = { status: 'pending', paymentHash: target.paymentHash };
		expect(await node.lookupPayment(target.paymentHash)).toEqual(pending);
		wallet.finishPayments();
		const settled = await node.lookupPayment(target.paymentHash);
		expect(settled).toMatchObject({ status: 'succeeded', feeMsat: 1_000n });
		expect(wallet.payRequestsFor(target.paymentHash)).toBe(1);
	});

	it('does not take PAYMENT_FAILED as failed while the payment is still in flight', async () => {
		const { node, wallet, network } = setup();
		const target = network.invoice(10_000n);
		wallet.behave('pay_invoice', 'fail-in-flight');
		const pending = { status: 'pending', paymentHash: target.paymentHash };
		expect(await pay(node, target.bolt11)).toEqual(pending);
		wallet.finishPayments();
		expect((await pay(node, target.bolt11)).status).toBe('succeeded');
		expect(wallet.payRequestsFor(target.paymentHash)).toBe(1);
	});

	it('fails definitely when the wallet finds no route, and may try that hash again', async () => {
		const { node, wallet } = setup();
		const nowhere = new FakeLightning().invoice(10_000n);
		const reason = 'PAYMENT_FAILED: no route';
		const failed = { status: 'failed', paymentHash: nowhere.paymentHash, reason };
		expect(await pay(node, nowhere.bolt11)).toEqual(failed);
		expect(await node.lookupPayment(nowhere.paymentHash)).toMatchObject({ status: 'failed' });
		expect((await pay(node, nowhere.bolt11, 'k2')).status).toBe('failed');
		expect(wallet.payRequestsFor(nowhere.paymentHash)).toBe(2);
	});

	it('takes refusals before paying (balance, quota) as definite failures', async () => {
		const poor = setup({ wallet: { balanceMsat: 10n } });
		const target = poor.network.invoice(10_000n);
		const broke = { status: 'failed', reason: 'INSUFFICIENT_BALANCE: not enough funds' };
		expect(await pay(poor.node, target.bolt11)).toMatchObject(broke);

		const capped = setup();
		const quota = { code: 'QUOTA_EXCEEDED', message: 'budget spent' };
		capped.wallet.behave('pay_invoice', { error: quota });
		const other = capped.network.invoice(10_000n);
		expect((await pay(capped.node, other.bolt11)).status).toBe('failed');
		const recorded = { status: 'failed', reason: 'QUOTA_EXCEEDED: budget spent' };
		expect(await capped.node.lookupPayment(other.paymentHash)).toMatchObject(recorded);
	});

	it('does not take a preimage that does not match the hash for success', async () => {
		const { node, wallet, network } = setup();
		const target = network.invoice(10_000n);
		wallet.behave('pay_invoice', { result: { preimage: '00'.repeat(32) } });
		expect((await nodeError(pay(node, target.bolt11))).code).toBe('node-rejected');
	});

	it('finds a payment with list_transactions when lookup_invoice only knows invoices', async () => {
		const { node, wallet, network } = setup({ wallet: { lookupFindsPayments: false } });
		const target = network.invoice(10_000n);
		wallet.behave('pay_invoice', 'drop-answer');
		await nodeError(pay(node, target.bolt11));
		const found = await node.lookupPayment(target.paymentHash);
		expect(found).toMatchObject({ status: 'succeeded', preimage: target.preimage });
		const listed = wallet.requests.filter((r) => r.method === 'list_transactions');
		expect(listed.some((r) => r.params.type === 'outgoing')).toBe(true);
		expect(wallet.payRequestsFor(target.paymentHash)).toBe(1);
	});

	it('pays for a connection that may not look payments up, and says so when asked', async () => {
		const { node, wallet, network, clock } = setup({ wallet: { methods: ['pay_invoice'] } });
		const paid = network.invoice(10_000n);
		expect((await pay(node, paid.bolt11, 'a')).status).toBe('succeeded');
		// The journal still knows what this isolate paid.
		expect(await node.lookupPayment(paid.paymentHash)).toMatchObject({ status: 'succeeded' });

		const lost = network.invoice(20_000n);
		wallet.behave('pay_invoice', 'drop-answer');
		await nodeError(pay(node, lost.bolt11, 'b'));
		const pending = { status: 'pending', paymentHash: lost.paymentHash };
		expect(await node.lookupPayment(lost.paymentHash)).toEqual(pending);
		clock.now += PAST_EXPIRY_MS;
		expect((await nodeError(node.lookupPayment(lost.paymentHash))).code).toBe('node-auth-refused');
		expect((await nodeError(node.lookupPayment('cd'.repeat(32)))).code).toBe('node-auth-refused');
	});

	it('records a request the relay refused as not sent, so a retry may send it', async () => {
		const { node, wallet, network, relay } = setup();
		const target = network.invoice(10_000n);
		let requests = 0;
		relay.refuse = (event) => {
			if (event.kind !== NWC_KINDS.request) return null;
			requests += 1;
			return requests === 2 ? 'rate-limited: slow down' : null;
		};
		const error = await nodeError(pay(node, target.bolt11));
		expect(error.message).toContain('refused');
		expect(wallet.payRequestsFor(target.paymentHash)).toBe(0);
		expect(await node.lookupPayment(target.paymentHash)).toMatchObject({ status: 'failed' });
		relay.refuse = null;
		expect((await pay(node, target.bolt11)).status).toBe('succeeded');
	});

	it('fails what is not a BOLT 11 invoice without contacting the wallet', async () => {
		const { node, relay } = setup();
		expect(await pay(node, 'lnbc1garbage')).toMatchObject({ status: 'failed', paymentHash: '' });
		expect(requestsOn(relay)).toEqual([]);
	});
});

describe('NWC notifications (hints only)', () => {
	it('reads a payment_received notification in NIP-44 (23197) and NIP-04 (23196)', () => {
		const { wallet, config, clientPubkey } = setup();
		const notification = { payment_hash: 'AB'.repeat(32), amount: 1000 };
		const body = { notification_type: 'payment_received', notification };
		expect(decodeNwcNotification(wallet.notification(clientPubkey, body), config)).toEqual({
			type: 'payment_received',
			paymentHash: 'ab'.repeat(32)
		});
		const legacy = wallet.notification(clientPubkey, body, 23196);
		expect(decodeNwcNotification(legacy, config)?.type).toBe('payment_received');
	});

	it('ignores notifications not signed by the wallet, not for us, or unreadable', () => {
		const { wallet, config, clientPubkey } = setup();
		const body = { notification_type: 'payment_received', notification: {} };
		const notification = wallet.notification(clientPubkey, body);
		expect(decodeNwcNotification({ ...notification, content: 'x' }, config)).toBeNull();
		const elsewhere = wallet.notification(publicKeyOf(newNodePrivateKey()), body);
		expect(decodeNwcNotification(elsewhere, config)).toBeNull();
		const impostor = new FakeWallet(new FakeRelay(), new FakeLightning(), { publishInfo: false });
		expect(decodeNwcNotification(impostor.notification(clientPubkey, body), config)).toBeNull();
		expect(decodeNwcNotification('nonsense', config)).toBeNull();
	});
});
