// Stores and their members: the only place with SQL for stores and store_users.
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { storeNodes, stores, storeUsers } from '../db/schema';

export type StoreRow = typeof stores.$inferSelect;
export type StoreNodeRow = typeof storeNodes.$inferSelect;

export async function findStore(db: Db, storeId: string): Promise<StoreRow | undefined> {
	return db.query.stores.findFirst({ where: eq(stores.id, storeId) });
}

export async function listStoresOfUser(db: Db, userId: string): Promise<StoreRow[]> {
	const memberships = await db.select({ storeId: storeUsers.storeId }).from(storeUsers).where(eq(storeUsers.userId, userId));
	if (memberships.length === 0) return [];
	return db.select().from(stores).where(inArray(stores.id, memberships.map((m) => m.storeId))).orderBy(stores.createdAt);
}

export async function listAllStores(db: Db): Promise<StoreRow[]> {
	return db.select().from(stores).orderBy(stores.createdAt);
}

export async function rolesOfUser(db: Db, userId: string): Promise<Array<{ storeId: string; role: string }>> {
	return db.select({ storeId: storeUsers.storeId, role: storeUsers.role }).from(storeUsers).where(eq(storeUsers.userId, userId));
}

/** Creates the store with its creator as Owner, atomically. */
export async function insertStoreWithOwner(db: Db, store: typeof stores.$inferInsert, ownerId: string): Promise<void> {
	await db.batch([
		db.insert(stores).values(store),
		db.insert(storeUsers).values({ storeId: store.id, userId: ownerId, role: 'Owner', createdAt: store.createdAt })
	]);
}

export async function updateStore(db: Db, storeId: string, changes: Partial<typeof stores.$inferInsert>): Promise<StoreRow | undefined> {
	const [row] = await db.update(stores).set(changes).where(eq(stores.id, storeId)).returning();
	return row;
}

export async function deleteStore(db: Db, storeId: string): Promise<boolean> {
	const rows = await db.delete(stores).where(eq(stores.id, storeId)).returning({ id: stores.id });
	return rows.length === 1;
}

export async function findStoreNode(db: Db, storeId: string): Promise<StoreNodeRow | undefined> {
	return db.query.storeNodes.findFirst({ where: eq(storeNodes.storeId, storeId) });
}

export async function upsertStoreNode(db: Db, row: StoreNodeRow): Promise<void> {
	await db
		.insert(storeNodes)
		.values(row)
		.onConflictDoUpdate({
			target: storeNodes.storeId,
			set: { kind: row.kind, sealedConfig: row.sealedConfig, updatedAt: row.updatedAt }
		});
}

export async function isMember(db: Db, storeId: string, userId: string): Promise<boolean> {
	const row = await db.query.storeUsers.findFirst({
		where: and(eq(storeUsers.storeId, storeId), eq(storeUsers.userId, userId))
	});
	return row !== undefined;
}
