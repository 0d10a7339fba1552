// Products of a store's POS catalogue: the only place with SQL for products.
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { products } from '../db/schema';

export type ProductRow = typeof products.$inferSelect;

export async function listProducts(db: Db, storeId: string): Promise<ProductRow[]> {
	return db.select().from(products).where(eq(products.storeId, storeId)).orderBy(asc(products.position), asc(products.title));
}

export async function insertProduct(db: Db, row: ProductRow): Promise<void> {
	await db.insert(products).values(row);
}

export async function updateProduct(db: Db, storeId: string, id: string, changes: Partial<ProductRow>): Promise<ProductRow | undefined> {
	const [row] = await db.update(products).set(changes).where(and(eq(products.storeId, storeId), eq(products.id, id))).returning();
	return row;
}

export async function deleteProduct(db: Db, storeId: string, id: string): Promise<boolean> {
	const rows = await db.delete(products).where(and(eq(products.storeId, storeId), eq(products.id, id))).returning({ id: products.id });
	return rows.length === 1;
}
