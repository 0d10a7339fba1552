// JSON parsing that keeps numbers exact, for rate sources: a price must not pass through a float.
//
// JSON.parse turns 10573612.123456789012 into the nearest double, 10573612.123456789, silently.
// Instead, every JSON number becomes a JsonNumber holding the literal text from the response,
// read through the reviver's `context.source` (ES2025 "JSON.parse source text access"; V8 11.4+,
// so Node 21+ and workerd). On a runtime without it the literal falls back to the double's
// shortest round-trip text (Number.prototype.toString), which is exact for any literal of up to 15
// significant digits and is in exponent notation for very large or small values, which
// parseRate then refuses rather than misreads.

/** A JSON number as the exact text it was written with, e.g. "64238.45" or "1e5". */
export class JsonNumber {
	readonly literal: string;

	constructor(literal: string) {
		this.literal = literal;
	}
}

/** What the reviver's third argument carries for a primitive value (absent on older runtimes). */
type ReviverContext = { source?: unknown };

function keepLiteral(_key: string, value: unknown, context?: ReviverContext): unknown {
	if (typeof value !== 'number') return value;
	const source = context?.source;
	return new JsonNumber(typeof source === 'string' ? source : String(value));
}

/**
 * JSON text to a value in which every number is a JsonNumber (strings, booleans, null, arrays
 * and objects as JSON.parse gives them). Throws SyntaxError for text that is not JSON.
 */
export function parseJsonExact(text: string): unknown {
	return JSON.parse(text, keepLiteral) as unknown;
}
