// Whether this device can reach the server: the browser's online/offline events plus a health
// check on start, on reconnect and whenever the screen comes back into view.
import { getHealth } from '../api';

export type Connection =
	| { state: 'checking' }
	| { state: 'online'; version: string }
	| { state: 'degraded' }
	| { state: 'offline' };

export class ConnectionState {
	current = $state<Connection>({ state: 'checking' });

	async check(): Promise<void> {
		if (!navigator.onLine) {
			this.current = { state: 'offline' };
			return;
		}
		try {
			const health = await getHealth();
			this.current =
				health.database === 'ok' ? { state: 'online', version: health.version } : { state: 'degraded' };
		} catch {
			this.current = { state: 'offline' };
		}
	}

	/** Starts listening; returns the function that stops it. */
	watch(): () => void {
		const check = () => void this.check();
		const onVisible = () => {
			if (document.visibilityState === 'visible') check();
		};
		const onOffline = () => (this.current = { state: 'offline' });
		window.addEventListener('online', check);
		window.addEventListener('offline', onOffline);
		document.addEventListener('visibilitychange', onVisible);
		check();
		return () => {
			window.removeEventListener('online', check);
			window.removeEventListener('offline', onOffline);
			document.removeEventListener('visibilitychange', onVisible);
		};
	}
}
