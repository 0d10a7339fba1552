// GET /api/v1/health: proves the worker runs and D1 answers. Public, as in Greenfield.
import { Hono } from 'hono';
import type { Health } from '../contract/health';
import { database } from '../db/client';
import { pingDatabase } from '../data/health';
import type { AppEnv } from '../env';
import { VERSION } from '../version';
import { publicRoute } from '../auth/authorize';

export const healthRoutes = new Hono<AppEnv>().get('/health', publicRoute, async (c) => {
	let databaseOk = false;
	try {
		databaseOk = await pingDatabase(database(c.env.DB));
	} catch (error) {
		console.error(JSON.stringify({ requestId: c.get('requestId'), health: String(error) }));
	}
	const body: Health = {
		status: databaseOk ? 'ok' : 'degraded',
		version: VERSION,
		database: databaseOk ? 'ok' : 'unavailable',
		synchronized: databaseOk
	};
	c.header('Cache-Control', 'no-store');
	return c.json(body, databaseOk ? 200 : 503);
});
