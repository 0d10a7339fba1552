// The POS catalogue: cashiers read it, managers edit it.
import { Hono } from 'hono';
import { productInputSchema, type ProductData } from '../contract/products';
import { database } from '../db/client';
import { deleteProduct, insertProduct, listProducts, updateProduct, type ProductRow } from '../data/products';
import { findStore } from '../data/stores';
import { formatDecimal, MoneyError, parseMoney, toSafeNumber } from '../domain/money';
import type { AppEnv } from '../env';
import { ApiError, ValidationError } from '../errors';
import { randomBase58 } from '../ids';
import { storePermission } from '../auth/authorize';
import { STORE } from '../auth/permissions';
import { invoiceExponent } from '../invoices/amounts';
import { validate } from '../validation';
import { audit } from '../auth/audit';

function toProductData(row: ProductRow): ProductData {
	return {
		id: row.id,
		title: row.title,
		description: row.description,
		price: formatDecimal(BigInt(row.priceMinor), invoiceExponent(row.currency)),
		currency: row.currency,
		category: row.category,
		imageUrl: row.imageUrl,
		position: row.position,
		disabled: row.disabled
	};
}

function priceIn(price: string, currency: string): number {
	try {
		return toSafeNumber(parseMoney(price, currency).minor);
	} catch (error) {
		if (error instanceof MoneyError) throw new ValidationError([{ path: 'price', message: error.message }]);
		throw error;
	}
}

export const productRoutes = new Hono<AppEnv>()
	.get('/stores/:storeId/products', storePermission(STORE.viewProducts), async (c) => {
		return c.json((await listProducts(database(c.env.DB), c.req.param('storeId'))).map(toProductData), 200);
	})
	.post('/stores/:storeId/products', storePermission(STORE.modifyProducts), validate('json', productInputSchema), async (c) => {
		const input = c.req.valid('json');
		const db = database(c.env.DB);
		const store = await findStore(db, c.req.param('storeId'));
		if (!store) throw new ApiError('store-not-found', 'The store could not be found.');
		const now = Date.now();
		const row: ProductRow = {
			id: randomBase58(12),
			storeId: store.id,
			title: input.title,
			description: input.description ?? null,
			priceMinor: priceIn(input.price, store.defaultCurrency),
			currency: store.defaultCurrency,
			category: input.category ?? null,
			imageUrl: input.imageUrl ?? null,
			position: input.position ?? 0,
			disabled: input.disabled ?? false,
			createdAt: now,
			updatedAt: now
		};
		await insertProduct(db, row);
		await audit(c, { storeId: store.id, action: 'product.create', target: row.id, details: { title: row.title, price: input.price } });
		return c.json(toProductData(row), 200);
	})
	.put('/stores/:storeId/products/:productId', storePermission(STORE.modifyProducts), validate('json', productInputSchema), async (c) => {
		const input = c.req.valid('json');
		const db = database(c.env.DB);
		const store = await findStore(db, c.req.param('storeId'));
		if (!store) throw new ApiError('store-not-found', 'The store could not be found.');
		const row = await updateProduct(db, store.id, c.req.param('productId'), {
			title: input.title,
			description: input.description ?? null,
			priceMinor: priceIn(input.price, store.defaultCurrency),
			currency: store.defaultCurrency,
			category: input.category ?? null,
			imageUrl: input.imageUrl ?? null,
			...(input.position !== undefined ? { position: input.position } : {}),
			...(input.disabled !== undefined ? { disabled: input.disabled } : {}),
			updatedAt: Date.now()
		});
		if (!row) throw new ApiError('not-found', 'The product could not be found.');
		await audit(c, { storeId: store.id, action: 'product.update', target: row.id, details: { title: row.title, price: input.price } });
		return c.json(toProductData(row), 200);
	})
	.delete('/stores/:storeId/products/:productId', storePermission(STORE.modifyProducts), async (c) => {
		const deleted = await deleteProduct(database(c.env.DB), c.req.param('storeId'), c.req.param('productId'));
		if (!deleted) throw new ApiError('not-found', 'The product could not be found.');
		await audit(c, { storeId: c.req.param('storeId'), action: 'product.delete', target: c.req.param('productId') });
		return c.body(null, 200);
	});
