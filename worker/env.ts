// The types every route shares: bindings from wrangler.toml and per-request variables.
import type { Principal } from './auth/principal';
import type { InvoiceRow } from './data/invoices';
import type { WebhookRow } from './data/webhooks';

/** Worker secrets (set with `wrangler secret put`); not in wrangler.toml, so not in `Env`. */
export type Secrets = {
	/** Seals stored credentials (worker/secrets/seal.ts). */
	SECRETS_KEY?: string;
	SECRETS_KEY_PREVIOUS?: string;
	/** `on` or `off` overrides the default (on in development, off in production). */
	SIMULATED_NODE?: string;
	/** Public origin for links (checkoutLink, program URLs); defaults to the request's. */
	PUBLIC_ORIGIN?: string;
};

export type WorkerEnv = Env & Secrets;

export type AppEnv = {
	Bindings: WorkerEnv;
	Variables: {
		/** Echoed in the `X-Request-Id` header and every log line of the request. */
		requestId: string;
		/** Who is calling; `anonymous` until an authentication middleware says otherwise. */
		principal: Principal;
		/** The invoice a route names, loaded and access-checked by `invoicePermission`. */
		invoice: InvoiceRow;
		/** The webhook a route names, loaded and access-checked by its guard. */
		webhook: WebhookRow;
	};
};

export function isProduction(env: Pick<Env, 'ENVIRONMENT'>): boolean {
	return env.ENVIRONMENT === 'production';
}
