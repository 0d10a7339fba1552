// A Bolt Card as the chip behaves (NTAG 424 DNA SUN, AN12196): each read mirrors the UID and a
// counter that grows by one, encrypted under K1 (`p`), with the SUN MAC under K2 (`c`), in the
// upper-case hex a card writes. Programmed through the worker's own programming endpoints.
import { hexToBytes } from '@noble/hashes/utils.js';
import { computeSunMac, encryptPiccData } from '../../worker/cards/crypto';
import { callOrigin, ORIGIN } from './helpers';

export class EmulatedCard {
	counter = 0;
	constructor(
		readonly uid: string,
		readonly k1: string,
		readonly k2: string,
		readonly base = `lnurlw://flashpoint.test/boltcard`
	) {}

	/** One read: the `p` and `c` of the next counter value. */
	read(counter = ++this.counter): { p: string; c: string } {
		return { p: encryptPiccData(this.uid, counter, hexToBytes(this.k1)), c: computeSunMac(this.uid, counter, hexToBytes(this.k2)) };
	}

	/** The NDEF URL text a reader or Web NFC gets. */
	url(read = this.read()): string {
		return `${this.base}?p=${read.p}&c=${read.c}`;
	}

	/** The https form a POS calls (LUD-17). */
	static https(read: { p: string; c: string }): string {
		return `${ORIGIN}/boltcard?p=${read.p}&c=${read.c}`;
	}
}

export const randomUid = (): string =>
	[...crypto.getRandomValues(new Uint8Array(7))].map((b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();

/** Programs a blank chip through the deeplink flow (POST {UID} to the program URL). */
export async function programByDeeplink(programUrl: string, uid = randomUid()): Promise<EmulatedCard> {
	const res = await callOrigin(programUrl, { method: 'POST', json: { UID: uid } });
	if (res.status !== 200) throw new Error(`program: ${res.status} ${await res.text()}`);
	const keys = (await res.json()) as { LNURLW: string; K1: string; K2: string };
	return new EmulatedCard(uid, keys.K1, keys.K2, keys.LNURLW);
}
