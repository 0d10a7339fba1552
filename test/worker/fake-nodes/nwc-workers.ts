// The in-memory relay (./nwc-relay) behind a Workers `fetch`: a WebSocket upgrade is answered
// with one end of a real WebSocketPair whose other end is bridged to the relay, as the node
// fetch door (useNodeFetcher) would reach a relay in production. Worker tests only.
import type { FakeRelay } from './nwc-relay';

export function relayFetch(relay: FakeRelay, seen: Request[] = []) {
	return async (request: Request): Promise<Response> => {
		seen.push(request);
		if (request.headers.get('Upgrade') !== 'websocket') {
			return new Response('upgrade required', { status: 426 });
		}
		if (relay.down) throw new TypeError('connect ECONNREFUSED');
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
