// A fake LNbits wallet API (test/fixtures/nodes/lnbits-api.ts): `X-Api-Key` with an invoice key
// and an admin key; `POST /api/v1/payments` creates (`out: false`, amount in sat) or pays
// (`out: true`, admin key) and answers 201 with the Payment model (v1.x) or, in `v012` mode, the
// old `{ payment_hash, payment_request, checking_id }`; a second payment of a hash is HTTP 520
// `{ detail, status }`; `GET /api/v1/payments/{hash}` shows `details` only to the owner's key.
import { decodeInvoice } from '../../../worker/lightning/bolt11';
import {
	LNBITS_CREATE_FIELDS,
	LNBITS_ERRORS,
	LNBITS_KEY_HEADER
} from '../../fixtures/nodes/lnbits-api';
import { bytesToHex, FakeNode, hang, json, type Recorded } from './common';

type Payment = {
	checking_id: string;
	payment_hash: string;
	wallet_id: string;
	amount: number;
	fee: number;
	bolt11: string;
	payment_request: string;
	status: 'pending' | 'success' | 'failed';
	memo: string;
	expiry: string;
	preimage: string | null;
	time: string;
	created_at: string;
	updated_at: string;
	extra: Record<string, unknown>;
	labels: string[];
	webhook: string | null;
	webhook_status: number | null;
};

const detail = (e: { status: number; detail: string }) => json({ detail: e.detail }, e.status);

export class FakeLnbits extends FakeNode {
	readonly invoiceKey = bytesToHex(crypto.getRandomValues(new Uint8Array(16)));
	readonly adminKey = bytesToHex(crypto.getRandomValues(new Uint8Array(16)));
	readonly walletId = bytesToHex(crypto.getRandomValues(new Uint8Array(16)));
	balanceMsat = 123_456_000;
	/** Answer creation as LNbits 0.12 did. */
	v012 = false;
	readonly payments = new Map<string, Payment>();
	readonly tampered = new Map<string, Record<string, unknown>>();

	protected async handle(request: Recorded): Promise<Response> {
		const key = request.headers.get(LNBITS_KEY_HEADER);
		const role = key === this.adminKey ? 'admin' : key === this.invoiceKey ? 'invoice' : null;
		const { path, method } = request;
		if (method === 'GET' && path.startsWith('/api/v1/payments/')) {
			// The key is optional here; details only for the owning wallet's key.
			const hash = path.slice('/api/v1/payments/'.length);
			const payment = this.payments.get(hash);
			if (!payment) return detail(LNBITS_ERRORS.noPayment);
			const shown = { ...payment, ...this.tampered.get(hash) };
			const paid = payment.status === 'success';
			return json({ paid, preimage: payment.preimage, ...(role ? { details: shown } : {}) });
		}
		if (!key) return detail(LNBITS_ERRORS.noKey);
		if (!role) return detail(LNBITS_ERRORS.unknownKey);
		if (method === 'GET' && path === '/api/v1/wallet') {
			return json({ id: this.walletId, name: 'Shop wallet', balance: this.balanceMsat });
		}
		if (method === 'GET' && path === '/api/v1/payments') {
			const limit = Number(request.url.searchParams.get('limit') ?? 100);
			const list = [...this.payments.values()].reverse().slice(0, limit);
			return json(list);
		}
		if (method === 'POST' && path === '/api/v1/payments') {
			const body = (request.body ?? {}) as Record<string, unknown>;
			for (const name of Object.keys(body)) {
				if (!(LNBITS_CREATE_FIELDS as readonly string[]).includes(name)) {
					const issue = { loc: ['body', name], msg: 'extra fields not permitted' };
					return json({ detail: [issue] }, 422);
				}
			}
			// CreateInvoice.out defaults to true.
			if (body.out !== false) {
				if (role !== 'admin') return detail(LNBITS_ERRORS.adminRequired);
				if (typeof body.bolt11 !== 'string') {
					return json({ detail: 'BOLT11 string is invalid or not given' }, 400);
				}
				return this.pay(request, body.bolt11);
			}
			return this.create(body);
		}
		return json({ detail: 'Not Found' }, 404);
	}

	settle(hash: string): void {
		const payment = this.payments.get(hash);
		if (!payment || payment.amount <= 0) throw new Error(`fake LNbits has no invoice ${hash}`);
		payment.status = 'success';
		payment.updated_at = new Date(this.now()).toISOString();
	}

	finish(hash: string, outcome: 'succeed' | 'fail'): void {
		const payment = this.payments.get(hash);
		const destination = this.network.get(hash);
		if (!payment) throw new Error(`fake LNbits has no payment ${hash}`);
		if (outcome === 'succeed' && destination) {
			payment.status = 'success';
			payment.preimage = destination.preimage;
		} else payment.status = 'failed';
	}

	private create(body: Record<string, unknown>): Response {
		if (body.unit !== undefined && body.unit !== 'sat') {
			return json({ detail: 'fiat not configured' }, 400);
		}
		if (typeof body.amount !== 'number' || body.amount <= 0) {
			return json({ detail: 'Amountless invoices not supported.' }, 400);
		}
		const expiry = Number(body.expiry ?? 3600);
		const memo = String(body.memo ?? 'LNbits');
		const minted = this.mint({
			amountMsat: BigInt(Math.floor(body.amount)) * 1000n,
			description: memo,
			expirySeconds: expiry
		});
		const now = new Date(this.now()).toISOString();
		const payment: Payment = {
			checking_id: minted.paymentHash,
			payment_hash: minted.paymentHash,
			wallet_id: this.walletId,
			amount: Math.floor(body.amount) * 1000,
			fee: 0,
			bolt11: minted.bolt11,
			payment_request: minted.bolt11,
			status: 'pending',
			memo,
			expiry: new Date(this.now() + expiry * 1000).toISOString(),
			preimage: minted.preimage,
			time: now,
			created_at: now,
			updated_at: now,
			extra: (body.extra as Record<string, unknown> | undefined) ?? {},
			labels: [],
			webhook: null,
			webhook_status: null
		};
		this.payments.set(payment.payment_hash, payment);
		if (this.v012) {
			return json(
				{
					payment_hash: payment.payment_hash,
					payment_request: payment.bolt11,
					checking_id: payment.checking_id,
					lnurl_response: null
				},
				201
			);
		}
		return json(payment, 201);
	}

	private async pay(request: Recorded, bolt11: string): Promise<Response> {
		let decoded;
		try {
			decoded = decodeInvoice(bolt11);
		} catch {
			return json({ detail: 'Invalid bolt11 invoice.' }, 400);
		}
		const hash = decoded.paymentHash;
		const existing = this.payments.get(hash);
		if (existing && existing.amount < 0) {
			const error =
				existing.status === 'pending'
					? LNBITS_ERRORS.stillPending
					: existing.status === 'success'
						? LNBITS_ERRORS.alreadyPaid
						: LNBITS_ERRORS.failedBefore;
			return json({ detail: error.detail, status: error.paymentStatus }, 520);
		}
		const amount = Number(decoded.amountMsat ?? 0n);
		const now = new Date(this.now()).toISOString();
		const payment: Payment = {
			checking_id: hash,
			payment_hash: hash,
			wallet_id: this.walletId,
			amount: -amount,
			fee: -1000,
			bolt11,
			payment_request: bolt11,
			status: 'pending',
			memo: decoded.description ?? '',
			expiry: new Date(decoded.expiresAt * 1000).toISOString(),
			preimage: null,
			time: now,
			created_at: now,
			updated_at: now,
			extra: {},
			labels: [],
			webhook: null,
			webhook_status: null
		};
		this.payments.set(hash, payment);
		const destination = this.network.get(hash);
		if (!destination || destination.outcome === 'fail') {
			payment.status = 'failed';
			return json({ detail: 'Payment failed: no route', status: 'failed' }, 520);
		}
		if (destination.outcome === 'in-flight') return json(payment, 201);
		payment.status = 'success';
		payment.preimage = destination.preimage;
		if (destination.outcome === 'cut') return hang(request);
		return json(payment, 201);
	}
}
