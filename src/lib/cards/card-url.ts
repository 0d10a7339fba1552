// What a card reading gives: the `p` and `c` of a Bolt Card URL (lnurlw://host/path?p=…&c=…, or
// https://), for the cardholder's balance. The till sends the whole URL to the server instead.

export type CardTap = { p: string; c: string };

export function tapFromUrl(text: string): CardTap | null {
	const trimmed = text.trim();
	if (!trimmed) return null;
	let url: URL;
	try {
		url = new URL(trimmed.replace(/^lnurlw:\/\//i, 'https://'));
	} catch {
		return null;
	}
	const p = url.searchParams.get('p');
	const c = url.searchParams.get('c');
	if (!p || !c || !/^[0-9a-f]+$/i.test(p) || !/^[0-9a-f]+$/i.test(c)) return null;
	return { p, c };
}

/** The holder token of the card's printed link: `/card#t=<token>`. */
export function tokenFromHash(hash: string): string | null {
	const params = new URLSearchParams(hash.replace(/^#/, ''));
	const token = params.get('t');
	return token && token.length >= 16 ? token : null;
}
