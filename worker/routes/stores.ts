// Greenfield stores: POST/GET /api/v1/stores, GET/PUT/DELETE /api/v1/stores/{storeId}.
import { Hono } from 'hono';
import { createStoreSchema, storeSettingsSchema, updateStoreSchema } from '../contract/stores';
import { database } from '../db/client';
import {
	deleteStore,
	findStore,
	insertStoreWithOwner,
	listAllStores,
	listStoresOfUser,
	updateStore,
	type StoreRow
} from '../data/stores';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { newStoreId } from '../ids';
import { principalAllows, signedIn, storePermission } from '../auth/authorize';
import { STORE } from '../auth/permissions';
import { readSettings, toStoreData } from '../stores/store-data';
import { nodeSummary, testModeOf } from '../nodes/registry';
import { validate } from '../validation';
import { audit } from '../auth/audit';
import { accountOf } from '../auth/principal';

/** The store as the API shows it, with its node read once. */
async function storeView(env: AppEnv['Bindings'], row: StoreRow) {
	const summary = await nodeSummary(env, row.id);
	return toStoreData(row, summary?.kind ?? null, testModeOf(summary));
}

export const storeRoutes = new Hono<AppEnv>()
	.get('/stores', signedIn, async (c) => {
		const principal = c.get('principal');
		const account = accountOf(principal);
		if (!account) throw new ApiError('unauthenticated', 'Sign in first.');
		const db = database(c.env.DB);
		const candidates = account.isAdmin ? await listAllStores(db) : await listStoresOfUser(db, account.userId);
		const visible = [];
		for (const store of candidates) {
			if (await principalAllows(db, principal, STORE.viewStoreSettings, store.id)) {
				visible.push(await storeView(c.env, store));
			}
		}
		return c.json(visible, 200);
	})
	.post('/stores', signedIn, validate('json', createStoreSchema), async (c) => {
		const principal = c.get('principal');
		const account = principal.kind === 'user' || principal.kind === 'apiKey' ? accountOf(principal) : null;
		if (!account) throw new ApiError('missing-permission', 'Create stores from your own account, not from a till.');
		// Greenfield: creating a store needs canmodifystoresettings not scoped to a store.
		if (principal.kind === 'apiKey' && !principal.grants.some((g) => g.storeId === null && (g.permission === 'unrestricted' || g.permission === STORE.modifyStoreSettings))) {
			throw new ApiError('missing-permission', `Creating a store needs an API key with ${STORE.modifyStoreSettings} for all stores.`);
		}
		const input = c.req.valid('json');
		const settings = storeSettingsSchema.parse({
			website: input.website,
			monitoringExpiration: input.monitoringExpiration,
			paymentTolerance: input.paymentTolerance,
			anyoneCanCreateInvoice: input.anyoneCanCreateInvoice,
			tipPercentages: input.tipPercentages,
			customTipEnabled: input.customTipEnabled,
			rateSource: input.rateSource
		});
		const id = newStoreId();
		const now = Date.now();
		const db = database(c.env.DB);
		await insertStoreWithOwner(
			db,
			{
				id,
				name: input.name,
				defaultCurrency: input.defaultCurrency,
				invoiceExpirationSeconds: input.invoiceExpiration,
				speedPolicy: input.speedPolicy,
				settings: JSON.stringify(settings),
				createdAt: now
			},
			account.userId
		);
		const store = await findStore(db, id);
		await audit(c, { storeId: id, action: 'store.create', target: id, details: { name: input.name } });
		return c.json(toStoreData(store!, null), 200);
	})
	.get('/stores/:storeId', storePermission(STORE.viewStoreSettings), async (c) => {
		const db = database(c.env.DB);
		const store = await findStore(db, c.req.param('storeId'));
		if (!store) throw new ApiError('not-found', 'The store could not be found.');
		return c.json(await storeView(c.env, store), 200);
	})
	.put('/stores/:storeId', storePermission(STORE.modifyStoreSettings), validate('json', updateStoreSchema), async (c) => {
		const input = c.req.valid('json');
		const db = database(c.env.DB);
		const store = await findStore(db, c.req.param('storeId'));
		if (!store) throw new ApiError('not-found', 'The store could not be found.');
		const current = readSettings(store);
		const settings = storeSettingsSchema.parse({
			...current,
			...Object.fromEntries(
				(['website', 'monitoringExpiration', 'paymentTolerance', 'anyoneCanCreateInvoice', 'tipPercentages', 'customTipEnabled', 'rateSource'] as const)
					.filter((k) => input[k] !== undefined)
					.map((k) => [k, input[k]])
			)
		});
		const updated = await updateStore(db, store.id, {
			name: input.name ?? store.name,
			defaultCurrency: input.defaultCurrency ?? store.defaultCurrency,
			invoiceExpirationSeconds: input.invoiceExpiration ?? store.invoiceExpirationSeconds,
			speedPolicy: input.speedPolicy ?? store.speedPolicy,
			settings: JSON.stringify(settings)
		});
		await audit(c, { storeId: store.id, action: 'store.update', target: store.id, details: input });
		return c.json(await storeView(c.env, updated!), 200);
	})
	.delete('/stores/:storeId', storePermission(STORE.modifyStoreSettings), async (c) => {
		const deleted = await deleteStore(database(c.env.DB), c.req.param('storeId'));
		if (!deleted) throw new ApiError('not-found', 'The store could not be found.');
		await audit(c, { storeId: c.req.param('storeId'), action: 'store.delete', target: c.req.param('storeId') });
		return c.body(null, 200);
	});
