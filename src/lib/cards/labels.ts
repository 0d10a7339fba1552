// Card words shared by the merchant's and the cardholder's screens: a state, a movement kind,
// an optional limit, a moment.
import type { CardStatus } from '../../../worker/contract/cards';
import type { CardText } from '../i18n/cards.svelte.ts';
import { decimalText } from '../pos/money-text.ts';

/** The contract's states, repeated here so the app does not load its schemas (and zod). */
export const CARD_STATUSES: readonly CardStatus[] = ['pending', 'active', 'frozen', 'retired'];

const KINDS = new Set([
	'topup-cash',
	'topup-lightning',
	'payment',
	'payment-reserved',
	'payment-released',
	'replaced-in',
	'replaced-out',
	'refund'
]);

export function statusText(text: CardText, status: CardStatus): string {
	return text.t(`status.${status}` as 'status.active');
}

export function kindText(text: CardText, kind: string): string {
	return KINDS.has(kind) ? text.t(`kind.${kind}` as 'kind.payment') : text.t('kind.other');
}

export function limitText(text: CardText, amount: string | null, currency: string): string {
	return amount === null ? text.t('noLimit') : decimalText(amount, currency, text.i18n.locale.code);
}

/** Unix seconds as a short date and time in the app's language. */
export function momentText(text: CardText, seconds: number | null): string {
	if (seconds === null) return text.t('never');
	return new Intl.DateTimeFormat(text.i18n.locale.code, { dateStyle: 'medium', timeStyle: 'short' }).format(seconds * 1000);
}
