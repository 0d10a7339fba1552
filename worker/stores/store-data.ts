// Maps a store row (columns plus the settings JSON) to the Greenfield StoreData the API returns.
import { storeSettingsSchema, type StoreData, type StoreSettings } from '../contract/stores';
import type { StoreRow } from '../data/stores';

export function readSettings(row: Pick<StoreRow, 'settings'>): StoreSettings {
	const parsed = storeSettingsSchema.safeParse(JSON.parse(row.settings || '{}'));
	// Settings written by an older release may lack newer fields: defaults fill them.
	return parsed.success ? parsed.data : storeSettingsSchema.parse({});
}

export function toStoreData(row: StoreRow, nodeKind: string | null, testMode = nodeKind === 'simulated'): StoreData {
	const settings = readSettings(row);
	return {
		id: row.id,
		name: row.name,
		website: settings.website,
		defaultCurrency: row.defaultCurrency,
		invoiceExpiration: row.invoiceExpirationSeconds,
		monitoringExpiration: settings.monitoringExpiration,
		speedPolicy: row.speedPolicy as StoreData['speedPolicy'],
		paymentTolerance: settings.paymentTolerance,
		anyoneCanCreateInvoice: settings.anyoneCanCreateInvoice,
		archived: false,
		tipPercentages: settings.tipPercentages,
		customTipEnabled: settings.customTipEnabled,
		rateSource: settings.rateSource,
		nodeKind,
		testMode
	};
}
