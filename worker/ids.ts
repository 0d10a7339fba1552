// Identifiers for new records: random, URL-safe and unguessable. Stores use base58 like
// Greenfield's store ids; users a UUID like Greenfield's user ids.
import { base58 } from '@scure/base';

export function randomBase58(bytes: number): string {
	return base58.encode(crypto.getRandomValues(new Uint8Array(bytes)));
}

export const newStoreId = (): string => randomBase58(32);
export const newUserId = (): string => crypto.randomUUID();
export const newRequestId = (): string => randomBase58(12);
