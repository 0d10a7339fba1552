// Builds the state most checkout tests start from, through the public API only: the first user
// (server admin), an API key, a JMD store on the simulated node.
import { call } from './helpers';

export type StoreFixture = {
	admin: { email: string; password: string };
	storeId: string;
	key: string;
	/** Headers for calls with the API key. */
	auth: Record<string, string>;
};

let adminCreated: Promise<void> | null = null;
export const ADMIN = { email: 'owner@example.com', password: 'correct horse battery' };

export async function ensureAdmin(): Promise<void> {
	adminCreated ??= (async () => {
		const res = await call('/users', { method: 'POST', json: ADMIN });
		if (res.status !== 201 && res.status !== 401) throw new Error(`bootstrap failed: ${res.status}`);
	})();
	return adminCreated;
}

export async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
	const text = await res.text();
	try {
		return JSON.parse(text) as T;
	} catch {
		throw new Error(`not JSON (${res.status}): ${text.slice(0, 200)}`);
	}
}

export async function createStore(
	body: Record<string, unknown> = { name: 'Test café', defaultCurrency: 'JMD' },
	options: { node?: boolean } = { node: true }
): Promise<StoreFixture> {
	await ensureAdmin();
	const storeRes = await call('/stores', { method: 'POST', basic: ADMIN, json: body });
	if (storeRes.status !== 200) throw new Error(`store: ${storeRes.status} ${await storeRes.text()}`);
	const store = await json<{ id: string }>(storeRes);
	if (options.node !== false) {
		const node = await call(`/stores/${store.id}/node`, { method: 'PUT', basic: ADMIN, json: { kind: 'simulated' } });
		if (node.status !== 200) throw new Error(`node: ${node.status} ${await node.text()}`);
	}
	const keyRes = await call('/api-keys', {
		method: 'POST',
		basic: ADMIN,
		json: { label: 'till', permissions: [`btcpay.store.canmodifystoresettings:${store.id}`] }
	});
	const { apiKey } = await json<{ apiKey: string }>(keyRes);
	return { admin: ADMIN, storeId: store.id, key: apiKey, auth: { authorization: `token ${apiKey}` } };
}

export async function createInvoice(f: StoreFixture, body: Record<string, unknown> = { amount: '1500.00', currency: 'JMD' }) {
	const res = await call(`/stores/${f.storeId}/invoices`, { method: 'POST', headers: f.auth, json: body });
	if (res.status !== 200) throw new Error(`invoice: ${res.status} ${await res.text()}`);
	return json<Record<string, any>>(res);
}

export async function bolt11Of(f: StoreFixture, invoiceId: string): Promise<string> {
	const res = await call(`/invoices/${invoiceId}/payment-methods`, { headers: f.auth });
	const methods = await json<Array<{ destination: string }>>(res);
	return methods[0]!.destination;
}

export async function pay(f: StoreFixture, bolt11: string, extra: Record<string, unknown> = {}) {
	return call(`/stores/${f.storeId}/node/simulate-payment`, {
		method: 'POST',
		headers: f.auth,
		json: { destination: bolt11, ...extra }
	});
}
