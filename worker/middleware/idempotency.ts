// Honours `Idempotency-Key` on every mutating request: the first request with a key runs and its
// response is stored; a retry with the same key and the same request gets that response again
// (header `Idempotent-Replayed: true`) without running anything; the same key with a different
// request is refused. Keys are scoped to the caller and kept for 24 hours (pruned by the cron).
import { createMiddleware } from 'hono/factory';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { database } from '../db/client';
import { claimKey, releaseClaim, storeResponse, takeOverStaleClaim } from '../data/idempotency';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { principalScope } from '../auth/principal';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A claim this old with no response means the first attempt was cut off; a retry may take it. */
export const STALE_CLAIM_MS = 2 * 60 * 1000;
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Response headers worth replaying; the rest (request id, dates) belong to each attempt. */
const REPLAYED_HEADERS = ['content-type', 'location'];

export const idempotency = createMiddleware<AppEnv>(async (c, next) => {
	const key = c.req.header('idempotency-key');
	if (key === undefined || !MUTATING.has(c.req.method)) return next();
	if (!KEY_SHAPE.test(key)) {
		throw new ApiError(
			'invalid-idempotency-key',
			'Idempotency-Key must be 1 to 255 visible ASCII characters, for example a UUID.'
		);
	}
	const db = database(c.env.DB);
	const url = new URL(c.req.url);
	const path = url.pathname + url.search;
	const body = new Uint8Array(await c.req.arrayBuffer());
	const requestHash = hashRequest(c.req.method, path, body);
	const scope = principalScope(c.get('principal'));
	const now = Date.now();

	const claim = await claimKey(db, { scope, key, method: c.req.method, path, requestHash, now });
	if (!claim.claimed) {
		const existing = claim.existing;
		if (existing.requestHash !== requestHash) {
			throw new ApiError(
				'idempotency-key-reused',
				`Idempotency-Key "${key}" was already used for a different request (${existing.method} ${existing.path}); use a new key for a new request.`
			);
		}
		if (existing.status === null) {
			const tookOver = await takeOverStaleClaim(db, {
				scope,
				key,
				requestHash,
				staleBefore: now - STALE_CLAIM_MS,
				now
			});
			if (!tookOver) {
				throw new ApiError(
					'idempotency-key-in-flight',
					'A request with this Idempotency-Key is still being processed; retry in a few seconds.'
				);
			}
		} else {
			const headers = new Headers(JSON.parse(existing.responseHeaders ?? '{}') as Record<string, string>);
			headers.set('Idempotent-Replayed', 'true');
			return c.body(existing.responseBody ?? '', existing.status as 200, Object.fromEntries(headers));
		}
	}

	await next();

	// A server-side failure says nothing definite about the outcome: let a retry run again.
	// Routes that move money are idempotent on their own ids, so a rerun cannot move it twice.
	if (c.res.status >= 500) {
		await releaseClaim(db, { scope, key });
		return;
	}
	const responseBody = await c.res.clone().text();
	const headers: Record<string, string> = {};
	for (const name of REPLAYED_HEADERS) {
		const value = c.res.headers.get(name);
		if (value !== null) headers[name] = value;
	}
	await storeResponse(db, { scope, key, status: c.res.status, body: responseBody, headers });
});

export function hashRequest(method: string, path: string, body: Uint8Array): string {
	const head = new TextEncoder().encode(`${method} ${path}\n`);
	const all = new Uint8Array(head.length + body.length);
	all.set(head);
	all.set(body, head.length);
	return bytesToHex(sha256(all));
}
