// The HTTP plumbing the node adapters share, in Node: failures named by cause, JSON-lines streams
// read to the end or to a cut, preimages checked against payment hashes.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import {
	callNode,
	connectionError,
	messageIn,
	NodeHttpError,
	preimageMatches,
	readJson,
	readJsonLines,
	type NodeEndpoint
} from '../../worker/nodes/http';

const endpoint: NodeEndpoint = {
	name: 'LND',
	base: 'https://lnd.example.com:8080',
	headers: { 'Grpc-Metadata-macaroon': 'ab' },
	authHint: 'Check the macaroon.'
};
const deps = (answer: (request: Request) => Promise<Response>) => ({
	fetch: answer,
	now: Date.now
});

function streamOf(parts: string[], cut = false): Response {
	const encoder = new TextEncoder();
	return new Response(
		new ReadableStream<Uint8Array>({
			start(controller) {
				for (const part of parts) controller.enqueue(encoder.encode(part));
				if (cut) controller.error(new Error('Network connection lost.'));
				else controller.close();
			}
		})
	);
}

describe('connectionError', () => {
	it('names the cause', () => {
		expect(connectionError(
			endpoint,
			new DOMException('x', 'TimeoutError'),
			10_000
		)).toMatchObject({ failure: 'timeout', code: 'node-unavailable' });
		expect(connectionError(
			endpoint,
			new TypeError('certificate has expired'),
			1
		)).toMatchObject({ failure: 'tls', code: 'node-misconfigured' });
		expect(connectionError(
			endpoint,
			new TypeError('getaddrinfo ENOTFOUND lnd.example.com'),
			1
		)).toMatchObject({ failure: 'dns' });
		expect(connectionError(
			endpoint,
			new TypeError('connect ECONNREFUSED'),
			1
		)).toMatchObject({ failure: 'refused' });
		expect(connectionError(
			endpoint,
			new TypeError('socket hang up'),
			1
		)).toMatchObject({ failure: 'unreachable' });
	});
});

describe('callNode', () => {
	it('sends the credentials, JSON and a timeout signal, and never follows redirects', async () => {
		let seen: Request | undefined;
		const response = await callNode(
			deps(async (request) => {
				seen = request;
				return new Response('{}');
			}),
			endpoint,
			{ method: 'POST', path: '/v1/invoices', json: { memo: 'x' }, timeoutMs: 1000 }
		);
		expect(response.status).toBe(200);
		expect(seen!.url).toBe('https://lnd.example.com:8080/v1/invoices');
		expect(seen!.headers.get('Grpc-Metadata-macaroon')).toBe('ab');
		expect(seen!.headers.get('content-type')).toBe('application/json');
		expect(seen!.redirect).toBe('manual');
		expect(seen!.signal).toBeInstanceOf(AbortSignal);
		expect(await seen!.text()).toBe('{"memo":"x"}');
	});

	it('turns 401/403, redirects and Cloudflare’s 52x into errors, and passes other statuses on', async () => {
		const answer = (status: number, body = '', headers: Record<string, string> = {}) => callNode(
			deps(async () => new Response(body || null, { status, headers })),
			endpoint,
			{ method: 'GET', path: '/', timeoutMs: 1000 }
		);
		await expect(answer(403, '{"message":"permission denied"}')).rejects.toMatchObject({
			code: 'node-auth-refused',
			message: expect.stringContaining('“permission denied”')
		});
		await expect(answer(
			307,
			'',
			{ location: 'https://x.example.com/' }
		)).rejects.toMatchObject({ failure: 'redirect' });
		await expect(answer(522)).rejects.toMatchObject({ failure: 'timeout', status: 522 });
		await expect(answer(530)).rejects.toMatchObject({ failure: 'dns' });
		expect((await answer(500, '{"code":2}')).status).toBe(500);
	});
});

describe('readJson and readJsonLines', () => {
	it('reads JSON, and calls anything else what it is', async () => {
		expect(await readJson(
			endpoint,
			new Response('{"a":1}', { status: 404 })
		)).toEqual({ status: 404, body: { a: 1 } });
		await expect(readJson(
			endpoint,
			new Response('<html>', { status: 200 })
		)).rejects.toMatchObject({ failure: 'malformed' });
		await expect(readJson(
			endpoint,
			new Response('Bad gateway', { status: 502 })
		)).rejects.toMatchObject({ failure: 'proxy' });
	});

	it('reads newline-separated values split across chunks, with or without a final newline', async () => {
		const values = await readJsonLines(
			endpoint,
			streamOf(['{"result":{"a":', '1}}\n{"result"', ':{"a":2}}']),
			() => false
		);
		expect(values).toEqual([{ result: { a: 1 } }, { result: { a: 2 } }]);
		const first = await readJsonLines(endpoint, streamOf(['{"n":1}\n{"n":2}\n']), () => true);
		expect(first).toEqual([{ n: 1 }]);
	});

	it('reports a cut stream as a broken connection', async () => {
		const cut = streamOf(['{"result":{'], true);
		const error = await readJsonLines(endpoint, cut, () => false).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeHttpError);
		expect(error).toMatchObject({ failure: 'unreachable' });
	});
});

describe('helpers', () => {
	it('finds the node’s message in its error shapes', () => {
		expect(messageIn({ code: 2, message: 'a' })).toBe('a');
		expect(messageIn({ error: { code: 6, message: 'b' } })).toBe('b');
		expect(messageIn({ detail: 'c' })).toBe('c');
		expect(messageIn({ detail: [{ msg: 'x' }] })).toBeNull();
	});

	it('checks a preimage against its payment hash', () => {
		const preimage = '11'.repeat(32);
		const hash = bytesToHex(sha256(new Uint8Array(32).fill(0x11)));
		expect(preimageMatches(preimage, hash)).toBe(true);
		expect(preimageMatches(preimage.toUpperCase(), hash)).toBe(true);
		expect(preimageMatches('22'.repeat(32), hash)).toBe(false);
		expect(preimageMatches('', hash)).toBe(false);
	});
});
