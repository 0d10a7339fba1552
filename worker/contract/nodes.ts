// Node connection settings (PUT /api/v1/stores/{storeId}/node) and what GET returns: never a
// credential. Later kinds (LND, Core Lightning, LNbits, BTCPay Server, NWC) join the union.
import { z } from 'zod';

export const nodeSettingsSchema = z.discriminatedUnion('kind', [z.object({ kind: z.literal('simulated') })], {
	error: 'Choose a node kind: "simulated" is available now.'
});

export type NodeSettings = z.infer<typeof nodeSettingsSchema>;

export type NodeConnectionData = {
	kind: string;
	/** True for the simulated node: payments are not real. */
	testMode: boolean;
	/** The node's public key, when it has one. */
	nodeId: string | null;
	network: string;
	updated: number;
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
