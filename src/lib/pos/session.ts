// The till's credentials on this device: an API key scoped to one store, kept in localStorage.
// The password never is: it is used once to list the stores and create the key, then dropped.
const STORAGE_KEY = 'flashpoint.pos';

export type PosCredentials = { readonly apiKey: string; readonly storeId: string };

export function readCredentials(): PosCredentials | null {
	try {
		const raw = localStorage.getItem(STORAGE_KEY);
		if (!raw) return null;
		const value: unknown = JSON.parse(raw);
		if (
			value &&
			typeof value === 'object' &&
			'apiKey' in value &&
			'storeId' in value &&
			typeof value.apiKey === 'string' &&
			typeof value.storeId === 'string'
		) {
			return { apiKey: value.apiKey, storeId: value.storeId };
		}
	} catch {
		// Storage blocked or a damaged value: sign in again.
	}
	return null;
}

export function saveCredentials(credentials: PosCredentials): void {
	try {
		localStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
	} catch {
		// Private mode: the till works until the page closes.
	}
}

export function forgetCredentials(): void {
	try {
		localStorage.removeItem(STORAGE_KEY);
	} catch {
		// Nothing stored.
	}
}

/** The POS key of this device for a store, if it has one (the customer's page uses it for the test wallet). */
export function credentialsFor(storeId: string): PosCredentials | null {
	const found = readCredentials();
	return found && found.storeId === storeId ? found : null;
}
