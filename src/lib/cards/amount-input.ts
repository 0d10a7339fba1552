// What a typed amount field sends: a decimal string with a dot ("12,50" becomes "12.50"), or
// null when left empty (no limit).
export function amountOrNull(typed: string): string | null {
	const value = typed.trim().replace(',', '.');
	return value === '' ? null : value;
}
