// Why a card cannot pay, with a stable code for the API and a reason a cashier understands (the
// LNURL `reason`, shown by any Bolt Card POS or wallet).
import { ApiError } from '../errors';

export type CardRefusal =
	| 'card-malformed'
	| 'card-unknown'
	| 'card-replayed'
	| 'card-frozen'
	| 'card-retired'
	| 'card-pin-required'
	| 'card-pin-wrong'
	| 'card-pin-blocked'
	| 'card-over-tap-limit'
	| 'card-over-daily-limit'
	| 'card-insufficient-funds'
	| 'card-tap-expired'
	| 'card-tap-used'
	| 'card-invoice-refused'
	| 'card-payment-failed'
	| 'card-foreign-refused';

export class CardError extends Error {
	readonly code: CardRefusal;
	/** For a wrong PIN: how many tries are left before the card is blocked. */
	readonly triesLeft: number | null;
	constructor(code: CardRefusal, reason: string, triesLeft: number | null = null) {
		super(reason);
		this.name = 'CardError';
		this.code = code;
		this.triesLeft = triesLeft;
	}
}

/** The API form of a refusal (the status comes from ERROR_STATUS). */
export function toApiError(error: CardError): ApiError {
	return new ApiError(error.code, error.message);
}
