// Build of the PWA: SvelteKit 3 (all Kit config lives here) with adapter-static in SPA mode,
// served by Workers Static Assets next to the Hono worker (see wrangler.toml).
import { sveltekit } from '@sveltejs/kit/vite';
import adapter from '@sveltejs/adapter-static';
import { defineConfig } from 'vite';

export default defineConfig({
	plugins: [
		sveltekit({
			adapter: adapter({ fallback: 'index.html', precompress: false }),
			serviceWorker: { register: true }
		})
	],
	server: {
		// `vite dev` for UI work; the API runs in `wrangler dev` on 8787.
		proxy: { '/api': 'http://127.0.0.1:8787', '/boltcard': 'http://127.0.0.1:8787' }
	}
});
