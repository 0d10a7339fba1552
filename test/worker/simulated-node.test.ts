// The simulated node as a payer: what cards and refunds will use to pay Lightning invoices.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { syncInvoice } from '../../worker/invoices/sync';
import { nodeFor } from '../../worker/nodes/registry';
import { SIMULATED_STARTING_BALANCE_MSAT } from '../../worker/nodes/simulated';
import { encodeInvoice, newNodePrivateKey } from '../../worker/lightning/bolt11';
import { bolt11Of, createInvoice, createStore } from './setup-store';

describe('the simulated node paying invoices', () => {
	it('pays another simulated store’s invoice once, whatever is retried, and the payee sees it settle', async () => {
		const payer = await createStore();
		const payee = await createStore();
		const invoice = await createInvoice(payee, { amount: '2100', currency: 'SATS' });
		const bolt11 = await bolt11Of(payee, invoice.id);
		const node = await nodeFor(env, payer.storeId);
		const before = (await node.balance()).spendableMsat;
		expect(before).toBe(SIMULATED_STARTING_BALANCE_MSAT);

		const results = await Promise.all([1, 2, 3].map((i) => node.payInvoice({ bolt11, maxFeeMsat: 10_000n, idempotencyKey: `k${i}` })));
		expect(results.every((r) => r.status === 'succeeded')).toBe(true);
		const first = results[0]!;
		expect(first).toMatchObject({ status: 'succeeded', amountMsat: 2_100_000n, feeMsat: 0n });
		expect(first.status === 'succeeded' && first.preimage).toMatch(/^[0-9a-f]{64}$/);
		const received = await env.DB.prepare('select count(*) as n, sum(amount_msat) as total from sim_payments where payment_hash = (select payment_hash from invoices where id = ?)')
			.bind(invoice.id)
			.first<{ n: number; total: number }>();
		expect(received).toEqual({ n: 1, total: 2_100_000 });
		expect((await node.balance()).spendableMsat).toBe(before - 2_100_000n);
		expect(await node.lookupPayment(first.paymentHash)).toEqual(first);

		const synced = await syncInvoice(env, invoice.id);
		expect(synced?.row.status).toBe('Settled');
	});

	it('fails definitely for what it cannot reach, and remembers the failure', async () => {
		const payer = await createStore();
		const node = await nodeFor(env, payer.storeId);
		const stranger = encodeInvoice({
			network: 'regtest',
			amountMsat: 5_000n,
			paymentHash: 'ab'.repeat(32),
			paymentSecret: 'cd'.repeat(32),
			description: 'elsewhere',
			expirySeconds: 600,
			timestamp: Math.floor(Date.now() / 1000),
			privateKey: newNodePrivateKey()
		});
		const result = await node.payInvoice({ bolt11: stranger, maxFeeMsat: 0n, idempotencyKey: 'x' });
		expect(result).toMatchObject({ status: 'failed' });
		expect(result.status === 'failed' && result.reason).toContain('no route');
		expect(await node.lookupPayment('ab'.repeat(32))).toEqual(result);
		expect((await node.payInvoice({ bolt11: 'garbage', maxFeeMsat: 0n, idempotencyKey: 'y' })).status).toBe('failed');
	});
});
