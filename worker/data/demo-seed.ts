// The demo data a fresh checkout starts with: one admin and one store in Jamaican dollars.
// Plain SQL with `insert or ignore` and fixed ids, so seeding again changes nothing.
// Self-contained (no imports) because `npm start` runs it in Node before the worker starts.

export const DEMO_LOGIN = { email: 'demo@flashpoint.local', password: 'flashpoint-demo' } as const;
export const DEMO_USER_ID = '00000000-0000-4000-8000-00000000d3e0';
export const DEMO_STORE_ID = 'DemoCafeKingston';

function quote(text: string): string {
	return `'${text.replaceAll("'", "''")}'`;
}

export function demoSeedSql(passwordHash: string, now: number): string {
	return [
		`insert or ignore into users (id, email, name, password_hash, is_admin, created_at)
		 values (${quote(DEMO_USER_ID)}, ${quote(DEMO_LOGIN.email)}, 'Demo Owner', ${quote(passwordHash)}, 1, ${now});`,
		`insert or ignore into stores (id, name, default_currency, invoice_expiration_seconds, speed_policy, settings, created_at)
		 values (${quote(DEMO_STORE_ID)}, 'Flashpoint Demo Café', 'JMD', 900, 'MediumSpeed', '{}', ${now});`,
		`insert or ignore into store_users (store_id, user_id, role, created_at)
		 values (${quote(DEMO_STORE_ID)}, ${quote(DEMO_USER_ID)}, 'Owner', ${now});`
	].join('\n');
}
