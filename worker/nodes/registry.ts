// Which node a store relays to: reads the sealed connection settings and builds the adapter.
import { bytesToHex } from '@noble/hashes/utils.js';
import type { NodeSettings } from '../contract/nodes';
import { database } from '../db/client';
import { findStoreNode, upsertStoreNode } from '../data/stores';
import type { WorkerEnv } from '../env';
import { ApiError } from '../errors';
import { newNodePrivateKey } from '../lightning/bolt11';
import { seal, unseal } from '../secrets/seal';
import { SimulatedNode, type SimulatedConfig } from './simulated';
import type { NodeAdapter } from './types';

type StoredConfig = SimulatedConfig;

const sealContext = (storeId: string) => `store-node:${storeId}`;

/** The simulated node is on by default in development and off in production. */
export function simulatedNodeEnabled(env: Pick<WorkerEnv, 'ENVIRONMENT'> & { SIMULATED_NODE?: string }): boolean {
	if (env.SIMULATED_NODE === 'on') return true;
	if (env.SIMULATED_NODE === 'off') return false;
	return env.ENVIRONMENT !== 'production';
}

export async function connectNode(env: WorkerEnv, storeId: string, settings: NodeSettings, now: number): Promise<void> {
	if (settings.kind === 'simulated' && !simulatedNodeEnabled(env)) {
		throw new ApiError(
			'bad-request',
			'The simulated node is turned off on this deployment; connect your own node, or set SIMULATED_NODE=on for a test deployment.'
		);
	}
	const db = database(env.DB);
	const existing = await findStoreNode(db, storeId);
	// Reconnecting the simulated node keeps its key, so invoices it issued stay verifiable.
	let config: StoredConfig;
	if (existing?.kind === 'simulated') {
		config = JSON.parse(await unseal(env, existing.sealedConfig, sealContext(storeId))) as StoredConfig;
	} else {
		config = { kind: 'simulated', privateKey: bytesToHex(newNodePrivateKey()) };
	}
	await upsertStoreNode(db, {
		storeId,
		kind: settings.kind,
		sealedConfig: await seal(env, JSON.stringify(config), sealContext(storeId)),
		updatedAt: now
	});
}

/** The store's node, or a clear error when none is connected. */
export async function nodeFor(env: WorkerEnv, storeId: string): Promise<NodeAdapter> {
	const db = database(env.DB);
	const row = await findStoreNode(db, storeId);
	if (!row) {
		throw new ApiError(
			'node-not-configured',
			'This store has no Lightning node yet; connect one in the store settings (or the simulated node to try things out).'
		);
	}
	const config = JSON.parse(await unseal(env, row.sealedConfig, sealContext(storeId))) as StoredConfig;
	switch (config.kind) {
		case 'simulated':
			return new SimulatedNode(db, storeId, config);
	}
}
