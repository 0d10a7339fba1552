// A shared tablet in terminal mode: paired once with a manager's code (a device token kept on
// the tablet), then unlocked by a cashier's PIN. Locks itself after the terminal's idle minutes
// (the server enforces the same limit); `cashier-locked` returns to the PIN pad and
// `terminal-revoked` forgets the pairing.
import type { ApiFailure, TerminalAuth } from '../api.ts';
import { cashierSignIn, cashierSignOut, getTerminal, pairTerminal, type TerminalInfo } from '../api/terminal.ts';
import {
	readCashier,
	readTerminalDevice,
	saveCashier,
	saveTerminalDevice,
	type CashierSession,
	type TerminalDevice
} from '../pos/session.ts';
import { asFailure } from './pos-session.svelte.ts';

const ACTIVITY_EVENTS = ['pointerdown', 'keydown'] as const;

export class TerminalState {
	device = $state.raw<TerminalDevice | null>(null);
	info = $state.raw<TerminalInfo | null>(null);
	cashier = $state.raw<CashierSession | null>(null);
	/** The cashier to ask the PIN of (after "Lock", the one who locked). */
	chosen = $state<string | null>(null);
	failure = $state.raw<ApiFailure | null>(null);
	/** Set when the server said this tablet was unpaired, so the pairing screen can say why. */
	revoked = $state(false);
	#lastActivity = Date.now();

	readonly auth: TerminalAuth | null = $derived(
		this.device ? { terminal: this.device.token, cashier: this.cashier?.token ?? null } : null
	);
	readonly idleMinutes = $derived(this.info?.terminal?.idleLockMinutes ?? 5);

	constructor() {
		this.device = readTerminalDevice();
		if (this.device) this.cashier = readCashier();
	}

	async pair(code: string): Promise<void> {
		const paired = await pairTerminal(code.trim().toUpperCase());
		this.device = { token: paired.token, storeId: paired.store.id, storeName: paired.store.name, terminalId: paired.terminal.id };
		saveTerminalDevice(this.device);
		this.revoked = false;
		this.#setCashier(null);
		await this.refresh();
	}

	/** Reads the terminal, its store and its cashiers (works locked or unlocked). */
	async refresh(): Promise<void> {
		const auth = this.auth;
		if (!auth) return;
		this.failure = null;
		try {
			this.info = await getTerminal(auth);
			if (this.cashier && !this.info.cashier) this.#setCashier(null);
		} catch (error) {
			if (!this.handle(asFailure(error))) this.failure = asFailure(error);
		}
	}

	/** Signs a cashier in by PIN; throws the server's refusal (wrong PIN, locked, rate-limited). */
	async signIn(userId: string, pin: string): Promise<void> {
		const device = this.device;
		if (!device) return;
		try {
			const session = await cashierSignIn(device.token, userId, pin);
			this.#setCashier({ token: session.token, userId: session.userId, name: session.name, role: session.role });
			this.chosen = session.userId;
			this.touch();
			void this.refresh();
		} catch (error) {
			const failure = asFailure(error);
			if (failure.code === 'terminal-revoked') this.handle(failure);
			throw failure;
		}
	}

	/** Ends the cashier's session; `keep` asks the same cashier's PIN next (Lock), else the picker. */
	async lock(keep: boolean): Promise<void> {
		const auth = this.auth;
		const who = this.cashier?.userId ?? null;
		this.#setCashier(null);
		this.chosen = keep ? who : null;
		if (auth?.cashier) await cashierSignOut(auth).catch(() => {});
		void this.refresh();
	}

	/** Reacts to a refusal any call got: true when it was about the terminal or cashier session. */
	handle(failure: ApiFailure): boolean {
		if (failure.code === 'terminal-revoked') {
			this.forget();
			this.revoked = true;
			return true;
		}
		if (failure.code === 'cashier-locked') {
			this.chosen = this.cashier?.userId ?? this.chosen;
			this.#setCashier(null);
			return true;
		}
		return false;
	}

	forget(): void {
		saveTerminalDevice(null);
		this.#setCashier(null);
		this.device = null;
		this.info = null;
		this.chosen = null;
	}

	touch(): void {
		this.#lastActivity = Date.now();
	}

	/** Watches for taps and keys, and locks the till after the idle minutes; returns the stop. */
	watchIdle(): () => void {
		const onActivity = () => this.touch();
		for (const name of ACTIVITY_EVENTS) window.addEventListener(name, onActivity, { passive: true });
		const timer = setInterval(() => {
			if (this.cashier && Date.now() - this.#lastActivity > this.idleMinutes * 60_000) void this.lock(true);
		}, 5_000);
		return () => {
			clearInterval(timer);
			for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, onActivity);
		};
	}

	#setCashier(cashier: CashierSession | null): void {
		this.cashier = cashier;
		saveCashier(cashier);
	}
}
