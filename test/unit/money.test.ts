// Money primitives: currency table, decimal parsing and formatting, rates, conversions, display.
import { describe, expect, it } from 'vitest';
import {
	CURRENCY_CODES,
	currencyExponent,
	isBitcoinCurrency
} from '../../worker/domain/currencies';
import {
	btcToMsat,
	fiatToMsat,
	formatDecimal,
	formatMoney,
	formatMoneyForLocale,
	formatSats,
	fromSafeNumber,
	moneyFromMinor,
	MoneyError,
	type MoneyErrorCode,
	msatToBtc,
	msatToFiat,
	msatToSat,
	parseDecimal,
	parseMoney,
	parseRate,
	type Rate,
	resolveCurrency,
	satToMsat,
	toSafeNumber
} from '../../worker/domain/money';

/** Runs `fn`, which must throw a MoneyError with `code`; returns it for further checks. */
function refusal(fn: () => unknown, code: MoneyErrorCode): MoneyError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(MoneyError);
		expect((error as MoneyError).code).toBe(code);
		return error as MoneyError;
	}
	throw new Error(`expected a MoneyError with code ${code}, but nothing was thrown`);
}

const THIRTY_DIGITS = '123456789012345678901234567890';
const JMD_20M: Rate = parseRate('20000000.00');

describe('currencies', () => {
	it.each([
		['JMD', 2],
		['USD', 2],
		['EUR', 2],
		['KES', 2],
		['INR', 2],
		['CNY', 2],
		['GBP', 2],
		['JPY', 0],
		['KRW', 0],
		['ISK', 0],
		['KWD', 3],
		['BHD', 3],
		['TND', 3],
		['CLF', 4],
		['XCG', 2],
		['ZWG', 2],
		['BTC', 8],
		['SATS', 0]
	])('%s has exponent %i', (code, exponent) => {
		expect(currencyExponent(code)).toBe(exponent);
	});

	it.each(['XAU', 'XDR', 'XXX', 'HRK', 'ZWL', 'usd', 'sats', 'US', '', 'constructor', '__proto__'])(
		'%j is not a currency',
		(code) => {
			expect(currencyExponent(code)).toBeUndefined();
		}
	);

	it('lists 164 ISO 4217 codes plus BTC and SATS, sorted and unique', () => {
		expect(CURRENCY_CODES).toHaveLength(166);
		expect(new Set(CURRENCY_CODES).size).toBe(166);
		expect([...CURRENCY_CODES].sort()).toEqual(CURRENCY_CODES);
		expect(CURRENCY_CODES.every((code) => /^[A-Z]{3}$/.test(code) || code === 'SATS')).toBe(true);
		expect(CURRENCY_CODES).toContain('BTC');
		expect(CURRENCY_CODES).toContain('SATS');
	});

	it('tells Bitcoin units from fiat', () => {
		expect(isBitcoinCurrency('BTC')).toBe(true);
		expect(isBitcoinCurrency('SATS')).toBe(true);
		expect(isBitcoinCurrency('JMD')).toBe(false);
		expect(isBitcoinCurrency('btc')).toBe(false);
	});
});

describe('parseDecimal', () => {
	it.each([
		['0', 2, 0n],
		['1', 2, 100n],
		['1.5', 2, 150n],
		['1.23', 2, 123n],
		['-1.23', 2, -123n],
		['-0.05', 2, -5n],
		['0.01', 2, 1n],
		['007.50', 2, 750n],
		['-0', 2, 0n],
		['1234', 0, 1234n],
		['1.234', 3, 1234n],
		['0.1', 3, 100n],
		['0.00000001', 8, 1n],
		[THIRTY_DIGITS, 0, 123456789012345678901234567890n],
		[`${THIRTY_DIGITS}.99`, 2, 12345678901234567890123456789099n],
		[`-${THIRTY_DIGITS}.5`, 3, -123456789012345678901234567890500n],
		['9'.repeat(30), 11, 10n ** 41n - 10n ** 11n]
	])('%s at exponent %i is %s', (text, exponent, minor) => {
		expect(parseDecimal(text, exponent)).toBe(minor);
	});

	it.each([
		['empty', '', 2, 'invalid_amount'],
		['a space', ' ', 2, 'invalid_amount'],
		['a leading space', ' 1', 2, 'invalid_amount'],
		['a trailing space', '1 ', 2, 'invalid_amount'],
		['a trailing newline', '1\n', 2, 'invalid_amount'],
		['a leading tab', '\t1', 2, 'invalid_amount'],
		['a no-break space inside', '1\u00a0000', 2, 'invalid_amount'],
		['a plus sign', '+1', 2, 'invalid_amount'],
		['exponent notation', '1e5', 2, 'invalid_amount'],
		['upper-case exponent notation', '1E5', 2, 'invalid_amount'],
		['a decimal exponent', '1.5e-2', 2, 'invalid_amount'],
		['a thousands comma', '1,000', 2, 'invalid_amount'],
		['a decimal comma', '1,5', 2, 'invalid_amount'],
		['an underscore separator', '1_000', 2, 'invalid_amount'],
		['two dots', '1.2.3', 2, 'invalid_amount'],
		['a leading dot', '.5', 2, 'invalid_amount'],
		['a trailing dot', '5.', 2, 'invalid_amount'],
		['a lone dot', '.', 2, 'invalid_amount'],
		['a lone minus', '-', 2, 'invalid_amount'],
		['a double minus', '--1', 2, 'invalid_amount'],
		['a minus then a dot', '-.5', 2, 'invalid_amount'],
		['a Unicode minus', '\u22121', 2, 'invalid_amount'],
		['Arabic-Indic digits', '\u0661\u0662', 2, 'invalid_amount'],
		['fullwidth digits', '\uff11\uff12', 2, 'invalid_amount'],
		['Devanagari digits', '\u0967\u0968', 2, 'invalid_amount'],
		['hexadecimal', '0x10', 2, 'invalid_amount'],
		['a trailing letter', '12a', 2, 'invalid_amount'],
		['Infinity', 'Infinity', 2, 'invalid_amount'],
		['NaN', 'NaN', 2, 'invalid_amount'],
		['a currency symbol', '$1', 2, 'invalid_amount'],
		['a decimal at exponent 0', '1.5', 0, 'too_many_decimals'],
		['a zero decimal at exponent 0', '1.0', 0, 'too_many_decimals'],
		['three decimals at exponent 2', '1.234', 2, 'too_many_decimals'],
		['trailing zeros past the exponent', '1.000', 2, 'too_many_decimals'],
		['four decimals at exponent 3', '1.2345', 3, 'too_many_decimals'],
		['31 integer digits', `9${THIRTY_DIGITS}`, 2, 'amount_out_of_range'],
		['31 integer digits, negative', `-9${THIRTY_DIGITS}`, 2, 'amount_out_of_range'],
		['31 integer digits with a leading zero', `0${THIRTY_DIGITS}`, 2, 'amount_out_of_range'],
		['31 integer digits and too many decimals', `9${THIRTY_DIGITS}.123`, 2, 'amount_out_of_range']
	] as const)('refuses %s (%j) with %s', (_name, text, exponent, code) => {
		refusal(() => parseDecimal(text, exponent), code);
	});

	it('refuses a number smuggled in where a string belongs', () => {
		refusal(() => parseDecimal(1.5 as unknown as string, 2), 'invalid_amount');
	});

	it('says what was wrong', () => {
		expect(refusal(() => parseDecimal('1.5', 0), 'too_many_decimals').message).toBe(
			'Expected no decimal places; got 1.5'
		);
		expect(refusal(() => parseDecimal('1.234', 2), 'too_many_decimals').message).toBe(
			'Expected at most 2 decimal places; got 1.234'
		);
		expect(refusal(() => parseDecimal(' 1', 2), 'invalid_amount').message).toBe(
			'Not an amount: " 1". Write digits with an optional leading "-" and at most one ".", for ' +
				'example 12.34'
		);
		// Long input is cut to 40 characters in the message.
		expect(refusal(() => parseDecimal('1'.repeat(50), 2), 'amount_out_of_range').message).toBe(
			`Amount "${'1'.repeat(40)}…" has more than 30 digits before the decimal point`
		);
	});

	it('is a MoneyError that is also an Error', () => {
		const error = refusal(() => parseDecimal('x', 2), 'invalid_amount');
		expect(error).toBeInstanceOf(Error);
		expect(error.name).toBe('MoneyError');
	});

	it.each([-1, 1.5, 101, Number.NaN])('throws RangeError for exponent %s', (exponent) => {
		expect(() => parseDecimal('1', exponent)).toThrow(RangeError);
		expect(() => formatDecimal(1n, exponent)).toThrow(RangeError);
	});
});

describe('formatDecimal', () => {
	it.each([
		[123n, 2, '1.23'],
		[-5n, 2, '-0.05'],
		[7n, 0, '7'],
		[0n, 3, '0.000'],
		[0n, 0, '0'],
		[1n, 8, '0.00000001'],
		[-1n, 0, '-1'],
		[100n, 2, '1.00'],
		[-123456n, 3, '-123.456'],
		[12345678901234567890123456789012n, 2, `${THIRTY_DIGITS}.12`],
		[-12345678901234567890123456789012n, 2, `-${THIRTY_DIGITS}.12`]
	])('%s at exponent %i is %s', (minor, exponent, text) => {
		expect(formatDecimal(minor, exponent)).toBe(text);
	});

	it.each([
		[0n, 2],
		[1n, 2],
		[-1n, 2],
		[99n, 2],
		[-100n, 2],
		[1n, 0],
		[-987654321n, 0],
		[1n, 3],
		[1000n, 3],
		[1n, 11],
		[-100_000_000_000n, 11],
		[10n ** 32n - 1n, 2],
		[-(10n ** 32n) + 1n, 2]
	])('round-trips %s at exponent %i', (minor, exponent) => {
		expect(parseDecimal(formatDecimal(minor, exponent), exponent)).toBe(minor);
	});

	it.each([
		['1.23', 2],
		['-0.05', 2],
		['1234', 0],
		['0.000', 3],
		['0.00000001', 8],
		[`${THIRTY_DIGITS}.00`, 2]
	])('round-trips the canonical string %s at exponent %i', (text, exponent) => {
		expect(formatDecimal(parseDecimal(text, exponent), exponent)).toBe(text);
	});

	it('pads short fractions to the exponent', () => {
		expect(formatDecimal(parseDecimal('1.5', 2), 2)).toBe('1.50');
		expect(formatDecimal(parseDecimal('-0', 2), 2)).toBe('0.00');
	});
});

describe('parseMoney', () => {
	it.each([
		['1234.56', 'JMD', 'JMD', 123456n, 2],
		['1.23', 'jmd', 'JMD', 123n, 2],
		['0.01', 'USD', 'USD', 1n, 2],
		['5', 'EUR', 'EUR', 500n, 2],
		['1500', 'JPY', 'JPY', 1500n, 0],
		['1.234', 'KWD', 'KWD', 1234n, 3],
		['0.5', 'BHD', 'BHD', 500n, 3],
		['0.00000001', 'BTC', 'BTC', 1n, 8],
		['21000000', 'btc', 'BTC', 2_100_000_000_000_000n, 8],
		['1234', 'SATS', 'SATS', 1234n, 0],
		['1234', 'sats', 'SATS', 1234n, 0],
		['0', 'USD', 'USD', 0n, 2],
		['-0', 'USD', 'USD', 0n, 2],
		[THIRTY_DIGITS, 'JMD', 'JMD', 12345678901234567890123456789000n, 2]
	])('%s %s is %s %s (exponent %i)', (amount, currency, code, minor, exponent) => {
		expect(parseMoney(amount, currency)).toEqual({ currency: code, minor, exponent });
	});

	it.each([
		['1.5', 'JPY', 'too_many_decimals'],
		['1.2345', 'KWD', 'too_many_decimals'],
		['1.001', 'USD', 'too_many_decimals'],
		['0.000000001', 'BTC', 'too_many_decimals'],
		['1.5', 'SATS', 'too_many_decimals'],
		['-1', 'USD', 'negative_amount'],
		['-0.01', 'JMD', 'negative_amount'],
		['-1', 'SATS', 'negative_amount'],
		['1', 'XYZ', 'unknown_currency'],
		['1', '', 'unknown_currency'],
		['1', 'US', 'unknown_currency'],
		['1', ' USD', 'unknown_currency'],
		['1', 'USDT', 'unknown_currency'],
		['1', 'XAU', 'unknown_currency'],
		['1', 'HRK', 'unknown_currency'],
		['1', '\u0131nr', 'unknown_currency'],
		['1', 'Ｕsd', 'unknown_currency'],
		['1,00', 'USD', 'invalid_amount'],
		[`9${THIRTY_DIGITS}`, 'USD', 'amount_out_of_range']
	] as const)('refuses %j %j with %s', (amount, currency, code) => {
		refusal(() => parseMoney(amount, currency), code);
	});

	it('checks the currency before the amount', () => {
		refusal(() => parseMoney('garbage', 'XYZ'), 'unknown_currency');
	});

	it('names the currency when there are too many decimals', () => {
		expect(refusal(() => parseMoney('1.5', 'JPY'), 'too_many_decimals').message).toBe(
			'JPY has no decimal places; got 1.5'
		);
		expect(refusal(() => parseMoney('1.234', 'usd'), 'too_many_decimals').message).toBe(
			'USD has at most 2 decimal places; got 1.234'
		);
		expect(refusal(() => parseMoney('-2', 'USD'), 'negative_amount').message).toBe(
			'Amount must not be negative; got -2 USD'
		);
		expect(refusal(() => parseMoney('1', 'xyz'), 'unknown_currency').message).toBe(
			'Unknown currency "xyz": use an ISO 4217 code such as USD or JMD, or BTC or SATS'
		);
	});

	it('accepts negative amounts when asked', () => {
		expect(parseMoney('-1.23', 'USD', { allowNegative: true })).toEqual({
			currency: 'USD',
			minor: -123n,
			exponent: 2
		});
		expect(parseMoney('-5', 'JPY', { allowNegative: true }).minor).toBe(-5n);
		refusal(() => parseMoney('-1', 'USD', { allowNegative: false }), 'negative_amount');
	});

	it('formats back to the canonical decimal string', () => {
		expect(formatMoney(parseMoney('5', 'USD'))).toBe('5.00');
		expect(formatMoney(parseMoney('1.5', 'KWD'))).toBe('1.500');
		expect(formatMoney(parseMoney('1500', 'JPY'))).toBe('1500');
		expect(formatMoney(parseMoney('0.0001', 'BTC'))).toBe('0.00010000');
		expect(formatMoney(parseMoney('-0.05', 'JMD', { allowNegative: true }))).toBe('-0.05');
	});

	it('resolves currencies and builds money from stored minor units', () => {
		expect(resolveCurrency('kwd')).toEqual({ currency: 'KWD', exponent: 3 });
		expect(moneyFromMinor(123n, 'jmd')).toEqual({ currency: 'JMD', minor: 123n, exponent: 2 });
		expect(moneyFromMinor(-7n, 'SATS')).toEqual({ currency: 'SATS', minor: -7n, exponent: 0 });
		refusal(() => moneyFromMinor(1n, 'ABC'), 'unknown_currency');
	});
});

describe('parseRate', () => {
	it.each([
		['23456789.12', 2345678912n, 100n],
		['20000000', 20000000n, 1n],
		['20000000.00', 2000000000n, 100n],
		['1.5', 15n, 10n],
		['0.000000000001', 1n, 10n ** 12n],
		['0000.5', 5n, 10n],
		[THIRTY_DIGITS, 123456789012345678901234567890n, 1n]
	])('%s is %s / %s', (text, numerator, scale) => {
		expect(parseRate(text)).toEqual({ numerator, scale });
	});

	it.each([
		'0',
		'0.00',
		'-0',
		'-1',
		'-23456789.12',
		'',
		' 1',
		'abc',
		'1e5',
		'1,000',
		'.5',
		'5.',
		'+1',
		'0.0000000000001',
		`9${THIRTY_DIGITS}`
	])('refuses %j with invalid_rate', (text) => {
		refusal(() => parseRate(text), 'invalid_rate');
	});

	it('says why', () => {
		expect(refusal(() => parseRate('0'), 'invalid_rate').message).toBe(
			'Rate "0" must be greater than zero'
		);
		expect(refusal(() => parseRate('1.0000000000001'), 'invalid_rate').message).toBe(
			'Rate "1.0000000000001" has more than 12 decimal places'
		);
	});
});

describe('fiatToMsat', () => {
	it.each([
		// JMD 1.00 at 20,000,000.00 JMD/BTC: exactly 5 sat, no rounding.
		['JMD 1.00 at 20M', 100n, 2, '20000000.00', 5_000n],
		// JMD 1.23 at the same rate is 6.15 sat: rounds up to 7.
		['JMD 1.23 at 20M', 123n, 2, '20000000.00', 7_000n],
		// JMD 0.01 is 0.05 sat: still one whole sat.
		['JMD 0.01 at 20M', 1n, 2, '20000000.00', 1_000n],
		['JMD 0.00', 0n, 2, '20000000.00', 0n],
		['JMD 200,000.00 at 20M (1 BTC / 100)', 20_000_000n, 2, '20000000', 1_000_000_000n],
		// USD 0.01 at 97,123.45 is 10.296 sat.
		['USD 0.01 at 97,123.45', 1n, 2, '97123.45', 11_000n],
		['USD 0.01 at 100,000', 1n, 2, '100000', 10_000n],
		// JPY 1000 at 15,000,000 is 6,666.67 sat.
		['JPY 1000 at 15M', 1000n, 0, '15000000', 6_667_000n],
		// KWD 1.000 at 30,000.000 is 3,333.33 sat.
		['KWD 1.000 at 30,000.000', 1000n, 3, '30000.000', 3_334_000n],
		// A rate with 12 decimals: 1 unit at 0.000000000001 per BTC is 10^20 sat.
		['1 unit at 1e-12', 100n, 2, '0.000000000001', 10n ** 23n],
		// Thirty integer digits of JMD at 20M: exact, far past Number precision.
		[
			'30-digit JMD at 20M',
			12345678901234567890123456789000n,
			2,
			'20000000',
			617283945061728394506172839450000n
		]
	])('%s', (_name, minor, exponent, rate, msat) => {
		const result = fiatToMsat(minor, exponent, parseRate(rate));
		expect(result).toBe(msat);
		expect(result % 1000n).toBe(0n);
	});

	it('never gives the merchant less than the fiat price', () => {
		for (const minor of [1n, 7n, 99n, 123n, 4567n, 100_000n]) {
			const msat = fiatToMsat(minor, 2, parseRate('97123.45'));
			expect(msatToFiat(msat, 2, parseRate('97123.45'), 'down')).toBeGreaterThanOrEqual(minor);
			// And by less than one sat: one sat fewer would fall short.
			expect(msatToFiat(msat - 1000n, 2, parseRate('97123.45'), 'up')).toBeLessThanOrEqual(minor);
		}
	});

	it('refuses a negative amount and a non-positive rate', () => {
		refusal(() => fiatToMsat(-1n, 2, JMD_20M), 'negative_amount');
		refusal(() => fiatToMsat(1n, 2, { numerator: 0n, scale: 1n }), 'invalid_rate');
		refusal(() => fiatToMsat(1n, 2, { numerator: 5n, scale: -1n }), 'invalid_rate');
	});
});

describe('msatToFiat', () => {
	const JPY_15M = 15_000_000n;
	it.each([
		['5 sat at JMD 20M', 5_000n, 2, '20000000.00', 100n, 100n, 100n, 100n],
		['6.15 sat at JMD 20M', 6_150n, 2, '20000000.00', 123n, 123n, 123n, 123n],
		['7 sat at JMD 20M', 7_000n, 2, '20000000.00', 140n, 140n, 140n, 140n],
		['1 msat at JMD 20M (0.02 cents)', 1n, 2, '20000000.00', 1n, 0n, 0n, 0n],
		['1 sat at USD 97,123.45', 1_000n, 2, '97123.45', 1n, 0n, 0n, 0n],
		// At 100,000 USD/BTC one cent is 10,000 msat, so 5,000 msat is exactly half a cent.
		['half a cent', 5_000n, 2, '100000', 1n, 0n, 1n, 0n],
		['one and a half cents', 15_000n, 2, '100000', 2n, 1n, 2n, 2n],
		['two and a half cents', 25_000n, 2, '100000', 3n, 2n, 3n, 2n],
		['minus half a cent', -5_000n, 2, '100000', 0n, -1n, -1n, 0n],
		['minus one and a half cents', -15_000n, 2, '100000', -1n, -2n, -2n, -2n],
		['minus 0.3 cents', -3_000n, 2, '100000', 0n, -1n, 0n, 0n],
		['1 BTC in JPY', 100_000_000_000n, 0, '15000000', JPY_15M, JPY_15M, JPY_15M, JPY_15M],
		['1 sat in KWD at 30,000.000 (0.3 fils)', 1_000n, 3, '30000.000', 1n, 0n, 0n, 0n],
		['0 msat', 0n, 2, '97123.45', 0n, 0n, 0n, 0n]
	])('%s', (_name, msat, exponent, rate, up, down, halfUp, halfEven) => {
		const r = parseRate(rate);
		expect(msatToFiat(msat, exponent, r, 'up')).toBe(up);
		expect(msatToFiat(msat, exponent, r, 'down')).toBe(down);
		expect(msatToFiat(msat, exponent, r, 'half-up')).toBe(halfUp);
		expect(msatToFiat(msat, exponent, r, 'half-even')).toBe(halfEven);
	});

	it('refuses a non-positive rate', () => {
		refusal(() => msatToFiat(1n, 2, { numerator: -1n, scale: 1n }, 'up'), 'invalid_rate');
	});
});

describe('sats, msat and BTC', () => {
	it.each([
		[0n, 0n],
		[1n, 1_000n],
		[-2n, -2_000n],
		[2_100_000_000_000_000n, 2_100_000_000_000_000_000n]
	])('satToMsat(%s) is %s', (sat, msat) => {
		expect(satToMsat(sat)).toBe(msat);
	});

	it.each([
		[1_000n, 1n, 1n, 1n, 1n],
		[1_499n, 2n, 1n, 1n, 1n],
		[1_500n, 2n, 1n, 2n, 2n],
		[2_500n, 3n, 2n, 3n, 2n],
		[999n, 1n, 0n, 1n, 1n],
		[1n, 1n, 0n, 0n, 0n],
		[-1_500n, -1n, -2n, -2n, -2n],
		[-2_500n, -2n, -3n, -3n, -2n]
	])('msatToSat(%s) -> up %s, down %s, half-up %s, half-even %s', (msat, up, down, hUp, hEven) => {
		expect(msatToSat(msat, 'up')).toBe(up);
		expect(msatToSat(msat, 'down')).toBe(down);
		expect(msatToSat(msat, 'half-up')).toBe(hUp);
		expect(msatToSat(msat, 'half-even')).toBe(hEven);
	});

	it.each([
		['1', 100_000_000_000n],
		['0.5', 50_000_000_000n],
		['0.00000001', 1_000n],
		['0.00000000001', 1n],
		['0.00001234567', 1_234_567n],
		['21000000', 2_100_000_000_000_000_000n],
		['0', 0n]
	])('btcToMsat(%s) is %s', (text, msat) => {
		expect(btcToMsat(text)).toBe(msat);
	});

	it.each([
		['0.000000000001', 'too_many_decimals'],
		['-1', 'negative_amount'],
		['1e-8', 'invalid_amount'],
		['', 'invalid_amount'],
		[`9${THIRTY_DIGITS}`, 'amount_out_of_range']
	] as const)('btcToMsat refuses %j with %s', (text, code) => {
		refusal(() => btcToMsat(text), code);
	});

	it('btcToMsat explains its precision and takes negatives when asked', () => {
		expect(refusal(() => btcToMsat('0.000000000001'), 'too_many_decimals').message).toBe(
			'BTC (msat precision) has at most 11 decimal places; got 0.000000000001'
		);
		expect(btcToMsat('-0.00000001', { allowNegative: true })).toBe(-1_000n);
	});

	it.each([
		[0n, '0.00000000'],
		[1_000n, '0.00000001'],
		[1n, '0.00000000001'],
		[1_234_000n, '0.00001234'],
		[1_234_567n, '0.00001234567'],
		[100_000_000_000n, '1.00000000'],
		[-1_500n, '-0.00000001500'],
		[-1_000n, '-0.00000001'],
		[2_100_000_000_000_000_000n, '21000000.00000000']
	])('msatToBtc(%s) is %s and reads back', (msat, text) => {
		expect(msatToBtc(msat)).toBe(text);
		expect(btcToMsat(text, { allowNegative: true })).toBe(msat);
	});
});

describe('display', () => {
	it.each([
		['1234.50', 'USD', 'en', '$1,234.50'],
		['0.05', 'USD', 'en', '$0.05'],
		['1234.50', 'JMD', 'en', 'JMD\u00a01,234.50'],
		['1234.50', 'JMD', 'en-JM', '$1,234.50'],
		['1234', 'JPY', 'en', '\u00a51,234'],
		['1.234', 'KWD', 'en', 'KWD\u00a01.234'],
		['1.5', 'KWD', 'en', 'KWD\u00a01.500'],
		['1234.50', 'EUR', 'de', '1.234,50\u00a0\u20ac'],
		['1234567.89', 'INR', 'hi', '\u20b912,34,567.89'],
		['0.00001234', 'BTC', 'en', '0.00001234 BTC'],
		['21000000', 'BTC', 'en', '21,000,000.00000000 BTC'],
		['1234', 'SATS', 'en', '1,234 sats'],
		['1234', 'SATS', 'de', '1.234 sats'],
		[`${THIRTY_DIGITS}.12`, 'JMD', 'en', 'JMD\u00a0123,456,789,012,345,678,901,234,567,890.12']
	])('%s %s in %s is %j', (amount, currency, locale, text) => {
		expect(formatMoneyForLocale(parseMoney(amount, currency), locale)).toBe(text);
	});

	it('formats negative amounts', () => {
		const refund = parseMoney('-0.05', 'USD', { allowNegative: true });
		expect(formatMoneyForLocale(refund, 'en')).toBe('-$0.05');
	});

	// Arabic output depends on the locale's numbering system and bidi marks, so these tests read
	// the digits back rather than pin every character.
	const ARABIC_INDIC = '\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669';
	function digitsOf(text: string): string {
		return [...text]
			.map((ch) => (ARABIC_INDIC.includes(ch) ? String(ARABIC_INDIC.indexOf(ch)) : ch))
			.filter((ch) => ch >= '0' && ch <= '9')
			.join('');
	}

	it.each(['ar', 'ar-EG'])('formats JMD in %s with every digit intact', (locale) => {
		const money = parseMoney(`${THIRTY_DIGITS}.12`, 'JMD');
		const text = formatMoneyForLocale(money, locale);
		// A float would have kept only ~17 significant digits of these 32.
		expect(digitsOf(text)).toBe(`${THIRTY_DIGITS}12`);
		expect(text).toContain('JMD');
		expect(text).toBe(
			new Intl.NumberFormat(locale, {
				style: 'currency',
				currency: 'JMD',
				minimumFractionDigits: 2,
				maximumFractionDigits: 2
			}).format(`${THIRTY_DIGITS}.12`)
		);
	});

	it('uses Arabic-Indic digits where the locale does', () => {
		const text = formatMoneyForLocale(parseMoney('1234.50', 'JMD'), 'ar-EG');
		expect(text).toContain('\u0661');
		expect(text).not.toMatch(/[0-9]/);
		expect(digitsOf(text)).toBe('123450');
		expect(formatMoneyForLocale(parseMoney('1234', 'SATS'), 'ar-EG')).toBe(
			'\u0661\u066c\u0662\u0663\u0664 sats'
		);
	});

	it.each([
		[1_234_000n, 'en', '1,234 sats'],
		[0n, 'en', '0 sats'],
		[1n, 'en', '0.001 sats'],
		[1_234_567n, 'en', '1,234.567 sats'],
		[-1_000n, 'en', '-1 sats'],
		[1_234_567n, 'de', '1.234,567 sats'],
		[10n ** 33n, 'en', `1${',000'.repeat(10)} sats`]
	])('formatSats(%s, %s) is %j', (msat, locale, text) => {
		expect(formatSats(msat, locale)).toBe(text);
	});

	it('formatSats defaults to English grouping', () => {
		expect(formatSats(1_234_000n)).toBe('1,234 sats');
	});
});

describe('safe numbers', () => {
	const MAX = BigInt(Number.MAX_SAFE_INTEGER);

	it.each([
		[0n, 0],
		[1n, 1],
		[-1n, -1],
		[MAX, 9_007_199_254_740_991],
		[-MAX, -9_007_199_254_740_991]
	])('toSafeNumber(%s) is %s', (value, number) => {
		expect(toSafeNumber(value)).toBe(number);
	});

	it.each([MAX + 1n, -MAX - 1n, 10n ** 30n])('toSafeNumber(%s) is out of range', (value) => {
		refusal(() => toSafeNumber(value), 'amount_out_of_range');
	});

	it.each([
		[0, 0n],
		[-0, 0n],
		[5, 5n],
		[-5, -5n],
		[Number.MAX_SAFE_INTEGER, MAX]
	])('fromSafeNumber(%s) is %s', (number, value) => {
		expect(fromSafeNumber(number)).toBe(value);
	});

	it.each([
		[1.5, 'invalid_amount'],
		[Number.NaN, 'invalid_amount'],
		[Number.POSITIVE_INFINITY, 'invalid_amount'],
		[2 ** 53, 'amount_out_of_range'],
		[-(2 ** 53), 'amount_out_of_range']
	] as const)('fromSafeNumber(%s) is refused with %s', (number, code) => {
		refusal(() => fromSafeNumber(number), code);
	});
});
