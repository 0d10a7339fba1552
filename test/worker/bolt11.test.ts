// BOLT 11 inside workerd: bolt11 loads with its `secp256k1` and `create-hash` dependencies aliased
// onto the @noble shims (see vitest.config.ts), decodes a specification example, and signs regtest
// invoices whose signature verifies: the payee recovered from it is the simulated node's key.
import { describe, expect, it } from 'vitest';
import {
	decodeInvoice,
	encodeInvoice,
	type EncodeInvoiceInput,
	InvoiceDecodeError,
	newNodePrivateKey,
	nodeKeyFromPrivateKey
} from '../../worker/lightning/bolt11';
import vectors from '../fixtures/bolt11-vectors.json';

const SPEC_KEY = Uint8Array.from(vectors.privateKey.match(/../g) ?? [], (byte) =>
	Number.parseInt(byte, 16)
);

const INPUT: EncodeInvoiceInput = {
	network: 'regtest',
	amountMsat: 21_000_123n,
	paymentHash: 'a1'.repeat(32),
	paymentSecret: 'b2'.repeat(32),
	description: 'Flat white',
	expirySeconds: 900,
	timestamp: 1_760_000_000,
	privateKey: SPEC_KEY
};

/** What Node writes for INPUT through the real secp256k1 and create-hash (test/unit/bolt11). */
const GOLDEN_INVOICE = [
	'lnbcrt210001230p1p5ww7qqpp55xs6rgdp5xs6rgdp5xs6rgdp5xs6rgdp5xs6rgdp5xs6rgdp5xsss',
	'p5k2et9v4jk2et9v4jk2et9v4jk2et9v4jk2et9v4jk2et9v4jk2eqdqsgekxzapqwa5xjar9xqzuycq',
	'pj9qrsgqyz584msll65hxehgkf82l99lnszn0jgq2zrewnmdwt9mftg0vs8r46plzptspq4w520j2q3v',
	'qfl5xhtpkmn42egxzxlcnuueja4lm3cq7tp3mm'
].join('');

function vector(name: string): (typeof vectors.valid)[number] {
	const found = vectors.valid.find((v) => v.name === name);
	if (!found) throw new Error(`no vector ${name}`);
	return found;
}

describe('bolt11 in workerd', () => {
	it('decodes a BOLT 11 example and recovers the payee from its signature', () => {
		const v = vector('coffee');
		expect(decodeInvoice(v.paymentRequest)).toEqual({
			paymentRequest: v.paymentRequest,
			network: 'bitcoin',
			amountMsat: 250_000_000n,
			paymentHash: v.paymentHash,
			paymentSecret: v.paymentSecret,
			description: '1 cup coffee',
			descriptionHash: null,
			payeeNodeKey: vectors.payeeNodeKey,
			timestamp: v.timestamp,
			expiresAt: v.timestamp + 60,
			minFinalCltvExpiry: 18
		});
	});

	it('refuses the unrecoverable-signature example', () => {
		const v = vectors.invalid.find((i) => i.name === 'unrecoverable');
		expect(() => decodeInvoice(v?.paymentRequest ?? '')).toThrow(InvoiceDecodeError);
	});

	it('signs a regtest invoice whose signature recovers the simulated node key', () => {
		const privateKey = newNodePrivateKey();
		const paymentRequest = encodeInvoice({ ...INPUT, privateKey });
		expect(paymentRequest.startsWith('lnbcrt210001230p1')).toBe(true);
		expect(decodeInvoice(paymentRequest)).toEqual({
			paymentRequest,
			network: 'regtest',
			amountMsat: 21_000_123n,
			paymentHash: INPUT.paymentHash,
			paymentSecret: INPUT.paymentSecret,
			description: 'Flat white',
			descriptionHash: null,
			payeeNodeKey: nodeKeyFromPrivateKey(privateKey),
			timestamp: 1_760_000_000,
			expiresAt: 1_760_000_900,
			minFinalCltvExpiry: 18
		});
	});

	it('writes byte for byte what Node writes without the shims', () => {
		// RFC 6979 makes the signature deterministic: same key, same invoice.
		expect(nodeKeyFromPrivateKey(SPEC_KEY)).toBe(vectors.payeeNodeKey);
		expect(encodeInvoice(INPUT)).toBe(GOLDEN_INVOICE);
		expect(decodeInvoice(GOLDEN_INVOICE).payeeNodeKey).toBe(vectors.payeeNodeKey);
	});
});
