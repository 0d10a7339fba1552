// The merchant app's calls, signed in with the session cookie (HttpOnly, sent by the browser;
// writes carry the page's Origin). Kept apart from `../api.ts` so the till does not load them.
import type { NodeSettings } from '../../../worker/contract/nodes';
import { api, failureFrom, reach } from '../api.ts';

export type StoreRoleName = 'Owner' | 'Manager' | 'Employee' | 'Guest';
export const ROLE_NAMES: readonly StoreRoleName[] = ['Owner', 'Manager', 'Employee', 'Guest'];

async function ok(res: Response): Promise<void> {
	if (!res.ok) throw await failureFrom(res);
}

// ---- session and account ----

export async function signIn(email: string, password: string) {
	const res = await reach(() => api.session.$post({ json: { email, password } }));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function getSession() {
	const res = await reach(() => api.session.$get());
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function signOut(): Promise<void> {
	await ok(await reach(() => api.session.$delete()));
}

export async function signOutEverywhere(): Promise<void> {
	await ok(await reach(() => api.session['revoke-all'].$post()));
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
	await ok(await reach(() => api.users.me.$put({ json: { currentPassword, newPassword } })));
}

export async function setPin(pin: string, currentPassword: string): Promise<void> {
	await ok(await reach(() => api.users.me.pin.$put({ json: { pin, currentPassword } })));
}

// ---- store ----

export async function getStoreSettings(storeId: string) {
	const res = await reach(() => api.stores[':storeId'].$get({ param: { storeId } }));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

/** Invoices created since `since` (unix seconds), newest first. */
export async function listInvoicesSince(storeId: string, since: number, take = 200) {
	const res = await reach(() =>
		api.stores[':storeId'].invoices.$get({ param: { storeId }, query: { startDate: String(since), take: String(take) } })
	);
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

// ---- team ----

export async function listTeam(storeId: string) {
	const res = await reach(() => api.stores[':storeId'].users.$get({ param: { storeId } }));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function changeRole(storeId: string, userId: string, role: StoreRoleName): Promise<void> {
	await ok(await reach(() => api.stores[':storeId'].users[':idOrEmail'].$put({ param: { storeId, idOrEmail: userId }, json: { role } })));
}

export async function removeMember(storeId: string, userId: string): Promise<void> {
	await ok(await reach(() => api.stores[':storeId'].users[':idOrEmail'].$delete({ param: { storeId, idOrEmail: userId } })));
}

export async function createInvite(storeId: string, role: StoreRoleName, email: string | null) {
	const res = await reach(() => api.stores[':storeId'].invites.$post({ param: { storeId }, json: { role, email, validHours: 72 } }));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function getInvite(token: string) {
	const res = await reach(() => api.invites[':token'].$get({ param: { token } }));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function acceptInvite(token: string, account: { email: string; password: string; name: string } | null) {
	const res = await reach(() => api.invites[':token'].accept.$post({ param: { token }, json: account ?? {} }));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function unlockPin(storeId: string, userId: string): Promise<void> {
	await ok(await reach(() => api.stores[':storeId'].users[':userId']['pin-unlock'].$post({ param: { storeId, userId } })));
}

// ---- terminals ----

export async function createPairingCode(storeId: string, name: string) {
	const res = await reach(() => api.stores[':storeId'].terminals['pairing-codes'].$post({ param: { storeId }, json: { name } }));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function listTerminals(storeId: string) {
	const res = await reach(() => api.stores[':storeId'].terminals.$get({ param: { storeId } }));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function updateTerminal(storeId: string, terminalId: string, changes: { name?: string; idleLockMinutes?: number }) {
	const res = await reach(() =>
		api.stores[':storeId'].terminals[':terminalId'].$put({ param: { storeId, terminalId }, json: changes })
	);
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function revokeTerminal(storeId: string, terminalId: string): Promise<void> {
	await ok(await reach(() => api.stores[':storeId'].terminals[':terminalId'].$delete({ param: { storeId, terminalId } })));
}

// ---- API keys ----

export async function listApiKeys() {
	const res = await reach(() => api.users.me['api-keys'].$get());
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function createApiKey(label: string, permissions: string[]) {
	const res = await reach(() => api['api-keys'].$post({ json: { label, permissions } }));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function revokeApiKey(keyId: string): Promise<void> {
	await ok(await reach(() => api.users.me['api-keys'][':keyId'].$delete({ param: { keyId } })));
}

// ---- audit ----

export async function listAudit(storeId: string) {
	const res = await reach(() => api.stores[':storeId'].audit.$get({ param: { storeId }, query: { take: '100' } }));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

// ---- node ----

/** The store's node, or null when none is connected yet. */
export async function getNode(storeId: string) {
	const res = await reach(() => api.stores[':storeId'].node.$get({ param: { storeId } }));
	if (res.status === 200) return await res.json();
	const failure = await failureFrom(res);
	if (failure.code === 'node-not-configured') return null;
	throw failure;
}

export async function saveNode(storeId: string, settings: NodeSettings) {
	const res = await reach(() => api.stores[':storeId'].node.$put({ param: { storeId }, json: settings }));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function testNode(storeId: string) {
	const res = await reach(() => api.stores[':storeId'].node.test.$post({ param: { storeId } }));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export type SessionInfo = Awaited<ReturnType<typeof getSession>>;
export type MerchantStore = SessionInfo['stores'][number];
export type TeamMember = Awaited<ReturnType<typeof listTeam>>[number];
export type TerminalRow = Awaited<ReturnType<typeof listTerminals>>[number];
export type ApiKeyRow = Awaited<ReturnType<typeof listApiKeys>>[number];
export type AuditRow = Awaited<ReturnType<typeof listAudit>>[number];
export type NodeInfo = NonNullable<Awaited<ReturnType<typeof getNode>>>;
export type NodeTest = Awaited<ReturnType<typeof testNode>>;
export type InvoiceRow = Awaited<ReturnType<typeof listInvoicesSince>>[number];
