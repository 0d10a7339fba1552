// The LND adapter against the fake LND: the requests it sends match lnd's REST description
// (paths, methods, the macaroon header, field names, int64 as strings, base64 vs hex), and every
// way a node can fail or lie ends in a clear error or in a payment that is never made twice.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { base64 } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { decodeInvoice } from '../../worker/lightning/bolt11';
import { NodeHttpError, type NodeDeps } from '../../worker/nodes/http';
import { LndNode } from '../../worker/nodes/lnd';
import { NodeError, type NodeAdapter } from '../../worker/nodes/types';
import { LND_FIELDS, LND_PATHS } from '../fixtures/nodes/lnd-swagger';
import { LND_MACAROON_HEADER } from '../fixtures/nodes/lnd-facts';
import { foreignInvoice, hang, json } from './fake-nodes/common';
import { decodeBytes, FakeLnd } from './fake-nodes/fake-lnd';

const URL_BASE = 'https://lnd.example.com:8080';

function setup(timeouts?: NodeDeps['timeouts']) {
	const fake = new FakeLnd();
	const node = new LndNode(
		{
			kind: 'lnd',
			url: URL_BASE,
			macaroon: fake.macaroon,
			labelSecret: bytesToHex(crypto.getRandomValues(new Uint8Array(32)))
		},
		{ fetch: fake.fetch, now: Date.now, timeouts }
	);
	return { fake, node };
}

const invoiceRequest = (label: string, amountMsat = 150_000n) => ({
	label,
	amountMsat,
	description: 'Paid to Café',
	expirySeconds: 900
});

/** Pays through the adapter as the card and refund flows will: with a fee cap and a key. */
function pay(node: NodeAdapter, bolt11: string, maxFeeMsat: bigint, idempotencyKey: string) {
	return node.payInvoice({ bolt11, maxFeeMsat, idempotencyKey });
}

/** An lnrpc Payment that says SUCCEEDED, whatever it proves. */
function succeeded(paymentHash: string, preimage: string) {
	const amounts = { value_msat: '3000', fee_msat: '0' };
	return { payment_hash: paymentHash, payment_preimage: preimage, status: 'SUCCEEDED', ...amounts };
}

async function failure(promise: Promise<unknown>): Promise<NodeHttpError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof NodeHttpError) return error;
		throw error;
	}
	throw new Error('expected a NodeHttpError');
}

/** Swagger types: int64/uint64 fields are JSON strings of digits; byte fields base64. */
function expectSwaggerTypes(body: Record<string, unknown>, message: keyof typeof LND_FIELDS) {
	const fields = LND_FIELDS[message] as Record<string, { type: string; format?: string }>;
	for (const [name, value] of Object.entries(body)) {
		expect(fields, `field ${name} is in ${message}`).toHaveProperty(name);
		const { type, format } = fields[name]!;
		if (format === 'int64' || format === 'uint64') expect(value, name).toMatch(/^\d+$/);
		else if (format === 'byte') expect(decodeBytes(String(value)), name).not.toBeNull();
		else if (type === 'boolean') expect(typeof value, name).toBe('boolean');
		else if (type === 'integer') expect(Number.isInteger(value), name).toBe(true);
		else expect(typeof value, name).toBe('string');
	}
}

describe('LND adapter: requests match the REST description', () => {
	it('creates an invoice with POST /v1/invoices: macaroon header, value_msat as a string, r_preimage as base64', async () => {
		const { fake, node } = setup();
		const issued = await node.createInvoice(invoiceRequest('inv-1'));
		const [sent] = fake.requests('/v1/invoices');
		expect(sent!.method).toBe(LND_PATHS.addInvoice.method);
		expect(sent!.path).toBe(LND_PATHS.addInvoice.path);
		expect(sent!.headers.get(LND_MACAROON_HEADER)).toBe(fake.macaroon);
		expect(sent!.headers.get('content-type')).toBe('application/json');
		const body = sent!.body as Record<string, unknown>;
		expectSwaggerTypes(body, 'Invoice');
		expect(body).toMatchObject({
			memo: 'Paid to Café',
			value_msat: '150000',
			expiry: '900',
			private: true
		});
		expect(body).not.toHaveProperty('value');
		const preimage = base64.decode(String(body.r_preimage));
		expect(preimage).toHaveLength(32);
		// The hash LND reports (base64 r_hash) is converted to hex, and is the preimage's.
		expect(issued.paymentHash).toBe(bytesToHex(sha256(preimage)));
		const decoded = decodeInvoice(issued.bolt11);
		expect(decoded).toMatchObject({
			amountMsat: 150_000n,
			paymentHash: issued.paymentHash,
			network: 'regtest'
		});
		expect(issued.payments).toEqual([]);
	});

	it('derives the preimage from the label: asking again returns the first invoice, another label a new one', async () => {
		const { fake, node } = setup();
		const first = await node.createInvoice(invoiceRequest('inv-same'));
		const again = await node.createInvoice(invoiceRequest('inv-same'));
		expect(again.paymentHash).toBe(first.paymentHash);
		expect(again.bolt11).toBe(first.bolt11);
		expect(fake.invoices.size).toBe(1);
		// The retry hit LND's duplicate refusal and read the invoice back with LookupInvoiceV2.
		expect(fake.log.map((r) => `${r.method} ${r.path}`)).toEqual([
			'POST /v1/invoices',
			'POST /v1/invoices',
			'GET /v2/invoices/lookup'
		]);
		const other = await node.createInvoice(invoiceRequest('inv-other'));
		expect(other.paymentHash).not.toBe(first.paymentHash);
		expect(bytesToHex(sha256(node.preimageFor('inv-same')))).toBe(first.paymentHash);
	});

	it('looks an invoice up by base64 payment_hash on /v2/invoices/lookup and reports what was paid', async () => {
		const { fake, node } = setup();
		const issued = await node.createInvoice(invoiceRequest('inv-2'));
		const open = await node.lookupInvoice(issued.paymentHash);
		expect(open).toMatchObject({
			paymentHash: issued.paymentHash,
			bolt11: issued.bolt11,
			amountMsat: 150_000n,
			payments: []
		});
		const sent = fake.requests(LND_PATHS.lookupInvoiceV2.path)[0]!;
		expect(sent.method).toBe('GET');
		const names = LND_PATHS.lookupInvoiceV2.parameters.map((p) => p.name) as string[];
		for (const name of sent.url.searchParams.keys()) expect(names).toContain(name);
		const queried = decodeBytes(sent.url.searchParams.get('payment_hash')!)!;
		expect(bytesToHex(queried)).toBe(issued.paymentHash);
		expect(open!.expiresAt).toBeGreaterThan(Date.now());

		fake.settle(issued.paymentHash, 151_000n);
		const settled = await node.lookupInvoice(issued.paymentHash);
		expect(settled!.payments).toEqual([
			{ id: `${issued.paymentHash}:0`, amountMsat: 151_000n, receivedAt: expect.any(Number) }
		]);
	});

	it('falls back to GET /v1/invoice/{hex} on an LND without LookupInvoiceV2', async () => {
		const { fake, node } = setup();
		const issued = await node.createInvoice(invoiceRequest('old-lnd'));
		fake.inject(
			'/v2/invoices/lookup',
			() => json({ code: 5, message: 'Not Found', details: [] }, 404),
			2
		);
		expect(await node.lookupInvoice(issued.paymentHash)).toMatchObject({
			paymentHash: issued.paymentHash,
			amountMsat: 150_000n
		});
		const v1 = fake.requests('/v1/invoice/')[0]!;
		expect(LND_PATHS.lookupInvoiceV1.path.replace(
			'{r_hash_str}',
			issued.paymentHash
		)).toBe(v1.path);
		expect(await node.lookupInvoice('98'.repeat(32))).toBeNull();
	});

	it('pays with POST /v2/router/send (fee limit as a string, final update only) and reads the stream', async () => {
		const { fake, node } = setup();
		const target = foreignInvoice(42_000n);
		fake.network.set(target.paymentHash, target.destination);
		const paid = await pay(node, target.bolt11, 5_000n, 'k1');
		expect(paid).toEqual({
			status: 'succeeded',
			paymentHash: target.paymentHash,
			amountMsat: 42_000n,
			feeMsat: 1_000n,
			preimage: target.preimage
		});
		const sent = fake.requests(LND_PATHS.sendPaymentV2.path)[0]!;
		expect(sent.method).toBe(LND_PATHS.sendPaymentV2.method);
		const body = sent.body as Record<string, unknown>;
		expectSwaggerTypes(body, 'SendPaymentRequest');
		expect(body).toEqual({
			payment_request: target.bolt11,
			fee_limit_msat: '5000',
			timeout_seconds: 45,
			no_inflight_updates: true
		});
	});

	it('looks a payment up with GET /v2/router/track/{base64url hash}', async () => {
		const { fake, node } = setup();
		const target = foreignInvoice(10_000n);
		fake.network.set(target.paymentHash, target.destination);
		await pay(node, target.bolt11, 1_000n, 'k');
		expect(await node.lookupPayment(target.paymentHash)).toMatchObject({
			status: 'succeeded',
			preimage: target.preimage
		});
		const sent = fake.requests('/v2/router/track/')[0]!;
		expect(sent.method).toBe('GET');
		const segment = sent.path.slice('/v2/router/track/'.length);
		expect(segment).toMatch(/^[A-Za-z0-9_-]+=*$/);
		expect(bytesToHex(decodeBytes(segment)!)).toBe(target.paymentHash);
		expect(await node.lookupPayment('77'.repeat(32))).toBeNull();
	});

	it('reads the balance (local_balance.msat) and node info (chains[].network, synced flags)', async () => {
		const { fake, node } = setup();
		expect(await node.balance()).toEqual({ spendableMsat: 250_000_000n });
		expect(await node.info()).toEqual({
			kind: 'lnd',
			alias: 'fake-lnd',
			network: 'regtest',
			nodeId: fake.nodeId,
			synced: true
		});
		expect(fake.log.map((r) => `${r.method} ${r.path}`)).toEqual([
			`${LND_PATHS.channelBalance.method} ${LND_PATHS.channelBalance.path}`,
			`${LND_PATHS.getInfo.method} ${LND_PATHS.getInfo.path}`
		]);
		fake.info = { ...fake.info, network: 'mainnet', syncedToGraph: false };
		expect(await node.info()).toMatchObject({ network: 'mainnet', synced: false });
	});
});

describe('LND adapter: faults', () => {
	it('times out a node that does not answer, naming the host', async () => {
		const { fake, node } = setup({ requestMs: 50 });
		fake.inject('/v1/getinfo', hang);
		const error = await failure(node.info());
		expect(error).toMatchObject({ code: 'node-unavailable', failure: 'timeout' });
		expect(error.message).toContain('lnd.example.com:8080 did not answer within 0.1 s');
	});

	it('explains refused connections, DNS failures, untrusted certificates and the proxy’s error pages', async () => {
		const { fake, node } = setup();
		fake.inject('/v1/getinfo', () => {
			throw new TypeError('connect ECONNREFUSED');
		});
		expect(await failure(node.info())).toMatchObject({
			code: 'node-unavailable',
			failure: 'refused'
		});
		fake.inject('/v1/getinfo', () => {
			throw new TypeError('DNS lookup failed');
		});
		expect(await failure(node.info())).toMatchObject({ failure: 'dns' });
		fake.inject('/v1/getinfo', () => {
			throw new TypeError('TLS peer’s certificate is not trusted');
		});
		const tls = await failure(node.info());
		expect(tls).toMatchObject({ code: 'node-misconfigured', failure: 'tls' });
		expect(tls.message).toMatch(/not publicly trusted.*Let’s Encrypt or a Cloudflare Tunnel/);
		fake.inject(
			'/v1/getinfo',
			() => new Response('<html>526 Invalid SSL certificate</html>', { status: 526 })
		);
		expect(await failure(node.info())).toMatchObject({
			code: 'node-misconfigured',
			failure: 'tls',
			status: 526
		});
		fake.inject(
			'/v1/getinfo',
			() => new Response('<html><h1>502 Bad Gateway</h1></html>', { status: 502 })
		);
		const proxy = await failure(node.info());
		expect(proxy).toMatchObject({ code: 'node-unavailable', failure: 'proxy' });
		expect(proxy.message).toContain('proxy or tunnel');
	});

	it('maps refused macaroons to node-auth-refused with what to do', async () => {
		const { fake, node } = setup();
		const mismatch = 'verification failed: signature mismatch after caveat verification';
		fake.inject('/v1/getinfo', () => json({ code: 2, message: mismatch, details: [] }, 500));
		const error = await failure(node.info());
		expect(error).toMatchObject({ code: 'node-auth-refused', failure: 'auth' });
		expect(error.message).toContain('xxd -ps -u -c 1000 admin.macaroon');
		fake.inject('/v1/getinfo', () => json({ code: 16, message: 'unauthenticated' }, 401));
		expect(await failure(node.info())).toMatchObject({ code: 'node-auth-refused', status: 401 });
		fake.permissions.delete('offchain:read');
		expect(await failure(node.balance())).toMatchObject({ code: 'node-auth-refused' });
	});

	it('does not follow redirects (they would carry the macaroon elsewhere)', async () => {
		const { fake, node } = setup();
		fake.inject('/v1/getinfo', () => new Response(
			null,
			{ status: 302, headers: { location: 'https://elsewhere.example.net/' } }
		));
		const error = await failure(node.info());
		expect(error).toMatchObject({ code: 'node-misconfigured', failure: 'redirect' });
		expect(error.message).toContain('https://elsewhere.example.net/');
		expect(fake.log).toHaveLength(1);
	});

	it('refuses answers that are not JSON or not in the documented shape', async () => {
		const { fake, node } = setup();
		fake.inject(
			'/v1/getinfo',
			() => new Response('<!doctype html><title>My blog</title>', { status: 200 })
		);
		const page = await failure(node.info());
		expect(page).toMatchObject({ failure: 'malformed' });
		expect(page.message).toContain('not JSON');
		fake.inject('/v1/getinfo', () => json({ hello: 'world' }));
		expect(await failure(node.info())).toMatchObject({ failure: 'shape' });
		fake.inject('/v2/invoices/lookup', () => json({ r_hash: 'short', payment_request: 'x' }));
		expect(await failure(node.lookupInvoice('11'.repeat(32)))).toMatchObject({ failure: 'shape' });
	});

	it('says to unlock a locked wallet', async () => {
		const { fake, node } = setup();
		fake.inject('/v1/invoices', () => json(
			{ code: 2, message: 'wallet locked, unlock it to enable full RPC access', details: [] },
			500
		));
		const error = await failure(node.createInvoice(invoiceRequest('locked')));
		expect(error.code).toBe('node-unavailable');
		expect(error.message).toContain('unlock its wallet');
	});

	it('reports an invoice the node lost as null, and refuses an issuer that ignored our preimage', async () => {
		const { fake, node } = setup();
		expect(await node.lookupInvoice('99'.repeat(32))).toBeNull();
		fake.inject('/v1/invoices', () => {
			const other = fake.mint({ amountMsat: 150_000n, description: 'x', expirySeconds: 900 });
			return json({
				r_hash: base64.encode(hexToBytes(other.paymentHash)),
				payment_request: other.bolt11,
				add_index: '1'
			});
		});
		const error = await failure(node.createInvoice(invoiceRequest('ignored')));
		expect(error.code).toBe('node-rejected');
	});

	it('returns the invoice as the node reports it, even with the wrong amount, for the caller to compare', async () => {
		const { fake, node } = setup();
		const issued = await node.createInvoice(invoiceRequest('lie'));
		fake.tampered.set(issued.paymentHash, { value_msat: '1' });
		expect((await node.lookupInvoice(issued.paymentHash))!.amountMsat).toBe(1n);
	});
});

describe('LND adapter: payments are never made twice, and unknown outcomes are resolved', () => {
	it('reports the existing payment when the same invoice is paid again, even concurrently', async () => {
		const { fake, node } = setup();
		const target = foreignInvoice(21_000n);
		fake.network.set(target.paymentHash, target.destination);
		const results = await Promise.all([1, 2, 3].map((i) => node.payInvoice({
			bolt11: target.bolt11,
			maxFeeMsat: 2_000n,
			idempotencyKey: `k${i}`
		})));
		for (const result of results) expect(result).toMatchObject({
			status: 'succeeded',
			preimage: target.preimage
		});
		expect(fake.payments.size).toBe(1);
		const again = await pay(node, target.bolt11, 2_000n, 'k4');
		expect(again).toEqual(results[0]);
		expect(fake.payments.size).toBe(1);
	});

	it('reports an in-flight payment as pending, then as it ends', async () => {
		const { fake, node } = setup({ payMs: 100 });
		const target = foreignInvoice(5_000n, 'in-flight');
		fake.network.set(target.paymentHash, target.destination);
		const first = await pay(node, target.bolt11, 1_000n, 'a');
		expect(first).toEqual({ status: 'pending', paymentHash: target.paymentHash });
		// Paying again while in flight: LND says "payment is in transition"; still pending, sent once.
		expect(await pay(node, target.bolt11, 1_000n, 'b')).toEqual(first);
		fake.finish(target.paymentHash, 'succeed');
		expect(await node.lookupPayment(target.paymentHash)).toMatchObject({
			status: 'succeeded',
			preimage: target.preimage
		});
		expect(fake.payments.size).toBe(1);
	});

	it('resolves a stream cut mid-payment (node restart) by tracking the payment', async () => {
		const { fake, node } = setup();
		const target = foreignInvoice(8_000n, 'cut');
		fake.network.set(target.paymentHash, target.destination);
		const paid = await pay(node, target.bolt11, 1_000n, 'c');
		expect(paid).toMatchObject({ status: 'succeeded', preimage: target.preimage });
		expect(fake.requests('/v2/router/track/')).toHaveLength(1);
	});

	it('throws (outcome unknown) when neither the stream nor tracking can tell, and a later lookup finds it', async () => {
		const { fake, node } = setup();
		const target = foreignInvoice(8_000n, 'cut');
		fake.network.set(target.paymentHash, target.destination);
		fake.inject('/v2/router/track/', () => new Response('<html>503</html>', { status: 503 }));
		const error = await failure(pay(node, target.bolt11, 1_000n, 'd'));
		expect(error).toMatchObject({ code: 'node-unavailable', failure: 'unknown-outcome' });
		expect(error.message).toContain('never sent twice');
		expect(await node.lookupPayment(target.paymentHash)).toMatchObject({ status: 'succeeded' });
	});

	it('does not take a "success" whose hash or preimage does not match the invoice', async () => {
		const { fake, node } = setup();
		const target = foreignInvoice(3_000n);
		const stranger = foreignInvoice(3_000n);
		fake.inject('/v2/router/send', () =>
			json({ result: succeeded(stranger.paymentHash, stranger.preimage) })
		);
		const wrongHash = await failure(pay(node, target.bolt11, 0n, 'e'));
		expect(wrongHash.failure).toBe('unknown-outcome');
		fake.inject('/v2/router/send', () =>
			json({ result: succeeded(target.paymentHash, '00'.repeat(32)) })
		);
		const badPreimage = await failure(pay(node, target.bolt11, 0n, 'f'));
		expect(badPreimage.failure).toBe('unknown-outcome');
	});

	it('reports definite failures: no route, a refusal before sending, an invoice that does not decode', async () => {
		const { fake, node } = setup();
		const unreachable = foreignInvoice(4_000n, 'fail');
		fake.network.set(unreachable.paymentHash, unreachable.destination);
		expect(await pay(node, unreachable.bolt11, 1_000n, 'g')).toEqual({
			status: 'failed',
			paymentHash: unreachable.paymentHash,
			reason: 'no route to the destination within the fee limit'
		});
		const expired = foreignInvoice(4_000n, 'succeed', 1);
		fake.network.set(expired.paymentHash, expired.destination);
		fake.now = () => Date.now() + 5_000;
		const refused = await pay(node, expired.bolt11, 1_000n, 'h');
		expect(refused).toMatchObject({
			status: 'failed',
			reason: 'LND refused the payment: invoice expired'
		});
		const before = fake.log.length;
		expect(await pay(node, 'lnbc1nonsense', 0n, 'i')).toMatchObject({ status: 'failed' });
		expect(fake.log.length).toBe(before);
	});

	it('stops at a refused macaroon without reporting a failure', async () => {
		const { fake, node } = setup();
		fake.permissions.delete('offchain:write');
		const target = foreignInvoice(1_000n);
		const error = await failure(pay(node, target.bolt11, 0n, 'j'));
		expect(error).toBeInstanceOf(NodeError);
		expect(error.code).toBe('node-auth-refused');
	});
});
