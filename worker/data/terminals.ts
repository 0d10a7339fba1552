// Terminals, pairing codes and cashier sessions: the only place with SQL for them.
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { cashierSessions, pairingCodes, storeUsers, terminals, users } from '../db/schema';

export type TerminalRow = typeof terminals.$inferSelect;
export type CashierSessionRow = typeof cashierSessions.$inferSelect;

export async function insertPairingCode(db: Db, row: typeof pairingCodes.$inferInsert): Promise<void> {
	await db.insert(pairingCodes).values(row);
}

/**
 * Uses a pairing code and creates the terminal in one batch: the code is marked used only if it
 * is unused and unexpired, and the terminal is written only with it, so a code pairs once.
 */
export async function pairWithCode(db: Db, codeHash: string, terminal: Omit<TerminalRow, 'storeId' | 'name' | 'createdBy'>, now: number): Promise<TerminalRow | undefined> {
	const d1 = db.$client;
	await d1.batch([
		d1.prepare(`update pairing_codes set used_at = ?, terminal_id = ? where code_hash = ? and used_at is null and expires_at > ?`).bind(now, terminal.id, codeHash, now),
		d1
			.prepare(
				`insert into terminals (id, store_id, name, token_hash, idle_lock_minutes, created_at, created_by, last_seen_at, revoked_at)
				 select ?, store_id, terminal_name, ?, ?, ?, created_by, null, null from pairing_codes where code_hash = ? and terminal_id = ?`
			)
			.bind(terminal.id, terminal.tokenHash, terminal.idleLockMinutes, terminal.createdAt, codeHash, terminal.id)
	]);
	return db.query.terminals.findFirst({ where: eq(terminals.id, terminal.id) });
}

export async function findTerminalByToken(db: Db, tokenHash: string): Promise<TerminalRow | undefined> {
	return db.query.terminals.findFirst({ where: and(eq(terminals.tokenHash, tokenHash), isNull(terminals.revokedAt)) });
}

export async function findTerminal(db: Db, storeId: string, id: string): Promise<TerminalRow | undefined> {
	return db.query.terminals.findFirst({ where: and(eq(terminals.storeId, storeId), eq(terminals.id, id)) });
}

export async function listTerminals(db: Db, storeId: string): Promise<TerminalRow[]> {
	return db.select().from(terminals).where(and(eq(terminals.storeId, storeId), isNull(terminals.revokedAt))).orderBy(asc(terminals.createdAt));
}

export async function updateTerminal(db: Db, storeId: string, id: string, changes: Partial<Pick<TerminalRow, 'name' | 'idleLockMinutes' | 'revokedAt' | 'lastSeenAt'>>): Promise<TerminalRow | undefined> {
	const [row] = await db.update(terminals).set(changes).where(and(eq(terminals.storeId, storeId), eq(terminals.id, id), isNull(terminals.revokedAt))).returning();
	return row;
}

/** The store's members a cashier may sign in as on a terminal (everyone with a role there). */
export async function listCashiers(db: Db, storeId: string) {
	return db
		.select({ userId: users.id, name: users.name, email: users.email, role: storeUsers.role, pinSet: sql<number>`${users.pinHash} is not null`, pinLocked: users.pinLocked })
		.from(storeUsers)
		.innerJoin(users, eq(users.id, storeUsers.userId))
		.where(eq(storeUsers.storeId, storeId))
		.orderBy(asc(users.name), asc(users.email));
}

export async function insertCashierSession(db: Db, row: CashierSessionRow): Promise<void> {
	await db.insert(cashierSessions).values(row);
}

export async function findCashierSession(db: Db, tokenHash: string): Promise<CashierSessionRow | undefined> {
	return db.query.cashierSessions.findFirst({ where: and(eq(cashierSessions.tokenHash, tokenHash), isNull(cashierSessions.endedAt)) });
}

export async function touchCashierSession(db: Db, tokenHash: string, now: number): Promise<void> {
	await db.update(cashierSessions).set({ lastSeenAt: now }).where(eq(cashierSessions.tokenHash, tokenHash));
}

export async function endCashierSession(db: Db, tokenHash: string, now: number): Promise<void> {
	await db.update(cashierSessions).set({ endedAt: now }).where(and(eq(cashierSessions.tokenHash, tokenHash), isNull(cashierSessions.endedAt)));
}

export async function endTerminalSessions(db: Db, terminalId: string, now: number): Promise<void> {
	await db.update(cashierSessions).set({ endedAt: now }).where(and(eq(cashierSessions.terminalId, terminalId), isNull(cashierSessions.endedAt)));
}
