// One API read a screen shows: its data, or the refusal (a 403 shows "not allowed"), and reload.
import type { ApiFailure } from '../api.ts';
import { asFailure } from './pos-session.svelte.ts';

export class Loaded<T> {
	data = $state.raw<T | null>(null);
	failure = $state.raw<ApiFailure | null>(null);
	loading = $state(false);
	readonly #read: () => Promise<T>;

	constructor(read: () => Promise<T>) {
		this.#read = read;
	}

	async load(): Promise<void> {
		this.loading = true;
		try {
			this.data = await this.#read();
			this.failure = null;
		} catch (error) {
			this.failure = asFailure(error);
			this.data = null;
		} finally {
			this.loading = false;
		}
	}
}
