// Which node addresses a Worker can reach, decided before anything is stored or fetched, with the
// reason and the fix in words a merchant can act on. Cloudflare's documented limits
// (workers/platform/known-issues, the 526 error page, compat flag `allow_custom_ports`):
// - a subrequest needs a host name: raw IP addresses are refused by the platform;
// - a host Cloudflare does not proxy is validated as Full (strict) TLS: self-signed certificates
//   (LND's tls.cert, clnrest's generated one) fail with 526, so the node needs HTTPS with a
//   publicly trusted certificate (a reverse proxy with Let's Encrypt, or a Cloudflare Tunnel);
// - Tor (.onion), mDNS (.local) and single-label names do not resolve on the public internet;
// - any port works since compatibility date 2024-09-02 (so :8080, :3010, :5000 are fine).
// Plain http:// is accepted only for 127.0.0.1, localhost and [::1] outside production, for
// local development and the end-to-end tests. Pure: no imports, usable in Node tests.

export type NodeUrlRefusal =
	| 'malformed'
	| 'scheme'
	| 'credentials'
	| 'query'
	| 'raw-ip'
	| 'onion'
	| 'local-name'
	| 'single-label'
	| 'loopback'
	| 'not-https';

export type NodeUrlCheck =
	/** `url`: origin plus path, without a trailing slash: the base every call extends. */
	| { ok: true; url: string }
	| { ok: false; reason: NodeUrlRefusal; message: string };

const TUNNEL_HINT =
	'Give your node a public HTTPS name with a certificate from a public authority, for example' +
	' with a Cloudflare Tunnel or a reverse proxy with Let’s Encrypt in front of it.';
const DEV_LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

// Names that never resolve on the public internet, by their last label(s).
const PRIVATE_SUFFIXES: Array<[suffix: string, what: string]> = [
	['local', 'a local-network (mDNS) name that only resolves inside your own network'],
	['localhost', 'a name for the server itself'],
	['internal', 'a private-network name'],
	['home.arpa', 'a home-network name'],
	['localdomain', 'a private-network name'],
	['lan', 'a private-network name'],
	['home', 'a private-network name'],
	['corp', 'a private-network name'],
	['test', 'a name reserved for testing that never resolves on the internet'],
	['example', 'a name reserved for examples that never resolves on the internet'],
	['invalid', 'a name reserved as invalid that never resolves on the internet']
];

function refuse(reason: NodeUrlRefusal, message: string): NodeUrlCheck {
	return { ok: false, reason, message };
}

/** A WHATWG-normalised host that is an IP literal (the URL parser turns 127.1 into 127.0.0.1). */
function isIpLiteral(host: string): boolean {
	return host.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

/**
 * Checks a node's REST address. `production` is false under `wrangler dev` and in tests, where
 * http://127.0.0.1:<port> and http://localhost:<port> are allowed as well.
 */
export function checkNodeUrl(input: string, options: { production: boolean }): NodeUrlCheck {
	let url: URL;
	try {
		url = new URL(input.trim());
	} catch {
		return refuse(
			'malformed',
			'Enter the full address of your node’s REST interface, starting with https://' +
				' (for example https://lnd.example.com:8080).'
		);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		return refuse(
			'scheme',
			`Enter an https:// address: the node is called over HTTPS, not ${url.protocol}.`
		);
	}
	if (url.username !== '' || url.password !== '') {
		return refuse(
			'credentials',
			'Remove the user name and password from the address; the macaroon, rune or API key' +
				' goes in its own field.'
		);
	}
	if (url.search !== '' || url.hash !== '') {
		return refuse(
			'query',
			'Remove the part after ? or # from the address: give only the node’s base address.'
		);
	}
	const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
	const host = url.hostname.endsWith('.') ? url.hostname.slice(0, -1) : url.hostname;
	if (!options.production && DEV_LOOPBACK_HOSTS.has(host)) return { ok: true, url: base };

	if (isIpLiteral(host)) {
		// workers/platform/known-issues: "IP addresses are not allowed" as subrequest hosts.
		return refuse('raw-ip', `Workers cannot reach a raw IP address (${host}). ${TUNNEL_HINT}`);
	}
	if (host === 'onion' || host.endsWith('.onion')) {
		return refuse(
			'onion',
			`${host} is a Tor address, and Workers cannot reach Tor. ${TUNNEL_HINT}` +
				' Or connect the wallet with Nostr Wallet Connect, which needs no inbound address.'
		);
	}
	for (const [suffix, what] of PRIVATE_SUFFIXES) {
		if (host === suffix || host.endsWith(`.${suffix}`)) {
			const reason = suffix === 'localhost' ? 'loopback' : 'local-name';
			return refuse(
				reason,
				`${host} is ${what}, which Workers on Cloudflare’s network cannot reach. ${TUNNEL_HINT}`
			);
		}
	}
	if (!host.includes('.')) {
		return refuse(
			'single-label',
			`“${host}” is not a full domain name, so it does not resolve on the internet.` +
				` ${TUNNEL_HINT}`
		);
	}
	if (url.protocol !== 'https:') {
		const dev = options.production
			? ''
			: ' Plain http:// is accepted only for 127.0.0.1 and localhost while developing.';
		return refuse(
			'not-https',
			'Use an https:// address: the credentials would otherwise travel unencrypted, and Workers' +
				` require a publicly trusted certificate on the node.${dev}`
		);
	}
	return { ok: true, url: base };
}
