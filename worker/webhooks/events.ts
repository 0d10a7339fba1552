// Webhook event types, which events a webhook takes, and the Greenfield bodies that create and
// update webhooks (POST/PUT /api/v1/stores/{storeId}/webhooks[/{webhookId}]), modelled on BTCPay
// Server's StoreWebhookBaseData, AuthorizedWebhookEvents and the Greenfield webhooks swagger.
import { z } from 'zod';
import { randomBase58 } from '../ids';
import type { WebhookDeliveryStatus } from './schedule';

/**
 * Invoice events in BTCPay's order (WebhookEventType, InvoiceTriggerProvider). The first seven
 * are documented in Greenfield; the last two exist since BTCPay 2.1.2 and carry no extra fields.
 */
export const INVOICE_EVENT_TYPES = [
	'InvoiceCreated',
	'InvoiceReceivedPayment',
	'InvoiceProcessing',
	'InvoiceExpired',
	'InvoiceSettled',
	'InvoiceInvalid',
	'InvoicePaymentSettled',
	'InvoiceExpiredPaidPartial',
	'InvoicePaidAfterExpiration'
] as const;

export type InvoiceEventType = (typeof INVOICE_EVENT_TYPES)[number];

export function isInvoiceEventType(value: string): value is InvoiceEventType {
	return (INVOICE_EVENT_TYPES as readonly string[]).includes(value);
}

export type AuthorizedEvents = { everything: boolean; specificEvents: readonly string[] };

/** BTCPay's AuthorizedWebhookEvents.Match: everything, or an exact (case-sensitive) listing. */
export function isEventAuthorized(authorizedEvents: AuthorizedEvents, type: string): boolean {
	return authorizedEvents.everything || authorizedEvents.specificEvents.includes(type);
}

/** BTCPay's WebhookBlob.ShouldDeliver, checked again before every retry as BTCPay does. */
export function shouldDeliver(
	webhook: { enabled: boolean; authorizedEvents: AuthorizedEvents },
	type: string
): boolean {
	return webhook.enabled && isEventAuthorized(webhook.authorizedEvents, type);
}

/** Webhook ids are Base58 of 16 random bytes, as BTCPay's StoreRepository.CreateWebhook makes. */
export const newWebhookId = (): string => randomBase58(16);

export const MAX_WEBHOOK_URL_LENGTH = 2048;
export const MAX_WEBHOOK_SECRET_LENGTH = 256;
export const MAX_SPECIFIC_EVENTS = 100;

// Greenfield clients written against BTCPay send the whole StoreWebhookBaseData (often with `id`
// or nulls), so the objects are not strict, and an absent or null field takes BTCPay's default.
const flag = (fallback: boolean) =>
	z
		.boolean({ error: 'Use true or false.' })
		.nullish()
		.transform((value) => value ?? fallback);

const authorizedEventsSchema = z
	.object({
		// BTCPay's AuthorizedEventsData defaults Everything to true even when specificEvents is
		// given, so `{ specificEvents: [...] }` alone still subscribes to everything there too.
		everything: flag(true),
		// Any event name is kept, as BTCPay keeps it: clients also list payout and payment-request
		// events that Flashpoint does not send, and refusing them would break their setup.
		specificEvents: z
			.array(z.string({ error: 'Event names are strings.' }).min(1).max(100), {
				error: 'List the event names, for example ["InvoiceSettled"].'
			})
			.max(MAX_SPECIFIC_EVENTS, { error: `List at most ${MAX_SPECIFIC_EVENTS} events.` })
			.nullish()
			.transform((value) => value ?? [])
	})
	.nullish()
	.transform((value) => value ?? { everything: true, specificEvents: [] });

const webhookBodySchema = z.object({
	// Only the shape is checked here; `checkWebhookUrl` (url-policy) decides where deliveries
	// may go, since that depends on production or development.
	url: z
		.string({ error: 'Enter the URL that receives the webhook, starting with https://.' })
		.trim()
		.min(1, { error: 'Enter the URL that receives the webhook, starting with https://.' })
		.max(MAX_WEBHOOK_URL_LENGTH, {
			error: `Use a URL of at most ${MAX_WEBHOOK_URL_LENGTH} characters.`
		}),
	enabled: flag(true),
	automaticRedelivery: flag(true),
	authorizedEvents: authorizedEventsSchema,
	// An empty or absent secret means "generate one" on create and "keep the current one" on
	// update (BTCPay's string.IsNullOrEmpty checks in CreateWebhook and UpdateWebhook).
	secret: z
		.string({ error: 'The secret must be a string.' })
		.max(MAX_WEBHOOK_SECRET_LENGTH, {
			error: `Use a secret of at most ${MAX_WEBHOOK_SECRET_LENGTH} characters.`
		})
		.nullish()
		.transform((value) => (value ? value : null))
});

/** POST body. `secret: null` after parsing means: generate one and return it in this response. */
export const createWebhookSchema = webhookBodySchema;

/**
 * PUT body: a whole replacement, as in BTCPay, so omitted flags fall back to their defaults
 * rather than to the stored values; only an empty or absent secret keeps the stored one.
 */
export const updateWebhookSchema = webhookBodySchema;

export type CreateWebhook = z.output<typeof createWebhookSchema>;
export type UpdateWebhook = z.output<typeof updateWebhookSchema>;

/** Greenfield's StoreWebhookData (WebhookData / WebhookDataCreate in the swagger). */
export type WebhookData = {
	id: string;
	enabled: boolean;
	/** Only in the answer to the create request; never listed afterwards. */
	secret?: string;
	automaticRedelivery: boolean;
	url: string;
	authorizedEvents: { everything: boolean; specificEvents: string[] };
};

/** Builds the Greenfield object in BTCPay's key order; the secret only when asked (on create). */
export function toWebhookData(
	webhook: {
		id: string;
		enabled: boolean;
		automaticRedelivery: boolean;
		url: string;
		authorizedEvents: AuthorizedEvents;
		secret: string;
	},
	options: { includeSecret: boolean }
): WebhookData {
	return {
		id: webhook.id,
		enabled: webhook.enabled,
		...(options.includeSecret ? { secret: webhook.secret } : {}),
		automaticRedelivery: webhook.automaticRedelivery,
		url: webhook.url,
		authorizedEvents: {
			everything: webhook.authorizedEvents.everything,
			specificEvents: [...webhook.authorizedEvents.specificEvents]
		}
	};
}

/**
 * Greenfield's WebhookDeliveryData. Times are Unix seconds; `sentTimestamp` is in the swagger
 * and the client model, though BTCPay's controller leaves it null.
 */
export type WebhookDeliveryData = {
	id: string;
	timestamp: number;
	sentTimestamp: number | null;
	httpCode: number | null;
	errorMessage: string | null;
	status: WebhookDeliveryStatus;
};
