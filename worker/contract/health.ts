// What GET /api/v1/health answers; read by the PWA's status indicator and by monitors.
import { z } from 'zod';

export const healthSchema = z.object({
	status: z.enum(['ok', 'degraded']),
	version: z.string(),
	database: z.enum(['ok', 'unavailable']),
	/** Greenfield's field: true when the server can take payments. */
	synchronized: z.boolean()
});

export type Health = z.infer<typeof healthSchema>;
