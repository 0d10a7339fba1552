import { describe, expect, it } from 'vitest';
import { interpolate } from '../../src/lib/i18n/format';
import { chooseLocale, findLocale, LOCALES } from '../../src/lib/i18n/locales';
import { en } from '../../src/lib/i18n/messages/en';
import { cardsAr } from '../../src/lib/i18n/messages/cards-ar';
import { cardsEn } from '../../src/lib/i18n/messages/cards-en';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
	it.each(LOCALES.map((l) => [l.code, l] as const))(
		'%s translates every English key with the same placeholders, and no extra keys',
		async (_code, locale) => {
			const messages = await locale.load();
			expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort());
			for (const [key, text] of Object.entries(en)) {
				const translated = messages[key as keyof typeof en];
				expect(translated.trim(), key).not.toBe('');
				expect(placeholders(translated), key).toEqual(placeholders(text));
			}
		}
	);

	it('the Flash Cards catalogue (loaded with the card screens) has every key in Arabic with the same placeholders', () => {
		expect(Object.keys(cardsAr).sort()).toEqual(Object.keys(cardsEn).sort());
		for (const [key, text] of Object.entries(cardsEn)) {
			const translated = cardsAr[key as keyof typeof cardsEn];
			expect(translated.trim(), key).not.toBe('');
			expect(placeholders(translated), key).toEqual(placeholders(text));
		}
	});

	it('Arabic is right-to-left and English left-to-right', () => {
		expect(findLocale('ar')?.dir).toBe('rtl');
		expect(findLocale('en')?.dir).toBe('ltr');
	});
});

describe('choosing the language', () => {
	it.each([
		[{ queryLang: 'ar', stored: 'en', browser: ['en-US'] }, 'ar'],
		[{ queryLang: 'AR', stored: null, browser: [] }, 'ar'],
		[{ queryLang: 'xx', stored: 'ar', browser: ['en'] }, 'ar'],
		[{ queryLang: null, stored: 'ar', browser: ['en'] }, 'ar'],
		[{ queryLang: null, stored: null, browser: ['fr-FR', 'ar-JM', 'en'] }, 'ar'],
		[{ queryLang: null, stored: 'zz', browser: ['fr'] }, 'en'],
		[{ queryLang: null, stored: null, browser: [] }, 'en']
	])('%o → %s', (input, expected) => {
		expect(chooseLocale(input).code).toBe(expected);
	});
});

describe('interpolate', () => {
	it('fills named placeholders and leaves unknown ones visible', () => {
		expect(interpolate('Server online · version {version}', { version: '1.2.3' })).toBe(
			'Server online · version 1.2.3'
		);
		expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
		expect(interpolate('no params')).toBe('no params');
	});
});
