// What a screen should say about an invoice, from Greenfield's status and additional status.
// Honest by construction: only a Settled invoice is "paid"; a partial, an expired and a late
// payment each have their own phase, so the till never shows "Paid" for money that is not final.
import type { AdditionalStatus, InvoiceStatus } from '../../../worker/domain/invoice-state';

export type InvoicePhase =
	/** Waiting for the customer to pay. */
	| 'waiting'
	/** Part paid, still open: show what was paid and what is still due. */
	| 'partial'
	/** A payment arrived and is being confirmed (Lightning passes through at once). */
	| 'processing'
	/** Paid in full (settled, possibly overpaid or marked by the merchant). */
	| 'paid'
	/** Expired with nothing paid. */
	| 'expired'
	/** Expired after part of it was paid: the merchant owes a refund or a new invoice. */
	| 'expired-partial'
	/** Paid in full after it expired: the merchant decides to accept or refund. */
	| 'paid-late'
	/** Invalid (marked so, or the node could not issue it). */
	| 'invalid';

export function invoicePhase(view: { status: InvoiceStatus; additionalStatus: AdditionalStatus }): InvoicePhase {
	switch (view.status) {
		case 'Settled':
			return 'paid';
		case 'Processing':
			return 'processing';
		case 'Invalid':
			return 'invalid';
		case 'Expired':
			if (view.additionalStatus === 'PaidLate') return 'paid-late';
			if (view.additionalStatus === 'PaidPartial') return 'expired-partial';
			return 'expired';
		case 'New':
			return view.additionalStatus === 'PaidPartial' ? 'partial' : 'waiting';
	}
}

/** The invoice can still take a payment (so the QR, countdown and test wallet stay). */
export function isPayable(phase: InvoicePhase): boolean {
	return phase === 'waiting' || phase === 'partial';
}

/** The invoice is done with, one way or another: the till offers "New sale". */
export function isFinished(phase: InvoicePhase): boolean {
	return !isPayable(phase) && phase !== 'processing';
}

/**
 * Milliseconds left before expiry by the server's clock: the time the server said was left when
 * the view arrived, minus the time elapsed on this device since (a monotonic clock), so a device
 * with a wrong date still counts down right.
 */
export function remainingMs(
	view: { expirationTime: number; serverTime: number },
	receivedAt: number,
	now: number
): number {
	return Math.max(0, view.expirationTime - view.serverTime - (now - receivedAt));
}

/** "14:05" style minutes and seconds; hours only when there are any ("1:02:03"). */
export function clockText(ms: number): string {
	const total = Math.ceil(ms / 1000);
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = total % 60;
	const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
	return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}
