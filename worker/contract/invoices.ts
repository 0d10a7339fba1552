// Greenfield invoice bodies and responses (POST/GET /api/v1/stores/{storeId}/invoices,
// GET /api/v1/invoices/{invoiceId}, …/payment-methods, …/status), shared with the PWA.
import { z } from 'zod';
import { INVOICE_STATUSES, type AdditionalStatus, type InvoiceStatus } from '../domain/invoice-state';
import { SPEED_POLICIES } from './stores';

const decimalString = z
	.string({ error: 'Amounts are decimal strings, such as "12.50".' })
	.trim()
	.regex(/^\d+(\.\d+)?$/, { error: 'Amounts are decimal strings of digits, such as "12.50" (no sign, no exponent).' });

/** Greenfield invoice metadata is free-form JSON; kept small so a row stays small. */
const metadataSchema = z
	.record(z.string(), z.unknown())
	.refine((m) => JSON.stringify(m).length <= 16_384, { error: 'Metadata is limited to 16 KB of JSON.' })
	.refine((m) => m.orderId === undefined || m.orderId === null || typeof m.orderId === 'string', {
		error: 'metadata.orderId must be a string.',
		path: ['orderId']
	})
	.refine((m) => m.itemDesc === undefined || m.itemDesc === null || typeof m.itemDesc === 'string', {
		error: 'metadata.itemDesc must be a string.',
		path: ['itemDesc']
	});

export const checkoutOptionsSchema = z.object({
	speedPolicy: z.enum(SPEED_POLICIES).nullish(),
	paymentMethods: z
		.array(z.string())
		.nullish()
		.refine((m) => !m || m.length === 0 || m.includes('BTC-LN') || m.includes('BTC-LightningNetwork'), {
			error: 'This server takes Lightning payments: include "BTC-LN" in paymentMethods.'
		}),
	defaultPaymentMethod: z.string().nullish(),
	lazyPaymentMethods: z.boolean().nullish(),
	expirationMinutes: z
		.number()
		.min(0.5, { error: 'An invoice must stay open at least 30 seconds.' })
		.max(43_200, { error: 'An invoice can stay open at most 30 days.' })
		.nullish(),
	monitoringMinutes: z.number().min(1).max(43_200).nullish(),
	paymentTolerance: z.number().min(0).max(100).nullish(),
	redirectURL: z.string().max(2000).nullish(),
	redirectAutomatically: z.boolean().nullish(),
	defaultLanguage: z.string().max(20).nullish()
});

export const createInvoiceSchema = z.object({
	amount: decimalString.nullish(),
	currency: z.string().trim().max(10).nullish(),
	metadata: metadataSchema.nullish(),
	checkout: checkoutOptionsSchema.nullish(),
	receipt: z.object({ enabled: z.boolean().nullish(), showQR: z.boolean().nullish(), showPayments: z.boolean().nullish() }).nullish(),
	additionalSearchTerms: z.array(z.string().max(200)).max(20).nullish(),
	/** Flashpoint extension: the part of `amount` that is a tip, recorded apart for accounting. */
	tip: decimalString.nullish()
});

export type CreateInvoice = z.infer<typeof createInvoiceSchema>;

export const listInvoicesQuerySchema = z.object({
	orderId: z.union([z.string(), z.array(z.string())]).optional(),
	status: z.union([z.enum(INVOICE_STATUSES), z.array(z.enum(INVOICE_STATUSES))]).optional(),
	textSearch: z.string().max(200).optional(),
	startDate: z.coerce.number().int().nonnegative().optional(),
	endDate: z.coerce.number().int().nonnegative().optional(),
	skip: z.coerce.number().int().min(0).default(0),
	take: z.coerce.number().int().min(1).max(500).default(50),
	includePaymentMethods: z
		.enum(['true', 'false'])
		.optional()
		.transform((v) => v === 'true')
});

export const markInvoiceStatusSchema = z.object({
	status: z.enum(['Settled', 'Invalid'], { error: 'Mark an invoice "Settled" or "Invalid".' })
});

export type GreenfieldPayment = {
	id: string;
	receivedDate: number;
	value: string;
	fee: string;
	status: 'Settled';
	destination: string;
};

/** Greenfield's InvoicePaymentMethodDataModel for BTC-LN. */
export type InvoicePaymentMethod = {
	paymentMethodId: 'BTC-LN';
	currency: 'BTC';
	destination: string;
	paymentLink: string;
	rate: string;
	paymentMethodPaid: string;
	totalPaid: string;
	due: string;
	amount: string;
	paymentMethodFee: string;
	payments: GreenfieldPayment[];
	activated: boolean;
	additionalData: Record<string, never>;
};

/** Greenfield's InvoiceData. */
export type InvoiceData = {
	id: string;
	storeId: string;
	amount: string;
	paidAmount: string;
	currency: string;
	type: 'Standard' | 'TopUp';
	checkoutLink: string;
	createdTime: number;
	expirationTime: number;
	monitoringExpiration: number;
	status: InvoiceStatus;
	additionalStatus: AdditionalStatus;
	availableStatusesForManualMarking: Array<'Settled' | 'Invalid'>;
	archived: boolean;
	metadata: Record<string, unknown>;
	checkout: Record<string, unknown>;
	receipt: Record<string, unknown>;
	paymentMethods?: InvoicePaymentMethod[];
};

/** What the customer's page and the POS show (public, by invoice id: ids are unguessable). */
export type CheckoutView = {
	id: string;
	storeId: string;
	storeName: string;
	status: InvoiceStatus;
	additionalStatus: AdditionalStatus;
	currency: string;
	amount: string;
	tip: string;
	amountSats: string;
	paidSats: string;
	dueSats: string;
	bolt11: string | null;
	paymentLink: string | null;
	rate: string | null;
	rateSource: string | null;
	createdTime: number;
	expirationTime: number;
	testMode: boolean;
	/** The simulated node's test wallet can pay this invoice (not a real node on a test network). */
	testWallet: boolean;
	itemDesc: string | null;
	orderId: string | null;
	receiptData: Record<string, unknown> | null;
	payments: Array<{ id: string; receivedDate: number; sats: string; afterExpiration: boolean }>;
	/** The server's clock (unix ms) so a countdown is right on a device with a wrong clock. */
	serverTime: number;
};
