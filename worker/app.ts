// Composes the API: request id → body limit → authentication → idempotency → routes, with one
// error shape for everything that goes wrong. `AppType` is what the PWA's typed client sees.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from './env';
import { ApiError, ValidationError, type ErrorBody } from './errors';
import { authenticate } from './middleware/authenticate';
import { idempotency } from './middleware/idempotency';
import { requestId } from './middleware/request-id';
import { SecretsUnavailableError } from './secrets/seal';
import { apiKeyRoutes } from './routes/api-keys';
import { auditRoutes } from './routes/audit';
import { sessionRoutes } from './routes/session';
import { teamRoutes } from './routes/team';
import { terminalRoutes } from './routes/terminals';
import { checkoutRoutes } from './routes/checkout';
import { healthRoutes } from './routes/health';
import { invoiceRoutes } from './routes/invoices';
import { nodeRoutes } from './routes/nodes';
import { productRoutes } from './routes/products';
import { storeRoutes } from './routes/stores';
import { userRoutes } from './routes/users';
import { webhookRoutes } from './routes/webhooks';
import { cardRoutes } from './routes/cards';
import { boltcardRoutes } from './routes/boltcard';

const MAX_BODY_BYTES = 1024 * 1024;

const api = new Hono<AppEnv>()
	.use(requestId)
	.use(
		bodyLimit({
			maxSize: MAX_BODY_BYTES,
			onError: () => {
				throw new ApiError('payload-too-large', 'The request body is larger than 1 MB.');
			}
		})
	)
	.use(authenticate)
	.use(idempotency)
	.route('/', healthRoutes)
	.route('/', userRoutes)
	.route('/', apiKeyRoutes)
	.route('/', storeRoutes)
	.route('/', nodeRoutes)
	.route('/', invoiceRoutes)
	.route('/', checkoutRoutes)
	.route('/', productRoutes)
	.route('/', webhookRoutes)
	.route('/', sessionRoutes)
	.route('/', teamRoutes)
	.route('/', terminalRoutes)
	.route('/', auditRoutes)
	.route('/', cardRoutes);

// The card URL is lnurlw://HOST/boltcard (LUD-17): public, outside the API's middleware.
export const app = new Hono<AppEnv>().route('/api/v1', api).route('/', boltcardRoutes);

app.notFound((c) => {
	const body: ErrorBody = {
		code: 'not-found',
		message: `There is no API route ${c.req.method} ${c.req.path}.`
	};
	return c.json(body, 404);
});

app.onError((error, c) => {
	if (error instanceof ApiError) return c.json(error.toBody(), error.status);
	if (error instanceof ValidationError) return c.json(error.issues, 422);
	if (error instanceof SecretsUnavailableError) {
		const body: ErrorBody = { code: 'service-unavailable', message: error.message };
		return c.json(body, 503);
	}
	if (error instanceof HTTPException && error.status === 400) {
		// Hono's validator rejects unparsable JSON this way.
		const body: ErrorBody = {
			code: 'malformed-json',
			message: 'The request body is not valid JSON.'
		};
		return c.json(body, 400);
	}
	if (error instanceof HTTPException) {
		const body: ErrorBody = { code: 'bad-request', message: error.message };
		return c.json(body, error.status as 400);
	}
	const requestId = c.get('requestId') ?? 'unknown';
	console.error(JSON.stringify({ requestId, error: String(error), stack: (error as Error).stack }));
	const body: ErrorBody = {
		code: 'internal-error',
		message: `Something went wrong on our side; quote request id ${requestId} when reporting it.`
	};
	return c.json(body, 500);
});

export type AppType = typeof api;
