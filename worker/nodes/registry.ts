// Which node a store relays to: seals the connection settings at rest (worker/secrets/seal.ts),
// opens them again and builds the adapter (simulated, LND, Core Lightning, LNbits, BTCPay Server,
// Nostr Wallet Connect). Everything a node adapter fetches goes through one door,
// `nodeFetcher()`: the platform's fetch in production, a fake node in tests (`useNodeFetcher`,
// like the webhook door in worker/webhooks/outbound.ts).
import { bytesToHex } from '@noble/hashes/utils.js';
import type { NodeSettings } from '../contract/nodes';
import { database } from '../db/client';
import { d1PayJournal } from '../data/nwc-journal';
import { findStoreNode, upsertStoreNode } from '../data/stores';
import { isProduction, type WorkerEnv } from '../env';
import { ApiError, ValidationError } from '../errors';
import { newNodePrivateKey } from '../lightning/bolt11';
import { seal, unseal } from '../secrets/seal';
import {
	btcpayWebhookState,
	createBtcpayAdapter,
	deleteBtcpayWebhook,
	registerBtcpayWebhook,
	type BtcpayConfig
} from './btcpay';
import { ClnNode, type ClnConfig } from './cln';
import { NodeHttpError, type NodeDeps, type NodeFetch } from './http';
import { LndNode, type LndConfig } from './lnd';
import { LnbitsNode, type LnbitsConfig } from './lnbits';
import { createNwcAdapter, parseNwcConnectionString, type NwcConfig } from './nwc';
import {
	announcedNotifications,
	followNwcNotifications,
	type NotificationFeed
} from './nwc-notifications';
import { SimulatedNode, type SimulatedConfig } from './simulated';
import { NodeError, type NodeAdapter, type NodeInfo } from './types';
import { checkNodeUrl } from './url-policy';

/** What the node said about itself when it was connected (shown when it does not answer now). */
export type ObservedNode = {
	nodeId: string;
	network: NodeInfo['network'] | null;
	alias: string;
	at: number;
};

/** The node's network, or null when it cannot tell (LNbits before its first invoice). */
export function networkOf(info: NodeInfo & { networkKnown?: boolean }): NodeInfo['network'] | null {
	return info.networkKnown === false ? null : info.network;
}

const observe = (info: NodeInfo, now: number): ObservedNode => ({
	nodeId: info.nodeId,
	network: networkOf(info),
	alias: info.alias,
	at: now
});

/**
 * The webhook Flashpoint registered on the merchant's BTCPay store: BTCPay's id for it and the
 * secret its deliveries are signed with (sealed with the rest). Null with `pushError` saying why
 * when registering failed: then invoices are found by polling only.
 */
type BtcpayPush = { webhookId: string; secret: string };
type StoredBtcpay = { kind: 'btcpay'; push?: BtcpayPush | null; pushError?: string | null } & BtcpayConfig;
/**
 * `notifies`: whether the wallet announced `payment_received` notifications (NIP-47 info event)
 * when it was connected; null when it published no info event or the relay could not be asked.
 */
type StoredNwc = { kind: 'nwc'; connection: NwcConfig; notifies?: boolean | null };
type KindConfig = SimulatedConfig | LndConfig | ClnConfig | LnbitsConfig | StoredBtcpay | StoredNwc;

/**
 * The sealed JSON. Secrets that identify the store's node-side records outlive a switch of
 * kind: the simulated node's key (its invoices stay verifiable) and the LND label secret (a
 * creation retried after reconnecting still finds its invoice).
 */
type StoredConfig = KindConfig & {
	privateKey?: string;
	labelSecret?: string;
	observed?: ObservedNode | null;
};

const sealContext = (storeId: string) => `store-node:${storeId}`;

let currentFetch: NodeFetch = (request) => fetch(request);

/** The fetch every node adapter uses. */
export function nodeFetcher(): NodeFetch {
	return (request) => currentFetch(request);
}

/** Replaces the door (tests: a fake node); returns a function that puts the previous one back. */
export function useNodeFetcher(fetcher: NodeFetch): () => void {
	const previous = currentFetch;
	currentFetch = fetcher;
	return () => {
		currentFetch = previous;
	};
}

const nodeDeps = (): NodeDeps => ({ fetch: nodeFetcher(), now: Date.now });

/** The simulated node is on by default in development and off in production. */
export function simulatedNodeEnabled(
	env: Pick<WorkerEnv, 'ENVIRONMENT'> & { SIMULATED_NODE?: string }
): boolean {
	if (env.SIMULATED_NODE === 'on') return true;
	if (env.SIMULATED_NODE === 'off') return false;
	return env.ENVIRONMENT !== 'production';
}

async function readStored(env: WorkerEnv, storeId: string, sealed: string): Promise<StoredConfig> {
	return JSON.parse(await unseal(env, sealed, sealContext(storeId))) as StoredConfig;
}

async function writeStored(env: WorkerEnv, storeId: string, config: StoredConfig, now: number) {
	await upsertStoreNode(database(env.DB), {
		storeId,
		kind: config.kind,
		sealedConfig: await seal(env, JSON.stringify(config), sealContext(storeId)),
		updatedAt: now
	});
}

/** A connection string that does not parse is a 422 on `connectionString`, saying why. */
function parsedNwc(text: string): NwcConfig {
	try {
		return parseNwcConnectionString(text);
	} catch (error) {
		if (error instanceof NodeError) {
			throw new ValidationError([{ path: 'connectionString', message: error.message }]);
		}
		throw error;
	}
}

/** Refuses a node address Workers cannot reach, as a 422 on `url`. */
function checkedUrl(env: WorkerEnv, url: string): string {
	const check = checkNodeUrl(url, { production: isProduction(env) });
	if (!check.ok) throw new ValidationError([{ path: 'url', message: check.message }]);
	return check.url;
}

function kindConfig(env: WorkerEnv, settings: Exclude<NodeSettings, { kind: 'simulated' }>) {
	switch (settings.kind) {
		case 'lnd':
			return {
				kind: 'lnd',
				url: checkedUrl(env, settings.url),
				macaroon: settings.macaroon
			} as const;
		case 'cln':
			return { kind: 'cln', url: checkedUrl(env, settings.url), rune: settings.rune } as const;
		case 'lnbits':
			return {
				kind: 'lnbits',
				url: checkedUrl(env, settings.url),
				invoiceKey: settings.invoiceKey,
				adminKey: settings.adminKey ?? null
			} as const;
		case 'btcpay':
			return {
				kind: 'btcpay',
				url: checkedUrl(env, settings.url),
				apiKey: settings.apiKey,
				storeId: settings.storeId,
				onchain: settings.onchain === true
			} as const;
		case 'nwc':
			return { kind: 'nwc', connection: parsedNwc(settings.connectionString) } as const;
	}
}

export type ConnectResult = { info: NodeInfo | null; error: Error | null };

/**
 * Stores the settings (sealed) and asks the node who it is. The settings are stored even when
 * the node does not answer, so a merchant can save first and fix the node after; the answer (or
 * the error) comes back for the response. A BTCPay store is also asked to send its invoice
 * events to `btcpayWebhookUrl` (see registerPush).
 */
export async function connectNode(
	env: WorkerEnv,
	storeId: string,
	settings: NodeSettings,
	now: number,
	options: { btcpayWebhookUrl?: string } = {}
): Promise<ConnectResult> {
	if (settings.kind === 'simulated' && !simulatedNodeEnabled(env)) {
		throw new ApiError(
			'bad-request',
			'The simulated node is turned off on this deployment; connect your own node, or set' +
				' SIMULATED_NODE=on for a test deployment.'
		);
	}
	const existing = await findStoreNode(database(env.DB), storeId);
	const previous = existing ? await readStored(env, storeId, existing.sealedConfig) : null;
	const kept = {
		privateKey: previous?.privateKey,
		labelSecret: previous?.labelSecret ?? bytesToHex(crypto.getRandomValues(new Uint8Array(32)))
	};
	const simulatedKey = () => kept.privateKey ?? bytesToHex(newNodePrivateKey());
	const config: StoredConfig =
		settings.kind === 'simulated'
			? { kind: 'simulated', ...kept, privateKey: simulatedKey() }
			: { ...kindConfig(env, settings), ...kept };
	let info: NodeInfo | null = null;
	let error: Error | null = null;
	try {
		info = await adapterFor(env, storeId, config).info();
		config.observed = observe(info, now);
	} catch (caught) {
		error = caught instanceof Error ? caught : new Error(String(caught));
		// Still the same node (new credentials, say): what it said last time still describes it.
		const same = previous?.kind === config.kind && urlOf(previous) === urlOf(config);
		config.observed = same ? (previous?.observed ?? null) : null;
	}
	if (config.kind === 'btcpay') await registerPush(config, options.btcpayWebhookUrl);
	if (config.kind === 'nwc') config.notifies = await walletNotifies(config.connection);
	await writeStored(env, storeId, config, now);
	if (previous?.kind === 'btcpay' && previous.push) await removePush(previous, previous.push);
	return { info, error };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Asks the merchant's BTCPay store to send its invoice events to Flashpoint (a hint to re-read
 * the invoice, never a payment in itself). A refusal does not stop the node from connecting:
 * the reason is kept and shown, and polling finds the payments instead.
 */
async function registerPush(config: StoredBtcpay, url: string | undefined): Promise<void> {
	config.push = null;
	if (!url) {
		config.pushError = 'No address for BTCPay Server to send events to was given.';
		return;
	}
	const secret = bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
	const { url: server, apiKey, storeId } = config;
	try {
		const { webhookId } = await registerBtcpayWebhook({ url: server, apiKey, storeId }, nodeDeps(), { url, secret });
		config.push = { webhookId, secret };
		config.pushError = null;
	} catch (error) {
		config.pushError = `BTCPay Server did not take the webhook: ${messageOf(error)}`;
	}
}

/** Whether the wallet announces payment_received notifications; null when it cannot tell. */
async function walletNotifies(connection: NwcConfig): Promise<boolean | null> {
	try {
		const announced = await announcedNotifications(connection, nodeDeps());
		return announced === null ? null : announced.includes('payment_received');
	} catch {
		return null;
	}
}

/**
 * The webhook registered for the settings being replaced would go on sending events signed with
 * a secret no longer kept: removed, best effort, with the credentials that made it.
 */
async function removePush(previous: StoredBtcpay, push: BtcpayPush): Promise<void> {
	const { url, apiKey, storeId } = previous;
	try {
		await deleteBtcpayWebhook({ url, apiKey, storeId }, nodeDeps(), push.webhookId);
	} catch (error) {
		console.error(JSON.stringify({ btcpayWebhook: push.webhookId, removal: messageOf(error) }));
	}
}

/** Where the node is reached (an NWC wallet: its first relay); null for the simulated node. */
function urlOf(config: StoredConfig): string | null {
	if ('url' in config) return config.url;
	return config.kind === 'nwc' ? (config.connection.relays[0] ?? null) : null;
}

/** How payments reach Flashpoint besides polling: pushed hints, for the kinds that have them. */
export type PushStatus = { enabled: boolean; message: string };

/** The stored settings without credentials, for GET and the connection test. */
export type NodeSummary = {
	kind: StoredConfig['kind'];
	url: string | null;
	observed: ObservedNode | null;
	updatedAt: number;
	/** Null for kinds that push nothing (polled while a screen shows an invoice, and swept). */
	push?: PushStatus | null;
};

const POLLING =
	'Flashpoint asks the node every second while a screen shows an invoice, and the minute cron' +
	' sweeps the rest.';

function pushOf(config: StoredConfig): PushStatus | null {
	if (config.kind === 'btcpay') {
		if (config.push && !config.onchain) {
			return {
				enabled: false,
				message:
					'The webhook is registered, but BTCPay Server sends events only for its store' +
					' invoices, and this store’s invoices are Lightning invoices of the node (turn on' +
					` "onchain" to make them store invoices). Payments are found by polling: ${POLLING}`
			};
		}
		if (config.push) {
			return {
				enabled: true,
				message:
					'BTCPay Server sends invoice events to Flashpoint (a webhook); each one makes' +
					' Flashpoint re-read the invoice at once. Polling stays on as the fallback.'
			};
		}
		return {
			enabled: false,
			message:
				`Push is off, so payments are found by polling: ${POLLING} ` +
				`${config.pushError ?? ''} To turn push on, give the API key the permission` +
				' btcpay.store.webhooks.canmodifywebhooks and save the node again.'
		};
	}
	if (config.kind === 'nwc') return nwcPush(config.notifies ?? null);
	return null;
}

function nwcPush(notifies: boolean | null): PushStatus {
	if (notifies === false) {
		return {
			enabled: false,
			message:
				'The wallet does not announce payment_received notifications (its NIP-47 info event),' +
				` so payments are found by polling: ${POLLING}`
		};
	}
	const unsure = notifies === null ? ' (if it sends them: it publishes no NIP-47 info event saying so)' : '';
	return {
		enabled: true,
		message:
			`While a screen shows an invoice, Flashpoint follows the wallet’s payment_received${unsure}` +
			' notifications on its relay and re-reads the invoice at once; polling stays on as the' +
			' fallback.'
	};
}

export async function nodeSummary(env: WorkerEnv, storeId: string): Promise<NodeSummary | null> {
	const row = await findStoreNode(database(env.DB), storeId);
	if (!row) return null;
	const config = await readStored(env, storeId, row.sealedConfig);
	return {
		kind: config.kind,
		url: urlOf(config),
		observed: config.observed ?? null,
		updatedAt: row.updatedAt,
		push: pushOf(config)
	};
}

/**
 * The secret a store's BTCPay webhook deliveries are signed with, and the BTCPay store they
 * must name; null when the store is not on BTCPay Server or push is off.
 */
export async function btcpayPushOf(
	env: WorkerEnv,
	storeId: string
): Promise<{ secret: string; btcpayStoreId: string } | null> {
	const row = await findStoreNode(database(env.DB), storeId);
	if (!row || row.kind !== 'btcpay') return null;
	const config = await readStored(env, storeId, row.sealedConfig);
	if (config.kind !== 'btcpay' || !config.push) return null;
	return { secret: config.push.secret, btcpayStoreId: config.storeId };
}

/**
 * For the connection test: is the BTCPay webhook still registered and enabled, and does the NWC
 * wallet announce payment notifications? Null for kinds that push nothing. A wallet without
 * notifications is no fault (polling finds its payments); a webhook that is gone is (saving the
 * node again fixes it).
 */
export async function checkPush(env: WorkerEnv, storeId: string): Promise<{ ok: boolean; message: string } | null> {
	const row = await findStoreNode(database(env.DB), storeId);
	if (!row) return null;
	const config = await readStored(env, storeId, row.sealedConfig);
	if (config.kind === 'nwc') {
		try {
			const announced = await announcedNotifications(config.connection, nodeDeps());
			const notifies = announced === null ? null : announced.includes('payment_received');
			return { ok: true, message: nwcPush(notifies).message };
		} catch (error) {
			return { ok: false, message: `Could not read the wallet’s announcements: ${messageOf(error)} Polling is used meanwhile.` };
		}
	}
	if (config.kind !== 'btcpay') return null;
	if (!config.push) return { ok: false, message: pushOf(config)!.message };
	const { url, apiKey, storeId: btcpayStore } = config;
	const again = 'Save the node again to register a new one; until then payments are found by polling.';
	try {
		const state = await btcpayWebhookState({ url, apiKey, storeId: btcpayStore }, nodeDeps(), config.push.webhookId);
		if (state === 'missing') return { ok: false, message: `The webhook Flashpoint registered is gone from BTCPay Server. ${again}` };
		if (state === 'disabled') return { ok: false, message: `The webhook Flashpoint registered is disabled on BTCPay Server; enable it there. ${again}` };
		return { ok: true, message: pushOf(config)!.message };
	} catch (error) {
		return { ok: false, message: `Could not read the webhook on BTCPay Server: ${messageOf(error)} Polling is used meanwhile.` };
	}
}

/** A node this deployment cannot use as stored (e.g. http://127.0.0.1 in production). */
function refusedNode(kind: NodeAdapter['kind'], message: string): NodeAdapter {
	const refuse = async (): Promise<never> => {
		throw new NodeHttpError('node-misconfigured', 'refusal', message);
	};
	return {
		kind,
		createInvoice: refuse,
		lookupInvoice: refuse,
		payInvoice: refuse,
		lookupPayment: refuse,
		balance: refuse,
		info: refuse
	};
}

/** Builds an adapter whose factory may refuse its settings; the refusal then answers every call. */
function guarded(kind: NodeAdapter['kind'], build: () => NodeAdapter): NodeAdapter {
	try {
		return build();
	} catch (error) {
		if (error instanceof NodeError) return refusedNode(kind, error.message);
		throw error;
	}
}

function adapterFor(env: WorkerEnv, storeId: string, config: StoredConfig): NodeAdapter {
	if (config.kind === 'simulated') return new SimulatedNode(database(env.DB), storeId, config);
	// NWC needs no inbound address: the worker reaches the wallet through its relay. Its pay
	// journal lives in D1, so no two isolates both send pay_invoice for one hash.
	if (config.kind === 'nwc') {
		const journal = d1PayJournal(database(env.DB));
		return guarded('nwc', () => createNwcAdapter(config.connection, nodeDeps(), { journal }));
	}
	const check = checkNodeUrl(config.url, { production: isProduction(env) });
	if (!check.ok) return refusedNode(config.kind, check.message);
	switch (config.kind) {
		case 'lnd':
			return new LndNode(config, nodeDeps());
		case 'cln':
			return new ClnNode(config, nodeDeps());
		case 'lnbits':
			return new LnbitsNode(config, nodeDeps());
		case 'btcpay': {
			const { url, apiKey, storeId: btcpayStore, onchain } = config;
			return guarded('btcpay', () =>
				createBtcpayAdapter({ url, apiKey, storeId: btcpayStore, onchain }, nodeDeps())
			);
		}
	}
}

/** The store's node, or a clear error when none is connected. */
export async function nodeFor(env: WorkerEnv, storeId: string): Promise<NodeAdapter> {
	return (await connectedNode(env, storeId)).node;
}

/**
 * The store's node and whether no real money moves on it (the simulated node, or a node last
 * seen on a test network: regtest, testnet, signet), read and unsealed once.
 */
export async function connectedNode(env: WorkerEnv, storeId: string): Promise<{ node: NodeAdapter; testMode: boolean }> {
	const row = await findStoreNode(database(env.DB), storeId);
	if (!row) {
		throw new ApiError(
			'node-not-configured',
			'This store has no Lightning node yet; connect one in the store settings (or the simulated' +
				' node to try things out).'
		);
	}
	const config = await readStored(env, storeId, row.sealedConfig);
	return {
		node: adapterFor(env, storeId, config),
		testMode: testModeOf({ kind: config.kind, url: null, observed: config.observed ?? null, updatedAt: row.updatedAt })
	};
}

/** Every screen and invoice of a store on a test node says "test mode". */
export function testModeOf(summary: NodeSummary | null): boolean {
	if (!summary) return false;
	if (summary.kind === 'simulated') return true;
	const network = summary.observed?.network;
	return network !== undefined && network !== null && network !== 'mainnet';
}

/**
 * Follows the payment notifications of the store's NWC wallet (NIP-47), calling
 * `onPaymentReceived` with each payment hash: hints to re-read an invoice. Null when the store
 * is not on NWC (the other kinds are polled, or push through their own door).
 */
export async function followStoreNotifications(
	env: WorkerEnv,
	storeId: string,
	onPaymentReceived: (paymentHash: string) => void
): Promise<NotificationFeed | null> {
	const row = await findStoreNode(database(env.DB), storeId);
	if (!row || row.kind !== 'nwc') return null;
	const config = await readStored(env, storeId, row.sealedConfig);
	if (config.kind !== 'nwc') return null;
	return followNwcNotifications(config.connection, nodeDeps(), onPaymentReceived);
}
