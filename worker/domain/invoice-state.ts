// Greenfield's invoice life cycle as a pure function of what the node reports and the clock.
// Statuses New → Processing → Settled | Expired | Invalid with the additional statuses
// PaidPartial, PaidOver, PaidLate, Marked, as BTCPay Server's invoice watcher applies them:
// - a payment before expiry that completes the amount settles the invoice (Lightning payments
//   are final at once, so Processing is passed through in the same step);
// - a payment that does not complete it leaves the invoice New with PaidPartial;
// - at expiry an unpaid or partly paid invoice becomes Expired (PaidPartial kept);
// - a payment after expiry that completes the amount marks it PaidLate and leaves it Expired,
//   for the merchant to decide (mark settled or refund); the invoice is watched until its
//   monitoring window closes.

export const INVOICE_STATUSES = ['New', 'Processing', 'Settled', 'Expired', 'Invalid'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
export type AdditionalStatus = 'None' | 'PaidPartial' | 'PaidOver' | 'PaidLate' | 'Marked' | 'Invalid';

export type InvoiceState = {
	status: InvoiceStatus;
	additionalStatus: AdditionalStatus;
	amountMsat: bigint;
	paidMsat: bigint;
	/** Unix ms. */
	expiresAt: number;
	monitoringExpiresAt: number;
	closedAt: number | null;
	/** Percentage of the amount that may be missing and still count as paid (0–100). */
	paymentTolerance: number;
};

export type ObservedPayment = { id: string; amountMsat: bigint; receivedAt: number };
export type RecordedPayment = ObservedPayment & { afterExpiration: boolean };

export type InvoiceEvent =
	| { type: 'InvoiceReceivedPayment'; payment: RecordedPayment }
	| { type: 'InvoicePaymentSettled'; payment: RecordedPayment }
	| { type: 'InvoiceProcessing'; overPaid: boolean }
	| { type: 'InvoiceSettled'; manuallyMarked: boolean; overPaid: boolean }
	| { type: 'InvoiceExpired'; partiallyPaid: boolean }
	| { type: 'InvoiceExpiredPaidPartial' }
	| { type: 'InvoicePaidAfterExpiration' }
	| { type: 'InvoiceInvalid'; manuallyMarked: boolean };

export type Advance = { state: InvoiceState; payments: RecordedPayment[]; events: InvoiceEvent[] };

function paidEnough(s: InvoiceState): boolean {
	// Tolerance in hundredths of a percent, in integers: amount × (10000 − tolerance×100) / 10000.
	const keepBasisPoints = BigInt(Math.round((100 - s.paymentTolerance) * 100));
	return s.paidMsat * 10_000n >= s.amountMsat * keepBasisPoints;
}

/**
 * Applies the payments the node reports that were not recorded yet (`known` holds their ids)
 * and the passage of time. Pure: the same inputs give the same result.
 */
export function advance(
	current: InvoiceState,
	observed: readonly ObservedPayment[],
	known: ReadonlySet<string>,
	now: number
): Advance {
	let s = { ...current };
	const events: InvoiceEvent[] = [];
	const recorded: RecordedPayment[] = [];
	const fresh = observed.filter((p) => !known.has(p.id)).sort((a, b) => a.receivedAt - b.receivedAt);

	const expireIfDue = (at: number) => {
		if (s.status === 'New' && at >= s.expiresAt) {
			const partiallyPaid = s.paidMsat > 0n;
			s = { ...s, status: 'Expired', additionalStatus: partiallyPaid ? 'PaidPartial' : s.additionalStatus };
			events.push({ type: 'InvoiceExpired', partiallyPaid });
			if (partiallyPaid) events.push({ type: 'InvoiceExpiredPaidPartial' });
		}
	};

	for (const p of fresh) {
		expireIfDue(p.receivedAt);
		const afterExpiration = p.receivedAt >= s.expiresAt;
		const payment: RecordedPayment = { ...p, afterExpiration };
		recorded.push(payment);
		s = { ...s, paidMsat: s.paidMsat + p.amountMsat };
		events.push({ type: 'InvoiceReceivedPayment', payment }, { type: 'InvoicePaymentSettled', payment });

		if (s.status === 'New') {
			if (paidEnough(s)) {
				const overPaid = s.paidMsat > s.amountMsat;
				events.push({ type: 'InvoiceProcessing', overPaid }, { type: 'InvoiceSettled', manuallyMarked: false, overPaid });
				s = { ...s, status: 'Settled', additionalStatus: overPaid ? 'PaidOver' : 'None', closedAt: p.receivedAt };
			} else {
				s = { ...s, additionalStatus: 'PaidPartial' };
			}
		} else if (s.status === 'Expired') {
			if (paidEnough(s) && s.additionalStatus !== 'PaidLate') {
				s = { ...s, additionalStatus: 'PaidLate' };
				events.push({ type: 'InvoicePaidAfterExpiration' });
			} else if (!paidEnough(s)) {
				s = { ...s, additionalStatus: 'PaidPartial' };
			}
		} else if (s.status === 'Settled' && s.paidMsat > s.amountMsat && s.additionalStatus === 'None') {
			// More arrived after settling (a second payment of the same bill): say so.
			s = { ...s, additionalStatus: 'PaidOver' };
		}
	}

	expireIfDue(now);
	if (s.status === 'Expired' && s.closedAt === null && now >= s.monitoringExpiresAt) {
		s = { ...s, closedAt: now };
	}
	return { state: s, payments: recorded, events };
}

/** Greenfield's `availableStatusesForManualMarking`. */
export function markableStatuses(status: InvoiceStatus): Array<'Settled' | 'Invalid'> {
	switch (status) {
		case 'New':
		case 'Processing':
		case 'Expired':
			return ['Settled', 'Invalid'];
		case 'Settled':
			return ['Invalid'];
		case 'Invalid':
			return ['Settled'];
	}
}

/** A manager marks the invoice Settled or Invalid (POST /invoices/{id}/status). */
export function mark(
	current: InvoiceState,
	target: 'Settled' | 'Invalid',
	now: number
): { ok: true; state: InvoiceState; events: InvoiceEvent[] } | { ok: false; message: string } {
	if (!markableStatuses(current.status).includes(target)) {
		return { ok: false, message: `A ${current.status} invoice cannot be marked ${target}.` };
	}
	const state: InvoiceState = { ...current, status: target, additionalStatus: 'Marked', closedAt: now };
	const events: InvoiceEvent[] =
		target === 'Settled'
			? [{ type: 'InvoiceSettled', manuallyMarked: true, overPaid: false }]
			: [{ type: 'InvoiceInvalid', manuallyMarked: true }];
	return { ok: true, state, events };
}

/** Whether the invoice still needs watching (node polls, cron reconciliation). */
export function isOpen(s: Pick<InvoiceState, 'closedAt'>): boolean {
	return s.closedAt === null;
}
