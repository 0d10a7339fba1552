// A card refusal in plain words: the till and the cardholder page name each card code
// (frozen, over a limit, not enough balance, …); anything else is said as the app says it.
import type { ApiFailure } from '../api.ts';
import type { CardText } from '../i18n/cards.svelte.ts';

const NAMED = new Set<string>([
	'card-unknown',
	'card-replayed',
	'card-frozen',
	'card-retired',
	'card-pin-blocked',
	'card-pin-wrong',
	'card-over-tap-limit',
	'card-over-daily-limit',
	'card-insufficient-funds',
	'card-foreign-refused',
	'invoice-not-payable'
]);

export function cardFailureText(text: CardText, failure: ApiFailure): string {
	if (NAMED.has(failure.code)) return text.t(`fail.${failure.code}` as 'fail.card-unknown');
	// As pos/failure-text.ts says it, repeated so the cardholder page does not share the till's chunk.
	return failure.code === 'network' ? text.i18n.t('error.network') : failure.message;
}
