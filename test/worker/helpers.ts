// Calls the real worker entry (as `wrangler dev` would) inside workerd, and waits for the work
// it left running in the background (webhook sends, live pushes) so tests see its effects.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import worker from '../../worker/index';

export const BASE = 'http://flashpoint.test/api/v1';

export async function call(
	path: string,
	init: RequestInit & { json?: unknown; basic?: { email: string; password: string } } = {}
): Promise<Response> {
	const headers = new Headers(init.headers);
	let body = init.body;
	if (init.json !== undefined) {
		headers.set('content-type', 'application/json');
		body = JSON.stringify(init.json);
	}
	if (init.basic) {
		headers.set('authorization', `Basic ${btoa(`${init.basic.email}:${init.basic.password}`)}`);
	}
	const ctx = createExecutionContext();
	const response = await worker.fetch(new Request(`${BASE}${path}`, { ...init, headers, body }), env, ctx);
	await waitOnExecutionContext(ctx);
	return response;
}

/** The worker's origin in tests; card URLs and /boltcard live outside /api/v1. */
export const ORIGIN = 'http://flashpoint.test';

/** Calls a path outside the API (e.g. `/boltcard?p=…`), or a full URL the worker handed out. */
export async function callOrigin(pathOrUrl: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
	const headers = new Headers(init.headers);
	let body = init.body;
	if (init.json !== undefined) {
		headers.set('content-type', 'application/json');
		body = JSON.stringify(init.json);
	}
	const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${ORIGIN}${pathOrUrl}`;
	const ctx = createExecutionContext();
	const response = await worker.fetch(new Request(url, { ...init, headers, body }), env, ctx);
	await waitOnExecutionContext(ctx);
	return response;
}
