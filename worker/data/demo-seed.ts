// The demo data a fresh checkout starts with: an owner (the server admin) and a cashier, each
// with a PIN for the till, one store in Jamaican dollars on the
// simulated node, and a small café menu for the POS product grid. Plain SQL with
// `insert or ignore` and fixed ids, so seeding again changes nothing (and keeps the node key).
// Self-contained (no imports) because `npm start` runs it in Node before the worker starts.

export const DEMO_LOGIN = { email: 'demo@flashpoint.local', password: 'flashpoint-demo', pin: '1234' } as const;
export const DEMO_USER_ID = '00000000-0000-4000-8000-00000000d3e0';
/** A cashier (Employee) for trying the till: PIN sign-in, and what a cashier may not do. */
export const DEMO_CASHIER = { email: 'cashier@flashpoint.local', password: 'flashpoint-cashier', pin: '2468', name: 'Demo Cashier' } as const;
export const DEMO_CASHIER_ID = '00000000-0000-4000-8000-00000000ca5e';
export const DEMO_STORE_ID = 'DemoCafeKingston';

/** Context the node settings are sealed under (worker/nodes/registry.ts). */
export const demoNodeSealContext = `store-node:${DEMO_STORE_ID}`;

const MENU: Array<[id: string, title: string, priceMinor: number, category: string]> = [
	['demo-coffee', 'Blue Mountain coffee', 65000, 'Drinks'],
	['demo-ginger', 'Ginger beer', 35000, 'Drinks'],
	['demo-juice', 'June plum juice', 40000, 'Drinks'],
	['demo-patty', 'Beef patty', 45000, 'Food'],
	['demo-bammy', 'Bammy and fish', 120000, 'Food'],
	['demo-cake', 'Rum cake slice', 55000, 'Sweets']
];

function quote(text: string): string {
	return `'${text.replaceAll("'", "''")}'`;
}

export type DemoHashes = { ownerPassword: string; ownerPin: string; cashierPassword: string; cashierPin: string };

export function demoSeedSql(hashes: DemoHashes, sealedNodeConfig: string, now: number): string {
	return [
		`insert or ignore into users (id, email, name, password_hash, pin_hash, is_admin, created_at)
		 values (${quote(DEMO_USER_ID)}, ${quote(DEMO_LOGIN.email)}, 'Demo Owner', ${quote(hashes.ownerPassword)}, ${quote(hashes.ownerPin)}, 1, ${now});`,
		`insert or ignore into users (id, email, name, password_hash, pin_hash, is_admin, created_at)
		 values (${quote(DEMO_CASHIER_ID)}, ${quote(DEMO_CASHIER.email)}, ${quote(DEMO_CASHIER.name)}, ${quote(hashes.cashierPassword)}, ${quote(hashes.cashierPin)}, 0, ${now});`,
		`insert or ignore into stores (id, name, default_currency, invoice_expiration_seconds, speed_policy, settings, created_at)
		 values (${quote(DEMO_STORE_ID)}, 'Flashpoint Demo Café', 'JMD', 900, 'MediumSpeed', '{}', ${now});`,
		`insert or ignore into store_users (store_id, user_id, role, created_at)
		 values (${quote(DEMO_STORE_ID)}, ${quote(DEMO_USER_ID)}, 'Owner', ${now});`,
		`insert or ignore into store_users (store_id, user_id, role, created_at)
		 values (${quote(DEMO_STORE_ID)}, ${quote(DEMO_CASHIER_ID)}, 'Employee', ${now});`,
		`insert or ignore into store_nodes (store_id, kind, sealed_config, updated_at)
		 values (${quote(DEMO_STORE_ID)}, 'simulated', ${quote(sealedNodeConfig)}, ${now});`,
		...MENU.map(
			([id, title, priceMinor, category], position) =>
				`insert or ignore into products (id, store_id, title, price_minor, currency, category, position, disabled, created_at, updated_at)
				 values (${quote(id)}, ${quote(DEMO_STORE_ID)}, ${quote(title)}, ${priceMinor}, 'JMD', ${quote(category)}, ${position}, 0, ${now}, ${now});`
		)
	].join('\n');
}
