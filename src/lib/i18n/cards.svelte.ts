// Flash Cards' strings: a catalogue pair of their own (messages/cards-en.ts and cards-ar.ts),
// loaded with the first card screen so the till's first load does not carry them. `t()` follows
// the app's language like the main catalogue, with the same placeholders and isolation.
import { createContext } from 'svelte';
import type { I18n } from './i18n.svelte.ts';
import { interpolate, type Placeholders } from './format.ts';
import { isolate } from './i18n.svelte.ts';
import type { CardMessageKey, CardMessages, cardsEn } from './messages/cards-en.ts';

export type CardMessageParams<K extends CardMessageKey> = [Placeholders<(typeof cardsEn)[K]>] extends [never]
	? []
	: [params: { [P in Placeholders<(typeof cardsEn)[K]>]: string | number }];

const LOADERS: Record<string, () => Promise<CardMessages>> = {
	en: async () => (await import('./messages/cards-en.ts')).cardsEn,
	ar: async () => (await import('./messages/cards-ar.ts')).cardsAr
};

export class CardText {
	readonly i18n: I18n;
	#loaded = $state.raw<Readonly<Record<string, CardMessages>>>({});
	readonly #messages = $derived(this.#loaded[this.#code()]);

	constructor(i18n: I18n) {
		this.i18n = i18n;
	}

	#code(): string {
		return Object.hasOwn(LOADERS, this.i18n.locale.code) ? this.i18n.locale.code : 'en';
	}

	/** True once the active language's card strings are here. */
	get ready(): boolean {
		return this.#messages !== undefined;
	}

	/** Loads the active language's strings; run it in an effect so a language change loads too. */
	async load(): Promise<void> {
		const code = this.#code();
		if (this.#loaded[code]) return;
		const messages = await LOADERS[code]!();
		this.#loaded = { ...this.#loaded, [code]: messages };
	}

	t = <K extends CardMessageKey>(key: K, ...params: CardMessageParams<K>): string =>
		interpolate(
			this.#messages?.[key] ?? '',
			isolate(params[0] as Record<string, string | number> | undefined, this.i18n.locale.dir)
		);
}

export const [getCardText, setCardText] = createContext<CardText>();
