// Receipt printing: the paper width the till last used (58 or 80 mm) and the page size a
// receipt of a measured height needs on a roll, so a thermal printer cuts right after it.
export const PAPER_WIDTHS = [58, 80] as const;
export type PaperWidth = (typeof PAPER_WIDTHS)[number];

const STORAGE_KEY = 'flashpoint.receiptPaper';

export function readPaperWidth(): PaperWidth {
	try {
		return localStorage.getItem(STORAGE_KEY) === '80' ? 80 : 58;
	} catch {
		return 58;
	}
}

export function savePaperWidth(width: PaperWidth): void {
	try {
		localStorage.setItem(STORAGE_KEY, String(width));
	} catch {
		// Remembered for this visit only.
	}
}

/** CSS px (96 per inch) to whole millimetres, rounded up, plus a little paper to tear off. */
export function pageRule(width: PaperWidth, heightPx: number): string {
	const heightMm = Math.max(40, Math.ceil((heightPx * 25.4) / 96) + 8);
	return `@page { size: ${width}mm ${heightMm}mm; margin: 0; }`;
}
