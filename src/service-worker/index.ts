// The service worker: precaches the app shell (hashed build files, static assets and the
// single-page index.html) so the POS opens and reloads with no network, and answers every page
// navigation with that shell. API calls always go to the network: invoice status must be live.
import { self } from '$app/service-worker';
import { immutable, assets } from '$app/manifest';
import { version } from '$app/env';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

precacheAndRoute([
	...immutable.map(({ path }) => ({ url: `/${path}`, revision: null })),
	...assets.map(({ path }) => ({ url: `/${path}`, revision: version })),
	{ url: '/index.html', revision: version }
]);
cleanupOutdatedCaches();

registerRoute(
	new NavigationRoute(createHandlerBoundToURL('/index.html'), {
		denylist: [/^\/api\//, /^\/boltcard/]
	})
);

// A new release waits until the user agrees to reload (see src/lib/state/app-update.svelte.ts).
self.addEventListener('message', (event) => {
	if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
