// The common front of paying a BOLT 11 invoice for the adapters that keep their own in-flight
// guard (BTCPay Server, NWC): refuse what cannot be paid, and let a second request for a payment
// hash already being paid share the first one's outcome instead of paying again.
import { decodeInvoice, type DecodedInvoice } from '../lightning/bolt11';
import type { NodePayment } from './types';

export type InFlight = Map<string, Promise<NodePayment>>;

export function payOnce(
	inFlight: InFlight,
	bolt11: string,
	pay: (decoded: DecodedInvoice & { amountMsat: bigint }) => Promise<NodePayment>
): Promise<NodePayment> {
	let decoded: DecodedInvoice;
	try {
		decoded = decodeInvoice(bolt11);
	} catch (error) {
		const reason = error instanceof Error ? error.message : 'not a BOLT 11 invoice';
		return Promise.resolve({ status: 'failed', paymentHash: '', reason });
	}
	const hash = decoded.paymentHash;
	const amountMsat = decoded.amountMsat;
	if (amountMsat === null) {
		return Promise.resolve({ status: 'failed', paymentHash: hash, reason: 'invoices without an amount are not supported' });
	}
	const existing = inFlight.get(hash);
	if (existing) return existing;
	const paying = pay({ ...decoded, amountMsat }).finally(() => inFlight.delete(hash));
	inFlight.set(hash, paying);
	return paying;
}
