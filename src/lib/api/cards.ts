// Flash Cards calls: the merchant's (cookie session) issue, list, change, top up and read
// history; the till's (terminal or key headers) pay an invoice with a tapped card and take cash
// top-ups, both through the typed client; the cardholder's (public) balance by tap or by the
// card's own link, on /boltcard outside the typed API, so with fetch. Shapes come from
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
import { api, ApiFailure, authHeaders, failureFrom, reach, type TillAuth } from '../api.ts';

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

type Method = 'GET' | 'POST';

const card = (storeId: string, cardId: string) => ({ param: { storeId, cardId } });

async function answer<T>(res: Response, expected: number): Promise<T> {
	if (res.status === expected) return (await res.json()) as T;
	throw await failureFrom(res);
}

// ---- merchant ----

export async function issueCard(storeId: string, input: CreateCard): Promise<CardWithLinks> {
	const res = await reach(() => api.stores[':storeId'].cards.$post({ param: { storeId }, json: input }));
	if (res.status === 201) return await res.json();
	throw await failureFrom(res);
}

export async function issueCardBatch(storeId: string, input: CreateCardBatch): Promise<CardBatch> {
	const res = await reach(() => api.stores[':storeId'].cards.batch.$post({ param: { storeId }, json: input }));
	if (res.status === 201) return await res.json();
	throw await failureFrom(res);
}

export type CardQuery = { search?: string; status?: CardStatus; skip?: number; take?: number };

export async function listCards(storeId: string, query: CardQuery = {}): Promise<CardData[]> {
	const res = await reach(() =>
		api.stores[':storeId'].cards.$get({
			param: { storeId },
			query: {
				search: query.search,
				status: query.status,
				skip: query.skip === undefined ? undefined : String(query.skip),
				take: query.take === undefined ? undefined : String(query.take)
			}
		})
	);
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function getCardFloat(storeId: string): Promise<CardFloat> {
	const res = await reach(() => api.stores[':storeId'].cards.float.$get({ param: { storeId } }));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function getCard(storeId: string, cardId: string): Promise<CardData> {
	const res = await reach(() => api.stores[':storeId'].cards[':cardId'].$get(card(storeId, cardId)));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function updateCard(storeId: string, cardId: string, changes: UpdateCard): Promise<CardData> {
	const res = await reach(() => api.stores[':storeId'].cards[':cardId'].$patch({ ...card(storeId, cardId), json: changes }));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

export async function newProgramLink(storeId: string, cardId: string): Promise<CardWithLinks> {
	const res = await reach(() => api.stores[':storeId'].cards[':cardId']['program-link'].$post(card(storeId, cardId)));
	if (res.status === 201) return await res.json();
	throw await failureFrom(res);
}

export async function newResetLink(storeId: string, cardId: string): Promise<ResetLink> {
	const res = await reach(() => api.stores[':storeId'].cards[':cardId']['reset-link'].$post(card(storeId, cardId)));
	if (res.status === 201) return await res.json();
	throw await failureFrom(res);
}

export async function getWipeJson(storeId: string, cardId: string): Promise<WipeJson> {
	const res = await reach(() => api.stores[':storeId'].cards[':cardId'].wipe.$get(card(storeId, cardId)));
	return answer<WipeJson>(res, 200);
}

export async function replaceCard(storeId: string, cardId: string): Promise<CardWithLinks> {
	const res = await reach(() => api.stores[':storeId'].cards[':cardId'].replace.$post(card(storeId, cardId)));
	if (res.status === 201) return await res.json();
	throw await failureFrom(res);
}

export async function topUpCard(storeId: string, cardId: string, input: Topup): Promise<TopupResult> {
	const res = await reach(() => api.stores[':storeId'].cards[':cardId'].topups.$post({ ...card(storeId, cardId), json: input }));
	return answer<TopupResult>(res, 201);
}

export async function listMovements(storeId: string, cardId: string): Promise<CardMovement[]> {
	const res = await reach(() => api.stores[':storeId'].cards[':cardId'].movements.$get(card(storeId, cardId)));
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

// ---- the till ----

/** Pays an invoice with the URL read from a card, or answers a PIN request ({tapId, pin}). */
export async function payWithCard(auth: TillAuth, storeId: string, invoiceId: string, input: PayWithCard): Promise<PayWithCardResult> {
	const res = await reach(() =>
		api.stores[':storeId'].invoices[':invoiceId'].card.$post({ param: { storeId, invoiceId }, json: input }, { headers: authHeaders(auth) })
	);
	if (res.status === 200) return await res.json();
	throw await failureFrom(res);
}

/** Cash handed over at this till, credited to the card just tapped. */
export async function tapTopUp(auth: TillAuth, storeId: string, input: TapTopup): Promise<TopupResult> {
	const res = await reach(() => api.stores[':storeId'].cards['tap-topup'].$post({ param: { storeId }, json: input }, { headers: authHeaders(auth) }));
	return answer<TopupResult>(res, 201);
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
