// Input validation for every route: zod schemas (shared with the PWA through worker/contract)
// behind @hono/zod-validator, failing with Greenfield's 422 body of `{ path, message }` items.
import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { ZodType } from 'zod';
import type { ValidationErrorBody } from './errors';

type Issue = { path: PropertyKey[]; message: string };

export function toValidationBody(issues: readonly Issue[]): ValidationErrorBody {
	return issues.map((issue) => ({
		path: issue.path.map(String).join('.'),
		message: issue.message
	}));
}

export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(
	target: Target,
	schema: Schema
) {
	return zValidator(target, schema, (result, c) => {
		if (!result.success) return c.json(toValidationBody(result.error.issues), 422);
	});
}
