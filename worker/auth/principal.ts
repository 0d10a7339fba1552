// Who a request acts for. Later kinds (API key, terminal, cashier) join this union; routes ask
// for a principal with a permission rather than inspecting the kind.
export type Principal =
	| { kind: 'anonymous'; ip: string }
	| { kind: 'user'; userId: string; email: string; isAdmin: boolean };

/** The stable string that scopes per-caller records such as idempotency keys. */
export function principalScope(p: Principal): string {
	return p.kind === 'anonymous' ? `anonymous:${p.ip}` : `user:${p.userId}`;
}
