// An API failure as a sentence for the screen: our own words for the failures a screen can
// name (no network), otherwise the server's message, which is written for people.
import type { ApiFailure } from '../api';
import type { I18n } from '../i18n/i18n.svelte';

export function failureText(i18n: Pick<I18n, 't'>, failure: ApiFailure): string {
	if (failure.code === 'network') return i18n.t('error.network');
	return failure.message;
}
