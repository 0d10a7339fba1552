// Greenfield permission strings, their inclusion tree and the store roles built from them.
// A permission may be scoped to one store as `permission:storeId`; `unrestricted` is everything.
// Source: BTCPay Server `BTCPayServer.Client/Permissions.cs` and its PolicyDefinitions.

export const STORE = {
	modifyStoreSettings: 'btcpay.store.canmodifystoresettings',
	viewStoreSettings: 'btcpay.store.canviewstoresettings',
	modifyInvoices: 'btcpay.store.canmodifyinvoices',
	viewInvoices: 'btcpay.store.canviewinvoices',
	createInvoice: 'btcpay.store.cancreateinvoice',
	createLightningInvoice: 'btcpay.store.cancreatelightninginvoice',
	viewLightningInvoice: 'btcpay.store.canviewlightninginvoice',
	useLightningNode: 'btcpay.store.canuselightningnode',
	modifyWebhooks: 'btcpay.store.webhooks.canmodifywebhooks',
	viewReports: 'btcpay.store.canviewreports',
	viewPaymentRequests: 'btcpay.store.canviewpaymentrequests',
	modifyPaymentRequests: 'btcpay.store.canmodifypaymentrequests',
	managePullPayments: 'btcpay.store.canmanagepullpayments',
	createPullPayments: 'btcpay.store.cancreatepullpayments',
	createNonApprovedPullPayments: 'btcpay.store.cancreatenonapprovedpullpayments',
	viewPullPayments: 'btcpay.store.canviewpullpayments',
	archivePullPayments: 'btcpay.store.canarchivepullpayments',
	managePayouts: 'btcpay.store.canmanagepayouts',
	viewPayouts: 'btcpay.store.canviewpayouts',
	sendStoreEmails: 'btcpay.store.cansendstoreemails',
	/** Flashpoint's own, named in Greenfield's style: the POS product catalogue. */
	modifyProducts: 'btcpay.store.canmodifyproducts',
	viewProducts: 'btcpay.store.canviewproducts',
	/** Pair, rename and revoke terminals; unlock a cashier's PIN. */
	manageTerminals: 'btcpay.store.canmanageterminals',
	/** Invite people and change their roles (below the inviter's own). */
	manageTeam: 'btcpay.store.canmanageteam',
	/** Read who did what. */
	viewAuditLog: 'btcpay.store.canviewauditlog',
	/** Cards and rewards (used by the Flash Card features). */
	modifyCards: 'btcpay.store.canmodifycards',
	viewCards: 'btcpay.store.canviewcards',
	/** Take cash for a card at the till (a cashier's part of the card programme). */
	topUpCards: 'btcpay.store.cantopupcards',
	modifyRewards: 'btcpay.store.canmodifyrewards',
	createRefunds: 'btcpay.store.cancreaterefunds'
} as const;

export const USER = {
	viewProfile: 'btcpay.user.canviewprofile',
	modifyProfile: 'btcpay.user.canmodifyprofile'
} as const;

export const SERVER = {
	modifyServerSettings: 'btcpay.server.canmodifyserversettings'
} as const;

export const UNRESTRICTED = 'unrestricted';

/** Which permissions each permission implies (one level; the closure is computed). */
const INCLUDES: Record<string, readonly string[]> = {
	[STORE.modifyStoreSettings]: [
		STORE.managePullPayments,
		STORE.modifyInvoices,
		STORE.viewStoreSettings,
		STORE.modifyWebhooks,
		STORE.modifyPaymentRequests,
		STORE.managePayouts,
		STORE.useLightningNode,
		STORE.sendStoreEmails,
		STORE.modifyProducts,
		STORE.manageTerminals,
		STORE.manageTeam,
		STORE.modifyCards,
		STORE.modifyRewards,
		STORE.createRefunds,
		STORE.viewAuditLog
	],
	[STORE.modifyInvoices]: [STORE.viewInvoices, STORE.createInvoice, STORE.createLightningInvoice],
	[STORE.viewStoreSettings]: [
		STORE.viewInvoices,
		STORE.viewPaymentRequests,
		STORE.viewReports,
		STORE.viewPullPayments,
		STORE.viewPayouts,
		STORE.viewProducts,
		STORE.viewCards
	],
	[STORE.useLightningNode]: [STORE.viewLightningInvoice, STORE.createLightningInvoice],
	[STORE.managePullPayments]: [STORE.createPullPayments, STORE.archivePullPayments],
	[STORE.createPullPayments]: [STORE.createNonApprovedPullPayments],
	[STORE.createNonApprovedPullPayments]: [STORE.viewPullPayments],
	[STORE.modifyPaymentRequests]: [STORE.viewPaymentRequests],
	[STORE.modifyProducts]: [STORE.viewProducts],
	[STORE.modifyCards]: [STORE.viewCards, STORE.topUpCards],
	[USER.modifyProfile]: [USER.viewProfile]
};

const KNOWN = new Set<string>([
	...Object.values(STORE),
	...Object.values(USER),
	...Object.values(SERVER),
	UNRESTRICTED
]);

export function isKnownPermission(permission: string): boolean {
	return KNOWN.has(permission);
}

/** Everything `permission` grants, itself included. */
export function closure(permission: string): Set<string> {
	const out = new Set<string>();
	const stack = [permission];
	while (stack.length > 0) {
		const p = stack.pop()!;
		if (out.has(p)) continue;
		out.add(p);
		stack.push(...(INCLUDES[p] ?? []));
	}
	return out;
}

export type Grant = { permission: string; storeId: string | null };

/** `btcpay.store.cancreateinvoice:abc` → { permission, storeId: 'abc' } */
export function parseGrant(text: string): Grant | null {
	const colon = text.indexOf(':');
	const permission = colon === -1 ? text : text.slice(0, colon);
	const storeId = colon === -1 ? null : text.slice(colon + 1);
	if (!isKnownPermission(permission)) return null;
	if (storeId !== null && (!permission.startsWith('btcpay.store.') || !/^[A-Za-z0-9]{1,64}$/.test(storeId))) {
		return null;
	}
	return { permission, storeId };
}

/** Does a set of grants allow `needed` (on `storeId`, for store permissions)? */
export function allows(grants: readonly Grant[], needed: string, storeId: string | null): boolean {
	return grants.some((g) => {
		if (g.permission === UNRESTRICTED) return true;
		if (g.storeId !== null && g.storeId !== storeId) return false;
		return closure(g.permission).has(needed);
	});
}

/**
 * Greenfield's store roles, as permission sets a member gets on that store. Owner has it all;
 * Manager runs the shop (sales, refunds, items, cards, terminals, team below Manager) but not
 * the store's settings, node or webhooks; Employee is the cashier: charge, see sales, take
 * cards; Guest only looks.
 */
export const STORE_ROLES = {
	Owner: [STORE.modifyStoreSettings, STORE.viewStoreSettings],
	Manager: [
		STORE.modifyInvoices,
		STORE.viewStoreSettings,
		STORE.modifyProducts,
		STORE.modifyPaymentRequests,
		STORE.manageTerminals,
		STORE.manageTeam,
		STORE.modifyCards,
		STORE.modifyRewards,
		STORE.createRefunds
	],
	Employee: [STORE.createInvoice, STORE.viewInvoices, STORE.viewProducts, STORE.createLightningInvoice, STORE.viewCards, STORE.topUpCards],
	Guest: [STORE.viewInvoices, STORE.viewProducts]
} as const satisfies Record<string, readonly string[]>;

/** Roles from most to least powerful: a manager may assign only roles below their own. */
export const ROLE_RANK: Record<StoreRole, number> = { Owner: 3, Manager: 2, Employee: 1, Guest: 0 };

export type StoreRole = keyof typeof STORE_ROLES;

export function isStoreRole(role: string): role is StoreRole {
	return Object.hasOwn(STORE_ROLES, role);
}
