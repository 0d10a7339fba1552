// The till's arithmetic: keypad digits shifting in, cart totals, tips rounded half-up, the
// invoice request a sale becomes (deterministic, so a retry sends the same body), the receipt read
// back, and what each invoice status means on screen.
import { describe, expect, it } from 'vitest';
import {
	addToCart,
	cartCount,
	cartSubtotal,
	halfOfDueSats,
	MAX_KEYPAD_DIGITS,
	popDigit,
	pushDigits,
	setQuantity,
	tipFor,
	tipForPercent,
	tipPercentOf,
	toDecimal,
	toMinor,
	type CartLine
} from '../../src/lib/pos/till-math';
import { clockText, invoicePhase, isFinished, isPayable, remainingMs } from '../../src/lib/pos/invoice-phase';
import { cartSummary, invoiceRequest, readReceipt } from '../../src/lib/pos/sale';
import { decimalText, fiatText, satsAsFiatText, satsText } from '../../src/lib/pos/money-text';
import { pageRule } from '../../src/lib/pos/print';

const type = (digits: string, start = 0n) => [...digits].reduce((minor, d) => pushDigits(minor, d), start);

describe('keypad', () => {
	it('shifts digits in from the right in minor units', () => {
		expect(type('123')).toBe(123n);
		expect(toDecimal(type('123'), 'JMD')).toBe('1.23');
		expect(toDecimal(type('150000'), 'JMD')).toBe('1500.00');
		expect(toDecimal(type('123'), 'JPY')).toBe('123');
		expect(toDecimal(type('1234'), 'KWD')).toBe('1.234');
	});

	it('ignores leading zeros and presses past the digit limit', () => {
		expect(type('000')).toBe(0n);
		expect(type('0012')).toBe(12n);
		const full = type('9'.repeat(MAX_KEYPAD_DIGITS));
		expect(pushDigits(full, '1')).toBe(full);
		expect(pushDigits(full, '00')).toBe(full);
	});

	it('backspace drops the last digit typed', () => {
		expect(popDigit(123n)).toBe(12n);
		expect(popDigit(1n)).toBe(0n);
		expect(popDigit(0n)).toBe(0n);
	});

	it('refuses anything but digits', () => {
		expect(() => pushDigits(0n, '1.5')).toThrow(RangeError);
		expect(() => pushDigits(0n, '')).toThrow(RangeError);
		expect(() => pushDigits(0n, '٣')).toThrow(RangeError);
	});
});

describe('cart', () => {
	const coffee = { productId: 'coffee', title: 'Coffee', unitMinor: toMinor('650.00', 'JMD') };
	const patty = { productId: 'patty', title: 'Patty', unitMinor: toMinor('450', 'JMD') };

	it('adds, counts, changes and removes lines', () => {
		let lines: CartLine[] = [];
		lines = addToCart(lines, coffee);
		lines = addToCart(lines, patty);
		lines = addToCart(lines, patty);
		expect(lines.map((l) => [l.productId, l.quantity])).toEqual([
			['coffee', 1],
			['patty', 2]
		]);
		expect(cartCount(lines)).toBe(3);
		expect(cartSubtotal(lines)).toBe(155_000n);
		lines = setQuantity(lines, 'coffee', 3);
		expect(cartSubtotal(lines)).toBe(285_000n);
		lines = setQuantity(lines, 'patty', 0);
		expect(lines.map((l) => l.productId)).toEqual(['coffee']);
		expect(setQuantity(lines, 'coffee', 5000)[0]!.quantity).toBe(999);
	});

	it('sums exactly where floats would not', () => {
		const dime = { productId: 'd', title: 'Dime', unitMinor: toMinor('0.10', 'USD') };
		const twenty = { productId: 't', title: 'Twenty', unitMinor: toMinor('0.20', 'USD') };
		expect(toDecimal(cartSubtotal(addToCart(addToCart([], dime), twenty)), 'USD')).toBe('0.30');
	});
});

describe('tips', () => {
	it('takes a percentage rounded half-up to the minor unit', () => {
		expect(tipForPercent(150_000n, 10)).toBe(15_000n);
		expect(tipForPercent(5n, 10)).toBe(1n); // 0.5 → 1
		expect(tipForPercent(4n, 10)).toBe(0n); // 0.4 → 0
		expect(tipForPercent(15n, 10)).toBe(2n); // 1.5 → 2 (half-up, not half-even)
		expect(tipForPercent(25n, 10)).toBe(3n); // 2.5 → 3
		expect(tipForPercent(155_000n, 15)).toBe(23_250n);
		expect(tipForPercent(1_233n, 15)).toBe(185n); // 184.95 → 185
	});

	it('reads a custom tip exactly and refuses typos', () => {
		expect(tipFor(150_000n, { kind: 'custom', text: '150' }, 'JMD')).toEqual({ ok: true, minor: 15_000n });
		expect(tipFor(150_000n, { kind: 'custom', text: ' 150.5 ' }, 'JMD')).toEqual({ ok: true, minor: 15_050n });
		expect(tipFor(150_000n, { kind: 'custom', text: '' }, 'JMD')).toEqual({ ok: true, minor: 0n });
		expect(tipFor(150_000n, { kind: 'custom', text: '1.505' }, 'JMD')).toEqual({ ok: false, reason: 'too_many_decimals' });
		expect(tipFor(150_000n, { kind: 'custom', text: '1,50' }, 'JMD')).toEqual({ ok: false, reason: 'invalid' });
		expect(tipFor(150_000n, { kind: 'custom', text: '-5' }, 'JMD')).toEqual({ ok: false, reason: 'invalid' });
		expect(tipFor(150_000n, { kind: 'custom', text: '1500.01' }, 'JMD')).toEqual({ ok: false, reason: 'too_large' });
		expect(tipFor(1_500n, { kind: 'custom', text: '1.5' }, 'JPY')).toEqual({ ok: false, reason: 'too_many_decimals' });
	});

	it('no tip and preset tips', () => {
		expect(tipFor(150_000n, { kind: 'none' }, 'JMD')).toEqual({ ok: true, minor: 0n });
		expect(tipFor(150_000n, { kind: 'percent', percent: 20 }, 'JMD')).toEqual({ ok: true, minor: 30_000n });
	});

	it('records a custom tip as a rounded percentage', () => {
		expect(tipPercentOf(150_000n, 15_000n)).toBe(10);
		expect(tipPercentOf(150_000n, 0n)).toBeNull();
		expect(tipPercentOf(300n, 100n)).toBe(33);
		expect(tipPercentOf(200n, 1n)).toBe(1); // 0.5% → 1
	});
});

describe('invoice request', () => {
	const lines: CartLine[] = [
		{ productId: 'coffee', title: 'Coffee', unitMinor: 65_000n, quantity: 2 },
		{ productId: 'patty', title: 'Patty', unitMinor: 45_000n, quantity: 1 }
	];

	it('puts the tip inside the amount and apart in `tip`, with posData and receiptData', () => {
		const body = invoiceRequest({
			currency: 'JMD',
			lines,
			memo: '',
			subtotalMinor: 175_000n,
			tipMinor: 17_500n,
			tipPercent: 10
		});
		expect(body).toEqual({
			amount: '1925.00',
			currency: 'JMD',
			tip: '175.00',
			metadata: {
				itemDesc: '2 × Coffee, 1 × Patty',
				posData: {
					cart: [
						{ id: 'coffee', title: 'Coffee', price: '650.00', count: 2 },
						{ id: 'patty', title: 'Patty', price: '450.00', count: 1 }
					],
					subTotal: '1750.00',
					tip: '175.00',
					tipPercent: 10,
					total: '1925.00'
				},
				receiptData: {
					items: [
						{ title: 'Coffee', quantity: 2, price: '650.00', total: '1300.00' },
						{ title: 'Patty', quantity: 1, price: '450.00', total: '450.00' }
					],
					subtotal: '1750.00',
					tip: '175.00',
					total: '1925.00'
				}
			}
		});
	});

	it('a keypad sale without a tip sends no tip, and the memo describes it', () => {
		const sale = { currency: 'JPY', lines: [], memo: '  Table 4 ', subtotalMinor: 1500n, tipMinor: 0n, tipPercent: null };
		const body = invoiceRequest(sale);
		expect(body.amount).toBe('1500');
		expect(body).not.toHaveProperty('tip');
		expect(body.metadata).toMatchObject({ itemDesc: 'Table 4', receiptData: { memo: 'Table 4', total: '1500' } });
		// Deterministic: the same sale is the same body, so a retry is a replay.
		expect(JSON.stringify(invoiceRequest(sale))).toBe(JSON.stringify(body));
	});

	it('summarises long carts briefly', () => {
		const many = Array.from({ length: 40 }, (_, i) => ({ productId: `p${i}`, title: `Item number ${i}`, unitMinor: 1n, quantity: 1 }));
		expect(cartSummary(many).length).toBeLessThanOrEqual(300);
	});
});

describe('receipt', () => {
	it('reads back what the till wrote and skips what it cannot trust', () => {
		const content = readReceipt(
			{
				items: [
					{ title: 'Coffee', quantity: 2, price: '650.00', total: '1300.00' },
					{ title: 'Bad', quantity: 1.5, price: '1', total: '1' },
					{ title: 'Worse', quantity: 1, price: 650, total: '650.00' },
					'nonsense'
				],
				memo: ' Table 4 ',
				subtotal: '1300.00',
				tip: 'lots',
				total: '1300.00',
				Cashier: 'Ann',
				nested: { a: 1 }
			},
			'JMD'
		);
		expect(content).toEqual({
			items: [{ title: 'Coffee', quantity: 2, price: '650.00', total: '1300.00' }],
			memo: 'Table 4',
			subtotal: '1300.00',
			tip: null,
			extra: [['Cashier', 'Ann']]
		});
		expect(readReceipt(null, 'JMD').items).toEqual([]);
	});
});

describe('invoice phases', () => {
	it('only a settled invoice is paid', () => {
		expect(invoicePhase({ status: 'New', additionalStatus: 'None' })).toBe('waiting');
		expect(invoicePhase({ status: 'New', additionalStatus: 'PaidPartial' })).toBe('partial');
		expect(invoicePhase({ status: 'Processing', additionalStatus: 'None' })).toBe('processing');
		expect(invoicePhase({ status: 'Settled', additionalStatus: 'None' })).toBe('paid');
		expect(invoicePhase({ status: 'Settled', additionalStatus: 'PaidOver' })).toBe('paid');
		expect(invoicePhase({ status: 'Expired', additionalStatus: 'None' })).toBe('expired');
		expect(invoicePhase({ status: 'Expired', additionalStatus: 'PaidPartial' })).toBe('expired-partial');
		expect(invoicePhase({ status: 'Expired', additionalStatus: 'PaidLate' })).toBe('paid-late');
		expect(invoicePhase({ status: 'Invalid', additionalStatus: 'Marked' })).toBe('invalid');
		expect(isPayable('partial')).toBe(true);
		expect(isPayable('paid-late')).toBe(false);
		expect(isFinished('processing')).toBe(false);
		expect(isFinished('expired')).toBe(true);
	});

	it('counts down on the server clock, not the device clock', () => {
		const view = { expirationTime: 1_000_900_000, serverTime: 1_000_000_000 };
		// 900 s left when it arrived at local monotonic time 5,000; 60 s later 840 s are left.
		expect(remainingMs(view, 5_000, 65_000)).toBe(840_000);
		expect(remainingMs(view, 5_000, 5_000 + 901_000)).toBe(0);
		expect(clockText(840_000)).toBe('14:00');
		expect(clockText(59_001)).toBe('1:00');
		expect(clockText(9_000)).toBe('0:09');
		expect(clockText(3_723_000)).toBe('1:02:03');
	});
});

describe('money on screen', () => {
	it('formats minor units, decimals and sats for the locale', () => {
		expect(fiatText(150_000n, 'JMD', 'en')).toMatch(/^JMD\s1,500\.00$/);
		expect(decimalText('1500', 'JPY', 'en')).toBe('¥1,500');
		expect(decimalText('not money', 'JMD', 'en')).toBe('not money JMD');
		expect(satsText('9893', 'en')).toBe('9,893 sats');
		expect(satsText('12.5', 'en')).toBe('12.500 sats');
	});

	it('shows sats in fiat at the invoice rate, rounded the honest way', () => {
		// 5,111 sats at 16,680,000.00 JMD/BTC = 852.5148 JMD.
		expect(satsAsFiatText('5111', '16680000.00', 'JMD', 'en', 'down')).toMatch(/852\.51$/);
		expect(satsAsFiatText('5111', '16680000.00', 'JMD', 'en', 'up')).toMatch(/852\.52$/);
		expect(satsAsFiatText('5111', null, 'SATS', 'en', 'down')).toBeNull();
	});

	it('pays half of what is due in whole sats', () => {
		expect(halfOfDueSats('10222')).toBe('5111');
		expect(halfOfDueSats('5111')).toBe('2555');
		expect(halfOfDueSats('1')).toBe('1');
		expect(halfOfDueSats('3.5')).toBe('1');
	});
});

describe('receipt paper', () => {
	it('sizes the page to the receipt on a roll', () => {
		expect(pageRule(58, 378)).toBe('@page { size: 58mm 109mm; margin: 0; }');
		expect(pageRule(80, 10)).toBe('@page { size: 80mm 40mm; margin: 0; }');
	});
});
