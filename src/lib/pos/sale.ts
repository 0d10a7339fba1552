// A sale as the till rings it up, turned into the Greenfield invoice request (amount, the tip
// extension and BTCPay-style posData/receiptData metadata), and the receipt read back from an
// invoice's receiptData. Pure: amounts stay minor units until they become decimal strings here.
import type { CreateInvoice } from '../../../worker/contract/invoices';
import { parseMoney } from '../../../worker/domain/money';
import { lineTotal, toDecimal, type CartLine } from './till-math';

export type Sale = {
	readonly currency: string;
	/** Empty for a keypad sale. */
	readonly lines: readonly CartLine[];
	readonly memo: string;
	readonly subtotalMinor: bigint;
	readonly tipMinor: bigint;
	/** The preset percentage chosen, or null for none or a custom amount. */
	readonly tipPercent: number | null;
};

export const MAX_MEMO = 200;

/** "2 × Ginger beer, 1 × Beef patty", kept short enough for the invoice description. */
export function cartSummary(lines: readonly CartLine[]): string {
	const text = lines.map((l) => `${l.quantity} × ${l.title}`).join(', ');
	return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/** The body of POST /stores/{storeId}/invoices for a sale. Deterministic: a retry sends the same. */
export function invoiceRequest(sale: Sale): CreateInvoice {
	const money = (minor: bigint) => toDecimal(minor, sale.currency);
	const total = sale.subtotalMinor + sale.tipMinor;
	const memo = sale.memo.trim().slice(0, MAX_MEMO);
	const itemDesc = memo || cartSummary(sale.lines) || null;
	const items = sale.lines.map((l) => ({
		title: l.title,
		quantity: l.quantity,
		price: money(l.unitMinor),
		total: money(lineTotal(l))
	}));
	return {
		amount: money(total),
		currency: sale.currency,
		...(sale.tipMinor > 0n ? { tip: money(sale.tipMinor) } : {}),
		metadata: {
			...(itemDesc ? { itemDesc } : {}),
			posData: {
				cart: sale.lines.map((l) => ({ id: l.productId, title: l.title, price: money(l.unitMinor), count: l.quantity })),
				subTotal: money(sale.subtotalMinor),
				tip: money(sale.tipMinor),
				tipPercent: sale.tipPercent,
				total: money(total)
			},
			receiptData: {
				...(items.length > 0 ? { items } : {}),
				...(memo ? { memo } : {}),
				subtotal: money(sale.subtotalMinor),
				tip: money(sale.tipMinor),
				total: money(total)
			}
		}
	};
}

export type ReceiptItem = { title: string; quantity: number; price: string; total: string };

/** What a receipt shows beyond the invoice itself; every amount a decimal string of the currency. */
export type ReceiptContent = {
	items: ReceiptItem[];
	memo: string | null;
	subtotal: string | null;
	tip: string | null;
	/** Other free-form receiptData entries (BTCPay-style key and text), shown as they are. */
	extra: Array<[string, string]>;
};

const KNOWN = new Set(['items', 'memo', 'subtotal', 'tip', 'total']);

function amountIn(value: unknown, currency: string): string | null {
	if (typeof value !== 'string') return null;
	try {
		parseMoney(value, currency);
		return value;
	} catch {
		return null;
	}
}

/** Reads an invoice's receiptData defensively: it is free-form JSON anyone with a key can write. */
export function readReceipt(data: Record<string, unknown> | null, currency: string): ReceiptContent {
	const content: ReceiptContent = { items: [], memo: null, subtotal: null, tip: null, extra: [] };
	if (!data) return content;
	if (Array.isArray(data.items)) {
		for (const raw of data.items.slice(0, 200)) {
			if (!raw || typeof raw !== 'object') continue;
			const item = raw as Record<string, unknown>;
			const price = amountIn(item.price, currency);
			const total = amountIn(item.total, currency);
			if (typeof item.title !== 'string' || !Number.isInteger(item.quantity) || price === null || total === null) continue;
			content.items.push({ title: item.title, quantity: item.quantity as number, price, total });
		}
	}
	if (typeof data.memo === 'string' && data.memo.trim()) content.memo = data.memo.trim();
	content.subtotal = amountIn(data.subtotal, currency);
	content.tip = amountIn(data.tip, currency);
	for (const [key, value] of Object.entries(data)) {
		if (KNOWN.has(key)) continue;
		if (typeof value === 'string' || typeof value === 'number') content.extra.push([key, String(value)]);
	}
	return content;
}
