// When to try a webhook delivery again, and what an attempt's outcome counts as. The delays are
// BTCPay Server's (WebhookSender.Process): 10 s, 1 min, then 10 min six times, so at most eight
// retries after the first attempt, only while the webhook keeps `automaticRedelivery` on.
// Statuses follow BTCPay's WebhookDeliveryStatus: HttpSuccess for 2xx, HttpError for any other
// answer, Failed when no answer came. Unlike BTCPay, which retries every failure, only answers
// that may change by themselves are retried (5xx, 408, 429, no answer): a 4xx or 3xx means the
// receiver or its address is wrong and eight more tries would only repeat it.

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** Waits before retry 1..8, counted from the end of the previous attempt. */
export const RETRY_DELAYS_MS: readonly number[] = Object.freeze([
	10 * SECOND,
	1 * MINUTE,
	10 * MINUTE,
	10 * MINUTE,
	10 * MINUTE,
	10 * MINUTE,
	10 * MINUTE,
	10 * MINUTE
]);

/** The first attempt and every retry. */
export const MAX_DELIVERY_ATTEMPTS = 1 + RETRY_DELAYS_MS.length;

/**
 * Milliseconds to wait before the next attempt, given how many attempts (first delivery
 * included) have been made: 0 → 0 (send now), 1 → 10 s, 2 → 60 s, 3..8 → 600 s, 9+ → null
 * (give up). Whether a retry is due at all is for `classifyResponse` and the webhook's
 * `automaticRedelivery` to say.
 */
export function nextAttemptDelay(attemptsMadeSoFar: number): number | null {
	if (!Number.isSafeInteger(attemptsMadeSoFar) || attemptsMadeSoFar < 0) {
		throw new RangeError(`attemptsMadeSoFar must be a whole number ≥ 0: ${attemptsMadeSoFar}`);
	}
	if (attemptsMadeSoFar === 0) return 0;
	return RETRY_DELAYS_MS[attemptsMadeSoFar - 1] ?? null;
}

export type WebhookDeliveryStatus = 'Failed' | 'HttpError' | 'HttpSuccess';

export type AttemptResult = { httpCode: number } | { error: string };

export type AttemptOutcome = {
	status: WebhookDeliveryStatus;
	/** Worth another attempt (if the webhook has automaticRedelivery and attempts remain). */
	retry: boolean;
	/** What the delivery record shows, worded as BTCPay words it; null on success. */
	errorMessage: string | null;
};

/** Answers that may succeed later without anyone changing anything. */
function isTransient(httpCode: number): boolean {
	return (httpCode >= 500 && httpCode <= 599) || httpCode === 408 || httpCode === 429;
}

/**
 * Classifies one attempt: `{ httpCode }` when the receiver answered (fetch with
 * `redirect: 'manual'`, so a 3xx is the receiver's final word and no redirect escapes the URL
 * policy), `{ error }` when it did not (DNS, TLS, connection, timeout).
 */
export function classifyResponse(result: AttemptResult): AttemptOutcome {
	if ('error' in result) {
		// BTCPay stores the exception message as the delivery's errorMessage.
		return { status: 'Failed', retry: true, errorMessage: result.error || 'No response' };
	}
	const code = result.httpCode;
	// .NET's IsSuccessStatusCode, which BTCPay checks, is exactly 200..299.
	if (Number.isInteger(code) && code >= 200 && code <= 299) {
		return { status: 'HttpSuccess', retry: false, errorMessage: null };
	}
	return { status: 'HttpError', retry: isTransient(code), errorMessage: `HTTP Error Code ${code}` };
}
