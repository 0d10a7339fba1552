// The body of an invoice webhook, byte for byte as BTCPay Server builds it: Newtonsoft.Json with
// camelCase names, Formatting.Indented (two spaces, "\n" on Linux, no final newline), UTF-8
// without BOM. Newtonsoft orders properties with no explicit JsonProperty.Order first, most
// derived class first, so the event-specific fields (manuallyMarked, overPaid, payment, ...)
// come BEFORE deliveryId, followed by storeId (Order 1), invoiceId (2) and metadata (3); BTCPay
// issue #5496 shows a real InvoiceSettled body in this order.
import { randomBase58 } from '../ids';
import type { InvoiceEventType } from './events';

export type JsonValue =
	| string
	| number
	| boolean
	| null
	| JsonValue[]
	| { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Greenfield's InvoicePaymentMethodDataModel.Payment. */
export type WebhookPayment = {
	id: string;
	/** Unix seconds. */
	receivedDate: number;
	/** Decimal strings, as Greenfield's NumericStringJsonConverter writes them. */
	value: string;
	fee: string;
	status: 'Invalid' | 'Processing' | 'Settled';
	destination: string | null;
};

type NoExtra = Record<string, never>;
type PaymentExtra = { afterExpiration: boolean; paymentMethodId: string; payment: WebhookPayment };

/** The fields each event type adds (WebhookInvoiceEvent.cs in BTCPay 2.x). */
export type InvoiceEventExtra = {
	InvoiceCreated: NoExtra;
	InvoiceReceivedPayment: PaymentExtra;
	InvoiceProcessing: { overPaid: boolean };
	InvoiceExpired: { partiallyPaid: boolean };
	InvoiceSettled: { manuallyMarked: boolean; overPaid: boolean };
	InvoiceInvalid: { manuallyMarked: boolean };
	InvoicePaymentSettled: PaymentExtra;
	InvoiceExpiredPaidPartial: NoExtra;
	InvoicePaidAfterExpiration: NoExtra;
};

type CommonInput = {
	deliveryId: string;
	webhookId: string;
	/**
	 * Omit for a first delivery: it then equals deliveryId, as in BTCPay. Redeliveries and
	 * retries are built from the stored body by buildRedeliveryPayload, not here.
	 */
	originalDeliveryId?: string;
	/**
	 * Defaults to originalDeliveryId !== deliveryId. BTCPay's "send test webhook" uses
	 * originalDeliveryId `__test__<guid>__test__` with isRedelivery false.
	 */
	isRedelivery?: boolean;
	/**
	 * Unix seconds when this delivery was created (BTCPay copies delivery.Timestamp); the
	 * redeliveries of it keep this value.
	 */
	timestamp: number;
	storeId: string;
	invoiceId: string;
	/**
	 * The invoice's metadata, `{}` when it has none (BTCPay never sends null). As a JS object,
	 * integer-like keys ("2") come first when serialised, where BTCPay keeps the posted order.
	 */
	metadata: JsonObject;
};

export type InvoiceEventPayloadInput = {
	[T in InvoiceEventType]: CommonInput & { type: T; extra: InvoiceEventExtra[T] };
}[InvoiceEventType];

/** Delivery ids are Base58 of 16 random bytes, as BTCPay's NewWebhookDelivery makes them. */
export const newDeliveryId = (): string => randomBase58(16);

/** The extra fields in declaration order, whatever order the caller wrote them in. */
function extraFields(input: InvoiceEventPayloadInput): Array<[string, JsonValue]> {
	switch (input.type) {
		case 'InvoiceSettled':
			return [
				['manuallyMarked', input.extra.manuallyMarked],
				['overPaid', input.extra.overPaid]
			];
		case 'InvoiceInvalid':
			return [['manuallyMarked', input.extra.manuallyMarked]];
		case 'InvoiceProcessing':
			return [['overPaid', input.extra.overPaid]];
		case 'InvoiceExpired':
			return [['partiallyPaid', input.extra.partiallyPaid]];
		case 'InvoiceReceivedPayment':
		case 'InvoicePaymentSettled': {
			const p = input.extra.payment;
			assertUnixSeconds(p.receivedDate, 'payment.receivedDate');
			return [
				['afterExpiration', input.extra.afterExpiration],
				['paymentMethodId', input.extra.paymentMethodId],
				[
					'payment',
					{
						id: p.id,
						receivedDate: p.receivedDate,
						value: p.value,
						fee: p.fee,
						status: p.status,
						destination: p.destination
					}
				]
			];
		}
		case 'InvoiceCreated':
		case 'InvoiceExpiredPaidPartial':
		case 'InvoicePaidAfterExpiration':
			return [];
	}
}

function assertUnixSeconds(value: number, name: string): void {
	if (!Number.isSafeInteger(value) || value < 0) {
		throw new RangeError(`${name} must be whole Unix seconds, got ${value}`);
	}
}

// Newtonsoft's default string escaping also escapes U+0085, U+2028 and U+2029, which
// JSON.stringify leaves raw. Outside strings they cannot occur in JSON text, so replacing every
// occurrence only touches string contents.
const NEWTONSOFT_EXTRA_ESCAPES = /[\u0085\u2028\u2029]/g;

function serialize(value: JsonValue | Record<string, JsonValue>): string {
	return JSON.stringify(value, null, 2).replace(
		NEWTONSOFT_EXTRA_ESCAPES,
		(c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
	);
}

/**
 * The exact body of a first delivery. Sign and send these bytes, and store them: the Greenfield
 * `.../deliveries/{id}/request` endpoint returns them and redeliveries are built from them.
 */
export function buildInvoiceEventPayload(input: InvoiceEventPayloadInput): string {
	if (!input.deliveryId) throw new RangeError('deliveryId is required');
	assertUnixSeconds(input.timestamp, 'timestamp');
	const body: Record<string, JsonValue> = {};
	for (const [key, value] of extraFields(input)) body[key] = value;
	body.deliveryId = input.deliveryId;
	body.webhookId = input.webhookId;
	// BTCPay sets OriginalDeliveryId to the delivery's own id on the first delivery.
	body.originalDeliveryId = input.originalDeliveryId ?? input.deliveryId;
	body.isRedelivery = input.isRedelivery ?? body.originalDeliveryId !== input.deliveryId;
	body.type = input.type;
	body.timestamp = input.timestamp;
	body.storeId = input.storeId;
	body.invoiceId = input.invoiceId;
	body.metadata = input.metadata;
	return serialize(body);
}

/** Splits a JSON object's text into its top-level members, each kept as raw text. */
function topLevelMembers(text: string): Array<{ key: string; rawKey: string; rawValue: string }> {
	const members: Array<{ key: string; rawKey: string; rawValue: string }> = [];
	let i = text.indexOf('{') + 1;
	const skipSpace = () => {
		while (i < text.length && /\s/.test(text[i]!)) i++;
	};
	const readString = (): string => {
		const start = i;
		i++; // opening quote
		while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
		i++;
		return text.slice(start, i);
	};
	skipSpace();
	if (text[i] === '}') return members;
	for (;;) {
		skipSpace();
		const rawKey = readString();
		skipSpace();
		i++; // colon
		skipSpace();
		const start = i;
		let depth = 0;
		while (i < text.length) {
			const c = text[i]!;
			if (c === '"') {
				readString();
				continue;
			}
			if (c === '{' || c === '[') depth++;
			else if (c === '}' || c === ']') {
				if (depth === 0) break;
				depth--;
			} else if (c === ',' && depth === 0) break;
			i++;
		}
		const rawValue = text.slice(start, i).trimEnd();
		members.push({ key: JSON.parse(rawKey) as string, rawKey, rawValue });
		if (text[i] === '}') return members;
		i++; // comma
	}
}

const BASE_FIELDS = new Set([
	'deliveryId',
	'webhookId',
	'originalDeliveryId',
	'isRedelivery',
	'type',
	'timestamp'
]);

/**
 * The body of a redelivery (manual, or an automatic retry), from the stored body of the delivery
 * being redelivered, as BTCPay's WebhookSender.CreateRedeliveryRequest makes it: a new
 * deliveryId, isRedelivery true, originalDeliveryId kept when present (a redelivery of a
 * redelivery still points at the first) or else the redelivered delivery's id, and type and
 * timestamp unchanged (the event's time, not the retry's). BTCPay re-reads the body as the base
 * WebhookEvent, so the six base fields now come first and every other field follows as JSON
 * extension data, in its stored order and with its stored text.
 */
export function buildRedeliveryPayload(
	storedBody: string,
	input: { deliveryId: string; webhookId: string; redeliveredDeliveryId: string }
): string {
	const parsed: unknown = JSON.parse(storedBody);
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new TypeError('A stored webhook body is a JSON object');
	}
	const stored = parsed as Record<string, unknown>;
	if (typeof stored.type !== 'string') throw new TypeError('The stored webhook body has no type');
	if (typeof stored.timestamp !== 'number') {
		throw new TypeError('The stored webhook body has no timestamp');
	}
	const original =
		typeof stored.originalDeliveryId === 'string' && stored.originalDeliveryId
			? stored.originalDeliveryId
			: input.redeliveredDeliveryId;
	const head: Array<[string, string]> = [
		['"deliveryId"', serialize(input.deliveryId)],
		['"webhookId"', serialize(input.webhookId)],
		['"originalDeliveryId"', serialize(original)],
		['"isRedelivery"', 'true'],
		['"type"', serialize(stored.type)],
		['"timestamp"', serialize(stored.timestamp)]
	];
	const rest = topLevelMembers(storedBody)
		.filter((m) => !BASE_FIELDS.has(m.key))
		.map((m): [string, string] => [m.rawKey, m.rawValue]);
	const lines = [...head, ...rest].map(([key, value]) => `  ${key}: ${value}`);
	return `{\n${lines.join(',\n')}\n}`;
}
