// Where webhook deliveries may go: a guard against server-side request forgery, so that a store
// owner's API key cannot make the worker POST to loopback, private networks or cloud metadata.
// The URL is parsed by WHATWG rules (as fetch will), and the normalised host is checked, which
// turns tricky spellings such as 2130706433, 0177.0.0.1, 0x7f.1, 127.1 or [::ffff:7f00:1] into
// the address they stand for before any range is compared.
//
// What this cannot do: a public name may resolve to a private address (DNS rebinding), and
// Workers resolve names inside fetch, where no check of ours runs. This is the first line only.
// The second is the platform: a Worker's outbound fetch leaves from Cloudflare's network to the
// public internet and does not reach the operator's private networks or loopback. Deliveries
// should still use `redirect: 'manual'`, so a redirect cannot lead past this check.
//
// In development (`production: false`) http://127.0.0.1, http://localhost and http://[::1] (any
// port) are accepted as well, so an integration can be tried on one machine; nothing else is.

export type WebhookUrlCheck =
	| { ok: true; url: URL }
	| { ok: false; code: 'invalid-webhook-url'; message: string };

const USE_PUBLIC = 'Enter the public https:// address of your endpoint.';
const TUNNEL_HINT =
	' To try an endpoint on your own computer, expose it through a tunnel' +
	' (for example cloudflared or ngrok).';
const DEV_LOOPBACK_HINT =
	' While developing, only 127.0.0.1, localhost and [::1] are accepted for this machine.';
const DEV_LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

type Kind =
	| 'loopback'
	| 'private'
	| 'link-local'
	| 'shared'
	| 'unspecified'
	| 'multicast'
	| 'broadcast'
	| 'documentation'
	| 'reserved';

const DESCRIPTIONS: Record<Kind, string> = {
	loopback: 'a loopback address, which points back at the server itself',
	private: 'a private network address',
	'link-local': 'a link-local address (the range of cloud metadata services)',
	shared: 'a carrier-grade NAT address, reachable only inside a provider network',
	unspecified: 'not a destination ("this network")',
	multicast: 'a multicast address',
	broadcast: 'the broadcast address',
	documentation: 'an address reserved for documentation examples',
	reserved: 'a reserved address that is not reachable on the internet'
};

type Refusal = { kind: Kind; range: string };

// IPv4 ranges that are not public unicast destinations (IANA special-purpose registry).
// 255.255.255.255 comes before 240.0.0.0/4, which contains it.
const IPV4_RANGES: Array<[base: string, bits: number, kind: Kind]> = [
	['0.0.0.0', 8, 'unspecified'],
	['10.0.0.0', 8, 'private'],
	['100.64.0.0', 10, 'shared'],
	['127.0.0.0', 8, 'loopback'],
	['169.254.0.0', 16, 'link-local'],
	['172.16.0.0', 12, 'private'],
	['192.0.0.0', 24, 'reserved'],
	['192.0.2.0', 24, 'documentation'],
	['192.88.99.0', 24, 'reserved'],
	['192.168.0.0', 16, 'private'],
	['198.18.0.0', 15, 'reserved'],
	['198.51.100.0', 24, 'documentation'],
	['203.0.113.0', 24, 'documentation'],
	['224.0.0.0', 4, 'multicast'],
	['255.255.255.255', 32, 'broadcast'],
	['240.0.0.0', 4, 'reserved']
];

function parseIpv4(text: string): number | null {
	const parts = text.split('.');
	if (parts.length !== 4) return null;
	let value = 0;
	for (const part of parts) {
		if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
		value = value * 256 + Number(part);
	}
	return value;
}

function inRange(address: number, base: number, bits: number): boolean {
	const size = 2 ** (32 - bits);
	return Math.floor(address / size) === Math.floor(base / size);
}

function classifyIpv4(address: number): Refusal | null {
	for (const [base, bits, kind] of IPV4_RANGES) {
		if (inRange(address, parseIpv4(base)!, bits)) return { kind, range: `${base}/${bits}` };
	}
	return null;
}

/** Eight 16-bit groups from a WHATWG-serialised IPv6 literal (no brackets), or null. */
function parseIpv6(text: string): number[] | null {
	const halves = text.split('::');
	if (halves.length > 2) return null;
	const groups = (half: string): number[] | null => {
		if (half === '') return [];
		const out: number[] = [];
		for (const piece of half.split(':')) {
			if (piece.includes('.')) {
				const v4 = parseIpv4(piece);
				if (v4 === null) return null;
				out.push(Math.floor(v4 / 65536), v4 % 65536);
			} else if (/^[0-9a-f]{1,4}$/i.test(piece)) out.push(Number.parseInt(piece, 16));
			else return null;
		}
		return out;
	};
	const head = groups(halves[0]!);
	const tail = halves.length === 2 ? groups(halves[1]!) : [];
	if (head === null || tail === null) return null;
	if (halves.length === 1) return head.length === 8 ? head : null;
	const missing = 8 - head.length - tail.length;
	if (missing < 1) return null;
	return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

const embeddedIpv4 = (high: number, low: number): number => high * 65536 + low;

function prefixMatches(g: number[], prefix: number[], bits: number): boolean {
	for (let i = 0; bits > 0; i++, bits -= 16) {
		const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
		if ((g[i]! & mask) !== ((prefix[i] ?? 0) & mask)) return false;
	}
	return true;
}

function classifyIpv6(g: number[]): Refusal | null {
	const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
	if (zeroUpTo(7) && g[7] === 1) return { kind: 'loopback', range: '::1/128' };
	if (zeroUpTo(8)) return { kind: 'unspecified', range: '::/128' };
	// IPv4-mapped (::ffff:0:0/96): the IPv4 address decides.
	if (zeroUpTo(5) && g[5] === 0xffff) return classifyIpv4(embeddedIpv4(g[6]!, g[7]!));
	if (zeroUpTo(6)) return { kind: 'reserved', range: '::/96' }; // deprecated IPv4-compatible
	// NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address that decides.
	if (prefixMatches(g, [0x64, 0xff9b, 0, 0, 0, 0], 96)) {
		return classifyIpv4(embeddedIpv4(g[6]!, g[7]!));
	}
	if (g[0] === 0x2002) return classifyIpv4(embeddedIpv4(g[1]!, g[2]!));
	const ranges: Array<[prefix: number[], bits: number, range: string, kind: Kind]> = [
		[[0x64, 0xff9b, 1], 48, '64:ff9b:1::/48', 'private'],
		[[0x100, 0, 0, 0], 64, '100::/64', 'reserved'],
		[[0x2001, 0], 32, '2001::/32', 'reserved'], // Teredo
		[[0x2001, 0xdb8], 32, '2001:db8::/32', 'documentation'],
		[[0x3fff], 20, '3fff::/20', 'documentation'],
		[[0xfc00], 7, 'fc00::/7', 'private'],
		[[0xfe80], 10, 'fe80::/10', 'link-local'],
		[[0xfec0], 10, 'fec0::/10', 'private'], // deprecated site-local
		[[0xff00], 8, 'ff00::/8', 'multicast']
	];
	for (const [prefix, bits, range, kind] of ranges) {
		if (prefixMatches(g, prefix, bits)) return { kind, range };
	}
	// Only 2000::/3 is global unicast; everything else is unassigned or special.
	if (!prefixMatches(g, [0x2000], 3)) return { kind: 'reserved', range: 'outside 2000::/3' };
	return null;
}

// Names that never resolve on the public internet, by their last labels.
const LOCAL_NAMES: Array<[suffix: string, why: string]> = [
	['localhost', 'names the server itself'],
	['local', 'is a local-network (mDNS) name that only resolves inside your own network'],
	['internal', 'is a private-network name'],
	['home.arpa', 'is a home-network name'],
	['localdomain', 'is a private-network name'],
	['lan', 'is a private-network name'],
	['home', 'is a private-network name'],
	['corp', 'is a private-network name'],
	['test', 'is reserved for testing and never resolves on the internet'],
	['example', 'is reserved for examples and never resolves on the internet'],
	['invalid', 'is reserved and never resolves on the internet'],
	['onion', 'is a Tor address, which webhooks cannot reach: they are sent from Cloudflare']
];

function refuse(message: string): WebhookUrlCheck {
	return { ok: false, code: 'invalid-webhook-url', message };
}

function hostProblem(host: string, production: boolean): string | null {
	// A single trailing dot is the same name (fully qualified); WHATWG keeps it, DNS ignores it.
	const name = host.endsWith('.') ? host.slice(0, -1) : host;
	const loopbackHint = production ? TUNNEL_HINT : DEV_LOOPBACK_HINT;

	let refusal: Refusal | null = null;
	if (name.startsWith('[')) {
		const groups = parseIpv6(name.slice(1, -1));
		if (groups === null) return `${host} is not a valid IPv6 address. ${USE_PUBLIC}`;
		refusal = classifyIpv6(groups);
	} else {
		const v4 = parseIpv4(name);
		if (v4 !== null) refusal = classifyIpv4(v4);
		else {
			const labels = name.split('.');
			if (labels.some((label) => label === '')) {
				return `${host} is not a valid domain name (it has an empty label). ${USE_PUBLIC}`;
			}
			for (const [suffix, why] of LOCAL_NAMES) {
				if (name === suffix || name.endsWith(`.${suffix}`)) {
					const hint = suffix === 'localhost' ? loopbackHint : '';
					return `${host} ${why}, so webhooks cannot be sent there. ${USE_PUBLIC}${hint}`;
				}
			}
			if (labels.length < 2) {
				return (
					`"${host}" is not a full domain name. Enter the public address of your endpoint,` +
					' for example https://hooks.example.com/btcpay.'
				);
			}
			return null;
		}
	}
	if (refusal === null) return null;
	const hint = refusal.kind === 'loopback' ? loopbackHint : '';
	return (
		`${host} is ${DESCRIPTIONS[refusal.kind]} (${refusal.range}), so webhooks cannot be sent` +
		` there. ${USE_PUBLIC}${hint}`
	);
}

/**
 * Decides whether deliveries may be sent to `url`. On success the parsed, normalised URL is
 * returned for fetch; store the URL as the client sent it, as BTCPay does, since Greenfield
 * clients find their webhook again by comparing that string.
 */
export function checkWebhookUrl(url: string, options: { production: boolean }): WebhookUrlCheck {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return refuse(
			'Enter the full address of your endpoint, starting with https://' +
				' (for example https://hooks.example.com/btcpay).'
		);
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		return refuse(
			'Webhooks are sent by HTTPS POST, so the address must start with https://' +
				` (not ${parsed.protocol}).`
		);
	}
	if (parsed.username !== '' || parsed.password !== '') {
		return refuse(
			'Remove the user name and password from the address. Receivers authenticate' +
				' deliveries by checking the BTCPay-Sig header with the webhook secret.'
		);
	}
	const host = parsed.hostname;
	const bareHost = host.endsWith('.') ? host.slice(0, -1) : host;
	if (!options.production && DEV_LOOPBACK_HOSTS.has(bareHost)) return { ok: true, url: parsed };

	const problem = hostProblem(host, options.production);
	if (problem !== null) return refuse(problem);
	if (parsed.protocol !== 'https:') {
		const dev = options.production
			? ''
			: ' Plain http:// is accepted only for 127.0.0.1, localhost and [::1] while developing.';
		return refuse(
			'Use an https:// address: over http:// the invoice data and its signature would' +
				` travel unencrypted.${dev}`
		);
	}
	return { ok: true, url: parsed };
}
