// The till's sale in progress: the keypad amount, the cart, the tip and the memo, with the
// totals derived in minor units (src/lib/pos/till-math.ts does the arithmetic). It also owns the
// sale attempt's Idempotency-Key: one key per attempt, reused on every retry and double click
// while the sale is unchanged, so one sale never makes two invoices.
import { invoiceRequest, type Sale } from '../pos/sale';
import {
	addToCart,
	cartCount,
	cartSubtotal,
	popDigit,
	pushDigits,
	setQuantity,
	tipFor,
	tipPercentOf,
	toMinor,
	type CartLine,
	type TipChoice
} from '../pos/till-math';
import type { CreateInvoice } from '../../../worker/contract/invoices';

export type TillMode = 'keypad' | 'items';

type Attempt = { key: string; fingerprint: string; body: CreateInvoice };

export class Till {
	currency = $state('USD');
	mode = $state<TillMode>('keypad');
	keypadMinor = $state(0n);
	memo = $state('');
	lines = $state.raw<CartLine[]>([]);
	tip = $state.raw<TipChoice>({ kind: 'none' });

	readonly subtotal = $derived(this.mode === 'keypad' ? this.keypadMinor : cartSubtotal(this.lines));
	readonly itemCount = $derived(cartCount(this.lines));
	readonly tipResult = $derived(tipFor(this.subtotal, this.tip, this.currency));
	readonly tipMinor = $derived(this.tipResult.ok ? this.tipResult.minor : 0n);
	readonly total = $derived(this.subtotal + this.tipMinor);
	readonly canCharge = $derived(this.subtotal > 0n && this.tipResult.ok);

	#attempt: Attempt | null = null;

	constructor(currency: string) {
		this.currency = currency;
	}

	press(digits: string): void {
		this.keypadMinor = pushDigits(this.keypadMinor, digits);
	}

	backspace(): void {
		this.keypadMinor = popDigit(this.keypadMinor);
	}

	clearKeypad(): void {
		this.keypadMinor = 0n;
	}

	add(product: { id: string; title: string; price: string }): void {
		this.lines = addToCart(this.lines, {
			productId: product.id,
			title: product.title,
			unitMinor: toMinor(product.price, this.currency)
		});
	}

	setQuantity(productId: string, quantity: number): void {
		this.lines = setQuantity(this.lines, productId, quantity);
	}

	remove(productId: string): void {
		this.lines = setQuantity(this.lines, productId, 0);
	}

	clearCart(): void {
		this.lines = [];
	}

	sale(): Sale {
		const tipPercent = this.tip.kind === 'percent' ? this.tip.percent : tipPercentOf(this.subtotal, this.tipMinor);
		return {
			currency: this.currency,
			lines: this.mode === 'items' ? this.lines : [],
			memo: this.memo,
			subtotalMinor: this.subtotal,
			tipMinor: this.tipMinor,
			tipPercent: this.tip.kind === 'none' ? null : tipPercent
		};
	}

	/**
	 * The request for charging now and its Idempotency-Key: the same key as the last attempt when
	 * that one did not finish and the sale is unchanged (a retry), a new key otherwise.
	 */
	attempt(): { key: string; body: CreateInvoice } {
		const body = invoiceRequest(this.sale());
		const fingerprint = JSON.stringify(body);
		if (!this.#attempt || this.#attempt.fingerprint !== fingerprint) {
			this.#attempt = { key: crypto.randomUUID(), fingerprint, body };
		}
		return { key: this.#attempt.key, body: this.#attempt.body };
	}

	/** The invoice exists: the next Charge is a new attempt (a cancelled or expired QR is not replayed). */
	attemptSucceeded(): void {
		this.#attempt = null;
	}

	/** Starts over after a sale: empty keypad, cart, memo and tip; the mode stays. */
	newSale(): void {
		this.keypadMinor = 0n;
		this.lines = [];
		this.memo = '';
		this.tip = { kind: 'none' };
		this.#attempt = null;
	}
}
