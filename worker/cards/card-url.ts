// Reading what a till got from a card: the NDEF URL `lnurlw://host/path?p=…&c=…` (LUD-17; also
// the `lnurlw:` form without slashes), its `https://` form, or a bech32 `lightning:LNURL1…`
// (LUD-01) that some cards and stickers carry.
import { bech32 } from '@scure/base';

export type CardUrl = { url: URL; p: string | null; c: string | null };

export class CardUrlError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'CardUrlError';
	}
}

function fromBech32(text: string): string {
	try {
		const decoded = bech32.decode(text.toLowerCase() as `${string}1${string}`, 2000);
		if (decoded.prefix !== 'lnurl') throw new CardUrlError('This LNURL has the wrong prefix.');
		return new TextDecoder().decode(bech32.fromWords(decoded.words));
	} catch (error) {
		if (error instanceof CardUrlError) throw error;
		throw new CardUrlError('This is not a readable LNURL.');
	}
}

export function parseCardUrl(raw: string): CardUrl {
	let text = raw.trim();
	if (/^lightning:/i.test(text)) text = text.slice('lightning:'.length);
	if (/^lnurl1/i.test(text)) text = fromBech32(text);
	const scheme = /^(lnurlw|https?):(\/\/)?/i.exec(text);
	if (!scheme) throw new CardUrlError('A card reads as lnurlw://… — this is something else.');
	const rest = text.slice(scheme[0].length);
	const lower = scheme[1]!.toLowerCase();
	// LUD-17: lnurlw is https, except for onion hosts (http).
	const onion = /^[^/?#]+\.onion(?=[:/?#]|$)/i.test(rest);
	const protocol = lower === 'lnurlw' ? (onion ? 'http' : 'https') : lower;
	let url: URL;
	try {
		url = new URL(`${protocol}://${rest}`);
	} catch {
		throw new CardUrlError('The card URL is not a valid address.');
	}
	return { url, p: url.searchParams.get('p'), c: url.searchParams.get('c') };
}
