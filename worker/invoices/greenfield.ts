// Shapes of invoices as the API returns them: Greenfield's InvoiceData and its BTC-LN payment
// method, and the public checkout view for the customer's page and the POS.
import type { CheckoutView, InvoiceData, InvoicePaymentMethod } from '../contract/invoices';
import type { InvoicePaymentRow, InvoiceRow } from '../data/invoices';
import { markableStatuses, type AdditionalStatus, type InvoiceStatus } from '../domain/invoice-state';
import { btc, invoiceAmount, paidInInvoiceCurrency, rateOf, sats, tipAmount } from './amounts';

const seconds = (ms: number) => Math.floor(ms / 1000);

export function toPaymentMethod(row: InvoiceRow, payments: InvoicePaymentRow[]): InvoicePaymentMethod {
	const paid = BigInt(row.paidMsat);
	const amount = BigInt(row.amountMsat);
	return {
		paymentMethodId: 'BTC-LN',
		currency: 'BTC',
		destination: row.bolt11 ?? '',
		paymentLink: row.bolt11 ? `lightning:${row.bolt11}` : '',
		rate: rateOf(row),
		paymentMethodPaid: btc(paid),
		totalPaid: btc(paid),
		due: btc(amount - paid),
		amount: btc(amount),
		paymentMethodFee: '0',
		payments: payments.map((p) => ({
			id: p.id,
			receivedDate: seconds(p.receivedAt),
			value: btc(BigInt(p.amountMsat)),
			fee: btc(BigInt(p.feeMsat)),
			status: 'Settled',
			destination: p.destination
		})),
		activated: row.nodeState === 'created',
		additionalData: {}
	};
}

export function toInvoiceData(
	row: InvoiceRow,
	origin: string,
	paymentMethods?: InvoicePaymentRow[]
): InvoiceData {
	const status = row.status as InvoiceStatus;
	const data: InvoiceData = {
		id: row.id,
		storeId: row.storeId,
		amount: invoiceAmount(row),
		paidAmount: paidInInvoiceCurrency(row, BigInt(row.paidMsat)),
		currency: row.currency,
		type: row.type as 'Standard' | 'TopUp',
		checkoutLink: `${origin}/i/${row.id}`,
		createdTime: seconds(row.createdAt),
		expirationTime: seconds(row.expiresAt),
		monitoringExpiration: seconds(row.monitoringExpiresAt),
		status,
		additionalStatus: row.additionalStatus as AdditionalStatus,
		availableStatusesForManualMarking: markableStatuses(status),
		archived: row.archived,
		metadata: JSON.parse(row.metadata) as Record<string, unknown>,
		checkout: JSON.parse(row.checkout) as Record<string, unknown>,
		receipt: { enabled: true, showQR: true, showPayments: true }
	};
	if (paymentMethods) data.paymentMethods = [toPaymentMethod(row, paymentMethods)];
	return data;
}

export function toCheckoutView(
	row: InvoiceRow,
	storeName: string,
	payments: InvoicePaymentRow[],
	now: number
): CheckoutView {
	const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
	const paid = BigInt(row.paidMsat);
	const due = BigInt(row.amountMsat) - paid;
	return {
		id: row.id,
		storeId: row.storeId,
		storeName,
		status: row.status as InvoiceStatus,
		additionalStatus: row.additionalStatus as AdditionalStatus,
		currency: row.currency,
		amount: invoiceAmount(row),
		tip: tipAmount(row),
		amountSats: sats(BigInt(row.amountMsat)),
		paidSats: sats(paid),
		dueSats: sats(due > 0n ? due : 0n),
		bolt11: row.bolt11,
		paymentLink: row.bolt11 ? `lightning:${row.bolt11.toUpperCase()}` : null,
		rate: row.currency === 'BTC' || row.currency === 'SATS' ? null : row.rate,
		rateSource: row.rateSource,
		createdTime: row.createdAt,
		expirationTime: row.expiresAt,
		testMode: row.testMode,
		testWallet: row.nodeKind === 'simulated',
		itemDesc: typeof metadata.itemDesc === 'string' ? metadata.itemDesc : null,
		orderId: row.orderId,
		receiptData:
			metadata.receiptData && typeof metadata.receiptData === 'object'
				? (metadata.receiptData as Record<string, unknown>)
				: null,
		payments: payments.map((p) => ({
			id: p.id,
			receivedDate: p.receivedAt,
			sats: sats(BigInt(p.amountMsat)),
			afterExpiration: p.afterExpiration
		})),
		serverTime: now
	};
}
