// The store's node: PUT/GET /api/v1/stores/{storeId}/node (any node kind's settings in, never
// credentials out; GET answers from the stored settings with a `health` field when the node does
// not answer), POST …/node/test (what exactly is wrong with the connection, check by check), the
// simulated node's test wallet, POST …/node/simulate-payment, and the public receiver of the
// merchant's BTCPay Server webhook, POST …/node/btcpay-webhook (a signed hint to re-read an
// invoice from the node; nothing is credited from its body).
import { Hono } from 'hono';
import { webhookFetcher } from '../webhooks/outbound';
import {
	nodeSettingsSchema,
	nodeTestSchema,
	simulatePaymentSchema,
	type NodeCheckName,
	type NodeConnectionData,
	type NodeTestResult
} from '../contract/nodes';
import { database } from '../db/client';
import { findInvoice, findInvoiceByPaymentHash } from '../data/invoices';
import { findStoreNode } from '../data/stores';
import { parseDecimal } from '../domain/money';
import { isProduction, type AppEnv, type WorkerEnv } from '../env';
import { ApiError, ValidationError } from '../errors';
import { publicRoute, storePermission } from '../auth/authorize';
import { STORE } from '../auth/permissions';
import { syncInvoice } from '../invoices/sync';
import { decodeInvoice, InvoiceDecodeError } from '../lightning/bolt11';
import { publishInvoice } from '../live/publish';
import { NodeHttpError } from '../nodes/http';
import { parseBtcpayWebhook, verifyBtcpayWebhook } from '../nodes/btcpay';
import {
	btcpayPushOf,
	checkPush,
	connectNode,
	networkOf,
	nodeFor,
	nodeSummary,
	type NodeSummary
} from '../nodes/registry';
import { publicOrigin } from '../origin';
import { payWithTestWallet } from '../nodes/simulated';
import type { NodeInfo } from '../nodes/types';
import { checkNodeUrl } from '../nodes/url-policy';
import { toValidationBody, validate } from '../validation';
import { sendDueWebhooks } from '../webhooks/sender';
import { audit } from '../auth/audit';
import { inBackground } from '../background';

const KIND_NAMES: Record<string, string> = {
	simulated: 'The simulated node',
	lnd: 'LND',
	cln: 'Core Lightning',
	lnbits: 'LNbits',
	btcpay: 'BTCPay Server',
	nwc: 'The NWC wallet'
};

const describeError = (error: unknown): string =>
	error instanceof Error ? error.message : String(error);

type Probe = { info: NodeInfo | null; error: unknown };

function connectionData(summary: NodeSummary, probe: Probe, now: number): NodeConnectionData {
	const nodeId = probe.info?.nodeId || summary.observed?.nodeId || null;
	const network = probe.info ? networkOf(probe.info) : (summary.observed?.network ?? null);
	const name = KIND_NAMES[summary.kind] ?? summary.kind;
	const checked = Math.floor(now / 1000);
	return {
		kind: summary.kind,
		testMode: summary.kind === 'simulated' || (network !== null && network !== 'mainnet'),
		nodeId,
		network,
		updated: Math.floor(summary.updatedAt / 1000),
		...(summary.url !== null ? { url: summary.url } : {}),
		health: probe.info
			? { ok: true, message: `${name} answered.`, checked }
			: { ok: false, message: describeError(probe.error), checked },
		...(summary.push ? { push: summary.push } : {})
	};
}

async function probe(env: WorkerEnv, storeId: string): Promise<Probe> {
	try {
		return { info: await (await nodeFor(env, storeId)).info(), error: null };
	} catch (error) {
		if (error instanceof ApiError) throw error;
		return { info: null, error };
	}
}

async function summaryOf(env: WorkerEnv, storeId: string): Promise<NodeSummary> {
	const summary = await nodeSummary(env, storeId);
	if (!summary) throw new ApiError('node-not-configured', 'This store has no Lightning node yet.');
	return summary;
}

/** Runs the connection checks in order, stopping where the next would only repeat the failure. */
async function testConnection(
	env: WorkerEnv,
	storeId: string,
	expected: NodeInfo['network'] | undefined
): Promise<NodeTestResult> {
	const summary = await summaryOf(env, storeId);
	const name = KIND_NAMES[summary.kind] ?? summary.kind;
	const checks: NodeTestResult['checks'] = [];
	const record = (check: NodeCheckName, ok: boolean, message: string) => {
		checks.push({ name: check, ok, message });
	};
	const pass = (check: NodeCheckName, message: string) => record(check, true, message);
	const fail = (check: NodeCheckName, message: string) => record(check, false, message);
	const done = (): NodeTestResult => ({ ok: checks.every((c) => c.ok), checks });

	if (summary.url === null) {
		pass('address', `${name} runs inside this server; nothing to reach.`);
	} else if (summary.kind === 'nwc') {
		const relay = new URL(summary.url).host;
		pass('address', `The wallet needs no public address: it answers through its relay ${relay}.`);
	} else {
		const address = checkNodeUrl(summary.url, { production: isProduction(env) });
		if (!address.ok) {
			fail('address', address.message);
			return done();
		}
		pass('address', `${new URL(summary.url).host} is an address Workers can reach.`);
	}

	const node = await nodeFor(env, storeId);
	let info: (NodeInfo & { networkKnown?: boolean }) | null = null;
	try {
		info = await node.info();
	} catch (error) {
		const failure = error instanceof NodeHttpError ? error.failure : null;
		if (failure === 'tls') {
			pass('connection', 'The host answered.');
			fail('certificate', describeError(error));
		} else if (failure === 'auth') {
			pass('connection', `Reached ${name}.`);
			pass('certificate', 'The certificate is accepted.');
			fail('credentials', describeError(error));
		} else {
			fail('connection', describeError(error));
		}
		return done();
	}
	const secure = summary.url === null || /^(https|wss):/.test(summary.url);
	pass('connection', `Reached ${name}${info.alias ? ` “${info.alias}”` : ''}.`);
	const plain = 'Plain http on this machine: accepted only while developing.';
	pass('certificate', secure ? 'The certificate is accepted.' : plain);
	pass('credentials', 'The credentials are accepted.');

	const want = expected ?? (isProduction(env) ? 'mainnet' : undefined);
	if (info.networkKnown === false) {
		pass('network', `${name} does not say which network it is on; the first invoice will show it.`);
	} else if (want && info.network !== want) {
		fail(
			'network',
			`The node is on ${info.network}, but this store takes payments on ${want}. Connect a` +
				` ${want} node.`
		);
	} else {
		pass('network', `The node is on ${info.network}.`);
	}
	if (info.synced) pass('synced', 'The node is in sync with the chain and the network graph.');
	else {
		fail(
			'synced',
			'The node is still syncing with the chain or the network graph; invoices and payments may' +
				' fail until it has caught up.'
		);
	}
	try {
		const { spendableMsat } = await node.balance();
		pass('balance', `Spendable over Lightning: ${spendableMsat / 1000n} sats.`);
	} catch (error) {
		fail(
			'balance',
			`Could not read the balance: ${describeError(error)} Receiving works without it; refunds` +
				' and card payouts need it.'
		);
	}
	const push = await checkPush(env, storeId);
	if (push) record('push', push.ok, push.message);
	return done();
}

/** Where the merchant's BTCPay Server sends its webhook deliveries for this store. */
const btcpayWebhookUrl = (origin: string, storeId: string) =>
	`${origin}/api/v1/stores/${encodeURIComponent(storeId)}/node/btcpay-webhook`;

function testBody(text: string): NodeInfo['network'] | undefined {
	let raw: unknown = undefined;
	if (text.trim() !== '') {
		try {
			raw = JSON.parse(text) as unknown;
		} catch {
			throw new ApiError('malformed-json', 'The request body is not valid JSON.');
		}
	}
	const parsed = nodeTestSchema.safeParse(raw);
	if (!parsed.success) throw new ValidationError(toValidationBody(parsed.error.issues));
	return parsed.data.network;
}

const modify = storePermission(STORE.modifyStoreSettings);

export const nodeRoutes = new Hono<AppEnv>()
	.get('/stores/:storeId/node', storePermission(STORE.viewStoreSettings), async (c) => {
		const storeId = c.req.param('storeId');
		const summary = await summaryOf(c.env, storeId);
		return c.json(connectionData(summary, await probe(c.env, storeId), Date.now()), 200);
	})
	.put('/stores/:storeId/node', modify, validate('json', nodeSettingsSchema), async (c) => {
		const storeId = c.req.param('storeId');
		const settings = c.req.valid('json');
		const connected = await connectNode(c.env, storeId, settings, Date.now(), {
			btcpayWebhookUrl: btcpayWebhookUrl(publicOrigin(c), storeId)
		});
		const summary = await summaryOf(c.env, storeId);
		// Never the credentials: the kind and address only.
		await audit(c, { storeId, action: 'node.connect', details: { kind: settings.kind, url: 'url' in settings ? settings.url : null } });
		return c.json(connectionData(summary, connected, Date.now()), 200);
	})
	// Public: BTCPay Server cannot sign in; the BTCPay-Sig HMAC over the raw body, keyed with the
	// secret sealed with the node settings, is what authenticates a delivery. Greenfield webhook
	// payloads carry no amounts or status, and BTCPay signs no timestamp (a delivery can be
	// replayed), so a delivery is only ever a reason to re-read the invoice from the node.
	.post('/stores/:storeId/node/btcpay-webhook', publicRoute, async (c) => {
		const storeId = c.req.param('storeId');
		const raw = new Uint8Array(await c.req.arrayBuffer());
		const push = await btcpayPushOf(c.env, storeId);
		if (!push) {
			// 404 is final for BTCPay (it retries only 5xx, 408 and 429): a stale webhook stops here.
			throw new ApiError('not-found', 'This store takes no BTCPay Server webhooks: it is not connected to BTCPay Server with push on.');
		}
		if (!verifyBtcpayWebhook(push.secret, raw, c.req.header('btcpay-sig'))) {
			throw new ApiError(
				'unauthenticated',
				'The BTCPay-Sig header does not match this body for the webhook Flashpoint registered; if the' +
					' webhook was made by hand, save the node again so Flashpoint registers its own.'
			);
		}
		const hint = parseBtcpayWebhook(raw);
		if (!hint) {
			throw new ApiError('bad-request', 'The body is not a BTCPay Server webhook event (JSON with at least a "type").');
		}
		// Another store's event, an event without an invoice, or a BTCPay invoice Flashpoint did not
		// make: acknowledged (200) so that BTCPay does not retry it, and otherwise ignored.
		const db = database(c.env.DB);
		const row = hint.storeId === push.btcpayStoreId && hint.invoiceId && hint.flashpointInvoiceId
			? await findInvoice(db, hint.flashpointInvoiceId)
			: undefined;
		if (!row || row.storeId !== storeId) return c.json({ received: true, invoiceId: null }, 200);
		const result = await syncInvoice(c.env, row.id);
		if (result?.changed) {
			await inBackground(c, Promise.all([publishInvoice(c.env, result.row), sendDueWebhooks(c.env, Date.now, webhookFetcher())]));
		}
		return c.json({ received: true, invoiceId: row.id }, 200);
	})
	.post('/stores/:storeId/node/test', modify, async (c) => {
		const expected = testBody(await c.req.text());
		return c.json(await testConnection(c.env, c.req.param('storeId'), expected), 200);
	})
	.post(
		'/stores/:storeId/node/simulate-payment',
		storePermission(STORE.createInvoice),
		validate('json', simulatePaymentSchema),
		async (c) => {
			const storeId = c.req.param('storeId');
			const input = c.req.valid('json');
			const node = await findStoreNode(database(c.env.DB), storeId);
			if (node?.kind !== 'simulated') {
				throw new ApiError('bad-request', 'Only a store on the simulated node has a test wallet; real nodes take real payments.');
			}
			let paymentHash: string;
			try {
				paymentHash = decodeInvoice(input.destination).paymentHash;
			} catch (error) {
				if (error instanceof InvoiceDecodeError) {
					throw new ValidationError([{ path: 'destination', message: error.message }]);
				}
				throw error;
			}
			const amountMsat = input.amount ? parseDecimal(input.amount, 3) : null;
			const now = Date.now();
			const outcome = await payWithTestWallet(database(c.env.DB), { storeId, paymentHash, amountMsat, late: input.late, now });
			if (!outcome.ok) {
				throw new ApiError(outcome.code === 'unknown-invoice' ? 'invoice-not-found' : 'invoice-not-payable', outcome.message);
			}
			// The payment is a hint: re-read the node and let the invoice follow from what it says.
			const invoice = await findInvoiceByPaymentHash(database(c.env.DB), storeId, paymentHash);
			if (invoice) {
				const result = await syncInvoice(c.env, invoice.id);
				if (result?.changed) {
					await inBackground(c, Promise.all([publishInvoice(c.env, result.row), sendDueWebhooks(c.env, Date.now, webhookFetcher())]));
				}
			}
			const current = invoice ? await findInvoice(database(c.env.DB), invoice.id) : undefined;
			return c.json(
				{
					paymentId: outcome.paymentId,
					paymentHash: outcome.paymentHash,
					amountMsat: outcome.amountMsat.toString(),
					invoiceId: current?.id ?? null,
					invoiceStatus: current?.status ?? null,
					invoiceAdditionalStatus: current?.additionalStatus ?? null
				},
				200
			);
		}
	);
