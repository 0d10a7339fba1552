// Push from an NWC wallet: while a screen shows an invoice of a store on Nostr Wallet Connect,
// the store's Durable Object follows the wallet's NIP-47 `payment_received` notifications on its
// relay and re-reads the invoice at once when one names its payment hash. Hints only: the state
// comes from lookup_invoice, forged notifications are ignored, and polling stays as the fallback.
import { bytesToHex } from '@noble/hashes/utils.js';
import { createExecutionContext, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import worker from '../../worker/index';
import { decodeInvoice, newNodePrivateKey } from '../../worker/lightning/bolt11';
import { publicKeyOf, signEvent, nip44ConversationKey, nip44Encrypt } from '../../worker/nodes/nostr';
import { useNodeFetcher } from '../../worker/nodes/registry';
import { FakeLightning, FakeRelay, FakeWallet } from './fake-nodes/nwc-relay';
import { relayFetch } from './fake-nodes/nwc-workers';
import { BASE, call } from './helpers';
import { bolt11Of, createInvoice, createStore, json } from './setup-store';

let restore: () => void = () => {};
afterEach(() => restore());

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 3_000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

async function nwcStore() {
	const relay = new FakeRelay('wss://relay.test/');
	const wallet = new FakeWallet(relay, new FakeLightning());
	restore = useNodeFetcher(relayFetch(relay));
	const clientSecret = newNodePrivateKey();
	const client = publicKeyOf(clientSecret);
	const f = await createStore({ name: 'NWC push café', defaultCurrency: 'USD' }, { node: false });
	const connectionString = wallet.connectionString(bytesToHex(clientSecret));
	const put = await call(`/stores/${f.storeId}/node`, { method: 'PUT', headers: f.auth, json: { kind: 'nwc', connectionString } });
	expect(put.status).toBe(200);
	expect(await json(put)).toMatchObject({ push: { enabled: true } });
	const invoice = await createInvoice(f, { amount: '2100', currency: 'SATS' });
	const paymentHash = decodeInvoice(await bolt11Of(f, invoice.id)).paymentHash;
	return { relay, wallet, client, f, invoice, paymentHash };
}

/** Opens the live channel as the customer's page does; returns the socket and its messages. */
async function watchLive(invoiceId: string) {
	const ctx = createExecutionContext();
	const res = await worker.fetch(new Request(`${BASE}/checkout/${invoiceId}/live`, { headers: { upgrade: 'websocket' } }), env, ctx);
	await waitOnExecutionContext(ctx);
	const socket = res.webSocket!;
	const statuses: string[] = [];
	socket.accept();
	socket.addEventListener('message', (event) => {
		const message = JSON.parse(event.data as string) as { type: string; invoice?: { status: string } };
		if (message.type === 'invoice') statuses.push(message.invoice!.status);
	});
	return { socket, statuses };
}

/**
 * Publishes on the relay from inside the hub: the hub's relay socket belongs to the hub's I/O
 * context, which is where a real relay's messages would arrive too.
 */
function publisher(hub: DurableObjectStub, relay: FakeRelay) {
	return {
		publish: (event: Parameters<FakeRelay['publish']>[0]) => runInDurableObject(hub, () => void relay.publish(event)),
		forwardUnchecked: (event: Parameters<FakeRelay['publish']>[0]) => runInDurableObject(hub, () => relay.forwardUnchecked(event))
	};
}

const statusOf = async (id: string) =>
	(await env.DB.prepare('select status from invoices where id = ?').bind(id).first<{ status: string }>())!.status;
const lookups = (wallet: FakeWallet, hash: string) =>
	wallet.requests.filter((r) => r.method === 'lookup_invoice' && r.params.payment_hash === hash).length;

describe('NWC payment notifications while a screen watches', () => {
	it('settles the invoice on a genuine payment_received, with polling stopped, and only from lookup_invoice', async () => {
		const { relay, wallet, client, f, invoice, paymentHash } = await nwcStore();
		const hub = env.STORE_HUB.getByName(f.storeId);
		const { socket, statuses } = await watchLive(invoice.id);
		const received = (hash: string) => wallet.notification(client, { notification_type: 'payment_received', notification: { type: 'incoming', payment_hash: hash, amount: 2_100_000 } });
		await until(() => relay.subscribersFor(received(paymentHash)) === 1, 'the hub to subscribe to the wallet’s notifications');
		expect(await hub.following()).toBe(true);
		// No more polling: from here only a notification can make the hub look.
		await runInDurableObject(hub, (_instance, state) => state.storage.deleteAlarm());
		const on = publisher(hub, relay);

		// A notification before the payment (or one the wallet sent by mistake) is only a hint:
		// the wallet is asked, says pending, and nothing changes.
		const before = lookups(wallet, paymentHash);
		await on.publish(received(paymentHash));
		await until(() => lookups(wallet, paymentHash) > before, 'a lookup after the notification');
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(await statusOf(invoice.id)).toBe('New');

		// Forged: signed by someone else, or naming another hash. Neither makes the hub look.
		const stranger = newNodePrivateKey();
		const forgedContent = nip44Encrypt(
			JSON.stringify({ notification_type: 'payment_received', notification: { payment_hash: paymentHash } }),
			nip44ConversationKey(stranger, client)
		);
		const forged = signEvent({ kind: 23197, created_at: Math.floor(Date.now() / 1000), tags: [['p', client]], content: forgedContent }, stranger);
		const other = received('ab'.repeat(32));
		const quiet = lookups(wallet, paymentHash);
		await on.forwardUnchecked({ ...forged, pubkey: wallet.pubkey });
		await on.publish(forged);
		await on.publish(other);
		await on.publish(wallet.notification(client, { notification_type: 'payment_sent', notification: { payment_hash: paymentHash } }));
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(lookups(wallet, paymentHash)).toBe(quiet);

		// The payment, then its notification (NIP-44, or the NIP-04 kind older wallets send).
		wallet.receive(paymentHash);
		await on.publish(wallet.notification(client, { notification_type: 'payment_received', notification: { payment_hash: paymentHash } }, 23196));
		await until(async () => (await statusOf(invoice.id)) === 'Settled', 'the invoice to settle from the notification');
		await until(() => statuses.includes('Settled'), 'the screen to be told');
		expect(await runInDurableObject(hub, (_instance, state) => state.storage.getAlarm())).toBeNull();
		// A repeated notification re-reads and changes nothing.
		await on.publish(received(paymentHash));
		await new Promise((resolve) => setTimeout(resolve, 100));
		const payments = await env.DB.prepare('select count(*) as n from invoice_payments where invoice_id = ?').bind(invoice.id).first<{ n: number }>();
		expect(payments!.n).toBe(1);
		socket.close();
	});

	it('still finds a payment by polling when the wallet sends no notification, and stops following once nobody watches', async () => {
		const { relay, wallet, client, f, invoice, paymentHash } = await nwcStore();
		const hub = env.STORE_HUB.getByName(f.storeId);
		const { socket } = await watchLive(invoice.id);
		const probe = wallet.notification(client, { notification_type: 'payment_received', notification: { payment_hash: paymentHash } });
		await until(() => relay.subscribersFor(probe) === 1, 'the subscription');
		wallet.receive(paymentHash);
		expect(await runDurableObjectAlarm(hub)).toBe(true);
		expect(await statusOf(invoice.id)).toBe('Settled');

		// Settled: no longer watched; the next alarm (if any) closes the feed.
		const another = await createInvoice(f, { amount: '100', currency: 'SATS' });
		const live = await watchLive(another.id);
		live.socket.close();
		socket.close();
		await until(async () => {
			await runDurableObjectAlarm(hub);
			return (await hub.watching()).length === 0;
		}, 'the watches to end');
		expect(await hub.following()).toBe(false);
		await until(() => relay.subscribersFor(probe) === 0, 'the relay subscription to close');
	});

	it('says in GET node and the node test whether the wallet announces payment notifications', async () => {
		type Push = { enabled: boolean; message: string };
		type Test = { ok: boolean; checks: Array<{ name: string; ok: boolean; message: string }> };
		const cases: Array<{ options: ConstructorParameters<typeof FakeWallet>[2]; enabled: boolean; says: string }> = [
			{ options: {}, enabled: true, says: 'follows the wallet’s payment_received notifications' },
			{ options: { notifications: ['payment_sent'] }, enabled: false, says: 'found by polling' },
			{ options: { publishInfo: false }, enabled: true, says: 'if it sends them' }
		];
		for (const { options, enabled, says } of cases) {
			const relay = new FakeRelay('wss://relay.test/');
			const wallet = new FakeWallet(relay, new FakeLightning(), options);
			restore();
			restore = useNodeFetcher(relayFetch(relay));
			const f = await createStore({ name: 'NWC status café', defaultCurrency: 'USD' }, { node: false });
			const connectionString = wallet.connectionString(bytesToHex(newNodePrivateKey()));
			const put = await json<{ push: Push }>(await call(`/stores/${f.storeId}/node`, { method: 'PUT', headers: f.auth, json: { kind: 'nwc', connectionString } }));
			expect(put.push).toMatchObject({ enabled });
			expect(put.push.message).toContain(says);
			const got = await json<{ push: Push }>(await call(`/stores/${f.storeId}/node`, { headers: f.auth }));
			expect(got.push).toEqual(put.push);
			const test = await json<Test>(await call(`/stores/${f.storeId}/node/test`, { method: 'POST', headers: f.auth, json: { network: 'regtest' } }));
			const check = test.checks.find((c) => c.name === 'push')!;
			// A wallet without notifications is no fault: polling finds its payments.
			expect(check.ok).toBe(true);
			expect(check.message).toContain(says);
			expect(test.ok).toBe(true);
		}
	});

	it('does not follow anything for stores that are not on NWC', async () => {
		const f = await createStore();
		const invoice = await createInvoice(f, { amount: '100', currency: 'SATS' });
		const hub = env.STORE_HUB.getByName(f.storeId);
		const { socket } = await watchLive(invoice.id);
		expect(await hub.following()).toBe(false);
		socket.close();
	});
});
