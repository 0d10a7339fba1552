// Counts attempts per key in fixed windows, one Durable Object per key (login per address and
// e-mail, PIN per terminal, pairing per address, anonymous invoices per address and store).
// A Durable Object is single-threaded, so concurrent attempts are counted exactly.
import { DurableObject } from 'cloudflare:workers';
import type { WorkerEnv } from '../env';

type Window = { start: number; count: number };

export class RateLimiter extends DurableObject<WorkerEnv> {
	/** Takes one attempt; returns whether it is allowed and, if not, how long to wait (ms). */
	async take(limit: number, windowMs: number): Promise<{ allowed: boolean; retryAfterMs: number }> {
		const now = Date.now();
		let window = (await this.ctx.storage.get<Window>('w')) ?? { start: now, count: 0 };
		if (now - window.start >= windowMs) window = { start: now, count: 0 };
		if (window.count >= limit) return { allowed: false, retryAfterMs: window.start + windowMs - now };
		window.count++;
		await this.ctx.storage.put('w', window);
		// Forget the key once its window is over, so idle keys cost nothing.
		await this.ctx.storage.setAlarm(window.start + windowMs);
		return { allowed: true, retryAfterMs: 0 };
	}

	override async alarm(): Promise<void> {
		await this.ctx.storage.deleteAll();
	}
}
