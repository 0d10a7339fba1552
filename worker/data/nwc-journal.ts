// The NWC pay journal in D1 (table nwc_pay_journal): the durable NwcPayJournal, so that the
// guard "no second pay_invoice for a payment hash while an earlier one could still be acted on"
// holds across isolates, not only within one. NIP-47 has no idempotency of its own, so this
// table is what stands between two workers and a double payment. D1 has no interactive
// transactions: `claim` is one INSERT … ON CONFLICT DO NOTHING followed by a read of whatever
// is recorded, and `replace` is one UPDATE … WHERE request_id = <the one read>, whose
// `changes` says whether it won.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { nwcPayJournal } from '../db/schema';
import type { NwcPayJournal, PayJournalEntry } from '../nodes/nwc-journal';

type Row = typeof nwcPayJournal.$inferSelect;
type Outcome = NonNullable<PayJournalEntry['outcome']>;

/** The outcome as JSON text: bigints as decimal strings (JSON has no integers that large). */
function outcomeText(outcome: PayJournalEntry['outcome']): string | null {
	if (outcome === null) return null;
	if (outcome.status === 'failed') return JSON.stringify(outcome);
	return JSON.stringify({
		...outcome,
		amountMsat: outcome.amountMsat.toString(),
		feeMsat: outcome.feeMsat.toString()
	});
}

function outcomeOf(text: string | null): PayJournalEntry['outcome'] {
	if (text === null) return null;
	const value = JSON.parse(text) as Record<string, string>;
	if (value.status === 'succeeded') {
		return {
			status: 'succeeded',
			paymentHash: String(value.paymentHash),
			amountMsat: BigInt(value.amountMsat ?? '0'),
			feeMsat: BigInt(value.feeMsat ?? '0'),
			preimage: String(value.preimage)
		};
	}
	return { status: 'failed', paymentHash: String(value.paymentHash), reason: String(value.reason) } satisfies Outcome;
}

function entryOf(row: Row): PayJournalEntry {
	return {
		key: row.key,
		requestId: row.requestId,
		sentAt: row.sentAt,
		expiresAt: row.expiresAt,
		outcome: outcomeOf(row.outcome)
	};
}

export function d1PayJournal(db: Db): NwcPayJournal {
	const read = async (key: string) => {
		const row = await db.query.nwcPayJournal.findFirst({ where: eq(nwcPayJournal.key, key) });
		return row ? entryOf(row) : null;
	};
	return {
		get: read,
		async claim(entry) {
			await db
				.insert(nwcPayJournal)
				.values({
					key: entry.key,
					requestId: entry.requestId,
					sentAt: entry.sentAt,
					expiresAt: entry.expiresAt,
					outcome: outcomeText(entry.outcome)
				})
				.onConflictDoNothing({ target: nwcPayJournal.key });
			// Whoever inserted first is what is recorded; the caller compares request ids.
			const recorded = await read(entry.key);
			if (!recorded) throw new Error(`The NWC pay journal lost the entry for ${entry.key}.`);
			return recorded;
		},
		async replace(previous, next) {
			const result = await db.run(
				sql`update nwc_pay_journal
					set request_id = ${next.requestId}, sent_at = ${next.sentAt},
						expires_at = ${next.expiresAt}, outcome = ${outcomeText(next.outcome)}
					where key = ${previous.key} and request_id = ${previous.requestId}`
			);
			return result.meta.changes === 1;
		}
	};
}
