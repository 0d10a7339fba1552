// The public origin for links we hand out (checkoutLink, card program URLs): PUBLIC_ORIGIN when
// set (behind a proxy or a custom domain), else the origin the request came in on.
import type { Context } from 'hono';
import type { AppEnv } from './env';

export function publicOrigin(c: Context<AppEnv>): string {
	return (c.env.PUBLIC_ORIGIN ?? new URL(c.req.url).origin).replace(/\/$/, '');
}
