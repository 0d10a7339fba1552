// BOLT 11 in Node: the specification's examples decode to exactly what the spec says, regtest
// invoices round-trip with exact msat amounts, malformed or forged invoices are refused with
// `invalid-invoice`, and the @noble secp256k1 shim the worker uses matches the real `secp256k1`
// package (which Node loads here, with bolt11) call for call.
import { createRequire } from 'node:module';
import { bech32 } from '@scure/base';
import { describe, expect, it } from 'vitest';
import {
	decodeInvoice,
	type DecodedInvoice,
	encodeInvoice,
	type EncodeInvoiceInput,
	InvoiceDecodeError,
	newNodePrivateKey,
	nodeKeyFromPrivateKey
} from '../../worker/lightning/bolt11';
import * as shim from '../../worker/lightning/secp256k1-shim';
import type { Secp256k1Subset } from '../../worker/lightning/secp256k1-shim';
import vectors from '../fixtures/bolt11-vectors.json';

type ValidVector = (typeof vectors.valid)[number];

const hexToBytes = (hex: string): Uint8Array =>
	Uint8Array.from(hex.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
const bytesToHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const SPEC_KEY = hexToBytes(vectors.privateKey);
const HASH = 'a1'.repeat(32);
const SECRET = 'b2'.repeat(32);

/** The worker, through the @noble shims, must write this same string (test/worker/bolt11). */
const GOLDEN_INPUT: EncodeInvoiceInput = {
	network: 'regtest',
	amountMsat: 21_000_123n,
	paymentHash: HASH,
	paymentSecret: SECRET,
	description: 'Flat white',
	expirySeconds: 900,
	timestamp: 1_760_000_000,
	privateKey: SPEC_KEY
};
const GOLDEN_INVOICE = [
	'lnbcrt210001230p1p5ww7qqpp55xs6rgdp5xs6rgdp5xs6rgdp5xs6rgdp5xs6rgdp5xs6rgdp5xsss',
	'p5k2et9v4jk2et9v4jk2et9v4jk2et9v4jk2et9v4jk2et9v4jk2eqdqsgekxzapqwa5xjar9xqzuycq',
	'pj9qrsgqyz584msll65hxehgkf82l99lnszn0jgq2zrewnmdwt9mftg0vs8r46plzptspq4w520j2q3v',
	'qfl5xhtpkmn42egxzxlcnuueja4lm3cq7tp3mm'
].join('');

function expected(v: ValidVector): DecodedInvoice {
	return {
		paymentRequest: v.paymentRequest.toLowerCase(),
		network: v.network as DecodedInvoice['network'],
		amountMsat: v.amountMsat === null ? null : BigInt(v.amountMsat),
		paymentHash: v.paymentHash,
		paymentSecret: v.paymentSecret,
		description: v.description,
		descriptionHash: v.descriptionHash,
		payeeNodeKey: v.payeeNodeKey,
		timestamp: v.timestamp,
		// BOLT 11 "Tagged Fields": `x` defaults to 3600 seconds and `c` to 18 blocks.
		expiresAt: v.timestamp + (v.expiry ?? 3600),
		minFinalCltvExpiry: v.minFinalCltvExpiry ?? 18
	};
}

function rejection(paymentRequest: string): InvoiceDecodeError {
	try {
		decodeInvoice(paymentRequest);
	} catch (error) {
		if (error instanceof InvoiceDecodeError) return error;
		throw error;
	}
	throw new Error(`decoded: ${paymentRequest}`);
}

/** The recovered payee, or 'refused' for an InvoiceDecodeError. */
function payeeOrRefusal(paymentRequest: string): string {
	try {
		return decodeInvoice(paymentRequest).payeeNodeKey;
	} catch (error) {
		if (error instanceof InvoiceDecodeError) return 'refused';
		throw error;
	}
}

// Rewrites an invoice's bech32 words (with a fresh, valid checksum) to reach the checks behind it.
function rewrite(
	paymentRequest: string,
	edit: (prefix: string, words: number[]) => { prefix: string; words: number[] }
): string {
	const { prefix, words } = bech32.decode(paymentRequest as `${string}1${string}`, false);
	const edited = edit(prefix, [...words]);
	return bech32.encode(edited.prefix, edited.words, false);
}

/** One tagged field: 5-bit type, 10-bit data_length, data (BOLT 11 "Tagged Fields"). */
const field = (type: number, data: number[]): number[] => [
	type,
	data.length >> 5,
	data.length & 31,
	...data
];
const SIGNATURE_WORDS = 104;

function vector(name: string): ValidVector {
	const found = vectors.valid.find((v) => v.name === name);
	if (!found) throw new Error(`no vector ${name}`);
	return found;
}

function invalidVector(name: string): string {
	const found = vectors.invalid.find((v) => v.name === name);
	if (!found) throw new Error(`no invalid vector ${name}`);
	return found.paymentRequest;
}

describe('decodeInvoice: BOLT 11 examples', () => {
	// bolt11 compares the payee key against the first `n` field whatever its data_length, while
	// BOLT 11 says to skip an `n` of the wrong length. Refusing is the safe side of that mistake.
	const REFUSED_BY_BOLT11 = new Set(['ignored']);

	it.each(vectors.valid.filter((v) => !REFUSED_BY_BOLT11.has(v.name)))(
		'$name decodes exactly',
		(v) => {
			expect(decodeInvoice(v.paymentRequest)).toEqual(expected(v));
		}
	);

	it('refuses "including fields which must be ignored" (bolt11 checks a malformed n field)', () => {
		expect(rejection(vector('ignored').paymentRequest).code).toBe('invalid-invoice');
	});

	it.each(vectors.invalid.filter((v) => v.name !== 'feature100'))('$name is refused', (v) => {
		const error = rejection(v.paymentRequest);
		expect(error.code).toBe('invalid-invoice');
		expect(error.message).toMatch(/^Not a valid BOLT 11 invoice: .+\.$/);
	});

	it('decodes the unknown-feature example: feature bits are for the payer to judge', () => {
		expect(decodeInvoice(invalidVector('feature100')).payeeNodeKey).toBe(vectors.payeeNodeKey);
	});

	it.each([
		['lnbc', 'bitcoin'],
		['lntb', 'testnet'],
		['lntbs', 'signet'],
		['lnbcrt', 'regtest'],
		['lnsb', 'simnet']
	])('reads %s as %s', (network, name) => {
		// Re-prefixed, the example recovers some other payee; the network is what is read here.
		const invoice = rewrite(vector('coffee').paymentRequest, (_, words) => ({
			prefix: `${network}2500u`,
			words
		}));
		expect(decodeInvoice(invoice).network).toBe(name);
	});

	it('accepts a lightning: URI prefix in any case, upper case and surrounding blanks', () => {
		const v = vector('coffee');
		for (const input of [
			`lightning:${v.paymentRequest}`,
			`LIGHTNING:${v.paymentRequest.toUpperCase()}`,
			` ${v.paymentRequest}\n`
		]) {
			expect(decodeInvoice(input)).toEqual(expected(v));
		}
	});
});

describe('decodeInvoice: refusals', () => {
	const coffee = vector('coffee').paymentRequest;
	const flipLast = (s: string): string => s.slice(0, -1) + (s.endsWith('q') ? 'p' : 'q');

	it.each([
		['empty', ''],
		['blank', '   '],
		['garbage', 'hello world'],
		['a bitcoin address', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'],
		['only the prefix', 'lightning:'],
		['wrong checksum', flipLast(coffee)],
		['truncated', coffee.slice(0, -10)],
		['truncated to the human-readable part', 'lnbc2500u1'],
		['mixed case', coffee.slice(0, 20) + coffee.slice(20).toUpperCase()],
		['longer than a QR code holds', `lnbc1${'q'.repeat(7100)}`]
	])('%s', (_, input) => {
		expect(rejection(input).code).toBe('invalid-invoice');
	});

	it('a signature whose r is out of range', () => {
		const forged = rewrite(coffee, (prefix, words) => {
			words.splice(words.length - SIGNATURE_WORDS, 52, ...Array<number>(52).fill(31));
			return { prefix, words };
		});
		expect(rejection(forged).code).toBe('invalid-invoice');
	});

	it('a signature that does not belong to the `n` field it carries', () => {
		// Signed by the simulated node, then claimed for the specification's node.
		const invoice = encodeInvoice({ ...GOLDEN_INPUT, privateKey: newNodePrivateKey() });
		const claimed = rewrite(invoice, (prefix, words) => {
			const n = field(19, bech32.toWords(hexToBytes(vectors.payeeNodeKey)));
			words.splice(words.length - SIGNATURE_WORDS, 0, ...n);
			return { prefix, words };
		});
		expect(rejection(claimed).message).toMatch(/pubkey does not match payee/);
	});

	it('a tampered signature without an `n` field recovers someone else, never the signer', () => {
		// BOLT 11 binds an invoice to whoever signed it: callers compare payeeNodeKey.
		const key = newNodePrivateKey();
		const invoice = encodeInvoice({ ...GOLDEN_INPUT, privateKey: key });
		const tampered = rewrite(invoice, (prefix, words) => {
			const at = words.length - SIGNATURE_WORDS + 60; // inside s
			words[at] = (words[at] ?? 0) ^ 1;
			return { prefix, words };
		});
		expect(payeeOrRefusal(tampered)).not.toBe(nodeKeyFromPrivateKey(key));
	});

	it.each([
		['more than 21 million BTC', 'lnbc21000001'],
		['an amount far past any integer', `lnbc${'9'.repeat(40)}m`],
		['a zero amount', 'lnbc0'],
		['an unknown network', 'lnxy2500u'],
		['an unknown multiplier', 'lnbc2500x']
	])('%s', (_, prefix) => {
		const changed = rewrite(coffee, (_prefix, words) => ({ prefix, words }));
		expect(rejection(changed).code).toBe('invalid-invoice');
	});

	it('no payment hash', () => {
		// coffee's data: timestamp (7 words), then `s` (55 words), then `p` (55 words).
		const withoutP = rewrite(coffee, (prefix, words) => {
			words.splice(7 + 55, 55);
			return { prefix, words };
		});
		expect(rejection(withoutP).message).toBe('The invoice has no payment hash.');
	});

	// 13 words are 65 bits; placed right after the timestamp, it is the field a reader uses.
	const withHugeField = (type: number): string =>
		rewrite(coffee, (prefix, words) => {
			words.splice(7, 0, ...field(type, Array<number>(13).fill(31)));
			return { prefix, words };
		});

	it('an expiry past what a date can hold', () => {
		expect(rejection(withHugeField(6)).code).toBe('invalid-invoice');
	});

	it('a min_final_cltv_expiry too large to be exact', () => {
		expect(rejection(withHugeField(24)).message).toBe(
			"The invoice's min_final_cltv_expiry is out of range."
		);
	});
});

describe('encodeInvoice', () => {
	it('writes the golden regtest invoice with the specification key', () => {
		expect(encodeInvoice(GOLDEN_INPUT)).toBe(GOLDEN_INVOICE);
	});

	it('round-trips every field, with the tags a modern wallet expects', () => {
		const key = newNodePrivateKey();
		const invoice = encodeInvoice({ ...GOLDEN_INPUT, privateKey: key });
		expect(decodeInvoice(invoice)).toEqual({
			paymentRequest: invoice,
			network: 'regtest',
			amountMsat: 21_000_123n,
			paymentHash: HASH,
			paymentSecret: SECRET,
			description: 'Flat white',
			descriptionHash: null,
			payeeNodeKey: nodeKeyFromPrivateKey(key),
			timestamp: 1_760_000_000,
			expiresAt: 1_760_000_900,
			minFinalCltvExpiry: 18
		});
		const { words } = bech32.decode(invoice as `${string}1${string}`, false);
		// var_onion_optin (8) and payment_secret (14), compulsory: `9` + length 3 + "sgq".
		expect(bech32.encode('x', words, false)).toContain('9qrsgq');
		// No `n` field: the payee is recovered from the signature.
		expect(words.slice(7, -SIGNATURE_WORDS)).not.toContain(19);
	});

	it.each([
		[1n, 'lnbcrt10p1'],
		[10n, 'lnbcrt100p1'],
		[1_000n, 'lnbcrt10n1'],
		[21_000_123n, 'lnbcrt210001230p1'],
		[100_000_000n, 'lnbcrt1m1'],
		[100_000_000_000n, 'lnbcrt11'],
		[9_007_199_254_740_993n, 'lnbcrt90071992547409930p1'],
		[2_100_000_000_000_000_000n, 'lnbcrt210000001']
	])('%s msat is written as %s and read back exactly', (amountMsat, hrp) => {
		const invoice = encodeInvoice({ ...GOLDEN_INPUT, amountMsat });
		expect(invoice.startsWith(hrp)).toBe(true);
		expect(decodeInvoice(invoice).amountMsat).toBe(amountMsat);
	});

	it('keeps a UTF-8 description, an empty one and one of the full 639 bytes', () => {
		for (const description of ['ナンセンス 1杯 ☕', '', 'é'.repeat(319) + 'x']) {
			expect(decodeInvoice(encodeInvoice({ ...GOLDEN_INPUT, description })).description).toBe(
				description
			);
		}
	});

	it.each<[string, Partial<EncodeInvoiceInput>]>([
		['a zero amount', { amountMsat: 0n }],
		['a negative amount', { amountMsat: -1n }],
		['more than 21 million BTC', { amountMsat: 2_100_000_000_000_000_001n }],
		['a short payment hash', { paymentHash: 'ab'.repeat(31) }],
		['a payment hash that is not hex', { paymentHash: 'zz'.repeat(32) }],
		['a payment secret that is not hex', { paymentSecret: 'g'.repeat(64) }],
		['a description over 639 bytes', { description: 'é'.repeat(320) }],
		['a zero expiry', { expirySeconds: 0 }],
		['a fractional expiry', { expirySeconds: 1.5 }],
		['a negative timestamp', { timestamp: -1 }],
		['a timestamp past 35 bits', { timestamp: 2 ** 35 }],
		['a zero private key', { privateKey: new Uint8Array(32) }],
		['a private key past the curve order', { privateKey: new Uint8Array(32).fill(255) }],
		['a short private key', { privateKey: new Uint8Array(31).fill(1) }]
	])('refuses %s', (_, change) => {
		expect(() => encodeInvoice({ ...GOLDEN_INPUT, ...change })).toThrow(RangeError);
	});
});

describe('node keys', () => {
	it('derives the specification node id from the specification key', () => {
		expect(nodeKeyFromPrivateKey(SPEC_KEY)).toBe(vectors.payeeNodeKey);
	});

	it('makes fresh valid keys', () => {
		const a = newNodePrivateKey();
		const b = newNodePrivateKey();
		expect(a).toHaveLength(32);
		expect(bytesToHex(a)).not.toBe(bytesToHex(b));
		expect(shim.privateKeyVerify(a)).toBe(true);
		expect(nodeKeyFromPrivateKey(a)).toMatch(/^0[23][0-9a-f]{64}$/);
	});
});

describe('secp256k1 shim against the secp256k1 package', () => {
	const real = createRequire(import.meta.url)('secp256k1') as Secp256k1Subset;
	const ORDER = hexToBytes('fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');
	const keys = [SPEC_KEY, hexToBytes(`${'00'.repeat(31)}01`), ...[1, 2, 3].map(newNodePrivateKey)];
	// Message hashes below the curve order, as SHA-256 outputs are but for a 2^-128 chance.
	const messages = [
		new Uint8Array(32),
		hexToBytes('c3d4e83f646fa79a393d75277b1d858db1d1f7ab7137dcb7835db2ecd518e1c9'),
		...keys.map((key) => shim.publicKeyCreate(key).slice(1))
	];

	it('agrees on which private keys are valid', () => {
		const candidates = [
			...keys,
			new Uint8Array(32),
			ORDER,
			Uint8Array.from(ORDER, (b, i) => (i === 31 ? b - 1 : b)),
			new Uint8Array(32).fill(255)
		];
		for (const key of candidates) {
			expect(shim.privateKeyVerify(key)).toBe(real.privateKeyVerify(key));
		}
	});

	it('derives the same public keys, compressed and not, and agrees on their validity', () => {
		for (const key of keys) {
			const compressed = shim.publicKeyCreate(key);
			expect(bytesToHex(compressed)).toBe(bytesToHex(real.publicKeyCreate(key)));
			expect(bytesToHex(shim.publicKeyCreate(key, false))).toBe(
				bytesToHex(real.publicKeyCreate(key, false))
			);
			const offCurve = Uint8Array.from(compressed, (b, i) => (i === 32 ? b ^ 1 : b));
			for (const pubkey of [compressed, offCurve, new Uint8Array(33)]) {
				expect(shim.publicKeyVerify(pubkey)).toBe(real.publicKeyVerify(pubkey));
			}
		}
	});

	it('signs identically (RFC 6979, low S) and recovers the same key', () => {
		for (const key of keys) {
			for (const msg of messages) {
				const mine = shim.ecdsaSign(msg, key);
				const theirs = real.ecdsaSign(msg, key);
				expect(bytesToHex(mine.signature)).toBe(bytesToHex(theirs.signature));
				expect(mine.recid).toBe(theirs.recid);
				expect(bytesToHex(shim.ecdsaRecover(mine.signature, mine.recid, msg))).toBe(
					bytesToHex(real.ecdsaRecover(theirs.signature, theirs.recid, msg))
				);
				expect(bytesToHex(shim.ecdsaRecover(mine.signature, mine.recid, msg, false))).toBe(
					bytesToHex(real.ecdsaRecover(theirs.signature, theirs.recid, msg, false))
				);
			}
		}
	});

	it('signs a hash past the curve order validly, though the nonce may differ', () => {
		// For a hash of 0xff..ff the native libsecp256k1 build picks another RFC 6979 nonce than
		// noble and elliptic (which agree with each other). Both signatures are valid.
		const msg = new Uint8Array(32).fill(0xff);
		for (const key of keys) {
			const mine = shim.ecdsaSign(msg, key);
			const node = bytesToHex(shim.publicKeyCreate(key));
			expect(bytesToHex(real.ecdsaRecover(mine.signature, mine.recid, msg))).toBe(node);
		}
	});

	it('throws where the package throws', () => {
		const msg = messages[0] ?? new Uint8Array(32);
		const unrecoverable = new Uint8Array(64).fill(255);
		for (const impl of [shim, real]) {
			expect(() => impl.ecdsaRecover(unrecoverable, 0, msg)).toThrow();
			expect(() => impl.ecdsaRecover(new Uint8Array(63), 0, msg)).toThrow();
			expect(() => impl.ecdsaRecover(new Uint8Array(64).fill(1), 4, msg)).toThrow();
			expect(() => impl.ecdsaSign(msg, new Uint8Array(32))).toThrow();
			expect(() => impl.publicKeyCreate(new Uint8Array(32))).toThrow();
			expect(() => impl.privateKeyVerify(new Uint8Array(31))).toThrow();
		}
	});
});
