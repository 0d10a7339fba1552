// BOLT 11 invoices: decoding any invoice a node or wallet hands us, and encoding + signing the
// regtest invoices the simulated node issues. The only importer of the `bolt11` package; its loose
// types (hex strings, number-or-object tag data, string amounts) are narrowed here and nowhere
// else. In the worker, bolt11's `secp256k1` and `create-hash` dependencies are aliased onto
// ./secp256k1-shim and ./create-hash-shim (see wrangler.toml [alias]).
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { decode, encode, sign, type PaymentRequestObject, type TagData } from 'bolt11';

export type Network = 'bitcoin' | 'testnet' | 'signet' | 'regtest' | 'simnet';

export type DecodedInvoice = {
	/** Lower case, without a `lightning:` prefix. */
	paymentRequest: string;
	network: Network;
	/** null for an invoice without an amount (payer chooses). */
	amountMsat: bigint | null;
	/** Hex. */
	paymentHash: string;
	/** Hex. */
	paymentSecret: string | null;
	description: string | null;
	/** Hex SHA-256 of a description carried elsewhere. */
	descriptionHash: string | null;
	/** Hex compressed public key that signed the invoice. */
	payeeNodeKey: string;
	/** Unix seconds. */
	timestamp: number;
	/** Unix seconds. */
	expiresAt: number;
	minFinalCltvExpiry: number;
};

export type InvoiceDecodeErrorCode = 'invalid-invoice';

/** Anything that is not a well-formed, correctly signed BOLT 11 invoice. */
export class InvoiceDecodeError extends Error {
	readonly code: InvoiceDecodeErrorCode = 'invalid-invoice';

	constructor(message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.name = 'InvoiceDecodeError';
	}
}

export type EncodeInvoiceInput = {
	network: 'regtest';
	amountMsat: bigint;
	/** Hex, 32 bytes. */
	paymentHash: string;
	/** Hex, 32 bytes. */
	paymentSecret: string;
	description: string;
	expirySeconds: number;
	/** Unix seconds. */
	timestamp: number;
	privateKey: Uint8Array;
};

// BOLT 11 "Tagged Fields": defaults when `x` or `c` is absent.
const DEFAULT_EXPIRY_SECONDS = 3600;
const DEFAULT_MIN_FINAL_CLTV_EXPIRY = 18;
/** What the simulated node asks for: BOLT 11's default, written out as the spec says to. */
const MIN_FINAL_CLTV_EXPIRY = 18;
// BOLT 11 amounts are bounded by the 21M BTC supply; bolt11 enforces the same bound on decode.
const MAX_MSAT = 2_100_000_000_000_000_000n;
// BOLT 11 sets no length limit; LND's zpay32 caps invoices at 7089 characters, the most a single
// QR code holds. The cap keeps a hostile string from costing the worker real CPU.
const MAX_INVOICE_LENGTH = 7089;
// "timestamp: seconds-since-1970 (35 bits, big-endian)" (BOLT 11 "Data Part").
const MAX_TIMESTAMP = 2 ** 35 - 1;
// A `d` field holds at most 1023 five-bit words: 639 bytes (bolt11 checks the same).
const MAX_DESCRIPTION_BYTES = 639;

// bolt11 identifies networks by their BIP-173 prefix; the HRP is `ln` + that prefix.
const NETWORK_BY_BECH32_PREFIX: Readonly<Record<string, Network>> = {
	bc: 'bitcoin',
	tb: 'testnet',
	tbs: 'signet',
	bcrt: 'regtest',
	sb: 'simnet'
};
// bolt11 only knows bc, tb, bcrt and sb; signet's `lntbs` needs its network passed in. The
// base58 versions matter only for decoding `f` fallback addresses (testnet's, as signet uses).
const SIGNET = {
	bech32: 'tbs',
	pubKeyHash: 0x6f,
	scriptHash: 0xc4,
	validWitnessVersions: [0, 1]
};
const REGTEST = {
	bech32: 'bcrt',
	pubKeyHash: 0x6f,
	scriptHash: 0xc4,
	validWitnessVersions: [0, 1]
};

// The `9` field (BOLT 11 "Feature Bits", numbering from BOLT 9): var_onion_optin is bit 8/9 and
// payment_secret 14/15. Set compulsory (even), exactly as in BOLT 11's examples: `9qrsgq`.
const FEATURE_BITS = {
	word_length: 3,
	var_onion_optin: { required: true, supported: false },
	payment_secret: { required: true, supported: false }
};

const HEX_32 = /^[0-9a-f]{64}$/;
// BOLT 11 "Encoding Overview": 'lightning:' is the recommended URI prefix.
const URI_SCHEME = /^lightning:/i;

/**
 * Decodes and verifies a BOLT 11 invoice: bech32 checksum, amount, tagged fields, and the
 * signature (bolt11 recovers the payee key from it and checks it against an `n` field if present).
 * Accepts upper case (BOLT 11 "Requirements": QR codes SHOULD use it) and a `lightning:` prefix.
 */
export function decodeInvoice(paymentRequest: string): DecodedInvoice {
	const bare =
		typeof paymentRequest === 'string' ? paymentRequest.trim().replace(URI_SCHEME, '') : '';
	if (bare === '') throw new InvoiceDecodeError('The invoice is empty.');
	if (bare.length > MAX_INVOICE_LENGTH) {
		throw new InvoiceDecodeError(`The invoice is longer than ${MAX_INVOICE_LENGTH} characters.`);
	}
	// Mixed case stays as it is so bech32 rejects it (BIP-173); only the prefix test is lowered.
	const network = bare.toLowerCase().startsWith('lntbs') ? SIGNET : undefined;

	let decoded: ReturnType<typeof decode>;
	try {
		decoded = decode(bare, network);
	} catch (error) {
		throw new InvoiceDecodeError(`Not a valid BOLT 11 invoice: ${messageOf(error)}.`, {
			cause: error
		});
	}
	return toDecodedInvoice(decoded);
}

/**
 * Encodes and signs a regtest invoice for the simulated node: `lnbcrt` + amount, with the tags
 * a modern wallet needs (p, s, d, x, c and the `9` feature bits). Throws on invalid input, which
 * is a programming error rather than something a customer did.
 */
export function encodeInvoice(input: EncodeInvoiceInput): string {
	if (input.network !== 'regtest') throw new RangeError('Only regtest invoices are issued.');
	if (input.amountMsat <= 0n || input.amountMsat > MAX_MSAT) {
		throw new RangeError(`amountMsat must be within 1..${MAX_MSAT}.`);
	}
	const paymentHash = input.paymentHash.toLowerCase();
	const paymentSecret = input.paymentSecret.toLowerCase();
	if (!HEX_32.test(paymentHash)) throw new RangeError('paymentHash must be 32 bytes of hex.');
	if (!HEX_32.test(paymentSecret)) throw new RangeError('paymentSecret must be 32 bytes of hex.');
	if (new TextEncoder().encode(input.description).length > MAX_DESCRIPTION_BYTES) {
		throw new RangeError(`description must be at most ${MAX_DESCRIPTION_BYTES} bytes of UTF-8.`);
	}
	if (!Number.isSafeInteger(input.expirySeconds) || input.expirySeconds <= 0) {
		throw new RangeError('expirySeconds must be a positive integer.');
	}
	const { timestamp } = input;
	if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp > MAX_TIMESTAMP) {
		throw new RangeError('timestamp must be whole seconds that fit in 35 bits.');
	}
	if (!secp256k1.utils.isValidSecretKey(input.privateKey)) {
		throw new RangeError('privateKey is not a valid secp256k1 secret key.');
	}

	const unsigned = encode(
		{
			network: REGTEST,
			// Exact msat as a decimal string; bolt11 picks the shortest multiplier (BOLT 11
			// "Human-Readable Part": SHOULD use the largest multiplier).
			millisatoshis: input.amountMsat.toString(),
			timestamp,
			tags: [
				{ tagName: 'payment_hash', data: paymentHash },
				{ tagName: 'payment_secret', data: paymentSecret },
				{ tagName: 'description', data: input.description },
				{ tagName: 'expire_time', data: input.expirySeconds },
				{ tagName: 'min_final_cltv_expiry', data: MIN_FINAL_CLTV_EXPIRY },
				{ tagName: 'feature_bits', data: FEATURE_BITS }
			]
		},
		// No defaults: every tag above is deliberate, and bolt11's default `c` is the old 9.
		false
	);
	// No `n` field: the payee key is recovered from the signature (BOLT 11 "Tagged Fields").
	const signed = sign(unsigned, bytesToHex(input.privateKey));
	if (typeof signed.paymentRequest !== 'string' || !signed.paymentRequest.startsWith('lnbcrt')) {
		throw new Error('bolt11 did not produce a signed regtest invoice.');
	}
	return signed.paymentRequest;
}

/** The node id (hex compressed public key) for a simulated node's private key. */
export function nodeKeyFromPrivateKey(privateKey: Uint8Array): string {
	return bytesToHex(secp256k1.getPublicKey(privateKey, true));
}

/** A fresh random secp256k1 private key for a simulated node. */
export function newNodePrivateKey(): Uint8Array {
	return secp256k1.utils.randomSecretKey();
}

// ---------------------------------------------------------------------------------------------
// Narrowing bolt11's result.

type DecodedPaymentRequest = ReturnType<typeof decode>;

function toDecodedInvoice(decoded: DecodedPaymentRequest): DecodedInvoice {
	const network = NETWORK_BY_BECH32_PREFIX[decoded.network?.bech32 ?? ''];
	if (network === undefined) throw new InvoiceDecodeError('The invoice is for an unknown network.');
	const { paymentRequest, timestamp, payeeNodeKey } = decoded;
	if (typeof paymentRequest !== 'string' || typeof payeeNodeKey !== 'string') {
		throw new InvoiceDecodeError('The invoice could not be read.');
	}
	if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp)) {
		throw new InvoiceDecodeError('The invoice has no valid timestamp.');
	}

	const amountMsat = readAmount(decoded.millisatoshis);
	const tags = decoded.tags;
	// BOLT 11 "Tagged Fields": a reader MUST skip p, h, s and n fields whose data_length is not
	// 52, 52, 52 or 53 words, and uses the first field it did not skip. bolt11 hands them all
	// over, trimmed to whole bytes, so 52 words are exactly 32 bytes and 53 words 33 bytes.
	const paymentHash = firstHex(tags, 'payment_hash', 32);
	if (paymentHash === null) throw new InvoiceDecodeError('The invoice has no payment hash.');
	const paymentSecret = firstHex(tags, 'payment_secret', 32);
	const descriptionHash = firstHex(tags, 'purpose_commit_hash', 32);
	const description = firstString(tags, 'description');
	const expiry = firstNumber(tags, 'expire_time') ?? DEFAULT_EXPIRY_SECONDS;
	const minFinalCltvExpiry =
		firstNumber(tags, 'min_final_cltv_expiry') ?? DEFAULT_MIN_FINAL_CLTV_EXPIRY;

	return {
		paymentRequest,
		network,
		amountMsat,
		paymentHash,
		paymentSecret,
		description,
		descriptionHash,
		payeeNodeKey,
		timestamp,
		expiresAt: timestamp + expiry,
		minFinalCltvExpiry
	};
}

function readAmount(millisatoshis: string | null | undefined): bigint | null {
	if (millisatoshis === null || millisatoshis === undefined) return null;
	if (!/^\d+$/.test(millisatoshis)) throw new InvoiceDecodeError('The invoice amount is invalid.');
	const msat = BigInt(millisatoshis);
	// BOLT 11 "Human-Readable Part": a writer MUST encode `amount` as a positive integer; a zero
	// would read as "any amount" to some wallets and as nothing to pay to others.
	if (msat === 0n) throw new InvoiceDecodeError('The invoice amount is zero.');
	if (msat > MAX_MSAT) throw new InvoiceDecodeError('The invoice amount is out of range.');
	return msat;
}

type Tags = PaymentRequestObject['tags'];

function tagData(tags: Tags, tagName: string): TagData[] {
	return tags.filter((tag) => tag.tagName === tagName).map((tag) => tag.data);
}

function firstHex(tags: Tags, tagName: string, bytes: number): string | null {
	for (const data of tagData(tags, tagName)) {
		if (typeof data === 'string' && data.length === bytes * 2) return data;
	}
	return null;
}

function firstString(tags: Tags, tagName: string): string | null {
	for (const data of tagData(tags, tagName)) {
		if (typeof data === 'string') return data;
	}
	return null;
}

function firstNumber(tags: Tags, tagName: string): number | null {
	const data = tagData(tags, tagName)[0];
	if (data === undefined) return null;
	// Five-bit words add up past 2^53 long before a data_length of 1023: refuse, don't round.
	if (typeof data !== 'number' || !Number.isSafeInteger(data)) {
		throw new InvoiceDecodeError(`The invoice's ${tagName} is out of range.`);
	}
	return data;
}

function messageOf(error: unknown): string {
	const message = error instanceof Error ? error.message : String(error);
	// bech32 repeats the whole input in some messages; keep errors short.
	return message.length > 120 ? `${message.slice(0, 117)}...` : message;
}
