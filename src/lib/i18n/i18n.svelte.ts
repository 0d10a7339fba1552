// The app's language state: the active catalogue, `t()` for components, and the document's
// `lang` and `dir` (Arabic turns the whole layout right-to-left through CSS logical properties).
import { createContext } from 'svelte';
import { en, type MessageKey, type Messages } from './messages/en';
import { chooseLocale, findLocale, LOCALES, type LocaleInfo } from './locales';
import { interpolate, type MessageParams } from './format';

export const LANGUAGE_STORAGE_KEY = 'flashpoint.lang';

export class I18n {
	locale = $state<LocaleInfo>(findLocale('en')!);
	#messages = $state.raw<Messages>(en);
	readonly locales = LOCALES;

	t = <K extends MessageKey>(key: K, ...params: MessageParams<K>): string =>
		interpolate(
			this.#messages[key],
			isolate(params[0] as Record<string, string | number> | undefined, this.locale.dir)
		);

	/** Reads `?lang=`, the remembered choice and the browser's languages, then applies the result. */
	async init(url: { readonly searchParams: { get(name: string): string | null } }): Promise<void> {
		const queryLang = url.searchParams.get('lang');
		const chosen = chooseLocale({
			queryLang,
			stored: readStored(),
			browser: navigator.languages ?? [navigator.language]
		});
		await this.set(chosen.code, { remember: queryLang !== null && findLocale(queryLang) !== undefined });
	}

	async set(code: string, options: { remember: boolean } = { remember: true }): Promise<void> {
		const next = findLocale(code);
		if (!next) return;
		const messages = await next.load();
		this.#messages = messages;
		this.locale = next;
		document.documentElement.lang = next.code;
		document.documentElement.dir = next.dir;
		document.title = messages['app.name'];
		if (options.remember) {
			try {
				localStorage.setItem(LANGUAGE_STORAGE_KEY, next.code);
			} catch {
				// Private mode or storage full: the choice lasts for this visit only.
			}
		}
	}
}

/**
 * In a right-to-left language each filled-in value (an amount such as "5,516 sats", a product
 * name) is wrapped in Unicode isolates (FSI … PDI), so its own direction cannot reorder the
 * sentence around it. Left-to-right text needs none.
 */
export function isolate(
	params: Record<string, string | number> | undefined,
	dir: LocaleInfo['dir']
): Record<string, string | number> | undefined {
	if (!params || dir !== 'rtl') return params;
	return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, `\u2068${value}\u2069`]));
}

function readStored(): string | null {
	try {
		return localStorage.getItem(LANGUAGE_STORAGE_KEY);
	} catch {
		return null;
	}
}

export const [getI18n, setI18n] = createContext<I18n>();
