// The one interface every node kind implements: the simulated node, LND (REST), Core Lightning
// (clnrest), LNbits, BTCPay Server (Greenfield) and Nostr Wallet Connect. What a node says is
// re-read before money moves: pushes and hints only trigger a lookup.

export type NodeKind = 'simulated' | 'lnd' | 'cln' | 'lnbits' | 'btcpay' | 'nwc';

/** A Lightning invoice as the node reports it. Amounts in msat. */
export type NodeInvoice = {
	paymentHash: string;
	bolt11: string;
	amountMsat: bigint;
	/** Unix ms. */
	expiresAt: number;
	/** Every incoming payment the node credits to this invoice (settled only). */
	payments: Array<{ id: string; amountMsat: bigint; receivedAt: number }>;
};

/** An outgoing payment as the node reports it. */
export type NodePayment =
	| { status: 'succeeded'; paymentHash: string; amountMsat: bigint; feeMsat: bigint; preimage: string }
	| { status: 'failed'; paymentHash: string; reason: string }
	| { status: 'pending'; paymentHash: string };

export type NodeInfo = {
	kind: NodeKind;
	alias: string;
	network: 'regtest' | 'mainnet' | 'testnet' | 'signet';
	nodeId: string;
	/** False when the node says it is not synced to the chain or graph. */
	synced: boolean;
};

export interface NodeAdapter {
	readonly kind: NodeKind;
	/**
	 * Creates an invoice, idempotently per `label` where the node supports labels: asking again
	 * with the same label returns the invoice created the first time.
	 */
	createInvoice(request: { label: string; amountMsat: bigint; description: string; expirySeconds: number }): Promise<NodeInvoice>;
	/**
	 * The node's current view of an invoice; null if the node does not know it. `hint.label` is
	 * the label it was created under, for nodes that find their invoices by it (BTCPay store
	 * invoices); the others look up by payment hash alone.
	 */
	lookupInvoice(paymentHash: string, hint?: { label: string }): Promise<NodeInvoice | null>;
	/**
	 * Pays a BOLT 11 invoice with a fee limit. Must never pay the same payment hash twice: a
	 * second call for a hash already paid or in flight reports that payment instead. An error
	 * thrown means the outcome is unknown (look it up); only `failed` is a definite failure.
	 */
	payInvoice(request: { bolt11: string; maxFeeMsat: bigint; idempotencyKey: string }): Promise<NodePayment>;
	/** The node's view of an outgoing payment by hash; null if it never saw one. */
	lookupPayment(paymentHash: string): Promise<NodePayment | null>;
	/** Spendable Lightning balance. */
	balance(): Promise<{ spendableMsat: bigint }>;
	info(): Promise<NodeInfo>;
}

/** A node failure with a code the merchant can act on. */
export class NodeError extends Error {
	readonly code: 'node-unavailable' | 'node-rejected' | 'node-misconfigured' | 'node-auth-refused';
	constructor(code: NodeError['code'], message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.name = 'NodeError';
		this.code = code;
	}
}
