// Greenfield store bodies plus Flashpoint's POS settings, shared with the PWA.
import { z } from 'zod';
import { CURRENCY_CODES } from '../domain/currencies';
import { rateSourceConfigSchema } from '../rates/index';

export const SPEED_POLICIES = ['HighSpeed', 'MediumSpeed', 'LowMediumSpeed', 'LowSpeed'] as const;

const currencyCode = z
	.string()
	.trim()
	.transform((s) => s.toUpperCase())
	.refine((s) => CURRENCY_CODES.includes(s) || s === 'BTC' || s === 'SATS', {
		error: 'Use an ISO 4217 currency code such as JMD or USD, or BTC or SATS.'
	});

export const rateSourceSchema = rateSourceConfigSchema;

export type RateSourceSetting = z.infer<typeof rateSourceSchema>;

/** Settings kept in the stores.settings JSON column, with their defaults. */
export const storeSettingsSchema = z.object({
	website: z.url().nullable().default(null),
	monitoringExpiration: z.number().int().min(60).max(30 * 86400).default(86400),
	paymentTolerance: z.number().min(0).max(100).default(0),
	anyoneCanCreateInvoice: z.boolean().default(false),
	/** Preset tip percentages offered on the POS; empty hides tips. */
	tipPercentages: z.array(z.number().int().min(1).max(100)).max(6).default([10, 15, 20]),
	customTipEnabled: z.boolean().default(true),
	rateSource: rateSourceSchema.default({ kind: 'fixed' })
});

export type StoreSettings = z.infer<typeof storeSettingsSchema>;

const storeFields = {
	name: z.string().trim().min(1, { error: 'A store needs a name.' }).max(100),
	defaultCurrency: currencyCode,
	invoiceExpiration: z.number().int().min(30).max(30 * 86400),
	speedPolicy: z.enum(SPEED_POLICIES),
	website: z.url().nullable(),
	monitoringExpiration: z.number().int().min(60).max(30 * 86400),
	paymentTolerance: z.number().min(0).max(100),
	anyoneCanCreateInvoice: z.boolean(),
	tipPercentages: z.array(z.number().int().min(1).max(100)).max(6),
	customTipEnabled: z.boolean(),
	rateSource: rateSourceSchema
};

export const createStoreSchema = z.object({
	...storeFields,
	defaultCurrency: storeFields.defaultCurrency.default('USD'),
	invoiceExpiration: storeFields.invoiceExpiration.default(900),
	speedPolicy: storeFields.speedPolicy.default('MediumSpeed')
}).partial({
	website: true,
	monitoringExpiration: true,
	paymentTolerance: true,
	anyoneCanCreateInvoice: true,
	tipPercentages: true,
	customTipEnabled: true,
	rateSource: true
});

/** PUT: fields given replace the current ones; fields left out keep their value. */
export const updateStoreSchema = z.object(storeFields).partial();

/** Greenfield's StoreData with Flashpoint's POS settings beside it. */
export type StoreData = {
	id: string;
	name: string;
	website: string | null;
	defaultCurrency: string;
	invoiceExpiration: number;
	monitoringExpiration: number;
	speedPolicy: (typeof SPEED_POLICIES)[number];
	paymentTolerance: number;
	anyoneCanCreateInvoice: boolean;
	archived: boolean;
	tipPercentages: number[];
	customTipEnabled: boolean;
	rateSource: RateSourceSetting;
	/** The node kind the store relays to, or null before one is connected. */
	nodeKind: string | null;
	/** True while the store runs on the simulated node: no real money moves. */
	testMode: boolean;
};
