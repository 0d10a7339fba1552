// Terminals: a manager pairs a tablet with a one-time code; the tablet gets a revocable device
// token bound to the store; on it, cashiers pick their name and enter a PIN (rate-limited,
// locked after five wrong tries until a manager unlocks it); the till locks itself when idle.
import { Hono } from 'hono';
import { cashierSignInSchema, pairingCodeSchema, pairSchema, updateTerminalSchema } from '../contract/accounts';
import { database } from '../db/client';
import { clearPinFailures, recordFailedPin } from '../data/accounts';
import { findStore, findStoreNode } from '../data/stores';
import { roleOf } from '../data/team';
import {
	endCashierSession,
	endTerminalSessions,
	findTerminal,
	insertCashierSession,
	insertPairingCode,
	listCashiers,
	listTerminals,
	pairWithCode,
	updateTerminal,
	type TerminalRow
} from '../data/terminals';
import { findUserById } from '../data/users';
import type { AppEnv } from '../env';
import { ApiError, ValidationError } from '../errors';
import { audit } from '../auth/audit';
import { publicRoute, storePermission, terminalOnly } from '../auth/authorize';
import { verifyPassword } from '../auth/password';
import { STORE } from '../auth/permissions';
import { accountOf } from '../auth/principal';
import { LIMITS, rateLimit } from '../auth/rate-limit';
import { hashToken, newPairingCode, newToken } from '../auth/tokens';
import { randomBase58 } from '../ids';
import { publicOrigin } from '../origin';
import { validate } from '../validation';
import { clientIp } from '../middleware/authenticate';
import { readSettings } from '../stores/store-data';

const PAIRING_MINUTES = 10;
export const PIN_ATTEMPTS = 5;

const view = (t: TerminalRow) => ({
	id: t.id,
	name: t.name,
	idleLockMinutes: t.idleLockMinutes,
	created: Math.floor(t.createdAt / 1000),
	lastSeen: t.lastSeenAt === null ? null : Math.floor(t.lastSeenAt / 1000)
});

export const terminalRoutes = new Hono<AppEnv>()
	.post('/stores/:storeId/terminals/pairing-codes', storePermission(STORE.manageTerminals), validate('json', pairingCodeSchema), async (c) => {
		const storeId = c.req.param('storeId');
		const code = newPairingCode();
		const now = Date.now();
		const expiresAt = now + PAIRING_MINUTES * 60_000;
		await insertPairingCode(database(c.env.DB), {
			codeHash: hashToken(code),
			storeId,
			terminalName: c.req.valid('json').name,
			createdBy: accountOf(c.get('principal'))?.userId ?? 'unknown',
			createdAt: now,
			expiresAt
		});
		await audit(c, { storeId, action: 'terminal.pairing-code', details: { name: c.req.valid('json').name } });
		return c.json({ code, expiresAt: Math.floor(expiresAt / 1000), pairUrl: `${publicOrigin(c)}/pos?pair=${code}` }, 200);
	})
	.get('/stores/:storeId/terminals', storePermission(STORE.manageTerminals), async (c) => {
		return c.json((await listTerminals(database(c.env.DB), c.req.param('storeId'))).map(view), 200);
	})
	.put('/stores/:storeId/terminals/:terminalId', storePermission(STORE.manageTerminals), validate('json', updateTerminalSchema), async (c) => {
		const changes = c.req.valid('json');
		if (changes.name === undefined && changes.idleLockMinutes === undefined) {
			throw new ValidationError([{ path: 'name', message: 'Give a new name or idle lock time.' }]);
		}
		const row = await updateTerminal(database(c.env.DB), c.req.param('storeId'), c.req.param('terminalId'), changes);
		if (!row) throw new ApiError('not-found', 'The terminal could not be found.');
		await audit(c, { storeId: row.storeId, action: 'terminal.update', target: row.id, details: c.req.valid('json') });
		return c.json(view(row), 200);
	})
	.delete('/stores/:storeId/terminals/:terminalId', storePermission(STORE.manageTerminals), async (c) => {
		const db = database(c.env.DB);
		const now = Date.now();
		const row = await updateTerminal(db, c.req.param('storeId'), c.req.param('terminalId'), { revokedAt: now });
		if (!row) throw new ApiError('not-found', 'The terminal could not be found.');
		await endTerminalSessions(db, row.id, now);
		await audit(c, { storeId: row.storeId, action: 'terminal.revoke', target: row.id });
		return c.body(null, 200);
	})
	.post('/stores/:storeId/users/:userId/pin-unlock', storePermission(STORE.manageTerminals), async (c) => {
		const storeId = c.req.param('storeId');
		const db = database(c.env.DB);
		if (!(await roleOf(db, storeId, c.req.param('userId')))) throw new ApiError('not-found', 'That person is not in this team.');
		await clearPinFailures(db, c.req.param('userId'));
		await audit(c, { storeId, action: 'terminal.pin-unlock', target: c.req.param('userId') });
		return c.body(null, 200);
	})
	.post('/terminals/pair', publicRoute, validate('json', pairSchema), async (c) => {
		await rateLimit(c, `code:${clientIp(c.req.raw.headers)}`, LIMITS.code);
		const db = database(c.env.DB);
		const token = newToken();
		const now = Date.now();
		const terminal = await pairWithCode(db, hashToken(c.req.valid('json').code), { id: randomBase58(12), tokenHash: hashToken(token), idleLockMinutes: 5, createdAt: now, lastSeenAt: null, revokedAt: null }, now);
		if (!terminal) throw new ApiError('pairing-code-invalid', 'This pairing code is wrong, used or expired; ask a manager for a new one.');
		const store = await findStore(db, terminal.storeId);
		await audit(c, { storeId: terminal.storeId, action: 'terminal.paired', target: terminal.id, actor: `terminal:${terminal.id}` });
		return c.json({ terminal: view(terminal), token, store: { id: terminal.storeId, name: store?.name ?? '' } }, 200);
	})
	.get('/terminal', terminalOnly, async (c) => {
		const principal = c.get('principal');
		if (principal.kind !== 'terminal' && principal.kind !== 'cashier') throw new ApiError('unauthenticated', 'Pair this tablet first.');
		const db = database(c.env.DB);
		const terminal = await findTerminal(db, principal.storeId, principal.terminalId);
		const store = await findStore(db, principal.storeId);
		const node = await findStoreNode(db, principal.storeId);
		const cashiers = (await listCashiers(db, principal.storeId)).map((u) => ({
			userId: u.userId,
			name: u.name ?? u.email,
			role: u.role,
			pinSet: Boolean(u.pinSet),
			pinLocked: u.pinLocked
		}));
		return c.json(
			{
				terminal: terminal ? view(terminal) : null,
				store: {
					id: principal.storeId,
					name: store?.name ?? '',
					defaultCurrency: store?.defaultCurrency ?? 'USD',
					testMode: node?.kind === 'simulated',
					// What the till needs of the settings, which a cashier's role may not read.
					tipPercentages: store ? readSettings(store).tipPercentages : [],
					customTipEnabled: store ? readSettings(store).customTipEnabled : false
				},
				cashiers,
				cashier: principal.kind === 'cashier' ? { userId: principal.userId, role: (await roleOf(db, principal.storeId, principal.userId)) ?? null } : null
			},
			200
		);
	})
	.post('/terminal/cashier', terminalOnly, validate('json', cashierSignInSchema), async (c) => {
		const principal = c.get('principal');
		if (principal.kind !== 'terminal' && principal.kind !== 'cashier') throw new ApiError('unauthenticated', 'Pair this tablet first.');
		await rateLimit(c, `pin:${principal.terminalId}`, LIMITS.pin);
		const db = database(c.env.DB);
		const { userId, pin } = c.req.valid('json');
		const role = await roleOf(db, principal.storeId, userId);
		const user = role ? await findUserById(db, userId) : undefined;
		if (!user || !role) throw new ApiError('not-found', 'That person is not in this store’s team.');
		if (user.pinLocked) throw new ApiError('pin-locked', 'This PIN is locked after too many wrong tries; a manager can unlock it.');
		if (!user.pinHash) throw new ApiError('bad-request', 'No PIN is set yet; set one from your own account (Merchant → Account).');
		if (!(await verifyPassword(pin, user.pinHash))) {
			const { failures, locked } = await recordFailedPin(db, user.id, PIN_ATTEMPTS);
			await audit(c, { storeId: principal.storeId, action: 'terminal.pin-failed', target: user.id, details: { failures } });
			if (locked) throw new ApiError('pin-locked', 'Too many wrong PINs: it is locked now; a manager can unlock it.');
			throw new ApiError('unauthenticated', `Wrong PIN; ${PIN_ATTEMPTS - failures} tries left.`);
		}
		if (user.pinFailures > 0) await clearPinFailures(db, user.id);
		const token = newToken();
		const now = Date.now();
		await insertCashierSession(db, { tokenHash: hashToken(token), terminalId: principal.terminalId, userId: user.id, createdAt: now, lastSeenAt: now, endedAt: null });
		await audit(c, { storeId: principal.storeId, action: 'terminal.cashier-in', target: user.id, actor: `cashier:${principal.terminalId}/${user.id}` });
		return c.json({ token, userId: user.id, name: user.name ?? user.email, role }, 200);
	})
	.delete('/terminal/cashier', terminalOnly, async (c) => {
		const principal = c.get('principal');
		if (principal.kind === 'cashier') await endCashierSession(database(c.env.DB), principal.sessionHash, Date.now());
		return c.body(null, 200);
	});
