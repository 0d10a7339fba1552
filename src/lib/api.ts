// The PWA's only door to the API: a Hono RPC client typed from the worker's routes, so a renamed
// field breaks the build instead of a sale. Components call these functions, never `fetch`.
import { hc } from 'hono/client';
import type { AppType } from '../../.types/worker/app';

/** An API refusal in Greenfield's shapes, with the stable code a screen can switch on. */
export class ApiFailure extends Error {
	readonly status: number;
	readonly code: string;
	readonly issues: ReadonlyArray<{ path: string; message: string }>;

	constructor(
		status: number,
		code: string,
		message: string,
		issues: ReadonlyArray<{ path: string; message: string }> = []
	) {
		super(message);
		this.name = 'ApiFailure';
		this.status = status;
		this.code = code;
		this.issues = issues;
	}
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every mutating call carries an Idempotency-Key. Callers that may retry one logical action
 * (the offline outbox) pass their own key in the call's headers so each retry reuses it.
 */
const fetchWithIdempotency: typeof fetch = (input, init) => {
	const method = (init?.method ?? 'GET').toUpperCase();
	if (!MUTATING.has(method)) return fetch(input, init);
	const headers = new Headers(init?.headers);
	if (!headers.has('idempotency-key')) headers.set('idempotency-key', crypto.randomUUID());
	return fetch(input, { ...init, headers });
};

export const api = hc<AppType>('/api/v1', { fetch: fetchWithIdempotency });

/** Turns a non-2xx response into an ApiFailure carrying the server's code and message. */
export async function failureFrom(res: Response): Promise<ApiFailure> {
	const text = await res.text();
	try {
		const body: unknown = JSON.parse(text);
		if (Array.isArray(body)) {
			const issues = body as Array<{ path: string; message: string }>;
			return new ApiFailure(res.status, 'validation', issues.map((i) => i.message).join(' '), issues);
		}
		if (body && typeof body === 'object' && 'code' in body && 'message' in body) {
			return new ApiFailure(res.status, String(body.code), String(body.message));
		}
	} catch {
		// Not JSON: a proxy or the platform answered, not our API.
	}
	return new ApiFailure(res.status, 'unexpected-response', `The server answered ${res.status}.`);
}

export async function getHealth() {
	const res = await api.health.$get();
	if (res.status === 200 || res.status === 503) return res.json();
	throw await failureFrom(res);
}
