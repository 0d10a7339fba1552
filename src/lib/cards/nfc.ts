// Reading a Flash Card with Web NFC (Chrome on Android only): start inside a click, hand every
// tap's URL record to the caller, keep listening for the next tap until stopped. Each read spends
// one of the card's counters, so callers act once per tap. Types are declared here: Web NFC is not
// in TypeScript's DOM library.
type NdefRecord = { recordType: string; data?: DataView | null };
type NdefReadingEvent = Event & { message: { records: readonly NdefRecord[] } };
type NdefReader = EventTarget & {
	scan(options?: { signal?: AbortSignal }): Promise<void>;
	onreading: ((event: NdefReadingEvent) => void) | null;
	onreadingerror: ((event: Event) => void) | null;
};
type NdefReaderConstructor = new () => NdefReader;

/** Whether this browser offers Web NFC (it may still lack the hardware: `scan` then fails). */
export function nfcAvailable(): boolean {
	return typeof window !== 'undefined' && 'NDEFReader' in window;
}

export type NfcHandlers = {
	/** The text of the card's URL record (lnurlw://…), or null when the tag had none. */
	onread: (url: string | null) => void;
	/** A tap that could not be read (moved too fast, not NDEF). */
	onreadingerror: () => void;
};

/** The URL a tag carries: the first "url" (or absolute-url / text) record, decoded as UTF-8. */
export function urlFromRecords(records: readonly NdefRecord[]): string | null {
	const decoder = new TextDecoder('utf-8');
	for (const record of records) {
		if (!record.data) continue;
		if (record.recordType === 'url' || record.recordType === 'absolute-url' || record.recordType === 'text') {
			const text = decoder.decode(record.data).trim();
			if (/^(lnurlw|lnurl|https?|lightning):/i.test(text)) return text;
		}
	}
	return null;
}

/**
 * Starts listening (call from a click: the permission prompt needs the gesture). Resolves with
 * `stop` once the reader is armed; rejects when the user or the device refuses.
 */
export async function startNfc(handlers: NfcHandlers): Promise<() => void> {
	const Reader = (window as unknown as { NDEFReader: NdefReaderConstructor }).NDEFReader;
	const reader = new Reader();
	const controller = new AbortController();
	reader.onreading = (event) => {
		if (!controller.signal.aborted) handlers.onread(urlFromRecords(event.message.records));
	};
	reader.onreadingerror = () => {
		if (!controller.signal.aborted) handlers.onreadingerror();
	};
	await reader.scan({ signal: controller.signal });
	return () => {
		controller.abort();
		reader.onreading = null;
		reader.onreadingerror = null;
	};
}
