// Gives every request an id (the caller's `X-Request-Id` when it is sane), returns it in the
// response header, and logs one JSON line per request so a support question can be traced.
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { newRequestId } from '../ids';

const SANE_ID = /^[A-Za-z0-9._-]{8,64}$/;

export const requestId = createMiddleware<AppEnv>(async (c, next) => {
	const given = c.req.header('x-request-id');
	const id = given && SANE_ID.test(given) ? given : newRequestId();
	c.set('requestId', id);
	const started = Date.now();
	await next();
	// A WebSocket upgrade (101) answered by a Durable Object has immutable headers.
	if (c.res.status !== 101) c.res.headers.set('X-Request-Id', id);
	console.log(
		JSON.stringify({
			requestId: id,
			method: c.req.method,
			path: c.req.path,
			status: c.res.status,
			ms: Date.now() - started
		})
	);
});
