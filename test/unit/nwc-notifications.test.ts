// Following an NWC wallet's notifications (NIP-47) over the in-memory relay: only a correctly
// signed payment_received from the wallet, addressed to this client, is reported; the feed says
// when the relay has gone, and closing it ends the subscription on the relay.
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { newNodePrivateKey } from '../../worker/lightning/bolt11';
import { nip04Encrypt, nip44ConversationKey, nip44Encrypt, publicKeyOf, signEvent } from '../../worker/nodes/nostr';
import { parseNwcConnectionString } from '../../worker/nodes/nwc';
import { announcedNotifications, followNwcNotifications } from '../../worker/nodes/nwc-notifications';
import { FakeLightning, FakeRelay, FakeWallet } from '../worker/fake-nodes/nwc-relay';

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

function setup(walletOptions: ConstructorParameters<typeof FakeWallet>[2] = {}) {
	const relay = new FakeRelay();
	const wallet = new FakeWallet(relay, new FakeLightning(), walletOptions);
	const secret = newNodePrivateKey();
	const client = publicKeyOf(secret);
	const config = parseNwcConnectionString(wallet.connectionString(bytesToHex(secret)));
	const deps = { fetch: async () => new Response(null, { status: 500 }), now: Date.now, connect: relay.connect };
	return { relay, wallet, client, config, deps };
}

const received = (hash: string) => ({ notification_type: 'payment_received', notification: { type: 'incoming', payment_hash: hash } });

describe('followNwcNotifications', () => {
	it('reports the payment hash of genuine payment_received notifications, NIP-44 and NIP-04', async () => {
		const { relay, wallet, client, config, deps } = setup();
		const hashes: string[] = [];
		const feed = await followNwcNotifications(config, deps, (hash) => hashes.push(hash));
		await tick();
		const a = 'aa'.repeat(32);
		const b = 'BB'.repeat(32);
		relay.publish(wallet.notification(client, received(a)));
		relay.publish(wallet.notification(client, received(b), 23196));
		await tick();
		expect(hashes).toEqual([a, b.toLowerCase()]);
		expect(feed.open).toBe(true);
		feed.close();
	});

	it('ignores other notification types, other clients, other authors and forgeries', async () => {
		const { relay, wallet, client, config, deps } = setup();
		const hashes: string[] = [];
		const feed = await followNwcNotifications(config, deps, (hash) => hashes.push(hash));
		await tick();
		const hash = 'cd'.repeat(32);
		relay.publish(wallet.notification(client, { notification_type: 'payment_sent', notification: { payment_hash: hash } }));
		relay.publish(wallet.notification(publicKeyOf(newNodePrivateKey()), received(hash)));
		const stranger = newNodePrivateKey();
		const content = nip44Encrypt(JSON.stringify(received(hash)), nip44ConversationKey(stranger, client));
		const forged = signEvent({ kind: 23197, created_at: Math.floor(Date.now() / 1000), tags: [['p', client]], content }, stranger);
		relay.publish(forged);
		// A relay that does not check signatures forwards one claiming to be the wallet's.
		relay.forwardUnchecked({ ...forged, pubkey: wallet.pubkey });
		const nip04Forged = signEvent(
			{ kind: 23196, created_at: Math.floor(Date.now() / 1000), tags: [['p', client]], content: nip04Encrypt(JSON.stringify(received(hash)), stranger, client) },
			stranger
		);
		relay.forwardUnchecked({ ...nip04Forged, pubkey: wallet.pubkey });
		await tick();
		expect(hashes).toEqual([]);
		feed.close();
	});

	it('closes its subscription on close, and reports a dropped relay as no longer open', async () => {
		const { relay, wallet, client, config, deps } = setup();
		const feed = await followNwcNotifications(config, deps, () => {});
		await tick();
		const probe = wallet.notification(client, received('ef'.repeat(32)));
		expect(relay.subscribersFor(probe)).toBe(1);
		relay.dropConnections();
		expect(feed.open).toBe(false);

		const again = await followNwcNotifications(config, deps, () => {});
		await tick();
		expect(relay.subscribersFor(probe)).toBe(1);
		again.close();
		await tick();
		expect(relay.subscribersFor(probe)).toBe(0);
	});

	it('fails with node-unavailable when no relay can be reached', async () => {
		const { relay, config, deps } = setup();
		relay.down = true;
		await expect(followNwcNotifications(config, deps, () => {})).rejects.toMatchObject({ code: 'node-unavailable' });
	});
});

describe('announcedNotifications', () => {
	it('reads the notification types from the wallet’s info event, or null without one', async () => {
		const announcing = setup({ notifications: ['payment_received', 'payment_sent'] });
		expect(await announcedNotifications(announcing.config, announcing.deps)).toEqual(['payment_received', 'payment_sent']);
		const silent = setup({ notifications: [] });
		expect(await announcedNotifications(silent.config, silent.deps)).toEqual([]);
		const none = setup({ publishInfo: false });
		expect(await announcedNotifications(none.config, none.deps, { queryTimeoutMs: 200 })).toBeNull();
		expect(announcing.relay.openConnections).toBe(0);
	});
});
