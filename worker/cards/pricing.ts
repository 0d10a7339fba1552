// What a Lightning amount costs a card, and the fiat value recorded with each card movement.
// A fiat card paying an invoice priced in its own currency pays the invoice's price exactly
// (a J$1,000 sale takes J$1,000); otherwise the issuer store's rate source prices it now.
import type { StoreRow } from '../data/stores';
import type { InvoiceRow } from '../data/invoices';
import { parseRate } from '../domain/money';
import type { TransferInput } from '../ledger/ledger';
import { rateProviderFor, RateUnavailableError, type RateQuote } from '../rates/index';
import { readSettings } from '../stores/store-data';
import { ApiError } from '../errors';
import { cardToMsat, msatToCard, type CardUnit } from './units';

export type Priced = { amount: bigint; fiat: TransferInput['fiat'] };

export async function rateFor(store: StoreRow, currency: string, now: number): Promise<RateQuote> {
	try {
		return await rateProviderFor(readSettings(store).rateSource, { fetch, now: () => now }).getRate(currency);
	} catch (error) {
		if (error instanceof RateUnavailableError) throw new ApiError('rate-unavailable', error.message);
		throw error;
	}
}

/** The card amount for `msat`, with the fiat value to record. */
export async function priceForCard(unit: CardUnit, issuerStore: StoreRow, msat: bigint, invoice: InvoiceRow | null, now: number): Promise<Priced> {
	if (unit.fiat && invoice && invoice.currency === unit.currency && BigInt(invoice.amountMsat) === msat) {
		const amount = BigInt(invoice.amountMinor);
		return { amount, fiat: { amountMinor: amount, currency: unit.currency, rate: invoice.rate, rateSource: invoice.rateSource } };
	}
	if (unit.fiat) {
		const quote = await rateFor(issuerStore, unit.currency, now);
		const amount = msatToCard(unit, msat, parseRate(quote.rate));
		return { amount, fiat: { amountMinor: amount, currency: unit.currency, rate: quote.rate, rateSource: quote.source } };
	}
	if (invoice && invoice.rate && invoice.currency !== 'BTC' && invoice.currency !== 'SATS' && BigInt(invoice.amountMsat) === msat) {
		return { amount: msat, fiat: { amountMinor: BigInt(invoice.amountMinor), currency: invoice.currency, rate: invoice.rate, rateSource: invoice.rateSource } };
	}
	return { amount: msat, fiat: null };
}

/** A card amount's Lightning value now (limits advertised to wallets in msat). */
export async function cardAmountInMsat(unit: CardUnit, issuerStore: StoreRow, minor: bigint, now: number): Promise<bigint> {
	if (!unit.fiat) return minor;
	const quote = await rateFor(issuerStore, unit.currency, now);
	return cardToMsat(unit, minor, parseRate(quote.rate));
}
