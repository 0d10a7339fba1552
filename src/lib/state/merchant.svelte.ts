// The merchant app's session: who is signed in (cookie session), their stores with their role
// in each, and the store being looked at (remembered on this phone).
import type { ApiFailure } from '../api.ts';
import { getSession, signIn, signOut, type MerchantStore, type SessionInfo } from '../api/merchant.ts';
import { asFailure } from './pos-session.svelte.ts';

const STORE_KEY = 'flashpoint.merchant.store';

export type Section = 'today' | 'reports' | 'cards' | 'team' | 'terminals' | 'keys' | 'audit' | 'node' | 'settings' | 'account';

export class MerchantSession {
	info = $state.raw<SessionInfo | null>(null);
	checked = $state(false);
	storeId = $state<string | null>(null);
	section = $state<Section>('today');
	failure = $state.raw<ApiFailure | null>(null);

	readonly store: MerchantStore | null = $derived(this.info?.stores.find((s) => s.id === this.storeId) ?? null);

	async load(): Promise<void> {
		try {
			this.#use(await getSession());
		} catch (error) {
			const failure = asFailure(error);
			if (failure.status !== 401) this.failure = failure;
			this.info = null;
		} finally {
			this.checked = true;
		}
	}

	async signIn(email: string, password: string): Promise<void> {
		this.#use(await signIn(email, password));
	}

	async signOut(): Promise<void> {
		await signOut().catch(() => {});
		this.info = null;
	}

	choose(storeId: string): void {
		this.storeId = storeId;
		this.section = 'today';
		try {
			localStorage.setItem(STORE_KEY, storeId);
		} catch {
			// Not remembered; asked again next time.
		}
	}

	#use(info: SessionInfo): void {
		this.info = info;
		this.failure = null;
		let saved: string | null = null;
		try {
			saved = localStorage.getItem(STORE_KEY);
		} catch {
			saved = null;
		}
		const found = info.stores.find((s) => s.id === saved) ?? (info.stores.length === 1 ? info.stores[0] : undefined);
		this.storeId = found?.id ?? null;
	}
}
