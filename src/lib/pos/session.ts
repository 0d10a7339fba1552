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

// ---- a paired tablet (terminal mode) ----
const TERMINAL_KEY = 'flashpoint.terminal';
const CASHIER_KEY = 'flashpoint.cashier';

/** The device token a pairing code gave this tablet, and the store it sells for. */
export type TerminalDevice = { readonly token: string; readonly storeId: string; readonly storeName: string; readonly terminalId: string };
/** Whoever entered their PIN last; kept for this tab only (a reload keeps the cashier, a new tab asks). */
export type CashierSession = { readonly token: string; readonly userId: string; readonly name: string; readonly role: string };

function readJson(storage: () => Storage, key: string): Record<string, unknown> | null {
	try {
		const raw = storage().getItem(key);
		const value: unknown = raw ? JSON.parse(raw) : null;
		return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
	} catch {
		return null;
	}
}

function writeJson(storage: () => Storage, key: string, value: object | null): void {
	try {
		if (value) storage().setItem(key, JSON.stringify(value));
		else storage().removeItem(key);
	} catch {
		// Storage blocked: the pairing lasts until the page closes.
	}
}

const strings = (value: Record<string, unknown> | null, keys: readonly string[]): boolean =>
	value !== null && keys.every((k) => typeof value[k] === 'string');

export function readTerminalDevice(): TerminalDevice | null {
	const value = readJson(() => localStorage, TERMINAL_KEY);
	return strings(value, ['token', 'storeId', 'storeName', 'terminalId']) ? (value as TerminalDevice) : null;
}

export function saveTerminalDevice(device: TerminalDevice | null): void {
	writeJson(() => localStorage, TERMINAL_KEY, device);
}

export function readCashier(): CashierSession | null {
	const value = readJson(() => sessionStorage, CASHIER_KEY);
	return strings(value, ['token', 'userId', 'name', 'role']) ? (value as CashierSession) : null;
}

export function saveCashier(cashier: CashierSession | null): void {
	writeJson(() => sessionStorage, CASHIER_KEY, cashier);
}
