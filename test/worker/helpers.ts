// Calls the real worker entry (as `wrangler dev` would) from inside workerd.
import { exports } from 'cloudflare:workers';

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
	return exports.default.fetch(new Request(`${BASE}${path}`, { ...init, headers, body }));
}
