// Flash Cards API bodies and responses, shared with the PWA:
//   /api/v1/stores/{storeId}/cards …            (merchant: issue, list, change, top up, history)
//   /api/v1/stores/{storeId}/invoices/{id}/card  (POS: pay an invoice with a tapped card)
//   /boltcard …                                  (public: LUD-03 taps, programming, balance)
import { z } from 'zod';

const decimalString = z
	.string({ error: 'Amounts are decimal strings, such as "2000.00".' })
	.trim()
	.regex(/^\d{1,12}(\.\d{1,3})?$/, { error: 'Amounts are decimal strings of digits, such as "2000.00" (no sign, no exponent).' });

/** Bolt Card PINs are four digits (lnurl/luds PR #200 / #290). */
const pinSchema = z.string().regex(/^\d{4}$/, { error: 'A card PIN is four digits.' });

export const CARD_STATUSES = ['pending', 'active', 'frozen', 'retired'] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];

const cardSettings = {
	label: z.string().trim().max(80).nullish(),
	/** Largest single payment, in the card's currency; null removes the limit. */
	perTapLimit: decimalString.nullish(),
	/** Most the card may spend in any 24 hours; null removes the limit. */
	dailyLimit: decimalString.nullish(),
	/** Asked at and above `pinLimit`; null removes the PIN. */
	pin: pinSchema.nullish(),
	pinLimit: decimalString.nullish()
};

export const createCardSchema = z.object({
	...cardSettings,
	/** 'SATS' or a fiat currency code; defaults to the store's card currency. */
	currency: z.string().trim().toUpperCase().max(10).optional()
});
export type CreateCard = z.infer<typeof createCardSchema>;

export const createCardBatchSchema = z.object({
	count: z.number().int().min(1, { error: 'Issue at least one card.' }).max(200, { error: 'Issue at most 200 cards at a time.' }),
	/** Labels are the prefix and a number: "Market 001", "Market 002", … */
	labelPrefix: z.string().trim().max(60).optional(),
	perTapLimit: cardSettings.perTapLimit,
	dailyLimit: cardSettings.dailyLimit,
	currency: z.string().trim().toUpperCase().max(10).optional()
});
export type CreateCardBatch = z.infer<typeof createCardBatchSchema>;

export const updateCardSchema = z.object({
	...cardSettings,
	status: z.enum(['active', 'frozen', 'retired']).optional(),
	/** Lifts the block after three wrong PINs. */
	unblockPin: z.literal(true).optional()
});
export type UpdateCard = z.infer<typeof updateCardSchema>;

export const topupSchema = z.object({
	amount: decimalString,
	/** The currency of `amount`; converted at the current rate when it is not the card's. */
	currency: z.string().trim().toUpperCase().max(10),
	method: z.enum(['cash', 'lightning'])
});
export type Topup = z.infer<typeof topupSchema>;

/** A cash top-up at the till: the cashier taps the card, so the tap says which card. */
export const tapTopupSchema = z.object({
	card: z.string().trim().min(8).max(2000),
	amount: decimalString,
	currency: z.string().trim().toUpperCase().max(10)
});
export type TapTopup = z.infer<typeof tapTopupSchema>;

export const listCardsQuerySchema = z.object({
	/** Matches the label or the card id. */
	search: z.string().trim().max(80).optional(),
	status: z.enum(CARD_STATUSES).optional(),
	skip: z.coerce.number().int().min(0).optional(),
	take: z.coerce.number().int().min(1).max(500).optional()
});

export type CardData = {
	id: string;
	storeId: string;
	label: string | null;
	status: CardStatus;
	/** 'SATS' or a fiat code. */
	currency: string;
	/** Decimal string in `currency`. */
	balance: string;
	perTapLimit: string | null;
	dailyLimit: string | null;
	/** Spent in the last 24 hours, for the daily limit. */
	spentToday: string;
	pinEnabled: boolean;
	pinLimit: string | null;
	pinBlocked: boolean;
	frozenBy: 'merchant' | 'cardholder' | null;
	programmed: boolean;
	keyVersion: number;
	replacedBy: string | null;
	batchId: string | null;
	createdAt: number;
	activatedAt: number | null;
	lastUsedAt: number | null;
};

/** Returned when a card is issued and when a new programming link is made. */
export type CardWithLinks = CardData & {
	/** HTTPS, single use: GET answers the Programmer app's QR flow, POST {UID} the deeplink flow. */
	programUrl: string;
	/** `boltcard://program?url=…` */
	programLink: string;
	programExpiresAt: number;
	/** The cardholder's page with the card's own secret (print it as a QR on the card). */
	holderUrl: string;
};

export type CardBatch = { batchId: string; cards: CardWithLinks[] };

export type CardMovement = {
	id: string;
	/** topup-cash | topup-lightning | payment | payment-reserved | payment-released | replaced-in | replaced-out | refund */
	kind: string;
	/** Signed decimal in the card's currency: positive credits the card. */
	amount: string;
	currency: string;
	fiat: { amount: string; currency: string; rate: string | null } | null;
	reference: string | null;
	createdAt: number;
};

export type CardFloat = {
	/** Per currency: how many cards, and the total the issuer owes their holders. */
	totals: Array<{ currency: string; cards: number; balance: string }>;
	byStatus: Record<CardStatus, number>;
};

export type TopupResult =
	| { method: 'cash'; card: CardData; movement: CardMovement }
	| { method: 'lightning'; card: CardData; invoice: unknown };

export type ResetLink = { resetUrl: string; resetLink: string; expiresAt: number };

/** The Programmer app's manual "Reset keys" screen (JSON shown as a QR). */
export type WipeJson = { version: 1; action: 'wipe'; k0: string; k1: string; k2: string; k3: string; k4: string };

// ---------------------------------------------------------------------------------------------
// POS: pay an invoice with a card read at the till (Web NFC or a keyboard reader)

export const payWithCardSchema = z.object({
	/** The card URL as read: lnurlw://host/path?p=…&c=… (or https://, or lightning:LNURL1…). */
	card: z.string().trim().min(8).max(2000).optional(),
	/** Answering a PIN request: the tap it belongs to. */
	tapId: z.string().trim().max(100).optional(),
	pin: pinSchema.optional()
});
export type PayWithCard = z.infer<typeof payWithCardSchema>;

export type PayWithCardResult =
	| { status: 'paid'; invoiceId: string; internal: boolean }
	| { status: 'pending'; invoiceId: string }
	| { status: 'pin-required'; tapId: string; triesLeft: number | null };

// ---------------------------------------------------------------------------------------------
// Cardholder (public, no account): balance by tap or by the card's own link

export const holderTokenSchema = z.object({ token: z.string().trim().min(16).max(200) });

export type CardholderView = {
	cardId: string;
	label: string | null;
	status: CardStatus;
	currency: string;
	balance: string;
	perTapLimit: string | null;
	dailyLimit: string | null;
	spentToday: string;
	pinEnabled: boolean;
	issuer: string;
	movements: CardMovement[];
	/** Lets this page freeze or unfreeze the card for a few minutes (after a tap or with the link). */
	holderSession: string;
};

export const holderFreezeSchema = z.object({ session: z.string().trim().min(16).max(300), frozen: z.boolean() });
