// The one interface every node kind implements (simulated now; LND, Core Lightning, LNbits,
// BTCPay Server and NWC with the relay). What a node says is re-read before money moves:
// pushes and hints only trigger a lookup.

export type NodeKind = 'simulated';

/** A Lightning invoice as the node reports it. Amounts in msat. */
export type NodeInvoice = {
	paymentHash: string;
	bolt11: string;
	amountMsat: bigint;
	expiresAt: number;
	/** Every incoming payment the node credits to this invoice. */
	payments: Array<{ id: string; amountMsat: bigint; receivedAt: number }>;
};

export type NodeInfo = { kind: NodeKind; alias: string; network: 'regtest' | 'mainnet' | 'testnet' | 'signet'; nodeId: string };

export interface NodeAdapter {
	readonly kind: NodeKind;
	/**
	 * Creates an invoice, idempotently per `label`: asking again with the same label returns the
	 * invoice created the first time (so a retried or reconciled creation never makes two).
	 */
	createInvoice(request: { label: string; amountMsat: bigint; description: string; expirySeconds: number }): Promise<NodeInvoice>;
	/** The node's current view of an invoice; null if the node does not know it. */
	lookupInvoice(paymentHash: string): Promise<NodeInvoice | null>;
	info(): Promise<NodeInfo>;
}

/** A node failure with a code the merchant can act on. */
export class NodeError extends Error {
	readonly code: 'node-unavailable' | 'node-rejected' | 'node-misconfigured';
	constructor(code: NodeError['code'], message: string) {
		super(message);
		this.name = 'NodeError';
		this.code = code;
	}
}
