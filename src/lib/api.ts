// The PWA's only door to the API: a Hono RPC client typed from the worker's routes, so a renamed
// field breaks the build instead of a sale. Components call these functions, never `fetch`.
import { hc } from 'hono/client';
import type { AppType } from '../../.types/worker/app';
import type { CreateInvoice } from '../../worker/contract/invoices';
import type { ProductInput } from '../../worker/contract/products';

/** An API refusal in Greenfield's shapes, with the stable code a screen can switch on. */
export class ApiFailure extends Error {
	readonly status: number;
	readonly code: string;
	readonly issues: ReadonlyArray<{ path: string; message: string }>;

	constructor(
		status: number,
		code: string,
		message: string,
		issues: ReadonlyArray<{ path: string; message: string }> = []
	) {
		super(message);
		this.name = 'ApiFailure';
		this.status = status;
		this.code = code;
		this.issues = issues;
	}
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every mutating call carries an Idempotency-Key. Callers that may retry one logical action
 * (the offline outbox) pass their own key in the call's headers so each retry reuses it.
 */
const fetchWithIdempotency: typeof fetch = (input, init) => {
	const method = (init?.method ?? 'GET').toUpperCase();
	if (!MUTATING.has(method)) return fetch(input, init);
	const headers = new Headers(init?.headers);
	if (!headers.has('idempotency-key')) headers.set('idempotency-key', crypto.randomUUID());
	return fetch(input, { ...init, headers });
};

export const api = hc<AppType>('/api/v1', { fetch: fetchWithIdempotency });

/** Turns a non-2xx response into an ApiFailure carrying the server's code and message. */
export async function failureFrom(res: Response): Promise<ApiFailure> {
	const text = await res.text();
	try {
		const body: unknown = JSON.parse(text);
		if (Array.isArray(body)) {
			const issues = body as Array<{ path: string; message: string }>;
			return new ApiFailure(res.status, 'validation', issues.map((i) => i.message).join(' '), issues);
		}
		if (body && typeof body === 'object' && 'code' in body && 'message' in body) {
			return new ApiFailure(res.status, String(body.code), String(body.message));
		}
	} catch {
		// Not JSON: a proxy or the platform answered, not our API.
	}
	return new ApiFailure(res.status, 'unexpected-response', `The server answered ${res.status}.`);
}

export async function getHealth() {
	const res = await api.health.$get();
	if (res.status === 200 || res.status === 503) return res.json();
	throw await failureFrom(res);
}

// ---- the till and the customer's page ----

/** A fetch that never reached the server (offline, DNS, aborted) as an ApiFailure. */
export async function reach<T>(request: () => Promise<T>): Promise<T> {
	try {
		return await request();
	} catch (error) {
		if (error instanceof ApiFailure) throw error;
		throw new ApiFailure(0, 'network', 'The server could not be reached.');
	}
}

function basic(email: string, password: string): { authorization: string } {
	// btoa takes Latin-1 only: encode as UTF-8 bytes first, as the worker decodes them.
	let binary = '';
	for (const byte of new TextEncoder().encode(`${email}:${password}`)) binary += String.fromCharCode(byte);
	return { authorization: `Basic ${btoa(binary)}` };
}

/** A paired tablet's device token, and the cashier's token once someone entered their PIN. */
export type TerminalAuth = { readonly terminal: string; readonly cashier: string | null };
/** How the till authenticates: a store-scoped API key (e-mail sign-in) or a paired terminal. */
export type TillAuth = string | TerminalAuth;

export function authHeaders(auth: TillAuth): Record<string, string> {
	if (typeof auth === 'string') return { authorization: `token ${auth}` };
	const headers: Record<string, string> = { authorization: `Terminal ${auth.terminal}` };
	if (auth.cashier) headers['x-flashpoint-cashier'] = auth.cashier;
	return headers;
}

/** What a till's key may do: sell, read sales, read and edit the items, read the store, take cash for cards. */
export function posPermissions(storeId: string): string[] {
	return [
		'cancreateinvoice',
		'canviewinvoices',
		'canviewproducts',
		'canmodifyproducts',
		'canviewstoresettings',
		'cantopupcards'
	].map((p) => `btcpay.store.${p}:${storeId}`);
}

/** The stores a user may sell for, with their e-mail and password (HTTP Basic, not stored). */
export async function listStoresWithPassword(email: string, password: string) {
	const res = await reach(() => api.stores.$get(undefined, { headers: basic(email, password) }));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

/** Creates this till's API key, scoped to one store. */
export async function createPosKey(email: string, password: string, storeId: string, label: string) {
	const res = await reach(() =>
		api['api-keys'].$post({ json: { label, permissions: posPermissions(storeId) } }, { headers: basic(email, password) })
	);
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

/** Revokes the key the till signs in with (sign out). */
export async function revokePosKey(apiKey: string): Promise<void> {
	const res = await reach(() => api['api-keys'].current.$delete(undefined, { headers: authHeaders(apiKey) }));
	if (!res.ok) throw await failureFrom(res);
}

export async function getStore(auth: TillAuth, storeId: string) {
	const res = await reach(() => api.stores[':storeId'].$get({ param: { storeId } }, { headers: authHeaders(auth) }));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

/** The store's node connection; fails with code `node-not-configured` when there is none. */
export async function getStoreNode(auth: TillAuth, storeId: string) {
	const res = await reach(() => api.stores[':storeId'].node.$get({ param: { storeId } }, { headers: authHeaders(auth) }));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function listProducts(auth: TillAuth, storeId: string) {
	const res = await reach(() => api.stores[':storeId'].products.$get({ param: { storeId } }, { headers: authHeaders(auth) }));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function createProduct(auth: TillAuth, storeId: string, input: ProductInput) {
	const res = await reach(() =>
		api.stores[':storeId'].products.$post({ param: { storeId }, json: input }, { headers: authHeaders(auth) })
	);
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function updateProduct(auth: TillAuth, storeId: string, productId: string, input: ProductInput) {
	const res = await reach(() =>
		api.stores[':storeId'].products[':productId'].$put({ param: { storeId, productId }, json: input }, { headers: authHeaders(auth) })
	);
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function deleteProduct(auth: TillAuth, storeId: string, productId: string): Promise<void> {
	const res = await reach(() =>
		api.stores[':storeId'].products[':productId'].$delete({ param: { storeId, productId } }, { headers: authHeaders(auth) })
	);
	if (!res.ok) throw await failureFrom(res);
}

/**
 * Creates a sale's invoice. `idempotencyKey` is the sale attempt's: a retry or a double click
 * sends the same key and the same body, so the server creates one invoice and replays it.
 */
export async function createInvoice(auth: TillAuth, storeId: string, body: CreateInvoice, idempotencyKey: string) {
	const res = await reach(() =>
		api.stores[':storeId'].invoices.$post(
			{ param: { storeId }, json: body },
			{ headers: { ...authHeaders(auth), 'idempotency-key': idempotencyKey } }
		)
	);
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

/** The public view of an invoice (no key): what the QR screen and the customer's page show. */
export async function getCheckout(invoiceId: string) {
	const res = await reach(() => api.checkout[':invoiceId'].$get({ param: { invoiceId } }));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

/** The WebSocket address that pushes an invoice's changes (same origin, ws: or wss:). */
export function checkoutLiveUrl(invoiceId: string): string {
	const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
	return `${scheme}//${location.host}/api/v1/checkout/${encodeURIComponent(invoiceId)}/live`;
}

/** The simulated node's test wallet pays an invoice (test mode only); `amount` in sats. */
export async function payWithTestWallet(
	auth: TillAuth,
	storeId: string,
	payment: { destination: string; amount?: string; late?: boolean }
) {
	const res = await reach(() =>
		api.stores[':storeId'].node['simulate-payment'].$post(
			{ param: { storeId }, json: { destination: payment.destination, amount: payment.amount, late: payment.late ?? false } },
			{ headers: authHeaders(auth) }
		)
	);
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export type Store = Awaited<ReturnType<typeof getStore>>;
export type Product = Awaited<ReturnType<typeof listProducts>>[number];
export type Checkout = Awaited<ReturnType<typeof getCheckout>>;
