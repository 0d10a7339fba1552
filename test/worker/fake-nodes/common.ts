// What the fake nodes share: a request log (for the contract tests), fault injection (answer the
// next matching request with anything, or throw as a broken connection would), invoices signed
// like a real node's (genuine regtest BOLT 11), and "the network" the fakes pay into: payment
// hashes whose preimage is known, and how paying them should go.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
	encodeInvoice,
	newNodePrivateKey,
	nodeKeyFromPrivateKey
} from '../../../worker/lightning/bolt11';

export type FakeFetch = (request: Request) => Promise<Response>;

export type Recorded = {
	method: string;
	url: URL;
	path: string;
	headers: Headers;
	/** Parsed JSON body, or undefined when there was none. */
	body: unknown;
	/** The raw body text. */
	text: string;
	signal: AbortSignal;
};

type Fault = {
	match: (request: Recorded) => boolean;
	answer: (request: Recorded) => Response | Promise<Response>;
	remaining: number;
};

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json', ...headers }
	});
}

/** A promise that settles only when the request is aborted (our timeout): a node that hangs. */
export function hang(request: Recorded): Promise<Response> {
	return new Promise((_, reject) => {
		const aborted = new DOMException('The operation was aborted', 'AbortError');
		const fail = () => reject(request.signal.reason ?? aborted);
		if (request.signal.aborted) fail();
		else request.signal.addEventListener('abort', fail, { once: true });
	});
}

/** How paying a hash goes on the fake network. */
export type Outcome =
	/** Pays at once (the preimage is known). */
	| 'succeed'
	/** Fails for good (no route). */
	| 'fail'
	/** Stays in flight; the answer never comes (until settle/fail is called on the fake). */
	| 'in-flight'
	/** The node pays, but the connection breaks before the answer arrives. */
	| 'cut';

export type Destination = { preimage: string; outcome: Outcome };

export abstract class FakeNode {
	readonly log: Recorded[] = [];
	readonly privateKey = newNodePrivateKey();
	readonly nodeId = nodeKeyFromPrivateKey(this.privateKey);
	/** Invoices of other nodes this node can pay, by payment hash. */
	readonly network = new Map<string, Destination>();
	private faults: Fault[] = [];
	now: () => number = Date.now;
	/** A path the node is served under behind a reverse proxy (e.g. '/lnbits'); `path` omits it. */
	pathPrefix = '';

	/** The fake as a fetch function (what `useNodeFetcher` or adapter deps take). */
	readonly fetch: FakeFetch = async (request) => {
		const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
		let body: unknown = undefined;
		if (text !== '') {
			try {
				body = JSON.parse(text);
			} catch {
				body = undefined;
			}
		}
		const url = new URL(request.url);
		const prefixed = this.pathPrefix !== '' && url.pathname.startsWith(this.pathPrefix);
		const recorded: Recorded = {
			method: request.method,
			url,
			path: prefixed ? url.pathname.slice(this.pathPrefix.length) : url.pathname,
			headers: request.headers,
			body,
			text,
			signal: request.signal
		};
		this.log.push(recorded);
		const fault = this.faults.find((f) => f.remaining > 0 && f.match(recorded));
		if (fault) {
			fault.remaining--;
			return fault.answer(recorded);
		}
		return this.handle(recorded);
	};

	protected abstract handle(request: Recorded): Promise<Response>;

	/** Answers the next `times` requests whose path contains `match` (or that it accepts). */
	inject(
		match: string | ((request: Recorded) => boolean),
		answer: (request: Recorded) => Response | Promise<Response>,
		times = 1
	): void {
		const test = typeof match === 'string' ? (r: Recorded) => r.path.includes(match) : match;
		this.faults.push({ match: test, answer, remaining: times });
	}

	clearFaults(): void {
		this.faults = [];
	}

	/** Requests whose path contains `path`. */
	requests(path: string): Recorded[] {
		return this.log.filter((r) => r.path.includes(path));
	}

	/** A genuine regtest invoice signed by this node. */
	mint(input: {
		amountMsat: bigint;
		description: string;
		expirySeconds: number;
		preimage?: Uint8Array;
		timestamp?: number;
	}): {
		bolt11: string;
		paymentHash: string;
		preimage: string;
		paymentSecret: string;
	} {
		const preimage = input.preimage ?? crypto.getRandomValues(new Uint8Array(32));
		const paymentHash = bytesToHex(sha256(preimage));
		const paymentSecret = bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
		const bolt11 = encodeInvoice({
			network: 'regtest',
			amountMsat: input.amountMsat,
			paymentHash,
			paymentSecret,
			description: input.description,
			expirySeconds: input.expirySeconds,
			timestamp: input.timestamp ?? Math.floor(this.now() / 1000),
			privateKey: this.privateKey
		});
		return { bolt11, paymentHash, preimage: bytesToHex(preimage), paymentSecret };
	}
}

/** An invoice of some other node that the fakes' network knows how to pay. */
export function foreignInvoice(
	amountMsat: bigint,
	outcome: Outcome = 'succeed',
	expirySeconds = 600
) {
	const preimage = crypto.getRandomValues(new Uint8Array(32));
	const paymentHash = bytesToHex(sha256(preimage));
	const bolt11 = encodeInvoice({
		network: 'regtest',
		amountMsat,
		paymentHash,
		paymentSecret: bytesToHex(crypto.getRandomValues(new Uint8Array(32))),
		description: 'elsewhere',
		expirySeconds,
		timestamp: Math.floor(Date.now() / 1000),
		privateKey: newNodePrivateKey()
	});
	const hex = bytesToHex(preimage);
	return { bolt11, paymentHash, preimage: hex, destination: { preimage: hex, outcome } };
}

/** Routes requests to fakes by host (`host:port`), like DNS; unknown hosts fail to resolve. */
export function fakeInternet(hosts: Record<string, FakeFetch>): FakeFetch {
	return async (request) => {
		const host = new URL(request.url).host;
		const target = hosts[host];
		if (!target) throw new TypeError(`DNS lookup failed: ${host} not known`);
		return target(request);
	};
}

export { bytesToHex, hexToBytes };
