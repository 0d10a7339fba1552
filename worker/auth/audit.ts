// Writes the audit log: who (user, API key, terminal, cashier), what, when and from where.
import type { Context } from 'hono';
import { database } from '../db/client';
import { appendAudit } from '../data/audit';
import type { AppEnv } from '../env';
import { principalLabel } from './principal';

export async function audit(
	c: Context<AppEnv>,
	entry: { storeId: string | null; action: string; target?: string | null; details?: Record<string, unknown>; actor?: string }
): Promise<void> {
	await appendAudit(database(c.env.DB), {
		storeId: entry.storeId,
		actor: entry.actor ?? principalLabel(c.get('principal')) ?? 'anonymous',
		action: entry.action,
		target: entry.target ?? null,
		details: JSON.stringify(entry.details ?? {}),
		ip: c.req.header('cf-connecting-ip') ?? null,
		requestId: c.get('requestId') ?? null,
		at: Date.now()
	});
}
