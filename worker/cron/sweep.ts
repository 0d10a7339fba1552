// The cron sweep (every minute): housekeeping that must happen even when nobody is watching.
// Later issues add reconciling open invoices, in-flight payments and webhook retries here.
import { database } from '../db/client';
import { pruneRecords } from '../data/idempotency';
import { IDEMPOTENCY_TTL_MS } from '../middleware/idempotency';

export type SweepReport = { idempotencyRecordsPruned: number };

export async function sweep(env: Env, now: number): Promise<SweepReport> {
	const db = database(env.DB);
	const idempotencyRecordsPruned = await pruneRecords(db, now - IDEMPOTENCY_TTL_MS);
	return { idempotencyRecordsPruned };
}
