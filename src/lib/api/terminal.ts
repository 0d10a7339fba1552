// The shared tablet's calls: pair with a manager's one-time code, read who may sign in on it,
// and start or end a cashier's PIN session. The till's own calls (sell, items) take the same
// terminal credentials through `TillAuth` in `../api.ts`.
import { api, authHeaders, failureFrom, reach, type TerminalAuth } from '../api.ts';

export async function pairTerminal(code: string) {
	const res = await reach(() => api.terminals.pair.$post({ json: { code } }));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function getTerminal(auth: TerminalAuth) {
	const res = await reach(() => api.terminal.$get(undefined, { headers: authHeaders(auth) }));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function cashierSignIn(deviceToken: string, userId: string, pin: string) {
	const res = await reach(() =>
		api.terminal.cashier.$post({ json: { userId, pin } }, { headers: authHeaders({ terminal: deviceToken, cashier: null }) })
	);
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function cashierSignOut(auth: TerminalAuth): Promise<void> {
	const res = await reach(() => api.terminal.cashier.$delete(undefined, { headers: authHeaders(auth) }));
	if (!res.ok) throw await failureFrom(res);
}

export type TerminalInfo = Awaited<ReturnType<typeof getTerminal>>;
export type TerminalCashier = TerminalInfo['cashiers'][number];
