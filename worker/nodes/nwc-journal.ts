// Where the NWC adapter remembers the pay_invoice requests it sent, so that no second request
// for a payment hash leaves while an earlier one could still be acted on (NIP-47 has no
// idempotency of its own).
import type { NodePayment } from './types';

// ---------------------------------------------------------------------------------------------
// Pay journal

/**
 * One pay_invoice request the adapter sent. `outcome` stays null while the request could still
 * be acted on (until `expiresAt` plus a clock allowance) unless the wallet answered definitely.
 */
export type PayJournalEntry = {
	/** `<wallet pubkey>:<payment hash>`. */
	key: string;
	requestId: string;
	/** Unix ms. */
	sentAt: number;
	/** Unix ms: the request's NIP-47 `expiration` tag; the wallet must ignore it afterwards. */
	expiresAt: number;
	outcome: Extract<NodePayment, { status: 'succeeded' | 'failed' }> | null;
};

/**
 * Where pay_invoice requests are remembered between calls. `claim` and `replace` must be atomic
 * (insert-if-absent, compare-and-set on `requestId`) so that two callers never both send. The
 * default lives in memory and so only spans one isolate (unit tests use it); the registry gives
 * every adapter the durable one in D1 (worker/data/nwc-journal.ts), so the guard holds across
 * isolates. Either way the wallet is asked before anything is sent.
 */
export interface NwcPayJournal {
	get(key: string): Promise<PayJournalEntry | null>;
	/** Records `entry` unless something is recorded for its key; returns what is recorded. */
	claim(entry: PayJournalEntry): Promise<PayJournalEntry>;
	/** Replaces `previous` with `next` only if `previous` is still what is recorded. */
	replace(previous: PayJournalEntry, next: PayJournalEntry): Promise<boolean>;
}

export function memoryPayJournal(): NwcPayJournal {
	const entries = new Map<string, PayJournalEntry>();
	return {
		async get(key) {
			return entries.get(key) ?? null;
		},
		async claim(entry) {
			const existing = entries.get(entry.key);
			if (existing) return existing;
			entries.set(entry.key, entry);
			return entry;
		},
		async replace(previous, next) {
			if (entries.get(previous.key)?.requestId !== previous.requestId) return false;
			entries.set(next.key, next);
			return true;
		}
	};
}

/** Shared by every NWC adapter in this isolate unless one is given. */
export const isolateJournal = memoryPayJournal();

