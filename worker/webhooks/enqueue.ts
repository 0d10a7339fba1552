// Turns an invoice change's events into webhook deliveries for the store's webhooks that want
// them; the deliveries are written in the same batch as the change (worker/data/invoices.ts).
import type { DeliveryInsert, InvoiceRow } from '../data/invoices';
import type { WebhookRow } from '../data/webhooks';
import type { InvoiceEvent } from '../domain/invoice-state';
import { btc } from '../invoices/amounts';
import { isEventAuthorized, type AuthorizedEvents } from './events';
import { buildInvoiceEventPayload, newDeliveryId, type InvoiceEventPayloadInput, type JsonObject } from './payload';

export type CreatedEvent = { type: 'InvoiceCreated' };

function payloadInput(
	event: InvoiceEvent | CreatedEvent,
	common: Omit<Extract<InvoiceEventPayloadInput, { type: 'InvoiceCreated' }>, 'type' | 'extra'>,
	bolt11: string | null
): InvoiceEventPayloadInput {
	switch (event.type) {
		case 'InvoiceCreated':
		case 'InvoiceExpiredPaidPartial':
		case 'InvoicePaidAfterExpiration':
			return { ...common, type: event.type, extra: {} };
		case 'InvoiceReceivedPayment':
		case 'InvoicePaymentSettled':
			return {
				...common,
				type: event.type,
				extra: {
					afterExpiration: event.payment.afterExpiration,
					paymentMethodId: 'BTC-LN',
					payment: {
						id: event.payment.id,
						receivedDate: Math.floor(event.payment.receivedAt / 1000),
						value: btc(event.payment.amountMsat),
						fee: '0',
						status: 'Settled',
						destination: bolt11
					}
				}
			};
		case 'InvoiceProcessing':
			return { ...common, type: event.type, extra: { overPaid: event.overPaid } };
		case 'InvoiceSettled':
			return { ...common, type: event.type, extra: { manuallyMarked: event.manuallyMarked, overPaid: event.overPaid } };
		case 'InvoiceExpired':
			return { ...common, type: event.type, extra: { partiallyPaid: event.partiallyPaid } };
		case 'InvoiceInvalid':
			return { ...common, type: event.type, extra: { manuallyMarked: event.manuallyMarked } };
	}
}

/**
 * One delivery per (enabled webhook × authorized event). `version` is the invoice version the
 * change produces; with the event's index it makes the delivery's event key, so the same change
 * applied twice enqueues nothing twice.
 */
export function deliveriesFor(
	hooks: WebhookRow[],
	invoice: Pick<InvoiceRow, 'id' | 'storeId' | 'metadata' | 'bolt11'>,
	version: number,
	events: ReadonlyArray<InvoiceEvent | CreatedEvent>,
	now: number
): DeliveryInsert[] {
	const out: DeliveryInsert[] = [];
	const metadata = JSON.parse(invoice.metadata) as JsonObject;
	hooks.forEach((hook) => {
		if (!hook.enabled) return;
		const authorized = JSON.parse(hook.authorizedEvents) as AuthorizedEvents;
		events.forEach((event, index) => {
			if (!isEventAuthorized(authorized, event.type)) return;
			const id = newDeliveryId();
			const body = buildInvoiceEventPayload(
				payloadInput(
					event,
					{ deliveryId: id, webhookId: hook.id, timestamp: Math.floor(now / 1000), storeId: invoice.storeId, invoiceId: invoice.id, metadata },
					invoice.bolt11
				)
			);
			out.push({ id, webhookId: hook.id, type: event.type, eventKey: `${invoice.id}/${version}/${index}`, body, createdAt: now });
		});
	});
	return out;
}
