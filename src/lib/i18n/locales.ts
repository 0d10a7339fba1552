// The languages the app offers: adding one is a catalogue file plus an entry here; components
// never change. English is built in (it is the fallback); the others load on demand.
import { en, type Messages } from './messages/en';

export type Direction = 'ltr' | 'rtl';

export type LocaleInfo = {
	code: string;
	/** The language's own name, as a speaker looks for it in a menu. */
	name: string;
	dir: Direction;
	load: () => Promise<Messages>;
};

export const DEFAULT_LOCALE = 'en';

export const LOCALES: readonly LocaleInfo[] = [
	{ code: 'en', name: 'English', dir: 'ltr', load: async () => en },
	{ code: 'ar', name: 'العربية', dir: 'rtl', load: async () => (await import('./messages/ar')).ar }
];

export function findLocale(code: string | null | undefined): LocaleInfo | undefined {
	if (!code) return undefined;
	const wanted = code.toLowerCase();
	// `ar-JM` falls back to `ar`: the catalogue is per language, formats follow the full tag.
	return (
		LOCALES.find((l) => l.code === wanted) ?? LOCALES.find((l) => l.code === wanted.split('-')[0])
	);
}

/**
 * Picks the language: `?lang=` on the URL first (and it is remembered), then the remembered
 * choice, then the browser's preferences, then English.
 */
export function chooseLocale(input: {
	queryLang: string | null;
	stored: string | null;
	browser: readonly string[];
}): LocaleInfo {
	return (
		findLocale(input.queryLang) ??
		findLocale(input.stored) ??
		input.browser.map((b) => findLocale(b)).find((l) => l !== undefined) ??
		findLocale(DEFAULT_LOCALE)!
	);
}
