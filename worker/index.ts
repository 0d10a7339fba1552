// The worker's entry: HTTP to the Hono app (static assets are served before it by Workers
// Static Assets), the cron sweep, and the Durable Object classes.
import { app } from './app';
import { sweep } from './cron/sweep';

export { StoreHub } from './live/store-hub';
export { RateLimiter } from './live/rate-limiter';

export default {
	fetch: app.fetch,
	async scheduled(controller, env, ctx) {
		ctx.waitUntil(
			sweep(env, controller.scheduledTime).then((report) =>
				console.log(JSON.stringify({ cron: controller.cron, ...report }))
			)
		);
	}
} satisfies ExportedHandler<Env>;
