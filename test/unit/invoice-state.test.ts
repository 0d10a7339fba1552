import { describe, expect, it } from 'vitest';
import { advance, mark, markableStatuses, type InvoiceState } from '../../worker/domain/invoice-state';

const T0 = 1_800_000_000_000;
const fresh = (over: Partial<InvoiceState> = {}): InvoiceState => ({
	status: 'New',
	additionalStatus: 'None',
	amountMsat: 100_000n,
	paidMsat: 0n,
	expiresAt: T0 + 900_000,
	monitoringExpiresAt: T0 + 900_000 + 86_400_000,
	closedAt: null,
	paymentTolerance: 0,
	...over
});
const payment = (id: string, amountMsat: bigint, receivedAt = T0 + 1_000) => ({ id, amountMsat, receivedAt });
const types = (events: Array<{ type: string }>) => events.map((e) => e.type);

describe('advance', () => {
	it('settles on an exact payment before expiry, passing through Processing', () => {
		const r = advance(fresh(), [payment('p1', 100_000n)], new Set(), T0 + 2_000);
		expect(r.state).toMatchObject({ status: 'Settled', additionalStatus: 'None', paidMsat: 100_000n, closedAt: T0 + 1_000 });
		expect(types(r.events)).toEqual(['InvoiceReceivedPayment', 'InvoicePaymentSettled', 'InvoiceProcessing', 'InvoiceSettled']);
		expect(r.payments).toEqual([{ ...payment('p1', 100_000n), afterExpiration: false }]);
	});

	it('ignores payments already recorded', () => {
		const r = advance(fresh({ paidMsat: 40_000n, additionalStatus: 'PaidPartial' }), [payment('p1', 40_000n)], new Set(['p1']), T0 + 2_000);
		expect(r.events).toEqual([]);
		expect(r.payments).toEqual([]);
		expect(r.state.paidMsat).toBe(40_000n);
	});

	it('keeps a partial payment New with PaidPartial, then settles when the rest arrives', () => {
		const first = advance(fresh(), [payment('p1', 40_000n)], new Set(), T0 + 2_000);
		expect(first.state).toMatchObject({ status: 'New', additionalStatus: 'PaidPartial', paidMsat: 40_000n });
		expect(types(first.events)).toEqual(['InvoiceReceivedPayment', 'InvoicePaymentSettled']);
		const second = advance(first.state, [payment('p1', 40_000n), payment('p2', 60_000n, T0 + 5_000)], new Set(['p1']), T0 + 6_000);
		expect(second.state).toMatchObject({ status: 'Settled', additionalStatus: 'None', paidMsat: 100_000n });
	});

	it('marks over-payment PaidOver', () => {
		const r = advance(fresh(), [payment('p1', 150_000n)], new Set(), T0 + 2_000);
		expect(r.state).toMatchObject({ status: 'Settled', additionalStatus: 'PaidOver' });
		expect(r.events.find((e) => e.type === 'InvoiceSettled')).toEqual({ type: 'InvoiceSettled', manuallyMarked: false, overPaid: true });
	});

	it('counts a payment within the tolerance as full', () => {
		const within = advance(fresh({ paymentTolerance: 5 }), [payment('p1', 95_000n)], new Set(), T0 + 2_000);
		expect(within.state.status).toBe('Settled');
		const outside = advance(fresh({ paymentTolerance: 5 }), [payment('p1', 94_999n)], new Set(), T0 + 2_000);
		expect(outside.state).toMatchObject({ status: 'New', additionalStatus: 'PaidPartial' });
	});

	it('expires an unpaid invoice at its expiry time, not before', () => {
		expect(advance(fresh(), [], new Set(), T0 + 899_999).state.status).toBe('New');
		const r = advance(fresh(), [], new Set(), T0 + 900_000);
		expect(r.state).toMatchObject({ status: 'Expired', additionalStatus: 'None', closedAt: null });
		expect(r.events).toEqual([{ type: 'InvoiceExpired', partiallyPaid: false }]);
	});

	it('expires a partly paid invoice with PaidPartial and says so', () => {
		const partial = fresh({ paidMsat: 10_000n, additionalStatus: 'PaidPartial' });
		const r = advance(partial, [], new Set(), T0 + 900_000);
		expect(r.state).toMatchObject({ status: 'Expired', additionalStatus: 'PaidPartial' });
		expect(types(r.events)).toEqual(['InvoiceExpired', 'InvoiceExpiredPaidPartial']);
	});

	it('applies a payment made before expiry that is only seen after it', () => {
		const r = advance(fresh(), [payment('p1', 100_000n, T0 + 899_000)], new Set(), T0 + 950_000);
		expect(r.state.status).toBe('Settled');
		expect(r.payments[0]!.afterExpiration).toBe(false);
	});

	it('marks a full payment after expiry PaidLate and keeps the invoice Expired', () => {
		const r = advance(fresh(), [payment('p1', 100_000n, T0 + 1_000_000)], new Set(), T0 + 1_100_000);
		expect(r.state).toMatchObject({ status: 'Expired', additionalStatus: 'PaidLate', paidMsat: 100_000n });
		expect(types(r.events)).toEqual(['InvoiceExpired', 'InvoiceReceivedPayment', 'InvoicePaymentSettled', 'InvoicePaidAfterExpiration']);
		expect(r.payments[0]!.afterExpiration).toBe(true);
	});

	it('closes an expired invoice when monitoring ends', () => {
		const expired = advance(fresh(), [], new Set(), T0 + 900_000).state;
		expect(advance(expired, [], new Set(), expired.monitoringExpiresAt - 1).state.closedAt).toBeNull();
		expect(advance(expired, [], new Set(), expired.monitoringExpiresAt).state.closedAt).toBe(expired.monitoringExpiresAt);
	});
});

describe('manual marking', () => {
	it.each([
		['New', ['Settled', 'Invalid']],
		['Processing', ['Settled', 'Invalid']],
		['Expired', ['Settled', 'Invalid']],
		['Settled', ['Invalid']],
		['Invalid', ['Settled']]
	] as const)('%s can be marked %o', (status, allowed) => {
		expect(markableStatuses(status)).toEqual(allowed);
	});

	it('marks with Marked and the manuallyMarked event, and refuses what is not allowed', () => {
		const settled = mark(fresh(), 'Settled', T0 + 5);
		expect(settled).toMatchObject({ ok: true, state: { status: 'Settled', additionalStatus: 'Marked', closedAt: T0 + 5 } });
		expect(settled.ok && settled.events).toEqual([{ type: 'InvoiceSettled', manuallyMarked: true, overPaid: false }]);
		const again = mark((settled as { state: InvoiceState }).state, 'Settled', T0 + 6);
		expect(again).toEqual({ ok: false, message: 'A Settled invoice cannot be marked Settled.' });
		const invalid = mark(fresh(), 'Invalid', T0);
		expect(invalid.ok && invalid.events).toEqual([{ type: 'InvoiceInvalid', manuallyMarked: true }]);
	});
});
