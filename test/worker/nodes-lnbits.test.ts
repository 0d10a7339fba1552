// The LNbits adapter against the fake LNbits: the invoice key creates and reads, the admin key
// pays, bodies use only CreateInvoice's fields with `out` always set, amounts go out in sat and
// come back in msat, and a second payment of a hash (HTTP 520) reports the first.
import { describe, expect, it } from 'vitest';
import { decodeInvoice } from '../../worker/lightning/bolt11';
import { NodeHttpError, type NodeDeps } from '../../worker/nodes/http';
import { LnbitsNode } from '../../worker/nodes/lnbits';
import { NodeError, type NodeAdapter } from '../../worker/nodes/types';
import {
	LNBITS_CREATE_FIELDS,
	LNBITS_KEY_HEADER,
	LNBITS_PATHS
} from '../fixtures/nodes/lnbits-api';
import { foreignInvoice, hang, json } from './fake-nodes/common';
import { FakeLnbits } from './fake-nodes/fake-lnbits';

const URL_BASE = 'https://lnbits.example.com';

function setup(options: { admin?: boolean; timeouts?: NodeDeps['timeouts'] } = {}) {
	const fake = new FakeLnbits();
	const node = new LnbitsNode(
		{
			kind: 'lnbits',
			url: URL_BASE,
			invoiceKey: fake.invoiceKey,
			adminKey: options.admin === false ? null : fake.adminKey
		},
		{ fetch: fake.fetch, now: Date.now, timeouts: options.timeouts }
	);
	return { fake, node };
}

const invoiceRequest = (label: string, amountMsat = 21_000n) => ({
	label,
	amountMsat,
	description: 'Paid to Café',
	expirySeconds: 900
});

/** Pays through the adapter as the card and refund flows will: with a fee cap and a key. */
function pay(node: NodeAdapter, bolt11: string, maxFeeMsat: bigint, idempotencyKey: string) {
	return node.payInvoice({ bolt11, maxFeeMsat, idempotencyKey });
}

async function failure(promise: Promise<unknown>): Promise<NodeError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof NodeError) return error;
		throw error;
	}
	throw new Error('expected a NodeError');
}

describe('LNbits adapter: requests match the wallet API', () => {
	it('creates with the invoice key: out false, amount in sat, unit, memo, expiry, extra label', async () => {
		const { fake, node } = setup();
		const issued = await node.createInvoice(invoiceRequest('inv1'));
		const sent = fake.log[0]!;
		const { method, path } = LNBITS_PATHS.payments;
		expect(`${sent.method} ${sent.path}`).toBe(`${method} ${path}`);
		expect(sent.headers.get(LNBITS_KEY_HEADER)).toBe(fake.invoiceKey);
		const body = sent.body as Record<string, unknown>;
		const fields: readonly string[] = LNBITS_CREATE_FIELDS;
		for (const name of Object.keys(body)) expect(fields).toContain(name);
		expect(body).toEqual({
			out: false,
			amount: 21,
			unit: 'sat',
			memo: 'Paid to Café',
			expiry: 900,
			extra: { flashpointLabel: 'inv1' }
		});
		expect(issued.amountMsat).toBe(21_000n);
		expect(decodeInvoice(issued.bolt11)).toMatchObject({
			amountMsat: 21_000n,
			paymentHash: issued.paymentHash
		});
	});

	it('reads the v0.12 creation answer (payment_request only)', async () => {
		const { fake, node } = setup();
		fake.v012 = true;
		const issued = await node.createInvoice(invoiceRequest('old'));
		expect(decodeInvoice(issued.bolt11).paymentHash).toBe(issued.paymentHash);
	});

	it('refuses amounts LNbits cannot express (millisatoshis) before asking it', async () => {
		const { fake, node } = setup();
		const error = await failure(node.createInvoice(invoiceRequest('msat', 21_500n)));
		expect(error.code).toBe('node-rejected');
		expect(fake.log).toHaveLength(0);
	});

	it('looks invoices up with GET /api/v1/payments/{hash} and the key that owns them', async () => {
		const { fake, node } = setup();
		const issued = await node.createInvoice(invoiceRequest('look'));
		expect(await node.lookupInvoice(issued.paymentHash)).toMatchObject({
			amountMsat: 21_000n,
			payments: []
		});
		const sent = fake.log[1]!;
		expect(sent.path).toBe(`/api/v1/payments/${issued.paymentHash}`);
		expect(sent.headers.get(LNBITS_KEY_HEADER)).toBe(fake.invoiceKey);
		fake.settle(issued.paymentHash);
		expect((await node.lookupInvoice(issued.paymentHash))!.payments).toEqual([
			{ id: `${issued.paymentHash}:0`, amountMsat: 21_000n, receivedAt: expect.any(Number) }
		]);
		expect(await node.lookupInvoice('33'.repeat(32))).toBeNull();
	});

	it('pays with the admin key (out true, bolt11) and reads the payment back for its preimage and fee', async () => {
		const { fake, node } = setup();
		const target = foreignInvoice(5_000n);
		fake.network.set(target.paymentHash, target.destination);
		const paid = await pay(node, target.bolt11, 2_000n, 'x');
		expect(paid).toEqual({
			status: 'succeeded',
			paymentHash: target.paymentHash,
			amountMsat: 5_000n,
			feeMsat: 1_000n,
			preimage: target.preimage
		});
		const [sent, lookup] = fake.log;
		expect(sent!.headers.get(LNBITS_KEY_HEADER)).toBe(fake.adminKey);
		expect(sent!.body).toEqual({ out: true, bolt11: target.bolt11 });
		expect(lookup!.path).toBe(`/api/v1/payments/${target.paymentHash}`);
	});

	it('reads the wallet balance (msat) and tells the network by the latest invoice', async () => {
		const { fake, node } = setup();
		expect(await node.balance()).toEqual({ spendableMsat: 123_456_000n });
		expect(fake.log[0]!.path).toBe(LNBITS_PATHS.wallet.path);
		expect(await node.info()).toMatchObject({
			kind: 'lnbits',
			alias: 'Shop wallet',
			nodeId: fake.walletId,
			networkKnown: false
		});
		await node.createInvoice(invoiceRequest('net'));
		expect(await node.info()).toMatchObject({ network: 'regtest', networkKnown: true });
	});
});

describe('LNbits adapter: faults', () => {
	it('refuses to pay without the admin key, before asking LNbits', async () => {
		const { fake, node } = setup({ admin: false });
		const target = foreignInvoice(5_000n);
		const error = await failure(pay(node, target.bolt11, 0n, 'x'));
		expect(error.code).toBe('node-misconfigured');
		expect(error.message).toContain('admin key');
		expect(fake.log).toHaveLength(0);
	});

	it('maps an unknown key ("Wallet not found.", 404) and a missing one (401) to node-auth-refused', async () => {
		const { fake } = setup();
		const stranger = new LnbitsNode(
			{ kind: 'lnbits', url: URL_BASE, invoiceKey: 'f'.repeat(32), adminKey: null },
			{ fetch: fake.fetch, now: Date.now }
		);
		const error = await failure(stranger.balance());
		expect(error.code).toBe('node-auth-refused');
		expect(error.message).toContain('Wallet not found.');
		fake.inject('/api/v1/wallet', () => json({ detail: 'No Api Key provided.' }, 401));
		expect((await failure(stranger.info())).code).toBe('node-auth-refused');
	});

	it('never pays twice: HTTP 520 "Payment already paid." reports the first payment', async () => {
		const { fake, node } = setup();
		const target = foreignInvoice(6_000n);
		fake.network.set(target.paymentHash, target.destination);
		const first = await pay(node, target.bolt11, 0n, 'a');
		const second = await pay(node, target.bolt11, 0n, 'b');
		expect(second).toEqual(first);
		expect([...fake.payments.values()].filter((p) => p.amount < 0)).toHaveLength(1);
	});

	it('reports a pending payment as pending (and again while it is), then as it ends', async () => {
		const { fake, node } = setup();
		const target = foreignInvoice(6_000n, 'in-flight');
		fake.network.set(target.paymentHash, target.destination);
		expect(await pay(node, target.bolt11, 0n, 'a')).toEqual({
			status: 'pending',
			paymentHash: target.paymentHash
		});
		expect(await pay(node, target.bolt11, 0n, 'b')).toEqual({
			status: 'pending',
			paymentHash: target.paymentHash
		});
		fake.finish(target.paymentHash, 'succeed');
		expect(await node.lookupPayment(target.paymentHash)).toMatchObject({
			status: 'succeeded',
			preimage: target.preimage
		});
	});

	it('reports a failed payment as failed, and an answer that never came by looking the hash up', async () => {
		const { fake, node } = setup({ timeouts: { payMs: 60 } });
		const nowhere = foreignInvoice(6_000n, 'fail');
		expect(await pay(node, nowhere.bolt11, 0n, 'a')).toMatchObject({ status: 'failed' });
		const lost = foreignInvoice(6_000n, 'cut');
		fake.network.set(lost.paymentHash, lost.destination);
		expect(await pay(node, lost.bolt11, 0n, 'b')).toMatchObject({ status: 'succeeded' });
	});

	it('does not believe a success without a matching preimage', async () => {
		const { fake, node } = setup();
		const target = foreignInvoice(6_000n);
		fake.network.set(target.paymentHash, target.destination);
		await pay(node, target.bolt11, 0n, 'a');
		fake.tampered.set(target.paymentHash, { preimage: '00'.repeat(32) });
		const error = await failure(node.lookupPayment(target.paymentHash));
		expect(error).toBeInstanceOf(NodeHttpError);
		expect((error as NodeHttpError).failure).toBe('unknown-outcome');
	});

	it('times out, and says what a non-JSON answer means', async () => {
		const { fake, node } = setup({ timeouts: { requestMs: 40 } });
		fake.inject('/api/v1/wallet', hang);
		expect(await failure(node.balance())).toMatchObject({ code: 'node-unavailable' });
		fake.inject(
			'/api/v1/wallet',
			() => new Response('<html>LNbits is starting</html>', { status: 200 })
		);
		expect((await failure(node.balance())).message).toContain('not JSON');
	});
});
