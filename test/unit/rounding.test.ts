// Rounding modes of bigint division, on both signs of numerator and denominator.
import { describe, expect, it } from 'vitest';
import { divide, ROUNDING_MODES, type RoundingMode } from '../../worker/domain/rounding';

describe('divide', () => {
	// numerator, denominator, then the expected result for up, down, half-up, half-even.
	it.each([
		[7n, 2n, 4n, 3n, 4n, 4n],
		[5n, 2n, 3n, 2n, 3n, 2n],
		[3n, 2n, 2n, 1n, 2n, 2n],
		[1n, 2n, 1n, 0n, 1n, 0n],
		[-1n, 2n, 0n, -1n, -1n, 0n],
		[-3n, 2n, -1n, -2n, -2n, -2n],
		[-5n, 2n, -2n, -3n, -3n, -2n],
		[-7n, 2n, -3n, -4n, -4n, -4n],
		[5n, -2n, -2n, -3n, -3n, -2n],
		[7n, -2n, -3n, -4n, -4n, -4n],
		[-5n, -2n, 3n, 2n, 3n, 2n],
		[-7n, -2n, 4n, 3n, 4n, 4n],
		[1n, 3n, 1n, 0n, 0n, 0n],
		[2n, 3n, 1n, 0n, 1n, 1n],
		[-1n, 3n, 0n, -1n, 0n, 0n],
		[-2n, 3n, 0n, -1n, -1n, -1n],
		[2n, -3n, 0n, -1n, -1n, -1n],
		[6n, 3n, 2n, 2n, 2n, 2n],
		[-6n, 3n, -2n, -2n, -2n, -2n],
		[6n, -3n, -2n, -2n, -2n, -2n],
		[0n, 5n, 0n, 0n, 0n, 0n],
		[0n, -5n, 0n, 0n, 0n, 0n],
		[1499n, 1000n, 2n, 1n, 1n, 1n],
		[1500n, 1000n, 2n, 1n, 2n, 2n],
		[2500n, 1000n, 3n, 2n, 3n, 2n],
		[2501n, 1000n, 3n, 2n, 3n, 3n],
		[-2500n, 1000n, -2n, -3n, -3n, -2n],
		// Far beyond Number precision: (10^40 + 10^40/2) / 10^40 = 1.5 exactly.
		[10n ** 40n + 5n * 10n ** 39n, 10n ** 40n, 2n, 1n, 2n, 2n],
		[10n ** 40n + 1n, 10n ** 40n, 2n, 1n, 1n, 1n],
		[-(10n ** 40n) - 1n, 10n ** 40n, -1n, -2n, -1n, -1n]
	])('%s / %s -> up %s, down %s, half-up %s, half-even %s', (n, d, up, down, halfUp, halfEven) => {
		expect(divide(n, d, 'up')).toBe(up);
		expect(divide(n, d, 'down')).toBe(down);
		expect(divide(n, d, 'half-up')).toBe(halfUp);
		expect(divide(n, d, 'half-even')).toBe(halfEven);
	});

	it.each(ROUNDING_MODES)('throws RangeError on a zero denominator (%s)', (mode) => {
		expect(() => divide(1n, 0n, mode)).toThrow(RangeError);
		expect(() => divide(0n, 0n, mode)).toThrow(RangeError);
	});

	it('throws RangeError on an unknown mode from untyped callers', () => {
		expect(() => divide(1n, 2n, 'nearest' as RoundingMode)).toThrow(RangeError);
	});

	it('lists exactly the four modes', () => {
		expect(ROUNDING_MODES).toEqual(['up', 'down', 'half-up', 'half-even']);
	});
});
