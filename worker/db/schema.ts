// D1 schema (drizzle): the system of record, one file per area. Times are Unix epoch
// milliseconds; money columns are integers (msat, fiat minor units or points), never REAL.
export * from './schema/accounts';
export * from './schema/stores';
export * from './schema/invoices';
export * from './schema/simulated';
export * from './schema/ledger';
export * from './schema/cards';
export * from './schema/payments';
