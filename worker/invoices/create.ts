// Creating an invoice: price it (rate recorded), store it, then ask the store's node for the
// Lightning invoice and check what came back. The row exists before the node is asked, so an
// invoice the node issued is never unknown here: if the worker is cut off in between, the cron
// finds the row still 'creating' and asks the node again under the same label (idempotent).
import type { CreateInvoice } from '../contract/invoices';
import { database } from '../db/client';
import { findInvoice, insertDeliveries, insertInvoice, noteNodeError, recordNodeInvoice, type InvoiceRow } from '../data/invoices';
import type { StoreRow } from '../data/stores';
import { listWebhooks } from '../data/webhooks';
import { MoneyError, parseMoney, toSafeNumber } from '../domain/money';
import type { WorkerEnv } from '../env';
import { ApiError, ValidationError } from '../errors';
import { randomBase58 } from '../ids';
import { decodeInvoice } from '../lightning/bolt11';
import { connectedNode } from '../nodes/registry';
import { NodeError, type NodeAdapter } from '../nodes/types';
import { quoteInvoiceAmount, rateProviderFor, RateUnavailableError } from '../rates/index';
import { readSettings } from '../stores/store-data';
import { deliveriesFor } from '../webhooks/enqueue';

/** Lightning is for payments at a till: above this a merchant should use on-chain. */
export const MAX_INVOICE_MSAT = 10n * 100_000_000_000n;
/** BOLT 11 descriptions are limited to 639 bytes. */
const MAX_DESCRIPTION = 600;

export const newInvoiceId = (): string => randomBase58(16);

export type CreateContext = {
	env: WorkerEnv;
	now: number;
	createdBy: string | null;
	fetch: typeof fetch;
	/** A Lightning top-up of this Flash Card: credited when the invoice settles. */
	cardTopupId?: string;
};

export async function createInvoice(ctx: CreateContext, store: StoreRow, input: CreateInvoice): Promise<InvoiceRow> {
	const settings = readSettings(store);
	const currency = (input.currency?.trim() || store.defaultCurrency).toUpperCase();
	if (input.amount === undefined || input.amount === null) {
		throw new ValidationError([
			{ path: 'amount', message: 'Give an amount: invoices without one (top-up invoices) are not supported yet.' }
		]);
	}

	let quote;
	try {
		quote = await quoteInvoiceAmount(
			{ amount: input.amount, currency },
			rateProviderFor(settings.rateSource, { fetch: ctx.fetch, now: () => ctx.now })
		);
	} catch (error) {
		if (error instanceof MoneyError) {
			const path = error.code === 'unknown_currency' ? 'currency' : 'amount';
			throw new ValidationError([{ path, message: error.message }]);
		}
		if (error instanceof RateUnavailableError) throw new ApiError('rate-unavailable', error.message);
		throw error;
	}
	if (quote.amountMsat < 1000n) {
		throw new ValidationError([{ path: 'amount', message: 'The amount must be at least 1 sat.' }]);
	}
	if (quote.amountMsat > MAX_INVOICE_MSAT) {
		throw new ValidationError([
			{ path: 'amount', message: 'That is more than 10 BTC: too much for one Lightning payment at a till.' }
		]);
	}

	let tipMinor = 0n;
	if (input.tip) {
		try {
			tipMinor = parseMoney(input.tip, quote.currency).minor;
		} catch (error) {
			if (error instanceof MoneyError) throw new ValidationError([{ path: 'tip', message: error.message }]);
			throw error;
		}
		if (tipMinor > quote.amountMinor) {
			throw new ValidationError([{ path: 'tip', message: 'The tip is part of the amount, so it cannot be larger than it.' }]);
		}
	}

	const checkout = input.checkout ?? {};
	const expirySeconds = Math.round((checkout.expirationMinutes ?? store.invoiceExpirationSeconds / 60) * 60);
	const monitoringSeconds = Math.round((checkout.monitoringMinutes ?? settings.monitoringExpiration / 60) * 60);
	const resolvedCheckout = {
		speedPolicy: checkout.speedPolicy ?? store.speedPolicy,
		paymentMethods: ['BTC-LN'],
		defaultPaymentMethod: 'BTC-LN',
		lazyPaymentMethods: false,
		expirationMinutes: expirySeconds / 60,
		monitoringMinutes: monitoringSeconds / 60,
		paymentTolerance: checkout.paymentTolerance ?? settings.paymentTolerance,
		redirectURL: checkout.redirectURL ?? null,
		redirectAutomatically: checkout.redirectAutomatically ?? false,
		defaultLanguage: checkout.defaultLanguage ?? null
	};
	const metadata = input.metadata ?? {};
	const orderId = typeof metadata.orderId === 'string' ? metadata.orderId : null;
	const itemDesc = typeof metadata.itemDesc === 'string' ? metadata.itemDesc : null;

	// Refuse before writing anything when there is no node to ask.
	const { node, testMode } = await connectedNode(ctx.env, store.id);
	const db = database(ctx.env.DB);
	const id = newInvoiceId();
	const expiresAt = ctx.now + expirySeconds * 1000;
	await insertInvoice(db, {
		id,
		storeId: store.id,
		status: 'New',
		additionalStatus: 'None',
		type: 'Standard',
		currency: quote.currency,
		amountMinor: toSafeNumber(quote.amountMinor),
		tipMinor: toSafeNumber(tipMinor),
		amountMsat: toSafeNumber(quote.amountMsat),
		paidMsat: 0,
		rate: quote.rate?.rate ?? null,
		rateSource: quote.rate?.source ?? null,
		rateTime: quote.rate?.fetchedAt ?? null,
		metadata: JSON.stringify(metadata),
		checkout: JSON.stringify(resolvedCheckout),
		orderId,
		searchText: [orderId, itemDesc, ...(input.additionalSearchTerms ?? [])].filter(Boolean).join(' ').toLowerCase(),
		nodeKind: node.kind,
		testMode,
		nodeState: 'creating',
		createdAt: ctx.now,
		expiresAt,
		monitoringExpiresAt: expiresAt + monitoringSeconds * 1000,
		createdBy: ctx.createdBy,
		cardTopupId: ctx.cardTopupId ?? null
	});

	await askNode(ctx, node, store, id);
	const row = (await findInvoice(db, id))!;
	if (row.nodeState !== 'created') {
		throw new ApiError('node-unavailable', `The Lightning node did not issue the invoice: ${row.nodeError ?? 'no answer'}`);
	}
	const hooks = await listWebhooks(db, store.id);
	const deliveries = deliveriesFor(hooks, row, 0, [{ type: 'InvoiceCreated' }], ctx.now).map((d) => ({
		...d,
		eventKey: `${row.id}/created/0`
	}));
	await insertDeliveries(db, deliveries, row.id);
	return row;
}

function describe(store: StoreRow, orderId: string | null): string {
	const text = orderId ? `Paid to ${store.name} (Order ID: ${orderId})` : `Paid to ${store.name}`;
	return text.length > MAX_DESCRIPTION ? text.slice(0, MAX_DESCRIPTION) : text;
}

/**
 * Asks the node for the Lightning invoice (label = our invoice id) and records the answer.
 * A definite refusal fails the invoice; no answer leaves it 'creating' for the cron to retry.
 * Exported for the reconciliation in the cron sweep.
 */
export async function askNode(ctx: Pick<CreateContext, 'env' | 'now'>, node: NodeAdapter, store: StoreRow, invoiceId: string): Promise<void> {
	const db = database(ctx.env.DB);
	const row = await findInvoice(db, invoiceId);
	if (!row || row.nodeState !== 'creating') return;
	const orderId = row.orderId;
	const expirySeconds = Math.max(1, Math.round((row.expiresAt - row.createdAt) / 1000));
	let issued;
	try {
		issued = await node.createInvoice({
			label: row.id,
			amountMsat: BigInt(row.amountMsat),
			description: describe(store, orderId),
			expirySeconds
		});
	} catch (error) {
		if (error instanceof NodeError && error.code !== 'node-unavailable') {
			await recordNodeInvoice(db, row.id, { error: error.message, now: ctx.now });
			return;
		}
		console.error(JSON.stringify({ invoiceId: row.id, node: node.kind, error: String(error) }));
		// Outcome unknown: keep the row for the cron, and the node's own words for the merchant.
		await noteNodeError(db, row.id, error instanceof Error ? error.message : String(error));
		return;
	}
	// Never hand out what we did not ask for: decode the node's invoice and compare (BOLT 11).
	const problem = mismatch(issued.bolt11, { amountMsat: BigInt(row.amountMsat), paymentHash: issued.paymentHash });
	if (problem) {
		await recordNodeInvoice(db, row.id, { error: problem, now: ctx.now });
		return;
	}
	await recordNodeInvoice(db, row.id, { bolt11: issued.bolt11, paymentHash: issued.paymentHash });
}

function mismatch(bolt11: string, expected: { amountMsat: bigint; paymentHash: string }): string | null {
	try {
		const decoded = decodeInvoice(bolt11);
		if (decoded.amountMsat !== expected.amountMsat) {
			return `the node's invoice is for ${decoded.amountMsat ?? 'no'} msat instead of ${expected.amountMsat}`;
		}
		if (decoded.paymentHash !== expected.paymentHash) return "the node's invoice has another payment hash";
		return null;
	} catch (error) {
		return `the node's invoice does not decode (${error instanceof Error ? error.message : String(error)})`;
	}
}
