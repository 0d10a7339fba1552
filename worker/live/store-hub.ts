// One Durable Object per store that fans live updates out to the POS and customer screens over
// hibernating WebSockets (the object sleeps between messages without dropping the sockets).
// D1 stays the system of record: a message is a hint to re-read, never the state itself.
import { DurableObject } from 'cloudflare:workers';

export type LiveMessage = { type: string; [field: string]: unknown };

export class StoreHub extends DurableObject<Env> {
	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		// Answered by the runtime without waking the object, so idle screens cost nothing.
		this.ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
	}

	override async fetch(request: Request): Promise<Response> {
		if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
			return Response.json(
				{ code: 'upgrade-required', message: 'Open this URL as a WebSocket.' },
				{ status: 426 }
			);
		}
		const pair = new WebSocketPair();
		const [client, server] = [pair[0], pair[1]];
		this.ctx.acceptWebSocket(server);
		server.send(JSON.stringify({ type: 'hello', connections: this.ctx.getWebSockets().length }));
		return new Response(null, { status: 101, webSocket: client });
	}

	/** Sends a message to every connected screen; returns how many received it. */
	async broadcast(message: LiveMessage): Promise<number> {
		const text = JSON.stringify(message);
		let sent = 0;
		for (const socket of this.ctx.getWebSockets()) {
			try {
				socket.send(text);
				sent++;
			} catch {
				// A socket that closed meanwhile; the runtime drops it.
			}
		}
		return sent;
	}

	override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
		if (message === 'status') {
			socket.send(JSON.stringify({ type: 'status', connections: this.ctx.getWebSockets().length }));
		}
	}

	override async webSocketClose(socket: WebSocket, code: number, reason: string): Promise<void> {
		socket.close(code, reason);
	}
}
