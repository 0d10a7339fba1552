// Amounts as people read them on the till, the customer's page and the receipt. Everything goes
// through worker/domain/money.ts with integer minor units or decimal strings: no float ever holds
// an amount. Pure, shared by every screen.
import {
	formatMoneyForLocale,
	formatSats,
	moneyFromMinor,
	msatToFiat,
	parseDecimal,
	parseMoney,
	parseRate,
	resolveCurrency
} from '../../../worker/domain/money';

/** Minor units of a currency for `locale`: (150000n, 'JMD', 'en') is "JMD 1,500.00". */
export function fiatText(minor: bigint, currency: string, locale: string): string {
	return formatMoneyForLocale(moneyFromMinor(minor, currency), locale);
}

/** An API decimal string ("1500.00") of a currency for `locale`; the raw text if it is unreadable. */
export function decimalText(decimal: string, currency: string, locale: string): string {
	try {
		return formatMoneyForLocale(parseMoney(decimal, currency, { allowNegative: true }), locale);
	} catch {
		return `${decimal} ${currency}`;
	}
}

/** Sats as the API gives them (up to 3 decimals, msat precision) for `locale`: "9,893 sats". */
export function satsText(sats: string, locale: string): string {
	try {
		return formatSats(parseDecimal(sats, 3), locale);
	} catch {
		return `${sats} sats`;
	}
}

/** True when an API sats string is more than zero. */
export function positiveSats(sats: string): boolean {
	try {
		return parseDecimal(sats, 3) > 0n;
	} catch {
		return false;
	}
}

/**
 * Sats (API string) in the invoice's currency at the invoice's rate (fiat per BTC), rounded by
 * `mode` (down for what was paid, up for what is still due), or null without a fiat rate.
 */
export function satsAsFiatText(
	sats: string,
	rate: string | null,
	currency: string,
	locale: string,
	mode: 'up' | 'down'
): string | null {
	if (!rate) return null;
	try {
		const { exponent } = resolveCurrency(currency);
		return fiatText(msatToFiat(parseDecimal(sats, 3), exponent, parseRate(rate), mode), currency, locale);
	} catch {
		return null;
	}
}

/** True when an API decimal amount of a currency is more than zero. */
export function positiveAmount(decimal: string, currency: string): boolean {
	try {
		return parseMoney(decimal, currency).minor > 0n;
	} catch {
		return false;
	}
}
