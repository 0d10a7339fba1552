// The HTTP plumbing the node adapters share (LND REST, Core Lightning's clnrest, LNbits): one way
// to call a node with a timeout, read its JSON (or its stream of JSON lines), check the shape of
// what it said, and turn every way of failing into a NodeError whose message tells the merchant
// what to fix. Also the two checks every adapter needs before believing a payment: the payment
// hash a BOLT 11 invoice commits to, and that a preimage really hashes to it.
//
// Failure classes (NodeHttpError.failure) are what the connection test reports, check by check:
// the transport (timeout, DNS, refused, unreachable), TLS, credentials, redirects, the proxy or
// tunnel in front of the node (HTTP 5xx that is not JSON, Cloudflare's 52x), and answers that are
// not JSON or not in the documented shape.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { ZodType } from 'zod';
import { decodeInvoice } from '../lightning/bolt11';
import { NodeError } from './types';

/** What the adapters send requests through: the platform's fetch, or a fake node in tests. */
export type NodeFetch = (request: Request) => Promise<Response>;

export type NodeDeps = {
	fetch: NodeFetch;
	now: () => number;
	/** Overrides (tests): how long one call, or one payment, may take in ms. */
	timeouts?: { requestMs?: number; payMs?: number };
};

/** Invoice and lookup calls: a node that has not answered in 10 s is not going to. */
export const REQUEST_TIMEOUT_MS = 10_000;
/** Payments wait for the route to resolve (the node's own retry window plus margin). */
export const PAY_TIMEOUT_MS = 60_000;
/** No node answer we read is anywhere near this; a larger one is not a node talking. */
const MAX_BODY_CHARS = 4 * 1024 * 1024;

export type NodeFailure =
	| 'timeout'
	| 'dns'
	| 'refused'
	| 'unreachable'
	| 'tls'
	| 'auth'
	| 'redirect'
	| 'proxy'
	| 'malformed'
	| 'shape'
	| 'refusal'
	| 'unknown-outcome';

/** A NodeError that also says which part of the connection failed (for the connection test). */
export class NodeHttpError extends NodeError {
	readonly failure: NodeFailure;
	readonly status: number | null;

	constructor(
		code: NodeError['code'],
		failure: NodeFailure,
		message: string,
		options: { cause?: unknown; status?: number | null } = {}
	) {
		super(code, message, { cause: options.cause });
		this.name = 'NodeHttpError';
		this.failure = failure;
		this.status = options.status ?? null;
	}
}

/** How to reach one node and how to name it in messages. */
export type NodeEndpoint = {
	/** The name the merchant knows: 'LND', 'Core Lightning', 'LNbits'. */
	name: string;
	/** Base URL (checked by url-policy), without a trailing slash. */
	base: string;
	/** Credential headers for every call. */
	headers: Record<string, string>;
	/** What to check when the node refuses the credentials. */
	authHint: string;
};

export type NodeCall = {
	method: 'GET' | 'POST';
	/** Path and query, starting with '/'. */
	path: string;
	json?: unknown;
	timeoutMs: number;
};

const hostOf = (endpoint: NodeEndpoint): string => new URL(endpoint.base).host;
const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

/** A short, printable sample of a body for messages. */
export function sample(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > 80 ? `${flat.slice(0, 80)}…` : flat;
}

/** What fetch throws, in the merchant's terms. */
export function connectionError(
	endpoint: NodeEndpoint,
	error: unknown,
	timeoutMs: number
): NodeHttpError {
	const host = hostOf(endpoint);
	const name = error instanceof Error ? error.name : '';
	const text = error instanceof Error ? error.message : String(error);
	if (name === 'TimeoutError' || name === 'AbortError') {
		return new NodeHttpError(
			'node-unavailable',
			'timeout',
			`${endpoint.name} at ${host} did not answer within ${seconds(timeoutMs)}. Check that it is` +
				' running and that the tunnel or reverse proxy in front of it is up.',
			{ cause: error }
		);
	}
	if (/certificate|tls|ssl|handshake/i.test(text)) {
		return new NodeHttpError(
			'node-misconfigured',
			'tls',
			`The TLS certificate of ${host} is not publicly trusted (${text}). Workers accept only` +
				' certificates from public authorities, not the self-signed one the node generates: put a' +
				' reverse proxy with Let’s Encrypt or a Cloudflare Tunnel in front of it.',
			{ cause: error }
		);
	}
	if (/dns|resolv|not known|enotfound|getaddrinfo|no such host/i.test(text)) {
		return new NodeHttpError(
			'node-unavailable',
			'dns',
			`${host} could not be found in DNS (${text}). Check the spelling, and that the name is` +
				' published in public DNS.',
			{ cause: error }
		);
	}
	if (/refused/i.test(text)) {
		return new NodeHttpError(
			'node-unavailable',
			'refused',
			`${host} refused the connection. Check that ${endpoint.name}’s REST interface is running and` +
				' listening on that port, and that the port is open to the internet.',
			{ cause: error }
		);
	}
	return new NodeHttpError(
		'node-unavailable',
		'unreachable',
		`Could not reach ${endpoint.name} at ${host} (${text || 'connection failed'}). Check that it is` +
			' running and reachable from the internet.',
		{ cause: error }
	);
}

// Cloudflare's own error statuses (support/troubleshooting/http-status-codes/
// cloudflare-5xx-errors): they come from Cloudflare's edge in front of the node, never from the
// node itself.
type EdgeError = { failure: NodeFailure; code: NodeError['code']; what: string };
const CLOUDFLARE_STATUS: Record<number, EdgeError> = {
	521: {
		failure: 'refused',
		code: 'node-unavailable',
		what: 'the node refused the connection from Cloudflare (521): is it running?'
	},
	522: {
		failure: 'timeout',
		code: 'node-unavailable',
		what: 'the connection to the node timed out (522): is the port open?'
	},
	523: {
		failure: 'unreachable',
		code: 'node-unavailable',
		what: 'the node is unreachable (523): check its DNS record and network'
	},
	524: {
		failure: 'timeout',
		code: 'node-unavailable',
		what: 'the node accepted the connection but did not answer in time (524)'
	},
	525: {
		failure: 'tls',
		code: 'node-misconfigured',
		what:
			'the TLS handshake with the node failed (525): it must serve HTTPS with a valid certificate'
	},
	526: {
		failure: 'tls',
		code: 'node-misconfigured',
		what:
			'the node’s TLS certificate is not publicly trusted (526): self-signed certificates are' +
			' refused, so put a reverse proxy with Let’s Encrypt or a Cloudflare Tunnel in front of it'
	},
	530: {
		failure: 'dns',
		code: 'node-unavailable',
		what: 'Cloudflare could not resolve or reach the node (530, often DNS error 1016)'
	}
};

/** The node's own message in an error body, whichever of the usual shapes it takes. */
export function messageIn(body: unknown): string | null {
	if (typeof body !== 'object' || body === null) return null;
	const record = body as Record<string, unknown>;
	for (const key of ['message', 'detail', 'error']) {
		const value = record[key];
		if (typeof value === 'string' && value !== '') return value;
		if (key === 'error' && typeof value === 'object' && value !== null) return messageIn(value);
	}
	return null;
}

function parseMaybe(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return null;
	}
}

/**
 * Sends one call. Throws NodeHttpError for what is not an answer from the node itself: no
 * connection, a timeout, a redirect, refused credentials (401/403), Cloudflare's 52x. Any other
 * status is returned for the adapter to interpret (each node kind has its own error shapes).
 */
export async function callNode(
	deps: NodeDeps,
	endpoint: NodeEndpoint,
	call: NodeCall
): Promise<Response> {
	const headers = new Headers(endpoint.headers);
	headers.set('accept', 'application/json');
	let body: string | undefined;
	if (call.json !== undefined) {
		headers.set('content-type', 'application/json');
		body = JSON.stringify(call.json);
	}
	let response: Response;
	try {
		response = await deps.fetch(
			new Request(`${endpoint.base}${call.path}`, {
				method: call.method,
				headers,
				body,
				// A redirect would carry the credentials to wherever it points: never follow one.
				redirect: 'manual',
				signal: AbortSignal.timeout(call.timeoutMs)
			})
		);
	} catch (error) {
		throw connectionError(endpoint, error, call.timeoutMs);
	}
	const host = hostOf(endpoint);
	if (response.status >= 300 && response.status < 400) {
		const location = response.headers.get('location');
		throw new NodeHttpError(
			'node-misconfigured',
			'redirect',
			`${endpoint.name} at ${host} answered with a redirect${location ? ` to ${location}` : ''}.` +
				' Enter the address the node’s REST interface answers on directly.',
			{ status: response.status }
		);
	}
	if (response.status === 401 || response.status === 403) {
		const said = messageIn(parseMaybe(await safeText(response)));
		const quoted = said ? `: “${said}”` : '';
		throw new NodeHttpError(
			'node-auth-refused',
			'auth',
			`${endpoint.name} at ${host} refused the credentials (HTTP ${response.status}${quoted}).` +
				` ${endpoint.authHint}`,
			{ status: response.status }
		);
	}
	const edge = CLOUDFLARE_STATUS[response.status];
	if (edge) {
		throw new NodeHttpError(edge.code, edge.failure, `${endpoint.name} at ${host}: ${edge.what}.`, {
			status: response.status
		});
	}
	return response;
}

async function safeText(response: Response): Promise<string> {
	try {
		return await response.text();
	} catch {
		return '';
	}
}

/** Reads a JSON answer. A body that is not JSON is not the node talking (a proxy, a web page). */
export async function readJson(
	endpoint: NodeEndpoint,
	response: Response
): Promise<{ status: number; body: unknown }> {
	let text: string;
	try {
		text = await response.text();
	} catch (error) {
		throw broken(endpoint, 'answering', error, response.status);
	}
	if (text.length > MAX_BODY_CHARS) {
		const message = `${endpoint.name} sent an answer too large to be one.`;
		throw new NodeHttpError('node-unavailable', 'malformed', message, { status: response.status });
	}
	try {
		return { status: response.status, body: JSON.parse(text) as unknown };
	} catch {
		throw notJson(endpoint, response.status, text);
	}
}

/** The connection dropped while the node was sending (a restart, a tunnel going down). */
function broken(endpoint: NodeEndpoint, doing: string, error: unknown, status: number) {
	const why = error instanceof Error ? error.message : String(error);
	return new NodeHttpError(
		'node-unavailable',
		'unreachable',
		`The connection to ${endpoint.name} broke while it was ${doing} (${why}).`,
		{ cause: error, status }
	);
}

function notJson(endpoint: NodeEndpoint, status: number, text: string): NodeHttpError {
	const host = hostOf(endpoint);
	const shown = sample(text) || 'empty body';
	if (status >= 500) {
		return new NodeHttpError(
			'node-unavailable',
			'proxy',
			`${host} answered HTTP ${status} without a ${endpoint.name} error (${shown}): this usually` +
				' comes from the proxy or tunnel in front of the node. Check that the node behind it is' +
				' running.',
			{ status }
		);
	}
	return new NodeHttpError(
		'node-unavailable',
		'malformed',
		`${host} answered HTTP ${status} with something that is not JSON (${shown}). Check that the` +
			` address is ${endpoint.name}’s REST interface, not a web page.`,
		{ status }
	);
}

/**
 * Reads a stream of JSON values separated by newlines (grpc-gateway's server streaming, as LND
 * REST sends it). A cut stream throws NodeHttpError 'unreachable'; a line that is not JSON,
 * 'malformed'. `stopAfter` ends reading (and cancels the stream) once it returns true.
 */
export async function readJsonLines(
	endpoint: NodeEndpoint,
	response: Response,
	stopAfter: (value: unknown) => boolean
): Promise<unknown[]> {
	const values: unknown[] = [];
	if (!response.body) return values;
	const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
	let buffer = '';
	const take = (line: string): boolean => {
		if (line.trim() === '') return false;
		let value: unknown;
		try {
			value = JSON.parse(line);
		} catch {
			throw notJson(endpoint, response.status, line);
		}
		values.push(value);
		return stopAfter(value);
	};
	try {
		for (;;) {
			let chunk: ReadableStreamReadResult<string>;
			try {
				chunk = await reader.read();
			} catch (error) {
				throw broken(endpoint, 'reporting', error, response.status);
			}
			if (chunk.done) break;
			buffer += chunk.value;
			if (buffer.length > MAX_BODY_CHARS) {
				throw notJson(endpoint, response.status, buffer.slice(0, 100));
			}
			let newline: number;
			while ((newline = buffer.indexOf('\n')) >= 0) {
				const line = buffer.slice(0, newline);
				buffer = buffer.slice(newline + 1);
				if (take(line)) return values;
			}
		}
		// The last value may end without a newline.
		take(buffer);
		return values;
	} finally {
		reader.cancel().catch(() => undefined);
	}
}

/** Parses a node answer; a mismatch means another kind of node or an unsupported version. */
export function expectShape<T>(
	endpoint: NodeEndpoint,
	schema: ZodType<T>,
	body: unknown,
	what: string
): T {
	const result = schema.safeParse(body);
	if (result.success) return result.data;
	const issue = result.error.issues[0];
	const where = issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : '';
	throw new NodeHttpError(
		'node-unavailable',
		'shape',
		`${endpoint.name} answered ${what} in an unexpected shape (${issue?.message ?? 'invalid'}` +
			`${where}). Check that the address is a ${endpoint.name} node and that its version is` +
			' supported.'
	);
}

/**
 * Failures that prove the request never reached the node's payment logic and that only the
 * merchant can fix (credentials, certificate, redirect): passed on as they are, not resolved.
 */
export function isSetupFailure(error: unknown): error is NodeHttpError {
	return (
		error instanceof NodeHttpError &&
		(error.failure === 'auth' || error.failure === 'tls' || error.failure === 'redirect')
	);
}

/** The payment hash (hex) a BOLT 11 invoice commits to, or null if it is not one. */
export function paymentHashOf(bolt11: string): { hash: string } | { error: string } {
	try {
		return { hash: decodeInvoice(bolt11).paymentHash };
	} catch (error) {
		return { error: error instanceof Error ? error.message : 'not a BOLT 11 invoice' };
	}
}

/** True when `preimage` (hex) is the SHA-256 preimage of `paymentHash` (hex): proof of payment. */
export function preimageMatches(preimage: string, paymentHash: string): boolean {
	if (!/^[0-9a-f]{64}$/i.test(preimage) || !/^[0-9a-f]{64}$/i.test(paymentHash)) return false;
	return bytesToHex(sha256(hexToBytes(preimage.toLowerCase()))) === paymentHash.toLowerCase();
}

/** Thrown when a payment may or may not have happened: the caller looks it up later. */
export function unknownOutcome(
	endpoint: NodeEndpoint,
	paymentHash: string,
	why: string,
	cause?: unknown
): NodeHttpError {
	return new NodeHttpError(
		'node-unavailable',
		'unknown-outcome',
		`${endpoint.name} did not say how payment ${paymentHash.slice(0, 12)}… ended (${why}). It is` +
			' never sent twice; look it up again later.',
		{ cause }
	);
}
