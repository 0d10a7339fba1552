// Users: the only place with SQL for the users table.
import { count, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { users } from '../db/schema';

export type UserRow = typeof users.$inferSelect;

export async function countUsers(db: Db): Promise<number> {
	const [row] = await db.select({ n: count() }).from(users);
	return row?.n ?? 0;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
	return db.query.users.findFirst({ where: eq(users.email, email.toLowerCase()) });
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
	return db.query.users.findFirst({ where: eq(users.id, id) });
}

/**
 * Inserts the user only while no user exists, in one statement, so two concurrent sign-ups on an
 * empty server cannot both become the first administrator. Returns undefined if a user existed.
 */
export async function insertFirstUser(
	db: Db,
	user: { id: string; email: string; name: string | null; passwordHash: string; createdAt: number }
): Promise<UserRow | undefined> {
	const result = await db.run(
		sql`insert into users (id, email, name, password_hash, is_admin, created_at)
			select ${user.id}, ${user.email.toLowerCase()}, ${user.name}, ${user.passwordHash}, 1, ${user.createdAt}
			where not exists (select 1 from users)`
	);
	if (result.meta.changes !== 1) return undefined;
	return findUserById(db, user.id);
}
