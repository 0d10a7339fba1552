// The audit log: append-only rows of who did what. The only place with SQL for audit_log.
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditLog } from '../db/schema';

export type AuditRow = typeof auditLog.$inferSelect;

export async function appendAudit(db: Db, row: Omit<AuditRow, 'id'>): Promise<void> {
	await db.insert(auditLog).values(row);
}

export async function listAudit(db: Db, storeId: string, options: { before?: number; take: number }): Promise<AuditRow[]> {
	return db
		.select()
		.from(auditLog)
		.where(options.before === undefined ? eq(auditLog.storeId, storeId) : and(eq(auditLog.storeId, storeId), lt(auditLog.id, options.before)))
		.orderBy(desc(auditLog.id))
		.limit(options.take);
}
