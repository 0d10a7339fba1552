// Greenfield decimal strings for an invoice: its amount and what was paid, in the invoice
// currency, and the BTC figures of its Lightning payment method.
import { formatDecimal, msatToBtc, msatToFiat, msatToSat, parseRate, resolveCurrency } from '../domain/money';
import type { InvoiceRow } from '../data/invoices';

export function invoiceExponent(currency: string): number {
	return currency === 'BTC' ? 8 : resolveCurrency(currency).exponent;
}

export function invoiceAmount(row: Pick<InvoiceRow, 'currency' | 'amountMinor'>): string {
	return formatDecimal(BigInt(row.amountMinor), invoiceExponent(row.currency));
}

export function tipAmount(row: Pick<InvoiceRow, 'currency' | 'tipMinor'>): string {
	return formatDecimal(BigInt(row.tipMinor), invoiceExponent(row.currency));
}

/**
 * What was paid, in the invoice currency. Paying exactly what was charged is the invoice amount
 * (the charge was rounded up to a whole sat, so converting it back could show a cent more);
 * anything beyond it is converted and added; less is converted rounding down.
 */
export function paidInInvoiceCurrency(row: Pick<InvoiceRow, 'currency' | 'rate' | 'amountMsat' | 'amountMinor'>, paidMsat: bigint): string {
	const charged = BigInt(row.amountMsat);
	if (paidMsat < charged) return msatInInvoiceCurrency(row, paidMsat);
	const exponent = invoiceExponent(row.currency);
	const extra = paidMsat - charged;
	const extraMinor =
		row.currency === 'BTC' || row.currency === 'SATS' ? msatToSat(extra, 'down') : msatToFiat(extra, exponent, parseRate(row.rate!), 'down');
	return formatDecimal(BigInt(row.amountMinor) + extraMinor, exponent);
}

/** msat in the invoice currency, rounded down: never claim more was paid than was. */
export function msatInInvoiceCurrency(row: Pick<InvoiceRow, 'currency' | 'rate'>, msat: bigint): string {
	if (row.currency === 'BTC') return formatDecimal(msatToSat(msat, 'down'), 8);
	if (row.currency === 'SATS') return formatDecimal(msatToSat(msat, 'down'), 0);
	const exponent = invoiceExponent(row.currency);
	return formatDecimal(msatToFiat(msat, exponent, parseRate(row.rate!), 'down'), exponent);
}

/** The invoice currency per BTC, as Greenfield's payment method `rate`. */
export function rateOf(row: Pick<InvoiceRow, 'currency' | 'rate'>): string {
	if (row.currency === 'BTC') return '1';
	if (row.currency === 'SATS') return '100000000';
	return row.rate!;
}

export const btc = (msat: bigint): string => msatToBtc(msat);

/** Sats with up to 3 decimals (msat precision), for screens. */
export function sats(msat: bigint): string {
	const negative = msat < 0n;
	const abs = negative ? -msat : msat;
	const whole = abs / 1000n;
	const rest = abs % 1000n;
	const text = rest === 0n ? whole.toString() : `${whole}.${rest.toString().padStart(3, '0').replace(/0+$/, '')}`;
	return negative ? `-${text}` : text;
}
