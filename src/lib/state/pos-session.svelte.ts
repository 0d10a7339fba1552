// Who the till sells for: the store key kept on this device (e-mail sign-in) or a paired
// terminal with a cashier's PIN session; the store's settings (currency, tips, test mode),
// whether its Lightning node is connected, and the item catalogue.
import {
	ApiFailure,
	getStore,
	getStoreNode,
	listProducts,
	revokePosKey,
	type Product,
	type Store,
	type TillAuth
} from '../api';
import { forgetCredentials, readCredentials, saveCredentials, type PosCredentials } from '../pos/session';

export type NodeState =
	| { state: 'unknown' }
	| { state: 'connected'; testMode: boolean }
	| { state: 'not-configured' }
	| { state: 'unavailable'; failure: ApiFailure };

/** What the till needs of a store (a cashier may not read the full settings). */
export type TillStore = Pick<Store, 'name' | 'defaultCurrency' | 'tipPercentages' | 'customTipEnabled' | 'testMode'>;

/** How the till calls the API and for which store. */
export type TillAccess = { readonly auth: TillAuth; readonly storeId: string };

/** A terminal's view of its store, used when the cashier's role may not read the settings. */
export type TerminalStoreHint = {
	readonly name: string;
	readonly defaultCurrency: string;
	readonly testMode: boolean;
	readonly tipPercentages?: readonly number[];
	readonly customTipEnabled?: boolean;
};

export class PosSession {
	credentials = $state.raw<PosCredentials | null>(null);
	/** Set by the terminal screen while a cashier is signed in on a paired tablet. */
	terminal = $state.raw<(TillAccess & { hint: TerminalStoreHint }) | null>(null);
	store = $state.raw<TillStore | null>(null);
	node = $state.raw<NodeState>({ state: 'unknown' });
	products = $state.raw<Product[]>([]);
	loading = $state(false);
	failure = $state.raw<ApiFailure | null>(null);
	/** Set when the saved key stopped working, so the sign-in screen can say why. */
	revoked = $state(false);
	/** Whether this caller may edit the items (false for a cashier whose role cannot). */
	canEditItems = $state(true);
	/** Called with a refusal that concerns the terminal or cashier session; true when handled. */
	onTerminalFailure: ((failure: ApiFailure) => boolean) | null = null;

	readonly access: TillAccess | null = $derived(
		this.credentials ? { auth: this.credentials.apiKey, storeId: this.credentials.storeId } : this.terminal
	);

	readonly testMode = $derived(
		this.node.state === 'connected' ? this.node.testMode : (this.store?.testMode ?? false)
	);

	constructor() {
		this.credentials = readCredentials();
	}

	async load(): Promise<void> {
		const access = this.access;
		if (!access) return;
		this.loading = true;
		this.failure = null;
		try {
			const [store, products] = await Promise.all([
				this.#readStore(access),
				listProducts(access.auth, access.storeId),
				this.checkNode()
			]);
			this.store = store;
			this.products = products;
		} catch (error) {
			const failure = asFailure(error);
			if (this.terminal && this.onTerminalFailure?.(failure)) return;
			if (failure.status === 401 || failure.code === 'unauthenticated') {
				this.#forget();
				this.revoked = true;
			} else {
				this.failure = failure;
			}
		} finally {
			this.loading = false;
		}
	}

	async #readStore(access: TillAccess): Promise<TillStore> {
		try {
			const store = await getStore(access.auth, access.storeId);
			this.canEditItems = true;
			return store;
		} catch (error) {
			const hint = this.terminal?.hint;
			if (!hint || asFailure(error).status !== 403) throw error;
			// A cashier's role cannot read the settings: sell with what the terminal knows.
			this.canEditItems = false;
			return { ...hint, tipPercentages: [...(hint.tipPercentages ?? [])], customTipEnabled: hint.customTipEnabled ?? false };
		}
	}

	async checkNode(): Promise<void> {
		const access = this.access;
		if (!access) return;
		try {
			const node = await getStoreNode(access.auth, access.storeId);
			this.node = { state: 'connected', testMode: node.testMode };
		} catch (error) {
			const failure = asFailure(error);
			if (failure.status === 401) throw failure;
			if (failure.status === 403 && this.terminal) {
				// The cashier may not read the node; the invoice itself will say if it is missing.
				this.node = { state: 'connected', testMode: this.terminal.hint.testMode };
				return;
			}
			this.node = failure.code === 'node-not-configured' ? { state: 'not-configured' } : { state: 'unavailable', failure };
		}
	}

	async reloadProducts(): Promise<void> {
		const access = this.access;
		if (!access) return;
		this.products = await listProducts(access.auth, access.storeId);
	}

	/** Keeps a freshly created key and loads its store. */
	async start(credentials: PosCredentials): Promise<void> {
		saveCredentials(credentials);
		this.credentials = credentials;
		this.revoked = false;
		await this.load();
	}

	/** Sells as the cashier signed in on this terminal (or stops, with null). */
	async useTerminal(access: (TillAccess & { hint: TerminalStoreHint }) | null): Promise<void> {
		this.terminal = access;
		if (access) await this.load();
	}

	/** Forgets the key on this device, and revokes it on the server when it can be reached. */
	async signOut(): Promise<void> {
		const credentials = this.credentials;
		this.#forget();
		if (credentials) await revokePosKey(credentials.apiKey).catch(() => {});
	}

	#forget(): void {
		forgetCredentials();
		this.credentials = null;
		this.store = null;
		this.products = [];
		this.node = { state: 'unknown' };
		this.failure = null;
	}
}

export function asFailure(error: unknown): ApiFailure {
	if (error instanceof ApiFailure) return error;
	return new ApiFailure(0, 'unexpected', error instanceof Error ? error.message : String(error));
}
