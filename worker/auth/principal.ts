// Who a request acts for. Routes never inspect the kind to decide access: they declare a
// permission and worker/auth/authorize.ts decides (see there).
import type { Grant } from './permissions';

export type Principal =
	| { kind: 'anonymous'; ip: string }
	| { kind: 'user'; via: 'basic' | 'session'; userId: string; email: string; isAdmin: boolean; sessionHash?: string }
	| { kind: 'apiKey'; userId: string; email: string; isAdmin: boolean; keyHash: string; grants: Grant[] }
	/** A paired tablet with no cashier signed in: it may only list cashiers and take a PIN. */
	| { kind: 'terminal'; terminalId: string; storeId: string }
	/** A cashier signed in on a paired tablet by PIN: their role, on that tablet's store only. */
	| { kind: 'cashier'; terminalId: string; storeId: string; userId: string; email: string; sessionHash: string };

/** The stable string that scopes per-caller records such as idempotency keys. */
export function principalScope(p: Principal): string {
	switch (p.kind) {
		case 'anonymous':
			return `anonymous:${p.ip}`;
		case 'user':
			return `user:${p.userId}`;
		case 'apiKey':
			return `key:${p.keyHash}`;
		case 'terminal':
			return `terminal:${p.terminalId}`;
		case 'cashier':
			return `cashier:${p.terminalId}/${p.userId}`;
	}
}

/** Recorded on what a principal creates and in the audit log. */
export function principalLabel(p: Principal): string | null {
	switch (p.kind) {
		case 'anonymous':
			return null;
		case 'user':
			return `user:${p.userId}`;
		case 'apiKey':
			return `key:${p.keyHash.slice(0, 12)}`;
		case 'terminal':
			return `terminal:${p.terminalId}`;
		case 'cashier':
			return `cashier:${p.terminalId}/${p.userId}`;
	}
}

/** The user a principal speaks for, if any. */
export function principalUserId(p: Principal): string | null {
	return p.kind === 'user' || p.kind === 'apiKey' || p.kind === 'cashier' ? p.userId : null;
}

/** The account behind a principal (a cashier is never an admin at the till), or null. */
export function accountOf(p: Principal): { userId: string; isAdmin: boolean } | null {
	switch (p.kind) {
		case 'user':
		case 'apiKey':
			return { userId: p.userId, isAdmin: p.isAdmin };
		case 'cashier':
			return { userId: p.userId, isAdmin: false };
		default:
			return null;
	}
}
