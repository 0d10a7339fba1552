// Sends webhook deliveries, in order per webhook, off the payment path: after an invoice change
// (in the background) and from the cron sweep (retries and anything missed). One sender holds a
// webhook's lease at a time; the earliest undelivered event goes first and later ones wait until
// it succeeded or its retries ran out (BTCPay: 10 s, 1 min, then 10 min six times).
import { database } from '../db/client';
import {
	findWebhook,
	finishAttempt,
	firstPendingDelivery,
	releaseLease,
	takeLease,
	webhooksWithDueDeliveries,
	type DeliveryRow,
	type WebhookRow
} from '../data/webhooks';
import type { WorkerEnv } from '../env';
import { unseal } from '../secrets/seal';
import { buildRedeliveryPayload, newDeliveryId } from './payload';
import { classifyResponse, nextAttemptDelay, type AttemptResult } from './schedule';
import { deliveryHeaders } from './signature';
import { checkWebhookUrl } from './url-policy';
import { isProduction } from '../env';

export const webhookSecretContext = (webhookId: string) => `webhook-secret:${webhookId}`;

const LEASE_MS = 60_000;
const ATTEMPT_TIMEOUT_MS = 10_000;
/** Deliveries one sender makes for a webhook before handing over (keeps a sweep bounded). */
const MAX_PER_RUN = 25;

export type Fetcher = (request: Request) => Promise<Response>;

async function attempt(fetcher: Fetcher, hook: WebhookRow, secret: string, body: string, production: boolean): Promise<AttemptResult> {
	const allowed = checkWebhookUrl(hook.url, { production });
	if (!allowed.ok) return { error: allowed.message };
	try {
		const response = await fetcher(
			new Request(allowed.url, {
				method: 'POST',
				headers: deliveryHeaders(secret, body),
				body,
				redirect: 'manual',
				signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)
			})
		);
		// The body is not needed; cancel it so the connection is freed.
		await response.body?.cancel();
		return { httpCode: response.status };
	} catch (error) {
		return { error: error instanceof Error ? error.message : String(error) };
	}
}

/** Works through one webhook's queue while deliveries are due. Returns how many were sent. */
export async function sendWebhookQueue(env: WorkerEnv, webhookId: string, now: () => number, fetcher: Fetcher): Promise<number> {
	const db = database(env.DB);
	if (!(await takeLease(db, webhookId, now(), now() + LEASE_MS))) return 0;
	let sent = 0;
	try {
		const hook = await findWebhook(db, webhookId);
		if (!hook) return 0;
		const secret = await unseal(env, hook.sealedSecret, webhookSecretContext(hook.id));
		while (sent < MAX_PER_RUN) {
			const delivery = await firstPendingDelivery(db, webhookId);
			if (!delivery || (delivery.nextAttemptAt ?? 0) > now()) break;
			const result = await attempt(fetcher, hook, secret, delivery.body, isProduction(env));
			const outcome = classifyResponse(result);
			sent++;
			const retry = outcome.retry && hook.automaticRedelivery ? retryOf(hook, delivery, now()) : null;
			await finishAttempt(
				db,
				{
					id: delivery.id,
					status: outcome.status,
					httpCode: 'httpCode' in result ? result.httpCode : null,
					errorMessage: outcome.errorMessage,
					deliveredAt: now()
				},
				retry
			);
			// A failed event holds back the later ones until its retry; stop here.
			if (outcome.status !== 'HttpSuccess' && retry) break;
		}
	} finally {
		await releaseLease(db, webhookId);
	}
	return sent;
}

function retryOf(hook: WebhookRow, delivery: DeliveryRow, now: number) {
	const attemptsMade = delivery.attempt + 1;
	const delay = nextAttemptDelay(attemptsMade);
	if (delay === null) return null;
	const id = newDeliveryId();
	return {
		id,
		webhookId: hook.id,
		originalDeliveryId: delivery.originalDeliveryId,
		seq: delivery.seq,
		attempt: attemptsMade,
		type: delivery.type,
		invoiceId: delivery.invoiceId,
		eventKey: delivery.eventKey,
		body: buildRedeliveryPayload(delivery.body, { deliveryId: id, webhookId: hook.id, redeliveredDeliveryId: delivery.id }),
		createdAt: now,
		nextAttemptAt: now + delay
	};
}

/** Sends every due delivery (the cron's job, and the background job after a change). */
export async function sendDueWebhooks(env: WorkerEnv, now: () => number, fetcher: Fetcher): Promise<number> {
	const db = database(env.DB);
	let sent = 0;
	for (const webhookId of await webhooksWithDueDeliveries(db, now(), 50)) {
		sent += await sendWebhookQueue(env, webhookId, now, fetcher);
	}
	return sent;
}
