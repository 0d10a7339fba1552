// Following an NWC wallet's notifications (NIP-47 "Notifications"): wallets that support them
// publish a `payment_received` event (kind 23197, NIP-44; kind 23196, NIP-04 for older clients)
// addressed to the client (`p` tag) when one of their invoices is paid. This module keeps one
// relay subscription open for those events and reports the payment hash of each genuine one.
// A notification is only ever a hint: the caller re-reads the invoice with lookup_invoice before
// anything counts (relays may drop, repeat or delay ephemeral events, and anyone can publish).
import { NodeHttpError } from './http';
import { publicKeyOf, secretKeyFromHex, tagValue, verifyEvent } from './nostr';
import {
	KIND_INFO,
	KIND_NOTIFICATION,
	KIND_NOTIFICATION_NIP04,
	type NodeDeps,
	type NwcConfig,
	type WebSocketLike
} from './nwc-connection';
import { decodeNwcNotification } from './nwc';
import { fetchWebSocketConnector, RelayConnection } from './nwc-relay';

/** An open subscription to a wallet's notifications. */
export type NotificationFeed = {
	/** False once the relay closed the connection or the subscription; open a new feed then. */
	readonly open: boolean;
	close(): void;
};

const CONNECT_TIMEOUT_MS = 10_000;
/** Notifications a relay kept from before the subscription (NIP-01 `since`) are not replayed. */
const SINCE_ALLOWANCE_S = 60;

function connectWithin(connect: (url: string) => Promise<WebSocketLike>, url: string, timeoutMs: number): Promise<WebSocketLike> {
	const attempt = connect(url);
	let timer: ReturnType<typeof setTimeout> | undefined;
	const expiry = new Promise<never>((_, reject) => {
		timer = setTimeout(() => {
			attempt.then(
				(socket) => socket.close(),
				() => {}
			);
			reject(new Error('timed out'));
		}, timeoutMs);
	});
	return Promise.race([attempt, expiry]).finally(() => clearTimeout(timer));
}

/** The first of the wallet's relays that accepts a connection. */
async function openFirstRelay(config: NwcConfig, deps: NodeDeps, timeoutMs: number): Promise<RelayConnection> {
	const connect = deps.connect ?? fetchWebSocketConnector(deps.fetch);
	const problems: string[] = [];
	for (const url of config.relays) {
		try {
			return new RelayConnection(await connectWithin(connect, url, timeoutMs));
		} catch (error) {
			problems.push(`${new URL(url).host}: ${error instanceof Error ? error.message : String(error)}`);
		}
	}
	const message = `No relay of the wallet could be reached (${problems.join('; ')}).`;
	throw new NodeHttpError('node-unavailable', 'unreachable', message);
}

/**
 * The notification types the wallet announces in its NIP-47 info event (kind 13194, tag
 * `notifications`, e.g. "payment_received payment_sent"); null when the relay has no info event
 * from it. Throws `node-unavailable` when no relay can be reached.
 */
export async function announcedNotifications(
	config: NwcConfig,
	deps: NodeDeps,
	options: { connectTimeoutMs?: number; queryTimeoutMs?: number } = {}
): Promise<string[] | null> {
	const relay = await openFirstRelay(config, deps, options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
	try {
		const filter = { kinds: [KIND_INFO], authors: [config.walletPubkey], limit: 1 };
		const events = await relay.query(filter, options.queryTimeoutMs ?? 3_000);
		const info = events
			.filter(verifyEvent)
			.filter((event) => event.kind === KIND_INFO && event.pubkey === config.walletPubkey)
			.sort((a, b) => b.created_at - a.created_at)[0];
		if (!info) return null;
		return (tagValue(info, 'notifications') ?? '').split(/\s+/).filter(Boolean);
	} finally {
		relay.close();
	}
}

/**
 * Subscribes to the wallet's notifications on the first of its relays that accepts a
 * connection, and calls `onPaymentReceived` with the payment hash of every correctly signed,
 * decryptable `payment_received` notification from the wallet to this client. Throws a
 * `node-unavailable` NodeHttpError when no relay can be reached.
 */
export async function followNwcNotifications(
	config: NwcConfig,
	deps: NodeDeps,
	onPaymentReceived: (paymentHash: string) => void,
	options: { connectTimeoutMs?: number } = {}
): Promise<NotificationFeed> {
	const connection = await openFirstRelay(config, deps, options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
	let open = true;
	const client = publicKeyOf(secretKeyFromHex(config.secret));
	const filter = {
		kinds: [KIND_NOTIFICATION, KIND_NOTIFICATION_NIP04],
		authors: [config.walletPubkey],
		'#p': [client],
		since: Math.floor(deps.now() / 1000) - SINCE_ALLOWANCE_S
	};
	connection.subscribe(filter, {
		onEvent: (event) => {
			// decodeNwcNotification checks the signature, the author, the addressee and decrypts.
			const notification = decodeNwcNotification(event, config);
			if (notification?.type === 'payment_received' && notification.paymentHash) {
				onPaymentReceived(notification.paymentHash);
			}
		},
		onEnd: () => {
			open = false;
		}
	});
	return {
		get open() {
			return open && connection.open;
		},
		close() {
			open = false;
			connection.close();
		}
	};
}
