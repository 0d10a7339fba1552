// The NWC adapter's own Workers transport inside workerd: with no `connect` given it opens the
// relay by `fetch` with `Upgrade: websocket` and accepts the socket of the 101 answer. Here that
// answer carries one end of a real WebSocketPair whose other end is bridged to the in-memory
// relay, so invoices are made and paid over genuine Workers WebSockets.
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { newNodePrivateKey } from '../../worker/lightning/bolt11';
import {
	createNwcAdapter,
	fetchWebSocketConnector,
	memoryPayJournal,
	parseNwcConnectionString,
	type WebSocketLike
} from '../../worker/nodes/nwc';
import { NodeError } from '../../worker/nodes/types';
import { FakeLightning, FakeRelay, FakeWallet } from './fake-nodes/nwc-relay';

/** A `fetch` that answers WebSocket upgrades with a Workers socket wired to `relay`. */
function relayFetch(relay: FakeRelay, seen: Request[]) {
	return async (request: Request): Promise<Response> => {
		seen.push(request);
		if (request.headers.get('Upgrade') !== 'websocket') {
			return new Response('upgrade required', { status: 426 });
		}
		const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
		server.accept();
		const link = relay.attach({ send: (text) => server.send(text) });
		server.addEventListener('message', (event) => link.receive(String(event.data)));
		server.addEventListener('close', () => {
			link.detach();
			server.close();
		});
		return new Response(null, { status: 101, webSocket: client });
	};
}

function setup() {
	const relay = new FakeRelay('wss://relay.test/');
	const network = new FakeLightning();
	const wallet = new FakeWallet(relay, network);
	const config = parseNwcConnectionString(wallet.connectionString(bytesToHex(newNodePrivateKey())));
	const seen: Request[] = [];
	const node = createNwcAdapter(
		config,
		{ fetch: relayFetch(relay, seen), now: Date.now },
		{ journal: memoryPayJournal(), replyTimeoutMs: 2_000, payReplyTimeoutMs: 2_000 }
	);
	return { relay, network, wallet, node, seen };
}

describe('NWC over a Workers WebSocket', () => {
	it('opens the relay with a fetch upgrade, then makes, looks up and pays invoices', async () => {
		const { node, wallet, network, seen } = setup();
		const asked = { label: 'w1', amountMsat: 3_000n, description: 'Tea', expirySeconds: 300 };
		const invoice = await node.createInvoice(asked);
		expect(seen[0]?.url).toBe('https://relay.test/');
		expect(seen[0]?.headers.get('Upgrade')).toBe('websocket');

		wallet.receive(invoice.paymentHash);
		expect((await node.lookupInvoice(invoice.paymentHash))?.payments).toHaveLength(1);

		const target = network.invoice(7_000n);
		const request = { bolt11: target.bolt11, maxFeeMsat: 1_000n, idempotencyKey: 'p' };
		const paid = await node.payInvoice(request);
		expect(paid).toMatchObject({ status: 'succeeded', preimage: target.preimage });
		expect(wallet.payRequestsFor(target.paymentHash)).toBe(1);
	});

	it('reports a relay that refuses the upgrade as node-unavailable', async () => {
		const relay = new FakeRelay();
		const wallet = new FakeWallet(relay, new FakeLightning());
		const secret = bytesToHex(newNodePrivateKey());
		const config = parseNwcConnectionString(wallet.connectionString(secret));
		const refuse = async () => new Response('nope', { status: 426 });
		const node = createNwcAdapter(config, { fetch: refuse, now: Date.now });
		const error = await node.balance().then(
			() => null,
			(e: unknown) => e
		);
		expect(error).toBeInstanceOf(NodeError);
		expect((error as NodeError).code).toBe('node-unavailable');
		expect((error as NodeError).message).toContain('HTTP 426');
	});

	it('hands back the accepted Workers socket, which is a WebSocketLike', async () => {
		const relay = new FakeRelay();
		const connect = fetchWebSocketConnector(relayFetch(relay, []));
		const socket: WebSocketLike = await connect('wss://relay.example/path');
		const eose = new Promise<string>((resolve) => {
			socket.addEventListener('message', (event) => resolve(String(event.data)));
		});
		socket.send(JSON.stringify(['REQ', 'sub', { kinds: [13194] }]));
		expect(JSON.parse(await eose)).toEqual(['EOSE', 'sub']);
		socket.close(1000, 'done');
	});
});
