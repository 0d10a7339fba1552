// A card's unit of account. SATS cards keep millisatoshis in the ledger (a Lightning payment is
// charged to the msat); fiat cards keep the currency's ISO 4217 minor units ("I loaded J$2,000"),
// and pay Lightning invoices at the rate of the moment, rounded so the card never pays less
// than the invoice is worth.
import { formatDecimal, fiatToMsat, msatToFiat, MoneyError, parseDecimal, resolveCurrency, type Rate } from '../domain/money';

export type CardUnit = {
	/** 'SATS' or an ISO 4217 code. */
	currency: string;
	/** The ledger unit: 'msat' or the currency code. */
	ledgerUnit: string;
	/** Decimal places of a minor unit in the API's decimal strings (msat → sats: 3). */
	exponent: number;
	fiat: boolean;
};

export function cardUnit(currency: string): CardUnit {
	const code = currency.toUpperCase();
	if (code === 'SATS') return { currency: 'SATS', ledgerUnit: 'msat', exponent: 3, fiat: false };
	if (code === 'BTC') throw new MoneyError('unknown_currency', 'Cards hold SATS or a fiat currency; use SATS instead of BTC.');
	const resolved = resolveCurrency(code);
	return { currency: resolved.currency, ledgerUnit: resolved.currency, exponent: resolved.exponent, fiat: true };
}

/** A decimal string in the card's currency to its minor units (msat for SATS). */
export function parseCardAmount(unit: CardUnit, text: string): bigint {
	return parseDecimal(text, unit.exponent);
}

/** Minor units to the API's decimal string; SATS show whole sats unless msat are left over. */
export function formatCardAmount(unit: CardUnit, minor: bigint | number): string {
	const value = typeof minor === 'number' ? BigInt(minor) : minor;
	if (unit.fiat) return formatDecimal(value, unit.exponent);
	const text = formatDecimal(value, 3);
	return text.replace(/0+$/, '').replace(/\.$/, '');
}

/** What a Lightning amount costs the card, in its minor units: rounded up for fiat. */
export function msatToCard(unit: CardUnit, msat: bigint, rate: Rate | null): bigint {
	if (!unit.fiat) return msat;
	if (!rate) throw new Error(`A ${unit.currency} card needs a rate to pay in sats.`);
	return msatToFiat(msat, unit.exponent, rate, 'up');
}

/** The Lightning value of a card amount (for limits advertised in msat): rounded down. */
export function cardToMsat(unit: CardUnit, minor: bigint, rate: Rate | null): bigint {
	if (!unit.fiat) return minor;
	if (!rate) throw new Error(`A ${unit.currency} card needs a rate to be priced in sats.`);
	// fiatToMsat rounds up to whole sats; a limit must not be overstated, so take one sat less
	// unless the value is exact.
	const up = fiatToMsat(minor, unit.exponent, rate);
	const back = msatToFiat(up, unit.exponent, rate, 'down');
	return back > minor && up >= 1000n ? up - 1000n : up;
}
