// A small LND REST node for the end-to-end test, served from the test process on 127.0.0.1
// (local development lets a store use an http loopback node). It answers like LND
// (lnrpc swagger: macaroon header, int64 as strings, base64 hashes), issues genuine signed
// regtest invoices, and settles one when the test says the customer paid.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeInvoice, newNodePrivateKey, nodeKeyFromPrivateKey } from '../../worker/lightning/bolt11.ts';

type Invoice = { hash: string; bolt11: string; amountMsat: bigint; created: number; expiry: number; paidMsat: bigint; settledAt: number };

export type FakeLnd = { url: string; macaroon: string; invoices: Map<string, Invoice>; settle(hash: string): void; close(): Promise<void> };

export async function startFakeLnd(): Promise<FakeLnd> {
	const key = newNodePrivateKey();
	const macaroon = randomBytes(64).toString('hex');
	const invoices = new Map<string, Invoice>();
	const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
	const server: Server = createServer((req, res) => {
		let raw = '';
		req.on('data', (chunk: Buffer) => (raw += chunk));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://fake');
			const send = (status: number, body: unknown) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(body));
			};
			if (req.headers['grpc-metadata-macaroon'] !== macaroon) return send(500, { code: 2, message: 'verification failed', details: [] });
			if (req.method === 'GET' && url.pathname === '/v1/getinfo') {
				return send(200, { identity_pubkey: nodeKeyFromPrivateKey(key), alias: 'e2e-lnd', synced_to_chain: true, synced_to_graph: true, chains: [{ chain: 'bitcoin', network: 'regtest' }] });
			}
			if (req.method === 'GET' && url.pathname === '/v1/balance/channels') {
				return send(200, { local_balance: { sat: '1000000', msat: '1000000000' } });
			}
			if (req.method === 'POST' && url.pathname === '/v1/invoices') {
				const body = JSON.parse(raw || '{}') as { r_preimage: string; value_msat: string; memo: string; expiry: string };
				const hash = createHash('sha256').update(Buffer.from(body.r_preimage, 'base64')).digest('hex');
				if (invoices.has(hash)) return send(500, { code: 2, message: 'invoice with payment hash already exists', details: [] });
				const created = Math.floor(Date.now() / 1000);
				const bolt11 = encodeInvoice({
					network: 'regtest',
					amountMsat: BigInt(body.value_msat),
					paymentHash: hash,
					paymentSecret: randomBytes(32).toString('hex'),
					description: body.memo,
					expirySeconds: Number(body.expiry),
					timestamp: created,
					privateKey: key
				});
				invoices.set(hash, { hash, bolt11, amountMsat: BigInt(body.value_msat), created, expiry: Number(body.expiry), paidMsat: 0n, settledAt: 0 });
				return send(200, { r_hash: b64(hash), payment_request: bolt11, add_index: String(invoices.size), payment_addr: b64(randomBytes(32).toString('hex')) });
			}
			if (req.method === 'GET' && url.pathname === '/v2/invoices/lookup') {
				const hash = Buffer.from(url.searchParams.get('payment_hash') ?? '', 'base64url').toString('hex');
				const invoice = invoices.get(hash);
				if (!invoice) return send(404, { code: 5, message: 'unable to locate invoice', details: [] });
				return send(200, {
					r_hash: b64(hash),
					payment_request: invoice.bolt11,
					value_msat: invoice.amountMsat.toString(),
					creation_date: String(invoice.created),
					expiry: String(invoice.expiry),
					state: invoice.paidMsat > 0n ? 'SETTLED' : 'OPEN',
					amt_paid_msat: invoice.paidMsat.toString(),
					settle_date: String(invoice.settledAt)
				});
			}
			send(404, { code: 5, message: 'Not Found', details: [] });
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		macaroon,
		invoices,
		settle(hash) {
			const invoice = invoices.get(hash);
			if (!invoice) throw new Error(`no invoice ${hash}`);
			invoice.paidMsat = invoice.amountMsat;
			invoice.settledAt = Math.floor(Date.now() / 1000);
		},
		close: () => new Promise((resolve) => server.close(() => resolve()))
	};
}
