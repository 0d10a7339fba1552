// API keys: stored as SHA-256 hashes; the only place with SQL for the api_keys table.
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client';
import { apiKeys, users } from '../db/schema';

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export async function insertApiKey(
	db: Db,
	key: { keyHash: string; userId: string; label: string; permissions: string[]; createdAt: number }
): Promise<void> {
	await db.insert(apiKeys).values({ ...key, permissions: JSON.stringify(key.permissions) });
}

export async function findActiveApiKey(db: Db, keyHash: string) {
	const [row] = await db
		.select({ key: apiKeys, user: users })
		.from(apiKeys)
		.innerJoin(users, eq(users.id, apiKeys.userId))
		.where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
		.limit(1);
	return row;
}

/** Revokes a key of this user; returns whether one was revoked. */
export async function revokeApiKey(db: Db, userId: string, keyHash: string, now: number): Promise<boolean> {
	const rows = await db
		.update(apiKeys)
		.set({ revokedAt: now })
		.where(and(eq(apiKeys.keyHash, keyHash), eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
		.returning({ keyHash: apiKeys.keyHash });
	return rows.length === 1;
}

/** The user's keys (never the key itself: only its hash is known). */
export async function listApiKeys(db: Db, userId: string): Promise<ApiKeyRow[]> {
	return db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(apiKeys.createdAt);
}

/** Revokes by the public id (the first 16 hex digits of the key's hash). */
export async function revokeApiKeyById(db: Db, userId: string, id: string, now: number): Promise<boolean> {
	const keys = await listApiKeys(db, userId);
	const match = keys.find((k) => k.keyHash.startsWith(id) && k.revokedAt === null);
	return match ? revokeApiKey(db, userId, match.keyHash, now) : false;
}
