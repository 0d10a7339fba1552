// Every worker test file starts from an empty D1 with all migrations applied, and with webhook
// deliveries going to a receiver that accepts everything (no test reaches the network); tests
// about webhooks put their own recording receiver in its place.
import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { useWebhookFetcher } from '../../worker/webhooks/outbound';

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
useWebhookFetcher(async () => new Response('ok', { status: 200 }));
