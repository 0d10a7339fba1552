// Stand-in for the `create-hash` npm package inside the worker, built on @noble/hashes. bolt11
// only calls `require('create-hash')('sha256').update(bytes).digest()`; the real package drags
// in Node's `stream` and `events` (cipher-base, hash-base, readable-stream) for nothing.
// wrangler.toml's [alias] and the worker test config point the specifier here instead.
//
// This file is deliberately CommonJS, written as a TypeScript script (no import or export): bolt11
// calls the module itself as a function, and a bundler hands `require()` of an ES module back as
// its namespace object, which cannot be called. esbuild and rolldown both wrap a file that assigns
// `module.exports` as CommonJS. The block keeps these names out of TypeScript's global scope.
{
	const { sha256 } = require('@noble/hashes/sha2.js') as typeof import('@noble/hashes/sha2.js');

	/** The part of Node's `Hash` that bolt11 uses. */
	type Hash = {
		update(data: Uint8Array | string): Hash;
		digest(): Uint8Array;
	};

	const encoder = new TextEncoder();

	const createHash = (algorithm: string): Hash => {
		if (algorithm.toLowerCase() !== 'sha256') {
			throw new Error(`create-hash shim: only sha256 is provided, not ${algorithm}`);
		}
		const state = sha256.create();
		const hash: Hash = {
			update(data) {
				// A string is hashed as UTF-8, Node's default input encoding.
				state.update(typeof data === 'string' ? encoder.encode(data) : data);
				return hash;
			},
			// bolt11 only feeds the digest to secp256k1 and bech32, which take any Uint8Array.
			digest: () => state.digest()
		};
		return hash;
	};

	module.exports = createHash;
}
