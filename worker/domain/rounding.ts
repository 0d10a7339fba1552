// Rounding: the one place where an exact bigint quotient becomes an integer amount.
//
// BigInt `/` truncates toward zero, which is never what money wants by accident, so every
// division of amounts goes through `divide` with a named mode.

/** The rounding modes, as a tuple so that schemas can enumerate them. */
export const ROUNDING_MODES = ['up', 'down', 'half-up', 'half-even'] as const;

/**
 * - `up`: toward +infinity (ceiling). 7/2 -> 4, -7/2 -> -3.
 * - `down`: toward -infinity (floor). 7/2 -> 3, -7/2 -> -4.
 * - `half-up`: to the nearest integer; an exact half goes away from zero (5/2 -> 3,
 *   -5/2 -> -3). This is .NET's MidpointRounding.AwayFromZero, which BTCPay uses for order
 *   maths, and the "round half up" of a receipt.
 * - `half-even`: to the nearest integer; an exact half goes to the even neighbour
 *   (5/2 -> 2, 7/2 -> 4, -5/2 -> -2). Banker's rounding: no bias in sums of many rounded values.
 */
export type RoundingMode = (typeof ROUNDING_MODES)[number];

/**
 * numerator / denominator, rounded to an integer by `mode`. Either operand may be negative;
 * the modes are defined on the exact rational value, so divide(-7n, 2n) and divide(7n, -2n)
 * agree. Throws RangeError on a zero denominator (as BigInt division does).
 */
export function divide(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
	if (denominator === 0n) throw new RangeError('Division by zero');
	// Put the sign on the numerator so that the remainder's sign is the value's sign.
	const n = denominator < 0n ? -numerator : numerator;
	const d = denominator < 0n ? -denominator : denominator;
	const q = n / d; // truncated toward zero
	const r = n % d; // same sign as n, |r| < d
	if (r === 0n) return q;
	const away = n < 0n ? q - 1n : q + 1n; // the neighbour further from zero
	switch (mode) {
		case 'up':
			return n > 0n ? away : q;
		case 'down':
			return n < 0n ? away : q;
		case 'half-up':
		case 'half-even': {
			const twice = 2n * (r < 0n ? -r : r);
			if (twice < d) return q;
			if (twice > d) return away;
			// An exact half: q and away are the two neighbours, and exactly one of them is even.
			if (mode === 'half-up') return away;
			return q % 2n === 0n ? q : away;
		}
		default:
			throw new RangeError(`Unknown rounding mode: ${String(mode satisfies never)}`);
	}
}
