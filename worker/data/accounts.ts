// Sign-in state: sessions, password lockout, PINs. The only place with SQL for these columns.
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { sessions, users } from '../db/schema';
import type { UserRow } from './users';

export type SessionRow = typeof sessions.$inferSelect;

export async function insertSession(db: Db, row: SessionRow): Promise<void> {
	await db.insert(sessions).values(row);
}

/** The session and its user, if the session is current (not expired, not voided). */
export async function findLiveSession(db: Db, tokenHash: string, now: number): Promise<{ session: SessionRow; user: UserRow } | undefined> {
	const [row] = await db
		.select({ session: sessions, user: users })
		.from(sessions)
		.innerJoin(users, eq(users.id, sessions.userId))
		.where(and(eq(sessions.tokenHash, tokenHash), sql`${sessions.expiresAt} > ${now}`, sql`${sessions.createdAt} >= ${users.sessionsValidAfter}`))
		.limit(1);
	return row;
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
	await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

/** Voids every session of the user made before `now` (log out everywhere). */
export async function voidSessions(db: Db, userId: string, now: number): Promise<void> {
	await db.batch([
		db.update(users).set({ sessionsValidAfter: now }).where(eq(users.id, userId)),
		db.delete(sessions).where(and(eq(sessions.userId, userId), lt(sessions.createdAt, now)))
	]);
}

/** Counts a wrong password; from the fifth on, locks for 30 s doubling up to an hour. */
export async function recordFailedLogin(db: Db, userId: string, now: number): Promise<number> {
	const [row] = await db
		.update(users)
		.set({
			failedLogins: sql`${users.failedLogins} + 1`,
			lockedUntil: sql`case when ${users.failedLogins} + 1 >= 5
				then ${now} + min(3600000, 30000 * (1 << min(7, ${users.failedLogins} + 1 - 5))) else null end`
		})
		.where(eq(users.id, userId))
		.returning({ failedLogins: users.failedLogins });
	return row?.failedLogins ?? 0;
}

export async function clearFailedLogins(db: Db, userId: string): Promise<void> {
	await db.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, userId));
}

export async function setPassword(db: Db, userId: string, passwordHash: string): Promise<void> {
	await db.update(users).set({ passwordHash }).where(eq(users.id, userId));
}

export async function setPin(db: Db, userId: string, pinHash: string): Promise<void> {
	await db.update(users).set({ pinHash, pinFailures: 0, pinLocked: false }).where(eq(users.id, userId));
}

/** Counts a wrong PIN; locks the PIN at `limit` failures. Returns the failures so far. */
export async function recordFailedPin(db: Db, userId: string, limit: number): Promise<{ failures: number; locked: boolean }> {
	const [row] = await db
		.update(users)
		.set({ pinFailures: sql`${users.pinFailures} + 1`, pinLocked: sql`${users.pinFailures} + 1 >= ${limit}` })
		.where(eq(users.id, userId))
		.returning({ failures: users.pinFailures, locked: users.pinLocked });
	return row ?? { failures: 0, locked: false };
}

export async function clearPinFailures(db: Db, userId: string): Promise<void> {
	await db.update(users).set({ pinFailures: 0, pinLocked: false }).where(eq(users.id, userId));
}
