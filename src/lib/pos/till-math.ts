// Till arithmetic in integer minor units (bigint), never floats: the keypad that shifts digits in
// like a cash register, cart totals, and tips rounded half-up. Pure functions, no DOM, so the unit
// tests (test/unit/till.test.ts) run them in Node.
import { divide } from '../../../worker/domain/rounding';
import { formatDecimal, MoneyError, parseDecimal, parseMoney, resolveCurrency } from '../../../worker/domain/money';

/** The keypad takes at most this many digits (the API's price limit is 12 integer digits). */
export const MAX_KEYPAD_DIGITS = 12;

/** The minor-unit exponent of a store currency: JMD 2, JPY 0, KWD 3, BTC 8 (sats), SATS 0. */
export function exponentOf(currency: string): number {
	return resolveCurrency(currency).exponent;
}

/**
 * A keypad press: the digits shift in from the right, so 1, 2, 3 in JMD is 123 minor units
 * (1.23). A press that would go past MAX_KEYPAD_DIGITS digits is ignored.
 */
export function pushDigits(minor: bigint, digits: string): bigint {
	if (!/^[0-9]+$/.test(digits)) throw new RangeError(`Not keypad digits: ${digits}`);
	const next = BigInt(minor.toString() + digits);
	return next.toString().length > MAX_KEYPAD_DIGITS ? minor : next;
}

/** Backspace: the last digit typed falls off (1.23 becomes 0.12). */
export function popDigit(minor: bigint): bigint {
	return minor / 10n;
}

/** Minor units as the API's decimal string: (150000n, 'JMD') is "1500.00". */
export function toDecimal(minor: bigint, currency: string): string {
	return formatDecimal(minor, exponentOf(currency));
}

/** A decimal string from the API (a product price) as minor units of the currency. */
export function toMinor(decimal: string, currency: string): bigint {
	return parseMoney(decimal, currency).minor;
}

export type CartLine = {
	readonly productId: string;
	readonly title: string;
	/** The unit price in minor units of the store currency. */
	readonly unitMinor: bigint;
	readonly quantity: number;
};

export function lineTotal(line: CartLine): bigint {
	return line.unitMinor * BigInt(line.quantity);
}

export function cartSubtotal(lines: readonly CartLine[]): bigint {
	return lines.reduce((sum, line) => sum + lineTotal(line), 0n);
}

export function cartCount(lines: readonly CartLine[]): number {
	return lines.reduce((sum, line) => sum + line.quantity, 0);
}

/** Adds one of a product, or sets a line's quantity (0 or less removes it). Returns a new list. */
export function addToCart(lines: readonly CartLine[], item: Omit<CartLine, 'quantity'>): CartLine[] {
	const found = lines.find((l) => l.productId === item.productId);
	if (!found) return [...lines, { ...item, quantity: 1 }];
	return setQuantity(lines, item.productId, found.quantity + 1);
}

export const MAX_QUANTITY = 999;

export function setQuantity(lines: readonly CartLine[], productId: string, quantity: number): CartLine[] {
	const q = Math.min(MAX_QUANTITY, Math.trunc(quantity));
	if (q <= 0) return lines.filter((l) => l.productId !== productId);
	return lines.map((l) => (l.productId === productId ? { ...l, quantity: q } : l));
}

/** What the cashier chose for a tip. A custom tip is typed as a decimal amount. */
export type TipChoice =
	| { readonly kind: 'none' }
	| { readonly kind: 'percent'; readonly percent: number }
	| { readonly kind: 'custom'; readonly text: string };

/** A percentage of the subtotal in minor units, an exact half rounded up: 10% of 0.05 is 0.01. */
export function tipForPercent(subtotalMinor: bigint, percent: number): bigint {
	if (!Number.isInteger(percent) || percent < 0) throw new RangeError(`Not a tip percentage: ${percent}`);
	return divide(subtotalMinor * BigInt(percent), 100n, 'half-up');
}

export type TipResult =
	| { readonly ok: true; readonly minor: bigint }
	| { readonly ok: false; readonly reason: 'invalid' | 'too_many_decimals' | 'too_large' };

/**
 * The tip in minor units for a choice. A custom tip is parsed exactly ("150", "150.5", "150.50"
 * in JMD); empty means no tip. It may not exceed the subtotal (the API refuses a tip larger than
 * the amount, and a larger one is nearly always a typo).
 */
export function tipFor(subtotalMinor: bigint, choice: TipChoice, currency: string): TipResult {
	if (choice.kind === 'none') return { ok: true, minor: 0n };
	if (choice.kind === 'percent') return { ok: true, minor: tipForPercent(subtotalMinor, choice.percent) };
	const text = choice.text.trim();
	if (text === '') return { ok: true, minor: 0n };
	try {
		const minor = parseMoney(text, currency).minor;
		return minor > subtotalMinor ? { ok: false, reason: 'too_large' } : { ok: true, minor };
	} catch (error) {
		if (error instanceof MoneyError) {
			return { ok: false, reason: error.code === 'too_many_decimals' ? 'too_many_decimals' : 'invalid' };
		}
		throw error;
	}
}

/** The tip as a whole percentage of the subtotal (half-up) for the record, or null without one. */
export function tipPercentOf(subtotalMinor: bigint, tipMinor: bigint): number | null {
	if (tipMinor === 0n || subtotalMinor === 0n) return null;
	return Number(divide(tipMinor * 100n, subtotalMinor, 'half-up'));
}

/** Half of what is due, in whole sats (at least 1), for the test wallet's "pay part". */
export function halfOfDueSats(dueSats: string): string {
	// The API gives sats with up to 3 decimals (millisatoshis).
	const msat = parseDecimal(dueSats, 3);
	const sats = divide(msat, 2_000n, 'down');
	return (sats < 1n ? 1n : sats).toString();
}
