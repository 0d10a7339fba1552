// The types every route shares: bindings from wrangler.toml and per-request variables.
import type { Principal } from './auth/principal';

export type AppEnv = {
	Bindings: Env;
	Variables: {
		/** Echoed in the `X-Request-Id` header and every log line of the request. */
		requestId: string;
		/** Who is calling; `anonymous` until an authentication middleware says otherwise. */
		principal: Principal;
	};
};

export function isProduction(env: Pick<Env, 'ENVIRONMENT'>): boolean {
	return env.ENVIRONMENT === 'production';
}
