// One error shape for the API, as BTCPay Greenfield answers: `{ code, message }` for errors and,
// with 422, an array of `{ path, message }` for validation failures. Codes are stable strings
// that clients may switch on; messages are for people.
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const ERROR_STATUS = {
	'bad-request': 400,
	'malformed-json': 400,
	unauthenticated: 401,
	'terminal-revoked': 401,
	'cashier-locked': 401,
	'login-locked': 429,
	'pin-locked': 423,
	'cross-site-request': 403,
	'invite-invalid': 410,
	'pairing-code-invalid': 410,
	'missing-permission': 403,
	'not-found': 404,
	'invoice-not-found': 404,
	'store-not-found': 404,
	'webhook-not-found': 404,
	'invalid-status-change': 422,
	'invalid-webhook-url': 422,
	'method-not-allowed': 405,
	conflict: 409,
	'idempotency-key-reused': 422,
	'idempotency-key-in-flight': 409,
	'invalid-idempotency-key': 400,
	'payload-too-large': 413,
	'rate-limited': 429,
	'node-not-configured': 422,
	'node-unavailable': 502,
	'rate-unavailable': 503,
	'invoice-not-payable': 422,
	'invalid-invoice': 422,
	'service-unavailable': 503,
	'card-not-found': 404,
	'card-malformed': 400,
	'card-unknown': 404,
	'card-replayed': 409,
	'card-frozen': 403,
	'card-retired': 403,
	'card-pin-required': 401,
	'card-pin-wrong': 401,
	'card-pin-blocked': 423,
	'card-over-tap-limit': 422,
	'card-over-daily-limit': 422,
	'card-insufficient-funds': 402,
	'card-tap-expired': 410,
	'card-tap-used': 409,
	'card-invoice-refused': 422,
	'card-payment-failed': 502,
	'card-foreign-refused': 502,
	'card-link-invalid': 410,
	'internal-error': 500
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Greenfield's error body. */
export type ErrorBody = { code: string; message: string };

/** Greenfield's validation error body (HTTP 422). */
export type ValidationErrorBody = Array<{ path: string; message: string }>;

/** Thrown by domain and route code; `app.onError` turns it into the response. */
export class ApiError extends Error {
	readonly code: ErrorCode;
	readonly status: ContentfulStatusCode;

	constructor(code: ErrorCode, message: string) {
		super(message);
		this.name = 'ApiError';
		this.code = code;
		this.status = ERROR_STATUS[code];
	}

	toBody(): ErrorBody {
		return { code: this.code, message: this.message };
	}
}

/** Thrown to answer 422 with per-field messages, e.g. after a business rule on one field. */
export class ValidationError extends Error {
	readonly issues: ValidationErrorBody;

	constructor(issues: ValidationErrorBody) {
		super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
		this.name = 'ValidationError';
		this.issues = issues;
	}
}
