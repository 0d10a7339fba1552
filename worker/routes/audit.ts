// GET /api/v1/stores/{storeId}/audit: who did what (owners).
import { Hono } from 'hono';
import { z } from 'zod';
import { database } from '../db/client';
import { listAudit } from '../data/audit';
import type { AppEnv } from '../env';
import { storePermission } from '../auth/authorize';
import { STORE } from '../auth/permissions';
import { validate } from '../validation';

const querySchema = z.object({
	before: z.coerce.number().int().positive().optional(),
	take: z.coerce.number().int().min(1).max(500).default(100)
});

export const auditRoutes = new Hono<AppEnv>().get('/stores/:storeId/audit', storePermission(STORE.viewAuditLog), validate('query', querySchema), async (c) => {
	const q = c.req.valid('query');
	const rows = await listAudit(database(c.env.DB), c.req.param('storeId'), q);
	return c.json(
		rows.map((r) => ({ id: r.id, at: Math.floor(r.at / 1000), actor: r.actor, action: r.action, target: r.target, details: JSON.parse(r.details) as unknown, ip: r.ip, requestId: r.requestId })),
		200
	);
});
