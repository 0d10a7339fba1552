// Store members and invitations: the only place with SQL for store_users and invites.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { invites, storeUsers, users } from '../db/schema';

export type InviteRow = typeof invites.$inferSelect;

export async function listMembers(db: Db, storeId: string) {
	return db
		.select({ userId: users.id, email: users.email, name: users.name, role: storeUsers.role })
		.from(storeUsers)
		.innerJoin(users, eq(users.id, storeUsers.userId))
		.where(eq(storeUsers.storeId, storeId))
		.orderBy(asc(users.email));
}

export async function roleOf(db: Db, storeId: string, userId: string): Promise<string | undefined> {
	const row = await db.query.storeUsers.findFirst({ where: and(eq(storeUsers.storeId, storeId), eq(storeUsers.userId, userId)) });
	return row?.role;
}

export async function addMember(db: Db, storeId: string, userId: string, role: string, now: number): Promise<boolean> {
	const rows = await db.insert(storeUsers).values({ storeId, userId, role, createdAt: now }).onConflictDoNothing().returning({ userId: storeUsers.userId });
	return rows.length === 1;
}

export async function changeRole(db: Db, storeId: string, userId: string, role: string): Promise<boolean> {
	const rows = await db.update(storeUsers).set({ role }).where(and(eq(storeUsers.storeId, storeId), eq(storeUsers.userId, userId))).returning({ userId: storeUsers.userId });
	return rows.length === 1;
}

export async function removeMember(db: Db, storeId: string, userId: string): Promise<boolean> {
	const rows = await db.delete(storeUsers).where(and(eq(storeUsers.storeId, storeId), eq(storeUsers.userId, userId))).returning({ userId: storeUsers.userId });
	return rows.length === 1;
}

export async function countOwners(db: Db, storeId: string): Promise<number> {
	const [row] = await db.select({ n: sql<number>`count(*)` }).from(storeUsers).where(and(eq(storeUsers.storeId, storeId), eq(storeUsers.role, 'Owner')));
	return row?.n ?? 0;
}

export async function insertInvite(db: Db, row: InviteRow): Promise<void> {
	await db.insert(invites).values(row);
}

export async function findInvite(db: Db, tokenHash: string): Promise<InviteRow | undefined> {
	return db.query.invites.findFirst({ where: eq(invites.tokenHash, tokenHash) });
}

/** Uses an invitation once: marks it used and adds the member in one batch, only if unused. */
export async function useInvite(db: Db, tokenHash: string, userId: string, now: number): Promise<boolean> {
	const d1 = db.$client;
	const [used] = await d1.batch([
		d1.prepare(`update invites set used_at = ?, used_by = ? where token_hash = ? and used_at is null and expires_at > ?`).bind(now, userId, tokenHash, now),
		d1
			.prepare(`insert or ignore into store_users (store_id, user_id, role, created_at) select store_id, ?, role, ? from invites where token_hash = ? and used_by = ? and used_at = ?`)
			.bind(userId, now, tokenHash, userId, now)
	]);
	return used!.meta.changes === 1;
}

export async function insertUser(db: Db, user: { id: string; email: string; name: string | null; passwordHash: string; createdAt: number }): Promise<boolean> {
	const rows = await db.insert(users).values({ ...user, email: user.email.toLowerCase(), isAdmin: false }).onConflictDoNothing().returning({ id: users.id });
	return rows.length === 1;
}
