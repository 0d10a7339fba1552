// Notices when a new service worker (a new release) is waiting, and swaps it in only when the
// user says so: a cashier mid-sale must never have the app reload under them.
export class AppUpdate {
	waiting = $state<ServiceWorker | null>(null);

	watch(): () => void {
		if (!('serviceWorker' in navigator)) return () => {};
		let stopped = false;
		const look = async () => {
			const registration = await navigator.serviceWorker.getRegistration();
			if (!registration || stopped) return;
			const track = (worker: ServiceWorker | null) => {
				if (!worker) return;
				const update = () => {
					if (worker.state === 'installed' && navigator.serviceWorker.controller) this.waiting = worker;
				};
				worker.addEventListener('statechange', update);
				update();
			};
			track(registration.waiting);
			registration.addEventListener('updatefound', () => track(registration.installing));
			void registration.update().catch(() => {});
		};
		const onControllerChange = () => window.location.reload();
		navigator.serviceWorker.addEventListener('controllerchange', onControllerChange);
		void look();
		return () => {
			stopped = true;
			navigator.serviceWorker.removeEventListener('controllerchange', onControllerChange);
		};
	}

	apply(): void {
		this.waiting?.postMessage({ type: 'SKIP_WAITING' });
	}
}
