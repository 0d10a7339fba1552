// The one door webhook deliveries leave by. Production sends with the platform's fetch; tests
// put a recording receiver here to check what would have been sent, and when.
import type { Fetcher } from './sender';

let current: Fetcher = (request) => fetch(request);

export function webhookFetcher(): Fetcher {
	return (request) => current(request);
}

/** Replaces the door (tests); returns a function that puts the previous one back. */
export function useWebhookFetcher(fetcher: Fetcher): () => void {
	const previous = current;
	current = fetcher;
	return () => {
		current = previous;
	};
}
