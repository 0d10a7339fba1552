import { describe, expect, it } from 'vitest';
import { allows, closure, parseGrant, STORE, UNRESTRICTED } from '../../worker/auth/permissions';

describe('Greenfield permissions', () => {
	it('follows the inclusion tree', () => {
		const settings = closure(STORE.modifyStoreSettings);
		for (const p of [STORE.modifyInvoices, STORE.viewInvoices, STORE.createInvoice, STORE.modifyWebhooks, STORE.viewReports]) {
			expect(settings.has(p), p).toBe(true);
		}
		expect(closure(STORE.viewInvoices)).toEqual(new Set([STORE.viewInvoices]));
		expect(closure(STORE.modifyInvoices).has(STORE.modifyStoreSettings)).toBe(false);
	});

	it.each([
		['btcpay.store.cancreateinvoice', { permission: STORE.createInvoice, storeId: null }],
		['btcpay.store.cancreateinvoice:Abc123', { permission: STORE.createInvoice, storeId: 'Abc123' }],
		['unrestricted', { permission: UNRESTRICTED, storeId: null }],
		['btcpay.store.canfly', null],
		['btcpay.user.canviewprofile:Abc', null],
		['btcpay.store.cancreateinvoice:bad id', null],
		['', null]
	])('parses %j', (text, expected) => {
		expect(parseGrant(text)).toEqual(expected);
	});

	it('scopes store grants to their store', () => {
		const grants = [{ permission: STORE.createInvoice, storeId: 'A' }];
		expect(allows(grants, STORE.createInvoice, 'A')).toBe(true);
		expect(allows(grants, STORE.createInvoice, 'B')).toBe(false);
		expect(allows(grants, STORE.viewInvoices, 'A')).toBe(false);
		expect(allows([{ permission: STORE.modifyInvoices, storeId: null }], STORE.viewInvoices, 'B')).toBe(true);
		expect(allows([{ permission: UNRESTRICTED, storeId: null }], STORE.modifyStoreSettings, 'Z')).toBe(true);
	});
});
