// Node connection settings (PUT /api/v1/stores/{storeId}/node), what GET returns (never a
// credential), and the connection test (POST …/node/test). Kinds: the simulated node, LND (REST,
// macaroon in hex), Core Lightning (clnrest, rune), LNbits (invoice key, optional admin key),
// BTCPay Server (Greenfield API key and store id) and Nostr Wallet Connect (connection string).
import { z } from 'zod';

const GIVE_URL =
	'Give the address of your node’s REST interface, for example https://lnd.example.com:8080.';

const url = z
	.string({ error: GIVE_URL })
	.trim()
	.min(1, { error: GIVE_URL })
	.max(500, { error: 'That address is too long.' });

export const lndSettingsSchema = z.object({
	kind: z.literal('lnd'),
	url,
	macaroon: z
		.string({ error: 'Give the macaroon as hex (`xxd -ps -u -c 1000 admin.macaroon`).' })
		.trim()
		.min(40, { error: 'That macaroon is too short; give the whole file as hex.' })
		.max(16_384, { error: 'That macaroon is too long.' })
		.regex(/^(?:[0-9a-fA-F]{2})+$/, {
			error:
				'Give the macaroon as hex (for example the output of' +
				' `xxd -ps -u -c 1000 admin.macaroon`), not base64 or a file path.'
		})
		.transform((v) => v.toLowerCase())
});

export const clnSettingsSchema = z.object({
	kind: z.literal('cln'),
	url,
	rune: z
		.string({ error: 'Give a rune created with `lightning-cli createrune`.' })
		.trim()
		.min(20, { error: 'That rune is too short; paste it whole.' })
		.max(4096, { error: 'That rune is too long.' })
		.regex(/^[A-Za-z0-9_\-+/=]+$/, {
			error: 'A rune is base64 text, as `lightning-cli createrune` prints it.'
		})
});

const lnbitsKey = (which: string) =>
	z
		.string({ error: `Give the wallet’s ${which} key.` })
		.trim()
		.regex(/^[A-Za-z0-9]{16,128}$/, {
			error: `The ${which} key is the 32-character code on the LNbits wallet page.`
		});

export const lnbitsSettingsSchema = z.object({
	kind: z.literal('lnbits'),
	url,
	invoiceKey: lnbitsKey('invoice/read'),
	adminKey: lnbitsKey('admin').nullish()
});

export const btcpaySettingsSchema = z.object({
	kind: z.literal('btcpay'),
	url,
	apiKey: z
		.string({
			error: 'Give a BTCPay API key (Account, API keys) with the store’s Lightning permissions.'
		})
		.trim()
		.regex(/^[A-Za-z0-9]{20,128}$/, {
			error: 'A BTCPay API key is the 40-character code BTCPay shows once when it is created.'
		}),
	storeId: z
		.string({ error: 'Give the BTCPay store id (Store settings, General).' })
		.trim()
		.min(1, { error: 'Give the BTCPay store id (Store settings, General).' })
		.max(100, { error: 'That store id is too long.' }),
	/**
	 * Make invoices as BTCPay store invoices offering on-chain and Lightning (the API key then
	 * also needs `btcpay.store.cancreateinvoice` and `btcpay.store.canviewinvoices`).
	 */
	onchain: z.boolean({ error: '"onchain" is true or false.' }).optional()
});

export const nwcSettingsSchema = z.object({
	kind: z.literal('nwc'),
	connectionString: z
		.string({ error: 'Paste the wallet’s Nostr Wallet Connect string (nostr+walletconnect://…).' })
		.trim()
		.startsWith('nostr+walletconnect://', {
			error: 'A Nostr Wallet Connect string starts with nostr+walletconnect://.'
		})
		.max(4000, { error: 'That connection string is too long.' })
});

export const simulatedSettingsSchema = z.object({ kind: z.literal('simulated') });

export const nodeSettingsSchema = z.discriminatedUnion(
	'kind',
	[
		simulatedSettingsSchema,
		lndSettingsSchema,
		clnSettingsSchema,
		lnbitsSettingsSchema,
		btcpaySettingsSchema,
		nwcSettingsSchema
	],
	{ error: 'Choose a node kind: "lnd", "cln", "lnbits", "btcpay", "nwc" or "simulated".' }
);

export type NodeSettings = z.infer<typeof nodeSettingsSchema>;

/** Whether the node answered the last time it was asked, and if not, what to fix. */
export type NodeHealth = {
	ok: boolean;
	message: string;
	/** Unix seconds. */
	checked: number;
};

export type NodeConnectionData = {
	kind: string;
	/** True when payments are not real: the simulated node, or a node on a test network. */
	testMode: boolean;
	/** The node's public key, when it has one (last seen if the node does not answer now). */
	nodeId: string | null;
	/** mainnet, testnet, signet or regtest; null until the node has answered once. */
	network: string | null;
	/** Unix seconds. */
	updated: number;
	/** Where the node is reached (an NWC wallet: its relay); absent for the simulated node. */
	url?: string;
	health: NodeHealth;
	/**
	 * BTCPay Server and NWC only: whether the node pushes payment hints (a BTCPay webhook, NWC
	 * notifications) or payments are found by polling alone, and why.
	 */
	push?: { enabled: boolean; message: string };
};

export const nodeTestSchema = z
	.object({
		/** The network the store is meant to take payments on; by default mainnet in production. */
		network: z.enum(['mainnet', 'testnet', 'signet', 'regtest']).optional()
	})
	.default({});

export type NodeCheckName =
	| 'address'
	| 'connection'
	| 'certificate'
	| 'credentials'
	| 'network'
	| 'synced'
	| 'balance'
	| 'push';

export type NodeTestResult = {
	ok: boolean;
	checks: Array<{ name: NodeCheckName; ok: boolean; message: string }>;
};

export const simulatePaymentSchema = z.object({
	destination: z.string().trim().min(1, { error: 'Give the BOLT 11 invoice to pay.' }).max(4000),
	/** In sats, up to 3 decimals (msat); leave out to pay what is due. */
	amount: z
		.string()
		.regex(/^\d{1,12}(\.\d{1,3})?$/, { error: 'An amount in sats, such as "1500" or "1500.5".' })
		.nullish(),
	/** Pay even though the invoice expired, as a node that accepted a late payment would. */
	late: z.boolean().default(false)
});
