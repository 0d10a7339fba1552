import { describe, expect, it } from 'vitest';
import { constantTimeEqual, hashPassword, PBKDF2_ITERATIONS, verifyPassword } from '../../worker/auth/password';

describe('password hashing (PBKDF2-HMAC-SHA256)', () => {
	it('stores algorithm, iterations, salt and hash, and verifies only the right password', async () => {
		const stored = await hashPassword('correct horse');
		const [algorithm, iterations, salt, hash] = stored.split('$');
		expect(algorithm).toBe('pbkdf2-sha256');
		expect(Number(iterations)).toBe(PBKDF2_ITERATIONS);
		expect(atob(salt!)).toHaveLength(16);
		expect(atob(hash!)).toHaveLength(32);
		expect(await verifyPassword('correct horse', stored)).toBe(true);
		expect(await verifyPassword('correct horsE', stored)).toBe(false);
		expect(await verifyPassword('', stored)).toBe(false);
	});

	it('salts every hash, so equal passwords do not give equal hashes', async () => {
		expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
	});

	it('matches an independent PBKDF2 computation (RFC 8018) for a fixed salt', async () => {
		const salt = new Uint8Array(16).fill(7);
		const stored = await hashPassword('pässword', salt);
		const { pbkdf2Sync } = await import('node:crypto');
		const expected = pbkdf2Sync('pässword', Buffer.from(salt), PBKDF2_ITERATIONS, 32, 'sha256').toString('base64');
		expect(stored.split('$')[3]).toBe(expected);
	});

	it.each([
		'',
		'plain-text',
		'md5$x$y$z',
		'pbkdf2-sha256$0$AAAA$AAAA',
		'pbkdf2-sha256$999999999$AAAA$AAAA',
		'pbkdf2-sha256$abc$AAAA$AAAA'
	])('refuses a malformed or over-expensive stored hash %j', async (stored) => {
		expect(await verifyPassword('anything', stored)).toBe(false);
	});

	it('compares bytes in full', () => {
		expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
		expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
		expect(constantTimeEqual(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(false);
	});
});
