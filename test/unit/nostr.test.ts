// Nostr primitives against published answers: NIP-44 v2 test vectors (conversation keys, message
// keys, padding, payloads, invalid inputs), a real signed event from NIP-13 for NIP-01 ids and
// BIP-340 signatures, and NIP-04 against Node's own ECDH and AES-256-CBC as an independent check.
import { createCipheriv, createECDH, createHash, createHmac } from 'node:crypto';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import {
	eventId,
	isValidXOnlyPublicKey,
	nip04Decrypt,
	nip04Encrypt,
	nip44ConversationKey,
	nip44Decrypt,
	nip44Encrypt,
	nip44MessageKeys,
	nip44PaddedLength,
	publicKeyOf,
	secretKeyFromHex,
	serializeEvent,
	signEvent,
	tagValue,
	verifyEvent
} from '../../worker/nodes/nostr';
import facts from '../fixtures/nodes/nwc/nostr-facts.json';
import vectors from '../fixtures/nodes/nwc/nip44-vectors.json';

const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const { valid, invalid } = vectors.v2;

describe('NIP-44 v2 test vectors', () => {
	it('derives the conversation key', () => {
		for (const v of valid.get_conversation_key) {
			const key = nip44ConversationKey(hexToBytes(v.sec1), v.pub2);
			expect(bytesToHex(key), v.sec1).toBe(v.conversation_key);
		}
	});

	it('rejects invalid keys: out-of-range secrets and points not on the curve', () => {
		for (const v of invalid.get_conversation_key) {
			expect(() => nip44ConversationKey(hexToBytes(v.sec1), v.pub2), v.note).toThrow();
		}
	});

	it('derives the per-message keys', () => {
		const conversationKey = hexToBytes(valid.get_message_keys.conversation_key);
		for (const k of valid.get_message_keys.keys) {
			const keys = nip44MessageKeys(conversationKey, hexToBytes(k.nonce));
			expect(bytesToHex(keys.chachaKey)).toBe(k.chacha_key);
			expect(bytesToHex(keys.chachaNonce)).toBe(k.chacha_nonce);
			expect(bytesToHex(keys.hmacKey)).toBe(k.hmac_key);
		}
	});

	it('pads to the specified lengths', () => {
		for (const [length, padded] of valid.calc_padded_len) {
			expect(nip44PaddedLength(length!), String(length)).toBe(padded);
		}
	});

	it('encrypts to the exact payloads and decrypts them, in both directions', () => {
		for (const v of valid.encrypt_decrypt) {
			const sec1 = hexToBytes(v.sec1);
			const sec2 = hexToBytes(v.sec2);
			const key = nip44ConversationKey(sec1, publicKeyOf(sec2));
			expect(bytesToHex(key)).toBe(v.conversation_key);
			expect(bytesToHex(nip44ConversationKey(sec2, publicKeyOf(sec1)))).toBe(v.conversation_key);
			expect(nip44Encrypt(v.plaintext, key, hexToBytes(v.nonce))).toBe(v.payload);
			expect(nip44Decrypt(v.payload, key)).toBe(v.plaintext);
		}
	});

	it('handles the longest messages (65 535 bytes)', () => {
		for (const v of valid.encrypt_decrypt_long_msg) {
			const plaintext = v.pattern.repeat(v.repeat);
			expect(sha256Hex(plaintext)).toBe(v.plaintext_sha256);
			const key = hexToBytes(v.conversation_key);
			const payload = nip44Encrypt(plaintext, key, hexToBytes(v.nonce));
			expect(sha256Hex(payload)).toBe(v.payload_sha256);
			expect(nip44Decrypt(payload, key)).toBe(plaintext);
		}
	});

	it('refuses to encrypt empty or oversized messages', () => {
		const key = hexToBytes(valid.get_message_keys.conversation_key);
		for (const length of invalid.encrypt_msg_lengths) {
			expect(() => nip44Encrypt('a'.repeat(length), key), String(length)).toThrow();
		}
	});

	it('refuses invalid payloads: version, base64, MAC, padding, length', () => {
		for (const v of invalid.decrypt) {
			expect(() => nip44Decrypt(v.payload, hexToBytes(v.conversation_key)), v.note).toThrow();
		}
	});
});

describe('NIP-44 beyond the vectors', () => {
	const alice = secretKeyFromHex('7f'.repeat(32));
	const bob = secretKeyFromHex('5a'.repeat(32));

	it('matches a conversation key computed with Node’s own ECDH and HMAC (HKDF-extract)', () => {
		const ecdh = createECDH('secp256k1');
		ecdh.setPrivateKey(Buffer.from(alice));
		const sharedX = ecdh.computeSecret(Buffer.from(`02${publicKeyOf(bob)}`, 'hex'));
		const extracted = createHmac('sha256', 'nip44-v2').update(sharedX).digest('hex');
		expect(bytesToHex(nip44ConversationKey(alice, publicKeyOf(bob)))).toBe(extracted);
	});

	it('round-trips with fresh random nonces, and a flipped bit breaks the MAC', () => {
		const key = nip44ConversationKey(alice, publicKeyOf(bob));
		const a = nip44Encrypt('{"method":"get_balance","params":{}}', key);
		const b = nip44Encrypt('{"method":"get_balance","params":{}}', key);
		expect(a).not.toBe(b);
		expect(nip44Decrypt(a, nip44ConversationKey(bob, publicKeyOf(alice)))).toContain('get_balance');
		const bytes = Buffer.from(a, 'base64');
		bytes[40] = bytes[40]! ^ 1;
		expect(() => nip44Decrypt(bytes.toString('base64'), key)).toThrow('invalid MAC');
	});
});

describe('NIP-04 (legacy wallets)', () => {
	const client = secretKeyFromHex('11'.repeat(32));
	const wallet = secretKeyFromHex('22'.repeat(32));

	it('matches AES-256-CBC keyed with the ECDH x coordinate, computed by Node', () => {
		const iv = Uint8Array.from({ length: 16 }, (_, i) => i);
		const ecdh = createECDH('secp256k1');
		ecdh.setPrivateKey(Buffer.from(client));
		const sharedX = ecdh.computeSecret(Buffer.from(`02${publicKeyOf(wallet)}`, 'hex'));
		const cipher = createCipheriv('aes-256-cbc', sharedX, iv);
		const encrypted = Buffer.concat([cipher.update('hello wallet', 'utf8'), cipher.final()]);
		const expected = encrypted.toString('base64');
		const content = nip04Encrypt('hello wallet', client, publicKeyOf(wallet), iv);
		expect(content).toBe(`${expected}?iv=${Buffer.from(iv).toString('base64')}`);
		expect(nip04Decrypt(content, wallet, publicKeyOf(client))).toBe('hello wallet');
	});

	it('refuses what is not NIP-04 content', () => {
		expect(() => nip04Decrypt('no-iv-here', wallet, publicKeyOf(client))).toThrow();
	});
});

describe('NIP-01 events', () => {
	const known = facts.nip13ExampleEvent;

	it('computes the id of a real event and verifies its BIP-340 signature (NIP-13 example)', () => {
		expect(eventId(known)).toBe(known.id);
		expect(verifyEvent(known)).toBe(true);
	});

	it('rejects an event whose content, id, signature or shape was changed', () => {
		expect(verifyEvent({ ...known, content: `${known.content}!` })).toBe(false);
		expect(verifyEvent({ ...known, created_at: known.created_at + 1 })).toBe(false);
		expect(verifyEvent({ ...known, sig: `${known.sig.slice(0, -2)}00` })).toBe(false);
		expect(verifyEvent({ ...known, id: known.id.toUpperCase() })).toBe(false);
		expect(verifyEvent({ ...known, tags: 'nonce' })).toBe(false);
		expect(verifyEvent(null)).toBe(false);
	});

	it('serialises as NIP-01 says, escapes included, so ids match other implementations', () => {
		const content = 'line\nquote" backslash\\ tab\t cr\r €😀';
		const event = { pubkey: known.pubkey, created_at: 1, kind: 1, tags: [['t', 'x']], content };
		const written =
			`[0,"${known.pubkey}",1,1,[["t","x"]],"line\\nquote\\" backslash\\\\ tab\\t cr\\r €😀"]`;
		expect(serializeEvent(event)).toBe(written);
		expect(eventId(event)).toBe(sha256Hex(Buffer.from(written, 'utf8')));
	});

	it('signs events that verify, under the x-only key of the secret', () => {
		const secret = secretKeyFromHex('3c'.repeat(32));
		const tags = [['p', known.pubkey]];
		const template = { kind: 23194, created_at: 1_760_000_000, tags, content: 'x' };
		const event = signEvent(template, secret);
		expect(event.pubkey).toBe(publicKeyOf(secret));
		expect(event.id).toBe(eventId(event));
		expect(verifyEvent(event)).toBe(true);
		expect(tagValue(event, 'p')).toBe(known.pubkey);
		expect(tagValue(event, 'e')).toBeNull();
	});

	it('validates keys', () => {
		expect(isValidXOnlyPublicKey(known.pubkey)).toBe(true);
		expect(isValidXOnlyPublicKey('ff'.repeat(32))).toBe(false);
		expect(isValidXOnlyPublicKey(known.pubkey.toUpperCase())).toBe(false);
		expect(() => secretKeyFromHex('00'.repeat(32))).toThrow();
		expect(() => secretKeyFromHex('ab')).toThrow();
	});
});
