// Who the till sells for: the store key kept on this device, the store's settings (currency,
// tips, test mode), whether its Lightning node is connected, and the item catalogue.
import {
	ApiFailure,
	getStore,
	getStoreNode,
	listProducts,
	revokePosKey,
	type Product,
	type Store
} from '../api';
import { forgetCredentials, readCredentials, saveCredentials, type PosCredentials } from '../pos/session';

export type NodeState =
	| { state: 'unknown' }
	| { state: 'connected'; testMode: boolean }
	| { state: 'not-configured' }
	| { state: 'unavailable'; failure: ApiFailure };

export class PosSession {
	credentials = $state.raw<PosCredentials | null>(null);
	store = $state.raw<Store | null>(null);
	node = $state.raw<NodeState>({ state: 'unknown' });
	products = $state.raw<Product[]>([]);
	loading = $state(false);
	failure = $state.raw<ApiFailure | null>(null);
	/** Set when the saved key stopped working, so the sign-in screen can say why. */
	revoked = $state(false);

	readonly testMode = $derived(
		this.node.state === 'connected' ? this.node.testMode : (this.store?.testMode ?? false)
	);

	constructor() {
		this.credentials = readCredentials();
	}

	async load(): Promise<void> {
		const credentials = this.credentials;
		if (!credentials) return;
		this.loading = true;
		this.failure = null;
		try {
			const [store, products] = await Promise.all([
				getStore(credentials.apiKey, credentials.storeId),
				listProducts(credentials.apiKey, credentials.storeId),
				this.checkNode()
			]);
			this.store = store;
			this.products = products;
		} catch (error) {
			const failure = asFailure(error);
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

	async checkNode(): Promise<void> {
		const credentials = this.credentials;
		if (!credentials) return;
		try {
			const node = await getStoreNode(credentials.apiKey, credentials.storeId);
			this.node = { state: 'connected', testMode: node.testMode };
		} catch (error) {
			const failure = asFailure(error);
			if (failure.status === 401) throw failure;
			this.node = failure.code === 'node-not-configured' ? { state: 'not-configured' } : { state: 'unavailable', failure };
		}
	}

	async reloadProducts(): Promise<void> {
		const credentials = this.credentials;
		if (!credentials) return;
		this.products = await listProducts(credentials.apiKey, credentials.storeId);
	}

	/** Keeps a freshly created key and loads its store. */
	async start(credentials: PosCredentials): Promise<void> {
		saveCredentials(credentials);
		this.credentials = credentials;
		this.revoked = false;
		await this.load();
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
