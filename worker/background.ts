// Work that follows a response (live pushes, webhook sends): handed to the runtime so the
// response is not held up, and logged with the request id if it fails. Without an execution
// context (a direct `app.request`), it runs before the response instead.
import type { Context } from 'hono';
import type { AppEnv } from './env';

export async function inBackground(c: Context<AppEnv>, work: Promise<unknown>): Promise<void> {
	const guarded = work.then(
		() => undefined,
		(error: unknown) => console.error(JSON.stringify({ requestId: c.get('requestId'), background: String(error) }))
	);
	let waitUntil: ((promise: Promise<unknown>) => void) | null = null;
	try {
		const context = c.executionCtx;
		waitUntil = (promise) => context.waitUntil(promise);
	} catch {
		// Hono throws when the request came without an execution context.
	}
	if (waitUntil) waitUntil(guarded);
	else await guarded;
}
