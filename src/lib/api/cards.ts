// Flash Cards calls: the merchant's (cookie session) issue, list, change, top up and read
// history; the till's (terminal or key headers) pay an invoice with a tapped card and take cash
// top-ups; the cardholder's (public) balance by tap or by the card's own link. Shapes come from
// worker/contract/cards.ts. Kept apart from `../api.ts` so the till's first load does not carry it.
import type {
	CardBatch,
	CardData,
	CardFloat,
	CardholderView,
	CardMovement,
	CardStatus,
	CardWithLinks,
	CreateCard,
	CreateCardBatch,
	PayWithCard,
	PayWithCardResult,
	ResetLink,
	TapTopup,
	Topup,
	TopupResult,
	UpdateCard,
	WipeJson
} from '../../../worker/contract/cards';
import { ApiFailure, authHeaders, failureFrom, reach, type TillAuth } from '../api.ts';

export type {
	CardBatch,
	CardData,
	CardFloat,
	CardholderView,
	CardMovement,
	CardStatus,
	CardWithLinks,
	PayWithCardResult,
	ResetLink,
	TopupResult,
	WipeJson
};
export type UpdateCardInput = UpdateCard;

type Method = 'GET' | 'POST' | 'PATCH';

/** One JSON call; mutating ones carry a fresh Idempotency-Key, as every write of the app does. */
async function call<T>(
	path: string,
	method: Method,
	expected: number,
	body?: unknown,
	headers: Record<string, string> = {}
): Promise<T> {
	const sent: Record<string, string> = { ...headers };
	if (body !== undefined) sent['content-type'] = 'application/json';
	if (method !== 'GET') sent['idempotency-key'] = crypto.randomUUID();
	const res = await reach(() =>
		fetch(path, { method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' })
	);
	if (res.status === expected) return (await res.json()) as T;
	throw await failureFrom(res);
}

const store = (storeId: string) => `/api/v1/stores/${encodeURIComponent(storeId)}`;
const card = (storeId: string, cardId: string) => `${store(storeId)}/cards/${encodeURIComponent(cardId)}`;

// ---- merchant ----

export function issueCard(storeId: string, input: CreateCard): Promise<CardWithLinks> {
	return call(`${store(storeId)}/cards`, 'POST', 201, input);
}

export function issueCardBatch(storeId: string, input: CreateCardBatch): Promise<CardBatch> {
	return call(`${store(storeId)}/cards/batch`, 'POST', 201, input);
}

export type CardQuery = { search?: string; status?: CardStatus; skip?: number; take?: number };

export function listCards(storeId: string, query: CardQuery = {}): Promise<CardData[]> {
	const params = new URLSearchParams();
	if (query.search) params.set('search', query.search);
	if (query.status) params.set('status', query.status);
	if (query.skip !== undefined) params.set('skip', String(query.skip));
	if (query.take !== undefined) params.set('take', String(query.take));
	const qs = params.toString();
	return call(`${store(storeId)}/cards${qs ? `?${qs}` : ''}`, 'GET', 200);
}

export function getCardFloat(storeId: string): Promise<CardFloat> {
	return call(`${store(storeId)}/cards/float`, 'GET', 200);
}

export function getCard(storeId: string, cardId: string): Promise<CardData> {
	return call(card(storeId, cardId), 'GET', 200);
}

export function updateCard(storeId: string, cardId: string, changes: UpdateCard): Promise<CardData> {
	return call(card(storeId, cardId), 'PATCH', 200, changes);
}

export function newProgramLink(storeId: string, cardId: string): Promise<CardWithLinks> {
	return call(`${card(storeId, cardId)}/program-link`, 'POST', 201);
}

export function newResetLink(storeId: string, cardId: string): Promise<ResetLink> {
	return call(`${card(storeId, cardId)}/reset-link`, 'POST', 201);
}

export function getWipeJson(storeId: string, cardId: string): Promise<WipeJson> {
	return call(`${card(storeId, cardId)}/wipe`, 'GET', 200);
}

export function replaceCard(storeId: string, cardId: string): Promise<CardWithLinks> {
	return call(`${card(storeId, cardId)}/replace`, 'POST', 201);
}

export function topUpCard(storeId: string, cardId: string, input: Topup): Promise<TopupResult> {
	return call(`${card(storeId, cardId)}/topups`, 'POST', 201, input);
}

export function listMovements(storeId: string, cardId: string): Promise<CardMovement[]> {
	return call(`${card(storeId, cardId)}/movements`, 'GET', 200);
}

// ---- the till ----

/** Pays an invoice with the URL read from a card, or answers a PIN request ({tapId, pin}). */
export function payWithCard(auth: TillAuth, storeId: string, invoiceId: string, input: PayWithCard): Promise<PayWithCardResult> {
	return call(`${store(storeId)}/invoices/${encodeURIComponent(invoiceId)}/card`, 'POST', 200, input, authHeaders(auth));
}

/** Cash handed over at this till, credited to the card just tapped. */
export function tapTopUp(auth: TillAuth, storeId: string, input: TapTopup): Promise<TopupResult> {
	return call(`${store(storeId)}/cards/tap-topup`, 'POST', 201, input, authHeaders(auth));
}

// ---- the cardholder (public) ----

/** The LNURL-style refusal `{status: "ERROR", reason, code?}` of the /boltcard routes as an ApiFailure. */
async function holderCall(path: string, method: Method, body?: unknown): Promise<CardholderView> {
	const res = await reach(() =>
		fetch(path, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body)
		})
	);
	if (res.status === 200) return (await res.json()) as CardholderView;
	const copy = res.clone();
	try {
		const answer: unknown = await res.json();
		if (answer && typeof answer === 'object' && 'reason' in answer && typeof answer.reason === 'string') {
			const code = 'code' in answer && typeof answer.code === 'string' ? answer.code : 'card-refused';
			throw new ApiFailure(res.status, code, answer.reason);
		}
	} catch (error) {
		if (error instanceof ApiFailure) throw error;
		// Not JSON: read it as the API's own.
	}
	throw await failureFrom(copy);
}

/** Balance after a tap: `p` and `c` from the URL the card just gave (the tap is spent). */
export function holderBalance(p: string, c: string): Promise<CardholderView> {
	return holderCall(`/boltcard/balance?${new URLSearchParams({ p, c }).toString()}`, 'GET');
}

/** Balance with the card's own printed link (`/card#t=<token>`). */
export function holderByToken(token: string): Promise<CardholderView> {
	return holderCall('/boltcard/holder', 'POST', { token });
}

/** The cardholder freezes or unfreezes their card with the session the last view gave. */
export function holderFreeze(session: string, frozen: boolean): Promise<CardholderView> {
	return holderCall('/boltcard/holder/freeze', 'POST', { session, frozen });
}
