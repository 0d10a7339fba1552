// Money: exact amounts, parsing and formatting of decimal strings, BTC rates and conversions.
//
// Bitcoin amounts are integer millisatoshis (msat) as bigint: msat is Lightning's unit (BOLT 11
// amounts resolve to the millisatoshi, and LND and Core Lightning report msat). Fiat amounts are
// integer minor units as bigint, with the ISO 4217 exponent from ./currencies. No float ever
// holds an amount: decimal strings are split into digits and handed to BigInt, and display goes
// through Intl.NumberFormat with the decimal *string* (ECMA-402 NumberFormat v3, ES2023), which
// formats it exactly.
//
// Pure functions only: this module is shared by the worker and the browser app.

import { currencyExponent } from './currencies';
import { divide, type RoundingMode } from './rounding';

export const MSAT_PER_SAT = 1_000n;
export const SAT_PER_BTC = 100_000_000n;
export const MSAT_PER_BTC = 100_000_000_000n;
/** BTC has 11 decimal places to the millisatoshi. */
export const BTC_MSAT_DECIMALS = 11;
/** More integer digits than this is a typo or an attack, not a price (amount_out_of_range). */
export const MAX_INTEGER_DIGITS = 30;
/** Rates may carry this many decimal places (a BTC price in a weak currency, or a sat price). */
export const MAX_RATE_DECIMALS = 12;

export type MoneyErrorCode =
	| 'invalid_amount'
	| 'too_many_decimals'
	| 'amount_out_of_range'
	| 'unknown_currency'
	| 'negative_amount'
	| 'invalid_rate';

/** A refusal of an amount, currency or rate: `code` is stable, `message` is for a person. */
export class MoneyError extends Error {
	override readonly name = 'MoneyError';
	readonly code: MoneyErrorCode;

	constructor(code: MoneyErrorCode, message: string) {
		super(message);
		this.code = code;
	}
}

/** An amount in a currency: `minor` units of 10^-exponent. For BTC and SATS, `minor` is sats. */
export interface Money {
	readonly currency: string;
	readonly minor: bigint;
	readonly exponent: number;
}

/** A BTC price in some currency as an exact fraction: value = numerator / scale per 1 BTC. */
export interface Rate {
	readonly numerator: bigint;
	readonly scale: bigint;
}

export interface AmountOptions {
	/** Accept a leading "-". Off by default: prices, invoices and top-ups are never negative. */
	readonly allowNegative?: boolean;
}

// ---- decimal strings ----

// ASCII digits only ([0-9], not \d or Unicode digits), one optional leading "-", and a "." only
// between digits: ".5" and "5." are refused, so a dropped digit is never silently read.
const DECIMAL = /^(-?)([0-9]+)(?:\.([0-9]+))?$/;

interface DecimalParts {
	readonly negative: boolean;
	readonly integer: string;
	readonly fraction: string;
}

function splitDecimal(text: unknown): DecimalParts | undefined {
	// A JS number slipping in (e.g. from JSON) would stringify as a decimal; refuse it instead.
	if (typeof text !== 'string') return undefined;
	const match = DECIMAL.exec(text);
	if (match === null) return undefined;
	return { negative: match[1] === '-', integer: match[2] ?? '', fraction: match[3] ?? '' };
}

/** User input cut to a bounded length, so a huge input cannot make a huge error message. */
function clip(text: unknown): string {
	const s = typeof text === 'string' ? text : String(text);
	return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** User input quoted for an error message (quotes make whitespace and emptiness visible). */
function shown(text: unknown): string {
	return JSON.stringify(clip(text));
}

function places(n: number): string {
	return n === 1 ? '1 decimal place' : `${n} decimal places`;
}

function assertExponent(exponent: number): void {
	if (!Number.isInteger(exponent) || exponent < 0 || exponent > 100) {
		throw new RangeError(`Exponent must be an integer from 0 to 100; got ${exponent}`);
	}
}

function pow10(exponent: number): bigint {
	return 10n ** BigInt(exponent);
}

/** parseDecimal, with `label` (a currency code) naming the unit in messages. */
function parseScaled(text: string, exponent: number, label: string | undefined): bigint {
	assertExponent(exponent);
	const parts = splitDecimal(text);
	if (parts === undefined) {
		throw new MoneyError(
			'invalid_amount',
			`Not an amount: ${shown(text)}. Write digits with an optional leading "-" and at most ` +
				'one ".", for example 12.34'
		);
	}
	if (parts.integer.length > MAX_INTEGER_DIGITS) {
		throw new MoneyError(
			'amount_out_of_range',
			`Amount ${shown(text)} has more than ${MAX_INTEGER_DIGITS} digits before the decimal point`
		);
	}
	if (parts.fraction.length > exponent) {
		const allowed = exponent === 0 ? 'no decimal places' : `at most ${places(exponent)}`;
		const message =
			label === undefined
				? `Expected ${allowed}; got ${clip(text)}`
				: `${label} has ${allowed}; got ${clip(text)}`;
		throw new MoneyError('too_many_decimals', message);
	}
	const magnitude = BigInt(parts.integer + parts.fraction.padEnd(exponent, '0'));
	return parts.negative ? -magnitude : magnitude;
}

/**
 * A decimal string to integer minor units of 10^-exponent: parseDecimal('1.5', 2) === 150n.
 *
 * Accepts `-?[0-9]+(\.[0-9]+)?` with at most `exponent` fractional digits (fewer are padded).
 * Leading zeros are accepted ("007.50"); "-0" is zero. Refuses, with MoneyError:
 * - invalid_amount: empty, any whitespace, "+", exponent notation, separators (",", "_"), more
 *   than one ".", a "." without digits on both sides (".5", "5."), non-ASCII digits, non-strings;
 * - amount_out_of_range: more than 30 digits before the point (leading zeros count);
 * - too_many_decimals: more fractional digits than `exponent`, even trailing zeros ("1.50" at 1).
 * Throws RangeError if `exponent` is not an integer from 0 to 100 (a programming error).
 */
export function parseDecimal(text: string, exponent: number): bigint {
	return parseScaled(text, exponent, undefined);
}

/**
 * Integer minor units to the canonical decimal string with exactly `exponent` fractional digits:
 * (123n, 2) -> "1.23", (-5n, 2) -> "-0.05", (7n, 0) -> "7", (0n, 3) -> "0.000".
 * parseDecimal(formatDecimal(x, e), e) === x for every bigint x within 30 integer digits.
 */
export function formatDecimal(minor: bigint, exponent: number): string {
	assertExponent(exponent);
	const negative = minor < 0n;
	const digits = (negative ? -minor : minor).toString().padStart(exponent + 1, '0');
	const point = digits.length - exponent;
	const text = exponent === 0 ? digits : `${digits.slice(0, point)}.${digits.slice(point)}`;
	return negative ? `-${text}` : text;
}

// ---- money ----

/**
 * A currency code, upper-cased and checked against ./currencies, with its exponent.
 * Refuses anything else with unknown_currency (no trimming; "usd" and "sats" are fine).
 */
export function resolveCurrency(code: string): { currency: string; exponent: number } {
	// ASCII letters first: toUpperCase would turn "ınr" (dotless i) into "INR".
	const ascii = typeof code === 'string' && /^[A-Za-z]{3,4}$/.test(code);
	const currency = ascii ? code.toUpperCase() : '';
	const exponent = currencyExponent(currency);
	if (exponent === undefined) {
		throw new MoneyError(
			'unknown_currency',
			`Unknown currency ${shown(code)}: use an ISO 4217 code such as USD or JMD, or BTC or SATS`
		);
	}
	return { currency, exponent };
}

/**
 * A decimal amount in a currency, e.g. parseMoney('1.23', 'jmd') ->
 * { currency: 'JMD', minor: 123n, exponent: 2 }. Errors as parseDecimal, plus unknown_currency,
 * and negative_amount for a value below zero unless `allowNegative` is set.
 */
export function parseMoney(amount: string, currency: string, options: AmountOptions = {}): Money {
	const resolved = resolveCurrency(currency);
	const minor = parseScaled(amount, resolved.exponent, resolved.currency);
	if (minor < 0n && options.allowNegative !== true) {
		throw new MoneyError(
			'negative_amount',
			`Amount must not be negative; got ${amount} ${resolved.currency}`
		);
	}
	return { currency: resolved.currency, minor, exponent: resolved.exponent };
}

/** Money from stored minor units and a currency code (validated as resolveCurrency does). */
export function moneyFromMinor(minor: bigint, currency: string): Money {
	return { ...resolveCurrency(currency), minor };
}

/** The canonical decimal string of an amount: formatMoney(parseMoney('5', 'USD')) === '5.00'. */
export function formatMoney(money: Money): string {
	return formatDecimal(money.minor, money.exponent);
}

// ---- rates and conversions ----

/**
 * A BTC price as a decimal string ("23456789.12" units of a currency per BTC) to an exact
 * fraction: { numerator: 2345678912n, scale: 100n }. The scale is 10^(fractional digits given),
 * so equal rates written differently ("2.5", "2.50") have different fields. Refuses anything but
 * a positive decimal with at most 30 integer digits and 12 decimal places, with invalid_rate.
 */
export function parseRate(text: string): Rate {
	const refuse = (problem: string): never => {
		throw new MoneyError('invalid_rate', `Rate ${shown(text)} ${problem}`);
	};
	const parts = splitDecimal(text);
	if (parts === undefined) return refuse('is not a decimal number such as 23456789.12');
	if (parts.integer.length > MAX_INTEGER_DIGITS) {
		return refuse(`has more than ${MAX_INTEGER_DIGITS} digits before the decimal point`);
	}
	if (parts.fraction.length > MAX_RATE_DECIMALS) {
		return refuse(`has more than ${places(MAX_RATE_DECIMALS)}`);
	}
	const numerator = BigInt(parts.integer + parts.fraction);
	if (parts.negative || numerator === 0n) return refuse('must be greater than zero');
	return { numerator, scale: pow10(parts.fraction.length) };
}

function assertRate(rate: Rate): void {
	if (rate.numerator <= 0n || rate.scale <= 0n) {
		throw new MoneyError('invalid_rate', 'Rate must be greater than zero');
	}
}

/**
 * Fiat minor units to msat at `rate` (fiat per BTC), rounded UP to a whole sat: the result is
 * a multiple of 1000. Rounding up means the merchant never receives less than the fiat price.
 * exact msat = minor / 10^exponent / rate * 10^11; one rounding, at the sat.
 * Refuses a negative amount (negative_amount): "up" is only the safe side for a charge.
 */
export function fiatToMsat(minor: bigint, exponent: number, rate: Rate): bigint {
	assertExponent(exponent);
	assertRate(rate);
	if (minor < 0n) {
		throw new MoneyError('negative_amount', 'Cannot price a negative fiat amount in sats');
	}
	const sat = divide(minor * rate.scale * SAT_PER_BTC, pow10(exponent) * rate.numerator, 'up');
	return sat * MSAT_PER_SAT;
}

/**
 * msat to fiat minor units at `rate` (fiat per BTC), rounded by `mode`. Negative msat is fine
 * (refunds, ledger movements). exact minor = msat / 10^11 * rate * 10^exponent.
 */
export function msatToFiat(msat: bigint, exponent: number, rate: Rate, mode: RoundingMode): bigint {
	assertExponent(exponent);
	assertRate(rate);
	return divide(msat * rate.numerator * pow10(exponent), MSAT_PER_BTC * rate.scale, mode);
}

export function satToMsat(sat: bigint): bigint {
	return sat * MSAT_PER_SAT;
}

/** msat to whole sats, rounded by `mode` (on-chain and most wallets cannot send part of a sat). */
export function msatToSat(msat: bigint, mode: RoundingMode): bigint {
	return divide(msat, MSAT_PER_SAT, mode);
}

/**
 * A BTC decimal string to msat, with up to 11 decimal places: btcToMsat('0.00000001') === 1000n.
 * Errors as parseMoney (negative refused unless `allowNegative`).
 */
export function btcToMsat(text: string, options: AmountOptions = {}): bigint {
	const msat = parseScaled(text, BTC_MSAT_DECIMALS, 'BTC (msat precision)');
	if (msat < 0n && options.allowNegative !== true) {
		throw new MoneyError('negative_amount', `Amount must not be negative; got ${text} BTC`);
	}
	return msat;
}

/**
 * msat as a BTC decimal string: 8 decimal places when it is a whole number of sats
 * (1_234_000n -> "0.00001234", as wallets and BTCPay show BTC), otherwise all 11
 * (1_234_567n -> "0.00001234567"). btcToMsat reads either back exactly.
 */
export function msatToBtc(msat: bigint): string {
	return msat % MSAT_PER_SAT === 0n
		? formatDecimal(msat / MSAT_PER_SAT, 8)
		: formatDecimal(msat, BTC_MSAT_DECIMALS);
}

// ---- display ----

// formatDecimal's output always matches -?[0-9]+(\.[0-9]+)?, which is a StringNumericLiteral;
// TypeScript cannot see that through the string type.
function numeric(decimal: string): Intl.StringNumericLiteral {
	return decimal as Intl.StringNumericLiteral;
}

function groupDecimal(decimal: string, fractionDigits: number, locale: string): string {
	return new Intl.NumberFormat(locale, {
		minimumFractionDigits: fractionDigits,
		maximumFractionDigits: fractionDigits
	}).format(numeric(decimal));
}

/**
 * msat as sats for people, grouped for `locale`: 1_234_000n -> "1,234 sats" in en. A part of a
 * sat shows as 3 decimal places (1_234_567n -> "1,234.567 sats"). Always "sats", never "sat".
 */
export function formatSats(msat: bigint, locale = 'en'): string {
	const whole = msat % MSAT_PER_SAT === 0n;
	const decimal = whole ? formatDecimal(msat / MSAT_PER_SAT, 0) : formatDecimal(msat, 3);
	return `${groupDecimal(decimal, whole ? 0 : 3, locale)} sats`;
}

/**
 * An amount for people in `locale`, with exactly the currency's decimal places:
 * USD 1234.5 in en -> "$1,234.50"; SATS 1234 -> "1,234 sats"; BTC 1234 sat -> "0.00001234 BTC".
 * Fiat goes through Intl's currency style (symbol and its position from the locale); BTC and
 * SATS, which Intl does not know, are grouped numbers with the unit after, as BTCPay shows them.
 * Throws RangeError for a malformed locale tag.
 */
export function formatMoneyForLocale(money: Money, locale: string): string {
	const decimal = formatMoney(money);
	if (money.currency === 'SATS') return `${groupDecimal(decimal, money.exponent, locale)} sats`;
	if (money.currency === 'BTC') return `${groupDecimal(decimal, money.exponent, locale)} BTC`;
	return new Intl.NumberFormat(locale, {
		style: 'currency',
		currency: money.currency,
		minimumFractionDigits: money.exponent,
		maximumFractionDigits: money.exponent
	}).format(numeric(decimal));
}

// ---- storage ----

/**
 * A bigint as a JS number, for JSON and D1 (SQLite INTEGER comes back as a number), refusing with
 * amount_out_of_range beyond +-Number.MAX_SAFE_INTEGER (2^53 - 1), where a number would lose
 * precision. In msat that limit is about 90,071.99 BTC.
 */
export function toSafeNumber(value: bigint): number {
	if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
		throw new MoneyError(
			'amount_out_of_range',
			`${value} is beyond ±${Number.MAX_SAFE_INTEGER} and cannot be stored exactly as a number`
		);
	}
	return Number(value);
}

/**
 * The inverse of toSafeNumber, for values read back from JSON or D1: refuses a non-integer with
 * invalid_amount and an unsafe integer with amount_out_of_range.
 */
export function fromSafeNumber(value: number): bigint {
	if (!Number.isInteger(value)) {
		throw new MoneyError('invalid_amount', `Expected a whole number of units; got ${value}`);
	}
	if (!Number.isSafeInteger(value)) {
		throw new MoneyError(
			'amount_out_of_range',
			`${value} is beyond ${Number.MAX_SAFE_INTEGER} and may already have lost precision`
		);
	}
	return BigInt(value);
}
