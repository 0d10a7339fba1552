// Rate limits on the endpoints an attacker would hammer, enforced by the RateLimiter Durable
// Object (works the same in `wrangler dev` and on Cloudflare).
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';

export const LIMITS = {
	/** Password attempts per address and e-mail (the account lockout is separate). */
	login: { limit: 10, windowMs: 60_000 },
	/** PIN attempts per terminal. */
	pin: { limit: 10, windowMs: 60_000 },
	/** Pairing and invitation codes tried per address. */
	code: { limit: 10, windowMs: 60_000 },
	/** Invoices created without authentication per address and store. */
	anonymousInvoice: { limit: 30, windowMs: 60_000 },
	/** Card taps per card (Flash Cards). */
	tap: { limit: 20, windowMs: 60_000 },
	/**
	 * Card reads per address on the public tap endpoints (any card, unknown ones included): high,
	 * because a market's tills often share one address; the per-card limit is the tight one.
	 */
	tapAddress: { limit: 600, windowMs: 60_000 },
	/** Card payments tried at one store's tills. */
	tillCard: { limit: 120, windowMs: 60_000 },
	/** Cardholder page look-ups by link per address. */
	holder: { limit: 30, windowMs: 60_000 }
} as const;

export async function rateLimit(c: Context<AppEnv>, key: string, rule: { limit: number; windowMs: number }): Promise<void> {
	const result = await c.env.RATE_LIMITER.getByName(key).take(rule.limit, rule.windowMs);
	if (!result.allowed) {
		const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
		c.header('Retry-After', String(seconds));
		throw new ApiError('rate-limited', `Too many attempts; wait ${seconds} seconds and try again.`);
	}
}
