// Reads D1 once to prove the database answers (used by /api/v1/health).
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';

export async function pingDatabase(db: Db): Promise<boolean> {
	const row = await db.get<{ ok: number }>(sql`select 1 as ok from d1_migrations limit 1`);
	return row?.ok === 1;
}
