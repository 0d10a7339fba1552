// Bolt Card cryptography (NXP AN12196, Bolt Card spec): the published SUN vectors decrypt and
// verify (with every intermediate), tampering fails, malformed input is refused with stable codes,
// taps round-trip at the counter bounds, AES-CMAC matches RFC 4493, and the DETERMINISTIC.md key
// derivation matches its published vector and an independent step-by-step derivation.
import { ecb } from '@noble/ciphers/aes.js';
import { describe, expect, it } from 'vitest';
import {
	aesCmac,
	CardCryptoError,
	type CardCryptoErrorCode,
	computeSunMac,
	decryptPiccData,
	encryptPiccData,
	MAX_COUNTER,
	sessionVector2,
	verifySunMac
} from '../../worker/cards/crypto';
import {
	deriveCardId,
	deriveCardK2,
	deriveCardKey,
	deriveCardKeys,
	deriveIssuerK1
} from '../../worker/cards/keys';
import vectors from '../fixtures/boltcard/vectors.json';

const hexToBytes = (hex: string): Uint8Array =>
	Uint8Array.from(hex.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
const bytesToHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function expectCode(fn: () => unknown, code: CardCryptoErrorCode): void {
	let caught: unknown;
	try {
		fn();
	} catch (error) {
		caught = error;
	}
	expect(caught).toBeInstanceOf(CardCryptoError);
	expect((caught as CardCryptoError).code).toBe(code);
	expect((caught as CardCryptoError).message.length).toBeGreaterThan(0);
}

function flipHexBit(hex: string, bit: number): string {
	const bytes = hexToBytes(hex);
	bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) ^ (0x80 >> (bit & 7));
	return bytesToHex(bytes).toUpperCase();
}

// An independent RFC 4493 AES-CMAC over raw AES block encryption (subkeys by doubling, then the
// padded/XORed last block, CBC-MAC), used to cross-check the library CMAC and the derivation.
function doubleBlock(block: Uint8Array): Uint8Array {
	const out = new Uint8Array(16);
	for (let i = 0; i < 16; i++) out[i] = (((block[i] ?? 0) << 1) | ((block[i + 1] ?? 0) >> 7)) & 0xff;
	if ((block[0] ?? 0) & 0x80) out[15] = (out[15] ?? 0) ^ 0x87;
	return out;
}
function referenceSubkeys(key: Uint8Array): { l: Uint8Array; k1: Uint8Array; k2: Uint8Array } {
	const l = ecb(key, { disablePadding: true }).encrypt(new Uint8Array(16));
	const k1 = doubleBlock(l);
	return { l, k1, k2: doubleBlock(k1) };
}
function referenceCmac(key: Uint8Array, message: Uint8Array): Uint8Array {
	const { k1, k2 } = referenceSubkeys(key);
	const blocks = Math.max(1, Math.ceil(message.length / 16));
	const complete = message.length > 0 && message.length % 16 === 0;
	const last = new Uint8Array(16);
	last.set(message.subarray((blocks - 1) * 16));
	if (!complete) last[message.length - (blocks - 1) * 16] = 0x80;
	const subkey = complete ? k1 : k2;
	for (let i = 0; i < 16; i++) last[i] = (last[i] ?? 0) ^ (subkey[i] ?? 0);
	let x = new Uint8Array(16);
	for (let b = 0; b < blocks; b++) {
		const block = b === blocks - 1 ? last : message.subarray(b * 16, b * 16 + 16);
		const y = new Uint8Array(16);
		for (let i = 0; i < 16; i++) y[i] = (x[i] ?? 0) ^ (block[i] ?? 0);
		x = ecb(key, { disablePadding: true }).encrypt(y);
	}
	return x;
}

describe('AES-CMAC (RFC 4493 section 4)', () => {
	const key = hexToBytes(vectors.rfc4493.key);

	it.each(vectors.rfc4493.examples)('MAC of a $message.length-hex-digit message', ({ message, mac }) => {
		expect(bytesToHex(aesCmac(key, hexToBytes(message)))).toBe(mac);
		expect(bytesToHex(referenceCmac(key, hexToBytes(message)))).toBe(mac);
	});

	it('the reference subkeys match the RFC', () => {
		const { l, k1, k2 } = referenceSubkeys(key);
		expect(bytesToHex(l)).toBe(vectors.rfc4493.subkeys.l);
		expect(bytesToHex(k1)).toBe(vectors.rfc4493.subkeys.k1);
		expect(bytesToHex(k2)).toBe(vectors.rfc4493.subkeys.k2);
	});

	it('refuses a key that is not 16 bytes', () => {
		expectCode(() => aesCmac(new Uint8Array(15), new Uint8Array(0)), 'malformed-key');
	});
});

describe('published SUN vectors (boltcard TEST_VECTORS.md)', () => {
	describe.each(vectors.sun.vectors)('counter $counter', (v) => {
		const k1 = hexToBytes(v.k1);
		const k2 = hexToBytes(v.k2);

		it('p decrypts to the UID and counter', () => {
			expect(decryptPiccData(v.p, k1)).toEqual({ uid: v.uid, counter: v.counter });
			const plain = ecb(k1, { disablePadding: true }).decrypt(hexToBytes(v.p));
			expect(bytesToHex(plain)).toBe(v.piccData);
		});

		it('SV2, Ks and CM match the intermediates, and c is the odd bytes of CM', () => {
			expect(bytesToHex(sessionVector2(v.uid, v.counter))).toBe(v.sv2);
			const ks = aesCmac(k2, hexToBytes(v.sv2));
			expect(bytesToHex(ks)).toBe(v.ks);
			const cm = aesCmac(ks, new Uint8Array(0));
			expect(bytesToHex(cm)).toBe(v.cm);
			expect(computeSunMac(v.uid, v.counter, k2)).toBe(v.c);
		});

		it('c verifies in upper and lower case', () => {
			expect(verifySunMac(v.uid, v.counter, v.c, k2)).toBe(true);
			expect(verifySunMac(v.uid, v.counter, v.c.toLowerCase(), k2)).toBe(true);
			expect(verifySunMac(v.uid.toUpperCase(), v.counter, v.c, k2)).toBe(true);
		});

		it('every single flipped bit of c fails', () => {
			for (let bit = 0; bit < 64; bit++) {
				expect(verifySunMac(v.uid, v.counter, flipHexBit(v.c, bit), k2)).toBe(false);
			}
		});

		it('a flipped bit of p is refused as wrong-key or does not verify', () => {
			for (let bit = 0; bit < 128; bit += 7) {
				let verified = false;
				try {
					const { uid, counter } = decryptPiccData(flipHexBit(v.p, bit), k1);
					verified = verifySunMac(uid, counter, v.c, k2);
				} catch (error) {
					expect((error as CardCryptoError).code).toBe('wrong-key');
				}
				expect(verified).toBe(false);
			}
			expectCode(() => decryptPiccData(flipHexBit(v.p, 0), k1), 'wrong-key');
		});

		it('the wrong counter, UID or K2 fails', () => {
			expect(verifySunMac(v.uid, v.counter + 1, v.c, k2)).toBe(false);
			expect(verifySunMac('04996c6a926981', v.counter, v.c, k2)).toBe(false);
			expect(verifySunMac(v.uid, v.counter, v.c, k1)).toBe(false);
		});

		it('encrypting the same PICCData reproduces p', () => {
			const padding = hexToBytes(v.piccData).subarray(11);
			expect(encryptPiccData(v.uid, v.counter, k1, padding)).toBe(v.p);
		});
	});

	it("vector 1's p with vector 2's c fails", () => {
		const [one, two] = vectors.sun.vectors;
		if (!one || !two) throw new Error('fixture missing');
		const { uid, counter } = decryptPiccData(one.p, hexToBytes(one.k1));
		expect(verifySunMac(uid, counter, two.c, hexToBytes(one.k2))).toBe(false);
	});

	it('another K1 is reported as wrong-key', () => {
		const v = vectors.sun.vectors[0];
		if (!v) throw new Error('fixture missing');
		expectCode(() => decryptPiccData(v.p, hexToBytes(v.k2)), 'wrong-key');
	});
});

describe('malformed input', () => {
	const v = vectors.sun.vectors[0];
	if (!v) throw new Error('fixture missing');
	const k1 = hexToBytes(v.k1);
	const k2 = hexToBytes(v.k2);

	it('accepts lower-case p', () => {
		expect(decryptPiccData(v.p.toLowerCase(), k1)).toEqual({ uid: v.uid, counter: v.counter });
	});

	it.each([
		['non-hex', `${v.p.slice(0, 31)}G`],
		['too short', v.p.slice(0, 30)],
		['too long', `${v.p}00`],
		['odd length', v.p.slice(0, 31)],
		['empty', ''],
		['with spaces', ` ${v.p.slice(1)}`],
		['0x prefixed', `0x${v.p.slice(2)}`]
	])('refuses p that is %s as malformed-p', (_name, p) => {
		expectCode(() => decryptPiccData(p, k1), 'malformed-p');
	});

	it.each([
		['too short', v.c.slice(0, 14)],
		['too long', `${v.c}00`],
		['odd length', v.c.slice(0, 15)],
		['non-hex', `${v.c.slice(0, 15)}Z`],
		['empty', '']
	])('c that is %s does not verify', (_name, c) => {
		expect(verifySunMac(v.uid, v.counter, c, k2)).toBe(false);
	});

	it('refuses keys that are not 16 bytes', () => {
		expectCode(() => decryptPiccData(v.p, new Uint8Array(32)), 'malformed-key');
		expectCode(() => verifySunMac(v.uid, v.counter, v.c, new Uint8Array(8)), 'malformed-key');
		expectCode(() => encryptPiccData(v.uid, v.counter, new Uint8Array(0)), 'malformed-key');
	});

	it('refuses malformed UIDs, counters and padding', () => {
		expectCode(() => computeSunMac('04996c6a9269', 1, k2), 'malformed-uid');
		expectCode(() => computeSunMac('04996c6a92698g', 1, k2), 'malformed-uid');
		expectCode(() => encryptPiccData('', 1, k1), 'malformed-uid');
		expectCode(() => computeSunMac(v.uid, -1, k2), 'malformed-counter');
		expectCode(() => computeSunMac(v.uid, MAX_COUNTER + 1, k2), 'malformed-counter');
		expectCode(() => encryptPiccData(v.uid, 1.5, k1), 'malformed-counter');
		expectCode(() => encryptPiccData(v.uid, Number.NaN, k1), 'malformed-counter');
		expectCode(() => encryptPiccData(v.uid, 1, k1, new Uint8Array(4)), 'malformed-padding');
	});

	it('CardCryptoError is an Error with a name', () => {
		const error = new CardCryptoError('wrong-key', 'nope');
		expect(error).toBeInstanceOf(Error);
		expect(error.name).toBe('CardCryptoError');
		expect(error.code).toBe('wrong-key');
	});
});

describe('emulated taps round-trip', () => {
	const k1 = hexToBytes('00112233445566778899aabbccddeeff');
	const k2 = hexToBytes('ffeeddccbbaa99887766554433221100');

	it.each([0, 1, 255, 256, 0x010203, 0xfffffe, MAX_COUNTER])('counter %i', (counter) => {
		const uid = '04a39493cc8680';
		const p = encryptPiccData(uid, counter, k1);
		expect(p).toMatch(/^[0-9A-F]{32}$/);
		expect(decryptPiccData(p, k1)).toEqual({ uid, counter });
		const c = computeSunMac(uid, counter, k2);
		expect(c).toMatch(/^[0-9A-F]{16}$/);
		expect(verifySunMac(uid, counter, c, k2)).toBe(true);
	});

	it('stores the counter least-significant byte first', () => {
		const p = encryptPiccData('04a39493cc8680', 0x010203, k1, new Uint8Array(5));
		const plain = ecb(k1, { disablePadding: true }).decrypt(hexToBytes(p));
		expect(bytesToHex(plain)).toBe('c704a39493cc86800302010000000000');
		expect(bytesToHex(sessionVector2('04a39493cc8680', 0x010203))).toBe(
			'3cc30001008004a39493cc8680030201'
		);
	});

	it('upper-case UID input decrypts to lower-case hex', () => {
		const p = encryptPiccData('04A39493CC8680', 9, k1);
		expect(decryptPiccData(p, k1).uid).toBe('04a39493cc8680');
	});

	it('random padding makes two taps with the same counter differ', () => {
		const a = encryptPiccData('04a39493cc8680', 9, k1);
		const b = encryptPiccData('04a39493cc8680', 9, k1);
		expect(a).not.toBe(b);
		expect(decryptPiccData(a, k1)).toEqual(decryptPiccData(b, k1));
	});
});

describe('deterministic keys (DETERMINISTIC.md)', () => {
	describe.each(vectors.deterministic.vectors)('UID $uid version $version', (v) => {
		const issuerKey = hexToBytes(v.issuerKey);

		it('matches the published vector', () => {
			const keys = deriveCardKeys(issuerKey, v.uid, v.version);
			expect({
				cardKey: bytesToHex(keys.cardKey),
				k0: bytesToHex(keys.k0),
				k1: bytesToHex(keys.k1),
				k2: bytesToHex(keys.k2),
				k3: bytesToHex(keys.k3),
				k4: bytesToHex(keys.k4),
				id: keys.id
			}).toEqual({
				cardKey: v.cardKey,
				k0: v.k0,
				k1: v.k1,
				k2: v.k2,
				k3: v.k3,
				k4: v.k4,
				id: v.id
			});
			expect(bytesToHex(deriveIssuerK1(issuerKey))).toBe(v.k1);
			expect(bytesToHex(deriveCardKey(issuerKey, v.uid, v.version))).toBe(v.cardKey);
			expect(bytesToHex(deriveCardK2(issuerKey, v.uid, v.version))).toBe(v.k2);
			expect(deriveCardId(issuerKey, v.uid.toUpperCase())).toBe(v.id);
		});

		it('matches a step-by-step derivation with the reference CMAC', () => {
			const version = new Uint8Array(4);
			new DataView(version.buffer).setUint32(0, v.version, true);
			const cardKey = referenceCmac(
				issuerKey,
				Uint8Array.from([...hexToBytes('2d003f75'), ...hexToBytes(v.uid), ...version])
			);
			expect(bytesToHex(cardKey)).toBe(v.cardKey);
			const prf = (key: Uint8Array, tag: string): string =>
				bytesToHex(referenceCmac(key, hexToBytes(tag)));
			expect(prf(cardKey, '2d003f76')).toBe(v.k0);
			expect(prf(issuerKey, '2d003f77')).toBe(v.k1);
			expect(prf(cardKey, '2d003f78')).toBe(v.k2);
			expect(prf(cardKey, '2d003f79')).toBe(v.k3);
			expect(prf(cardKey, '2d003f7a')).toBe(v.k4);
			expect(prf(issuerKey, `2d003f7b${v.uid}`)).toBe(v.id);
		});

		it('a new version changes the card keys but not K1 or the ID', () => {
			const a = deriveCardKeys(issuerKey, v.uid, v.version);
			const b = deriveCardKeys(issuerKey, v.uid, v.version + 1);
			for (const name of ['cardKey', 'k0', 'k2', 'k3', 'k4'] as const) {
				expect(bytesToHex(b[name])).not.toBe(bytesToHex(a[name]));
			}
			expect(bytesToHex(b.k1)).toBe(bytesToHex(a.k1));
			expect(b.id).toBe(a.id);
			// Version is little-endian: 1 and 0x01000000 are different inputs.
			expect(bytesToHex(deriveCardKey(issuerKey, v.uid, 0x01000000))).not.toBe(v.cardKey);
		});

		it('derived K1 and K2 carry an emulated tap end to end', () => {
			const keys = deriveCardKeys(issuerKey, v.uid, v.version);
			const p = encryptPiccData(v.uid, 42, deriveIssuerK1(issuerKey));
			const { uid, counter } = decryptPiccData(p, keys.k1);
			expect(deriveCardId(issuerKey, uid)).toBe(v.id);
			const c = computeSunMac(v.uid, 42, keys.k2);
			expect(verifySunMac(uid, counter, c, deriveCardK2(issuerKey, uid, v.version))).toBe(true);
			expect(verifySunMac(uid, counter, c, deriveCardK2(issuerKey, uid, v.version + 1))).toBe(false);
		});
	});

	it('refuses malformed versions, UIDs and issuer keys', () => {
		const issuerKey = new Uint8Array(16);
		expectCode(() => deriveCardKey(issuerKey, '04a39493cc8680', -1), 'malformed-version');
		expectCode(() => deriveCardKey(issuerKey, '04a39493cc8680', 2 ** 32), 'malformed-version');
		expectCode(() => deriveCardKey(issuerKey, '04a39493cc8680', 0.5), 'malformed-version');
		expectCode(() => deriveCardId(issuerKey, '04a394'), 'malformed-uid');
		expectCode(() => deriveIssuerK1(new Uint8Array(24)), 'malformed-key');
	});
});
