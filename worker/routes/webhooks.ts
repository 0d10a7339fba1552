// Greenfield webhooks: manage a store's webhooks, list their deliveries, read the exact body
// sent, and redeliver. Deliveries themselves are sent by worker/webhooks/sender.ts.
import { Hono, type Context } from 'hono';
import { webhookFetcher } from '../webhooks/outbound';
import { createMiddleware } from 'hono/factory';
import { database } from '../db/client';
import {
	deleteWebhook,
	findDelivery,
	findWebhook,
	insertManualRedelivery,
	insertWebhook,
	listDeliveries,
	listWebhooks,
	updateWebhook,
	type DeliveryRow,
	type WebhookRow
} from '../data/webhooks';
import { isProduction, type AppEnv } from '../env';
import { ApiError, ValidationError } from '../errors';
import { principalAllows, registerGuard, requirePermission, storePermission } from '../auth/authorize';
import { STORE } from '../auth/permissions';
import { seal } from '../secrets/seal';
import { createWebhookSchema, newWebhookId, toWebhookData, updateWebhookSchema, type AuthorizedEvents, type WebhookDeliveryData } from '../webhooks/events';
import { buildRedeliveryPayload, newDeliveryId } from '../webhooks/payload';
import { generateWebhookSecret } from '../webhooks/signature';
import { sendWebhookQueue, webhookSecretContext } from '../webhooks/sender';
import { checkWebhookUrl } from '../webhooks/url-policy';
import { toValidationBody, validate } from '../validation';
import { audit } from '../auth/audit';
import { inBackground } from '../background';

/** Loads the webhook named in the path and checks the caller may manage its store's webhooks. */
const webhookPermission = registerGuard(createMiddleware<AppEnv>(async (c, next) => {
	const principal = c.get('principal');
	if (principal.kind === 'anonymous') await requirePermission(c, STORE.modifyWebhooks, null);
	const db = database(c.env.DB);
	const hook = await findWebhook(db, c.req.param('webhookId') ?? '');
	const storeParam = c.req.param('storeId');
	if (!hook || (storeParam !== undefined && storeParam !== hook.storeId) || !(await principalAllows(db, principal, STORE.modifyWebhooks, hook.storeId))) {
		throw new ApiError('webhook-not-found', 'The webhook could not be found.');
	}
	c.set('webhook', hook);
	await next();
}), { kind: 'store', permission: STORE.modifyWebhooks, via: 'webhookId' });

function checkedUrl(c: Context<AppEnv>, url: string): void {
	const result = checkWebhookUrl(url, { production: isProduction(c.env) });
	if (!result.ok) throw new ValidationError([{ path: 'url', message: result.message }]);
}

const view = (hook: WebhookRow, secret: string | null) =>
	toWebhookData(
		{ ...hook, authorizedEvents: JSON.parse(hook.authorizedEvents) as AuthorizedEvents, secret: secret ?? '' },
		{ includeSecret: secret !== null }
	);

function deliveryData(d: DeliveryRow): WebhookDeliveryData {
	return {
		id: d.id,
		timestamp: Math.floor(d.createdAt / 1000),
		sentTimestamp: d.deliveredAt === null ? null : Math.floor(d.deliveredAt / 1000),
		httpCode: d.httpCode,
		errorMessage: d.errorMessage,
		// A delivery still waiting for its turn is reported as not yet successful.
		status: d.status === 'Pending' ? 'Failed' : (d.status as WebhookDeliveryData['status'])
	};
}

const getOne = (c: Context<AppEnv>) => c.json(view(c.get('webhook'), null), 200);

async function putOne(c: Context<AppEnv>) {
	let json: unknown;
	try {
		json = await c.req.json();
	} catch {
		throw new ApiError('malformed-json', 'The request body is not valid JSON.');
	}
	const parsed = updateWebhookSchema.safeParse(json);
	if (!parsed.success) throw new ValidationError(toValidationBody(parsed.error.issues));
	const input = parsed.data;
	checkedUrl(c, input.url);
	const hook = c.get('webhook');
	const updated = await updateWebhook(database(c.env.DB), hook.id, {
		url: input.url,
		enabled: input.enabled,
		automaticRedelivery: input.automaticRedelivery,
		authorizedEvents: JSON.stringify(input.authorizedEvents),
		...(input.secret ? { sealedSecret: await seal(c.env, input.secret, webhookSecretContext(hook.id)) } : {})
	});
	await audit(c, { storeId: hook.storeId, action: 'webhook.update', target: hook.id, details: { url: input.url, enabled: input.enabled } });
	return c.json(view(updated!, null), 200);
}

async function deleteOne(c: Context<AppEnv>) {
	await deleteWebhook(database(c.env.DB), c.get('webhook').id);
	await audit(c, { storeId: c.get('webhook').storeId, action: 'webhook.delete', target: c.get('webhook').id });
	return c.body(null, 200);
}

async function deliveries(c: Context<AppEnv>) {
	const count = Math.min(Math.max(Number(c.req.query('count') ?? 50) || 50, 1), 500);
	return c.json((await listDeliveries(database(c.env.DB), c.get('webhook').id, count)).map(deliveryData), 200);
}

async function oneDelivery(c: Context<AppEnv>) {
	const d = await findDelivery(database(c.env.DB), c.get('webhook').id, c.req.param('deliveryId') ?? '');
	if (!d) throw new ApiError('not-found', 'The delivery could not be found.');
	return d;
}

async function redeliver(c: Context<AppEnv>) {
	const hook = c.get('webhook');
	const original = await oneDelivery(c);
	const id = newDeliveryId();
	const now = Date.now();
	await insertManualRedelivery(database(c.env.DB), {
		id,
		webhookId: hook.id,
		originalDeliveryId: original.originalDeliveryId,
		type: original.type,
		invoiceId: original.invoiceId,
		body: buildRedeliveryPayload(original.body, { deliveryId: id, webhookId: hook.id, redeliveredDeliveryId: original.id }),
		createdAt: now
	});
	await inBackground(c, sendWebhookQueue(c.env, hook.id, Date.now, webhookFetcher()));
	return c.json(id, 200);
}

export const webhookRoutes = new Hono<AppEnv>()
	.post('/stores/:storeId/webhooks', storePermission(STORE.modifyWebhooks), validate('json', createWebhookSchema), async (c) => {
		const input = c.req.valid('json');
		checkedUrl(c, input.url);
		const id = newWebhookId();
		const secret = input.secret ?? generateWebhookSecret();
		const row = {
			id,
			storeId: c.req.param('storeId'),
			url: input.url,
			sealedSecret: await seal(c.env, secret, webhookSecretContext(id)),
			enabled: input.enabled,
			automaticRedelivery: input.automaticRedelivery,
			authorizedEvents: JSON.stringify(input.authorizedEvents),
			createdAt: Date.now(),
			leaseUntil: null
		};
		await insertWebhook(database(c.env.DB), row);
		await audit(c, { storeId: row.storeId, action: 'webhook.create', target: id, details: { url: input.url } });
		return c.json(view(row, secret), 200);
	})
	.get('/stores/:storeId/webhooks', storePermission(STORE.modifyWebhooks), async (c) => {
		return c.json((await listWebhooks(database(c.env.DB), c.req.param('storeId'))).map((h) => view(h, null)), 200);
	})
	.get('/webhooks/:webhookId', webhookPermission, getOne)
	.get('/stores/:storeId/webhooks/:webhookId', webhookPermission, getOne)
	.put('/webhooks/:webhookId', webhookPermission, putOne)
	.put('/stores/:storeId/webhooks/:webhookId', webhookPermission, putOne)
	.delete('/webhooks/:webhookId', webhookPermission, deleteOne)
	.delete('/stores/:storeId/webhooks/:webhookId', webhookPermission, deleteOne)
	.get('/webhooks/:webhookId/deliveries', webhookPermission, deliveries)
	.get('/stores/:storeId/webhooks/:webhookId/deliveries', webhookPermission, deliveries)
	.get('/webhooks/:webhookId/deliveries/:deliveryId', webhookPermission, async (c) => c.json(deliveryData(await oneDelivery(c)), 200))
	.get('/stores/:storeId/webhooks/:webhookId/deliveries/:deliveryId', webhookPermission, async (c) => c.json(deliveryData(await oneDelivery(c)), 200))
	.get('/webhooks/:webhookId/deliveries/:deliveryId/request', webhookPermission, async (c) => c.body((await oneDelivery(c)).body, 200, { 'content-type': 'application/json' }))
	.get('/stores/:storeId/webhooks/:webhookId/deliveries/:deliveryId/request', webhookPermission, async (c) => c.body((await oneDelivery(c)).body, 200, { 'content-type': 'application/json' }))
	.post('/webhooks/:webhookId/deliveries/:deliveryId/redeliver', webhookPermission, redeliver)
	.post('/stores/:storeId/webhooks/:webhookId/deliveries/:deliveryId/redeliver', webhookPermission, redeliver);
