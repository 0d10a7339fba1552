// A fake BTCPay Server answering Greenfield's store-level Lightning API, as a `fetch` function.
// Every request is checked against the facts copied from the OpenAPI description
// (test/fixtures/nodes/btcpay/greenfield-lightning.json): method, path, `Authorization: token`,
// body field names and types. A request that does not fit is recorded in `violations`, so tests
// assert there are none. Every answer is built from the described schemas only. Behind it sits a
// node with a BTCPayServer.Lightning personality (LND or Core Lightning invoice ids) that can
// lose invoices, misreport them, go down, hang, or pay slowly. It also keeps the store's webhooks
// (test/fixtures/nodes/btcpay/greenfield-webhooks.json) and signs deliveries as BTCPay does.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { base58 } from '@scure/base';
import {
	decodeInvoice,
	encodeInvoice,
	newNodePrivateKey,
	nodeKeyFromPrivateKey
} from '../../../worker/lightning/bolt11';
import spec from '../../fixtures/nodes/btcpay/greenfield-lightning.json';
import webhookSpec from '../../fixtures/nodes/btcpay/greenfield-webhooks.json';
import invoiceSpec from '../../fixtures/nodes/btcpay/greenfield-invoices.json';
import type { FakeLightning } from './nwc-relay';

type Operation = (typeof spec.operations)[keyof typeof spec.operations];
type SchemaName = keyof typeof spec.schemas;
type OperationId = keyof typeof spec.notes.permissionsEnforcedByCode;

export type RecordedRequest = {
	operationId: string;
	method: string;
	path: string;
	headers: Record<string, string>;
	body: Record<string, unknown> | null;
};

/** What the node does with the next pay call. */
export type PayOutcome =
	| 'complete'
	/** 202: still in flight at the send timeout; `completePending()` finishes it. */
	| 'pending'
	/** 202 with `status: Unknown` and no data (PayResult.Unknown). */
	| 'unknown'
	| 'no-route'
	| 'generic-error'
	/** 400 generic-error although the node is still paying (CLN "in progress"). */
	| 'generic-error-in-flight'
	/** Pays, then never answers the HTTP request. */
	| 'hang-after-paying';

type Invoice = {
	id: string;
	paymentHash: string;
	bolt11: string;
	preimage: string;
	amountMsat: bigint;
	expiresAt: number;
	paidAt: number | null;
	amountReceivedMsat: bigint;
};

/** A webhook registered on the fake store. */
export type FakeWebhook = {
	id: string;
	url: string;
	secret: string;
	enabled: boolean;
	automaticRedelivery: boolean;
	authorizedEvents: { everything: boolean; specificEvents: string[] };
};

/** A BTCPay store invoice (Greenfield invoices), with its Lightning invoice and address. */
export type FakeStoreInvoice = {
	id: string;
	amountSats: bigint;
	metadata: Record<string, unknown>;
	paymentMethods: string[];
	createdTime: number;
	expirationTime: number;
	/** The node's Lightning invoice behind BTC-LN. */
	lightningId: string | null;
	address: string;
	chainPayments: Array<{ id: string; sats: bigint; receivedDate: number; status: 'Processing' | 'Settled' }>;
};

/** A delivery as BTCPay would POST it: the exact body bytes and the signature header. */
export type FakeDelivery = { url: string; body: string; signature: string; deliveryId: string };

type Payment = {
	paymentHash: string;
	bolt11: string;
	status: 'Pending' | 'Complete' | 'Failed';
	amountMsat: bigint;
	feeMsat: bigint;
	preimage: string | null;
	createdAt: number;
};

export type FakeGreenfieldOptions = {
	apiKey?: string;
	storeId?: string;
	/** Permissions of the API key (store-scoped ones may carry `:storeId`). */
	permissions?: string[];
	/** LND: id = payment hash; CLN: id = random label (found by hash through the fallback). */
	invoiceIds?: 'payment-hash' | 'cln-label';
	/** Older LND clients left `paymentHash` out of LightningInvoiceData. */
	omitPaymentHash?: boolean;
	now?: () => number;
	/** Invoices the node can pay (by preimage). */
	network?: FakeLightning;
	feeMsat?: bigint;
};

const ALL_PERMISSIONS = [
	'btcpay.store.cancreatelightninginvoice',
	'btcpay.store.canviewlightninginvoice',
	'btcpay.store.canuselightningnode'
];

function json(status: number, body: unknown): Response {
	return new Response(body === undefined ? null : JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json' }
	});
}

/** Greenfield's ProblemDetails answer. */
function problem(status: number, code: string, message: string): Response {
	return json(status, { code, message });
}

const NO_ROUTE = 'Impossible to find a route to the peer';

export class FakeGreenfield {
	readonly requests: RecordedRequest[] = [];
	readonly violations: string[] = [];
	readonly invoices = new Map<string, Invoice>();
	readonly payments = new Map<string, Payment>();
	/** Every pay call that reached the node, by hash. */
	readonly payCalls: string[] = [];
	/** 503 lightning-node-unavailable for every call while true. */
	nodeDown = false;
	/** Answers this status (with a ProblemDetails body) for every call while set. */
	forcedStatus: number | null = null;
	/** Never answers (until the caller aborts) while true. */
	hang = false;
	/** Store has no Lightning node configured (404 lightning-not-configured). */
	lightningConfigured = true;
	/** Outcomes for the next pay calls, in order; then `complete`. */
	readonly payOutcomes: PayOutcome[] = [];
	/** Misreports of invoices, by payment hash. */
	readonly tampered = new Map<string, { amountMsat?: bigint; paymentHash?: string }>();
	/** The store's webhooks, by id. */
	readonly webhooks = new Map<string, FakeWebhook>();
	/** The store's invoices (not the node's Lightning invoices), by id. */
	readonly storeInvoices = new Map<string, FakeStoreInvoice>();
	private readonly apiKey: string;
	private readonly storeId: string;
	private readonly permissions: string[];
	private readonly invoiceIds: 'payment-hash' | 'cln-label';
	private readonly omitPaymentHash: boolean;
	private readonly now: () => number;
	private readonly network: FakeLightning | null;
	private readonly feeMsat: bigint;
	private readonly nodeKey = newNodePrivateKey();

	constructor(options: FakeGreenfieldOptions = {}) {
		this.apiKey = options.apiKey ?? 'test-api-key';
		this.storeId = options.storeId ?? 'Store1';
		this.permissions = options.permissions ?? ALL_PERMISSIONS;
		this.invoiceIds = options.invoiceIds ?? 'payment-hash';
		this.omitPaymentHash = options.omitPaymentHash ?? false;
		this.now = options.now ?? Date.now;
		this.network = options.network ?? null;
		this.feeMsat = options.feeMsat ?? 2_000n;
	}

	get nodeId(): string {
		return nodeKeyFromPrivateKey(this.nodeKey);
	}

	/** The `fetch` to give the adapter. */
	fetch = async (request: Request): Promise<Response> => {
		if (this.hang) return this.never(request);
		const url = new URL(request.url);
		const hooks = this.webhookRoute(request.method, url.pathname);
		if (hooks) return this.webhookOperation(request, hooks);
		const storeInvoices = this.storeInvoiceRoute(request.method, url.pathname);
		if (storeInvoices) return this.storeInvoiceOperation(request, storeInvoices);
		const match = this.route(request.method, url.pathname);
		if (!match) {
			this.violations.push(`${request.method} ${url.pathname} is not a described operation`);
			return json(404, undefined);
		}
		const { operation, params } = match;
		const id = operation.operationId;
		const headers: Record<string, string> = {};
		request.headers.forEach((value, key) => {
			headers[key] = value;
		});
		let body: Record<string, unknown> | null = null;
		if (request.method === 'POST') {
			if (!(headers['content-type'] ?? '').startsWith('application/json')) {
				this.violations.push(`${id}: body is not sent as application/json`);
			}
			try {
				body = (await request.json()) as Record<string, unknown>;
			} catch {
				this.violations.push(`${id}: body is not JSON`);
				return problem(400, 'invalid-json', 'fake: body is not JSON');
			}
			if ('requestSchema' in operation) {
				this.checkBody(id, operation.requestSchema as SchemaName, body);
			}
		}
		const path = url.pathname;
		this.requests.push({ operationId: id, method: request.method, path, headers, body });

		// Authentication (Greenfield: `Authorization: token <apikey>`), then the permission the
		// controller enforces (not always the one the description documents).
		if (headers.authorization !== spec.authorizationHeader.replace('{apiKey}', this.apiKey)) {
			const message = 'Authentication is required for accessing this endpoint';
			return problem(401, 'unauthenticated', message);
		}
		const permission = spec.notes.permissionsEnforcedByCode[id as OperationId];
		if (!this.hasPermission(permission)) {
			const message =
				`Insufficient API Permissions. Please use an API key with permission "${permission}".`;
			return problem(403, 'missing-permission', message);
		}
		if (params.storeId !== this.storeId) return problem(403, 'missing-permission', 'store');
		if (params.cryptoCode !== spec.cryptoCode) {
			const message = "This crypto code isn't set up in this BTCPay Server instance";
			return problem(404, 'unknown-cryptocode', message);
		}
		if (this.forcedStatus !== null) return problem(this.forcedStatus, 'fake', 'forced');
		if (!this.lightningConfigured) {
			return problem(404, 'lightning-not-configured', 'The lightning node is not set up');
		}
		if (this.nodeDown) {
			const message = 'The lightning node is unavailable (SocketException: Connection refused)';
			return problem(503, 'lightning-node-unavailable', message);
		}

		switch (id) {
			case 'StoreLightningNodeApi_CreateInvoice':
				return this.createInvoice(body ?? {});
			case 'StoreLightningNodeApi_GetInvoice':
				return this.getInvoice(params.id ?? '');
			case 'StoreLightningNodeApi_PayInvoice':
				return this.pay(body ?? {}, request);
			case 'StoreLightningNodeApi_GetPayment':
				return this.getPayment(params.paymentHash ?? '');
			case 'StoreLightningNodeApi_GetInfo':
				return json(
					200,
					this.answer('LightningNodeInformationData', {
						nodeURIs: [`${this.nodeId}@node.btcpay.test:9735`],
						blockHeight: 850_000,
						alias: 'fake btcpay node',
						color: '#51b13e',
						version: '0.21.2-beta',
						peersCount: 3,
						activeChannelsCount: 2,
						inactiveChannelsCount: 0,
						pendingChannelsCount: 0
					})
				);
			case 'StoreLightningNodeApi_GetBalance': {
				const offchain = { opening: '0', local: '42000000', remote: '58000000', closing: '0' };
				return json(
					200,
					this.answer('LightningNodeBalanceData', {
						onchain: { confirmed: '150000', unconfirmed: '0', reserved: '0' },
						offchain: this.answer('OffchainBalanceData', offchain)
					})
				);
			}
			default:
				return json(500, undefined);
		}
	};

	// -- controls ----------------------------------------------------------------------------

	/** A payer pays one of the node's invoices (possibly more than asked). */
	settle(paymentHash: string, amountMsat?: bigint, at = this.now()): void {
		const invoice = [...this.invoices.values()].find((i) => i.paymentHash === paymentHash);
		if (!invoice) throw new Error('no such invoice');
		invoice.paidAt = Math.floor(at / 1000);
		invoice.amountReceivedMsat = amountMsat ?? invoice.amountMsat;
	}

	/** The node forgets an invoice (a wiped or restored node). */
	lose(paymentHash: string): void {
		for (const [id, invoice] of this.invoices) {
			if (invoice.paymentHash === paymentHash) this.invoices.delete(id);
		}
	}

	/** Finishes every payment still in flight. */
	completePending(): void {
		for (const payment of this.payments.values()) {
			if (payment.status === 'Pending') this.complete(payment);
		}
	}

	/**
	 * What BTCPay would send to each enabled webhook for an invoice event (WebhookInvoiceEvent,
	 * indented JSON, `BTCPay-Sig: sha256=<HMAC-SHA256 of the body under the secret>`).
	 */
	deliveries(
		type: string,
		event: { invoiceId: string; metadata?: Record<string, unknown>; storeId?: string }
	): FakeDelivery[] {
		const out: FakeDelivery[] = [];
		for (const hook of this.webhooks.values()) {
			const wanted = hook.authorizedEvents.everything || hook.authorizedEvents.specificEvents.includes(type);
			if (!hook.enabled || !wanted) continue;
			const deliveryId = base58.encode(crypto.getRandomValues(new Uint8Array(16)));
			const payload: Record<string, unknown> = {
				deliveryId,
				webhookId: hook.id,
				originalDeliveryId: deliveryId,
				isRedelivery: false,
				type,
				timestamp: Math.floor(this.now() / 1000),
				storeId: event.storeId ?? this.storeId,
				invoiceId: event.invoiceId,
				metadata: event.metadata ?? {}
			};
			for (const key of Object.keys(payload)) {
				if (!webhookSpec.schemas.WebhookInvoiceEvent.properties.includes(key)) {
					throw new Error(`fake: WebhookInvoiceEvent has no property ${key}`);
				}
			}
			const body = JSON.stringify(payload, null, 2);
			const signature = `sha256=${bytesToHex(hmac(sha256, utf8ToBytes(hook.secret), utf8ToBytes(body)))}`;
			out.push({ url: hook.url, body, signature, deliveryId });
		}
		return out;
	}

	/** Requests for one operation, in order. */
	calls(operationId: string): RecordedRequest[] {
		return this.requests.filter((r) => r.operationId === operationId);
	}

	// -- operations --------------------------------------------------------------------------

	private createInvoice(body: Record<string, unknown>): Response {
		const digits = typeof body.amount === 'string' && /^\d+$/.test(body.amount);
		const amount = digits ? BigInt(body.amount as string) : null;
		const expiry = typeof body.expiry === 'number' ? body.expiry : 0;
		const problems = [];
		if (amount === null) {
			problems.push({ path: 'amount', message: 'Amount should be more or equals to 0' });
		}
		if (expiry <= 0) problems.push({ path: 'expiry', message: 'Expiry should be more than 0' });
		if (problems.length > 0) return json(spec.notes.validationStatus, problems);
		const invoice = this.mint(amount ?? 0n, String(body.description ?? ''), expiry);
		return json(200, this.invoiceData(invoice));
	}

	/** A Lightning invoice of the node (genuine regtest BOLT 11). */
	private mint(amountMsat: bigint, description: string, expiry: number): Invoice {
		const amount = amountMsat;
		const preimage = crypto.getRandomValues(new Uint8Array(32));
		const paymentHash = bytesToHex(sha256(preimage));
		const timestamp = Math.floor(this.now() / 1000);
		const bolt11 = encodeInvoice({
			network: 'regtest',
			amountMsat: amount ?? 0n,
			paymentHash,
			paymentSecret: bytesToHex(crypto.getRandomValues(new Uint8Array(32))),
			description,
			expirySeconds: expiry,
			timestamp,
			privateKey: this.nodeKey
		});
		const label = base58.encode(crypto.getRandomValues(new Uint8Array(20)));
		const invoice: Invoice = {
			id: this.invoiceIds === 'payment-hash' ? paymentHash : label,
			paymentHash,
			bolt11,
			preimage: bytesToHex(preimage),
			amountMsat: amount ?? 0n,
			expiresAt: timestamp + expiry,
			paidAt: null,
			amountReceivedMsat: 0n
		};
		this.invoices.set(invoice.id, invoice);
		return invoice;
	}

	/** BTCPayServer.Lightning: by id; for CLN a 64-hex id that is no label is tried as a hash. */
	private getInvoice(id: string): Response {
		let invoice = this.invoices.get(id);
		if (!invoice && this.invoiceIds === 'cln-label' && /^[0-9a-f]{64}$/.test(id)) {
			invoice = [...this.invoices.values()].find((i) => i.paymentHash === id);
		}
		if (!invoice) {
			const message = 'Impossible to find a lightning invoice with this id';
			return problem(404, 'invoice-not-found', message);
		}
		return json(200, this.invoiceData(invoice));
	}

	private async pay(body: Record<string, unknown>, request: Request): Promise<Response> {
		const bolt11 = typeof body.BOLT11 === 'string' ? body.BOLT11 : '';
		let decoded;
		try {
			decoded = decodeInvoice(bolt11);
		} catch {
			const invalid = [{ path: 'BOLT11', message: 'The BOLT11 invoice was invalid.' }];
			return json(spec.notes.validationStatus, invalid);
		}
		const hash = decoded.paymentHash;
		this.payCalls.push(hash);
		const outcome = this.payOutcomes.shift() ?? 'complete';
		if (outcome === 'no-route') return problem(400, 'could-not-find-route', NO_ROUTE);
		if (outcome === 'generic-error') return problem(400, 'generic-error', 'invoice expired');
		const payment: Payment = {
			paymentHash: hash,
			bolt11,
			status: 'Pending',
			amountMsat: decoded.amountMsat ?? 0n,
			feeMsat: this.feeMsat,
			preimage: null,
			createdAt: Math.floor(this.now() / 1000)
		};
		this.payments.set(hash, payment);
		if (outcome === 'generic-error-in-flight') {
			return problem(400, 'generic-error', 'payment in progress');
		}
		if (outcome === 'unknown') {
			return json(202, this.answer('LightningPaymentData', { status: 'Unknown' }));
		}
		if (outcome === 'pending') return json(202, this.paymentData(payment));
		this.complete(payment);
		if (outcome === 'hang-after-paying') return this.never(request);
		if (payment.status === 'Failed') return problem(400, 'could-not-find-route', NO_ROUTE);
		return json(200, this.paymentData(payment));
	}

	private getPayment(paymentHash: string): Response {
		const payment = this.payments.get(paymentHash);
		if (!payment) {
			const message = 'Impossible to find a lightning payment with this payment hash';
			return problem(404, 'payment-not-found', message);
		}
		return json(200, this.paymentData(payment));
	}

	// -- helpers -----------------------------------------------------------------------------

	private complete(payment: Payment): void {
		const preimage = this.network?.preimageOf(payment.paymentHash) ?? null;
		if (!preimage) {
			payment.status = 'Failed';
			return;
		}
		payment.status = 'Complete';
		payment.preimage = preimage;
	}

	private invoiceData(invoice: Invoice): Record<string, unknown> {
		const now = Math.floor(this.now() / 1000);
		let status = 'Unpaid';
		if (invoice.paidAt !== null) status = 'Paid';
		else if (invoice.expiresAt < now) status = 'Expired';
		const tamper = this.tampered.get(invoice.paymentHash) ?? {};
		const data: Record<string, unknown> = {
			id: invoice.id,
			status,
			BOLT11: invoice.bolt11,
			paidAt: invoice.paidAt,
			expiresAt: invoice.expiresAt,
			amount: (tamper.amountMsat ?? invoice.amountMsat).toString(),
			amountReceived: invoice.amountReceivedMsat.toString(),
			paymentHash: tamper.paymentHash ?? invoice.paymentHash,
			preimage: invoice.paidAt !== null ? invoice.preimage : null,
			customRecords: null
		};
		if (this.omitPaymentHash) delete data.paymentHash;
		return this.answer('LightningInvoiceData', data);
	}

	private paymentData(payment: Payment): Record<string, unknown> {
		return this.answer('LightningPaymentData', {
			id: payment.paymentHash,
			status: payment.status,
			BOLT11: payment.bolt11,
			paymentHash: payment.paymentHash,
			preimage: payment.preimage ?? '',
			createdAt: payment.createdAt,
			totalAmount: (payment.amountMsat + payment.feeMsat).toString(),
			feeAmount: payment.feeMsat.toString()
		});
	}

	/** Checks an answer against the described schema before it leaves (a bug in the fake). */
	private answer(name: SchemaName, data: Record<string, unknown>): Record<string, unknown> {
		const schema = spec.schemas[name];
		for (const key of Object.keys(data)) {
			if (!(key in schema.properties)) throw new Error(`fake: ${name} has no property ${key}`);
		}
		const status = typeof data.status === 'string' ? data.status : null;
		const enums: Partial<Record<SchemaName, string[]>> = {
			LightningInvoiceData: spec.enums.LightningInvoiceStatus,
			LightningPaymentData: spec.enums.LightningPaymentStatus
		};
		const allowed = enums[name];
		if (allowed && status !== null && !allowed.includes(status)) {
			throw new Error(`fake: ${name} cannot have status ${status}`);
		}
		return data;
	}

	private checkBody(
		operationId: string,
		schemaName: SchemaName,
		body: Record<string, unknown>
	): void {
		const properties: Record<string, { type: string | null; nullable: boolean }> =
			spec.schemas[schemaName].properties;
		for (const [key, value] of Object.entries(body)) {
			const property = properties[key];
			if (!property) {
				this.violations.push(`${operationId}: ${schemaName} has no field ${key}`);
				continue;
			}
			if (value === null) {
				if (!property.nullable) this.violations.push(`${operationId}: ${key} may not be null`);
				continue;
			}
			if (property.type && typeof value !== property.type) {
				const problem = `${key} should be a ${property.type}, not ${typeof value}`;
				this.violations.push(`${operationId}: ${problem}`);
			}
		}
	}

	// -- store invoices ----------------------------------------------------------------------

	/** The store invoice whose metadata names this Flashpoint invoice. */
	storeInvoiceOf(flashpointInvoiceId: string): FakeStoreInvoice | undefined {
		return [...this.storeInvoices.values()].find((i) => i.metadata.flashpointInvoiceId === flashpointInvoiceId);
	}

	/** A payer sends sats to the invoice's address; `confirmed` per the store's speed policy. */
	payOnChain(invoice: FakeStoreInvoice, sats: bigint, confirmed = false): void {
		const id = `${bytesToHex(crypto.getRandomValues(new Uint8Array(32)))}-0`;
		const status = confirmed ? 'Settled' : 'Processing';
		invoice.chainPayments.push({ id, sats, receivedDate: Math.floor(this.now() / 1000), status });
	}

	/** Every unconfirmed on-chain payment reaches its confirmations. */
	confirmOnChain(): void {
		for (const invoice of this.storeInvoices.values()) {
			for (const payment of invoice.chainPayments) payment.status = 'Settled';
		}
	}

	private storeInvoiceRoute(method: string, pathname: string): { operationId: string; storeId: string } | null {
		for (const [operationId, operation] of Object.entries(invoiceSpec.operations)) {
			if (operation.method !== method) continue;
			const pattern = operation.path.replace('{storeId}', '([^/]+)');
			const found = new RegExp(`^(?:.*)${pattern}$`).exec(pathname);
			if (found) return { operationId, storeId: decodeURIComponent(found[1] ?? '') };
		}
		return null;
	}

	private async storeInvoiceOperation(request: Request, route: { operationId: string; storeId: string }): Promise<Response> {
		const operation = invoiceSpec.operations[route.operationId as keyof typeof invoiceSpec.operations];
		const headers: Record<string, string> = {};
		request.headers.forEach((value, key) => {
			headers[key] = value;
		});
		const url = new URL(request.url);
		let body: Record<string, unknown> | null = null;
		if (request.method === 'POST') {
			try {
				body = (await request.json()) as Record<string, unknown>;
			} catch {
				this.violations.push(`${route.operationId}: body is not JSON`);
				return problem(400, 'invalid-json', 'fake: body is not JSON');
			}
		}
		for (const key of url.searchParams.keys()) {
			if ('query' in operation && !operation.query.includes(key)) this.violations.push(`${route.operationId}: no query parameter ${key}`);
		}
		this.requests.push({ operationId: route.operationId, method: request.method, path: url.pathname, headers, body });
		if (headers.authorization !== spec.authorizationHeader.replace('{apiKey}', this.apiKey)) {
			return problem(401, 'unauthenticated', 'Authentication is required for accessing this endpoint');
		}
		if (!this.hasPermission(operation.permission) || route.storeId !== this.storeId) {
			const message = `Insufficient API Permissions. Please use an API key with permission "${operation.permission}".`;
			return problem(403, 'missing-permission', message);
		}
		if (this.forcedStatus !== null) return problem(this.forcedStatus, 'fake', 'forced');
		if (route.operationId === 'Invoices_CreateInvoice') return this.createStoreInvoice(body ?? {});
		const orderIds = url.searchParams.getAll('orderId');
		const withMethods = url.searchParams.get('includePaymentMethods') === 'true';
		const found = [...this.storeInvoices.values()].filter((i) => orderIds.length === 0 || orderIds.includes(String(i.metadata.orderId)));
		return json(200, found.map((i) => this.storeInvoiceData(i, withMethods)));
	}

	private createStoreInvoice(body: Record<string, unknown>): Response {
		const properties: Record<string, { type: string | null; nullable: boolean }> = invoiceSpec.schemas.CreateInvoiceRequest;
		for (const [key, value] of Object.entries(body)) {
			const property = properties[key];
			if (!property) this.violations.push(`Invoices_CreateInvoice: CreateInvoiceRequest has no field ${key}`);
			else if (value !== null && property.type && typeof value !== property.type && !(property.type === 'array' && Array.isArray(value))) {
				this.violations.push(`Invoices_CreateInvoice: ${key} should be a ${property.type}`);
			}
		}
		const checkout = (body.checkout ?? {}) as Record<string, unknown>;
		const checkoutProperties: Record<string, unknown> = invoiceSpec.schemas.CheckoutOptions;
		for (const key of Object.keys(checkout)) {
			if (!(key in checkoutProperties)) this.violations.push(`Invoices_CreateInvoice: CheckoutOptions has no field ${key}`);
		}
		const methods = Array.isArray(checkout.paymentMethods) ? checkout.paymentMethods.map(String) : ['BTC-CHAIN', 'BTC-LN'];
		for (const method of methods) {
			if (!invoiceSpec.enums.paymentMethodIds.includes(method)) return json(422, [{ path: 'checkout.paymentMethods', message: `Invalid payment method ${method}` }]);
		}
		if (body.currency !== 'SATS' || typeof body.amount !== 'string' || !/^\d+$/.test(body.amount)) {
			this.violations.push('Invoices_CreateInvoice: the fake only prices in whole SATS');
			return json(422, [{ path: 'amount', message: 'fake: whole SATS only' }]);
		}
		const minutes = typeof checkout.expirationMinutes === 'number' ? checkout.expirationMinutes : 15;
		const now = Math.floor(this.now() / 1000);
		const expirationTime = now + Math.round(minutes * 60);
		const amountSats = BigInt(body.amount);
		const lightning = methods.includes('BTC-LN') && this.lightningConfigured && !this.nodeDown
			? this.mint(amountSats * 1000n, String((body.metadata as Record<string, unknown> | undefined)?.itemDesc ?? ''), expirationTime - now)
			: null;
		const invoice: FakeStoreInvoice = {
			id: base58.encode(crypto.getRandomValues(new Uint8Array(16))),
			amountSats,
			metadata: (body.metadata ?? {}) as Record<string, unknown>,
			paymentMethods: methods,
			createdTime: now,
			expirationTime,
			lightningId: lightning?.id ?? null,
			address: `bcrt1q${bytesToHex(crypto.getRandomValues(new Uint8Array(20)))}`,
			chainPayments: []
		};
		this.storeInvoices.set(invoice.id, invoice);
		return json(200, this.storeInvoiceData(invoice, false));
	}

	private storeInvoiceData(invoice: FakeStoreInvoice, withMethods: boolean): Record<string, unknown> {
		const btc = (msat: bigint) => {
			const digits = msat.toString().padStart(12, '0');
			return `${digits.slice(0, -11)}.${digits.slice(-11)}`;
		};
		const ln = invoice.lightningId ? this.invoices.get(invoice.lightningId) ?? null : null;
		const lnPaid = ln && ln.paidAt !== null ? ln.amountReceivedMsat : 0n;
		const chainSettled = invoice.chainPayments.filter((p) => p.status === 'Settled').reduce((sum, p) => sum + p.sats * 1000n, 0n);
		const chainSeen = invoice.chainPayments.reduce((sum, p) => sum + p.sats * 1000n, 0n);
		const due = invoice.amountSats * 1000n;
		const now = Math.floor(this.now() / 1000);
		let status = 'New';
		if (lnPaid + chainSettled >= due) status = 'Settled';
		else if (lnPaid + chainSeen >= due) status = 'Processing';
		else if (invoice.expirationTime < now) status = 'Expired';
		const data: Record<string, unknown> = {
			id: invoice.id,
			storeId: this.storeId,
			amount: invoice.amountSats.toString(),
			paidAmount: ((lnPaid + chainSeen) / 1000n).toString(),
			currency: 'SATS',
			type: 'Standard',
			checkoutLink: `https://btcpay.example.com/i/${invoice.id}`,
			createdTime: invoice.createdTime,
			expirationTime: invoice.expirationTime,
			monitoringExpiration: invoice.expirationTime + 86_400,
			status,
			additionalStatus: 'None',
			availableStatusesForManualMarking: [],
			archived: false,
			metadata: invoice.metadata,
			checkout: { paymentMethods: invoice.paymentMethods },
			receipt: null
		};
		for (const key of Object.keys(data)) {
			if (!(key in invoiceSpec.schemas.InvoiceData)) throw new Error(`fake: InvoiceData has no property ${key}`);
		}
		if (!withMethods) return data;
		const methods: Array<Record<string, unknown>> = [];
		if (ln) {
			const payments = ln.paidAt !== null
				? [{ id: ln.paymentHash, receivedDate: ln.paidAt, value: btc(ln.amountReceivedMsat), fee: '0.00000000', status: 'Settled', destination: ln.bolt11 }]
				: [];
			methods.push({ paymentMethodId: 'BTC-LN', currency: 'BTC', destination: ln.bolt11, paymentLink: `lightning:${ln.bolt11}`, payments, activated: true });
		}
		if (invoice.paymentMethods.includes('BTC-CHAIN')) {
			const payments = invoice.chainPayments.map((p) => ({ id: p.id, receivedDate: p.receivedDate, value: btc(p.sats * 1000n), fee: '0.00000000', status: p.status, destination: invoice.address }));
			methods.push({ paymentMethodId: 'BTC-CHAIN', currency: 'BTC', destination: invoice.address, paymentLink: `bitcoin:${invoice.address}`, payments, activated: true });
		}
		for (const method of methods) {
			for (const key of Object.keys(method)) {
				if (!(key in invoiceSpec.schemas.InvoicePaymentMethodDataModel)) throw new Error(`fake: no property ${key}`);
			}
		}
		return { ...data, paymentMethods: methods };
	}

	// -- webhooks ----------------------------------------------------------------------------

	private webhookRoute(method: string, pathname: string): { operationId: string; webhookId: string | null; storeId: string } | null {
		for (const [operationId, operation] of Object.entries(webhookSpec.operations)) {
			if (operation.method !== method) continue;
			const pattern = operation.path.replace('{storeId}', '([^/]+)').replace('{webhookId}', '([^/]+)');
			const found = new RegExp(`^(?:.*)${pattern}$`).exec(pathname);
			if (!found) continue;
			return { operationId, storeId: decodeURIComponent(found[1] ?? ''), webhookId: found[2] ? decodeURIComponent(found[2]) : null };
		}
		return null;
	}

	private async webhookOperation(
		request: Request,
		route: { operationId: string; webhookId: string | null; storeId: string }
	): Promise<Response> {
		const headers: Record<string, string> = {};
		request.headers.forEach((value, key) => {
			headers[key] = value;
		});
		let body: Record<string, unknown> | null = null;
		if (request.method === 'POST') {
			try {
				body = (await request.json()) as Record<string, unknown>;
			} catch {
				this.violations.push(`${route.operationId}: body is not JSON`);
				return problem(400, 'invalid-json', 'fake: body is not JSON');
			}
		}
		const path = new URL(request.url).pathname;
		this.requests.push({ operationId: route.operationId, method: request.method, path, headers, body });
		if (headers.authorization !== spec.authorizationHeader.replace('{apiKey}', this.apiKey)) {
			return problem(401, 'unauthenticated', 'Authentication is required for accessing this endpoint');
		}
		const allowed = [webhookSpec.permission, ...webhookSpec.permissionImpliedBy].some((p) => this.hasPermission(p));
		if (!allowed || route.storeId !== this.storeId) {
			const message = `Insufficient API Permissions. Please use an API key with permission "${webhookSpec.permission}".`;
			return problem(403, 'missing-permission', message);
		}
		if (this.forcedStatus !== null) return problem(this.forcedStatus, 'fake', 'forced');
		switch (route.operationId) {
			case 'Webhooks_CreateWebhook':
				return this.createWebhook(body ?? {});
			case 'Webhooks_GetWebhook': {
				const hook = this.webhooks.get(route.webhookId ?? '');
				if (!hook) return json(404, undefined);
				const { secret: _secret, ...data } = hook;
				return json(200, data);
			}
			case 'Webhooks_DeleteWebhook':
				if (!this.webhooks.delete(route.webhookId ?? '')) return json(404, undefined);
				return json(200, undefined);
			default:
				return json(500, undefined);
		}
	}

	private createWebhook(body: Record<string, unknown>): Response {
		const properties: Record<string, { type: string; nullable: boolean }> = webhookSpec.schemas.WebhookDataCreate.properties;
		for (const [key, value] of Object.entries(body)) {
			const property = properties[key];
			if (!property) {
				this.violations.push(`Webhooks_CreateWebhook: WebhookDataCreate has no field ${key}`);
				continue;
			}
			if (value === null ? !property.nullable : typeof value !== property.type) {
				this.violations.push(`Webhooks_CreateWebhook: ${key} should be a ${property.type}`);
			}
		}
		const events = (body.authorizedEvents ?? {}) as { everything?: unknown; specificEvents?: unknown };
		const specific = Array.isArray(events.specificEvents) ? events.specificEvents.map(String) : [];
		for (const event of specific) {
			if (!webhookSpec.events.includes(event)) this.violations.push(`Webhooks_CreateWebhook: unknown event ${event}`);
		}
		if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) {
			return json(400, [{ path: 'url', message: 'Invalid url' }]);
		}
		const hook: FakeWebhook = {
			id: base58.encode(crypto.getRandomValues(new Uint8Array(16))),
			url: body.url,
			secret: typeof body.secret === 'string' && body.secret !== '' ? body.secret : base58.encode(crypto.getRandomValues(new Uint8Array(16))),
			enabled: body.enabled !== false,
			automaticRedelivery: body.automaticRedelivery !== false,
			authorizedEvents: { everything: events.everything !== false, specificEvents: specific }
		};
		this.webhooks.set(hook.id, hook);
		return json(200, { ...hook });
	}

	private hasPermission(permission: string): boolean {
		const scoped = `${permission}:${this.storeId}`;
		return this.permissions.some((p) => p === permission || p === scoped || p === 'unrestricted');
	}

	private route(
		method: string,
		pathname: string
	): { operation: Operation; params: Record<string, string> } | null {
		for (const operation of Object.values(spec.operations) as Operation[]) {
			if (operation.method !== method) continue;
			const names: string[] = [];
			const escaped = operation.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
			const pattern = escaped.replace(/\{(\w+)\}/g, (_, name: string) => {
				names.push(name);
				return '([^/]+)';
			});
			// A prefix is allowed: BTCPay may be served below a path.
			const found = new RegExp(`^(?:.*)${pattern}$`).exec(pathname);
			if (!found) continue;
			const params: Record<string, string> = {};
			names.forEach((name, i) => {
				params[name] = decodeURIComponent(found[i + 1] ?? '');
			});
			// `invoices/pay` is its own operation, not GET invoices/{id} with id "pay".
			if (operation.operationId === 'StoreLightningNodeApi_GetInvoice' && params.id === 'pay') {
				continue;
			}
			return { operation, params };
		}
		return null;
	}

	private never(request: Request): Promise<Response> {
		return new Promise((_, reject) => {
			request.signal.addEventListener('abort', () => {
				reject(new DOMException('The operation was aborted.', 'AbortError'));
			});
		});
	}
}
