// The Core Lightning adapter against the fake clnrest: every call is POST /v1/<method> with the
// Rune header and parameters the method's JSON schema names; duplicate labels, already-paid
// invoices, unknown outcomes and refused runes are handled as the schemas document.
import { describe, expect, it } from 'vitest';
import { decodeInvoice } from '../../worker/lightning/bolt11';
import { CLN_LABEL_PREFIX, ClnNode } from '../../worker/nodes/cln';
import { NodeHttpError, type NodeDeps } from '../../worker/nodes/http';
import type { NodeAdapter } from '../../worker/nodes/types';
import { CLN_METHODS } from '../fixtures/nodes/cln-schemas';
import { foreignInvoice, hang, json, type Recorded } from './fake-nodes/common';
import { FakeCln } from './fake-nodes/fake-cln';

function setup(timeouts?: NodeDeps['timeouts']) {
	const fake = new FakeCln();
	const node = new ClnNode(
		{ kind: 'cln', url: 'https://cln.example.com:3010', rune: fake.rune },
		{ fetch: fake.fetch, now: Date.now, timeouts }
	);
	return { fake, node };
}

const invoiceRequest = (label: string, amountMsat = 250_000n) => ({
	label,
	amountMsat,
	description: 'Paid to Café',
	expirySeconds: 900
});

/** Pays through the adapter as the card and refund flows will: with a fee cap and a key. */
function pay(node: NodeAdapter, bolt11: string, maxFeeMsat: bigint, idempotencyKey: string) {
	return node.payInvoice({ bolt11, maxFeeMsat, idempotencyKey });
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

/** `POST /v1/<method>` with the rune, known parameters only, the required ones present. */
function expectRpc(request: Recorded, method: keyof typeof CLN_METHODS, rune: string) {
	expect(request.method).toBe('POST');
	expect(request.path).toBe(`/v1/${method}`);
	expect(request.headers.get('Rune')).toBe(rune);
	expect(request.headers.get('content-type')).toBe('application/json');
	const params = request.body as Record<string, unknown>;
	const schema = CLN_METHODS[method].request;
	const known = Object.keys(schema.properties);
	for (const name of Object.keys(params)) expect(known, `${method} takes ${name}`).toContain(name);
	for (const name of schema.required) {
		expect(params, `${method} needs ${name}`).toHaveProperty(name);
	}
	return params;
}

describe('Core Lightning adapter: requests match the JSON schemas', () => {
	it('creates an invoice with our label, amount_msat as a number, description and expiry', async () => {
		const { fake, node } = setup();
		const issued = await node.createInvoice(invoiceRequest('inv1'));
		const params = expectRpc(fake.log[0]!, 'invoice', fake.rune);
		expect(params).toEqual({
			amount_msat: 250_000,
			label: `${CLN_LABEL_PREFIX}inv1`,
			description: 'Paid to Café',
			expiry: 900
		});
		expect(decodeInvoice(issued.bolt11)).toMatchObject({
			amountMsat: 250_000n,
			paymentHash: issued.paymentHash
		});
		expect(issued.expiresAt).toBe(fake.invoices.get(issued.paymentHash)!.expiresAt * 1000);
	});

	it('is idempotent per label: a duplicate label (900) reads the first invoice back with listinvoices {label}', async () => {
		const { fake, node } = setup();
		const first = await node.createInvoice(invoiceRequest('same'));
		const again = await node.createInvoice(invoiceRequest('same'));
		expect(again).toMatchObject({
			paymentHash: first.paymentHash,
			bolt11: first.bolt11,
			amountMsat: 250_000n
		});
		expect(fake.invoices.size).toBe(1);
		expect(fake.log.map((r) => r.path)).toEqual(['/v1/invoice', '/v1/invoice', '/v1/listinvoices']);
		expect(expectRpc(
			fake.log[2]!,
			'listinvoices',
			fake.rune
		)).toEqual({ label: `${CLN_LABEL_PREFIX}same` });
	});

	it('looks invoices up with listinvoices {payment_hash} and reports amount_received_msat once paid', async () => {
		const { fake, node } = setup();
		const issued = await node.createInvoice(invoiceRequest('look'));
		expect(await node.lookupInvoice(issued.paymentHash)).toMatchObject({
			amountMsat: 250_000n,
			payments: []
		});
		expect(expectRpc(
			fake.log[1]!,
			'listinvoices',
			fake.rune
		)).toEqual({ payment_hash: issued.paymentHash });
		fake.settle(issued.paymentHash, 260_000);
		const paid = await node.lookupInvoice(issued.paymentHash);
		expect(paid!.payments).toEqual([
			{ id: `${issued.paymentHash}:0`, amountMsat: 260_000n, receivedAt: expect.any(Number) }
		]);
		expect(await node.lookupInvoice('42'.repeat(32))).toBeNull();
	});

	it('parses the published listinvoices example (a paid invoice)', async () => {
		const { fake, node } = setup();
		const example = CLN_METHODS.listinvoices.example.response.invoices[0];
		fake.inject('/v1/listinvoices', () => json(CLN_METHODS.listinvoices.example.response, 201));
		const seen = await node.lookupInvoice(example.payment_hash);
		expect(seen).toMatchObject({
			paymentHash: example.payment_hash,
			bolt11: example.bolt11,
			expiresAt: example.expires_at * 1000
		});
		expect(seen!.payments).toEqual([
			{ id: `${example.payment_hash}:0`, amountMsat: 400_000n, receivedAt: example.paid_at * 1000 }
		]);
	});

	it('accepts msat values written as strings by older versions ("1000msat")', async () => {
		const { fake, node } = setup();
		const issued = await node.createInvoice(invoiceRequest('old'));
		fake.tampered.set(issued.paymentHash, { amount_msat: '250000msat' });
		expect((await node.lookupInvoice(issued.paymentHash))!.amountMsat).toBe(250_000n);
	});

	it('pays with xpay {invstring, maxfee, retry_for} and checks the preimage', async () => {
		const { fake, node } = setup();
		const target = foreignInvoice(30_000n);
		fake.network.set(target.paymentHash, target.destination);
		const paid = await pay(node, target.bolt11, 3_000n, 'x');
		expect(paid).toEqual({
			status: 'succeeded',
			paymentHash: target.paymentHash,
			amountMsat: 30_000n,
			feeMsat: 1_000n,
			preimage: target.preimage
		});
		expect(expectRpc(fake.log[0]!, 'xpay', fake.rune)).toEqual({
			invstring: target.bolt11,
			maxfee: 3_000,
			retry_for: 40
		});
	});

	it('falls back to pay {bolt11, maxfee} on a node without xpay', async () => {
		const { fake, node } = setup();
		fake.missing.add('xpay');
		const target = foreignInvoice(30_000n);
		fake.network.set(target.paymentHash, target.destination);
		expect(await pay(node, target.bolt11, 3_000n, 'x')).toMatchObject({ status: 'succeeded' });
		expect(fake.log.map((r) => r.path)).toEqual(['/v1/xpay', '/v1/pay']);
		expect(expectRpc(fake.log[1]!, 'pay', fake.rune)).toEqual({
			bolt11: target.bolt11,
			maxfee: 3_000,
			retry_for: 40
		});
	});

	it('looks payments up with listpays {payment_hash}', async () => {
		const { fake, node } = setup();
		const target = foreignInvoice(12_000n);
		fake.network.set(target.paymentHash, target.destination);
		await pay(node, target.bolt11, 1_000n, 'x');
		expect(await node.lookupPayment(target.paymentHash)).toMatchObject({
			status: 'succeeded',
			amountMsat: 12_000n,
			feeMsat: 1_000n
		});
		expect(expectRpc(
			fake.log[1]!,
			'listpays',
			fake.rune
		)).toEqual({ payment_hash: target.paymentHash });
		expect(await node.lookupPayment('55'.repeat(32))).toBeNull();
	});

	it('reads getinfo (network, sync warnings) and listfunds (spendable in normal, connected channels)', async () => {
		const { fake, node } = setup();
		expect(await node.info()).toEqual({
			kind: 'cln',
			alias: 'fake-cln',
			network: 'regtest',
			nodeId: fake.nodeId,
			synced: true
		});
		expectRpc(fake.log[0]!, 'getinfo', fake.rune);
		expect(await node.balance()).toEqual({ spendableMsat: 150_000_000n });
		expectRpc(fake.log[1]!, 'listfunds', fake.rune);
		fake.info = {
			alias: 'shop',
			network: 'bitcoin',
			warningBitcoindSync: 'Bitcoind is not up-to-date with network.'
		};
		expect(await node.info()).toMatchObject({ network: 'mainnet', synced: false });
	});

	it('parses the published getinfo example', async () => {
		const { fake, node } = setup();
		fake.inject('/v1/getinfo', () => json(CLN_METHODS.getinfo.example.response, 201));
		expect(await node.info()).toMatchObject({
			nodeId: CLN_METHODS.getinfo.example.response.id,
			network: 'regtest'
		});
	});
});

describe('Core Lightning adapter: faults', () => {
	it('maps a missing or refused rune to node-auth-refused with clnrest’s message', async () => {
		const { fake, node } = setup();
		fake.inject(
			'/v1/getinfo',
			() => json({ code: 1502, message: 'Not permitted: method is equal to getinfo' }, 401)
		);
		const error = await failure(node.info());
		expect(error).toMatchObject({ code: 'node-auth-refused', status: 401 });
		expect(error.message).toContain('Not permitted: method is equal to getinfo');
		expect(error.message).toContain('createrune');
		const wrong = new ClnNode(
			{ kind: 'cln', url: 'https://cln.example.com:3010', rune: 'not-the-rune-at-all-000' },
			{ fetch: fake.fetch, now: Date.now }
		);
		expect(await failure(wrong.info())).toMatchObject({ code: 'node-auth-refused' });
	});

	it('times out, and explains connection failures', async () => {
		const { fake, node } = setup({ requestMs: 40 });
		fake.inject('/v1/listinvoices', hang);
		expect(await failure(node.lookupInvoice('11'.repeat(32)))).toMatchObject({
			failure: 'timeout'
		});
		fake.inject('/v1/getinfo', () => {
			throw new TypeError('Network connection lost.');
		});
		expect(await failure(node.info())).toMatchObject({
			code: 'node-unavailable',
			failure: 'unreachable'
		});
	});

	it('refuses a creation the node rejects with its code, and a BOLT 12 answer', async () => {
		const { fake, node } = setup();
		fake.inject(
			'/v1/invoice',
			() => json({ code: -32602, message: 'amount_msat: should be positive' }, 500)
		);
		const error = await failure(node.createInvoice(invoiceRequest('bad')));
		expect(error.code).toBe('node-rejected');
		expect(error.message).toContain('(code -32602)');
		const offer = { label: 'x', payment_hash: '11'.repeat(32), status: 'unpaid', expires_at: 1 };
		const listed = { invoices: [{ ...offer, bolt12: 'lni1…', created_index: 1 }] };
		fake.inject('/v1/listinvoices', () => json(listed, 201));
		expect((await failure(node.lookupInvoice('11'.repeat(32)))).code).toBe('node-rejected');
	});

	it('never pays twice: xpay’s "already paid" (219) is answered from listpays', async () => {
		const { fake, node } = setup();
		const target = foreignInvoice(9_000n);
		fake.network.set(target.paymentHash, target.destination);
		const first = await pay(node, target.bolt11, 1_000n, 'a');
		const second = await pay(node, target.bolt11, 1_000n, 'b');
		expect(second).toEqual(first);
		expect(fake.pays.size).toBe(1);
		expect(fake.log.map((r) => r.path)).toEqual(['/v1/xpay', '/v1/xpay', '/v1/listpays']);
	});

	it('reports no route (205) as a definite failure, and an in-flight payment as pending until it ends', async () => {
		const { fake, node } = setup({ payMs: 80 });
		const nowhere = foreignInvoice(9_000n, 'fail');
		expect(await pay(node, nowhere.bolt11, 1_000n, 'a')).toMatchObject({
			status: 'failed',
			reason: expect.stringContaining('no route to the destination')
		});
		const slow = foreignInvoice(9_000n, 'in-flight');
		fake.network.set(slow.paymentHash, slow.destination);
		expect(await pay(node, slow.bolt11, 1_000n, 'b')).toEqual({
			status: 'pending',
			paymentHash: slow.paymentHash
		});
		fake.finish(slow.paymentHash, 'fail');
		expect(await node.lookupPayment(slow.paymentHash)).toMatchObject({ status: 'failed' });
	});

	it('resolves a connection cut after the node paid, and throws when even listpays cannot answer', async () => {
		const { fake, node } = setup();
		const target = foreignInvoice(7_000n, 'cut');
		fake.network.set(target.paymentHash, target.destination);
		expect(await pay(node, target.bolt11, 1_000n, 'a')).toMatchObject({ status: 'succeeded' });
		const other = foreignInvoice(7_000n, 'cut');
		fake.network.set(other.paymentHash, other.destination);
		fake.inject('/v1/listpays', () => new Response('bad gateway', { status: 502 }));
		expect(await failure(pay(node, other.bolt11, 1_000n, 'b'))).toMatchObject({
			failure: 'unknown-outcome'
		});
	});

	it('does not take a success whose preimage does not prove the invoice’s hash', async () => {
		const { fake, node } = setup();
		const target = foreignInvoice(7_000n);
		const parts = { failed_parts: 0, successful_parts: 1 };
		const lie = { payment_preimage: '00'.repeat(32), amount_msat: 7000, amount_sent_msat: 7000 };
		fake.inject('/v1/xpay', () => json({ ...lie, ...parts }, 201));
		expect(await failure(pay(node, target.bolt11, 0n, 'a'))).toMatchObject({
			failure: 'unknown-outcome'
		});
	});
});
