// Who a request acts for. Routes never inspect the kind to decide access: they declare a
// permission and worker/auth/authorize.ts decides (see there).
import type { Grant } from './permissions';

export type Principal =
	| { kind: 'anonymous'; ip: string }
	| { kind: 'user'; userId: string; email: string; isAdmin: boolean }
	| { kind: 'apiKey'; userId: string; email: string; isAdmin: boolean; keyHash: string; grants: Grant[] };

/** The stable string that scopes per-caller records such as idempotency keys. */
export function principalScope(p: Principal): string {
	switch (p.kind) {
		case 'anonymous':
			return `anonymous:${p.ip}`;
		case 'user':
			return `user:${p.userId}`;
		case 'apiKey':
			return `key:${p.keyHash}`;
	}
}

/** Recorded on what a principal creates (`createdBy` columns). */
export function principalLabel(p: Principal): string | null {
	return p.kind === 'anonymous' ? null : p.kind === 'user' ? `user:${p.userId}` : `key:${p.keyHash.slice(0, 12)}`;
}
