// Invoice amounts: a Greenfield-style { amount, currency } to the msat to charge, with the rate
// that priced it, so the invoice can store what was used, from where and when.
//
// - BTC: up to 8 decimal places, as Greenfield takes a BTC amount (whole sats; no rate).
// - SATS: whole sats (no rate).
// - Fiat: the currency's own decimal places (JPY 0, USD 2, KWD 3), converted at the provider's
//   rate and rounded UP to a whole sat, so the merchant never receives less than the price.
//
// A zero amount is accepted and gives 0 msat: Greenfield allows amount 0 for top-up invoices,
// where the payer chooses the amount, and whether this invoice may be one is the caller's call.
// For a fiat zero the rate is still fetched, because a top-up in JMD needs it recorded to show
// what the payment was worth. Large amounts are not capped here: storing msat goes through
// toSafeNumber, which refuses what D1 cannot hold exactly.

import { isBitcoinCurrency } from '../domain/currencies';
import {
	fiatToMsat,
	MSAT_PER_SAT,
	MoneyError,
	parseMoney,
	parseRate,
	type Rate
} from '../domain/money';
import { type RateProvider, type RateQuote, RateUnavailableError } from './types';

export type InvoiceAmountQuote = {
	/** What to charge, in msat; always a whole number of sats (a multiple of 1000). */
	amountMsat: bigint;
	/** Upper-case currency code the amount was given in. */
	currency: string;
	/** The amount in that currency's minor units (sats for BTC and SATS). */
	amountMinor: bigint;
	/** Decimal places of `currency`: amount = amountMinor / 10^exponent. */
	exponent: number;
	/** The rate used for a fiat amount; null for BTC and SATS, which need none. */
	rate: RateQuote | null;
};

/**
 * Prices an invoice amount in msat. Throws MoneyError for a bad amount or currency (before any
 * rate is fetched) and RateUnavailableError when the provider has no usable rate.
 */
export async function quoteInvoiceAmount(
	input: { amount: string; currency: string },
	provider: RateProvider
): Promise<InvoiceAmountQuote> {
	// parseMoney upper-cases and checks the currency, refuses negatives, and holds BTC to 8
	// decimal places and SATS to none, because their exponents in ../domain/currencies are 8 and 0.
	const money = parseMoney(input.amount, input.currency);
	const base = { currency: money.currency, amountMinor: money.minor, exponent: money.exponent };
	if (isBitcoinCurrency(money.currency)) {
		return { ...base, amountMsat: money.minor * MSAT_PER_SAT, rate: null };
	}

	const quote = await provider.getRate(money.currency);
	// The provider checked its rate; checking again here keeps a faulty provider from pricing an
	// invoice in the wrong currency or at a rate that is not one.
	const refuse = (problem: string): RateUnavailableError =>
		new RateUnavailableError(
			provider.name,
			money.currency,
			`The ${provider.name} rate source ${problem}; try again or switch the store to fixed rates.`
		);
	if (quote.currency !== money.currency) {
		throw refuse(`answered with a ${quote.currency} rate when asked for ${money.currency}`);
	}
	let rate: Rate;
	try {
		rate = parseRate(quote.rate);
	} catch (error) {
		if (error instanceof MoneyError) throw refuse(`gave an unusable rate (${error.message})`);
		throw error;
	}
	return { ...base, amountMsat: fiatToMsat(money.minor, money.exponent, rate), rate: quote };
}
