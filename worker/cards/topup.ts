// Loading a card: cash taken at a till (recorded against that terminal's cash drawer, or the
// office for a top-up made in the merchant app) and Lightning (an invoice of the issuer store,
// credited from its node when the invoice settles: from syncInvoice, and from the cron should
// that be cut off). Each movement records the fiat value and the rate it was converted at.
import type { Db } from '../db/client';
import type { CardRow } from '../data/cards';
import { findCardById } from '../data/cards';
import type { InvoiceRow } from '../data/invoices';
import { findStore, type StoreRow } from '../data/stores';
import { fiatToMsat, msatToFiat, MoneyError, parseMoney, parseRate } from '../domain/money';
import { ValidationError } from '../errors';
import { post, type PostResult } from '../ledger/ledger';
import { accountIds, accountSpecs, ensureAccounts, floatsFor, movement } from './accounts';
import { rateFor } from './pricing';
import { cardUnit, parseCardAmount } from './units';

/** A cash amount in the till's currency and what it is worth on the card. */
export async function convertCash(card: CardRow, issuerStore: StoreRow, amount: string, currency: string, now: number) {
	const unit = cardUnit(card.currency);
	let cash;
	try {
		cash = parseMoney(amount, currency);
	} catch (error) {
		if (error instanceof MoneyError) throw new ValidationError([{ path: error.code === 'unknown_currency' ? 'currency' : 'amount', message: error.message }]);
		throw error;
	}
	if (cash.currency === 'BTC' || cash.currency === 'SATS') {
		throw new ValidationError([{ path: 'currency', message: 'Cash is counted in a fiat currency such as JMD; for sats use a Lightning top-up.' }]);
	}
	if (cash.minor <= 0n) throw new ValidationError([{ path: 'amount', message: 'A top-up must be more than zero.' }]);
	if (cash.currency === unit.currency) {
		return { unit, cashMinor: cash.minor, cashCurrency: cash.currency, credit: cash.minor, rate: null as string | null, rateSource: null as string | null };
	}
	const quote = await rateFor(issuerStore, cash.currency, now);
	const rate = parseRate(quote.rate);
	let credit: bigint;
	if (!unit.fiat) {
		// fiatToMsat rounds up to whole sats; cash bought at most what was paid, so round down.
		const up = fiatToMsat(cash.minor, cash.exponent, rate);
		credit = msatToFiat(up, cash.exponent, rate, 'down') > cash.minor ? up - 1000n : up;
	} else {
		const cardQuote = await rateFor(issuerStore, unit.currency, now);
		const msat = fiatToMsat(cash.minor, cash.exponent, rate);
		credit = msatToFiat(msat, unit.exponent, parseRate(cardQuote.rate), 'down');
	}
	return { unit, cashMinor: cash.minor, cashCurrency: cash.currency, credit, rate: quote.rate, rateSource: quote.source };
}

export async function cashTopup(
	db: Db,
	card: CardRow,
	issuerStore: StoreRow,
	input: { id: string; amount: string; currency: string; drawer: string; by: string | null },
	now: number
): Promise<PostResult & { credit: bigint }> {
	const c = await convertCash(card, issuerStore, input.amount, input.currency, now);
	const cashUnit = c.cashCurrency;
	await ensureAccounts(db, [accountSpecs.cashDrawer(card.storeId, input.drawer, cashUnit), accountSpecs.card(card.storeId, card.id, c.unit.ledgerUnit), ...floatsFor(card.storeId, cashUnit, c.unit.ledgerUnit)], now);
	const transfers = movement(
		input.id,
		card.storeId,
		{ account: accountIds.cashDrawer(card.storeId, input.drawer, cashUnit), unit: cashUnit, amount: c.cashMinor },
		{ account: accountIds.card(card.id), unit: c.unit.ledgerUnit, amount: c.credit },
		{ kind: 'card-topup-cash', reference: input.by, fiat: { amountMinor: c.cashMinor, currency: c.cashCurrency, rate: c.rate, rateSource: c.rateSource } }
	);
	return { ...(await post(db, transfers, now)), credit: c.credit };
}

/** Credits a settled Lightning top-up once (transfer id `topup-ln:<invoiceId>`). */
export async function creditLightningTopup(db: Db, invoice: InvoiceRow, now: number): Promise<PostResult | null> {
	if (!invoice.cardTopupId || invoice.status !== 'Settled') return null;
	const card = await findCardById(db, invoice.cardTopupId);
	const store = card ? await findStore(db, card.storeId) : undefined;
	if (!card || !store) return null;
	const unit = cardUnit(card.currency);
	const paid = BigInt(invoice.paidMsat);
	let credit: bigint;
	if (!unit.fiat) credit = paid;
	else if (invoice.currency === unit.currency && invoice.rate) {
		credit = paid === BigInt(invoice.amountMsat) ? BigInt(invoice.amountMinor) : msatToFiat(paid, unit.exponent, parseRate(invoice.rate), 'down');
	} else {
		const quote = await rateFor(store, unit.currency, now);
		credit = msatToFiat(paid, unit.exponent, parseRate(quote.rate), 'down');
	}
	if (credit <= 0n) return null;
	await ensureAccounts(db, [accountSpecs.node(card.storeId), accountSpecs.card(card.storeId, card.id, unit.ledgerUnit), ...floatsFor(card.storeId, 'msat', unit.ledgerUnit)], now);
	const fiat =
		invoice.currency !== 'BTC' && invoice.currency !== 'SATS'
			? { amountMinor: BigInt(invoice.amountMinor), currency: invoice.currency, rate: invoice.rate, rateSource: invoice.rateSource }
			: null;
	return post(
		db,
		movement(
			`topup-ln:${invoice.id}`,
			card.storeId,
			{ account: accountIds.node(card.storeId), unit: 'msat', amount: paid },
			{ account: accountIds.card(card.id), unit: unit.ledgerUnit, amount: credit },
			{ kind: 'card-topup-lightning', reference: `invoice:${invoice.id}`, fiat },
			`topup-ln:${invoice.id}`
		),
		now
	);
}

export { parseCardAmount };
